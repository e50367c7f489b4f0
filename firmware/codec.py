"""The station's own codec for synk wire protocol version 1 (protocol/SPEC.md), ``struct`` only.

It is written independently of the reference ``protocol/`` package (construct,
CPython) and has the same plain-Python shape (protocol/CODEC_API.md): records
and payloads are dicts keyed by SPEC.md's field names, and anything malformed
raises ``CodecError`` naming the field at fault as a dotted path
(``"keys[3].code_salt"``, ``"header.length"``). Encoders are as strict as
decoders: a value out of range, a bytes field of the wrong size, a non-ascending
id list or an over-long name is refused instead of being truncated (MicroPython's
``struct`` would silently truncate).

The station keeps its ~74 KB bundle on flash and never decodes it whole: the
``bundle_*`` accessors read single entries where they lie. Their ``data`` is
the bundle's bytes (or a memoryview), or a reader ``read(offset, length)``
returning that many bytes of the stored bundle (``length`` at most one entry,
a lock list or the blocklist), so the same rules serve a bundle in RAM and one
on flash. ``bundle_rebuild_permission_set`` copies the signed permission set
together from the bundle's pieces.
"""

import struct
from hashlib import sha256

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (  # read under TYPE_CHECKING only
        Any,
        Callable,
        Optional,
        Protocol,
        Sequence,
        TypeVar,
        Union,
    )

    _T = TypeVar("_T")
    _Buf = Union[bytes, bytearray, memoryview]
    _Fields = dict[str, Any]
    _Read = Callable[[int, int], _Buf]  # read(offset, length) -> that many bytes of a bundle
    _Source = Union[_Buf, _Read]
    _Encoder = Callable[[_Fields], bytes]
    _Decoder = Callable[[_Buf], _Fields]
    # A field's code: "B" "H" "I" "b" an integer, n > 0 bytes[n], -n reserved bytes.
    _Code = Union[int, str]
    # (struct format, size, named fields, the pairs it was compiled from)
    _Layout = tuple[
        str, int, tuple[tuple[str, _Code], ...], tuple[tuple[Optional[str], _Code], ...]
    ]

    class _Payload(Protocol):
        def encode(self, fields: _Fields) -> bytes: ...

        def decode(self, data: _Buf) -> _Fields: ...


_FORMAT = 1
_MAX_PAYLOAD = 512
_U = {"B": 255, "H": 0xFFFF, "I": 0xFFFFFFFF}
_STRUCT_ERROR = getattr(struct, "error", ValueError)
# Anything a malformed input can make the standard library raise.
_ERRORS = (
    _STRUCT_ERROR,
    IndexError,
    UnicodeError,
    TypeError,
    KeyError,
    ValueError,
    OverflowError,
    AttributeError,
)


class CodecError(ValueError):
    """A malformed record, payload or field; ``field`` is the dotted path of the culprit."""

    def __init__(self, field: str, reason: str = "malformed") -> None:
        super().__init__("%s: %s" % (field, reason))
        self.field = field
        self.reason = reason


def _prefixed(prefix: str, exc: CodecError) -> CodecError:
    """``exc`` moved under ``prefix`` (a field of a nested structure)."""
    field = exc.field
    if field and not field.startswith("["):
        field = "." + field
    return CodecError(prefix + field, exc.reason)


def _guard(func: "Callable[..., _T]", args: "tuple[Any, ...]", where: str) -> "_T":
    """Run an encoder or decoder; any stray standard-library exception becomes a CodecError."""
    try:
        return func(*args)
    except CodecError:
        raise
    except KeyError as exc:
        raise CodecError(str(exc.args[0]) if exc.args else where, "missing")
    except _ERRORS as exc:
        raise CodecError(where, "%s" % (exc,))


# --- field checks -------------------------------------------------------------


def _get(fields: "_Fields", name: str) -> "Any":
    try:
        return fields[name]
    except (KeyError, TypeError, IndexError):
        raise CodecError(name, "missing")


def _int(value: object, code: str, field: str) -> int:
    # bool is refused like the reference does (and is no int subclass on MicroPython)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CodecError(field, "not an integer")
    if code == "b":
        if value < -128 or value > 127:
            raise CodecError(field, "out of range")
    elif value < 0 or value > _U[code]:
        raise CodecError(field, "out of range")
    return value


