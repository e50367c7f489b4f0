"""firmware/framing.py: CRC-32, COBS and the frame decoder's resync rules (SPEC.md section 2).

Portable: runs under MicroPython (tests/micropython_runner.py) and pytest.
"""

import struct

from firmware.framing import (
    CobsError,
    FrameDecoder,
    cobs_decode,
    cobs_encode,
    crc32,
    crc32_table,
    encode_frame,
)


def _raises(exc_type, func, *args):
    try:
        func(*args)
    except exc_type:
        return
    raise AssertionError("%s not raised" % exc_type.__name__)


def _body(n, seed=1):
    """A message-like body of n bytes with zeros sprinkled in."""
    out = bytearray(n)
    x = seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = 0 if x % 7 == 0 else (x >> 8) & 0xFF
    return bytes(out)


# --- CRC-32/ISO-HDLC (SPEC.md 2: check value 0xCBF43926 of b"123456789") -----


def test_crc32_check_value():
    assert crc32(b"123456789") == 0xCBF43926


def test_crc32_table_check_value():
    assert crc32_table(b"123456789") == 0xCBF43926


def test_crc32_empty_and_incremental():
    assert crc32(b"") == 0
    assert crc32_table(b"") == 0
    assert crc32(b"56789", crc32(b"1234")) == 0xCBF43926
    assert crc32_table(b"56789", crc32_table(b"1234")) == 0xCBF43926


def test_crc32_table_matches_crc32():
    for n in (1, 7, 64, 300):
        data = _body(n, n)
        assert crc32_table(data) == crc32(data)


# --- COBS: the "Encoding examples" table of Wikipedia's "Consistent Overhead Byte
# Stuffing" article, which follows Cheshire and Baker, "Consistent Overhead Byte
# Stuffing", IEEE/ACM Transactions on Networking 7(2), 1999. The table shows the
# encoded block followed by the 0x00 delimiter; cobs_encode returns the block only.

_COBS_EXAMPLES = (
    (b"\x00", b"\x01\x01"),  # example 1
    (b"\x00\x00", b"\x01\x01\x01"),  # example 2
    (b"\x00\x11\x00", b"\x01\x02\x11\x01"),  # example 3
    (b"\x11\x22\x00\x33", b"\x03\x11\x22\x02\x33"),  # example 4
    (b"\x11\x22\x33\x44", b"\x05\x11\x22\x33\x44"),  # example 5
    (b"\x11\x00\x00\x00", b"\x02\x11\x01\x01\x01"),  # example 6
    (bytes(range(1, 255)), b"\xff" + bytes(range(1, 255))),  # example 7: 01..FE
    (bytes(range(0, 255)), b"\x01\xff" + bytes(range(1, 255))),  # example 8: 00..FE
    (bytes(range(1, 256)), b"\xff" + bytes(range(1, 255)) + b"\x02\xff"),  # example 9: 01..FF
    (bytes(range(2, 256)) + b"\x00", b"\xff" + bytes(range(2, 256)) + b"\x01\x01"),  # example 10
    (bytes(range(3, 256)) + b"\x00\x01", b"\xfe" + bytes(range(3, 256)) + b"\x02\x01"),  # 11
)


def test_cobs_published_examples_encode():
    for raw, encoded in _COBS_EXAMPLES:
        assert cobs_encode(raw) == encoded, raw


def test_cobs_published_examples_decode():
    for raw, encoded in _COBS_EXAMPLES:
        assert cobs_decode(encoded) == raw, encoded


def test_cobs_empty():
    assert cobs_encode(b"") == b"\x01"
    assert cobs_decode(b"\x01") == b""
    assert cobs_decode(b"") == b""


def test_cobs_round_trip_lengths():
    for n in (1, 2, 253, 254, 255, 256, 507, 508, 509, 524, 600):
        for data in (_body(n, n), bytes(n), b"\x01" * n):
            encoded = cobs_encode(data)
            assert b"\x00" not in encoded
            assert len(encoded) <= n + 1 + n // 254
            assert cobs_decode(encoded) == data


