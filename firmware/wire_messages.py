"""Messages (SPEC.md 3): the 8-byte header around a payload, and the error detail payload.

Mirrors the header and error half of ``protocol/messages.py``; the payloads
are ``firmware.payloads``. (``firmware.messages`` is the display text
catalogue, not the wire.) ``encode_message``/``decode_message`` keep the
payload as bytes; anything malformed raises ``CodecError``.
"""

import struct

from firmware.protocol_constants import (
    FLAG_ERROR,
    FLAG_RESPONSE,
    HEADER_SIZE,
    MAX_ERROR_TEXT,
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
)
from firmware.wire_fields import (
    CodecError,
    check_bytes,
    check_int,
    decode_text,
    encode_text,
    guard,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.wire_fields import Buf, Fields  # read under TYPE_CHECKING only


_HEADER = "<BBHBBH"  # version, type, seq, flags, status, length
_DETAIL = "<I"
_DETAIL_SIZE = struct.calcsize(_DETAIL)


def encode_message(
    msg_type: int, seq: int, payload: "Buf", response: bool = False, status: int = 0
) -> bytes:
    """Header (version 1, flags from ``response`` and ``status``, length) + payload."""
    return guard(_encode_message, (msg_type, seq, payload, response, status), "header")


def _encode_message(msg_type: int, seq: int, payload: "Buf", response: bool, status: int) -> bytes:
    if not isinstance(response, bool):
        raise CodecError("header.flags", "response must be a bool")
    status = check_int(status, "B", "header.status")
    if status and not response:
        raise CodecError("header.status", "a request carries status 0")
    payload = check_bytes(payload, None, "payload")
    if len(payload) > MAX_PAYLOAD:
        raise CodecError("payload", "longer than %d bytes" % MAX_PAYLOAD)
    flags = (FLAG_RESPONSE if response else 0) | (FLAG_ERROR if status else 0)
    return (
        struct.pack(
            _HEADER,
            PROTOCOL_VERSION,
            check_int(msg_type, "B", "header.type"),
            check_int(seq, "H", "header.seq"),
            flags,
            status,
            len(payload),
        )
        + payload
    )


def decode_message(body: "Buf") -> "Fields":
    """{version, type, seq, flags, status, payload}; unknown versions and types are the caller's."""
    return guard(_decode_message, (body,), "header")


def _decode_message(body: "Buf") -> "Fields":
    check_bytes(body, None, "body")
    if len(body) < HEADER_SIZE:
        raise CodecError("header", "shorter than %d bytes" % HEADER_SIZE)
    version, msg_type, seq, flags, status, length = struct.unpack_from(_HEADER, body, 0)
    if length != len(body) - HEADER_SIZE:
        raise CodecError("header.length", "says %d, %d follow" % (length, len(body) - HEADER_SIZE))
    if length > MAX_PAYLOAD:
        raise CodecError("header.length", "over %d bytes" % MAX_PAYLOAD)
    return {
        "version": version,
        "type": msg_type,
        "seq": seq,
        "flags": flags,
        "status": status,
        "payload": bytes(memoryview(body)[HEADER_SIZE:]),
    }


def encode_error(detail: int, text: str = "") -> bytes:
    """Error detail payload: u32 detail, then 0-64 bytes of UTF-8 text."""
    return guard(_encode_error, (detail, text), "text")


def _encode_error(detail: int, text: str) -> bytes:
    raw = encode_text(text, "text")
    if len(raw) > MAX_ERROR_TEXT:
        raise CodecError("text", "longer than %d bytes" % MAX_ERROR_TEXT)
    return struct.pack(_DETAIL, check_int(detail, "I", "detail")) + raw


def decode_error(data: "Buf") -> "Fields":
    """{detail, text} of an error response's payload."""
    return guard(_decode_error, (data,), "detail")


def _decode_error(data: "Buf") -> "Fields":
    check_bytes(data, None, "data")
    if len(data) < _DETAIL_SIZE:
        raise CodecError("detail", "truncated")
    if len(data) > _DETAIL_SIZE + MAX_ERROR_TEXT:
        raise CodecError("text", "longer than %d bytes" % MAX_ERROR_TEXT)
    detail = struct.unpack_from(_DETAIL, data, 0)[0]
    return {"detail": detail, "text": decode_text(memoryview(data)[_DETAIL_SIZE:], "text")}