def _bytes(value: object, size: "Optional[int]", field: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise CodecError(field, "not bytes")
    if size is not None and len(value) != size:
        raise CodecError(field, "must be %d bytes" % size)
    return bytes(value)


def _check_utf8(raw: bytes, field: str) -> None:
    """RFC 3629 UTF-8, as strict as CPython's decoder (MicroPython's lets overlongs through)."""
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c < 0x80:
            i += 1
            continue
        if 0xC2 <= c <= 0xDF:
            need, lo, hi = 1, 0x80, 0xBF
        elif c == 0xE0:
            need, lo, hi = 2, 0xA0, 0xBF
        elif c == 0xED:
            need, lo, hi = 2, 0x80, 0x9F  # no surrogates
        elif 0xE1 <= c <= 0xEF:
            need, lo, hi = 2, 0x80, 0xBF
        elif c == 0xF0:
            need, lo, hi = 3, 0x90, 0xBF
        elif 0xF1 <= c <= 0xF3:
            need, lo, hi = 3, 0x80, 0xBF
        elif c == 0xF4:
            need, lo, hi = 3, 0x80, 0x8F  # nothing above U+10FFFF
        else:
            raise CodecError(field, "invalid UTF-8")
        if i + need >= n:
            raise CodecError(field, "invalid UTF-8")
        b = raw[i + 1]
        if b < lo or b > hi:
            raise CodecError(field, "invalid UTF-8")
        for j in range(i + 2, i + 1 + need):
            b = raw[j]
            if b < 0x80 or b > 0xBF:
                raise CodecError(field, "invalid UTF-8")
        i += 1 + need


def _decode_text(raw: "_Buf", field: str) -> str:
    raw = bytes(raw)
    _check_utf8(raw, field)
    try:
        return raw.decode("utf-8")
    except UnicodeError:
        raise CodecError(field, "invalid UTF-8")


def _encode_text(value: object, field: str) -> bytes:
    if not isinstance(value, str):
        raise CodecError(field, "not text")
    try:
        raw = value.encode("utf-8")
    except UnicodeError:
        raise CodecError(field, "not encodable as UTF-8")
    _check_utf8(raw, field)  # MicroPython strings can hold what CPython would refuse
    return raw


def _ascending(ids: "Sequence[int]", field: str) -> None:
    prev = -1
    for i, value in enumerate(ids):
        if value <= prev:
            raise CodecError("%s[%d]" % (field, i), "not strictly ascending")
        prev = value


def _encode_ids(ids: object, field: str, limit: int) -> bytes:
    if not isinstance(ids, (list, tuple)):
        raise CodecError(field, "not a list")
    if len(ids) > limit:
        raise CodecError(field, "more than %d entries" % limit)
    for i, value in enumerate(ids):
        _int(value, "I", "%s[%d]" % (field, i))
    _ascending(ids, field)
    return struct.pack("<%dI" % len(ids), *ids)


def _decode_ids(data: "_Buf", offset: int, count: int, field: str) -> "list[int]":
    ids = list(struct.unpack_from("<%dI" % count, data, offset))
    _ascending(ids, field)
    return ids


# --- fixed layouts ------------------------------------------------------------
#
# A layout is a tuple of (name, code): code "B" "H" "I" "b" is an integer, a
# positive int n is bytes[n], a negative int -n is n reserved bytes (name None).


def _compile(pairs: "tuple[tuple[Optional[str], _Code], ...]") -> "_Layout":
    fmt = "<"
    names: "list[tuple[str, _Code]]" = []
    for name, code in pairs:
        if isinstance(code, int) and code <= 0:
            fmt += "%dx" % -code
            continue
        assert name is not None  # only reserved bytes have no name
        fmt += "%ds" % code if isinstance(code, int) else code
        names.append((name, code))
    return (fmt, struct.calcsize(fmt), tuple(names), pairs)


def _names(lay: "_Layout") -> "tuple[str, ...]":
    return tuple(pair[0] for pair in lay[2])


def _short_field(lay: "_Layout", available: int) -> str:
    """The first field of a layout that does not fit in ``available`` bytes."""
    offset = 0
    for name, code in lay[3]:
        size = abs(code) if isinstance(code, int) else struct.calcsize(code)
        if offset + size > available and name is not None:
            return name
        offset += size
    return "length"


def _unpack(lay: "_Layout", data: "_Buf", offset: int = 0) -> "_Fields":
    fmt, size, names, _ = lay
    if len(data) - offset < size:
        raise CodecError(_short_field(lay, len(data) - offset), "truncated")
    values = struct.unpack_from(fmt, data, offset)
    out = {}
    for i, pair in enumerate(names):
        out[pair[0]] = values[i]
    return out


def _pack(lay: "_Layout", fields: "_Fields") -> bytes:
    values: "list[Union[bytes, int]]" = []
    for name, code in lay[2]:
        value = _get(fields, name)
        if isinstance(code, int):
            values.append(_bytes(value, code, name))
        else:
            values.append(_int(value, code, name))
    return struct.pack(lay[0], *values)


def _decode_exact(lay: "_Layout", data: "_Buf") -> "_Fields":
    out = _unpack(lay, data)
    if len(data) != lay[1]:
        raise CodecError("length", "must be %d bytes" % lay[1])
    return out


def _check_format(value: object) -> None:
    if isinstance(value, bool) or value != _FORMAT:
        raise CodecError("format", "unknown format %r" % (value,))


def _known(fields: "_Fields", allowed: "tuple[str, ...]") -> None:
    """Refuse a key an encoder would otherwise silently ignore (a misspelt field)."""
    for name in fields:
        if name not in allowed:
            raise CodecError(str(name), "unknown field")


def _check_magic(data: "_Buf", magic: bytes) -> None:
    if len(data) < 4:
        raise CodecError("magic", "truncated")
    if bytes(data[0:4]) != magic:
        raise CodecError("magic", "not %s" % magic.decode())


# --- records: permission set (8.1) --------------------------------------------

_PERMSET_HEAD = _compile(
    (
        ("format", "B"),
        ("flags", "B"),
        ("lock_count", "H"),
        ("key_id", "I"),
        ("key_public", 32),
        ("serial", "I"),
        ("valid_from", "I"),
        ("valid_until", "I"),
        ("unit_id", "I"),
        ("authority_key_id", 8),
    )
)
_MAX_LOCKS = 1024
_MAX_BLOCKED = 4096


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


def _permset_encode(f: "_Fields") -> bytes:
    _known(f, _PERMSET_KEYS)
    _check_format(_get(f, "format"))
    ids = _get(f, "lock_ids")
    body = _encode_ids(ids, "lock_ids", _MAX_LOCKS)
    head = _with(f, lock_count=len(ids))
    return (
        b"SKPS" + _pack(_PERMSET_HEAD, head) + body + _bytes(_get(f, "signature"), 64, "signature")
    )


def _with(fields: "_Fields", **extra: "Any") -> "_Fields":
    """A shallow copy of ``fields`` with ``extra`` added (encoders fill in implicit counts)."""
    out = {}
    for name in fields:
        out[name] = fields[name]
    for name in extra:
        out[name] = extra[name]
    return out


def _permset_decode(data: "_Buf") -> "_Fields":
    _check_magic(data, b"SKPS")
    out = _unpack(_PERMSET_HEAD, data, 4)
    _check_format(out["format"])
    n = out.pop("lock_count")
    if n > _MAX_LOCKS:
        raise CodecError("lock_count", "more than %d locks" % _MAX_LOCKS)
    size = 132 + 4 * n
    if len(data) < 68 + 4 * n:
        raise CodecError("lock_ids", "truncated")
    if len(data) < size:
        raise CodecError("signature", "truncated")
    if len(data) != size:
        raise CodecError("length", "must be %d bytes" % size)
    out["lock_ids"] = _decode_ids(data, 68, n, "lock_ids")
    out["signature"] = bytes(data[68 + 4 * n : size])
    return out


# --- blocklist (8.2) ------------------------------------------------------------

_BLOCKLIST_HEAD = _compile(
    (
        ("format", "B"),
        ("flags", "B"),
        ("count", "H"),
        ("version", "I"),
        ("issued_at", "I"),
        ("authority_key_id", 8),
    )
)


_BLOCKLIST_KEYS = (
    "format",
    "flags",
    "version",
    "issued_at",
    "authority_key_id",
    "key_ids",
    "signature",
)


def _blocklist_encode(f: "_Fields") -> bytes:
    _known(f, _BLOCKLIST_KEYS)
    _check_format(_get(f, "format"))
    ids = _get(f, "key_ids")
    body = _encode_ids(ids, "key_ids", _MAX_BLOCKED)
    return (
        b"SKBL"
        + _pack(_BLOCKLIST_HEAD, _with(f, count=len(ids)))
        + body
        + _bytes(_get(f, "signature"), 64, "signature")
    )


def _blocklist_decode(data: "_Buf", check_ids: bool = True) -> "_Fields":
    _check_magic(data, b"SKBL")
    out = _unpack(_BLOCKLIST_HEAD, data, 4)
    _check_format(out["format"])
    n = out.pop("count")
    if n > _MAX_BLOCKED:
        raise CodecError("count", "more than %d keys" % _MAX_BLOCKED)
    size = 88 + 4 * n
    if len(data) < 24 + 4 * n:
        raise CodecError("key_ids", "truncated")
    if len(data) < size:
        raise CodecError("signature", "truncated")
    if len(data) != size:
        raise CodecError("length", "must be %d bytes" % size)
    if check_ids:
        out["key_ids"] = _decode_ids(data, 24, n, "key_ids")
        out["signature"] = bytes(data[24 + 4 * n : size])
    return out


# --- audit event and batch (8.3) ---------------------------------------------------

_AUDIT_EVENT = _compile(
    (
        ("format", "B"),
        ("outcome", "B"),
        ("blocklist_version", "H"),
        ("lock_id", "I"),
        ("key_id", "I"),
        ("time", "I"),
        ("lock_seq", "I"),
        ("mac", 16),
    )
)
_AUDIT_BATCH_HEAD = _compile(
    (
        ("format", "B"),
        ("flags", "B"),
        ("count", "H"),
        ("key_id", "I"),
        ("first_seq", "I"),
    )
)


def _event_encode(f: object) -> bytes:
    if not isinstance(f, dict):
        raise CodecError("", "not a dict")
    _known(f, _names(_AUDIT_EVENT))
    _check_format(_get(f, "format"))
    if "blocklist_version" not in f:  # locks that predate the field wrote 0 there
        f = dict(f)
        f["blocklist_version"] = 0
    return _pack(_AUDIT_EVENT, f)


def _event_decode_at(data: "_Buf", offset: int) -> "_Fields":
    out = _unpack(_AUDIT_EVENT, data, offset)
    _check_format(out["format"])
    return out


def _event_decode(data: "_Buf") -> "_Fields":
    out = _decode_exact(_AUDIT_EVENT, data)
    _check_format(out["format"])
    return out


def _list(value: object, field: str) -> "Sequence[Any]":
    if not isinstance(value, (list, tuple)):
        raise CodecError(field, "not a list")
    return value


def _audit_batch_encode(f: "_Fields") -> bytes:
    _known(f, ("format", "flags", "key_id", "first_seq", "events"))
    _check_format(_get(f, "format"))
    events = _list(_get(f, "events"), "events")
    parts = [b"SKAB", _pack(_AUDIT_BATCH_HEAD, _with(f, count=_count(events, "events")))]
    for i, event in enumerate(events):
        try:
            parts.append(_event_encode(event))
        except CodecError as exc:
            raise _prefixed("events[%d]" % i, exc)
    return b"".join(parts)


def _count(items: "Sequence[Any]", field: str, limit: int = 0xFFFF) -> int:
    if len(items) > limit:
        raise CodecError(field, "more than %d entries" % limit)
    return len(items)


def _audit_batch_decode(data: "_Buf") -> "_Fields":
    _check_magic(data, b"SKAB")
    out = _unpack(_AUDIT_BATCH_HEAD, data, 4)
    _check_format(out["format"])
    n = out.pop("count")
    size = 16 + 36 * n
    if len(data) < size:
        raise CodecError("events[%d]" % ((len(data) - 16) // 36), "truncated")
    if len(data) != size:
        raise CodecError("length", "must be %d bytes" % size)
    events = []
    for i in range(n):
        try:
            events.append(_event_decode_at(data, 16 + 36 * i))
        except CodecError as exc:
            raise _prefixed("events[%d]" % i, exc)
    out["events"] = events
    return out


# --- service token (8.5) ------------------------------------------------------------

_TOKEN = _compile(
    (
        ("format", "B"),
        (None, -1),
        ("serial", "H"),
        ("station_id", "I"),
        ("technician_id", "I"),
        ("permissions", "I"),
        ("not_before", "I"),
        ("not_after", "I"),
        ("authority_key_id", 8),
        ("signature", 64),
    )
)


def _token_encode(f: "_Fields") -> bytes:
    _known(f, _names(_TOKEN))
    _check_format(_get(f, "format"))
    return b"SKST" + _pack(_TOKEN, f)


def _token_decode(data: "_Buf") -> "_Fields":
    _check_magic(data, b"SKST")
    out = _unpack(_TOKEN, data, 4)
    _check_format(out["format"])
    if len(data) != 100:
        raise CodecError("length", "must be 100 bytes")
    return out


# --- outbox record (9.2) and upload batch (9.1) ------------------------------------------

_STATION_EVENT = _compile(
    (("key_id", "I"), ("time", "I"), ("reason", "B"), (None, -3), ("detail", "I"))
)
_UPLOAD_HEAD = _compile(
    (
        ("format", "B"),
        ("flags", "B"),
        ("count", "H"),
        ("station_id", "I"),
        ("first_index", "I"),
        ("outbox_epoch", "I"),
    )
)


def _outbox_encode(f: object) -> bytes:
    if not isinstance(f, dict):
        raise CodecError("", "not a dict")
    kind = _int(_get(f, "kind"), "B", "kind")
    if kind == 1:
        _known(f, ("kind", "event", "received_at"))
        event = _get(f, "event")
        try:
            event = _event_encode(event)
        except CodecError as exc:
            raise _prefixed("event", exc)
        received_at = _int(_get(f, "received_at"), "I", "received_at")
        return b"\x01\x28" + event + struct.pack("<I", received_at)
    if kind == 2:
        _known(f, ("kind", "key_id", "time", "reason", "detail"))
        return b"\x02\x10" + _pack(_STATION_EVENT, f)
    raise CodecError("kind", "unknown outbox record kind %d" % kind)


def _outbox_decode_at(data: "_Buf", offset: int) -> "tuple[_Fields, int]":
    """(record dict, offset after it)."""
    if len(data) - offset < 1:
        raise CodecError("kind", "truncated")
    kind = data[offset]
    if len(data) - offset < 2:
        raise CodecError("length", "truncated")
    length = data[offset + 1]
    start = offset + 2
    if kind == 1:
        if length != 40:
            raise CodecError("length", "must be 40 for a lock event")
        if len(data) - start < 40:
            if len(data) - start < 36:
                try:
                    _event_decode_at(data, start)
                except CodecError as exc:
                    raise _prefixed("event", exc)
            raise CodecError("received_at", "truncated")
        try:
            event = _event_decode_at(data, start)
        except CodecError as exc:
            raise _prefixed("event", exc)
        received_at = struct.unpack_from("<I", data, start + 36)[0]
        return {"kind": 1, "event": event, "received_at": received_at}, start + 40
    if kind == 2:
        if length != 16:
            raise CodecError("length", "must be 16 for a station event")
        out = _unpack(_STATION_EVENT, data, start)
        out["kind"] = 2
        return out, start + 16
    raise CodecError("kind", "unknown outbox record kind %d" % kind)


def _outbox_decode(data: "_Buf") -> "_Fields":
    out, end = _outbox_decode_at(data, 0)
    if end != len(data):
        raise CodecError("length", "trailing bytes")
    return out


def _encode_outbox_list(records: "Sequence[Any]", field: str) -> bytes:
    parts = []
    for i, record in enumerate(records):
        try:
            parts.append(_outbox_encode(record))
        except CodecError as exc:
            raise _prefixed("%s[%d]" % (field, i), exc)
    return b"".join(parts)


def _decode_outbox_list(data: "_Buf", offset: int, count: int, field: str) -> "list[_Fields]":
    records = []
    for i in range(count):
        try:
            record, offset = _outbox_decode_at(data, offset)
        except CodecError as exc:
            raise _prefixed("%s[%d]" % (field, i), exc)
        records.append(record)
    if offset != len(data):
        raise CodecError("length", "trailing bytes")
    return records


def _upload_encode(f: "_Fields") -> bytes:
    _known(f, ("format", "flags", "station_id", "first_index", "outbox_epoch", "records"))
    _check_format(_get(f, "format"))
    records = _list(_get(f, "records"), "records")
    head = _pack(_UPLOAD_HEAD, _with(f, count=_count(records, "records")))
    return b"SKUP" + head + _encode_outbox_list(records, "records")


def _upload_decode(data: "_Buf") -> "_Fields":
    _check_magic(data, b"SKUP")
    out = _unpack(_UPLOAD_HEAD, data, 4)
    _check_format(out["format"])
    out["records"] = _decode_outbox_list(data, 20, out.pop("count"), "records")
    return out


# --- station bundle (8.4) -----------------------------------------------------------

_BUNDLE_HEAD = _compile(
    (
        ("format", "B"),
        ("flags", "B"),
        ("section_count", "H"),
        ("unit_id", "I"),
        ("station_id", "I"),
        ("serial", "I"),
        ("issued_at", "I"),
        ("offline_until", "I"),
        ("day0_start", "I"),
        ("days", "H"),
        ("code_iterations", "H"),
        ("authority_key_id", 8),
    )
)
_SECTION = _compile((("id", "B"), (None, -3), ("offset", "I"), ("length", "I"), ("sha256", 32)))
_KEY_ENTRY = _compile(
    (
        ("key_id", "I"),
        ("flags", "B"),
        (None, -3),
        ("key_public", 32),
        ("code_salt", 16),
        ("code_verifier", 16),
        ("display_name", 16),
    )
)
_SET_ENTRY = _compile(
    (
        ("serial", "I"),
        ("valid_from", "I"),
        ("valid_until", "I"),
        ("lock_list", "H"),
        (None, -2),
        ("signature", 64),
    )
)
_BUNDLE_HEADER_SIZE = 284
_KEY_SIZE = 88
_SET_SIZE = 80
_SECTION_NAMES = ("lock_lists", "keys", "sets", "blocklist")


def _decode_name(raw: "_Buf", field: str) -> str:
    raw = bytes(raw)
    end = raw.find(b"\x00")
    if end < 0:
        end = len(raw)
    elif raw[end:] != bytes(len(raw) - end):
        raise CodecError(field, "NUL inside the name")
    return _decode_text(raw[:end], field)


def _encode_name(value: object, field: str) -> bytes:
    raw = _encode_text(value, field)
    if len(raw) > 16:
        raise CodecError(field, "longer than 16 bytes")
    if b"\x00" in raw:
        raise CodecError(field, "contains NUL")
    return raw + bytes(16 - len(raw))


def _key_entry_encode(f: object) -> bytes:
    if not isinstance(f, dict):
        raise CodecError("", "not a dict")
    _known(f, _names(_KEY_ENTRY))
    name = _encode_name(_get(f, "display_name"), "display_name")
    return _pack(_KEY_ENTRY, _with(f, display_name=name))


def _key_entry_decode(data: "_Buf", offset: int) -> "_Fields":
    out = _unpack(_KEY_ENTRY, data, offset)
    out["display_name"] = _decode_name(out["display_name"], "display_name")
    return out


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


def _bundle_encode(f: "_Fields") -> bytes:
    _known(f, _BUNDLE_KEYS)
    _check_format(_get(f, "format"))
    days = _int(_get(f, "days"), "H", "days")
    # LOCK_LISTS
    lists = _list(_get(f, "lock_lists"), "lock_lists")
    parts = [struct.pack("<HH", _count(lists, "lock_lists"), 0)]
    for i, ids in enumerate(lists):
        field = "lock_lists[%d]" % i
        ids = _list(ids, field)
        parts.append(struct.pack("<HH", _count(ids, field), 0))
        parts.append(_encode_ids(ids, field, 0xFFFF))
    lock_lists = b"".join(parts)
    # KEYS
    keys = _list(_get(f, "keys"), "keys")
    parts = [struct.pack("<HH", _count(keys, "keys"), 0)]
    prev = -1
    for i, key in enumerate(keys):
        try:
            entry = _key_entry_encode(key)
        except CodecError as exc:
            raise _prefixed("keys[%d]" % i, exc)
        if key["key_id"] <= prev:
            raise CodecError("keys[%d].key_id" % i, "not strictly ascending")
        prev = key["key_id"]
        parts.append(entry)
    key_section = b"".join(parts)
    # SETS
    sets = _list(_get(f, "sets"), "sets")
    if len(sets) != len(keys):
        raise CodecError("sets", "one list of days per key")
    parts = [struct.pack("<HH", len(sets), days)]
    for k, per_day in enumerate(sets):
        per_day = _list(per_day, "sets[%d]" % k)
        if len(per_day) != days:
            raise CodecError("sets[%d]" % k, "must have %d days" % days)
        for d, entry in enumerate(per_day):
            try:
                if not isinstance(entry, dict):
                    raise CodecError("", "not a dict")
                _known(entry, _names(_SET_ENTRY))
                parts.append(_pack(_SET_ENTRY, entry))
            except CodecError as exc:
                raise _prefixed("sets[%d][%d]" % (k, d), exc)
    set_section = b"".join(parts)
    # BLOCKLIST: a well-formed signed blocklist, verbatim
    blocklist = _bytes(_get(f, "blocklist"), None, "blocklist")
    try:
        _blocklist_decode(blocklist)
    except CodecError as exc:
        raise _prefixed("blocklist", exc)
    table = []
    offset = _BUNDLE_HEADER_SIZE
    sections = (lock_lists, key_section, set_section, blocklist)
    for i, section in enumerate(sections):
        table.append(struct.pack("<B3xII", i + 1, offset, len(section)))
        table.append(sha256(section).digest())
        offset += len(section)
    head = _pack(_BUNDLE_HEAD, _with(f, section_count=4, days=days))
    signature = _bytes(_get(f, "signature"), 64, "signature")
    parts = [b"SKSB", head]
    parts.extend(table)
    parts.append(signature)
    parts.extend(sections)
    return b"".join(parts)


def _reader(source: "_Source") -> "_Read":
    """``read(offset, length)`` over a bundle given as bytes (or a memoryview), or itself."""
    if callable(source):
        return source  # a reader already
    view = memoryview(source)

    def read(offset: int, length: int) -> "_Buf":
        return view[offset : offset + length]

    return read


def bundle_header(data: "_Buf") -> "_Fields":
    """Header fields and ``sections`` of a bundle, after checking its structure and lengths.

    Checks magic, format, the four section ids in order, offsets contiguous from
    byte 284 to the end, each section's length against its own counts (lock lists
    walked, ``SETS`` keys/days against ``KEYS`` and the header) and the
    blocklist's magic, format and length. It does not hash the sections (see
    ``bundle_check``) nor verify the signature.
    """
    return _guard(_bundle_header, (data,), "bundle")


def bundle_head(head: "_Buf", size: "Optional[int]" = None) -> "_Fields":
    """Header fields and ``sections`` from a bundle's first 284 bytes, for a bundle that streams.

    The checks of ``bundle_header`` that need only the head: magic, format, the
    four section ids, offsets contiguous from byte 284 and, when ``size`` (the
    bundle's length) is given, that the sections end exactly there. The sections'
    own counts are checked by ``bundle_check_sections`` once they are stored.
    """
    return _guard(_bundle_head, (head, size), "bundle")


def bundle_size(header: "_Fields") -> int:
    """The bundle's length as its section table gives it: the end of the last section."""
    last = header["sections"][3]
    return last["offset"] + last["length"]


def _bundle_head(data: "_Buf", size: "Optional[int]") -> "_Fields":
    _check_magic(data, b"SKSB")
    out = _unpack(_BUNDLE_HEAD, data, 4)
    _check_format(out["format"])
    if out.pop("section_count") != 4:
        raise CodecError("section_count", "must be 4")
    if len(data) < _BUNDLE_HEADER_SIZE:
        if len(data) < 220:
            raise CodecError("sections[%d]" % ((len(data) - 44) // 44), "truncated")
        raise CodecError("signature", "truncated")
    out["signature"] = bytes(data[220:284])
    sections = []
    expected = _BUNDLE_HEADER_SIZE
    for i in range(4):
        try:
            entry = _unpack(_SECTION, data, 44 + 44 * i)
            if entry["id"] != i + 1:
                raise CodecError("id", "must be %d" % (i + 1))
            if entry["offset"] != expected:
                raise CodecError("offset", "sections must be contiguous from 284")
            expected += entry["length"]
            if size is not None and expected > size:
                raise CodecError("length", "beyond the end of the bundle")
        except CodecError as exc:
            raise _prefixed("sections[%d]" % i, exc)
        sections.append(entry)
    if size is not None and expected != size:
        raise CodecError("length", "bytes after the last section")
    out["sections"] = sections
    return out


def _bundle_header(data: "_Buf", hashes: bool = False) -> "_Fields":
    out = _bundle_head(data, len(data))
    if hashes:  # before the contents, as SPEC.md 8.4 lists the arrival checks
        view = memoryview(data)
        for i, section in enumerate(out["sections"]):
            start = section["offset"]
            if sha256(view[start : start + section["length"]]).digest() != section["sha256"]:
                raise CodecError("sections[%d].sha256" % i, "section hash mismatch")
    _check_section_lengths(_reader(data), out)
    return out


def bundle_check_sections(data: "_Source", header: "_Fields") -> None:
    """The section checks of ``bundle_header`` (counts against lengths, the blocklist's form).

    ``data`` is the bundle or a reader of it (see the module docstring); it reads
    the counts and the blocklist only.
    """
    _guard(_check_section_lengths, (_reader(data), header), "bundle")


def _section_span(header: "_Fields", index: int) -> "tuple[int, int]":
    section = header["sections"][index]
    return section["offset"], section["length"]


def _u16(read: "_Read", offset: int) -> int:
    return struct.unpack("<H", read(offset, 2))[0]


def _check_section_lengths(read: "_Read", header: "_Fields") -> None:
    # LOCK_LISTS: walk the lists
    start, length = _section_span(header, 0)
    end = start + length
    if length < 4:
        raise CodecError("sections[0].length", "shorter than its count")
    count = _u16(read, start)
    offset = start + 4
    for i in range(count):
        if end - offset < 4:
            raise CodecError("lock_lists[%d]" % i, "truncated")
        n = _u16(read, offset)
        offset += 4 + 4 * n
        if offset > end:
            raise CodecError("lock_lists[%d]" % i, "truncated")
    if offset != end:
        raise CodecError("sections[0].length", "bytes after the last lock list")
    # KEYS
    start, length = _section_span(header, 1)
    if length < 4:
        raise CodecError("sections[1].length", "shorter than its count")
    keys = _u16(read, start)
    if length != 4 + _KEY_SIZE * keys:
        raise CodecError("sections[1].length", "must be 4 + 88 x keys")
    # SETS
    start, length = _section_span(header, 2)
    if length < 4:
        raise CodecError("sections[2].length", "shorter than its counts")
    set_keys, set_days = struct.unpack("<HH", read(start, 4))
    if set_keys != keys:
        raise CodecError("sets", "SETS has %d keys, KEYS %d" % (set_keys, keys))
    if set_days != header["days"]:
        raise CodecError("sets", "SETS has %d days, the header %d" % (set_days, header["days"]))
    if length != 4 + _SET_SIZE * keys * set_days:
        raise CodecError("sections[2].length", "must be 4 + 80 x keys x days")
    # BLOCKLIST: structure only
    start, length = _section_span(header, 3)
    try:
        _blocklist_decode(read(start, length), False)
    except CodecError as exc:
        raise _prefixed("blocklist", exc)


def bundle_check(data: "_Buf") -> "_Fields":
    """``bundle_header`` plus everything else ``decode_record("bundle")`` checks, in place.

    Section hashes, key ids ascending, display names, every lock list ascending
    and the blocklist record in full: a bundle passes exactly when the full
    decoder would accept it, without building its dicts. Returns the header.
    """
    return _guard(_bundle_check, (data,), "bundle")


def _bundle_check(data: "_Buf") -> "_Fields":
    header = _bundle_header(data, True)
    view = memoryview(data)
    start = header["sections"][0]["offset"]
    offset = start + 4
    for i in range(struct.unpack_from("<H", data, start)[0]):
        n = struct.unpack_from("<H", data, offset)[0]
        _decode_ids(data, offset + 4, n, "lock_lists[%d]" % i)
        offset += 4 + 4 * n
    base = header["sections"][1]["offset"]
    prev = -1
    for i in range(struct.unpack_from("<H", data, base)[0]):
        offset = base + 4 + _KEY_SIZE * i
        key_id = struct.unpack_from("<I", data, offset)[0]
        if key_id <= prev:
            raise CodecError("keys[%d].key_id" % i, "not strictly ascending")
        prev = key_id
        _decode_name(view[offset + 72 : offset + 88], "keys[%d].display_name" % i)
    start, length = _section_span(header, 3)
    try:
        _blocklist_decode(view[start : start + length])
    except CodecError as exc:
        raise _prefixed("blocklist", exc)
    return header


def _bundle_decode(data: "_Buf") -> "_Fields":
    header = _bundle_check(data)
    view = memoryview(data)
    read = _reader(data)
    start = header["sections"][0]["offset"]
    lists = []
    offset = start + 4
    for _ in range(struct.unpack_from("<H", data, start)[0]):
        n = struct.unpack_from("<H", data, offset)[0]
        lists.append(list(struct.unpack_from("<%dI" % n, data, offset + 4)))
        offset += 4 + 4 * n
    header["lock_lists"] = lists
    count = _bundle_key_count(read, header)
    header["keys"] = [_bundle_key_at(read, header, k) for k in range(count)]
    days = header["days"]
    header["sets"] = [
        [_bundle_set_entry(read, header, k, d) for d in range(days)] for k in range(count)
    ]
    start, length = _section_span(header, 3)
    header["blocklist"] = bytes(view[start : start + length])
    return header


# --- lazy bundle accessors ------------------------------------------------------------
# ``data``: the bundle's bytes (or a memoryview), or a reader of the bundle where
# it is stored (see the module docstring); each reads only the entries it needs.


def bundle_key_count(data: "_Source", header: "_Fields") -> int:
    """Number of keys in the bundle's ``KEYS`` section."""
    return _guard(_bundle_key_count, (_reader(data), header), "keys")


def _bundle_key_count(read: "_Read", header: "_Fields") -> int:
    return _u16(read, header["sections"][1]["offset"])


def bundle_lock_list_count(data: "_Source", header: "_Fields") -> int:
    """Number of lock lists in the bundle's ``LOCK_LISTS`` section."""
    return _guard(_u16, (_reader(data), header["sections"][0]["offset"]), "lock_lists")


def _index(value: object, count: int, field: str) -> None:
    if not isinstance(value, int) or value < 0 or value >= count:
        raise CodecError(field, "index out of range")


def bundle_key_at(data: "_Source", header: "_Fields", index: int) -> "_Fields":
    """``KEYS[index]``: {key_id, flags, key_public, code_salt, code_verifier, display_name}."""
    return _guard(_bundle_key_at, (_reader(data), header, index), "keys")


def _bundle_key_at(read: "_Read", header: "_Fields", index: int) -> "_Fields":
    _index(index, _bundle_key_count(read, header), "keys[]")
    entry = read(header["sections"][1]["offset"] + 4 + _KEY_SIZE * index, _KEY_SIZE)
    try:
        return _key_entry_decode(entry, 0)
    except CodecError as exc:
        raise _prefixed("keys[%d]" % index, exc)


def _find_u32(read: "_Read", base: int, stride: int, count: int, value: int) -> int:
    """Index of ``value`` among ``count`` ascending u32s at ``base``, ``stride`` apart, or -1."""
    lo = 0
    hi = count - 1
    unpack = struct.unpack
    while lo <= hi:
        mid = (lo + hi) >> 1
        found = unpack("<I", read(base + stride * mid, 4))[0]
        if found < value:
            lo = mid + 1
        elif found > value:
            hi = mid - 1
        else:
            return mid
    return -1


def bundle_find_key(data: "_Source", header: "_Fields", key_id: int) -> int:
    """Index of ``key_id`` in ``KEYS`` (binary search over the sorted entries), or -1."""
    return _guard(_bundle_find_key, (_reader(data), header, key_id), "keys")


def _bundle_find_key(read: "_Read", header: "_Fields", key_id: int) -> int:
    base = header["sections"][1]["offset"]
    return _find_u32(read, base + 4, _KEY_SIZE, _u16(read, base), key_id)


def bundle_blocklist_has(data: "_Source", header: "_Fields", key_id: int) -> bool:
    """Whether the bundle's blocklist lists ``key_id`` (binary search over its ascending ids)."""
    return _guard(_bundle_blocklist_has, (_reader(data), header, key_id), "blocklist")


def _bundle_blocklist_has(read: "_Read", header: "_Fields", key_id: int) -> bool:
    start = header["sections"][3]["offset"]
    return _find_u32(read, start + 24, 4, _u16(read, start + 6), key_id) >= 0


def bundle_blocklist_version(data: "_Source", header: "_Fields") -> int:
    """The ``version`` of the bundle's blocklist (8.2)."""
    start = header["sections"][3]["offset"]
    return _guard(lambda: struct.unpack("<I", _reader(data)(start + 8, 4))[0], (), "blocklist")


def bundle_set_entry(data: "_Source", header: "_Fields", key_index: int, day: int) -> "_Fields":
    """``SETS[key_index][day]``: {serial, valid_from, valid_until, lock_list, signature}."""
    return _guard(_bundle_set_entry, (_reader(data), header, key_index, day), "sets")


def _set_offset(read: "_Read", header: "_Fields", key_index: int, day: int) -> int:
    _index(key_index, _bundle_key_count(read, header), "sets[]")
    days = header["days"]
    _index(day, days, "sets[%d][]" % key_index)
    return header["sections"][2]["offset"] + 4 + _SET_SIZE * (key_index * days + day)


def _bundle_set_entry(read: "_Read", header: "_Fields", key_index: int, day: int) -> "_Fields":
    return _unpack(_SET_ENTRY, read(_set_offset(read, header, key_index, day), _SET_SIZE), 0)


def _lock_list_span(read: "_Read", header: "_Fields", list_index: int) -> "tuple[int, int]":
    """(offset of the u32 ids, n) of ``LOCK_LISTS[list_index]``."""
    start = header["sections"][0]["offset"]
    _index(list_index, _u16(read, start), "lock_lists[]")
    offset = start + 4
    for _ in range(list_index):
        offset += 4 + 4 * _u16(read, offset)
    return offset + 4, _u16(read, offset)


def bundle_lock_list(data: "_Source", header: "_Fields", list_index: int) -> "list[int]":
    """``LOCK_LISTS[list_index]`` as a list of lock ids (checked strictly ascending)."""
    return _guard(_bundle_lock_list, (_reader(data), header, list_index), "lock_lists")


def _bundle_lock_list(read: "_Read", header: "_Fields", list_index: int) -> "list[int]":
    offset, n = _lock_list_span(read, header, list_index)
    return _decode_ids(read(offset, 4 * n), 0, n, "lock_lists[%d]" % list_index)


def bundle_blocklist(data: "_Source", header: "_Fields") -> bytes:
    """The ``BLOCKLIST`` section: the signed blocklist record (8.2), verbatim, as bytes."""
    return _guard(_bundle_blocklist, (_reader(data), header), "blocklist")


def _bundle_blocklist(read: "_Read", header: "_Fields") -> bytes:
    start, length = _section_span(header, 3)
    return bytes(read(start, length))


def bundle_rebuild_permission_set(
    data: "_Source", header: "_Fields", key_index: int, day: int
) -> "Optional[bytes]":
    """The permission set (8.1) for key ``key_index`` on ``day``, byte for byte as signed.

    Built from ``KEYS[key_index]``, ``SETS[key_index][day]``, its lock list and the
    header's ``unit_id`` and ``authority_key_id``, flags 0 (SPEC.md 8.4). Returns
    None for an entry with ``valid_until`` = 0 (no set that day).
    """
    return _guard(_bundle_rebuild, (_reader(data), header, key_index, day), "sets")


def _bundle_rebuild(
    read: "_Read", header: "_Fields", key_index: int, day: int
) -> "Optional[bytes]":
    entry = read(_set_offset(read, header, key_index, day), _SET_SIZE)
    serial, valid_from, valid_until, lock_list = struct.unpack_from("<IIIH", entry, 0)
    if valid_until == 0:
        return None
    ids, n = _lock_list_span(read, header, lock_list)
    if n > _MAX_LOCKS:
        raise CodecError("lock_lists[%d]" % lock_list, "more than %d locks" % _MAX_LOCKS)
    key = read(header["sections"][1]["offset"] + 4 + _KEY_SIZE * key_index, 40)
    end = 68 + 4 * n
    out = bytearray(end + 64)
    out[0:4] = b"SKPS"
    struct.pack_into("<BBHI", out, 4, _FORMAT, 0, n, struct.unpack_from("<I", key, 0)[0])
    out[12:44] = key[8:40]
    struct.pack_into("<IIII", out, 44, serial, valid_from, valid_until, header["unit_id"])
    out[60:68] = header["authority_key_id"]
    out[68:end] = read(ids, 4 * n)
    out[end:] = entry[16:80]
    return bytes(out)


# --- record API -------------------------------------------------------------------------

_RECORDS: "dict[str, tuple[_Encoder, _Decoder]]" = {
    "permission_set": (_permset_encode, _permset_decode),
    "blocklist": (_blocklist_encode, _blocklist_decode),
    "audit_event": (_event_encode, _event_decode),
    "audit_batch": (_audit_batch_encode, _audit_batch_decode),
    "service_token": (_token_encode, _token_decode),
    "bundle": (_bundle_encode, _bundle_decode),
    "upload_batch": (_upload_encode, _upload_decode),
    "outbox_record": (_outbox_encode, _outbox_decode),
}
# Bytes the signature covers: [0, end) where end is computed from the data.
_SIGNED_END: "dict[str, Callable[[_Buf], int]]" = {
    "permission_set": lambda data: 68 + 4 * struct.unpack_from("<H", data, 6)[0],
    "blocklist": lambda data: 24 + 4 * struct.unpack_from("<H", data, 6)[0],
    "service_token": lambda data: 36,
    "bundle": lambda data: 220,
}


def _record(kind: str) -> "tuple[_Encoder, _Decoder]":
    try:
        return _RECORDS[kind]
    except (KeyError, TypeError):
        raise CodecError("kind", "unknown record kind %r" % (kind,))


def _record_encode(kind: str, fields: "_Fields") -> bytes:
    if not isinstance(fields, dict):
        raise CodecError("", "fields must be a dict")
    return _record(kind)[0](fields)


def encode_record(kind: str, fields: "_Fields") -> bytes:
    """Encode a record (``kind`` as in CODEC_API.md) from its dict."""
    return _guard(_record_encode, (kind, fields), kind if isinstance(kind, str) else "kind")


def decode_record(kind: str, data: "_Buf") -> "_Fields":
    """Decode and check a record; raises CodecError on anything malformed."""
    return _guard(_record_decode, (kind, data), kind if isinstance(kind, str) else "kind")


def _record_decode(kind: str, data: "_Buf") -> "_Fields":
    decoder = _record(kind)[1]
    _bytes(data, None, "data")
    return decoder(data)


def signed_part(kind: str, data: "_Buf") -> bytes:
    """The bytes a record's signature covers (the record is checked first)."""
    return _guard(_signed_part, (kind, data), kind if isinstance(kind, str) else "kind")


def _signed_part(kind: str, data: "_Buf") -> bytes:
    if kind not in _SIGNED_END:
        raise CodecError("kind", "%r is not signed" % (kind,))
    if kind == "bundle":
        _bundle_header(data)
    else:
        _record_decode(kind, data)
    return bytes(memoryview(data)[0 : _SIGNED_END[kind](data)])


# --- messages (3) -------------------------------------------------------------------------


def encode_message(
    msg_type: int, seq: int, payload: "_Buf", response: bool = False, status: int = 0
) -> bytes:
    """Header (version 1, flags from ``response`` and ``status``, length) + payload."""
    return _guard(_encode_message, (msg_type, seq, payload, response, status), "header")


def _encode_message(msg_type: int, seq: int, payload: "_Buf", response: bool, status: int) -> bytes:
    if not isinstance(response, bool):
        raise CodecError("header.flags", "response must be a bool")
    status = _int(status, "B", "header.status")
    if status and not response:
        raise CodecError("header.status", "a request carries status 0")
    payload = _bytes(payload, None, "payload")
    if len(payload) > _MAX_PAYLOAD:
        raise CodecError("payload", "longer than %d bytes" % _MAX_PAYLOAD)
    flags = (1 if response else 0) | (2 if status else 0)
    return (
        struct.pack(
            "<BBHBBH",
            1,
            _int(msg_type, "B", "header.type"),
            _int(seq, "H", "header.seq"),
            flags,
            _int(status, "B", "header.status"),
            len(payload),
        )
        + payload
    )


def decode_message(body: "_Buf") -> "_Fields":
    """{version, type, seq, flags, status, payload}; unknown versions and types are the caller's."""
    return _guard(_decode_message, (body,), "header")


def _decode_message(body: "_Buf") -> "_Fields":
    _bytes(body, None, "body")
    if len(body) < 8:
        raise CodecError("header", "shorter than 8 bytes")
    version, msg_type, seq, flags, status, length = struct.unpack_from("<BBHBBH", body, 0)
    if length != len(body) - 8:
        raise CodecError("header.length", "says %d, %d follow" % (length, len(body) - 8))
    if length > _MAX_PAYLOAD:
        raise CodecError("header.length", "over %d bytes" % _MAX_PAYLOAD)
    return {
        "version": version,
        "type": msg_type,
        "seq": seq,
        "flags": flags,
        "status": status,
        "payload": bytes(memoryview(body)[8:]),
    }


def encode_error(detail: int, text: str = "") -> bytes:
    """Error detail payload: u32 detail, then 0-64 bytes of UTF-8 text."""
    return _guard(_encode_error, (detail, text), "text")


def _encode_error(detail: int, text: str) -> bytes:
    raw = _encode_text(text, "text")
    if len(raw) > 64:
        raise CodecError("text", "longer than 64 bytes")
    return struct.pack("<I", _int(detail, "I", "detail")) + raw


def decode_error(data: "_Buf") -> "_Fields":
    """{detail, text} of an error response's payload."""
    return _guard(_decode_error, (data,), "detail")


def _decode_error(data: "_Buf") -> "_Fields":
    _bytes(data, None, "data")
    if len(data) < 4:
        raise CodecError("detail", "truncated")
    if len(data) > 68:
        raise CodecError("text", "longer than 64 bytes")
    detail = struct.unpack_from("<I", data, 0)[0]
    return {"detail": detail, "text": _decode_text(memoryview(data)[4:], "text")}


# --- payloads (5, 6, 7) -------------------------------------------------------------------

_EMPTY = _compile(())
_HELLO = _compile(
    (("time", "I"), ("role", "B"), (None, -1), ("max_payload", "H"), ("peer_id", "I"))
)
_KEY_INFO = _compile(
    (
        ("key_id", "I"),
        ("firmware", "H"),
        ("max_payload", "H"),
        ("active_slot", "B"),
        ("slot_a", "B"),
        ("slot_b", "B"),
        ("battery", "B"),
        ("set_serial", "I"),
        ("valid_from", "I"),
        ("valid_until", "I"),
        ("lock_count", "H"),
        ("audit_count", "H"),
        ("audit_capacity", "H"),
        ("last_error", "B"),
        ("flags", "B"),
        ("blocklist_version", "I"),
        ("audit_next_seq", "I"),
    )
)
_DIAG = _compile(
    (
        ("uptime_s", "I"),
        ("write_cycles", "I"),
        ("battery_mv", "H"),
        ("temperature_c", "b"),
        ("last_error", "B"),
        ("crc_errors", "H"),
        (None, -2),
    )
)
_STATION_STATUS = _compile(
    (
        ("station_id", "I"),
        ("unit_id", "I"),
        ("firmware", "H"),
        ("online", "B"),
        ("last_error", "B"),
        ("clock", "I"),
        ("bundle_serial", "I"),
        ("bundle_issued", "I"),
        ("offline_until", "I"),
        ("outbox_records", "I"),
        ("outbox_bytes", "I"),
        ("flash_free", "I"),
        ("last_upload", "I"),
        ("uptime_s", "I"),
        ("crc_errors", "H"),
        ("key_present", "B"),
        ("flags", "B"),
    )
)
_CACHE_INFO = _compile(
    (
        ("bundle_serial", "I"),
        ("bundle_size", "I"),
        ("header_sha256", 32),
        ("keys", "H"),
        ("lock_lists", "H"),
        ("days", "H"),
        (None, -2),
        ("blocklist_version", "I"),
        ("day0_start", "I"),
    )
)
_OUTBOX_INFO = _compile(
    (
        ("records", "I"),
        ("bytes", "I"),
        ("capacity_bytes", "I"),
        ("oldest_time", "I"),
        ("next_index", "I"),
        ("last_ack_time", "I"),
        ("full", "B"),
        (None, -3),
    )
)
_OBJ_WRITE_HEAD = _compile((("obj", "B"), (None, -3), ("offset", "I")))
_OBJ_READ_HEAD = _compile((("offset", "I"),))
_LOG_TAIL_HEAD = _compile((("first_seq", "I"), ("next_seq", "I")))
_AUDIT_READ_HEAD = _compile((("total", "I"), ("first_index", "I"), ("count", "H"), (None, -2)))


class _Fixed:
    """A payload of one fixed layout."""

    def __init__(self, lay: "_Layout") -> None:
        self.lay = lay

    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, _names(self.lay))
        return _pack(self.lay, fields)

    def decode(self, data: "_Buf") -> "_Fields":
        return _decode_exact(self.lay, data)


class _WithData:
    """A fixed head, then ``data`` of ``minimum`` to ``maximum`` bytes (OBJ_WRITE, OBJ_READ)."""

    def __init__(self, lay: "_Layout", minimum: int, maximum: int) -> None:
        self.lay = lay
        self.minimum = minimum
        self.maximum = maximum
        keys = list(_names(lay))
        keys.append("data")
        self.keys = tuple(keys)

    def _check(self, n: int) -> None:
        if n < self.minimum or n > self.maximum:
            raise CodecError("data", "%d bytes, not %d to %d" % (n, self.minimum, self.maximum))

    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, self.keys)
        data = _bytes(_get(fields, "data"), None, "data")
        self._check(len(data))
        return _pack(self.lay, fields) + data

    def decode(self, data: "_Buf") -> "_Fields":
        out = _unpack(self.lay, data)
        self._check(len(data) - self.lay[1])
        out["data"] = bytes(memoryview(data)[self.lay[1] :])
        return out


class _CommitResponse:
    """OBJ_COMMIT's answer: ``u8 active_slot`` for a permission set, else empty."""

    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, ("active_slot",))
        if "active_slot" in fields:
            return bytes((_int(fields["active_slot"], "B", "active_slot"),))
        return b""

    def decode(self, data: "_Buf") -> "_Fields":
        if len(data) == 0:
            return {}
        if len(data) == 1:
            return {"active_slot": data[0]}
        raise CodecError("length", "must be 0 or 1 bytes")


class _AuditAppend:
    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, ("event",))
        event = _get(fields, "event")
        try:
            return _event_encode(event)
        except CodecError as exc:
            raise _prefixed("event", exc)

    def decode(self, data: "_Buf") -> "_Fields":
        try:
            return {"event": _event_decode(data)}
        except CodecError as exc:
            raise _prefixed("event", exc)


class _LogTail:
    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, ("first_seq", "next_seq", "text"))
        text = _encode_text(_get(fields, "text"), "text")
        if len(text) > _MAX_PAYLOAD - 8:
            raise CodecError("text", "longer than %d bytes" % (_MAX_PAYLOAD - 8))
        return _pack(_LOG_TAIL_HEAD, fields) + text

    def decode(self, data: "_Buf") -> "_Fields":
        out = _unpack(_LOG_TAIL_HEAD, data)
        out["text"] = _decode_text(memoryview(data)[8:], "text")
        return out


