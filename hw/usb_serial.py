"""The station's USB serial port as a byte stream for the service console.

On a board the USB port is also MicroPython's REPL: ``sys.stdin``/``sys.stdout``.
While the station runs, the console's frames own it: ``UsbSerial`` turns off
the REPL's Ctrl-C (frames may hold the byte 0x03) and reads without waiting
through ``select.poll``. ``release()`` gives the REPL back (main.py calls it
when the station stops, e.g. for maintenance mode, see hw/README.md).

Interface as hw.key_port.KeyPort: ``read(max_bytes) -> bytes`` never waits,
``write(buf) -> int``, ``flush()``.
"""

import select
import sys

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

_CTRL_C = 3


def _set_interrupt(char: int) -> None:
    try:
        import micropython

        micropython.kbd_intr(char)
    except (ImportError, AttributeError):  # CPython: nothing to turn off
        pass


class UsbSerial:
    def __init__(self, stdin: "Any" = None, stdout: "Any" = None) -> None:
        self._in: "Any" = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
        self._out: "Any" = (
            stdout if stdout is not None else getattr(sys.stdout, "buffer", sys.stdout)
        )
        self._poll = select.poll()
        self._poll.register(self._in, select.POLLIN)
        _set_interrupt(-1)

    def read(self, max_bytes: int) -> bytes:
        data = bytearray()
        while len(data) < max_bytes and self._poll.poll(0):
            byte = self._in.read(1)
            if not byte:
                break
            data.extend(byte)
        return bytes(data)

    def write(self, data: bytes) -> int:
        written = self._out.write(data)
        return len(data) if written is None else written

    def flush(self) -> None:
        flush = getattr(self._out, "flush", None)
        if flush is not None:
            flush()

    def release(self) -> None:
        """Give the port back to the REPL (Ctrl-C interrupts again)."""
        _set_interrupt(_CTRL_C)
