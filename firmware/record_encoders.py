"""Record encoders of the station's codec: ``encode_record`` for every kind of SPEC.md 8 and 9.

The station only decodes records (it hands out the bundle's signed bytes and
forwards stored audit bytes verbatim); the encoders are for tests, the
portable test doubles (tests/firmware/key_double.py) and tools. The board
image leaves this module out: host/flash/image.py skips every
``firmware/*_encoders.py``. As strict as the decoders: a value out of range,
a bytes field of the wrong size, a non-ascending id list, an over-long name
or a misspelt field is refused, never truncated or ignored.
"""

import struct
from hashlib import sha256

from firmware.bundle_format import BUNDLE_HEAD, KEY_ENTRY, SET_ENTRY
from firmware.protocol_constants import (
    BUNDLE_HEADER_SIZE,
    BUNDLE_SECTION_COUNT,
    DISPLAY_NAME_SIZE,
    LOCK_EVENT_LENGTH,
    MAGIC_AUDIT_BATCH,
    MAGIC_BLOCKLIST,
    MAGIC_BUNDLE,
    MAGIC_PERMISSION_SET,
    MAGIC_SERVICE_TOKEN,
    MAGIC_UPLOAD_BATCH,
    MAX_BLOCKED_KEYS,
    MAX_LOCK_IDS,
    OUTBOX_LOCK_EVENT,
    OUTBOX_STATION_EVENT,
    SIGNATURE_SIZE,
    STATION_EVENT_LENGTH,
)
from firmware.record_layouts import (
    AUDIT_BATCH_HEAD,
    AUDIT_EVENT,
    BLOCKLIST_HEAD,
    PERMSET_HEAD,
    STATION_EVENT,
    TOKEN,
    UPLOAD_HEAD,
    decode_blocklist,
)
from firmware.wire_fields import (
    CodecError,
    as_list,
    ascending,
    check_bytes,
    check_format,
    check_int,
    count_of,
    encode_text,
    get_field,
    guard,
    known,
    layout_names,
    pack,
    prefixed,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence  # read under TYPE_CHECKING only

    from firmware.wire_fields import Fields


def _with(fields: "Fields", **extra: "Any") -> "Fields":
    """A shallow copy of ``fields`` with ``extra`` added (encoders fill in implicit counts)."""
    out = {}
    for name in fields:
        out[name] = fields[name]
    for name in extra:
        out[name] = extra[name]
    return out


def _encode_ids(ids: object, field: str, limit: int) -> bytes:
    if not isinstance(ids, (list, tuple)):
        raise CodecError(field, "not a list")
    if len(ids) > limit:
        raise CodecError(field, "more than %d entries" % limit)
    for i, value in enumerate(ids):
        check_int(value, "I", "%s[%d]" % (field, i))
    ascending(ids, field)
    return struct.pack("<%dI" % len(ids), *ids)


# --- 8.1 permission set, 8.2 blocklist ------------------------------------------

_PERMSET_KEYS = (
    "format",
    "flags",
    "key_id",
    "key_public",
    "serial",
    "valid_from",
    "valid_until",
    "unit_id",
    "authority_key_id",
    "lock_ids",
    "signature",
)


def _permset_encode(f: "Fields") -> bytes:
    known(f, _PERMSET_KEYS)
    check_format(get_field(f, "format"))
    ids = get_field(f, "lock_ids")
    body = _encode_ids(ids, "lock_ids", MAX_LOCK_IDS)
    head = _with(f, lock_count=len(ids))
    signature = check_bytes(get_field(f, "signature"), SIGNATURE_SIZE, "signature")
    return MAGIC_PERMISSION_SET + pack(PERMSET_HEAD, head) + body + signature


_BLOCKLIST_KEYS = (
    "format",
    "flags",
    "version",
    "issued_at",
    "authority_key_id",
    "key_ids",
    "signature",
)


def _blocklist_encode(f: "Fields") -> bytes:
    known(f, _BLOCKLIST_KEYS)
    check_format(get_field(f, "format"))
    ids = get_field(f, "key_ids")
    body = _encode_ids(ids, "key_ids", MAX_BLOCKED_KEYS)
    head = pack(BLOCKLIST_HEAD, _with(f, count=len(ids)))
    signature = check_bytes(get_field(f, "signature"), SIGNATURE_SIZE, "signature")
    return MAGIC_BLOCKLIST + head + body + signature


# --- 8.3 audit event and batch ------------------------------------------------


def encode_event(f: object) -> bytes:
    """One audit event (8.3) from its dict; CodecError fields are the event's own."""
    if not isinstance(f, dict):
        raise CodecError("", "not a dict")
    known(f, layout_names(AUDIT_EVENT))
    check_format(get_field(f, "format"))
    if "blocklist_version" not in f:  # locks that predate the field wrote 0 there
        f = dict(f)
        f["blocklist_version"] = 0
    return pack(AUDIT_EVENT, f)


def _audit_batch_encode(f: "Fields") -> bytes:
    known(f, ("format", "flags", "key_id", "first_seq", "events"))
    check_format(get_field(f, "format"))
    events = as_list(get_field(f, "events"), "events")
    parts = [MAGIC_AUDIT_BATCH, pack(AUDIT_BATCH_HEAD, _with(f, count=count_of(events, "events")))]
    for i, event in enumerate(events):
        try:
            parts.append(encode_event(event))
        except CodecError as exc:
            raise prefixed("events[%d]" % i, exc)
    return b"".join(parts)


# --- 8.5 service token --------------------------------------------------------


def _token_encode(f: "Fields") -> bytes:
    known(f, layout_names(TOKEN))
    check_format(get_field(f, "format"))
    return MAGIC_SERVICE_TOKEN + pack(TOKEN, f)


# --- 9.2 outbox record and 9.1 upload batch -----------------------------------


def _outbox_encode(f: object) -> bytes:
    if not isinstance(f, dict):
        raise CodecError("", "not a dict")
    kind = check_int(get_field(f, "kind"), "B", "kind")
    if kind == OUTBOX_LOCK_EVENT:
        known(f, ("kind", "event", "received_at"))
        event = get_field(f, "event")
        try:
            event = encode_event(event)
        except CodecError as exc:
            raise prefixed("event", exc)
        received_at = check_int(get_field(f, "received_at"), "I", "received_at")
        return bytes((kind, LOCK_EVENT_LENGTH)) + event + struct.pack("<I", received_at)
    if kind == OUTBOX_STATION_EVENT:
        known(f, ("kind", "key_id", "time", "reason", "detail"))
        return bytes((kind, STATION_EVENT_LENGTH)) + pack(STATION_EVENT, f)
    raise CodecError("kind", "unknown outbox record kind %d" % kind)


def encode_outbox_list(records: "Sequence[Any]", field: str) -> bytes:
    """Outbox records (9.2) back to back; errors name ``field[i]``."""
    parts = []
    for i, record in enumerate(records):
        try:
            parts.append(_outbox_encode(record))
        except CodecError as exc:
            raise prefixed("%s[%d]" % (field, i), exc)
    return b"".join(parts)


def _upload_encode(f: "Fields") -> bytes:
    known(f, ("format", "flags", "station_id", "first_index", "outbox_epoch", "records"))
    check_format(get_field(f, "format"))
    records = as_list(get_field(f, "records"), "records")
    head = pack(UPLOAD_HEAD, _with(f, count=count_of(records, "records")))
    return MAGIC_UPLOAD_BATCH + head + encode_outbox_list(records, "records")


# --- 8.4 station bundle -------------------------------------------------------


def _encode_name(value: object, field: str) -> bytes:
    raw = encode_text(value, field)
    if len(raw) > DISPLAY_NAME_SIZE:
        raise CodecError(field, "longer than %d bytes" % DISPLAY_NAME_SIZE)
    if b"\x00" in raw:
        raise CodecError(field, "contains NUL")
    return raw + bytes(DISPLAY_NAME_SIZE - len(raw))


def _key_entry_encode(f: object) -> bytes:
    if not isinstance(f, dict):
        raise CodecError("", "not a dict")
    known(f, layout_names(KEY_ENTRY))
    name = _encode_name(get_field(f, "display_name"), "display_name")
    return pack(KEY_ENTRY, _with(f, display_name=name))


_BUNDLE_KEYS = (
    "format",
    "flags",
    "unit_id",
    "station_id",
    "serial",
    "issued_at",
    "offline_until",
    "day0_start",
    "days",
    "code_iterations",
    "authority_key_id",
    "signature",
    "lock_lists",
    "keys",
    "sets",
    "blocklist",
    "sections",  # what the decoder adds; the encoder computes it afresh
)


def _lock_lists_section(f: "Fields") -> bytes:
    lists = as_list(get_field(f, "lock_lists"), "lock_lists")
    parts = [struct.pack("<HH", count_of(lists, "lock_lists"), 0)]
    for i, ids in enumerate(lists):
        field = "lock_lists[%d]" % i
        ids = as_list(ids, field)
        parts.append(struct.pack("<HH", count_of(ids, field), 0))
        parts.append(_encode_ids(ids, field, 0xFFFF))
    return b"".join(parts)


def _keys_section(keys: "Sequence[Any]") -> bytes:
    parts = [struct.pack("<HH", count_of(keys, "keys"), 0)]
    prev = -1
    for i, key in enumerate(keys):
        try:
            entry = _key_entry_encode(key)
        except CodecError as exc:
            raise prefixed("keys[%d]" % i, exc)
        if key["key_id"] <= prev:
            raise CodecError("keys[%d].key_id" % i, "not strictly ascending")
        prev = key["key_id"]
        parts.append(entry)
    return b"".join(parts)


def _sets_section(f: "Fields", key_count: int, days: int) -> bytes:
    sets = as_list(get_field(f, "sets"), "sets")
    if len(sets) != key_count:
        raise CodecError("sets", "one list of days per key")
    parts = [struct.pack("<HH", len(sets), days)]
    for k, per_day in enumerate(sets):
        per_day = as_list(per_day, "sets[%d]" % k)
        if len(per_day) != days:
            raise CodecError("sets[%d]" % k, "must have %d days" % days)
        for d, entry in enumerate(per_day):
            try:
                if not isinstance(entry, dict):
                    raise CodecError("", "not a dict")
                known(entry, layout_names(SET_ENTRY))
                parts.append(pack(SET_ENTRY, entry))
            except CodecError as exc:
                raise prefixed("sets[%d][%d]" % (k, d), exc)
    return b"".join(parts)


def _bundle_encode(f: "Fields") -> bytes:
    known(f, _BUNDLE_KEYS)
    check_format(get_field(f, "format"))
    days = check_int(get_field(f, "days"), "H", "days")
    lock_lists = _lock_lists_section(f)
    keys = as_list(get_field(f, "keys"), "keys")
    key_section = _keys_section(keys)
    set_section = _sets_section(f, len(keys), days)
    # BLOCKLIST: a well-formed signed blocklist, verbatim
    blocklist = check_bytes(get_field(f, "blocklist"), None, "blocklist")
    try:
        decode_blocklist(blocklist)
    except CodecError as exc:
        raise prefixed("blocklist", exc)
    table = []
    offset = BUNDLE_HEADER_SIZE
    sections = (lock_lists, key_section, set_section, blocklist)
    for i, section in enumerate(sections):
        table.append(struct.pack("<B3xII", i + 1, offset, len(section)))
        table.append(sha256(section).digest())
        offset += len(section)
    head = pack(BUNDLE_HEAD, _with(f, section_count=BUNDLE_SECTION_COUNT, days=days))
    signature = check_bytes(get_field(f, "signature"), SIGNATURE_SIZE, "signature")
    parts = [MAGIC_BUNDLE, head]
    parts.extend(table)
    parts.append(signature)
    parts.extend(sections)
    return b"".join(parts)


# --- the record API -------------------------------------------------------------

_ENCODERS: "dict[str, Callable[[Fields], bytes]]" = {
    "permission_set": _permset_encode,
    "blocklist": _blocklist_encode,
    "audit_event": encode_event,
    "audit_batch": _audit_batch_encode,
    "service_token": _token_encode,
    "bundle": _bundle_encode,
    "upload_batch": _upload_encode,
    "outbox_record": _outbox_encode,
}


def _encode(kind: str, fields: "Fields") -> bytes:
    if not isinstance(fields, dict):
        raise CodecError("", "fields must be a dict")
    try:
        encoder = _ENCODERS[kind]
    except (KeyError, TypeError):
        raise CodecError("kind", "unknown record kind %r" % (kind,))
    return encoder(fields)


def encode_record(kind: str, fields: "Fields") -> bytes:
    """Encode a record (``kind`` as in CODEC_API.md) from its dict."""
    return guard(_encode, (kind, fields), kind if isinstance(kind, str) else "kind")
