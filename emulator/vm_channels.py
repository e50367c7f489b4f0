"""The emulator's end of the virtual board's byte channels: a loopback TCP port per channel.

hw/VIRTUAL_BOARD.md describes the channels. ``ChannelEnd()`` listens on
127.0.0.1 at an ephemeral port (``address``, what the board's wiring names)
and takes the board's connection when it comes (``accept(timeout)``); a
board that boots again connects again and replaces the old connection.

Both ends count what they sent and received since the connection began. The
board's sync lines on the panel channel carry its totals, so ``drain_to(total)``
reads exactly what the board wrote before that line (waiting for late bytes),
and the emulator's ``T`` lines carry ``sent``, the total the board must have
taken in before it goes on: what crosses a channel is tied to the moment of
virtual time it belongs to, whatever the socket's delays.
"""

from __future__ import annotations

import contextlib
import select
import socket


class ChannelLost(ConnectionError):
    """The board's end went away (a power cut, a crash) or fell silent past the timeout."""


class ChannelEnd:
    def __init__(self, name: str, timeout_s: float = 30.0) -> None:
        self.name = name
        self.timeout_s = timeout_s
        self._server = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._server.getsockname()[1]}"
        self._conn: socket.socket | None = None
        self.sent = 0
        self.received = 0
        self._rx = bytearray()

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def accept(self, timeout_s: float) -> bool:
        """Take the board's (new) connection if one comes within ``timeout_s``."""
        ready, _, _ = select.select([self._server], [], [], timeout_s)
        if not ready:
            return False
        conn, _ = self._server.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.drop()
        self._conn = conn
        return True

    def drop(self) -> None:
        """Forget the connection (the board lost power): the counts start again."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        self._conn = None
        self.sent = 0
        self.received = 0
        self._rx.clear()

    def send(self, data: bytes) -> None:
        if not data or self._conn is None:
            return
        try:
            self._conn.sendall(data)
        except OSError as exc:
            raise ChannelLost(f"{self.name}: {exc}") from None
        self.sent += len(data)

    def _take_in(self, limit: int, timeout_s: float) -> None:
        if self._conn is None:
            raise ChannelLost(f"{self.name}: no board connected")
        ready, _, _ = select.select([self._conn], [], [], timeout_s)
        if not ready:
            raise ChannelLost(f"{self.name}: the board said nothing for {timeout_s} s")
        try:
            chunk = self._conn.recv(limit)
        except OSError as exc:
            raise ChannelLost(f"{self.name}: {exc}") from None
        if not chunk:
            raise ChannelLost(f"{self.name}: the board closed the channel")
        self._rx += chunk
        self.received += len(chunk)

    def drain_to(self, total: int) -> bytes:
        """Everything the board wrote up to its ``total``-th byte that was not taken yet."""
        while self.received < total:
            self._take_in(total - self.received, self.timeout_s)
        if self.received > total:
            raise ChannelLost(f"{self.name}: the board wrote past the total it announced")
        data = bytes(self._rx)
        self._rx.clear()
        return data

    def readline(self) -> bytes:
        """The board's next line, waiting for it (the panel channel)."""
        while True:
            end = self._rx.find(b"\n")
            if end >= 0:
                line = bytes(self._rx[:end])
                del self._rx[: end + 1]
                return line
            self._take_in(4096, self.timeout_s)

    def close(self) -> None:
        self.drop()
        with contextlib.suppress(OSError):
            self._server.close()
