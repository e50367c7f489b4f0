"""The station bundle (SPEC.md 8.4): structural checks, lazy accessors, permission set rebuild.

Mirrors ``protocol/bundle.py`` for the station, which keeps its ~74 KB bundle
on flash and never decodes it whole: the ``bundle_*`` accessors read single
entries where they lie. Their ``data`` is the bundle's bytes (or a
memoryview), or a reader ``read(offset, length)`` returning that many bytes
of the stored bundle (``length`` at most one entry, a lock list or the
blocklist), so the same rules serve a bundle in RAM and one on flash.
``bundle_rebuild_permission_set`` copies the signed permission set together
from the bundle's pieces. ``decode_bundle`` (every entry as dicts) is for
tests and tools; the encoder is ``firmware.record_encoders``'.

A bundle is a 284-byte head (the header, the section table of four entries,
the signature) followed by the four sections, contiguous, in id order.
"""

import struct
from hashlib import sha256

from firmware.protocol_constants import (
    AUTHORITY_KEY_ID_SIZE,
    BLOCKLIST_SIGNED_BASE,
    BUNDLE_HEADER_SIZE,
    BUNDLE_KEY_SIZE,
    BUNDLE_SECTION_COUNT,
    BUNDLE_SET_SIZE,
    BUNDLE_SIGNED_SIZE,
    CODE_SALT_SIZE,
    CODE_VERIFIER_SIZE,
    DISPLAY_NAME_SIZE,
    MAGIC_BUNDLE,
    MAGIC_PERMISSION_SET,
    MAX_LOCK_IDS,
    PERMISSION_SET_SIGNED_BASE,
    PUBLIC_KEY_SIZE,
    RECORD_FORMAT,
    SEC_BLOCKLIST,
    SEC_KEYS,
    SEC_LOCK_LISTS,
    SEC_SETS,
    SECTION_ENTRY_SIZE,
    SHA256_SIZE,
    SIGNATURE_SIZE,
)
from firmware.record_layouts import check_blocklist, decode_blocklist
from firmware.wire_fields import (
    MAGIC_SIZE,
    CodecError,
    check_format,
    check_magic,
    decode_ids,
    decode_text,
    guard,
    layout,
    prefixed,
    unpack,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Optional, TypedDict, Union  # read under TYPE_CHECKING only

    from firmware.wire_fields import Buf

    Read = Callable[[int, int], Buf]  # read(offset, length) -> that many bytes of a bundle
    Source = Union[Buf, Read]

    class Section(TypedDict):
        """An entry of the section table."""

        id: int
        offset: int
        length: int
        sha256: bytes

    class BundleHeader(TypedDict):
        """The header fields, signature and section table of a bundle."""

        format: int
        flags: int
        unit_id: int
        station_id: int
        serial: int
        issued_at: int
        offline_until: int
        day0_start: int
        days: int
        code_iterations: int
        authority_key_id: bytes
        signature: bytes
        sections: list[Section]

    class KeyEntry(TypedDict):
        """``KEYS[i]``: one key the station serves."""

        key_id: int
        flags: int
        key_public: bytes
        code_salt: bytes
        code_verifier: bytes
        display_name: str

    class SetEntry(TypedDict):
        """``SETS[k][d]``: key k's permission set on day d, without its lock list."""

        serial: int
        valid_from: int
        valid_until: int
        lock_list: int
        signature: bytes

    class Bundle(BundleHeader):
        """A whole decoded bundle (``decode_bundle``)."""

        lock_lists: list[list[int]]
        keys: list[KeyEntry]
        sets: list[list[SetEntry]]
        blocklist: bytes


BUNDLE_HEAD = layout(
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
        ("authority_key_id", AUTHORITY_KEY_ID_SIZE),
    )
)
SECTION = layout(
    (("id", "B"), (None, -3), ("offset", "I"), ("length", "I"), ("sha256", SHA256_SIZE))
)
KEY_ENTRY = layout(
    (
        ("key_id", "I"),
        ("flags", "B"),
        (None, -3),
        ("key_public", PUBLIC_KEY_SIZE),
        ("code_salt", CODE_SALT_SIZE),
        ("code_verifier", CODE_VERIFIER_SIZE),
        ("display_name", DISPLAY_NAME_SIZE),
    )
)
SET_ENTRY = layout(
    (
        ("serial", "I"),
        ("valid_from", "I"),
        ("valid_until", "I"),
        ("lock_list", "H"),
        (None, -2),
        ("signature", SIGNATURE_SIZE),
    )
)
# Indexes of the section table (SPEC.md 8.4 ids start at 1); every section starts with
# u16 count and u16 (reserved, or the days of SETS), a lock list with u16 n and u16 reserved.
_LOCK_LISTS = SEC_LOCK_LISTS - 1
_KEYS = SEC_KEYS - 1
_SETS = SEC_SETS - 1
_BLOCKLIST = SEC_BLOCKLIST - 1
_COUNTS = 4
# Where things lie inside the head, a key entry and a set entry (the layouts above).
TABLE_AT = BUNDLE_SIGNED_SIZE - BUNDLE_SECTION_COUNT * SECTION_ENTRY_SIZE  # the section table
_KEY_NAME_AT = BUNDLE_KEY_SIZE - DISPLAY_NAME_SIZE
_KEY_PUBLIC_AT = _KEY_NAME_AT - CODE_VERIFIER_SIZE - CODE_SALT_SIZE - PUBLIC_KEY_SIZE
_SET_SIGNATURE_AT = BUNDLE_SET_SIZE - SIGNATURE_SIZE
# ... and inside the blocklist (8.2) and the permission set (8.1) rebuilt from the bundle.
_BLOCKLIST_COUNT_AT = MAGIC_SIZE + 2
_BLOCKLIST_VERSION_AT = MAGIC_SIZE + 4
_PERMSET_AKID_AT = PERMISSION_SET_SIGNED_BASE - AUTHORITY_KEY_ID_SIZE
_PERMSET_SERIAL_AT = _PERMSET_AKID_AT - 16  # serial, valid_from, valid_until, unit_id
_PERMSET_PUBLIC_AT = _PERMSET_SERIAL_AT - PUBLIC_KEY_SIZE


