"""A byte channel of the virtual board (MicroPython unix port): one TCP connection to the emulator.

hw/VIRTUAL_BOARD.md describes the channels and their protocol. ``ByteChannel``
connects to "host:port" (loopback) and counts the bytes each way: ``sent``
(what this board wrote) and ``received`` (what it took in). The panel
channel's sync lines carry these totals, so at every moment of the emulator's
virtual time both ends agree on what has crossed each channel, however late
the bytes of a socket arrive.

``ChannelUart(channel, flush=None, baud=None)`` is what a driver gets instead
of a machine.UART (``any``, ``read``, ``write``, ``flush``, ``init``):
hw.key_port.KeyPort and hw.pn532.PN532_UART run on it unchanged. ``flush``
and ``baud`` are the panel link's: waiting for the line to drain and a change
of rate are the emulator's to model (emulator/key_wire.py).
"""

import socket

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only


class ChannelClosed(OSError):
    """The emulator's end of a channel went away (the emulator stopped)."""


class ByteChannel:
    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self._sock: "Any" = socket.socket()
        self._sock.connect(socket.getaddrinfo(host, int(port))[0][-1])
        self.sent = 0
        self.received = 0
        self._rx = b""

    def send(self, data: bytes) -> None:
        if data:
            self._sock.sendall(data)
            self.sent += len(data)

    def _take_in(self, limit: int) -> None:
        chunk = self._sock.recv(limit)
        if not chunk:
            raise ChannelClosed("emulator channel closed")
        self._rx += chunk
        self.received += len(chunk)

    def catch_up(self, total: int) -> None:
        """Wait until ``total`` bytes have come in since connecting (the emulator says so)."""
        while self.received < total:
            self._take_in(total - self.received)

    def readline(self) -> bytes:
        """One line (without its newline), waiting for it: the panel channel's lines."""
        while True:
            end = self._rx.find(b"\n")
            if end >= 0:
                line = self._rx[:end]
                self._rx = self._rx[end + 1 :]
                return line
            self._take_in(256)

    def any(self) -> int:
        return len(self._rx)

    def take(self, count: int) -> bytes:
        data = self._rx[:count]
        self._rx = self._rx[count:]
        return data

    def close(self) -> None:
        self._sock.close()


class ChannelUart:
    """machine.UART's face on a byte channel: what the emulator delivered so far, never waiting."""

    def __init__(
        self,
        channel: ByteChannel,
        flush: "Callable[[], None] | None" = None,
        baud: "Callable[[int], None] | None" = None,
    ) -> None:
        self._channel = channel
        self._flush = flush
        self._baud = baud

    def any(self) -> int:
        return self._channel.any()

    def read(self, count: int = -1) -> bytes:
        waiting = self._channel.any()
        return self._channel.take(waiting if count < 0 else min(count, waiting))

    def write(self, buf: bytes) -> int:
        self._channel.send(bytes(buf))
        return len(buf)

    def flush(self) -> None:
        """Wait until everything written has left (the emulator's line says when)."""
        if self._flush is not None:
            self._flush()

    def init(self, baudrate: int = 115200, **_: "Any") -> None:
        if self._baud is not None:
            self._baud(baudrate)
