"""Chunked object transfer (SPEC.md section 6): reassembly at every chunk size,
lost, repeated and out-of-order chunks, resumption, refusals, and a whole
transfer over a damaging byte stream."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import constants as k
from protocol.chunked import ChunkReceiver, read_chunk, split_chunks
from protocol.constants import MsgType, Status
from protocol.errors import ProtocolError, TransferError
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import (
    decode_error,
    decode_message,
    decode_payload,
    encode_error,
    encode_message,
    encode_payload,
)


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


# What happens to each successive OBJ_WRITE exchange, cycled through.
FATES = ["ok", "request lost", "ok", "answer lost", "late duplicate", "ok", "gave up", "ok"]


def lossy_transfer(data: bytes, chunk_size: int) -> bytes:
    """A writer following SPEC.md section 6 over a link where requests and answers get
    lost (the writer repeats the request), an old chunk arrives again, and the writer
    gives up and resumes with OBJ_BEGIN; returns what the receiver commits."""
    receiver = ChunkReceiver(capacity=len(data))
    offset = receiver.begin(len(data), sha(data))
    exchange = 0
    while offset < len(data):
        fate = FATES[exchange % len(FATES)]
        exchange += 1
        chunk = data[offset : offset + chunk_size]
        if fate == "request lost":
            continue  # nothing arrived: the writer times out and repeats it
        have = receiver.write(offset, chunk)
        if fate == "answer lost":  # the repeat arrives too and changes nothing
            assert receiver.write(offset, chunk) == have
        elif fate == "late duplicate" and offset > 0:
            back = max(0, offset - chunk_size)
            assert receiver.write(back, data[back : back + chunk_size]) == have
        elif fate == "gave up":
            have = receiver.begin(len(data), sha(data))  # resumes, keeps what it has
        offset = have
    return receiver.commit(sha(data))


@pytest.mark.parametrize("data", [OBJECTS[1], OBJECTS[2]], ids=lambda d: f"{len(d)}-bytes")
def test_every_chunk_size_with_lost_and_repeated_chunks(data: bytes) -> None:
    for chunk_size in [*range(1, len(data) + 1), k.NFC_MAX_PAYLOAD - 8, k.MAX_CHUNK]:
        assert lossy_transfer(data, chunk_size) == data, chunk_size


def test_every_chunk_size_refuses_a_wrong_sha256() -> None:
    data = OBJECTS[1]
    for chunk_size in range(1, len(data) + 1):
        receiver = ChunkReceiver(capacity=len(data))
        receiver.begin(len(data), sha(data))
        for offset, chunk in split_chunks(data, chunk_size):
            receiver.write(offset, chunk)
        with refused(Status.HASH_MISMATCH):
            receiver.commit(sha(data + b"\x00"))
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


class KeySide:
    """The receiving end of a byte stream: frames in, one object's transfer, frames out."""

    def __init__(self, capacity: int) -> None:
        self.decoder = FrameDecoder()
        self.receiver = ChunkReceiver(capacity)
        self.last: tuple[bytes, bytes] | None = None  # (request body, response frame)
        self.committed: list[bytes] = []

    def receive(self, wire: bytes) -> bytes:
        out = b""
        for body in self.decoder.feed(wire):
            if self.last and self.last[0] == body:  # a retry: answer again, do nothing
                out += self.last[1]
                continue
            message = decode_message(body)
            response = encode_frame(self.answer(message["type"], message["seq"], message))
            self.last = (body, response)
            out += response
        return out

    def answer(self, msg_type: int, seq: int, message: dict[str, Any]) -> bytes:
        request = decode_payload(msg_type, False, message["payload"])
        try:
            if msg_type == MsgType.OBJ_BEGIN:
                fields = {"have": self.receiver.begin(request["size"], request["sha256"])}
            elif msg_type == MsgType.OBJ_WRITE:
                fields = {"have": self.receiver.write(request["offset"], request["data"])}
            else:
                self.committed.append(self.receiver.commit(request["sha256"]))
                fields = {}
        except TransferError as err:
            payload = encode_error(err.detail, err.message)
            return encode_message(msg_type, seq, payload, response=True, status=err.status)
        return encode_message(msg_type, seq, encode_payload(msg_type, True, fields), response=True)


def test_transfer_over_a_damaging_byte_stream() -> None:
    """OBJ_BEGIN/WRITE/COMMIT as frames over a line that corrupts every third frame in
    either direction: the writer retries (same seq, 0x00 first) and the object arrives."""
    data = OBJECTS[2]
    key = KeySide(capacity=1024)
    sent = 0

    def line(frame: bytes) -> bytes:
        nonlocal sent
        sent += 1
        if sent % 3 == 0:  # a bit flipped in transit
            return frame[:5] + bytes([frame[5] ^ 0x04]) + frame[6:]
        return frame

    def exchange(msg_type: MsgType, seq: int, fields: dict[str, Any]) -> dict[str, Any]:
        body = encode_message(msg_type, seq, encode_payload(msg_type, False, fields))
        host = FrameDecoder()
        for attempt in range(4):  # the first try and 3 retries (SPEC.md 1.3)
            wire = (b"\x00" if attempt else b"") + encode_frame(body)
            answers = host.feed(line(key.receive(line(wire))))
            if answers:
                answer = decode_message(answers[0])
                assert (answer["type"], answer["seq"]) == (msg_type, seq)
                if answer["status"]:
                    return {"status": answer["status"], **decode_error(answer["payload"])}
                return decode_payload(msg_type, True, answer["payload"])
        raise AssertionError("no answer after 3 retries")

    digest = sha(data)
    have = exchange(MsgType.OBJ_BEGIN, 1, {"obj": 1, "size": len(data), "sha256": digest})["have"]
    seq = 2
    while have < len(data):
        chunk = {"obj": 1, "offset": have, "data": data[have : have + 50]}
        have = exchange(MsgType.OBJ_WRITE, seq, chunk)["have"]
        seq += 1
    assert exchange(MsgType.OBJ_COMMIT, seq, {"obj": 1, "sha256": digest}) == {}
    assert key.committed == [data]
    assert key.decoder.crc_errors > 0  # the line did damage requests
    wrong = exchange(MsgType.OBJ_COMMIT, seq + 1, {"obj": 1, "sha256": digest})
    assert wrong["status"] == Status.BAD_STATE  # nothing in progress any more