def decode_name(raw: "Buf", field: str) -> str:
    """A display name: UTF-8, NUL-padded to 16 bytes, no NUL inside."""
    raw = bytes(raw)
    end = raw.find(b"\x00")
    if end < 0:
        end = len(raw)
    elif raw[end:] != bytes(len(raw) - end):
        raise CodecError(field, "NUL inside the name")
    return decode_text(raw[:end], field)


def _key_entry_decode(data: "Buf", offset: int) -> "KeyEntry":
    fields = unpack(KEY_ENTRY, data, offset)
    fields["display_name"] = decode_name(fields["display_name"], "display_name")
    out: "KeyEntry" = fields
    return out


def _reader(source: "Source") -> "Read":
    """``read(offset, length)`` over a bundle given as bytes (or a memoryview), or itself."""
    if callable(source):
        return source  # a reader already
    view = memoryview(source)

    def read(offset: int, length: int) -> "Buf":
        return view[offset : offset + length]

    return read


def bundle_header(data: "Buf") -> "BundleHeader":
    """Header fields and ``sections`` of a bundle, after checking its structure and lengths.

    Checks magic, format, the four section ids in order, offsets contiguous from
    byte 284 to the end, each section's length against its own counts (lock lists
    walked, ``SETS`` keys/days against ``KEYS`` and the header) and the
    blocklist's magic, format and length. It does not hash the sections (see
    ``bundle_check``) nor verify the signature.
    """
    return guard(_bundle_header, (data,), "bundle")


def bundle_head(head: "Buf", size: "Optional[int]" = None) -> "BundleHeader":
    """Header fields and ``sections`` from a bundle's first 284 bytes, for a bundle that streams.

    The checks of ``bundle_header`` that need only the head: magic, format, the
    four section ids, offsets contiguous from byte 284 and, when ``size`` (the
    bundle's length) is given, that the sections end exactly there. The sections'
    own counts are checked by ``bundle_check_sections`` once they are stored.
    """
    return guard(_bundle_head, (head, size), "bundle")


def bundle_size(header: "BundleHeader") -> int:
    """The bundle's length as its section table gives it: the end of the last section."""
    last = header["sections"][BUNDLE_SECTION_COUNT - 1]
    return last["offset"] + last["length"]


