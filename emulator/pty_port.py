"""A pseudo-terminal that looks like a USB serial port to the technician tools.

The emulator keeps the master side and hands the firmware (the station's
service console) or the virtual USB key reader a byte stream with the
interface of hw.key_port: ``read(max_bytes)`` never waits, ``write(buf)``.
The slave side's path (``/dev/pts/N``) is what ``synk diag --port`` opens,
with pyserial, exactly like ``/dev/ttyACM0`` on a real station.

The slave is put in raw mode and kept open here too, so nothing is echoed or
translated and the master never sees a hang-up while no tool is connected.
"""

from __future__ import annotations

import contextlib
import errno
import os
import termios
import tty


class PtyPort:
    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave, termios.TCSANOW)
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self.bytes_in = 0
        self.bytes_out = 0

    def read(self, max_bytes: int) -> bytes:
        if max_bytes <= 0:
            return b""
        try:
            data = os.read(self._master, max_bytes)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:  # no one on the other side right now
                return b""
            raise
        self.bytes_in += len(data)
        return data

    def write(self, data: bytes) -> int:
        written = 0
        view = memoryview(data)
        while written < len(data):
            try:
                written += os.write(self._master, view[written:])
            except BlockingIOError:
                # The tool is not reading and the pty's buffer is full: what a
                # USB CDC port does too is drop; a console answer is re-asked.
                break
        self.bytes_out += written
        return written

    def flush(self) -> None:
        pass

    def close(self) -> None:
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):  # closed already
                os.close(fd)
