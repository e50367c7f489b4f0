"""Framing on byte streams (SPEC.md section 2): COBS(body || CRC32(body)) || 0x00.

`FRAME` is the frame as a construct (`FRAME_BLOCK` the same without its
delimiter); `encode_frame`/`decode_frame` handle one frame with it;
`FrameDecoder` is the receiver's state machine: it takes bytes as they
arrive, delivers intact bodies, and counts what it throws away, never holding
more than `MAX_ENCODED_FRAME` bytes.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

import construct as c
from cobs import cobs

from protocol import constants as k
from protocol._construct import Data, FieldError, SubconstructBase, parse_exact
from protocol._construct import build as build_construct
from protocol.errors import ProtocolError

CRC_CHECK_INPUT = b"123456789"
CRC_CHECK_VALUE = 0xCBF43926


def _bytes(data: Any, field: str) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(field, f"expected bytes, got {type(data).__name__}")
    return bytes(data)


def crc32(data: bytes) -> int:
    """CRC-32/ISO-HDLC (the zlib/Ethernet CRC); crc32(b"123456789") == 0xCBF43926."""
    return zlib.crc32(_bytes(data, "crc32")) & 0xFFFF_FFFF


def cobs_encode(data: bytes) -> bytes:
    """COBS (Cheshire and Baker, 1999): the result holds no 0x00."""
    encoded: bytes = cobs.encode(_bytes(data, "cobs"))
    return encoded


def cobs_decode(data: bytes) -> bytes:
    try:
        decoded: bytes = cobs.decode(_bytes(data, "cobs"))
    except cobs.DecodeError as err:
        raise ProtocolError("frame.cobs", str(err)) from None
    return decoded


class Cobs(SubconstructBase):
    """`subcon` stuffed with COBS; parsing COBS-decodes the rest of the stream first."""

    def _parse(self, stream: Any, context: Any, path: str) -> Any:
        block = c.stream_read_entire(stream, path)
        try:
            decoded = cobs.decode(block)
        except cobs.DecodeError as err:
            raise FieldError(str(err), f"{path} -> cobs") from None
        return self.subcon._parsereport(io.BytesIO(decoded), context, path)

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        inner = io.BytesIO()
        built = self.subcon._build(obj, inner, context, path)
        encoded = cobs.encode(inner.getvalue())
        c.stream_write(stream, encoded, len(encoded), path)
        return built

    def _sizeof(self, context: Any, path: str) -> int:
        raise c.SizeofError("COBS output depends on the data", path=path)


class Crc32Trailer(SubconstructBase):
    """`subcon` (the rest of the stream but 4 bytes) followed by its CRC-32, u32 LE."""

    def _parse(self, stream: Any, context: Any, path: str) -> Any:
        data = c.stream_read_entire(stream, path)
        if len(data) < k.MIN_DECODED_FRAME:
            raise FieldError(f"{len(data)} bytes decoded, under {k.MIN_DECODED_FRAME}", path)
        body, crc = data[: -k.CRC_SIZE], int.from_bytes(data[-k.CRC_SIZE :], "little")
        if crc32(body) != crc:
            raise FieldError(f"{crc:#010x} != {crc32(body):#010x}", f"{path} -> crc")
        return self.subcon._parsereport(io.BytesIO(body), context, path)

    def _build(self, obj: Any, stream: Any, context: Any, path: str) -> Any:
        inner = io.BytesIO()
        built = self.subcon._build(obj, inner, context, path)
        body = inner.getvalue()
        data = body + crc32(body).to_bytes(k.CRC_SIZE, "little")
        c.stream_write(stream, data, len(data), path)
        return built

    def _sizeof(self, context: Any, path: str) -> int:
        return self.subcon._sizeof(context, path) + k.CRC_SIZE


# The bytes between two delimiters, and the frame on the wire (delimiter last).
# The body is one message (section 3); framing does not look inside it.
FRAME_BLOCK = Cobs(Crc32Trailer(Data(k.HEADER_SIZE, k.MAX_BODY)))
FRAME = c.NullTerminated(FRAME_BLOCK, term=b"\x00")


def encode_frame(body: bytes) -> bytes:
    """The bytes on the wire for one message body, delimiter included."""
    raw = _bytes(body, "frame.body")
    return build_construct(FRAME, raw, "frame.body")


def decode_block(block: bytes) -> bytes:
    """The body inside one COBS block (the bytes between two delimiters)."""
    body: bytes = parse_exact(FRAME_BLOCK, block, "frame")
    return body


def decode_frame(frame: bytes) -> bytes:
    """The body of one complete frame as `encode_frame` makes it (delimiter last)."""
    raw = _bytes(frame, "frame")
    if not raw.endswith(b"\x00"):
        raise ProtocolError("frame", "no 0x00 delimiter at the end")
    if len(raw) - 1 > k.MAX_ENCODED_FRAME:
        raise ProtocolError("frame", f"{len(raw) - 1} bytes, over {k.MAX_ENCODED_FRAME}")
    body: bytes = parse_exact(FRAME, raw, "frame")
    return body


class FrameDecoder:
    """Receiver of SPEC.md section 2: `feed(bytes) -> [body, ...]`.

    Counters: `frames` delivered, `crc_errors` (COBS error, decoded length
    under 12 or over 524, or CRC mismatch) and `overlong` (collections
    discarded for passing 528 bytes).
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skipping = False
        self.frames = 0
        self.crc_errors = 0
        self.overlong = 0

    @property
    def pending(self) -> int:
        """Bytes collected towards the next frame."""
        return len(self._buffer)

    def reset(self) -> None:
        """Forget a partial frame (e.g. after a baud-rate change); counters stay."""
        self._buffer.clear()
        self._skipping = False

    def feed(self, data: bytes) -> list[bytes]:
        raw = _bytes(data, "frame")
        bodies: list[bytes] = []
        start = 0
        while start < len(raw):
            end = raw.find(0, start)
            chunk = raw[start:] if end < 0 else raw[start:end]
            self._collect(chunk)
            if end < 0:
                break
            body = self._end_of_frame()
            if body is not None:
                bodies.append(body)
            start = end + 1
        return bodies

    def _collect(self, chunk: bytes) -> None:
        if self._skipping or not chunk:
            return
        if len(self._buffer) + len(chunk) > k.MAX_ENCODED_FRAME:
            self.overlong += 1
            self._buffer.clear()
            self._skipping = True
            return
        self._buffer += chunk

    def _end_of_frame(self) -> bytes | None:
        if self._skipping:
            self._skipping = False
            return None
        if not self._buffer:
            return None
        block = bytes(self._buffer)
        self._buffer.clear()
        try:
            body = decode_block(block)
        except ProtocolError:
            self.crc_errors += 1
            return None
        self.frames += 1
        return body
