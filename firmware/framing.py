"""Framing of synk messages on byte streams (protocol/SPEC.md section 2), for the station.

A frame is ``COBS(body || CRC32(body) LE) || 0x00``: the key port (UART) and the
USB service console use it. ``FrameDecoder`` collects bytes from a stream and
hands out intact bodies, resynchronising on the next ``0x00`` after noise. Its
buffer is allocated once (528 bytes), so a chatty line does not churn the heap.
"""

import struct

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Optional, Union  # read under TYPE_CHECKING only

    _Buf = Union[bytes, bytearray, memoryview]

_native_crc32: "Optional[Callable[[_Buf, int], int]]"
try:
    from binascii import crc32 as _native_crc32
except ImportError:  # a port built without binascii.crc32
    _native_crc32 = None

MAX_ENCODED_FRAME = 528  # without the delimiter
MIN_DECODED = 12  # header + CRC
MIN_BODY = 8
MAX_BODY = 520

_table: "Optional[list[int]]" = None


def _make_table() -> "list[int]":
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


def crc32_table(data: "_Buf", crc: int = 0) -> int:
    """CRC-32/ISO-HDLC from a 256-entry table; ``crc32`` uses it when binascii has none."""
    global _table
    if _table is None:
        _table = _make_table()
    table = _table
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32(data: "_Buf", crc: int = 0) -> int:
    """CRC-32/ISO-HDLC (zlib CRC) of ``data``, continuing from ``crc``; check value 0xCBF43926."""
    if _native_crc32 is not None:
        return _native_crc32(data, crc) & 0xFFFFFFFF
    return crc32_table(data, crc)


class CobsError(ValueError):
    """A block that is not valid COBS."""


def cobs_encode(data: "_Buf") -> bytes:
    """Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): the result holds no 0x00."""
    data = bytes(data)
    n = len(data)
    out = bytearray()
    i = 0
    while True:
        end = i + 254 if i + 254 < n else n
        zero = data.find(b"\x00", i, end)
        if zero >= 0:
            out.append(zero - i + 1)
            out += data[i:zero]
            i = zero + 1
            continue  # a zero at the very end still needs the empty block after it
        out.append(end - i + 1)
        out += data[i:end]
        if end >= n:
            break
        i = end  # a full 254-byte block with more data after it: no zero implied
    return bytes(out)


def cobs_decode(data: "_Buf") -> bytes:
    """Inverse of ``cobs_encode``; raises CobsError on a 0x00 or a block running past the end."""
    data = bytes(data)
    n = len(data)
    out = bytearray()
    i = 0
    while i < n:
        code = data[i]
        if code == 0:
            raise CobsError("zero byte in COBS data")
        end = i + code
        if end > n:
            raise CobsError("COBS block runs past the end")
        if data.find(b"\x00", i + 1, end) >= 0:
            raise CobsError("zero byte in COBS data")
        out += data[i + 1 : end]
        i = end
        if code < 0xFF and i < n:
            out.append(0)
    return bytes(out)


def encode_frame(body: "_Buf") -> bytes:
    """One frame for the wire: COBS(body + CRC32 LE) + 0x00. ``body`` is a whole message."""
    if len(body) < MIN_BODY or len(body) > MAX_BODY:
        raise ValueError("frame body must be %d to %d bytes" % (MIN_BODY, MAX_BODY))
    body = bytes(body)
    return cobs_encode(body + struct.pack("<I", crc32(body))) + b"\x00"


class FrameDecoder:
    """Bytes in, intact bodies out (SPEC.md section 2, "Receiving and resynchronising").

    ``frames`` counts bodies delivered; ``crc_errors`` frames dropped for bad
    COBS, a decoded length under 12 or over 524 (a body over 520 bytes, even
    with a correct CRC: rule 3) or a CRC mismatch; ``overlong`` collections
    that passed 528 bytes (each is skipped up to the next 0x00, counted once).
    """

    def __init__(self) -> None:
        self._buf = bytearray(MAX_ENCODED_FRAME)
        self._len = 0
        self._skipping = False
        self.frames = 0
        self.crc_errors = 0
        self.overlong = 0

    def reset(self) -> None:
        """Forget a partial frame (after a baud-rate change, say); counters stay."""
        self._len = 0
        self._skipping = False

    def feed(self, data: "_Buf") -> "list[bytes]":
        """Take received bytes; return the list of bodies completed by them (often empty)."""
        data = bytes(data)
        bodies = []
        n = len(data)
        i = 0
        while i < n:
            zero = data.find(b"\x00", i)
            end = n if zero < 0 else zero
            if not self._skipping and end > i:
                length = self._len
                if length + end - i > MAX_ENCODED_FRAME:
                    self.overlong += 1
                    self._skipping = True
                    self._len = 0
                else:
                    self._buf[length : length + end - i] = data[i:end]
                    self._len = length + end - i
            if zero < 0:
                break
            if self._skipping:
                self._skipping = False
            elif self._len:
                body = self._frame(memoryview(self._buf)[: self._len])
                self._len = 0
                if body is not None:
                    self.frames += 1
                    bodies.append(body)
            i = zero + 1
        return bodies

    def _frame(self, block: memoryview) -> "Optional[bytes]":
        try:
            decoded = cobs_decode(block)
        except CobsError:
            self.crc_errors += 1
            return None
        if len(decoded) < MIN_DECODED or len(decoded) > MAX_BODY + 4:
            self.crc_errors += 1
            return None
        body = decoded[:-4]
        if crc32(body) != struct.unpack_from("<I", decoded, len(decoded) - 4)[0]:
            self.crc_errors += 1
            return None
        return body
