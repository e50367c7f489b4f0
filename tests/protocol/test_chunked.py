"""Chunked object transfer (SPEC.md section 6): reassembly at every chunk size,
lost, repeated and out-of-order chunks, resumption, and refusals."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import constants as k
from protocol.chunked import ChunkReceiver, read_chunk, split_chunks
from protocol.constants import Status
from protocol.errors import ProtocolError, TransferError


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def refused(status: Status, detail: int | None = None) -> AbstractContextManager[Any]:
    """Context manager checking a TransferError's status (and detail)."""
    return pytest.raises(
        TransferError,
        check=lambda err: err.status == status and (detail is None or err.detail == detail),
    )


OBJECTS = [
    b"\x42",
    bytes(range(37)),
    hashlib.sha512(b"x").digest() * 4 + b"tail" * 10,
    b"\x00" * 292,
]


@pytest.mark.parametrize("data", OBJECTS, ids=lambda d: f"{len(d)}-bytes")
def test_every_chunk_size(data: bytes) -> None:
    for chunk_size in range(1, len(data) + 1):
        receiver = ChunkReceiver(capacity=4096)
        assert receiver.begin(len(data), sha(data)) == 0
        for offset, chunk in split_chunks(data, chunk_size):
            assert receiver.write(offset, chunk) == offset + len(chunk)
        assert receiver.commit(sha(data)) == data
        assert not receiver.in_progress


def test_split_chunks() -> None:
    data = bytes(range(256)) * 3
    for size in (1, 7, 504, 768, 1000):
        chunks = split_chunks(data, size)
        assert b"".join(chunk for _, chunk in chunks) == data
        assert all(len(chunk) <= size for _, chunk in chunks)
        assert [offset for offset, _ in chunks] == list(range(0, len(data), size))
    assert split_chunks(b"", 10) == []
    with pytest.raises(ProtocolError):
        split_chunks(data, 0)


@st.composite
def transfers(draw: st.DrawFn) -> tuple[bytes, int, list[str]]:
    data = draw(st.binary(min_size=1, max_size=1500))
    chunk_size = draw(st.integers(1, k.MAX_CHUNK))
    events = draw(
        st.lists(
            st.sampled_from(["ok", "ok", "ok", "lost", "repeat", "ahead", "behind", "rebegin"]),
            max_size=60,
        )
    )
    return data, chunk_size, events


@settings(max_examples=150, deadline=None)
@given(transfers())
def test_unreliable_link(transfer: tuple[bytes, int, list[str]]) -> None:
    """A writer following SPEC.md section 6 over a link that loses, repeats and
    reorders requests still delivers the object exactly."""
    data, chunk_size, events = transfer
    receiver = ChunkReceiver(capacity=len(data))
    assert receiver.begin(len(data), sha(data)) == 0
    next_offset = 0  # where the writer believes it is
    script = iter(events)
    while receiver.have < len(data):
        event = next(script, "ok")
        chunk = data[next_offset : next_offset + chunk_size]
        if event == "lost":  # the writer times out and repeats the same request
            continue
        if event == "rebegin":  # the writer gave up and starts again with OBJ_BEGIN
            next_offset = receiver.begin(len(data), sha(data))
            continue
        if event == "ahead" and next_offset + chunk_size < len(data):
            with refused(Status.OUT_OF_ORDER, receiver.have):
                receiver.write(next_offset + chunk_size, data[next_offset + chunk_size :][:1])
            continue
        if event == "behind" and next_offset > 0:  # a late duplicate of an earlier chunk
            before = receiver.have
            back = max(0, next_offset - chunk_size)
            assert receiver.write(back, data[back : back + chunk_size]) == before
            continue
        have = receiver.write(next_offset, chunk)
        if event == "repeat":  # the answer was lost; the same chunk arrives again
            assert receiver.write(next_offset, chunk) == have
        next_offset = have
    assert receiver.commit(sha(data)) == data


