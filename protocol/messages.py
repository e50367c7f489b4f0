"""Messages: the 8-byte header (SPEC.md 3), every payload of sections 5–7, and
the error detail.

A message is header + payload (`MESSAGE`). `encode_message`/`decode_message`
handle the header and keep the payload as bytes; `encode_payload`/`decode_payload`
translate a payload to and from its dict, chosen by message type and
direction. Field paths in errors read like ``"obj_write.request.data"``.
"""

from __future__ import annotations

from typing import Any

import construct as c

from protocol import constants as k
from protocol._construct import (
    I8,
    U8,
    U16,
    U32,
    CountOf,
    Data,
    EmptyOr,
    FixedBytes,
    Items,
    LengthOf,
    Magic,
    Record,
    SizedData,
    Text,
    build,
    parse_exact,
)
from protocol.constants import MsgType
from protocol.errors import ProtocolError
from protocol.record_layouts import AUDIT_EVENT, OUTBOX_RECORD

_HEADER_FIELDS = (
    "version" / U8,
    "type" / U8,
    "seq" / U16,
    "flags" / U8,
    "status" / U8,
)

# The 8-byte header alone, `length` included (SPEC.md section 3's table).
HEADER = Record(*_HEADER_FIELDS, "length" / U16)

# A whole message: the header, then exactly `length` bytes of payload.
MESSAGE = Record(
    *_HEADER_FIELDS,
    "_length" / LengthOf(U16, "payload"),
    "payload" / SizedData(lambda ctx: ctx._length, k.MAX_PAYLOAD),
)

ERROR_DETAIL = Record(
    "detail" / U32,
    "text" / Text(k.MAX_ERROR_TEXT),
)

EMPTY = Record()

HELLO = Record(
    "time" / U32,
    "role" / U8,
    c.Padding(1),
    "max_payload" / U16,
    "peer_id" / U32,
)

KEY_INFO = Record(
    "key_id" / U32,
    "firmware" / U16,
    "max_payload" / U16,
    "active_slot" / U8,
    "slot_a" / U8,
    "slot_b" / U8,
    "battery" / U8,
    "set_serial" / U32,
    "valid_from" / U32,
    "valid_until" / U32,
    "lock_count" / U16,
    "audit_count" / U16,
    "audit_capacity" / U16,
    "last_error" / U8,
    "flags" / U8,
    "blocklist_version" / U32,
    "audit_next_seq" / U32,
)

DIAG = Record(
    "uptime_s" / U32,
    "write_cycles" / U32,
    "battery_mv" / U16,
    "temperature_c" / I8,
    "last_error" / U8,
    "crc_errors" / U16,
    c.Padding(2),
)

STATION_STATUS = Record(
    "station_id" / U32,
    "unit_id" / U32,
    "firmware" / U16,
    "online" / U8,
    "last_error" / U8,
    "clock" / U32,
    "bundle_serial" / U32,
    "bundle_issued" / U32,
    "offline_until" / U32,
    "outbox_records" / U32,
    "outbox_bytes" / U32,
    "flash_free" / U32,
    "last_upload" / U32,
    "uptime_s" / U32,
    "crc_errors" / U16,
    "key_present" / U8,
    "flags" / U8,
)

CACHE_INFO = Record(
    "bundle_serial" / U32,
    "bundle_size" / U32,
    "header_sha256" / FixedBytes(k.SHA256_SIZE),
    "keys" / U16,
    "lock_lists" / U16,
    "days" / U16,
    c.Padding(2),
    "blocklist_version" / U32,
    "day0_start" / U32,
)

OUTBOX_INFO = Record(
    "records" / U32,
    "bytes" / U32,
    "capacity_bytes" / U32,
    "oldest_time" / U32,
    "next_index" / U32,
    "last_ack_time" / U32,
    "full" / U8,
    c.Padding(3),
)


SELFTEST_ENTRY = Record("check" / U8, "status" / U8)


def _obj(*rest: c.Construct[Any, Any]) -> Record:
    """An object-transfer request: `u8 obj`, 3 reserved bytes, then `rest`."""
    return Record("obj" / U8, c.Padding(3), *rest)


_TOKEN = "token" / FixedBytes(k.SERVICE_TOKEN_SIZE)

