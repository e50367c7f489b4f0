"""hw.usb_serial on the MicroPython unix port and CPython: select.poll on the console's stdin.

Portable: the console line is a pipe where the platform has one (CPython), and
elsewhere (MicroPython, which has no os.pipe) a stream object that answers
select.poll through ``ioctl`` (MP_STREAM_POLL), as a board's USB console
does. Either way the port must read only what has arrived, at most what was
asked for, and never wait. tests/hw/test_usb_serial_cpython.py does the same
over real pipes only.
"""

import io
import os
import select

from hw.usb_serial import UsbSerial

_MP_STREAM_POLL = 3  # MicroPython's py/stream.h


class _PolledLine(io.IOBase):
    """A console line for MicroPython's select.poll: ``feed`` puts bytes on it."""

    def __init__(self):
        self.waiting = bytearray()
        self.reads = 0

    def feed(self, data):
        self.waiting.extend(data)

    def ioctl(self, request, arg):
        if request == _MP_STREAM_POLL:
            return arg & select.POLLIN if self.waiting else 0
        return -1

    def read(self, count):
        self.reads += 1
        if not self.waiting:
            raise AssertionError("read with nothing waiting: it would block on a board")
        data = bytes(self.waiting[:count])
        self.waiting = self.waiting[count:]
        return data


class _PipeLine:
    """A console line on an os.pipe (CPython): ``feed`` writes into it."""

    def __init__(self):
        read_end, self._write_end = os.pipe()
        self.stdin = open(read_end, "rb", buffering=0)  # noqa: SIM115  # closed by close()

    def feed(self, data):
        os.write(self._write_end, data)

    def close(self):
        self.stdin.close()
        os.close(self._write_end)


def _line():
    """(stdin for UsbSerial, feed(data), close())."""
    if hasattr(os, "pipe"):
        pipe = _PipeLine()
        return pipe.stdin, pipe.feed, pipe.close
    line = _PolledLine()
    return line, line.feed, lambda: None


class _Out:
    """The console's stdout: what was written, and how often it was flushed."""

    def __init__(self, answer=None):
        self.data = bytearray()
        self.flushes = 0
        self._answer = answer

    def write(self, data):
        self.data.extend(data)
        return self._answer

    def flush(self):
        self.flushes += 1


def test_reads_only_what_arrived_and_never_waits():
    stdin, feed, close = _line()
    try:
        port = UsbSerial(stdin, _Out())
        assert port.read(64) == b""  # nothing there: at once, without reading
        feed(b"\x00\x03frame\x00")
        assert port.read(4) == b"\x00\x03fr"  # 0x03 is data here, not Ctrl-C
        assert port.read(64) == b"ame\x00"
        assert port.read(64) == b""
        feed(b"x")
        assert port.read(0) == b""
        assert port.read(1) == b"x"
        port.release()
    finally:
        close()


def test_writes_go_through_and_flush_reaches_the_console():
    stdin, _, close = _line()
    try:
        out = _Out()  # MicroPython's stdout.write may answer None: then all was taken
        port = UsbSerial(stdin, out)
        assert port.write(b"answer\x00") == 7
        port.flush()
        assert (bytes(out.data), out.flushes) == (b"answer\x00", 1)
        counted = UsbSerial(stdin, _Out(answer=3))
        assert counted.write(b"answer") == 3  # a short write is told as it was
    finally:
        close()


def test_a_console_at_end_of_input_reads_nothing():
    # A regular file is always "ready" to poll, and at its end read(1) gives b"".
    path = "/tmp/synk-usb-%s" % "".join("%02x" % b for b in os.urandom(6))
    with open(path, "wb") as f:
        f.write(b"ab")
    try:
        with open(path, "rb") as stdin:
            port = UsbSerial(stdin, _Out())
            assert port.read(64) == b"ab"
            assert port.read(64) == b""
    finally:
        os.remove(path)
