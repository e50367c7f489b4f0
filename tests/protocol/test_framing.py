"""Framing (SPEC.md section 2): CRC and COBS against published values, and the
receiver's resynchronisation on damaged streams."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from cobs import cobs
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import constants as k
from protocol.errors import ProtocolError
from protocol.framing import (
    CRC_CHECK_INPUT,
    CRC_CHECK_VALUE,
    FRAME,
    FRAME_BLOCK,
    FrameDecoder,
    cobs_decode,
    cobs_encode,
    crc32,
    decode_frame,
    encode_frame,
)
from protocol.vectors import VECTOR_DIR


def test_crc_check_value() -> None:
    assert CRC_CHECK_INPUT == b"123456789"
    assert crc32(b"123456789") == CRC_CHECK_VALUE == 0xCBF43926


# Wikipedia, "Consistent Overhead Byte Stuffing", encoding examples 1-11.
COBS_EXAMPLES = [
    ("00", "0101"),
    ("0000", "010101"),
    ("001100", "01021101"),
    ("11220033", "0311220233"),
    ("11223344", "0511223344"),
    ("11000000", "0211010101"),
    (bytes(range(1, 255)).hex(), "ff" + bytes(range(1, 255)).hex()),
    (bytes(range(0, 255)).hex(), "01ff" + bytes(range(1, 255)).hex()),
    (bytes(range(1, 256)).hex(), "ff" + bytes(range(1, 255)).hex() + "02ff"),
    (bytes(range(2, 256)).hex() + "00", "ff" + bytes(range(2, 256)).hex() + "0101"),
    (bytes(range(3, 256)).hex() + "0001", "fe" + bytes(range(3, 256)).hex() + "0201"),
]


@pytest.mark.parametrize(("decoded", "encoded"), COBS_EXAMPLES, ids=lambda h: h[:12])
def test_cobs_published_examples(decoded: str, encoded: str) -> None:
    data, block = bytes.fromhex(decoded), bytes.fromhex(encoded)
    assert cobs.encode(data) == block  # the package agrees with the article
    assert cobs_encode(data) == block
    assert cobs_decode(block) == data


def test_framing_vectors_hold_the_published_examples() -> None:
    document = json.loads((VECTOR_DIR / "framing.json").read_text(encoding="utf-8"))
    pairs = {(v["fields"]["data"], v["hex"]) for v in document["vectors"] if v["kind"] == "cobs"}
    assert pairs == set(COBS_EXAMPLES)
    crcs = {v["hex"]: v["fields"]["crc32"] for v in document["vectors"] if v["kind"] == "crc32"}
    assert crcs[CRC_CHECK_INPUT.hex()] == CRC_CHECK_VALUE
    assert "Cheshire and Baker" in document["about"] and "Wikipedia" in document["about"]


def test_frame_construct() -> None:
    """FRAME (construct) is COBS(body || CRC-32 LE) || 0x00, and refuses by field."""
    body = bytes(range(1, 13))
    wire = FRAME.build(body)
    assert wire == cobs.encode(body + crc32(body).to_bytes(4, "little")) + b"\x00"
    assert wire == encode_frame(body)
    assert FRAME.parse(wire) == body
    assert FRAME_BLOCK.parse(wire[:-1]) == body
    flipped = wire[:3] + bytes([wire[3] ^ 0x10]) + wire[4:]
    for frame, field in [
        (flipped, "frame.crc"),
        (bytes.fromhex("0511223300"), "frame.cobs"),
        (bytes.fromhex("0311220100"), "frame"),  # decodes to 3 bytes: under 12
        (wire[:-1], "frame"),  # no delimiter
        (wire + wire, "frame"),  # two frames
    ]:
        with pytest.raises(ProtocolError) as caught:
            decode_frame(frame)
        assert caught.value.field == field, frame.hex()


def test_frame_limits() -> None:
    for size in (k.HEADER_SIZE, k.MAX_BODY):
        frame = encode_frame(b"\xff" * size)  # no zeros: the most COBS overhead
        assert len(frame) - 1 <= k.MAX_ENCODED_FRAME
        assert decode_frame(frame) == b"\xff" * size
    for size in (k.HEADER_SIZE - 1, k.MAX_BODY + 1):
        with pytest.raises(ProtocolError, match=r"frame\.body"):
            encode_frame(bytes(size))


def test_short_bad_and_empty_collections() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"\x00\x00\x00") == []  # empty collections: ignored, not counted
    assert decoder.crc_errors == 0
    assert decoder.feed(b"\x03\x11\x22\x00") == []  # decodes to 2 bytes, under 12
    assert decoder.feed(b"\x05\x11\x00") == []  # COBS error
    body = bytes(range(1, 13))
    frame = bytearray(encode_frame(body))
    frame[-2] ^= 0x80  # last CRC byte
    assert decoder.feed(bytes(frame)) == []
    assert (decoder.crc_errors, decoder.overlong, decoder.frames) == (3, 0, 0)
    assert decoder.feed(encode_frame(body)) == [body]
    assert decoder.frames == 1


def test_body_over_520_bytes_is_dropped_even_with_a_correct_crc() -> None:
    # SPEC.md 2 rule 3: 8 + 513 bytes fit the 528-byte collection but are discarded
    body = bytes([1, 0x40]) + b"\x11" * (k.MAX_BODY - 1)
    block = cobs_encode(body + crc32(body).to_bytes(4, "little"))
    assert len(block) <= k.MAX_ENCODED_FRAME
    decoder = FrameDecoder()
    assert decoder.feed(block + b"\x00") == []
    assert (decoder.crc_errors, decoder.overlong, decoder.frames) == (1, 0, 0)


def test_collection_limit_is_528_bytes() -> None:
    decoder = FrameDecoder()
    decoder.feed(b"\x01" * k.MAX_ENCODED_FRAME + b"\x00")
    assert (decoder.crc_errors, decoder.overlong) == (1, 0)
    decoder.feed(b"\x01" * (k.MAX_ENCODED_FRAME + 1) + b"\x00")
    assert (decoder.crc_errors, decoder.overlong) == (1, 1)


def test_overlong_garbage_is_bounded() -> None:
    decoder = FrameDecoder()
    for _ in range(200):
        assert decoder.feed(b"\x55" * 1000) == []
        assert decoder.pending <= k.MAX_ENCODED_FRAME
    assert decoder.overlong == 1  # one collection, however long
    body = b"\x01\x01\x00\x00\x00\x00\x00\x00"
    assert decoder.feed(b"\x00" + encode_frame(body)) == [body]
    assert (decoder.overlong, decoder.crc_errors) == (1, 0)


def test_byte_by_byte_feeding() -> None:
    bodies = [
        bytes([1, i % 256]) + bytes(6) + bytes(j % 256 for j in range(i)) for i in range(0, 512, 37)
    ]
    stream = b"".join(encode_frame(body) for body in bodies)
    decoder = FrameDecoder()
    got = [body for byte in stream for body in decoder.feed(bytes([byte]))]
    assert got == bodies


# ------------------------------------------------------ damaged streams


@dataclass
class Sent:
    start: int  # where the frame's COBS block starts in the stream
    end: int  # where its delimiter is
    body: bytes


@st.composite
def damaged_streams(draw: st.DrawFn, flush: bool = False) -> tuple[bytes, list[Sent]]:
    """A stream of frames, some damaged: noise between frames (sometimes ended by
    a flushing 0x00), bit flips, truncations (losing the delimiter), duplicates,
    and long runs of garbage. Returns the stream and the frames sent intact.
    With `flush`, the sender begins every frame with 0x00 (SPEC.md section 2)."""
    stream = bytearray()
    intact: list[Sent] = []
    bodies = draw(
        st.lists(st.binary(min_size=k.HEADER_SIZE, max_size=k.MAX_BODY), min_size=1, max_size=8)
    )
    for body in bodies:
        frame = b"\x00" + encode_frame(body) if flush else encode_frame(body)
        if flush:
            stream += draw(st.sampled_from([b"", b"", b"\x00"]))  # idle line or more flushes
        damage = draw(
            st.sampled_from(
                ["none", "none", "noise", "noise+flush", "flip", "truncate", "duplicate", "garbage"]
            )
        )
        if damage in ("noise", "noise+flush"):
            stream += draw(st.binary(min_size=1, max_size=40))
            if damage == "noise+flush":
                stream += b"\x00"
        elif damage == "garbage":
            stream += draw(
                st.binary(min_size=600, max_size=1200).map(
                    lambda noise: noise.replace(b"\x00", b"\x5a")
                )
            )
        if damage == "flip":
            at = draw(st.integers(0, len(frame) - 2))
            flipped = bytearray(frame)
            flipped[at] ^= 1 << draw(st.integers(0, 7))
            stream += flipped
            continue
        if damage == "truncate":
            stream += frame[: draw(st.integers(0, len(frame) - 2))]
            continue
        for _ in range(2 if damage == "duplicate" else 1):
            skip = 1 if flush else 0  # the Sent block starts after the flushing 0x00
            intact.append(Sent(len(stream) + skip, len(stream) + len(frame) - 1, body))
            stream += frame
    return bytes(stream), intact


def _expected(stream: bytes, intact: list[Sent]) -> tuple[list[bytes], int, int]:
    """What SPEC.md section 2 says a receiver delivers and counts for `stream`."""
    delivered = [s.body for s in intact if s.start == 0 or stream[s.start - 1] == 0]
    whole = {(s.start, s.end) for s in intact}
    crc_errors = overlong = 0
    start = 0
    for end in [i for i, byte in enumerate(stream) if byte == 0]:
        if end > start and (start, end) not in whole:
            if end - start > k.MAX_ENCODED_FRAME:
                overlong += 1
            else:
                crc_errors += 1
        start = end + 1
    if len(stream) - start > k.MAX_ENCODED_FRAME:
        overlong += 1  # counted as soon as it passes the limit, even without a 0x00
    return delivered, crc_errors, overlong


@settings(max_examples=150, deadline=None)
@given(sent=damaged_streams(), cuts=st.lists(st.integers(1, 700), max_size=20))
def test_damaged_streams_resynchronise(sent: tuple[bytes, list[Sent]], cuts: list[int]) -> None:
    stream, intact = sent
    decoder = FrameDecoder()
    got, position = [], 0
    for size in [*cuts, len(stream)]:  # feed in arbitrary pieces
        got += decoder.feed(stream[position : position + size])
        position += size
        assert decoder.pending <= k.MAX_ENCODED_FRAME
    delivered, crc_errors, overlong = _expected(stream, intact)
    assert got == delivered
    assert (decoder.crc_errors, decoder.overlong) == (crc_errors, overlong)
    assert decoder.frames == len(delivered)


@settings(max_examples=100, deadline=None)
@given(sent=damaged_streams(flush=True), cuts=st.lists(st.integers(1, 700), max_size=20))
def test_with_flushing_senders_every_intact_frame_is_delivered(
    sent: tuple[bytes, list[Sent]], cuts: list[int]
) -> None:
    """Whatever the damage before it, every frame that arrives whole after a 0x00 is
    delivered, in order, duplicates included, and nothing else is."""
    stream, intact = sent
    decoder = FrameDecoder()
    got, position = [], 0
    for size in [*cuts, len(stream)]:
        got += decoder.feed(stream[position : position + size])
        position += size
    assert got == [s.body for s in intact]
    assert decoder.frames == len(intact)


@settings(max_examples=50, deadline=None)
@given(sent=damaged_streams())
def test_a_flush_after_the_stream_recovers(sent: tuple[bytes, list[Sent]]) -> None:
    stream, _ = sent
    decoder = FrameDecoder()
    decoder.feed(stream)
    body = b"\x01\x30\x07\x00\x00\x00\x00\x00"
    assert decoder.feed(b"\x00" + encode_frame(body)) == [body]


@pytest.mark.parametrize("frame", [b"", b"\x01\x02", b"\x00", b"\x02\x01\x00"])
def test_decode_frame_refuses(frame: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_frame(frame)
