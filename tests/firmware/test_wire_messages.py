"""firmware.wire_messages: the message header (SPEC.md 3) and the error detail, byte by byte.

Portable: runs under MicroPython (tests/micropython_runner.py) and pytest.
"""

from firmware.wire_messages import decode_error, decode_message, encode_error, encode_message
from tests.firmware.wire_samples import (
    fails,
    unhex,
)

# --- 3 message header ----------------------------------------------------------------------------


def test_message_header_golden():
    payload = unhex("78563412 01 00 0002 4d000000")
    body = encode_message(0x01, 0x1234, payload)
    # 3: version 1, type, seq u16, flags, status, length u16
    assert body == unhex("01 01 3412 00 00 0c00") + payload
    assert decode_message(body) == {
        "version": 1,
        "type": 1,
        "seq": 0x1234,
        "flags": 0,
        "status": 0,
        "payload": payload,
    }
    ok = encode_message(0x01, 0x1234, b"", response=True)
    assert ok == unhex("01 01 3412 01 00 0000")
    detail = encode_error(504, "have")
    assert detail == unhex("f8010000") + b"have"
    err = encode_message(0x11, 7, detail, True, 5)
    assert err == unhex("01 11 0700 03 05 0800") + detail  # RESPONSE | ERROR, OUT_OF_ORDER
    assert decode_error(decode_message(err)["payload"]) == {
        "detail": 504,
        "text": "have",
    }


def test_message_header_malformed():
    fails("header", decode_message, b"\x01\x01\x00\x00\x00\x00\x00")
    fails("header.length", decode_message, unhex("01 01 0000 00 00 0100"))
    fails("header.length", decode_message, unhex("01 01 0000 00 00 0000 00"))
    fails("header.seq", encode_message, 1, 65536, b"")
    fails("header.type", encode_message, 256, 0, b"")
    # unknown versions and types are the caller's to answer (3), not the decoder's
    assert decode_message(unhex("07 99 0100 00 00 0000"))["version"] == 7


def test_error_detail():
    assert decode_error(unhex("02000000")) == {"detail": 2, "text": ""}
    assert encode_error(1, "x" * 64)
    fails("text", encode_error, 1, "x" * 65)
    fails("text", decode_error, unhex("01000000") + b"x" * 65)
    fails("detail", decode_error, b"\x01\x00")
    fails("text", decode_error, unhex("01000000 c3"))
