"""Strict construct building blocks shared by the record and message layouts.

construct alone is lenient where SPEC.md is strict: `Bytes` builds an int as
bytes, `Struct` ignores extra dict keys and raises a bare `KeyError` for a
missing one, `Array` leaves the index out of error paths, and `parse`
ignores trailing bytes. The constructs here close those gaps, and
`parse_exact`/`build` turn every failure into a `ProtocolError` whose field is
the dotted path of construct's error path.

Naming convention inside layouts: a field whose name starts with `_` (magic,
counts, fixed lengths) is written by the encoder, checked by the decoder and
left out of the decoded dict; its error path drops the underscore.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import construct as c

from protocol.errors import ProtocolError

VALUE = "__value__"  # the focused field of a FocusedSeq; left out of error paths

Count = int | Callable[[Any], int]

# construct's classes are generic only in construct-typing's stubs.
if TYPE_CHECKING:
    AdapterBase = c.Adapter[Any, Any, Any, Any]
    SubconstructBase = c.Subconstruct[Any, Any, Any, Any]
    ConstBase = c.Const[Any, Any]
    ConstructBase = c.Construct[Any, Any]
else:
    AdapterBase = c.Adapter
    SubconstructBase = c.Subconstruct
    ConstBase = c.Const
    ConstructBase = c.Construct


class FieldError(c.ConstructError):
    """A strictness check failed at construct path `path`."""

    def __init__(self, message: str, path: str | None) -> None:
        super().__init__(message, path=path)
        self.detail = message


def _type_name(obj: object) -> str:
    return type(obj).__name__


class Int(AdapterBase):
    """An integer field that builds only from a real `int` (no bool, float or str)."""

    def __init__(self, subcon: c.FormatField[int, int], lo: int, hi: int) -> None:
        super().__init__(subcon)
        self.lo = lo
        self.hi = hi

    def _decode(self, obj: int, context: Any, path: str) -> int:
        return int(obj)

    def _encode(self, obj: Any, context: Any, path: str) -> int:
        if isinstance(obj, bool) or not isinstance(obj, int):
            raise FieldError(f"expected an integer, got {_type_name(obj)}", path)
        if not self.lo <= obj <= self.hi:
            raise FieldError(f"{obj} is outside {self.lo}..{self.hi}", path)
        return int(obj)


U8 = Int(c.Int8ul, 0, 0xFF)
U16 = Int(c.Int16ul, 0, 0xFFFF)
U32 = Int(c.Int32ul, 0, 0xFFFF_FFFF)
I8 = Int(c.Int8sl, -0x80, 0x7F)


def _as_bytes(obj: Any, path: str) -> bytes:
    if not isinstance(obj, bytes | bytearray):
        raise FieldError(f"expected bytes, got {_type_name(obj)}", path)
    return bytes(obj)


class FixedBytes(AdapterBase):
    """`bytes[n]`: exactly n bytes, built only from bytes."""

    def __init__(self, length: int) -> None:
        super().__init__(c.Bytes(length))
        self.length = length

    def _decode(self, obj: Any, context: Any, path: str) -> bytes:
        return bytes(obj)

    def _encode(self, obj: Any, context: Any, path: str) -> bytes:
        data = _as_bytes(obj, path)
        if len(data) != self.length:
            raise FieldError(f"expected {self.length} bytes, got {len(data)}", path)
        return data


class Data(AdapterBase):
    """Bytes up to the end of the payload, between `min_len` and `max_len` long."""

    def __init__(self, min_len: int, max_len: int) -> None:
        super().__init__(c.GreedyBytes)
        self.min_len = min_len
        self.max_len = max_len

    def _check(self, data: bytes, path: str) -> bytes:
        if not self.min_len <= len(data) <= self.max_len:
            raise FieldError(f"{len(data)} bytes, expected {self.min_len}..{self.max_len}", path)
        return data

    def _decode(self, obj: Any, context: Any, path: str) -> bytes:
        return self._check(bytes(obj), path)

    def _encode(self, obj: Any, context: Any, path: str) -> bytes:
        return self._check(_as_bytes(obj, path), path)


class Text(AdapterBase):
    """UTF-8 text up to the end of the payload, at most `max_len` bytes."""

    def __init__(self, max_len: int) -> None:
        super().__init__(c.GreedyBytes)
        self.max_len = max_len

    def _decode(self, obj: Any, context: Any, path: str) -> str:
        data = bytes(obj)
        if len(data) > self.max_len:
            raise FieldError(f"{len(data)} bytes of text, at most {self.max_len}", path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise FieldError(f"not UTF-8 at byte {err.start}", path) from None

    def _encode(self, obj: Any, context: Any, path: str) -> bytes:
        if not isinstance(obj, str):
            raise FieldError(f"expected str, got {_type_name(obj)}", path)
        try:
            data = obj.encode("utf-8")
        except UnicodeEncodeError as err:
            raise FieldError(f"not encodable as UTF-8 at {err.start}", path) from None
        if len(data) > self.max_len:
            raise FieldError(f"{len(data)} bytes of text, at most {self.max_len}", path)
        return data


class PaddedName(AdapterBase):
    """UTF-8 text without NUL, zero-padded to `size` bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(c.Bytes(size))
        self.size = size

    def _decode(self, obj: Any, context: Any, path: str) -> str:
        name = bytes(obj).rstrip(b"\x00")
        if b"\x00" in name:
            raise FieldError("NUL inside the name (only trailing zero padding)", path)
        try:
            return name.decode("utf-8")
        except UnicodeDecodeError as err:
            raise FieldError(f"not UTF-8 at byte {err.start}", path) from None

    def _encode(self, obj: Any, context: Any, path: str) -> bytes:
        if not isinstance(obj, str):
            raise FieldError(f"expected str, got {_type_name(obj)}", path)
        if "\x00" in obj:
            raise FieldError("NUL in the name", path)
        try:
            data = obj.encode("utf-8")
        except UnicodeEncodeError as err:
            raise FieldError(f"not encodable as UTF-8 at {err.start}", path) from None
        if len(data) > self.size:
            raise FieldError(f"{len(data)} UTF-8 bytes, at most {self.size}", path)
        return data.ljust(self.size, b"\x00")


