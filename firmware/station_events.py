"""Station events (SPEC.md 9.2, kind 2) and lock events as they go into the outbox.

The station reports what happened at it — a sync, a wrong code, a lockout, a
refusal, a bundle installed or rejected — as outbox records next to the lock
events keys hand over, so the back office sees both in one stream.
"""

from firmware import codec
from firmware.protocol_constants import OUTBOX_LOCK_EVENT, OUTBOX_STATION_EVENT


def station_event(key_id: int, time: int, reason: int, detail: int = 0) -> bytes:
    return codec.encode_record(
        "outbox_record",
        {
            "kind": OUTBOX_STATION_EVENT,
            "key_id": key_id,
            "time": time,
            "reason": reason,
            "detail": detail,
        },
    )


def lock_event(event: dict, received_at: int) -> bytes:
    """An audit event a key handed over (decoded dict), stamped with the station's clock."""
    return codec.encode_record(
        "outbox_record", {"kind": OUTBOX_LOCK_EVENT, "event": event, "received_at": received_at}
    )
