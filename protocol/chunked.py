"""Reference chunked object transfer (SPEC.md section 6).

`ChunkReceiver` is the receiving side of OBJ_BEGIN / OBJ_WRITE / OBJ_COMMIT
for one object; each refusal is a `TransferError` carrying the status code
and detail the receiver answers with. `split_chunks` cuts an object for a
writer and `read_chunk` answers OBJ_READ.

Details SPEC.md leaves open, chosen here: TOO_LARGE carries the receiver's
capacity (at OBJ_BEGIN) or the object's size (for data past it); a write or
commit without a transfer in progress is BAD_STATE with detail 0.
"""

from __future__ import annotations

import hashlib
from typing import Any

from protocol import constants as k
from protocol.constants import Status
from protocol.errors import ProtocolError, TransferError

__all__ = ["ChunkReceiver", "TransferError", "read_chunk", "split_chunks"]


def _check_sha256(sha256: Any) -> bytes:
    if not isinstance(sha256, bytes | bytearray) or len(sha256) != k.SHA256_SIZE:
        raise TransferError(Status.MALFORMED, 8, "sha256 must be 32 bytes", "transfer.sha256")
    return bytes(sha256)


class ChunkReceiver:
    """Reassembles one object of at most `capacity` bytes."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._size: int | None = None
        self._sha256 = b""
        self._buffer = bytearray()

    @property
    def in_progress(self) -> bool:
        return self._size is not None

    @property
    def have(self) -> int:
        """Bytes held contiguously from offset 0."""
        return len(self._buffer)

    @property
    def size(self) -> int | None:
        return self._size

    def begin(self, size: int, sha256: bytes) -> int:
        """OBJ_BEGIN: resume the same object (same size and hash) or start afresh."""
        digest = _check_sha256(sha256)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise TransferError(Status.MALFORMED, 4, f"bad size {size!r}", "transfer.size")
        if size > self.capacity:
            raise TransferError(
                Status.TOO_LARGE,
                self.capacity,
                f"{size} bytes, capacity {self.capacity}",
                "transfer.size",
            )
        if self._size != size or self._sha256 != digest:
            self._size, self._sha256 = size, digest
            self._buffer.clear()
        return self.have

    def write(self, offset: int, data: bytes) -> int:
        """OBJ_WRITE at `offset` ≤ have; a repeated or overlapping chunk is harmless."""
        if self._size is None:
            raise TransferError(Status.BAD_STATE, 0, "no transfer in progress")
        if not isinstance(data, bytes | bytearray) or not data:
            raise TransferError(Status.MALFORMED, 8, "a chunk has at least 1 byte", "transfer.data")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise TransferError(Status.MALFORMED, 4, f"bad offset {offset!r}", "transfer.offset")
        if offset > self.have:
            raise TransferError(
                Status.OUT_OF_ORDER,
                self.have,
                f"offset {offset} beyond the {self.have} bytes held",
                "transfer.offset",
            )
        end = offset + len(data)
        if end > self._size:
            raise TransferError(
                Status.TOO_LARGE,
                self._size,
                f"data up to {end}, past the size {self._size}",
                "transfer.data",
            )
        self._buffer[offset:end] = data
        return self.have

    def commit(self, sha256: bytes) -> bytes:
        """OBJ_COMMIT: the object, if complete and matching both hashes.

        A hash mismatch discards the transfer.
        """
        digest = _check_sha256(sha256)
        if self._size is None:
            raise TransferError(Status.BAD_STATE, 0, "no transfer in progress")
        if self.have < self._size:
            raise TransferError(
                Status.BAD_STATE, self.have, f"{self.have} of {self._size} bytes held"
            )
        actual = hashlib.sha256(self._buffer).digest()
        matches = actual == self._sha256 == digest
        data = bytes(self._buffer)
        self._size, self._sha256 = None, b""
        self._buffer.clear()
        if not matches:
            raise TransferError(
                Status.HASH_MISMATCH, 0, "SHA-256 differs; transfer discarded", "transfer.sha256"
            )
        return data


def split_chunks(data: bytes, chunk_size: int) -> list[tuple[int, bytes]]:
    """`(offset, chunk)` pairs covering `data` in order, each at most `chunk_size` bytes."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ProtocolError("chunk_size", f"must be at least 1, got {chunk_size!r}")
    raw = bytes(data)
    return [
        (offset, raw[offset : offset + chunk_size]) for offset in range(0, len(raw), chunk_size)
    ]


def read_chunk(data: bytes, offset: int, max_len: int) -> bytes:
    """OBJ_READ's answer: up to `max_len` bytes from `offset`; OUT_OF_ORDER past the end."""
    for value, name, hi in ((offset, "offset", 0xFFFF_FFFF), (max_len, "max_len", 0xFFFF)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= hi:
            raise TransferError(Status.MALFORMED, 0, f"bad {name} {value!r}", f"transfer.{name}")
    if offset > len(data):
        raise TransferError(
            Status.OUT_OF_ORDER,
            len(data),
            f"offset {offset} past the size {len(data)}",
            "transfer.offset",
        )
    return bytes(data[offset : offset + max_len])
