"""Moving the outbox to the back office: upload batches out, acknowledgements in.

``next_batch`` takes the oldest waiting records (SPEC.md 9.1) without removing
anything; ``apply_ack`` removes records only up to what the back office says
it committed, and never past the batch it was answering — a confused or hostile
answer can at most remove nothing.
"""

from firmware import codec

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


def next_batch(outbox: "Outbox", station_id: int, max_records: int = 200) -> Batch | None:
    first, records = outbox.pending(max_records=max_records, max_bytes=60 * 1024)
    if not records:
        return None
    body = codec.encode_record(
        "upload_batch",
        {
            "format": 1,
            "flags": 0,
            "station_id": station_id,
            "first_index": first,
            "records": [codec.decode_record("outbox_record", r) for r in records],
        },
    )
    return Batch(body, first, len(records))


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
