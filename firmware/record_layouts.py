"""The fixed-shape records of SPEC.md 8.1–8.3, 8.5, 9.1 and 9.2: layouts, decoders, dict types.

Permission set, blocklist, audit event and batch, service token, outbox record
and upload batch (mirrors ``protocol/record_layouts.py``). The station bundle
(8.4) is built from several of these and lives in ``firmware.bundle_format``;
the public record API is ``firmware.records``; the encoders are in
``firmware.record_encoders`` (not on the board). The TypedDicts below, read
by the type checker only, are the dicts the decoders return.
"""

import struct

from firmware.protocol_constants import (
    AUDIT_BATCH_HEADER_SIZE,
    AUDIT_EVENT_SIZE,
    AUTHORITY_KEY_ID_SIZE,
    BLOCKLIST_BASE_SIZE,
    BLOCKLIST_SIGNED_BASE,
    LOCK_EVENT_LENGTH,
    MAC_SIZE,
    MAGIC_AUDIT_BATCH,
    MAGIC_BLOCKLIST,
    MAGIC_PERMISSION_SET,
    MAGIC_SERVICE_TOKEN,
    MAGIC_UPLOAD_BATCH,
    MAX_BLOCKED_KEYS,
    MAX_LOCK_IDS,
    OUTBOX_LOCK_EVENT,
    OUTBOX_STATION_EVENT,
    PERMISSION_SET_BASE_SIZE,
    PERMISSION_SET_SIGNED_BASE,
    PUBLIC_KEY_SIZE,
    SERVICE_TOKEN_SIZE,
    SIGNATURE_SIZE,
    STATION_EVENT_LENGTH,
    UPLOAD_BATCH_HEADER_SIZE,
)
from firmware.wire_fields import (
    MAGIC_SIZE,
    CodecError,
    check_format,
    check_magic,
    decode_exact,
    decode_ids,
    layout,
    prefixed,
    unpack,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypedDict, Union  # read under TYPE_CHECKING only

    from firmware.wire_fields import Buf

    class PermissionSet(TypedDict):
        """A decoded permission set (8.1)."""

        format: int
        flags: int
        key_id: int
        key_public: bytes
        serial: int
        valid_from: int
        valid_until: int
        unit_id: int
        authority_key_id: bytes
        lock_ids: list[int]
        signature: bytes

    class Blocklist(TypedDict):
        """A decoded blocklist (8.2)."""

        format: int
        flags: int
        version: int
        issued_at: int
        authority_key_id: bytes
        key_ids: list[int]
        signature: bytes

    class AuditEvent(TypedDict):
        """A decoded audit event (8.3)."""

        format: int
        outcome: int
        blocklist_version: int
        lock_id: int
        key_id: int
        time: int
        lock_seq: int
        mac: bytes

    class AuditBatch(TypedDict):
        """A decoded audit batch (8.3)."""

        format: int
        flags: int
        key_id: int
        first_seq: int
        events: list[AuditEvent]

    class ServiceToken(TypedDict):
        """A decoded service token (8.5)."""

        format: int
        serial: int
        station_id: int
        technician_id: int
        permissions: int
        not_before: int
        not_after: int
        authority_key_id: bytes
        signature: bytes

    class LockEventRecord(TypedDict):
        """An outbox record of kind 1 (9.2): a lock's audit event and when it arrived."""

        kind: int
        event: AuditEvent
        received_at: int

    class StationEventRecord(TypedDict):
        """An outbox record of kind 2 (9.2): an event of the station itself."""

        kind: int
        key_id: int
        time: int
        reason: int
        detail: int

    OutboxRecord = Union[LockEventRecord, StationEventRecord]

    class UploadBatch(TypedDict):
        """A decoded upload batch (9.1)."""

        format: int
        flags: int
        station_id: int
        first_index: int
        outbox_epoch: int
        records: list[OutboxRecord]


# --- 8.1 permission set -------------------------------------------------------

PERMSET_HEAD = layout(
    (
        ("format", "B"),
        ("flags", "B"),
        ("lock_count", "H"),
        ("key_id", "I"),
        ("key_public", PUBLIC_KEY_SIZE),
        ("serial", "I"),
        ("valid_from", "I"),
        ("valid_until", "I"),
        ("unit_id", "I"),
        ("authority_key_id", AUTHORITY_KEY_ID_SIZE),
    )
)


def decode_permission_set(data: "Buf") -> "PermissionSet":
    check_magic(data, MAGIC_PERMISSION_SET)
    fields = unpack(PERMSET_HEAD, data, MAGIC_SIZE)
    check_format(fields["format"])
    n = fields.pop("lock_count")
    if n > MAX_LOCK_IDS:
        raise CodecError("lock_count", "more than %d locks" % MAX_LOCK_IDS)
    ids_end = PERMISSION_SET_SIGNED_BASE + 4 * n
    size = PERMISSION_SET_BASE_SIZE + 4 * n
    if len(data) < ids_end:
        raise CodecError("lock_ids", "truncated")
    if len(data) < size:
        raise CodecError("signature", "truncated")
    if len(data) != size:
        raise CodecError("length", "must be %d bytes" % size)
    out: "PermissionSet" = fields
    out["lock_ids"] = decode_ids(data, PERMISSION_SET_SIGNED_BASE, n, "lock_ids")
    out["signature"] = bytes(data[ids_end:size])
    return out


# --- 8.2 blocklist ------------------------------------------------------------

BLOCKLIST_HEAD = layout(
    (
        ("format", "B"),
        ("flags", "B"),
        ("count", "H"),
        ("version", "I"),
        ("issued_at", "I"),
        ("authority_key_id", AUTHORITY_KEY_ID_SIZE),
    )
)


def check_blocklist(data: "Buf") -> "tuple[Blocklist, int]":
    """(the header fields, the id count) after checking magic, format, count and length."""
    check_magic(data, MAGIC_BLOCKLIST)
    fields = unpack(BLOCKLIST_HEAD, data, MAGIC_SIZE)
    check_format(fields["format"])
    n = fields.pop("count")
    if n > MAX_BLOCKED_KEYS:
        raise CodecError("count", "more than %d keys" % MAX_BLOCKED_KEYS)
    size = BLOCKLIST_BASE_SIZE + 4 * n
    if len(data) < BLOCKLIST_SIGNED_BASE + 4 * n:
        raise CodecError("key_ids", "truncated")
    if len(data) < size:
        raise CodecError("signature", "truncated")
    if len(data) != size:
        raise CodecError("length", "must be %d bytes" % size)
    return fields, n


def decode_blocklist(data: "Buf") -> "Blocklist":
    out, n = check_blocklist(data)
    out["key_ids"] = decode_ids(data, BLOCKLIST_SIGNED_BASE, n, "key_ids")
    out["signature"] = bytes(data[BLOCKLIST_SIGNED_BASE + 4 * n : BLOCKLIST_BASE_SIZE + 4 * n])
    return out


# --- 8.3 audit event and batch ------------------------------------------------

AUDIT_EVENT = layout(
    (
        ("format", "B"),
        ("outcome", "B"),
        ("blocklist_version", "H"),
        ("lock_id", "I"),
        ("key_id", "I"),
        ("time", "I"),
        ("lock_seq", "I"),
        ("mac", MAC_SIZE),
    )
)
AUDIT_BATCH_HEAD = layout(
    (
        ("format", "B"),
        ("flags", "B"),
        ("count", "H"),
        ("key_id", "I"),
        ("first_seq", "I"),
    )
)


def decode_event_at(data: "Buf", offset: int) -> "AuditEvent":
    out: "AuditEvent" = unpack(AUDIT_EVENT, data, offset)
    check_format(out["format"])
    return out


def decode_audit_event(data: "Buf") -> "AuditEvent":
    out: "AuditEvent" = decode_exact(AUDIT_EVENT, data)
    check_format(out["format"])
    return out


def decode_audit_batch(data: "Buf") -> "AuditBatch":
    check_magic(data, MAGIC_AUDIT_BATCH)
    fields = unpack(AUDIT_BATCH_HEAD, data, MAGIC_SIZE)
    check_format(fields["format"])
    n = fields.pop("count")
    size = AUDIT_BATCH_HEADER_SIZE + AUDIT_EVENT_SIZE * n
    if len(data) < size:
        raise CodecError(
            "events[%d]" % ((len(data) - AUDIT_BATCH_HEADER_SIZE) // AUDIT_EVENT_SIZE), "truncated"
        )
    if len(data) != size:
        raise CodecError("length", "must be %d bytes" % size)
    events = []
    for i in range(n):
        try:
            events.append(decode_event_at(data, AUDIT_BATCH_HEADER_SIZE + AUDIT_EVENT_SIZE * i))
        except CodecError as exc:
            raise prefixed("events[%d]" % i, exc)
    out: "AuditBatch" = fields
    out["events"] = events
    return out


# --- 8.5 service token --------------------------------------------------------

TOKEN = layout(
    (
        ("format", "B"),
        (None, -1),
        ("serial", "H"),
        ("station_id", "I"),
        ("technician_id", "I"),
        ("permissions", "I"),
        ("not_before", "I"),
        ("not_after", "I"),
        ("authority_key_id", AUTHORITY_KEY_ID_SIZE),
        ("signature", SIGNATURE_SIZE),
    )
)


def decode_service_token(data: "Buf") -> "ServiceToken":
    check_magic(data, MAGIC_SERVICE_TOKEN)
    out: "ServiceToken" = unpack(TOKEN, data, MAGIC_SIZE)
    check_format(out["format"])
    if len(data) != SERVICE_TOKEN_SIZE:
        raise CodecError("length", "must be %d bytes" % SERVICE_TOKEN_SIZE)
    return out


# --- 9.2 outbox record and 9.1 upload batch -----------------------------------

OUTBOX_RECORD_HEAD = 2  # u8 kind, u8 length
STATION_EVENT = layout(
    (("key_id", "I"), ("time", "I"), ("reason", "B"), (None, -3), ("detail", "I"))
)
UPLOAD_HEAD = layout(
    (
        ("format", "B"),
        ("flags", "B"),
        ("count", "H"),
        ("station_id", "I"),
        ("first_index", "I"),
        ("outbox_epoch", "I"),
    )
)


def decode_outbox_at(data: "Buf", offset: int) -> "tuple[OutboxRecord, int]":
    """(record dict, offset after it)."""
    if len(data) - offset < 1:
        raise CodecError("kind", "truncated")
    kind = data[offset]
    if len(data) - offset < OUTBOX_RECORD_HEAD:
        raise CodecError("length", "truncated")
    length = data[offset + 1]
    start = offset + OUTBOX_RECORD_HEAD
    if kind == OUTBOX_LOCK_EVENT:
        if length != LOCK_EVENT_LENGTH:
            raise CodecError("length", "must be %d for a lock event" % LOCK_EVENT_LENGTH)
        if len(data) - start < LOCK_EVENT_LENGTH:
            if len(data) - start < AUDIT_EVENT_SIZE:
                try:
                    decode_event_at(data, start)
                except CodecError as exc:
                    raise prefixed("event", exc)
            raise CodecError("received_at", "truncated")
        try:
            event = decode_event_at(data, start)
        except CodecError as exc:
            raise prefixed("event", exc)
        received_at = struct.unpack_from("<I", data, start + AUDIT_EVENT_SIZE)[0]
        lock: "LockEventRecord" = {"kind": kind, "event": event, "received_at": received_at}
        return lock, start + LOCK_EVENT_LENGTH
    if kind == OUTBOX_STATION_EVENT:
        if length != STATION_EVENT_LENGTH:
            raise CodecError("length", "must be %d for a station event" % STATION_EVENT_LENGTH)
        station: "StationEventRecord" = unpack(STATION_EVENT, data, start)
        station["kind"] = kind
        return station, start + STATION_EVENT_LENGTH
    raise CodecError("kind", "unknown outbox record kind %d" % kind)


def decode_outbox_record(data: "Buf") -> "OutboxRecord":
    out, end = decode_outbox_at(data, 0)
    if end != len(data):
        raise CodecError("length", "trailing bytes")
    return out


def decode_outbox_list(data: "Buf", offset: int, count: int, field: str) -> "list[OutboxRecord]":
    records = []
    for i in range(count):
        try:
            record, offset = decode_outbox_at(data, offset)
        except CodecError as exc:
            raise prefixed("%s[%d]" % (field, i), exc)
        records.append(record)
    if offset != len(data):
        raise CodecError("length", "trailing bytes")
    return records


def decode_upload_batch(data: "Buf") -> "UploadBatch":
    check_magic(data, MAGIC_UPLOAD_BATCH)
    fields = unpack(UPLOAD_HEAD, data, MAGIC_SIZE)
    check_format(fields["format"])
    n = fields.pop("count")
    out: "UploadBatch" = fields
    out["records"] = decode_outbox_list(data, UPLOAD_BATCH_HEADER_SIZE, n, "records")
    return out
