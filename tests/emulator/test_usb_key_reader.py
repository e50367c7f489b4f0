"""The emulated USB key reader passes frames to the key in it, and says NO_KEY when empty."""

from __future__ import annotations

import time

import serial

from emulator.usb_key_reader import UsbKeyReader
from emulator.virtual_key import VirtualKey
from protocol.constants import MsgType, Role, Status
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import (
    decode_error,
    decode_message,
    decode_payload,
    encode_message,
    encode_payload,
)
from tests.factories import seed


def _ask(reader: UsbKeyReader, client: serial.Serial, seq: int) -> dict[str, object]:
    hello = encode_payload(
        MsgType.HELLO, False, {"time": 1, "role": Role.READER, "max_payload": 512, "peer_id": 9}
    )
    client.write(encode_frame(encode_message(MsgType.HELLO, seq, hello)))
    client.flush()
    decoder = FrameDecoder()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        reader.poll()
        for body in decoder.feed(client.read(client.in_waiting or 1)):
            return decode_message(body)
    raise AssertionError("no answer from the reader")


def test_hello_through_the_pty() -> None:
    reader = UsbKeyReader()
    try:
        with serial.serial_for_url(reader.path, baudrate=115200, timeout=0.05) as client:
            empty = _ask(reader, client, 1)
            assert empty["status"] == Status.NO_KEY and empty["seq"] == 1
            key = VirtualKey(4711, seed("reader test key"))
            reader.insert(key)
            answer = _ask(reader, client, 2)
            assert answer["status"] == Status.OK
            info = decode_payload(MsgType.HELLO, True, answer["payload"])
            assert info["key_id"] == 4711
            key.battery = 0  # flat: the key says nothing, the reader does
            assert _ask(reader, client, 3)["status"] == Status.NO_KEY
            assert reader.remove() is key
    finally:
        reader.close()


def _empty_reader_answers(body: bytes) -> dict[str, object]:
    reader = UsbKeyReader()
    try:
        with serial.serial_for_url(reader.path, baudrate=115200, timeout=0.05) as client:
            client.write(encode_frame(body))
            client.flush()
            decoder = FrameDecoder()
            for _ in range(200):
                reader.poll()
                for answer in decoder.feed(client.read(client.in_waiting or 1)):
                    return decode_message(answer)
    finally:
        reader.close()
    raise AssertionError("no answer from the reader")


def _detail(answer: dict[str, object]) -> int:
    payload = answer["payload"]
    assert isinstance(payload, bytes)
    return int(decode_error(payload)["detail"])


def test_empty_reader_checks_the_version_before_no_key() -> None:
    # SPEC.md 3 and 5.10: a version-2 header gets UNSUPPORTED_VERSION, detail 1
    body = bytearray(encode_message(MsgType.DIAG, 7, b""))
    body[0] = 2
    answer = _empty_reader_answers(bytes(body))
    assert answer["status"] == Status.UNSUPPORTED_VERSION
    assert answer["version"] == 1 and answer["seq"] == 7 and answer["type"] == MsgType.DIAG
    assert _detail(answer) == 1


def test_empty_reader_refuses_a_response_as_a_key_would() -> None:
    response = encode_message(MsgType.DIAG, 8, b"", response=True)
    answer = _empty_reader_answers(response)
    assert answer["status"] == Status.MALFORMED and _detail(answer) == 4
    key = VirtualKey(4712, seed("reader test key 2"))  # a key in a session says the same
    hello = encode_payload(
        MsgType.HELLO, False, {"time": 1, "role": Role.READER, "max_payload": 512, "peer_id": 9}
    )
    key.handle(encode_message(MsgType.HELLO, 1, hello))
    from_key = decode_message(key.handle(response))
    assert from_key["status"] == Status.MALFORMED and _detail(from_key) == 4


def test_empty_reader_refuses_a_bad_length_then_says_no_key() -> None:
    body = encode_message(MsgType.DIAG, 9, b"")[:6] + b"\x05\x00"
    answer = _empty_reader_answers(body)
    assert answer["status"] == Status.MALFORMED and _detail(answer) == 6
    answer = _empty_reader_answers(encode_message(MsgType.DIAG, 10, b""))
    assert answer["status"] == Status.NO_KEY and _detail(answer) == 0
