"""Fast ``struct`` paths for the records the back office handles in bulk.

A municipality's bundles hold some 80,000 signed permission sets and a busy
site takes thousands of lock events a second; the ``construct`` reference in
``protocol/`` is exact but about a hundred times too slow for that. This
module encodes the signed part of a permission set (8.1) and whole bundles
(8.4), the bytes of a lock event its MAC covers (8.3), and decodes upload
batches (9.1), with ``struct`` alone.
``tests/host/backoffice/test_wire.py`` holds every function byte for byte equal
to ``protocol.records`` (and, for decoding, to accept exactly what it
accepts); ``protocol/`` stays the specification.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from protocol import constants as k

_PS_HEAD = struct.Struct("<4sBBHI32sIIII8s")  # permission set up to its lock ids
_BUNDLE_HEAD = struct.Struct("<4sBBHIIIIIIHH8s")  # bundle header before the section table
_SECTION = struct.Struct("<B3xII32s")
_COUNT = struct.Struct("<HH")  # a section's u16 count and u16 (reserved or days)
_KEY = struct.Struct("<IB3x32s16s16s16s")
_SET = struct.Struct("<IIIHH64s")
_UPLOAD_HEAD = struct.Struct("<4sBBHIII")
_LOCK_RECORD = struct.Struct("<BBBBHIIII16sI")  # kind, length, then event (8.3), received_at
_STATION_RECORD = struct.Struct("<BBIIB3xI")
_RECORD_HEAD = struct.Struct("<BB")
_MAC_INPUT = struct.Struct("<BBHIIII")  # an audit event (8.3) up to its MAC

U32_MAX = 0xFFFFFFFF


class WireError(ValueError):
    """A record this module will not encode or decode; ``field`` says where."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def pack_ids(ids: Sequence[int]) -> bytes:
    """``u32[n]`` little-endian, for ids already known to be strictly ascending."""
    return struct.pack(f"<{len(ids)}I", *ids)


def audit_mac_input(
    outcome: int, blocklist_version: int, lock_id: int, key_id: int, time: int, lock_seq: int
) -> bytes:
    """The first 20 bytes of an audit event (8.3), which its MAC covers."""
    return _MAC_INPUT.pack(
        k.RECORD_FORMAT, outcome, blocklist_version, lock_id, key_id, time, lock_seq
    )


def permission_set_signed(
    *,
    key_id: int,
    key_public: bytes,
    serial: int,
    valid_from: int,
    valid_until: int,
    unit_id: int,
    authority_key_id: bytes,
    lock_count: int,
    packed_locks: bytes,
) -> bytes:
    """Bytes [0, 68 + 4n) of a permission set (8.1): what the authority signs."""
    head = _PS_HEAD.pack(
        k.MAGIC_PERMISSION_SET,
        k.RECORD_FORMAT,
        0,
        lock_count,
        key_id,
        key_public,
        serial,
        valid_from,
        valid_until,
        unit_id,
        authority_key_id,
    )
    return head + packed_locks


@dataclass(frozen=True)
class BundleKey:
    key_id: int
    key_public: bytes
    code_salt: bytes
    code_verifier: bytes
    display_name: str


@dataclass(frozen=True)
class BundleSet:
    serial: int
    valid_from: int
    valid_until: int
    lock_list: int
    signature: bytes


def _name(value: str) -> bytes:
    data = value.encode("utf-8")
    if len(data) > k.DISPLAY_NAME_SIZE or b"\x00" in data:
        raise WireError("display_name", f"{value!r}: over 16 UTF-8 bytes or with NUL")
    return data


def bundle_sections(
    lock_lists: Sequence[Sequence[int]],
    keys: Sequence[BundleKey],
    sets: Sequence[Sequence[BundleSet]],
    days: int,
    blocklist: bytes,
) -> list[bytes]:
    """The four section bodies of a bundle, in table order."""
    if len(sets) != len(keys):
        raise WireError("sets", f"{len(sets)} keys' sets for {len(keys)} keys")
    parts = [_COUNT.pack(len(lock_lists), 0)]
    for ids in lock_lists:
        if len(ids) > k.MAX_LOCK_IDS:
            raise WireError("lock_lists", f"{len(ids)} locks, at most {k.MAX_LOCK_IDS}")
        parts.append(_COUNT.pack(len(ids), 0))
        parts.append(pack_ids(ids))
    lock_section = b"".join(parts)
    parts = [_COUNT.pack(len(keys), 0)]
    previous = 0
    for key in keys:
        if key.key_id <= previous:
            raise WireError("keys", "key ids not strictly ascending")
        previous = key.key_id
        name = _name(key.display_name)
        parts.append(
            _KEY.pack(key.key_id, 0, key.key_public, key.code_salt, key.code_verifier, name)
        )
    key_section = b"".join(parts)
    parts = [_COUNT.pack(len(keys), days)]
    for key_sets in sets:
        if len(key_sets) != days:
            raise WireError("sets", f"{len(key_sets)} days, the header says {days}")
        for entry in key_sets:
            if entry.valid_until and entry.lock_list >= len(lock_lists):
                raise WireError("sets", f"lock list {entry.lock_list} does not exist")
            parts.append(
                _SET.pack(
                    entry.serial,
                    entry.valid_from,
                    entry.valid_until,
                    entry.lock_list,
                    0,
                    entry.signature,
                )
            )
    set_section = b"".join(parts)
    return [lock_section, key_section, set_section, bytes(blocklist)]


