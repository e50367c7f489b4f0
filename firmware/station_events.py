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

``KeyEventStage.keep`` (a batch read from the key piece by piece) is the one
place where "durable before acknowledged" holds: it returns only once the
events are on flash, in outbox entries of at most ``EVENTS_PER_ENTRY`` events
each (one CRC-checked entry apiece), and only then may the key session
acknowledge them to the key.

A key's audit batch can be up to ~72 KiB (2,048 events), too much for a
board's heap at once: the key session reads it in pieces, hashes each into
the SHA-256 the key announced, and hands each piece to a ``KeyEventStage``,
which appends its bytes to the stage file ``audit.stage`` on flash. Only when
the whole batch matched its hash does ``keep`` move the staged events into
the outbox, ``EVENTS_PER_ENTRY`` at a time, so nothing unchecked ever enters
the outbox. A power cut between two entries leaves the earlier ones stored
and the key unacknowledged: the key hands them over again and the outbox's
duplicate check drops them. ``keep`` records in ``through`` the key sequence
number of the last event on flash, so a full outbox still lets the key
forget what did fit. A stage file left by a power cut is dropped by the next
stage (the next key with events); until then it only takes flash.
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
EVENTS_PER_ENTRY = 64  # lock events per outbox entry (~2.7 KiB on flash, ~5 KiB of heap)
STAGE_FILE = "audit.stage"


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


def batch_head(head: bytes, size: int) -> tuple[int, int, int]:
    """(key_id, first_seq, count) of an audit batch (SPEC.md 8.3) of ``size`` bytes, from its
    first 16 bytes (read before the events), the length checked against the count.

    The events themselves are not looked at: whether each is genuine is for the
    back office, which holds the locks' secrets, to say."""
    if size < AUDIT_BATCH_HEADER_SIZE or len(head) < AUDIT_BATCH_HEADER_SIZE:
        raise BadBatch("audit batch of %d bytes: shorter than its header" % size)
    if bytes(head[0:4]) != _BATCH_MAGIC:
        raise BadBatch("audit batch without its magic")
    if head[4] != 1:
        raise BadBatch("audit batch format %d" % head[4])
    count, key_id, first_seq = struct.unpack_from("<HII", head, 6)
    expected = AUDIT_BATCH_HEADER_SIZE + AUDIT_EVENT_SIZE * count
    if size != expected:
        raise BadBatch("audit batch of %d events must be %d bytes, is %d" % (count, expected, size))
    return key_id, first_seq, count


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

    def _keep_events(self, data: bytes, offset: int, count: int, received_at: int) -> int:
        """``count`` events from ``offset`` of ``data`` into the outbox, a slice at a time."""
        stored = 0
        for start in range(0, count, EVENTS_PER_ENTRY):
            records = []
            for i in range(start, min(count, start + EVENTS_PER_ENTRY)):
                at = offset + AUDIT_EVENT_SIZE * i
                records.append(lock_event(data[at : at + AUDIT_EVENT_SIZE], received_at))
            before = self.outbox.next_index
            self.outbox.append(records)
            stored += self.outbox.next_index - before
        return stored

    def stage(self, key_id: int, first_seq: int) -> "KeyEventStage":
        """A new stage on flash for the events of a key's batch (an old one is dropped)."""
        return KeyEventStage(self, key_id, first_seq)


class KeyEventStage:
    """A key's audit events on flash while their batch is read and checked (see above)."""

    def __init__(self, recorder: EventRecorder, key_id: int, first_seq: int) -> None:
        self._recorder = recorder
        self._storage = recorder.outbox.storage
        self.key_id = key_id
        self.first_seq = first_seq
        self.count = 0  # events staged
        self.stored = 0  # of them new in the outbox (a repeat of an earlier read is not)
        self.through = 0  # key sequence number of the last staged event on flash, 0 none
        self._storage.remove(STAGE_FILE)

    def add(self, events: bytes) -> None:
        """Whole events (36 bytes each), oldest first, onto the stage file. A flash without
        room raises OutboxFull: the key keeps its events."""
        if len(events) % AUDIT_EVENT_SIZE:
            raise ValueError("%d bytes are not whole audit events" % len(events))
        try:
            self._storage.append(STAGE_FILE, events)
        except OSError as exc:  # StorageFull among them; a torn tail is never read
            self._recorder.log.error("audit stage: %r" % (exc,))
            self.discard()
            raise OutboxFull()
        self.count += len(events) // AUDIT_EVENT_SIZE

    def keep(self) -> int:
        """The staged events into the outbox, ``EVENTS_PER_ENTRY`` at a time; returns how many
        are new. Raises ``OutboxFull`` when there is no room: ``through`` then names the last
        event that did fit (0 none). The stage file is gone afterwards either way."""
        received_at = self._recorder.clock.now()
        piece = AUDIT_EVENT_SIZE * EVENTS_PER_ENTRY
        try:
            for start in range(0, self.count, EVENTS_PER_ENTRY):
                n = min(EVENTS_PER_ENTRY, self.count - start)
                data = self._storage.read_at(STAGE_FILE, start * AUDIT_EVENT_SIZE, piece)
                if data is None or len(data) < n * AUDIT_EVENT_SIZE:
                    raise OSError("audit stage cut at event %d of %d" % (start, self.count))
                self.stored += self._recorder._keep_events(data, 0, n, received_at)
                self.through = self.first_seq + start + n - 1
        finally:
            self.discard()
        return self.stored

    def discard(self) -> None:
        self._storage.remove(STAGE_FILE)