class Exactly(ConstBase):
    """A constant (magic, format, fixed length).

    Hidden constants build from None; a visible one (`format`, `kind`) must be
    given, with exactly its value and type.
    """

    def __init__(
        self, value: Any, subcon: c.Construct[Any, Any] | None = None, *, visible: bool = False
    ) -> None:
        super().__init__(value, subcon)
        self.visible = visible

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        if obj is None and not self.visible:
            obj = self.value
        if isinstance(obj, bool) or not isinstance(obj, type(self.value)) or obj != self.value:
            raise FieldError(f"must be {self.value!r}, got {obj!r}", path)
        return super()._build(obj, stream, context, path)


def Format(value: int = 1) -> Exactly:
    """The `format` byte of a record, in the decoded dict."""
    return Exactly(value, U8, visible=True)


def Magic(value: bytes) -> Exactly:
    return Exactly(value)


class CountOf(SubconstructBase):
    """A count written from the length of the list field `name` (which must be a list)."""

    def __init__(self, subcon: c.Construct[int, int], name: str) -> None:
        super().__init__(subcon)
        self.list_name = name
        self.flagbuildnone = True

    def _parse(self, stream: Any, context: Any, path: str) -> int:
        return int(self.subcon._parsereport(stream, context, path))

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        items = context.get(self.list_name)
        if not isinstance(items, list | tuple):
            where = path.rsplit(" -> ", 1)[0] + " -> " + self.list_name
            raise FieldError(f"expected a list, got {_type_name(items)}", where)
        self.subcon._build(len(items), stream, context, path)
        return len(items)

    def _sizeof(self, context: Any, path: str) -> int:
        return self.subcon._sizeof(context, path)