def bundle_unsigned(
    *,
    unit_id: int,
    station_id: int,
    serial: int,
    issued_at: int,
    offline_until: int,
    day0_start: int,
    days: int,
    code_iterations: int,
    authority_key_id: bytes,
    sections: Sequence[bytes],
) -> bytes:
    """The whole bundle with a zero signature; the signature covers bytes [0, 220)."""
    head = _BUNDLE_HEAD.pack(
        k.MAGIC_BUNDLE,
        k.RECORD_FORMAT,
        0,
        k.BUNDLE_SECTION_COUNT,
        unit_id,
        station_id,
        serial,
        issued_at,
        offline_until,
        day0_start,
        days,
        code_iterations,
        authority_key_id,
    )
    table, offset = [], k.BUNDLE_HEADER_SIZE
    for section_id, body in zip(k.SectionId, sections, strict=True):
        table.append(
            _SECTION.pack(int(section_id), offset, len(body), hashlib.sha256(body).digest())
        )
        offset += len(body)
    return b"".join([head, *table, bytes(k.SIGNATURE_SIZE), *sections])


def with_bundle_signature(unsigned: bytes, signature: bytes) -> bytes:
    """Put the signature of bytes [0, 220) in its place (bytes [220, 284))."""
    if len(signature) != k.SIGNATURE_SIZE:
        raise WireError("signature", f"expected {k.SIGNATURE_SIZE} bytes")
    return unsigned[: k.BUNDLE_SIGNED_SIZE] + signature + unsigned[k.BUNDLE_HEADER_SIZE :]


# -- upload batches (9.1) ---------------------------------------------------------------------


def decode_upload(body: bytes) -> dict[str, Any]:
    """An upload batch as ``protocol.records.decode_record("upload_batch", body)`` gives it.

    Each lock event record also carries ``raw``: the event's 36 bytes as
    received (its MAC covers the first 20 of them). Raises WireError for
    anything the reference decoder would refuse.
    """
    if len(body) < k.UPLOAD_BATCH_HEADER_SIZE:
        raise WireError(
            "upload_batch", f"{len(body)} bytes, a batch has at least {k.UPLOAD_BATCH_HEADER_SIZE}"
        )
    magic, record_format, flags, count, station_id, first_index, epoch = _UPLOAD_HEAD.unpack_from(
        body
    )
    if magic != k.MAGIC_UPLOAD_BATCH:
        raise WireError("upload_batch.magic", f"expected {k.MAGIC_UPLOAD_BATCH!r}")
    if record_format != k.RECORD_FORMAT:
        raise WireError("upload_batch.format", f"must be {k.RECORD_FORMAT}")
    records: list[dict[str, Any]] = []
    offset = k.UPLOAD_BATCH_HEADER_SIZE
    size = len(body)
    for index in range(count):
        if offset + 2 > size:
            raise WireError(f"upload_batch.records[{index}]", "cut short")
        kind, length = _RECORD_HEAD.unpack_from(body, offset)
        if kind == k.OutboxKind.LOCK_EVENT and length == k.LOCK_EVENT_LENGTH:
            if offset + _LOCK_RECORD.size > size:
                raise WireError(f"upload_batch.records[{index}]", "cut short")
            _, _, event_format, outcome, version, lock_id, key_id, time, lock_seq, mac, received = (
                _LOCK_RECORD.unpack_from(body, offset)
            )
            if event_format != k.RECORD_FORMAT:
                raise WireError(f"upload_batch.records[{index}].event.format", "must be 1")
            raw = body[offset + 2 : offset + 2 + k.AUDIT_EVENT_SIZE]
            records.append(
                {
                    "kind": kind,
                    "event": {
                        "format": event_format,
                        "outcome": outcome,
                        "blocklist_version": version,
                        "lock_id": lock_id,
                        "key_id": key_id,
                        "time": time,
                        "lock_seq": lock_seq,
                        "mac": mac,
                    },
                    "received_at": received,
                    "raw": raw,
                }
            )
            offset += _LOCK_RECORD.size
        elif kind == k.OutboxKind.STATION_EVENT and length == k.STATION_EVENT_LENGTH:
            if offset + _STATION_RECORD.size > size:
                raise WireError(f"upload_batch.records[{index}]", "cut short")
            _, _, key_id, time, reason, detail = _STATION_RECORD.unpack_from(body, offset)
            records.append(
                {"kind": kind, "key_id": key_id, "time": time, "reason": reason, "detail": detail}
            )
            offset += _STATION_RECORD.size
        else:
            raise WireError(f"upload_batch.records[{index}]", f"kind {kind}, length {length}")
    if offset != size:
        raise WireError("upload_batch", f"{size - offset} bytes after the records")
    return {
        "format": record_format,
        "flags": flags,
        "station_id": station_id,
        "first_index": first_index,
        "outbox_epoch": epoch,
        "records": records,
    }