def test_out_of_order_names_have() -> None:
    data = bytes(range(100))
    receiver = ChunkReceiver(capacity=100)
    receiver.begin(100, sha(data))
    receiver.write(0, data[:30])
    with refused(Status.OUT_OF_ORDER, 30):
        receiver.write(31, data[31:40])
    assert receiver.write(30, data[30:40]) == 40


def test_resume_with_the_same_object_and_restart_with_another() -> None:
    data, other = bytes(range(200)), bytes(range(1, 201))
    receiver = ChunkReceiver(capacity=1000)
    receiver.begin(len(data), sha(data))
    receiver.write(0, data[:120])
    assert receiver.begin(len(data), sha(data)) == 120  # resume
    assert receiver.begin(len(other), sha(other)) == 0  # another object: afresh
    receiver.write(0, other)
    assert receiver.begin(len(data), sha(data)) == 0  # and back: afresh again
    receiver.write(0, data[:120])
    receiver.write(120, data[120:])
    assert receiver.commit(sha(data)) == data


def test_hash_mismatch_discards_the_transfer() -> None:
    data = bytes(range(64))
    receiver = ChunkReceiver(capacity=64)
    receiver.begin(64, sha(data))
    receiver.write(0, data[:32] + b"\xff" + data[33:])  # corrupted on the way
    with refused(Status.HASH_MISMATCH):
        receiver.commit(sha(data))
    assert not receiver.in_progress and receiver.have == 0
    with refused(Status.BAD_STATE, 0):
        receiver.write(0, data)
    assert receiver.begin(64, sha(data)) == 0  # nothing kept to resume


def test_commit_hash_must_match_begin_hash() -> None:
    data = bytes(range(64))
    receiver = ChunkReceiver(capacity=64)
    receiver.begin(64, sha(data))
    receiver.write(0, data)
    with refused(Status.HASH_MISMATCH):
        receiver.commit(sha(b"something else"))
    assert not receiver.in_progress


def test_too_large_and_bad_state() -> None:
    receiver = ChunkReceiver(capacity=100)
    with refused(Status.TOO_LARGE, 100):
        receiver.begin(101, sha(b""))
    with refused(Status.BAD_STATE, 0):
        receiver.commit(sha(b""))
    receiver.begin(10, sha(bytes(10)))
    with refused(Status.TOO_LARGE, 10):
        receiver.write(0, bytes(11))  # data past size
    receiver.write(0, bytes(4))
    with refused(Status.BAD_STATE, 4):
        receiver.commit(sha(bytes(10)))  # commit before all bytes
    assert receiver.in_progress  # ... is not fatal
    receiver.write(4, bytes(6))
    assert receiver.commit(sha(bytes(10))) == bytes(10)


def test_empty_object() -> None:
    receiver = ChunkReceiver(capacity=10)
    assert receiver.begin(0, sha(b"")) == 0
    with refused(Status.TOO_LARGE):
        receiver.write(0, b"x")
    assert receiver.commit(sha(b"")) == b""


@pytest.mark.parametrize("bad", [b"", "text", None])
def test_malformed_writes(bad: object) -> None:
    receiver = ChunkReceiver(capacity=10)
    receiver.begin(1, sha(b"x"))
    with refused(Status.MALFORMED):
        receiver.write(0, bad)  # type: ignore[arg-type]
    with refused(Status.MALFORMED):
        receiver.begin(1, bad)  # type: ignore[arg-type]


def test_read_chunk() -> None:
    data = bytes(range(100))
    assert read_chunk(data, 0, 30) == data[:30]
    assert read_chunk(data, 90, 30) == data[90:]
    assert read_chunk(data, 100, 30) == b""
    with refused(Status.OUT_OF_ORDER, 100):
        read_chunk(data, 101, 30)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), chunk_size=st.integers(1, 600))
def test_read_back_in_chunks(data: bytes, chunk_size: int) -> None:
    read, offset = b"", 0
    while chunk := read_chunk(data, offset, chunk_size):
        read += chunk
        offset += len(chunk)
    assert read == data