class LengthOf(SubconstructBase):
    """A length written from the size of the bytes field `name` (which must be bytes)."""

    def __init__(self, subcon: c.Construct[int, int], name: str) -> None:
        super().__init__(subcon)
        self.bytes_name = name
        self.flagbuildnone = True

    def _parse(self, stream: Any, context: Any, path: str) -> int:
        return int(self.subcon._parsereport(stream, context, path))

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        data = context.get(self.bytes_name)
        if not isinstance(data, bytes | bytearray):
            where = path.rsplit(" -> ", 1)[0] + " -> " + self.bytes_name
            raise FieldError(f"expected bytes, got {_type_name(data)}", where)
        self.subcon._build(len(data), stream, context, path)
        return len(data)

    def _sizeof(self, context: Any, path: str) -> int:
        return self.subcon._sizeof(context, path)


class SizedData(ConstructBase):
    """Exactly `length(context)` bytes (another field says how many), at most `max_len`."""

    def __init__(self, length: Callable[[Any], int], max_len: int) -> None:
        super().__init__()
        self.length = length
        self.max_len = max_len

    def _size(self, context: Any, path: str) -> int:
        size = int(self.length(context))
        if size > self.max_len:
            raise FieldError(f"{size} bytes, at most {self.max_len}", path)
        return size

    def _parse(self, stream: Any, context: Any, path: str) -> bytes:
        return bytes(c.stream_read(stream, self._size(context, path), path))

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        data = _as_bytes(obj, path)
        size = self._size(context, path)
        if len(data) != size:
            raise FieldError(f"expected {size} bytes, got {len(data)}", path)
        c.stream_write(stream, data, size, path)
        return data

    def _sizeof(self, context: Any, path: str) -> int:
        raise c.SizeofError("the length depends on the data", path=path)


class Items(SubconstructBase):
    """`count` elements of `subcon` as a plain list; error paths carry the index."""

    def __init__(
        self, count: Count, subcon: c.Construct[Any, Any], max_count: int | None = None
    ) -> None:
        super().__init__(subcon)
        self.count = count
        self.max_count = max_count

    def _count(self, context: Any, path: str) -> int:
        count = self.count(context) if callable(self.count) else self.count
        if self.max_count is not None and count > self.max_count:
            raise FieldError(f"{count} entries, at most {self.max_count}", path)
        return int(count)

    def _parse(self, stream: Any, context: Any, path: str) -> list[Any]:
        count = self._count(context, path)
        items = []
        for i in range(count):
            context._index = i
            items.append(self.subcon._parsereport(stream, context, f"{path} -> [{i}]"))
        return self._checked(items, path)

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        if not isinstance(obj, list | tuple):
            raise FieldError(f"expected a list, got {_type_name(obj)}", path)
        count = self._count(context, path)
        if len(obj) != count:
            raise FieldError(f"expected {count} entries, got {len(obj)}", path)
        built = []
        for i, item in enumerate(obj):
            context._index = i
            built.append(self.subcon._build(item, stream, context, f"{path} -> [{i}]"))
        self._checked(list(obj), path)
        return built

    def _sizeof(self, context: Any, path: str) -> int:
        try:
            count = self._count(context, path)
        except (KeyError, AttributeError):
            raise c.SizeofError("the count depends on the data", path=path) from None
        return count * self.subcon._sizeof(context, path)

    def _checked(self, items: list[Any], path: str) -> list[Any]:
        return items


class AscendingIds(Items):
    """`u32[n]` identifiers, strictly ascending."""

    def __init__(self, count: Count, max_count: int | None = None) -> None:
        super().__init__(count, U32, max_count)

    def _checked(self, items: list[Any], path: str) -> list[Any]:
        for i in range(1, len(items)):
            if items[i] <= items[i - 1]:
                raise FieldError(
                    f"not strictly ascending: [{i}] = {items[i]} after {items[i - 1]}", path
                )
        return items


