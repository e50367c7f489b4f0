"""The emulated USB key reader passes frames to the key in it, and says NO_KEY when empty."""

from __future__ import annotations

import time

import serial

from emulator.usb_key_reader import UsbKeyReader
from emulator.virtual_key import VirtualKey
from protocol.constants import MsgType, Role, Status
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import decode_message, decode_payload, encode_message, encode_payload
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