# (message type, is response) -> payload layout.
PAYLOADS: dict[tuple[MsgType, bool], c.Construct[Any, Any]] = {
    (MsgType.HELLO, False): HELLO,
    (MsgType.HELLO, True): KEY_INFO,
    (MsgType.CHALLENGE, False): Record("nonce" / FixedBytes(k.NONCE_SIZE)),
    (MsgType.CHALLENGE, True): Record("signature" / FixedBytes(k.SIGNATURE_SIZE)),
    (MsgType.SET_BAUD, False): Record("baud" / U32),
    (MsgType.SET_BAUD, True): EMPTY,
    (MsgType.PIN_PROOF, False): Record("derived" / FixedBytes(k.PIN_DERIVED_SIZE)),
    (MsgType.PIN_PROOF, True): Record("proof" / FixedBytes(k.PIN_PROOF_SIZE)),
    (MsgType.OBJ_BEGIN, False): _obj("size" / U32, "sha256" / FixedBytes(k.SHA256_SIZE)),
    (MsgType.OBJ_BEGIN, True): Record("have" / U32),
    (MsgType.OBJ_WRITE, False): _obj("offset" / U32, "data" / Data(1, k.MAX_CHUNK)),
    (MsgType.OBJ_WRITE, True): Record("have" / U32),
    (MsgType.OBJ_COMMIT, False): _obj("sha256" / FixedBytes(k.SHA256_SIZE)),
    (MsgType.OBJ_COMMIT, True): EmptyOr(Record("active_slot" / U8)),
    (MsgType.OBJ_STAT, False): _obj(),
    (MsgType.OBJ_STAT, True): Record("size" / U32, "sha256" / FixedBytes(k.SHA256_SIZE)),
    (MsgType.OBJ_READ, False): Record("obj" / U8, c.Padding(1), "max_len" / U16, "offset" / U32),
    (MsgType.OBJ_READ, True): Record("offset" / U32, "data" / Data(0, k.MAX_PAYLOAD - 4)),
    (MsgType.AUDIT_ACK, False): Record("through_seq" / U32),
    (MsgType.AUDIT_ACK, True): Record("remaining" / U16),
    (MsgType.AUDIT_APPEND, False): Record("event" / AUDIT_EVENT),
    (MsgType.AUDIT_APPEND, True): Record("count" / U16),
    (MsgType.DIAG, False): EMPTY,
    (MsgType.DIAG, True): DIAG,
    (MsgType.SVC_STATUS, False): EMPTY,
    (MsgType.SVC_STATUS, True): STATION_STATUS,
    (MsgType.SVC_CACHE_INFO, False): EMPTY,
    (MsgType.SVC_CACHE_INFO, True): CACHE_INFO,
    (MsgType.SVC_OUTBOX_INFO, False): EMPTY,
    (MsgType.SVC_OUTBOX_INFO, True): OUTBOX_INFO,
    (MsgType.SVC_KEY_INFO, False): EMPTY,
    (MsgType.SVC_KEY_INFO, True): KEY_INFO,
    (MsgType.SVC_LOG_TAIL, False): Record("from_seq" / U32, "max_bytes" / U16, c.Padding(2)),
    (MsgType.SVC_LOG_TAIL, True): Record(
        "first_seq" / U32, "next_seq" / U32, "text" / Text(k.MAX_PAYLOAD - 8)
    ),
    (MsgType.SVC_AUDIT_READ, False): Record("from_index" / U32, "max_records" / U16, c.Padding(2)),
    (MsgType.SVC_AUDIT_READ, True): Record(
        "total" / U32,
        "first_index" / U32,
        "_count" / CountOf(U16, "records"),
        c.Padding(2),
        "records" / Items(lambda ctx: ctx._count, OUTBOX_RECORD),
    ),
    (MsgType.SVC_SELFTEST, False): EMPTY,
    (MsgType.SVC_SELFTEST, True): Record(
        "_count" / CountOf(U8, "checks"),
        "checks" / Items(lambda ctx: ctx._count, SELFTEST_ENTRY),
    ),
    (MsgType.SVC_SET_CLOCK, False): Record(_TOKEN, "time" / U32),
    (MsgType.SVC_SET_CLOCK, True): EMPTY,
    (MsgType.SVC_CLEAR_OUTBOX, False): Record(_TOKEN, "through_index" / U32),
    (MsgType.SVC_CLEAR_OUTBOX, True): Record("removed" / U32),
    (MsgType.SVC_FACTORY_RESET, False): Record(_TOKEN),
    (MsgType.SVC_FACTORY_RESET, True): EMPTY,
    (MsgType.SVC_MAINTENANCE, False): Record(_TOKEN),
    (MsgType.SVC_MAINTENANCE, True): EMPTY,
}