class Record(c.Struct):
    """A Struct that parses to a plain dict of its visible fields and builds
    only from a mapping with exactly those fields."""

    def __init__(
        self,
        *subcons: c.Construct[Any, Any],
        optional: tuple[str, ...] = (),
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(*subcons)
        self.visible = [sc.name for sc in self.subcons if sc.name and not sc.name.startswith("_")]
        self.optional = optional  # keys the encoder tolerates and ignores
        self.defaults = dict(defaults or {})  # fields the encoder fills in when they are absent

    def _parse(self, stream: Any, context: Any, path: str) -> Any:
        parsed = super()._parse(stream, context, path)
        return {name: parsed[name] for name in self.visible}

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        if not isinstance(obj, Mapping):
            raise FieldError(f"expected a dict, got {_type_name(obj)}", path)
        obj = {**self.defaults, **obj}
        for name in self.visible:
            if name not in obj:
                raise FieldError("missing", f"{path} -> {name}")
        for name in obj:
            if name not in self.visible and name not in self.optional:
                raise FieldError("unknown field", f"{path} -> {name}")
        return super()._build(dict(obj), stream, context, path)


class ByKind(ConstructBase):
    """One of several Records chosen by their first byte, `kind`."""

    def __init__(self, cases: Mapping[int, Record]) -> None:
        super().__init__()
        self.cases = dict(cases)

    def _case(self, kind: Any, path: str) -> Record:
        if isinstance(kind, bool) or not isinstance(kind, int) or kind not in self.cases:
            raise FieldError(f"unknown kind {kind!r}", f"{path} -> kind")
        return self.cases[kind]

    def _parse(self, stream: Any, context: Any, path: str) -> Any:
        first = stream.read(1)
        if not first:
            raise FieldError("no bytes left", f"{path} -> kind")
        stream.seek(-1, io.SEEK_CUR)
        return self._case(first[0], path)._parsereport(stream, context, path)

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        if not isinstance(obj, Mapping):
            raise FieldError(f"expected a dict, got {_type_name(obj)}", path)
        return self._case(obj.get("kind"), path)._build(obj, stream, context, path)

    def _sizeof(self, context: Any, path: str) -> int:
        raise c.SizeofError("size depends on kind", path=path)


class EmptyOr(ConstructBase):
    """Either nothing (the empty dict) or `record` (OBJ_COMMIT's answer)."""

    def __init__(self, record: Record) -> None:
        super().__init__()
        self.record = record

    def _parse(self, stream: Any, context: Any, path: str) -> Any:
        if not stream.read(1):
            return {}
        stream.seek(-1, io.SEEK_CUR)
        return self.record._parsereport(stream, context, path)

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        if isinstance(obj, Mapping) and not obj:
            return {}
        return self.record._build(obj, stream, context, path)

    def _sizeof(self, context: Any, path: str) -> int:
        raise c.SizeofError("size depends on the value", path=path)


# Python errors that construct lets through or that our own code may raise
# on hostile input; all of them mean "malformed".
_PYTHON_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    struct.error,
)


def field_path(where: str, construct_path: str | None) -> str:
    """`"(parsing) -> keys -> [3] -> _count"` under `"bundle"` is `"bundle.keys[3].count"`."""
    result = where
    for part in (construct_path or "").split(" -> ")[1:]:
        if part == VALUE:
            continue
        if part.startswith("["):
            result += part
        else:
            result += "." + part.lstrip("_")
    return result


def translate(err: c.ConstructError, where: str) -> ProtocolError:
    if isinstance(err, FieldError):
        message = err.detail
    else:
        message = str(err)
        if message.startswith("Error in path") and "\n" in message:
            message = message.split("\n", 1)[1]
        short_read = "stream read less than specified amount, "
        if message.startswith(short_read):
            message = "truncated: " + message[len(short_read) :]
    return ProtocolError(field_path(where, err.path), message)


def parse_exact(con: c.Construct[Any, Any], data: Any, where: str) -> Any:
    """Parse `data` with `con`; anything but exactly the layout's bytes is an error."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(where, f"expected bytes, got {_type_name(data)}")
    raw = bytes(data)
    stream = io.BytesIO(raw)
    try:
        obj = con.parse_stream(stream)
    except c.ConstructError as err:
        raise translate(err, where) from None
    except _PYTHON_ERRORS as err:
        raise ProtocolError(where, f"{_type_name(err)}: {err}") from None
    extra = len(raw) - stream.tell()
    if extra:
        raise ProtocolError(where, f"{extra} bytes after the end of the layout")
    return obj


def build(con: c.Construct[Any, Any], obj: Any, where: str) -> bytes:
    try:
        return con.build(obj)
    except c.ConstructError as err:
        raise translate(err, where) from None
    except _PYTHON_ERRORS as err:
        raise ProtocolError(where, f"{_type_name(err)}: {err}") from None
