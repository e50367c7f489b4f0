"""The contact key port: a UART to the key's contacts and a pin that tells a key is in the slot.

protocol/SPEC.md §1.1: 115200 baud, 8 data bits, no parity, 1 stop bit, no
flow control; after HELLO the station may move to 230400, 460800 or 921600
(``set_baud``) and falls back to 115200. The framing (COBS + CRC32, SPEC §2)
is the firmware's: this class is only the channel, libosdp-style:
``read(max_bytes)``, ``write(buf)``, ``flush()``, plus ``present()`` and
``set_baud(rate)``.

The contact-detect pin is a switch in the slot to ground, read with the pull-up
on: 0 means a key is in (``active_low``, the default).
"""

from hw._port import const

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

DEFAULT_BAUD = const(115200)
BAUD_RATES = (115200, 230400, 460800, 921600)  # SPEC §1.1


class KeyPort:
    """A key port on ``uart`` (a machine.UART) with ``detect_pin`` (a machine.Pin, input)."""

    def __init__(self, uart: "Any", detect_pin: "Any", active_low: bool = True) -> None:
        self._uart = uart
        self._detect = detect_pin
        self._active_low = active_low
        self.baud = DEFAULT_BAUD

    def read(self, max_bytes: int) -> bytes:
        """What has arrived, at most ``max_bytes``; b"" at once if nothing has."""
        waiting = self._uart.any()
        if waiting <= 0 or max_bytes <= 0:
            return b""
        return bytes(self._uart.read(min(waiting, max_bytes)) or b"")

    def write(self, buf: bytes) -> int:
        """Queue ``buf`` for sending; returns how many bytes the UART took."""
        written = self._uart.write(buf)
        return len(buf) if written is None else written

    def flush(self) -> None:
        """Wait until everything written has left, then drop what came in unread.

        Used before a new request (and after a baud change): a late answer to
        an earlier try or line noise must not be taken for the new answer.
        """
        wait_sent = getattr(self._uart, "flush", None)  # UART.flush(): ESP32, RP2 since 1.20
        if wait_sent is not None:
            wait_sent()
        for _ in range(64):  # bounded: a babbling key cannot hold us here
            waiting = self._uart.any()
            if waiting <= 0:
                break
            self._uart.read(waiting)

    def present(self) -> bool:
        """True while a key sits on the contacts."""
        level = self._detect.value()
        return not level if self._active_low else bool(level)

    def set_baud(self, rate: int) -> None:
        """Switch to ``rate`` (one of SPEC §1.1's), 8N1 as before; unread input is dropped."""
        if rate not in BAUD_RATES:
            raise ValueError("baud rate %d is not one of %r" % (rate, BAUD_RATES))
        self.flush()
        self._uart.init(baudrate=rate, bits=8, parity=None, stop=1)
        self.baud = rate