def _bundle_head(data: "Buf", size: "Optional[int]") -> "BundleHeader":
    check_magic(data, MAGIC_BUNDLE)
    fields = unpack(BUNDLE_HEAD, data, MAGIC_SIZE)
    check_format(fields["format"])
    if fields.pop("section_count") != BUNDLE_SECTION_COUNT:
        raise CodecError("section_count", "must be %d" % BUNDLE_SECTION_COUNT)
    if len(data) < BUNDLE_HEADER_SIZE:
        if len(data) < BUNDLE_SIGNED_SIZE:
            raise CodecError(
                "sections[%d]" % ((len(data) - TABLE_AT) // SECTION_ENTRY_SIZE), "truncated"
            )
        raise CodecError("signature", "truncated")
    out: "BundleHeader" = fields
    out["signature"] = bytes(data[BUNDLE_SIGNED_SIZE:BUNDLE_HEADER_SIZE])
    sections = []
    expected = BUNDLE_HEADER_SIZE
    for i in range(BUNDLE_SECTION_COUNT):
        try:
            entry: "Section" = unpack(SECTION, data, TABLE_AT + SECTION_ENTRY_SIZE * i)
            if entry["id"] != i + 1:
                raise CodecError("id", "must be %d" % (i + 1))
            if entry["offset"] != expected:
                raise CodecError(
                    "offset", "sections must be contiguous from %d" % BUNDLE_HEADER_SIZE
                )
            expected += entry["length"]
            if size is not None and expected > size:
                raise CodecError("length", "beyond the end of the bundle")
        except CodecError as exc:
            raise prefixed("sections[%d]" % i, exc)
        sections.append(entry)
    if size is not None and expected != size:
        raise CodecError("length", "bytes after the last section")
    out["sections"] = sections
    return out


def _bundle_header(data: "Buf", hashes: bool = False) -> "BundleHeader":
    out = _bundle_head(data, len(data))
    if hashes:  # before the contents, as SPEC.md 8.4 lists the arrival checks
        view = memoryview(data)
        for i, section in enumerate(out["sections"]):
            start = section["offset"]
            if sha256(view[start : start + section["length"]]).digest() != section["sha256"]:
                raise CodecError("sections[%d].sha256" % i, "section hash mismatch")
    _check_section_lengths(_reader(data), out)
    return out


def bundle_check_sections(data: "Source", header: "BundleHeader") -> None:
    """The section checks of ``bundle_header`` (counts against lengths, the blocklist's form).

    ``data`` is the bundle or a reader of it (see the module docstring); it reads
    the counts and the blocklist only.
    """
    guard(_check_section_lengths, (_reader(data), header), "bundle")


def _section_span(header: "BundleHeader", index: int) -> "tuple[int, int]":
    section = header["sections"][index]
    return section["offset"], section["length"]


def _u16(read: "Read", offset: int) -> int:
    return struct.unpack("<H", read(offset, 2))[0]


def _check_section_lengths(read: "Read", header: "BundleHeader") -> None:
    # LOCK_LISTS: walk the lists
    start, length = _section_span(header, _LOCK_LISTS)
    end = start + length
    if length < _COUNTS:
        raise CodecError("sections[0].length", "shorter than its count")
    count = _u16(read, start)
    offset = start + _COUNTS
    for i in range(count):
        if end - offset < _COUNTS:
            raise CodecError("lock_lists[%d]" % i, "truncated")
        n = _u16(read, offset)
        offset += _COUNTS + 4 * n
        if offset > end:
            raise CodecError("lock_lists[%d]" % i, "truncated")
    if offset != end:
        raise CodecError("sections[0].length", "bytes after the last lock list")
    # KEYS
    start, length = _section_span(header, _KEYS)
    if length < _COUNTS:
        raise CodecError("sections[1].length", "shorter than its count")
    keys = _u16(read, start)
    if length != _COUNTS + BUNDLE_KEY_SIZE * keys:
        raise CodecError("sections[1].length", "must be 4 + %d x keys" % BUNDLE_KEY_SIZE)
    # SETS
    start, length = _section_span(header, _SETS)
    if length < _COUNTS:
        raise CodecError("sections[2].length", "shorter than its counts")
    set_keys, set_days = struct.unpack("<HH", read(start, _COUNTS))
    if set_keys != keys:
        raise CodecError("sets", "SETS has %d keys, KEYS %d" % (set_keys, keys))
    if set_days != header["days"]:
        raise CodecError("sets", "SETS has %d days, the header %d" % (set_days, header["days"]))
    if length != _COUNTS + BUNDLE_SET_SIZE * keys * set_days:
        raise CodecError("sections[2].length", "must be 4 + %d x keys x days" % BUNDLE_SET_SIZE)
    # BLOCKLIST: structure only
    start, length = _section_span(header, _BLOCKLIST)
    try:
        check_blocklist(read(start, length))
    except CodecError as exc:
        raise prefixed("blocklist", exc)


def bundle_check(data: "Buf") -> "BundleHeader":
    """``bundle_header`` plus everything else ``decode_bundle`` checks, in place.

    Section hashes, key ids ascending, display names, every lock list ascending
    and the blocklist record in full: a bundle passes exactly when the full
    decoder would accept it, without building its dicts. Returns the header.
    """
    return guard(_bundle_check, (data,), "bundle")


def _bundle_check(data: "Buf") -> "BundleHeader":
    header = _bundle_header(data, True)
    view = memoryview(data)
    start = header["sections"][_LOCK_LISTS]["offset"]
    offset = start + _COUNTS
    for i in range(struct.unpack_from("<H", data, start)[0]):
        n = struct.unpack_from("<H", data, offset)[0]
        decode_ids(data, offset + _COUNTS, n, "lock_lists[%d]" % i)
        offset += _COUNTS + 4 * n
    base = header["sections"][_KEYS]["offset"]
    prev = -1
    for i in range(struct.unpack_from("<H", data, base)[0]):
        offset = base + _COUNTS + BUNDLE_KEY_SIZE * i
        key_id = struct.unpack_from("<I", data, offset)[0]
        if key_id <= prev:
            raise CodecError("keys[%d].key_id" % i, "not strictly ascending")
        prev = key_id
        decode_name(
            view[offset + _KEY_NAME_AT : offset + BUNDLE_KEY_SIZE], "keys[%d].display_name" % i
        )
    start, length = _section_span(header, _BLOCKLIST)
    try:
        decode_blocklist(view[start : start + length])
    except CodecError as exc:
        raise prefixed("blocklist", exc)
    return header


def decode_bundle(data: "Buf") -> "Bundle":
    """The whole bundle as dicts, after every check of ``bundle_check`` (tests and tools)."""
    return guard(_bundle_decode, (data,), "bundle")


def _bundle_decode(data: "Buf") -> "Bundle":
    header = _bundle_check(data)
    view = memoryview(data)
    read = _reader(data)
    start = header["sections"][_LOCK_LISTS]["offset"]
    lists = []
    offset = start + _COUNTS
    for _ in range(struct.unpack_from("<H", data, start)[0]):
        n = struct.unpack_from("<H", data, offset)[0]
        lists.append(list(struct.unpack_from("<%dI" % n, data, offset + _COUNTS)))
        offset += _COUNTS + 4 * n
    count = _bundle_key_count(read, header)
    days = header["days"]
    start, length = _section_span(header, _BLOCKLIST)
    out: "Bundle" = header  # type: ignore[assignment]  # filled in below
    out["lock_lists"] = lists
    out["keys"] = [_bundle_key_at(read, header, k) for k in range(count)]
    out["sets"] = [
        [_bundle_set_entry(read, header, k, d) for d in range(days)] for k in range(count)
    ]
    out["blocklist"] = bytes(view[start : start + length])
    return out


# --- lazy bundle accessors ------------------------------------------------------------
# ``data``: the bundle's bytes (or a memoryview), or a reader of the bundle where
# it is stored (see the module docstring); each reads only the entries it needs.


def bundle_key_count(data: "Source", header: "BundleHeader") -> int:
    """Number of keys in the bundle's ``KEYS`` section."""
    return guard(_bundle_key_count, (_reader(data), header), "keys")


def _bundle_key_count(read: "Read", header: "BundleHeader") -> int:
    return _u16(read, header["sections"][_KEYS]["offset"])


def bundle_lock_list_count(data: "Source", header: "BundleHeader") -> int:
    """Number of lock lists in the bundle's ``LOCK_LISTS`` section."""
    return guard(_u16, (_reader(data), header["sections"][_LOCK_LISTS]["offset"]), "lock_lists")


def _index(value: object, count: int, field: str) -> None:
    if not isinstance(value, int) or value < 0 or value >= count:
        raise CodecError(field, "index out of range")


def bundle_key_at(data: "Source", header: "BundleHeader", index: int) -> "KeyEntry":
    """``KEYS[index]``: {key_id, flags, key_public, code_salt, code_verifier, display_name}."""
    return guard(_bundle_key_at, (_reader(data), header, index), "keys")


def _bundle_key_at(read: "Read", header: "BundleHeader", index: int) -> "KeyEntry":
    _index(index, _bundle_key_count(read, header), "keys[]")
    entry = read(
        header["sections"][_KEYS]["offset"] + _COUNTS + BUNDLE_KEY_SIZE * index, BUNDLE_KEY_SIZE
    )
    try:
        return _key_entry_decode(entry, 0)
    except CodecError as exc:
        raise prefixed("keys[%d]" % index, exc)


def _find_u32(read: "Read", base: int, stride: int, count: int, value: int) -> int:
    """Index of ``value`` among ``count`` ascending u32s at ``base``, ``stride`` apart, or -1."""
    lo = 0
    hi = count - 1
    unpack_u32 = struct.unpack
    while lo <= hi:
        mid = (lo + hi) >> 1
        found = unpack_u32("<I", read(base + stride * mid, 4))[0]
        if found < value:
            lo = mid + 1
        elif found > value:
            hi = mid - 1
        else:
            return mid
    return -1


def bundle_find_key(data: "Source", header: "BundleHeader", key_id: int) -> int:
    """Index of ``key_id`` in ``KEYS`` (binary search over the sorted entries), or -1."""
    return guard(_bundle_find_key, (_reader(data), header, key_id), "keys")


def _bundle_find_key(read: "Read", header: "BundleHeader", key_id: int) -> int:
    base = header["sections"][_KEYS]["offset"]
    return _find_u32(read, base + _COUNTS, BUNDLE_KEY_SIZE, _u16(read, base), key_id)


def bundle_blocklist_has(data: "Source", header: "BundleHeader", key_id: int) -> bool:
    """Whether the bundle's blocklist lists ``key_id`` (binary search over its ascending ids)."""
    return guard(_bundle_blocklist_has, (_reader(data), header, key_id), "blocklist")


def _bundle_blocklist_has(read: "Read", header: "BundleHeader", key_id: int) -> bool:
    start = header["sections"][_BLOCKLIST]["offset"]
    count = _u16(read, start + _BLOCKLIST_COUNT_AT)
    return _find_u32(read, start + BLOCKLIST_SIGNED_BASE, 4, count, key_id) >= 0


def bundle_blocklist_version(data: "Source", header: "BundleHeader") -> int:
    """The ``version`` of the bundle's blocklist (8.2)."""
    start = header["sections"][_BLOCKLIST]["offset"] + _BLOCKLIST_VERSION_AT
    return guard(lambda: struct.unpack("<I", _reader(data)(start, 4))[0], (), "blocklist")


def bundle_set_entry(
    data: "Source", header: "BundleHeader", key_index: int, day: int
) -> "SetEntry":
    """``SETS[key_index][day]``: {serial, valid_from, valid_until, lock_list, signature}."""
    return guard(_bundle_set_entry, (_reader(data), header, key_index, day), "sets")


def _set_offset(read: "Read", header: "BundleHeader", key_index: int, day: int) -> int:
    _index(key_index, _bundle_key_count(read, header), "sets[]")
    days = header["days"]
    _index(day, days, "sets[%d][]" % key_index)
    return (
        header["sections"][_SETS]["offset"] + _COUNTS + BUNDLE_SET_SIZE * (key_index * days + day)
    )


def _bundle_set_entry(read: "Read", header: "BundleHeader", key_index: int, day: int) -> "SetEntry":
    entry = read(_set_offset(read, header, key_index, day), BUNDLE_SET_SIZE)
    out: "SetEntry" = unpack(SET_ENTRY, entry, 0)
    return out


def _lock_list_span(read: "Read", header: "BundleHeader", list_index: int) -> "tuple[int, int]":
    """(offset of the u32 ids, n) of ``LOCK_LISTS[list_index]``."""
    start = header["sections"][_LOCK_LISTS]["offset"]
    _index(list_index, _u16(read, start), "lock_lists[]")
    offset = start + _COUNTS
    for _ in range(list_index):
        offset += _COUNTS + 4 * _u16(read, offset)
    return offset + _COUNTS, _u16(read, offset)


def bundle_lock_list(data: "Source", header: "BundleHeader", list_index: int) -> "list[int]":
    """``LOCK_LISTS[list_index]`` as a list of lock ids (checked strictly ascending)."""
    return guard(_bundle_lock_list, (_reader(data), header, list_index), "lock_lists")


def _bundle_lock_list(read: "Read", header: "BundleHeader", list_index: int) -> "list[int]":
    offset, n = _lock_list_span(read, header, list_index)
    return decode_ids(read(offset, 4 * n), 0, n, "lock_lists[%d]" % list_index)


def bundle_blocklist(data: "Source", header: "BundleHeader") -> bytes:
    """The ``BLOCKLIST`` section: the signed blocklist record (8.2), verbatim, as bytes."""
    return guard(_bundle_blocklist, (_reader(data), header), "blocklist")


def _bundle_blocklist(read: "Read", header: "BundleHeader") -> bytes:
    start, length = _section_span(header, _BLOCKLIST)
    return bytes(read(start, length))


def bundle_rebuild_permission_set(
    data: "Source", header: "BundleHeader", key_index: int, day: int
) -> "Optional[bytes]":
    """The permission set (8.1) for key ``key_index`` on ``day``, byte for byte as signed.

    Built from ``KEYS[key_index]``, ``SETS[key_index][day]``, its lock list and the
    header's ``unit_id`` and ``authority_key_id``, flags 0 (SPEC.md 8.4). Returns
    None for an entry with ``valid_until`` = 0 (no set that day).
    """
    return guard(_bundle_rebuild, (_reader(data), header, key_index, day), "sets")


def _bundle_rebuild(
    read: "Read", header: "BundleHeader", key_index: int, day: int
) -> "Optional[bytes]":
    entry = read(_set_offset(read, header, key_index, day), BUNDLE_SET_SIZE)
    serial, valid_from, valid_until, lock_list = struct.unpack_from("<IIIH", entry, 0)
    if valid_until == 0:
        return None
    ids, n = _lock_list_span(read, header, lock_list)
    if n > MAX_LOCK_IDS:
        raise CodecError("lock_lists[%d]" % lock_list, "more than %d locks" % MAX_LOCK_IDS)
    key_end = _KEY_PUBLIC_AT + PUBLIC_KEY_SIZE
    key = read(header["sections"][_KEYS]["offset"] + _COUNTS + BUNDLE_KEY_SIZE * key_index, key_end)
    end = PERMISSION_SET_SIGNED_BASE + 4 * n
    out = bytearray(end + SIGNATURE_SIZE)
    out[0:MAGIC_SIZE] = MAGIC_PERMISSION_SET
    key_id = struct.unpack_from("<I", key, 0)[0]
    struct.pack_into("<BBHI", out, MAGIC_SIZE, RECORD_FORMAT, 0, n, key_id)
    out[_PERMSET_PUBLIC_AT:_PERMSET_SERIAL_AT] = key[_KEY_PUBLIC_AT:key_end]
    unit_id = header["unit_id"]
    struct.pack_into("<IIII", out, _PERMSET_SERIAL_AT, serial, valid_from, valid_until, unit_id)
    out[_PERMSET_AKID_AT:PERMISSION_SET_SIGNED_BASE] = header["authority_key_id"]
    out[PERMISSION_SET_SIGNED_BASE:end] = read(ids, 4 * n)
    out[end:] = entry[_SET_SIGNATURE_AT:BUNDLE_SET_SIZE]
    return bytes(out)
