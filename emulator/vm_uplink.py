"""The virtual board's network cable: a loopback TCP relay to the back office, cut by the switch.

``SwitchedUplink(target, switch)`` listens on 127.0.0.1 at an ephemeral port
(``url`` is what the station's configuration names as its back office) and
relays every connection to ``target`` (host, port), byte for byte, while
``switch.online`` (an emulator.network_switch.NetworkSwitch) is on. With the
switch off, a new connection is reset at once and the ones open are cut, as
a Wi-Fi that drops does to a station's sockets; the station's HTTP client
(hw/http_client.py) sees a failed request, as on a board.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading

from emulator.network_switch import NetworkSwitch

_RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST


class SwitchedUplink:
    def __init__(self, target: tuple[str, int], switch: NetworkSwitch) -> None:
        self.target = target
        self.switch = switch
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.connections = 0
        self.refused = 0
        self._thread = threading.Thread(target=self._run, name="vm-uplink", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._server, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in selector.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self._server:
                    self._accept(selector)
                else:
                    self._relay(selector, sock, key.data)
            if not self.switch.online:
                self._cut_all(selector)
        self._cut_all(selector)
        selector.close()

    def _accept(self, selector: selectors.BaseSelector) -> None:
        try:
            board, _ = self._server.accept()
        except OSError:
            return
        if not self.switch.online:
            self.refused += 1
            _reset(board)
            return
        try:
            office = socket.create_connection(self.target, timeout=5)
        except OSError:
            _reset(board)
            return
        self.connections += 1
        with self._lock:
            self._pairs.append((board, office))
        selector.register(board, selectors.EVENT_READ, office)
        selector.register(office, selectors.EVENT_READ, board)

    def _relay(
        self, selector: selectors.BaseSelector, source: socket.socket, sink: socket.socket
    ) -> None:
        try:
            data = source.recv(65536)
            if data:
                sink.sendall(data)
                return
        except OSError:
            pass
        self._close_pair(selector, source)

    def _close_pair(self, selector: selectors.BaseSelector, sock: socket.socket) -> None:
        with self._lock:
            pairs = [pair for pair in self._pairs if sock in pair]
            for pair in pairs:
                self._pairs.remove(pair)
        for pair in pairs:
            for end in pair:
                with contextlib.suppress(KeyError, ValueError):
                    selector.unregister(end)
                with contextlib.suppress(OSError):
                    end.close()

    def _cut_all(self, selector: selectors.BaseSelector) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for board, office in pairs:
            for end in (board, office):
                with contextlib.suppress(KeyError, ValueError):
                    selector.unregister(end)
            _reset(board)
            with contextlib.suppress(OSError):
                office.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._server.close()


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
    with contextlib.suppress(OSError):
        sock.close()