def test_cobs_decode_errors():
    _raises(CobsError, cobs_decode, b"\x03\x01")  # block runs past the end
    _raises(CobsError, cobs_decode, b"\x02\x00")  # zero inside a block
    _raises(CobsError, cobs_decode, b"\x00")  # zero code byte
    _raises(CobsError, cobs_decode, b"\x02\x11\x05\x01")
    _raises(ValueError, cobs_decode, b"\xff\x01")  # CobsError is a ValueError


# --- frames ------------------------------------------------------------------------


def test_encode_frame_layout():
    body = b"\x01\x01\x00\x00\x00\x00\x00\x00"  # a header: HELLO, seq 0, empty payload
    frame = encode_frame(body)
    assert frame[-1:] == b"\x00"
    assert b"\x00" not in frame[:-1]
    decoded = cobs_decode(frame[:-1])
    assert decoded[:-4] == body
    assert struct.unpack("<I", decoded[-4:])[0] == crc32(body)


def test_frame_overhead_matches_spec():
    # SPEC.md 2: 14 bytes over the payload up to 241 bytes of payload, 16 at 512.
    for payload in (0, 1, 100, 241):
        body = b"\x01" * (8 + payload)
        assert len(encode_frame(body)) - payload == 14
    body = b"\x01" * 520
    assert len(encode_frame(body)) - 512 == 16
    assert len(encode_frame(body)) - 1 <= 528  # the largest encoded frame fits the limit


def test_encode_frame_size_limits():
    _raises(ValueError, encode_frame, b"\x01" * 7)
    _raises(ValueError, encode_frame, b"\x01" * 521)
    assert encode_frame(b"\x01" * 8)
    assert encode_frame(b"\x01" * 520)


def test_decoder_one_frame_and_split_feeds():
    body = _body(100)
    frame = encode_frame(body)
    dec = FrameDecoder()
    assert dec.feed(frame) == [body]
    for i in range(len(frame)):
        assert dec.feed(frame[i : i + 1]) == ([body] if i == len(frame) - 1 else [])
    assert dec.crc_errors == 0 and dec.overlong == 0


def test_decoder_several_frames_in_one_chunk():
    bodies = [_body(8, 1), _body(520, 2), _body(33, 3)]
    stream = b"".join(encode_frame(b) for b in bodies)
    dec = FrameDecoder()
    assert dec.feed(stream) == bodies
    assert dec.feed(bytearray(stream)) == bodies
    assert dec.feed(memoryview(stream)) == bodies


def test_decoder_ignores_empty_collections():
    body = _body(20)
    dec = FrameDecoder()
    assert dec.feed(b"\x00\x00\x00" + encode_frame(body) + b"\x00") == [body]
    assert dec.crc_errors == 0 and dec.overlong == 0


def test_decoder_noise_costs_only_the_touched_frame():
    a, b = _body(30, 4), _body(40, 5)
    dec = FrameDecoder()
    # noise without a delimiter joins the next frame's collection: that frame is lost
    assert dec.feed(b"\x13\x37" + encode_frame(a) + encode_frame(b)) == [b]
    assert dec.crc_errors == 1
    # a sender's extra leading 0x00 flushes the noise (SPEC.md 2)
    dec = FrameDecoder()
    assert dec.feed(b"\x13\x37" + b"\x00" + encode_frame(a)) == [a]
    assert dec.crc_errors == 1  # the noise itself was one bad collection


def test_decoder_crc_mismatch():
    body = _body(50)
    raw = bytearray(body + struct.pack("<I", crc32(body)))
    raw[10] ^= 0x40
    dec = FrameDecoder()
    assert dec.feed(cobs_encode(raw) + b"\x00") == []
    assert dec.crc_errors == 1
    assert dec.feed(encode_frame(body)) == [body]


