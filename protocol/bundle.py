"""The station bundle (SPEC.md 8.4): layout, structural checks, and rebuilding
a key's permission set from it.

A bundle is a 284-byte head (header, section table, signature) followed by
four sections. The encoder lays the sections out contiguously and writes the
table (offsets, lengths, SHA-256); the decoder checks all of that and every
section's own layout, but not the signature, which needs the authority key.
"""

from __future__ import annotations

import hashlib
from typing import Any

import construct as c

from protocol import constants as k
from protocol._construct import (
    U8,
    U16,
    U32,
    VALUE,
    AscendingIds,
    CountOf,
    Exactly,
    FixedBytes,
    Format,
    Items,
    Magic,
    PaddedName,
    Record,
    build,
    parse_exact,
)
from protocol.errors import ProtocolError
from protocol.record_layouts import BLOCKLIST, PERMISSION_SET

SECTION_ENTRY = Record(
    "id" / U8,
    c.Padding(3),
    "offset" / U32,
    "length" / U32,
    "sha256" / FixedBytes(k.SHA256_SIZE),
)

HEAD = Record(
    "_magic" / Magic(k.MAGIC_BUNDLE),
    "format" / Format(),
    "flags" / U8,
    "_section_count" / Exactly(k.BUNDLE_SECTION_COUNT, U16),
    "unit_id" / U32,
    "station_id" / U32,
    "serial" / U32,
    "issued_at" / U32,
    "offline_until" / U32,
    "day0_start" / U32,
    "days" / U16,
    "code_iterations" / U16,
    "authority_key_id" / FixedBytes(k.AUTHORITY_KEY_ID_SIZE),
    "sections" / Items(k.BUNDLE_SECTION_COUNT, SECTION_ENTRY),
    "signature" / FixedBytes(k.SIGNATURE_SIZE),
)

LOCK_LIST = c.FocusedSeq(
    VALUE,
    "_n" / CountOf(U16, VALUE),
    c.Padding(2),
    VALUE / AscendingIds(lambda ctx: ctx._n),
)

LOCK_LISTS = Record(
    "_lock_list_count" / CountOf(U16, "lock_lists"),
    c.Padding(2),
    "lock_lists" / Items(lambda ctx: ctx._lock_list_count, LOCK_LIST),
)

KEY_ENTRY = Record(
    "key_id" / U32,
    "flags" / U8,
    c.Padding(3),
    "key_public" / FixedBytes(k.PUBLIC_KEY_SIZE),
    "code_salt" / FixedBytes(16),
    "code_verifier" / FixedBytes(16),
    "display_name" / PaddedName(k.DISPLAY_NAME_SIZE),
)

KEYS = Record(
    "_key_count" / CountOf(U16, "keys"),
    c.Padding(2),
    "keys" / Items(lambda ctx: ctx._key_count, KEY_ENTRY),
)

SET_ENTRY = Record(
    "serial" / U32,
    "valid_from" / U32,
    "valid_until" / U32,
    "lock_list" / U16,
    c.Padding(2),
    "signature" / FixedBytes(k.SIGNATURE_SIZE),
)

# `days` is the header's: the encoder passes it in, the decoder compares.
SETS = Record(
    "_set_keys" / CountOf(U16, "sets"),
    "days" / U16,
    "sets" / Items(lambda ctx: ctx._set_keys, Items(lambda ctx: ctx.days, SET_ENTRY)),
)

FIELDS = (
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
)
_HEAD_FIELDS = FIELDS[:12]


def _check_keys_ascending(keys: list[dict[str, Any]]) -> None:
    for i in range(1, len(keys)):
        if keys[i]["key_id"] <= keys[i - 1]["key_id"]:
            raise ProtocolError(f"bundle.keys[{i}].key_id", "key ids not strictly ascending")


def _check_blocklist(data: Any) -> bytes:
    if not isinstance(data, bytes | bytearray):
        raise ProtocolError("bundle.blocklist", f"expected bytes, got {type(data).__name__}")
    parse_exact(BLOCKLIST, data, "bundle.blocklist")
    return bytes(data)


def encode_bundle(fields: Any) -> bytes:
    if not isinstance(fields, dict):
        raise ProtocolError("bundle", f"expected a dict, got {type(fields).__name__}")
    for name in FIELDS:
        if name not in fields:
            raise ProtocolError(f"bundle.{name}", "missing")
    for name in fields:
        if name not in FIELDS and name != "sections":
            raise ProtocolError(f"bundle.{name}", "unknown field")
    keys, sets = fields["keys"], fields["sets"]
    if isinstance(keys, list) and isinstance(sets, list) and len(sets) != len(keys):
        raise ProtocolError("bundle.sets", f"{len(sets)} keys' sets for {len(keys)} keys")
    bodies = [
        build(LOCK_LISTS, {"lock_lists": fields["lock_lists"]}, "bundle"),
        build(KEYS, {"keys": keys}, "bundle"),
        build(SETS, {"days": fields["days"], "sets": sets}, "bundle"),
        _check_blocklist(fields["blocklist"]),
    ]
    _check_keys_ascending(keys)
    table, offset = [], k.BUNDLE_HEADER_SIZE
    for section_id, body in zip(k.SectionId, bodies, strict=True):
        table.append(
            {
                "id": int(section_id),
                "offset": offset,
                "length": len(body),
                "sha256": hashlib.sha256(body).digest(),
            }
        )
        offset += len(body)
    head = {name: fields[name] for name in _HEAD_FIELDS}
    return build(HEAD, {**head, "sections": table}, "bundle") + b"".join(bodies)