class _AuditRead:
    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, ("total", "first_index", "records"))
        records = _list(_get(fields, "records"), "records")
        head = _pack(_AUDIT_READ_HEAD, _with(fields, count=_count(records, "records")))
        return head + _encode_outbox_list(records, "records")

    def decode(self, data: "_Buf") -> "_Fields":
        out = _unpack(_AUDIT_READ_HEAD, data)
        out["records"] = _decode_outbox_list(data, 12, out.pop("count"), "records")
        return out


class _Selftest:
    def encode(self, fields: "_Fields") -> bytes:
        _known(fields, ("checks",))
        checks = _list(_get(fields, "checks"), "checks")
        parts = [bytes((_count(checks, "checks", 255),))]
        for i, check in enumerate(checks):
            field = "checks[%d]" % i
            if not isinstance(check, dict):
                raise CodecError(field, "not a dict")
            try:
                _known(check, ("check", "status"))
            except CodecError as exc:
                raise _prefixed(field, exc)
            parts.append(
                bytes(
                    (
                        _int(_get(check, "check"), "B", field + ".check"),
                        _int(_get(check, "status"), "B", field + ".status"),
                    )
                )
            )
        return b"".join(parts)

    def decode(self, data: "_Buf") -> "_Fields":
        if len(data) < 1:
            raise CodecError("count", "truncated")
        count = data[0]
        if len(data) < 1 + 2 * count:
            raise CodecError("checks[%d]" % ((len(data) - 1) // 2), "truncated")
        if len(data) != 1 + 2 * count:
            raise CodecError("length", "must be %d bytes" % (1 + 2 * count))
        checks = []
        for i in range(count):
            checks.append({"check": data[1 + 2 * i], "status": data[2 + 2 * i]})
        return {"checks": checks}


_EMPTY_P = _Fixed(_EMPTY)
_KEY_INFO_P = _Fixed(_KEY_INFO)
# type -> (request, response)
_PAYLOADS: "dict[int, tuple[_Payload, _Payload]]" = {
    0x01: (_Fixed(_HELLO), _KEY_INFO_P),
    0x02: (_Fixed(_compile((("nonce", 32),))), _Fixed(_compile((("signature", 64),)))),
    0x03: (_Fixed(_compile((("baud", "I"),))), _EMPTY_P),
    0x10: (
        _Fixed(_compile((("obj", "B"), (None, -3), ("size", "I"), ("sha256", 32)))),
        _Fixed(_compile((("have", "I"),))),
    ),
    0x11: (_WithData(_OBJ_WRITE_HEAD, 1, _MAX_PAYLOAD - 8), _Fixed(_compile((("have", "I"),)))),
    0x12: (_Fixed(_compile((("obj", "B"), (None, -3), ("sha256", 32)))), _CommitResponse()),
    0x13: (
        _Fixed(_compile((("obj", "B"), (None, -3)))),
        _Fixed(_compile((("size", "I"), ("sha256", 32)))),
    ),
    0x14: (
        _Fixed(_compile((("obj", "B"), (None, -1), ("max_len", "H"), ("offset", "I")))),
        _WithData(_OBJ_READ_HEAD, 0, _MAX_PAYLOAD - 4),
    ),
    0x20: (_Fixed(_compile((("through_seq", "I"),))), _Fixed(_compile((("remaining", "H"),)))),
    0x21: (_AuditAppend(), _Fixed(_compile((("count", "H"),)))),
    0x30: (_EMPTY_P, _Fixed(_DIAG)),
    0x40: (_EMPTY_P, _Fixed(_STATION_STATUS)),
    0x41: (_EMPTY_P, _Fixed(_CACHE_INFO)),
    0x42: (_EMPTY_P, _Fixed(_OUTBOX_INFO)),
    0x43: (_EMPTY_P, _KEY_INFO_P),
    0x44: (_Fixed(_compile((("from_seq", "I"), ("max_bytes", "H"), (None, -2)))), _LogTail()),
    0x45: (_Fixed(_compile((("from_index", "I"), ("max_records", "H"), (None, -2)))), _AuditRead()),
    0x46: (_EMPTY_P, _Selftest()),
    0x50: (_Fixed(_compile((("token", 100), ("time", "I")))), _EMPTY_P),
    0x51: (
        _Fixed(_compile((("token", 100), ("through_index", "I")))),
        _Fixed(_compile((("removed", "I"),))),
    ),
    0x52: (_Fixed(_compile((("token", 100),))), _EMPTY_P),
    0x53: (_Fixed(_compile((("token", 100),))), _EMPTY_P),
}


def _payload(msg_type: int, response: bool) -> "_Payload":
    if not isinstance(response, bool):
        raise CodecError("response", "must be a bool")
    if isinstance(msg_type, bool):
        raise CodecError("type", "not a message type")
    try:
        pair = _PAYLOADS[msg_type]
    except (KeyError, TypeError):
        raise CodecError("type", "unknown message type %r" % (msg_type,))
    return pair[1] if response else pair[0]


def _payload_encode(msg_type: int, response: bool, fields: "_Fields") -> bytes:
    if not isinstance(fields, dict):
        raise CodecError("", "fields must be a dict")
    data = _payload(msg_type, response).encode(fields)
    if len(data) > _MAX_PAYLOAD:
        raise CodecError("length", "payload over %d bytes" % _MAX_PAYLOAD)
    return data


def _payload_decode(msg_type: int, response: bool, data: "_Buf") -> "_Fields":
    layout = _payload(msg_type, response)
    _bytes(data, None, "data")
    if len(data) > _MAX_PAYLOAD:
        raise CodecError("length", "payload over %d bytes" % _MAX_PAYLOAD)
    return layout.decode(data)


def encode_payload(msg_type: int, response: bool, fields: "_Fields") -> bytes:
    """The payload of a request (``response`` false) or an OK response, from its dict."""
    return _guard(_payload_encode, (msg_type, response, fields), "payload")


def decode_payload(msg_type: int, response: bool, data: "_Buf") -> "_Fields":
    """Decode and check a request's or an OK response's payload."""
    return _guard(_payload_decode, (msg_type, response, data), "payload")
