"""The technician's USB key reader in the emulator: framed messages on a PTY to the key in it.

A real reader is a contact socket behind a USB serial bridge: it passes SPEC.md
frames (section 2) between the technician's laptop and the key unchanged. Here
the socket holds a VirtualKey (or nothing). With no key in it, or a key that
does not answer (pulled, flat battery), the reader itself answers every intact
request with status NO_KEY so the tool can tell "no key" from "no reader".
"""

from __future__ import annotations

import threading

from emulator.pty_port import PtyPort
from emulator.virtual_key import KeyDead, VirtualKey
from protocol.constants import Status
from protocol.errors import ProtocolError
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import decode_message, encode_error, encode_message


class UsbKeyReader:
    def __init__(self, port: PtyPort | None = None) -> None:
        self.port = port or PtyPort()
        self._decoder = FrameDecoder()
        self._key: VirtualKey | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> str:
        return self.port.path

    @property
    def key(self) -> VirtualKey | None:
        return self._key

    def insert(self, key: VirtualKey) -> None:
        with self._lock:
            self._key = key
            key.connect()

    def remove(self) -> VirtualKey | None:
        with self._lock:
            key, self._key = self._key, None
            if key is not None:
                key.disconnect()
            return key

    @property
    def crc_errors(self) -> int:
        return self._decoder.crc_errors

    def poll(self) -> int:
        """Pass on what the tool sent; returns the number of requests answered."""
        answered = 0
        for body in self._decoder.feed(self.port.read(4096)):
            reply = self._answer(body)
            if reply is not None:
                self.port.write(encode_frame(reply))
                answered += 1
        return answered

    def _answer(self, body: bytes) -> bytes | None:
        with self._lock:
            key = self._key
            if key is not None:
                try:
                    reply = key.answer(body)
                except KeyDead:
                    reply = None
                if reply is not None:
                    return reply
        return self._no_key(body)

    @staticmethod
    def _no_key(body: bytes) -> bytes | None:
        try:
            request = decode_message(body)
        except ProtocolError:
            return None  # not even a header: nothing to answer to
        return encode_message(
            request["type"],
            request["seq"],
            encode_error(0, "no key in the reader"),
            response=True,
            status=Status.NO_KEY,
        )

    def close(self) -> None:
        self.port.close()
