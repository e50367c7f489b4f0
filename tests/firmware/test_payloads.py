"""firmware.payloads against payloads written out by hand from SPEC.md 5-7.

Malformed inputs must raise CodecError naming the field at fault.

Portable: runs under MicroPython (tests/micropython_runner.py) and pytest.
"""

from firmware.payloads import decode_payload, encode_payload
from firmware.wire_fields import CodecError
from firmware.wire_messages import decode_message, encode_message
from tests.firmware.wire_samples import (
    EVENT,
    EVENT_BYTES,
    PAYLOADS,
    STATION_RECORD,
    STATION_RECORD_BYTES,
    fails,
    unhex,
)


def test_payload_sizes_match_spec():
    sizes = {
        (0x01, False): 12,
        (0x01, True): 40,
        (0x30, True): 16,
        (0x40, True): 52,
        (0x41, True): 56,
        (0x42, True): 28,
    }
    for msg_type, response, _fields, data in PAYLOADS:
        if (msg_type, response) in sizes:
            assert len(data) == sizes[(msg_type, response)], hex(msg_type)


def test_payloads_golden():
    seen = set()
    for msg_type, response, fields, data in PAYLOADS:
        seen.add((msg_type, response))
        assert encode_payload(msg_type, response, fields) == data, (hex(msg_type), response)
        assert decode_payload(msg_type, response, data) == fields, (hex(msg_type), response)
    for msg_type in (
        1,
        2,
        3,
        0x10,
        0x11,
        0x12,
        0x13,
        0x14,
        0x20,
        0x21,
        0x30,
        0x40,
        0x41,
        0x42,
        0x43,
        0x44,
        0x45,
        0x46,
        0x50,
        0x51,
        0x52,
    ):
        assert (msg_type, False) in seen and (msg_type, True) in seen, hex(msg_type)


def test_payloads_reject_trailing_and_short():
    for msg_type, response, _fields, data in PAYLOADS:
        if msg_type in (0x11, 0x14, 0x44) and (response or msg_type == 0x11):
            continue  # these end in free-length data or text
        if msg_type == 0x12 and response:
            continue
        try:
            decode_payload(msg_type, response, data + b"\x00")
        except CodecError:
            pass
        else:
            raise AssertionError("trailing byte accepted for %s %s" % (hex(msg_type), response))
        if data:
            try:
                decode_payload(msg_type, response, data[:-1])
            except CodecError:
                pass
            else:
                raise AssertionError("short payload accepted for %s %s" % (hex(msg_type), response))


def test_payload_malformed_fields():
    hello = unhex("78563412 01 00 0002 4d000000")
    fails("peer_id", decode_payload, 0x01, False, hello[:11])
    fails("length", decode_payload, 0x01, False, hello + b"\x00")
    fails("data", decode_payload, 0x11, False, unhex("02 000000 f8010000"))  # OBJ_WRITE n >= 1
    fails("data", encode_payload, 0x11, False, {"obj": 2, "offset": 0, "data": b""})
    fails("length", decode_payload, 0x12, True, b"\x01\x00")
    fails("event.format", decode_payload, 0x21, False, b"\x00" + EVENT_BYTES[1:])
    fails("event.mac", encode_payload, 0x21, False, {"event": dict(EVENT, mac=b"")})
    fails("event", encode_payload, 0x21, False, {})
    fails("checks[1]", decode_payload, 0x46, True, unhex("02 0100 05"))
    fails("length", decode_payload, 0x46, True, unhex("01 0100 05"))
    fails(
        "checks[0].status",
        encode_payload,
        0x46,
        True,
        {"checks": [{"check": 1, "status": 256}]},
    )
    fails("token", encode_payload, 0x52, False, {"token": b"\x00" * 99})
    fails(
        "role",
        encode_payload,
        0x01,
        False,
        {"time": 0, "role": 256, "max_payload": 0, "peer_id": 0},
    )
    fails(
        "time",
        encode_payload,
        0x01,
        False,
        {"time": -1, "role": 1, "max_payload": 0, "peer_id": 0},
    )
    fails("peer_id", encode_payload, 0x01, False, {"time": 0, "role": 1, "max_payload": 0})
    fails("temperature_c", encode_payload, 0x30, True, dict(PAYLOADS[23][2], temperature_c=128))
    fails("type", decode_payload, 0x99, False, b"")
    fails("type", encode_payload, 0x60, True, {})
    fails(
        "records[0].kind",
        decode_payload,
        0x45,
        True,
        unhex("01000000 05000000 0100 0000 0310") + bytes(16),
    )
    fails(
        "records[1].kind",
        decode_payload,
        0x45,
        True,
        unhex("02000000 05000000 0200 0000") + STATION_RECORD_BYTES,
    )


def test_text_is_strict_utf8():
    head = unhex("0a000000 0c000000")
    for good in ("", "plain", "åäö", "€", "\U0001f600"):
        assert decode_payload(0x44, True, head + good.encode())["text"] == good
    for bad in (
        b"\xc0\x80",  # overlong NUL
        b"\xe0\x80\x80",  # overlong
        b"\xed\xa0\x80",  # a UTF-16 surrogate
        b"\xf4\x90\x80\x80",  # above U+10FFFF
        b"\xf5\x80\x80\x80",
        b"\xe2\x82",  # truncated
        b"a\x80",  # stray continuation byte
        b"\xff",
    ):
        fails("text", decode_payload, 0x44, True, head + bad)


def test_payload_size_limits():
    # a payload is at most 512 bytes (1, 2): OBJ_WRITE carries 1..504 bytes of data,
    # an OBJ_READ answer 0..508, a log tail 504 bytes of text
    head = unhex("02 000000 00000000")
    assert decode_payload(0x11, False, head + b"\x01" * 504)["data"] == b"\x01" * 504
    fails("length", decode_payload, 0x11, False, head + b"\x01" * 505)
    fails("data", encode_payload, 0x11, False, {"obj": 2, "offset": 0, "data": b"\x01" * 505})
    assert len(encode_payload(0x14, True, {"offset": 0, "data": bytes(508)})) == 512
    fails("data", encode_payload, 0x14, True, {"offset": 0, "data": bytes(509)})
    fails("length", decode_payload, 0x14, True, bytes(513))
    assert encode_payload(0x44, True, {"first_seq": 0, "next_seq": 0, "text": "x" * 504})
    fails("text", encode_payload, 0x44, True, {"first_seq": 0, "next_seq": 0, "text": "x" * 505})
    records = [STATION_RECORD] * 29  # 12 + 29 * 18 = 534 bytes
    fails(
        "length",
        encode_payload,
        0x45,
        True,
        {"total": 0, "first_index": 0, "records": records},
    )
    # header (3): at most 512 bytes of payload; status only in responses
    assert len(encode_message(0x11, 1, bytes(512))) == 520
    fails("payload", encode_message, 0x11, 1, bytes(513))
    fails("header.length", decode_message, unhex("01 11 0100 00 00 0102") + bytes(513))
    fails("header.status", encode_message, 0x11, 1, b"", False, 3)
    fails("header.flags", encode_message, 0x11, 1, b"", 1)