def _int(value: object, lo: int, hi: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ProtocolError(field, f"expected an integer in {lo}..{hi}, got {value!r}")
    return int(value)


def _payload_bytes(payload: object, field: str) -> bytes:
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise ProtocolError(field, f"expected bytes, got {type(payload).__name__}")
    data = bytes(payload)
    if len(data) > k.MAX_PAYLOAD:
        raise ProtocolError(field, f"{len(data)} bytes, at most {k.MAX_PAYLOAD}")
    return data


def encode_message(
    msg_type: int, seq: int, payload: bytes, response: bool = False, status: int = 0
) -> bytes:
    """Header (version 1, flags from `response` and `status`) followed by `payload`."""
    msg_type = _int(msg_type, 0, 0xFF, "header.type")
    seq = _int(seq, 0, 0xFFFF, "header.seq")
    status = _int(status, 0, 0xFF, "header.status")
    if not isinstance(response, bool):
        raise ProtocolError("header.flags", f"response must be a bool, got {response!r}")
    if status and not response:
        raise ProtocolError("header.status", "a request carries status 0")
    data = _payload_bytes(payload, "payload")
    flags = (k.FLAG_RESPONSE if response else 0) | (k.FLAG_ERROR if status else 0)
    message = {
        "version": k.PROTOCOL_VERSION,
        "type": msg_type,
        "seq": seq,
        "flags": flags,
        "status": status,
        "payload": data,
    }
    return build(MESSAGE, message, "header")


def decode_message(body: Any) -> dict[str, Any]:
    """`{version, type, seq, flags, status, payload}` of one message body.

    Unknown versions and types are returned, not refused: the caller answers
    them as SPEC.md section 3 says.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise ProtocolError("header", f"expected bytes, got {type(body).__name__}")
    raw = bytes(body)
    if len(raw) < k.HEADER_SIZE:
        raise ProtocolError("header", f"{len(raw)} bytes, a header has {k.HEADER_SIZE}")
    length = parse_exact(HEADER, raw[: k.HEADER_SIZE], "header")["length"]
    follow = len(raw) - k.HEADER_SIZE
    if length != follow:
        raise ProtocolError("header.length", f"says {length}, {follow} bytes follow")
    if length > k.MAX_PAYLOAD:
        raise ProtocolError("header.length", f"{length}, at most {k.MAX_PAYLOAD}")
    fields: dict[str, Any] = parse_exact(MESSAGE, raw, "header")
    return fields


def _layout(msg_type: object, response: object) -> tuple[c.Construct[Any, Any], str]:
    if not isinstance(response, bool):
        raise ProtocolError("response", f"expected a bool, got {response!r}")
    if (
        isinstance(msg_type, bool)
        or not isinstance(msg_type, int)
        or (msg_type not in MsgType.__members__.values())
    ):
        raise ProtocolError("msg_type", f"no payload layout for message type {msg_type!r}")
    name = MsgType(msg_type).name.lower()
    return PAYLOADS[MsgType(msg_type), response], f"{name}.{'response' if response else 'request'}"


def encode_payload(msg_type: int, response: bool, fields: Any) -> bytes:
    """The payload of a (non-error) message of `msg_type` in the given direction."""
    layout, where = _layout(msg_type, response)
    data = build(layout, fields, where)
    if len(data) > k.MAX_PAYLOAD:
        raise ProtocolError(where, f"{len(data)} bytes, at most {k.MAX_PAYLOAD}")
    return data


def decode_payload(msg_type: int, response: bool, data: Any) -> dict[str, Any]:
    """The fields of a (non-error) payload; ProtocolError unless it matches its layout exactly."""
    layout, where = _layout(msg_type, response)
    fields: dict[str, Any] = parse_exact(layout, _payload_bytes(data, where), where)
    return fields


def encode_error(detail: int, text: str = "") -> bytes:
    """An error response's payload: `u32 detail` and up to 64 bytes of UTF-8 text."""
    return build(ERROR_DETAIL, {"detail": detail, "text": text}, "error")


def decode_error(data: Any) -> dict[str, Any]:
    """`{detail, text}` of an error response's payload."""
    fields: dict[str, Any] = parse_exact(ERROR_DETAIL, data, "error")
    return fields


# What a key signs to answer CHALLENGE (5.2).
CHALLENGE_SIGNED = Record(
    "_context" / Magic(k.AUTH_CONTEXT),
    "nonce" / FixedBytes(k.NONCE_SIZE),
    "role" / U8,
    "peer_id" / U32,
    "key_id" / U32,
)


def challenge_message(nonce: bytes, role: int, peer_id: int, key_id: int) -> bytes:
    """What a key signs to answer CHALLENGE (5.2)."""
    fields = {"nonce": nonce, "role": role, "peer_id": peer_id, "key_id": key_id}
    return build(CHALLENGE_SIGNED, fields, "challenge")
