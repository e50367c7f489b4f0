"""Moving the outbox to the back office: upload batches out, acknowledgements in.

``next_batch`` takes the oldest waiting records (SPEC.md 9.1) without removing
anything and puts their stored bytes, unchanged, behind the batch's 20-byte
header (a lock event's bytes are the lock's, covered by its MAC: nothing here
decodes them); the body is bounded by ``max_bytes``. ``apply_ack`` removes
records only up to what the back office says it committed, and never past
the batch it was answering — a confused or hostile answer can at most remove
nothing.
"""

import struct

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.outbox import Outbox


class Batch:
    __slots__ = ("body", "count", "first", "last")

    def __init__(self, body: bytes, first: int, count: int) -> None:
        self.body = body
        self.first = first
        self.count = count
        self.last = first + count - 1


_HEAD = "<4sBBHIII"  # magic, format, flags, count, station_id, first_index, outbox_epoch


def next_batch(
    outbox: "Outbox", station_id: int, max_records: int = 200, max_bytes: int = 60 * 1024
) -> Batch | None:
    first, records = outbox.pending(max_records=max_records, max_bytes=max_bytes)
    if not records:
        return None
    head = struct.pack(_HEAD, b"SKUP", 1, 0, len(records), station_id, first, outbox.epoch)
    return Batch(head + b"".join(records), first, len(records))


def apply_ack(outbox: "Outbox", batch: Batch, ack: object, now: int) -> int:
    """Remove what the back office acknowledged; returns how many records went. A malformed
    acknowledgement removes nothing and raises ValueError."""
    if not isinstance(ack, dict):
        raise ValueError("acknowledgement is not an object")
    through = ack.get("acked_through")
    if not isinstance(through, int) or isinstance(through, bool):
        raise ValueError("acknowledgement without acked_through")
    if through < batch.first - 1:
        raise ValueError("acknowledgement before the batch: %d" % through)
    return outbox.confirm(min(through, batch.last), now)
