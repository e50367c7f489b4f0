"""hw.usb_serial reads what has arrived without waiting and writes through, over real pipes."""

from __future__ import annotations

import os

from hw.usb_serial import UsbSerial


def test_reads_only_what_arrived_and_never_waits() -> None:
    in_read, in_write = os.pipe()
    out_read, out_write = os.pipe()
    with (
        os.fdopen(in_read, "rb", buffering=0) as stdin,
        os.fdopen(out_write, "wb", buffering=0) as stdout,
    ):
        port = UsbSerial(stdin, stdout)
        assert port.read(64) == b""
        os.write(in_write, b"\x00\x03frame\x00")
        assert port.read(4) == b"\x00\x03fr"
        assert port.read(64) == b"ame\x00"
        assert port.read(64) == b""
        assert port.write(b"answer\x00") == 7
        port.flush()
        assert os.read(out_read, 64) == b"answer\x00"
        port.release()
    os.close(in_write)
    os.close(out_read)
