"""Everything that goes into the outbox (SPEC.md 9.2) goes through here.

Two kinds of record: a **station event** (kind 2) says what happened at the
station — a sync, a wrong code, a lockout, a refusal, a bundle installed or
rejected, a boot — and a **lock event** (kind 1) is an audit event a key
handed over. ``EventRecorder.record`` is the one writer of station events for
the station, its key sessions, its uplink and its service console.

Lock events are kept **verbatim**: the key's audit batch is sliced into its
36-byte events, each stored byte for byte as the lock wrote it, because the
lock's MAC covers those bytes (SPEC.md 8.3) and a relay that decoded and
re-encoded them would turn a field it does not know into a forged event.
Nothing here decodes an event; only the batch header is read.

``keep_key_events`` is the one place where "durable before acknowledged"
holds: it returns only once the events are on flash (the outbox appends one
CRC-checked entry), and only then may the key session acknowledge them to
the key. No buffer beyond the batch the key session read and one record.
"""

import struct

from firmware.outbox import KIND_LOCK_EVENT, KIND_STATION_EVENT, OutboxFull
from firmware.protocol_constants import AUDIT_BATCH_HEADER_SIZE, AUDIT_EVENT_SIZE

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.clock import Clock
    from firmware.log import Log
    from firmware.outbox import Outbox

_STATION_EVENT = "<BBIIBBHI"  # kind, length, key_id, time, reason, 3 reserved, detail
_STATION_EVENT_LENGTH = 16
_LOCK_EVENT_LENGTH = AUDIT_EVENT_SIZE + 4  # the event, then received_at
_BATCH_MAGIC = b"SKAB"


class BadBatch(ValueError):
    """An audit batch whose header or length does not hold; ``str`` says which."""


def station_event(key_id: int, time: int, reason: int, detail: int = 0) -> bytes:
    """The 18-byte outbox record of a station event."""
    return struct.pack(
        _STATION_EVENT,
        KIND_STATION_EVENT,
        _STATION_EVENT_LENGTH,
        key_id & 0xFFFFFFFF,
        time & 0xFFFFFFFF,
        reason,
        0,
        0,
        detail & 0xFFFFFFFF,
    )


def lock_event(event: bytes, received_at: int) -> bytes:
    """The 42-byte outbox record of one audit event, its 36 bytes unchanged."""
    if len(event) != AUDIT_EVENT_SIZE:
        raise ValueError("an audit event is %d bytes, not %d" % (AUDIT_EVENT_SIZE, len(event)))
    return (
        bytes((KIND_LOCK_EVENT, _LOCK_EVENT_LENGTH))
        + bytes(event)
        + struct.pack("<I", received_at & 0xFFFFFFFF)
    )


def batch_header(data: bytes) -> tuple[int, int, int]:
    """(key_id, first_seq, count) of an audit batch (SPEC.md 8.3), its length checked.

    The events themselves are not looked at: whether each is genuine is for the
    back office, which holds the locks' secrets, to say."""
    if len(data) < AUDIT_BATCH_HEADER_SIZE:
        raise BadBatch("audit batch of %d bytes: shorter than its header" % len(data))
    if bytes(data[0:4]) != _BATCH_MAGIC:
        raise BadBatch("audit batch without its magic")
    if data[4] != 1:
        raise BadBatch("audit batch format %d" % data[4])
    count, key_id, first_seq = struct.unpack_from("<HII", data, 6)
    size = AUDIT_BATCH_HEADER_SIZE + AUDIT_EVENT_SIZE * count
    if len(data) != size:
        raise BadBatch(
            "audit batch of %d events must be %d bytes, is %d" % (count, size, len(data))
        )
    return key_id, first_seq, count


def batch_events(data: bytes, received_at: int) -> list[bytes]:
    """The outbox records of a checked audit batch's events, oldest first."""
    _, _, count = batch_header(data)
    records = []
    offset = AUDIT_BATCH_HEADER_SIZE
    for _ in range(count):
        records.append(lock_event(data[offset : offset + AUDIT_EVENT_SIZE], received_at))
        offset += AUDIT_EVENT_SIZE
    return records


class EventRecorder:
    """The station's one writer of outbox records."""

    def __init__(self, outbox: "Outbox", clock: "Clock", log: "Log") -> None:
        self.outbox = outbox
        self.clock = clock
        self.log = log

    def record(self, key_id: int, reason: int, detail: int = 0) -> bool:
        """A station event, stamped with the station's clock; False (and logged) when the
        outbox is full — a station event never stops what it reports on."""
        try:
            self.outbox.append([station_event(key_id, self.clock.now(), reason, detail)])
        except OutboxFull:
            self.log.error(
                "outbox full: station event %d (key %d, detail %d) not stored"
                % (reason, key_id, detail & 0xFFFFFFFF)
            )
            return False
        return True

    def keep_key_events(self, batch: bytes) -> int:
        """The events of a key's audit batch onto flash, verbatim; returns how many are new
        (an event already waiting in the outbox is not stored twice).

        Returns only when they are durable; raises ``OutboxFull`` (nothing written) when
        there is no room, ``BadBatch`` for a batch whose header does not hold."""
        records = batch_events(batch, self.clock.now())
        before = self.outbox.next_index
        self.outbox.append(records)
        return self.outbox.next_index - before
