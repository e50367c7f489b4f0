"""construct layouts of the fixed-shape records: SPEC.md 8.1–8.3, 8.5, 9.1 and 9.2.

The station bundle (8.4) is built from several of these and lives in
`protocol/bundle.py`; the public record API is `protocol/records.py`.
"""

from __future__ import annotations

from typing import Any

import construct as c

from protocol import constants as k
from protocol._construct import (
    U8,
    U16,
    U32,
    AscendingIds,
    ByKind,
    CountOf,
    Exactly,
    FixedBytes,
    Format,
    Items,
    Magic,
    Record,
)


def _count(name: str) -> Any:
    return lambda ctx: ctx[name]


PERMISSION_SET = Record(
    "_magic" / Magic(k.MAGIC_PERMISSION_SET),
    "format" / Format(),
    "flags" / U8,
    "_lock_count" / CountOf(U16, "lock_ids"),
    "key_id" / U32,
    "key_public" / FixedBytes(k.PUBLIC_KEY_SIZE),
    "serial" / U32,
    "valid_from" / U32,
    "valid_until" / U32,
    "unit_id" / U32,
    "authority_key_id" / FixedBytes(k.AUTHORITY_KEY_ID_SIZE),
    "lock_ids" / AscendingIds(_count("_lock_count"), k.MAX_LOCK_IDS),
    "signature" / FixedBytes(k.SIGNATURE_SIZE),
)

BLOCKLIST = Record(
    "_magic" / Magic(k.MAGIC_BLOCKLIST),
    "format" / Format(),
    "flags" / U8,
    "_count" / CountOf(U16, "key_ids"),
    "version" / U32,
    "issued_at" / U32,
    "authority_key_id" / FixedBytes(k.AUTHORITY_KEY_ID_SIZE),
    "key_ids" / AscendingIds(_count("_count"), k.MAX_BLOCKED_KEYS),
    "signature" / FixedBytes(k.SIGNATURE_SIZE),
)

AUDIT_EVENT = Record(
    "format" / Format(),
    "outcome" / U8,
    "blocklist_version" / U16,  # the lock's, modulo 2**16 (0: none); covered by the MAC
    "lock_id" / U32,
    "key_id" / U32,
    "time" / U32,
    "lock_seq" / U32,
    "mac" / FixedBytes(k.MAC_SIZE),
    defaults={"blocklist_version": 0},
)

AUDIT_BATCH = Record(
    "_magic" / Magic(k.MAGIC_AUDIT_BATCH),
    "format" / Format(),
    "flags" / U8,
    "_count" / CountOf(U16, "events"),
    "key_id" / U32,
    "first_seq" / U32,
    "events" / Items(_count("_count"), AUDIT_EVENT),
)

SERVICE_TOKEN = Record(
    "_magic" / Magic(k.MAGIC_SERVICE_TOKEN),
    "format" / Format(),
    c.Padding(1),
    "serial" / U16,
    "station_id" / U32,
    "technician_id" / U32,
    "permissions" / U32,
    "not_before" / U32,
    "not_after" / U32,
    "authority_key_id" / FixedBytes(k.AUTHORITY_KEY_ID_SIZE),
    "signature" / FixedBytes(k.SIGNATURE_SIZE),
)

LOCK_EVENT_RECORD = Record(
    "kind" / Exactly(int(k.OutboxKind.LOCK_EVENT), U8, visible=True),
    "_length" / Exactly(k.LOCK_EVENT_LENGTH, U8),
    "event" / AUDIT_EVENT,
    "received_at" / U32,
)

STATION_EVENT_RECORD = Record(
    "kind" / Exactly(int(k.OutboxKind.STATION_EVENT), U8, visible=True),
    "_length" / Exactly(k.STATION_EVENT_LENGTH, U8),
    "key_id" / U32,
    "time" / U32,
    "reason" / U8,
    c.Padding(3),
    "detail" / U32,
)

OUTBOX_RECORD = ByKind(
    {
        k.OutboxKind.LOCK_EVENT: LOCK_EVENT_RECORD,
        k.OutboxKind.STATION_EVENT: STATION_EVENT_RECORD,
    }
)

UPLOAD_BATCH = Record(
    "_magic" / Magic(k.MAGIC_UPLOAD_BATCH),
    "format" / Format(),
    "flags" / U8,
    "_count" / CountOf(U16, "records"),
    "station_id" / U32,
    "first_index" / U32,
    "outbox_epoch" / U32,  # the station's outbox since its flash was last wiped; 0 unknown
    "records" / Items(_count("_count"), OUTBOX_RECORD),
)

# kind -> layout, for every record but the bundle.
LAYOUTS: dict[str, c.Construct[Any, Any]] = {
    "permission_set": PERMISSION_SET,
    "blocklist": BLOCKLIST,
    "audit_event": AUDIT_EVENT,
    "audit_batch": AUDIT_BATCH,
    "service_token": SERVICE_TOKEN,
    "outbox_record": OUTBOX_RECORD,
    "upload_batch": UPLOAD_BATCH,
}