def _section_bodies(data: bytes, table: list[dict[str, Any]]) -> list[bytes]:
    bodies, expected_offset = [], k.BUNDLE_HEADER_SIZE
    for i, (entry, section_id) in enumerate(zip(table, k.SectionId, strict=True)):
        where = f"bundle.sections[{i}]"
        if entry["id"] != section_id:
            raise ProtocolError(f"{where}.id", f"expected {int(section_id)} ({section_id.name})")
        if entry["offset"] != expected_offset:
            raise ProtocolError(f"{where}.offset", f"expected {expected_offset} (contiguous)")
        end = entry["offset"] + entry["length"]
        if end > len(data):
            raise ProtocolError(f"{where}.length", f"ends at {end}, past the {len(data)} bytes")
        body = data[entry["offset"] : end]
        if hashlib.sha256(body).digest() != entry["sha256"]:
            raise ProtocolError(f"{where}.sha256", "does not match the section")
        bodies.append(body)
        expected_offset = end
    if expected_offset != len(data):
        raise ProtocolError("bundle", f"{len(data) - expected_offset} bytes after the sections")
    return bodies


def decode_bundle(data: Any) -> dict[str, Any]:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError("bundle", f"expected bytes, got {type(data).__name__}")
    raw = bytes(data)
    head = parse_exact(HEAD, raw[: k.BUNDLE_HEADER_SIZE], "bundle")
    lock_bytes, key_bytes, set_bytes, blocklist = _section_bodies(raw, head["sections"])
    lock_lists = parse_exact(LOCK_LISTS, lock_bytes, "bundle")["lock_lists"]
    keys = parse_exact(KEYS, key_bytes, "bundle")["keys"]
    _check_keys_ascending(keys)
    set_section = parse_exact(SETS, set_bytes, "bundle")
    if set_section["days"] != head["days"]:
        raise ProtocolError(
            "bundle.sets.days", f"{set_section['days']}, the header says {head['days']}"
        )
    sets = set_section["sets"]
    if len(sets) != len(keys):
        raise ProtocolError("bundle.sets", f"{len(sets)} keys' sets for {len(keys)} keys")
    _check_blocklist(blocklist)
    sections = head.pop("sections")
    return {
        **head,
        "lock_lists": lock_lists,
        "keys": keys,
        "sets": sets,
        "blocklist": blocklist,
        "sections": sections,
    }


def _at(value: Any, path: tuple[Any, ...], field: str, what: str) -> Any:
    """`value[path[0]][path[1]]...`, refusing negative indexes and missing entries."""
    for step in path:
        if isinstance(step, int) and (isinstance(step, bool) or step < 0):
            raise ProtocolError(field, f"{what}: bad index {step!r}")
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            raise ProtocolError(field, f"{what}: not found") from None
    return value


def rebuild_permission_set(bundle: dict[str, Any], key_index: int, day: int) -> bytes:
    """The permission set (8.1) the authority signed for key `key_index` on `day`,
    rebuilt byte for byte from a bundle dict (as `decode_bundle` returns).

    Raises ProtocolError for an index out of range, a dangling `lock_list`, or
    an entry with `valid_until` = 0 ("no set that day").
    """
    key_field = f"bundle.keys[{key_index}]"
    key = _at(bundle, ("keys", key_index), key_field, "no such key")
    where = f"bundle.sets[{key_index}][{day}]"
    entry = _at(bundle, ("sets", key_index, day), where, "no such day")
    if _at(entry, ("valid_until",), f"{where}.valid_until", "missing") == 0:
        raise ProtocolError(f"{where}.valid_until", "0: no set that day")
    lock_list = _at(entry, ("lock_list",), f"{where}.lock_list", "missing")
    lock_ids = _at(bundle, ("lock_lists", lock_list), f"{where}.lock_list", "no such lock list")
    fields = {"format": k.RECORD_FORMAT, "flags": 0, "lock_ids": lock_ids}
    for name in ("key_id", "key_public"):
        fields[name] = _at(key, (name,), f"{key_field}.{name}", "missing")
    for name in ("serial", "valid_from", "valid_until", "signature"):
        fields[name] = _at(entry, (name,), f"{where}.{name}", "missing")
    for name in ("unit_id", "authority_key_id"):
        fields[name] = _at(bundle, (name,), f"bundle.{name}", "missing")
    return build(PERMISSION_SET, fields, "permission_set")
