"""The station codec's building blocks: ``CodecError``, strict field checks, fixed layouts.

The station's codec for wire protocol version 1 (protocol/SPEC.md) is written
with ``struct`` only, independently of the reference ``protocol/`` package
(construct, CPython), and has the same plain-Python shape (protocol/CODEC_API.md):
records and payloads are dicts keyed by SPEC.md's field names, and anything
malformed raises ``CodecError`` naming the field at fault as a dotted path
(``"keys[3].code_salt"``, ``"header.length"``). Encoders are as strict as
decoders: a value out of range, a bytes field of the wrong size or a
non-ascending id list is refused instead of being truncated (MicroPython's
``struct`` would silently truncate).

Its modules mirror ``protocol/``: this one (``protocol/errors.py`` and
``protocol/_construct.py``), ``firmware.record_layouts`` (the fixed-shape
records), ``firmware.bundle_format`` (the station bundle),
``firmware.records`` (the record API), ``firmware.wire_messages`` (header and
error detail) and ``firmware.payloads``. The record encoders only tests, test
doubles and tools use are in ``firmware.record_encoders``, which the board
image leaves out (host/flash/image.py).

A layout is compiled from (name, code) pairs: code "B" "H" "I" "b" is an
integer, a positive int n is bytes[n], a negative int -n is n reserved bytes
(name None).
"""

import struct

from firmware.protocol_constants import MAGIC_BUNDLE, RECORD_FORMAT

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (  # read under TYPE_CHECKING only
        Any,
        Callable,
        Optional,
        Sequence,
        TypeVar,
        Union,
    )

    _T = TypeVar("_T")
    Buf = Union[bytes, bytearray, memoryview]
    Fields = dict[str, Any]
    # A field's code: "B" "H" "I" "b" an integer, n > 0 bytes[n], -n reserved bytes.
    Code = Union[int, str]
    # (struct format, size, named fields, the pairs it was compiled from)
    Layout = tuple[str, int, tuple[tuple[str, Code], ...], tuple[tuple[Optional[str], Code], ...]]


MAGIC_SIZE = len(MAGIC_BUNDLE)  # every record's magic is four ASCII bytes
_U = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF}
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


def prefixed(prefix: str, exc: CodecError) -> CodecError:
    """``exc`` moved under ``prefix`` (a field of a nested structure)."""
    field = exc.field
    if field and not field.startswith("["):
        field = "." + field
    return CodecError(prefix + field, exc.reason)


def guard(func: "Callable[..., _T]", args: "tuple[Any, ...]", where: str) -> "_T":
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


def get_field(fields: "Fields", name: str) -> "Any":
    try:
        return fields[name]
    except (KeyError, TypeError, IndexError):
        raise CodecError(name, "missing")


def check_int(value: object, code: str, field: str) -> int:
    # bool is refused like the reference does (and is no int subclass on MicroPython)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CodecError(field, "not an integer")
    if code == "b":
        if value < -128 or value > 127:
            raise CodecError(field, "out of range")
    elif value < 0 or value > _U[code]:
        raise CodecError(field, "out of range")
    return value


def check_bytes(value: object, size: "Optional[int]", field: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise CodecError(field, "not bytes")
    if size is not None and len(value) != size:
        raise CodecError(field, "must be %d bytes" % size)
    return bytes(value)


def check_utf8(raw: bytes, field: str) -> None:
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


def decode_text(raw: "Buf", field: str) -> str:
    raw = bytes(raw)
    check_utf8(raw, field)
    try:
        return raw.decode("utf-8")
    except UnicodeError:
        raise CodecError(field, "invalid UTF-8")


def encode_text(value: object, field: str) -> bytes:
    if not isinstance(value, str):
        raise CodecError(field, "not text")
    try:
        raw = value.encode("utf-8")
    except UnicodeError:
        raise CodecError(field, "not encodable as UTF-8")
    check_utf8(raw, field)  # MicroPython strings can hold what CPython would refuse
    return raw


def ascending(ids: "Sequence[int]", field: str) -> None:
    prev = -1
    for i, value in enumerate(ids):
        if value <= prev:
            raise CodecError("%s[%d]" % (field, i), "not strictly ascending")
        prev = value


def decode_ids(data: "Buf", offset: int, count: int, field: str) -> "list[int]":
    ids = list(struct.unpack_from("<%dI" % count, data, offset))
    ascending(ids, field)
    return ids


def as_list(value: object, field: str) -> "Sequence[Any]":
    if not isinstance(value, (list, tuple)):
        raise CodecError(field, "not a list")
    return value


def count_of(items: "Sequence[Any]", field: str, limit: int = 0xFFFF) -> int:
    if len(items) > limit:
        raise CodecError(field, "more than %d entries" % limit)
    return len(items)


def check_format(value: object) -> None:
    if isinstance(value, bool) or value != RECORD_FORMAT:
        raise CodecError("format", "unknown format %r" % (value,))


def known(fields: "Fields", allowed: "tuple[str, ...]") -> None:
    """Refuse a key an encoder would otherwise silently ignore (a misspelt field)."""
    for name in fields:
        if name not in allowed:
            raise CodecError(str(name), "unknown field")


def check_magic(data: "Buf", magic: bytes) -> None:
    if len(data) < MAGIC_SIZE:
        raise CodecError("magic", "truncated")
    if bytes(data[0:MAGIC_SIZE]) != magic:
        raise CodecError("magic", "not %s" % magic.decode())


# --- fixed layouts ------------------------------------------------------------


def layout(pairs: "tuple[tuple[Optional[str], Code], ...]") -> "Layout":
    """A layout compiled from its (name, code) pairs (see the module docstring)."""
    fmt = "<"
    names: "list[tuple[str, Code]]" = []
    for name, code in pairs:
        if isinstance(code, int) and code <= 0:
            fmt += "%dx" % -code
            continue
        assert name is not None  # only reserved bytes have no name
        fmt += "%ds" % code if isinstance(code, int) else code
        names.append((name, code))
    return (fmt, struct.calcsize(fmt), tuple(names), pairs)


def layout_names(lay: "Layout") -> "tuple[str, ...]":
    return tuple(pair[0] for pair in lay[2])


def _short_field(lay: "Layout", available: int) -> str:
    """The first field of a layout that does not fit in ``available`` bytes."""
    offset = 0
    for name, code in lay[3]:
        size = abs(code) if isinstance(code, int) else struct.calcsize(code)
        if offset + size > available and name is not None:
            return name
        offset += size
    return "length"


def unpack(lay: "Layout", data: "Buf", offset: int = 0) -> "Any":
    """The layout's fields at ``offset`` as a dict (typed by the caller's record TypedDict)."""
    fmt, size, names, _ = lay
    if len(data) - offset < size:
        raise CodecError(_short_field(lay, len(data) - offset), "truncated")
    values = struct.unpack_from(fmt, data, offset)
    out = {}
    for i, pair in enumerate(names):
        out[pair[0]] = values[i]
    return out


def pack(lay: "Layout", fields: "Fields") -> bytes:
    values: "list[Union[bytes, int]]" = []
    for name, code in lay[2]:
        value = get_field(fields, name)
        if isinstance(code, int):
            values.append(check_bytes(value, code, name))
        else:
            values.append(check_int(value, code, name))
    return struct.pack(lay[0], *values)


def decode_exact(lay: "Layout", data: "Buf") -> "Any":
    out = unpack(lay, data)
    if len(data) != lay[1]:
        raise CodecError("length", "must be %d bytes" % lay[1])
    return out
