"""The emulator's PTY carries bytes both ways to a pyserial client, untranslated."""

from __future__ import annotations

import time

import serial

from emulator.pty_port import PtyPort


def _read_until(port: PtyPort, count: int) -> bytes:
    data = b""
    deadline = time.monotonic() + 5
    while len(data) < count and time.monotonic() < deadline:
        data += port.read(count - len(data))
    return data


def test_bytes_cross_both_ways_raw() -> None:
    port = PtyPort()
    try:
        assert port.read(10) == b""  # nothing yet, and no waiting
        with serial.serial_for_url(port.path, baudrate=115200, timeout=2) as client:
            everything = bytes(range(256))
            client.write(everything)
            client.flush()
            assert _read_until(port, 256) == everything
            assert port.write(b"\x00\r\n\x03answer\x00") == 11
            assert client.read(11) == b"\x00\r\n\x03answer\x00"
        assert port.read(10) == b""  # the tool went away: still no error
    finally:
        port.close()
