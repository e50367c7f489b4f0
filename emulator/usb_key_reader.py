"""The technician's USB key reader in the emulator: framed messages on a PTY to the key in it.

A real reader is a contact socket behind a USB serial bridge: it passes SPEC.md
frames (section 2) between the technician's laptop and the key unchanged. Here
the socket holds a VirtualKey (or nothing). With no key in it, or a key that
does not answer (pulled, flat battery), the reader answers for the absent key
(SPEC.md 5.10): first the header rules of section 3 as a key applies them
(shorter than a header or a length that disagrees: MALFORMED, detail 8 or 6;
a version other than 1: UNSUPPORTED_VERSION, detail 1; the RESPONSE flag or a
status: MALFORMED, detail 4 or 5), and only a well-formed request gets NO_KEY,
detail 0.
"""

from __future__ import annotations

import threading

from emulator.pty_port import PtyPort
from emulator.virtual_key import KeyDead, VirtualKey
from protocol import constants as k
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
        """The reader's own answer when no key answers (SPEC.md 5.10)."""
        if len(body) < 4:
            return None  # no type and seq to answer with
        msg_type, seq = body[1], int.from_bytes(body[2:4], "little")
        status, detail, text = _refusal(body)
        return encode_message(
            msg_type, seq, encode_error(detail, text), response=True, status=status
        )

    def close(self) -> None:
        self.port.close()


def _refusal(body: bytes) -> tuple[Status, int, str]:
    """(status, detail, text) for a message reaching an empty reader: header rules first."""
    if len(body) < k.HEADER_SIZE:
        return Status.MALFORMED, k.HEADER_SIZE, "shorter than a header"
    if body[0] != k.PROTOCOL_VERSION:
        return (
            Status.UNSUPPORTED_VERSION,
            k.PROTOCOL_VERSION,
            f"supported versions: {k.PROTOCOL_VERSION}",
        )
    try:
        message = decode_message(body)
    except ProtocolError:
        return Status.MALFORMED, 6, "length does not match the payload"
    if message["flags"] & (k.FLAG_RESPONSE | k.FLAG_ERROR):
        return Status.MALFORMED, 4, "a request has neither RESPONSE nor ERROR"
    if message["status"] != 0:
        return Status.MALFORMED, 5, "a request has status 0"
    return Status.NO_KEY, 0, "no key in the reader"