def test_decoder_short_frame_is_a_crc_error():
    # 11 decoded bytes (under header + CRC): discarded even with a correct CRC
    body = b"\x01" * 7
    dec = FrameDecoder()
    assert dec.feed(cobs_encode(body + struct.pack("<I", crc32(body))) + b"\x00") == []
    assert dec.crc_errors == 1


def test_decoder_drops_a_body_over_520_bytes_with_a_correct_crc():
    # SPEC.md 2 rule 3: a header and a 513-byte payload (521 bytes) still fits the
    # 528-byte collection, but is discarded, not delivered
    body = _body(8 + 513, 5)
    block = cobs_encode(body + struct.pack("<I", crc32(body)))
    assert len(block) <= 528
    dec = FrameDecoder()
    assert dec.feed(block + b"\x00") == []
    assert dec.crc_errors == 1 and dec.overlong == 0 and dec.frames == 0
    largest = _body(520, 5)
    assert dec.feed(encode_frame(largest)) == [largest]


def test_decoder_cobs_error_is_a_crc_error():
    dec = FrameDecoder()
    assert dec.feed(b"\x09\x01\x02\x00") == []
    assert dec.crc_errors == 1 and dec.overlong == 0


def test_decoder_overlong_skips_to_next_delimiter():
    body = _body(60)
    dec = FrameDecoder()
    assert dec.feed(b"\x05" * 529) == []
    assert dec.overlong == 1
    assert dec.feed(b"\x05" * 1000) == []  # still the same collection: counted once
    assert dec.overlong == 1
    assert dec.feed(b"\x00" + encode_frame(body)) == [body]
    assert dec.crc_errors == 0 and dec.overlong == 1


def test_decoder_overlong_in_one_chunk():
    body = _body(60)
    dec = FrameDecoder()
    assert dec.feed(b"\x05" * 2000 + b"\x00" + encode_frame(body)) == [body]
    assert dec.overlong == 1 and dec.crc_errors == 0


def test_decoder_528_is_not_overlong_529_is():
    dec = FrameDecoder()
    assert dec.feed(b"\x02" * 528 + b"\x00") == []
    assert dec.overlong == 0 and dec.crc_errors == 1
    assert dec.feed(b"\x02" * 529 + b"\x00") == []
    assert dec.overlong == 1 and dec.crc_errors == 1


def test_decoder_reset_drops_partial_frame():
    body = _body(30)
    frame = encode_frame(body)
    dec = FrameDecoder()
    assert dec.feed(frame[:10]) == []
    dec.reset()
    assert dec.feed(frame) == [body]
    assert dec.crc_errors == 0


# --- protocol/vectors/framing.json: the golden vectors that are part of SPEC.md --------------


def _framing_vectors():
    import json
    from binascii import unhexlify

    parts = __file__.split("/")
    root = "/".join(parts[:-3]) or "."
    with open(root + "/protocol/vectors/framing.json") as f:
        doc = json.load(f)
    out = []
    for vector in doc["vectors"]:
        fields = vector.get("fields", {})
        value = fields.get("crc32", fields.get("data", fields.get("body")))
        if isinstance(value, str):
            value = unhexlify(value)
        out.append(
            (vector["kind"], vector["name"], unhexlify(vector["hex"]), value, "fields" in vector)
        )
    return out


def test_golden_framing_vectors():
    vectors = _framing_vectors()
    assert len(vectors) >= 15
    for kind, name, data, value, valid in vectors:
        if kind == "crc32":
            assert crc32(data) == value, name
            assert crc32_table(data) == value, name
        elif kind == "cobs" and valid:
            assert cobs_encode(value) == data, name
            assert cobs_decode(data) == value, name
        elif kind == "cobs":
            _raises(CobsError, cobs_decode, data)
        elif kind == "frame" and valid:
            assert encode_frame(value) == data, name
            assert FrameDecoder().feed(data) == [value], name
        elif kind == "frame":
            dec = FrameDecoder()
            assert dec.feed(data) == [], name
            assert dec.crc_errors + dec.overlong > 0, name
        else:
            raise AssertionError("unknown vector kind " + kind)
