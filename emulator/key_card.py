"""The NFC face of a virtual key: the card that emulator.pn532_chip.EmulatedPN532 talks to.

SPEC.md 1.2: the station selects the synk application (AID F0 'SYNK01'),
which answers 90 00; then each protocol message travels in one APDU,
``80 53 00 00 Lc <message> 00``, answered ``<reply message> 90 00``. No COBS,
no CRC: ISO/IEC 14443 has its own.

What does not fit gets an ISO/IEC 7816-4 status word and never reaches the
key: 6E 00 (class not supported), 6D 00 (instruction not supported), 6A 86
(P1-P2 not 00 00), 6A 82 (SELECT of another application; it deselects
synk), 69 85 (a message APDU before a SELECT of synk), 67 00 (Lc that does not
match the APDU's length, an empty or over-240-byte message, Le missing).

The card is in the field (``present``) until ``pull()``, and also not while
the key's battery is empty or after the key left on its own
(``VirtualKey.pull_after_requests``). Leaving the field deselects the
application and ends the key's session. A key that leaves while answering an
APDU returns b"" (no status word: the reader sees a transport failure).
"""

from __future__ import annotations

from emulator.virtual_key import VirtualKey
from protocol import constants as k

__all__ = [
    "SELECT_SYNK",
    "SW_APP_NOT_FOUND",
    "SW_CLA_NOT_SUPPORTED",
    "SW_CONDITIONS",
    "SW_INS_NOT_SUPPORTED",
    "SW_OK",
    "SW_P1P2",
    "SW_WRONG_LENGTH",
    "KeyCard",
]

SELECT_SYNK = b"\x00\xa4\x04\x00" + bytes([len(k.NFC_AID)]) + k.NFC_AID + b"\x00"
SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_CONDITIONS = b"\x69\x85"
SW_P1P2 = b"\x6a\x86"
SW_APP_NOT_FOUND = b"\x6a\x82"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_CLA_NOT_SUPPORTED = b"\x6e\x00"

_CLA_ISO = 0x00
_CLA_SYNK = 0x80
_INS_SELECT = 0xA4
_INS_MESSAGE = 0x53


class KeyCard:
    """`key` as an ISO/IEC 14443-4 card with UID `uid` (4, 7 or 10 bytes)."""

    def __init__(self, key: VirtualKey, uid: bytes) -> None:
        if len(uid) not in (4, 7, 10):
            raise ValueError(f"a type A UID has 4, 7 or 10 bytes, not {len(uid)}")
        self.key = key
        self.uid = bytes(uid)
        self.selected = False
        self.apdus = 0  # APDUs received
        self.messages = 0  # messages passed to the key
        self._in_field = True
        key.connect()

    @property
    def present(self) -> bool:
        """In the field and able to answer."""
        return self._in_field and self.key.alive and not self.key.pulled

    @present.setter
    def present(self, value: bool) -> None:
        if value:
            self.insert()
        else:
            self.pull()

    def pull(self) -> None:
        """The key leaves the field."""
        if self._in_field:
            self._in_field = False
            self.selected = False
            self.key.disconnect()

    def insert(self) -> None:
        """The key comes (back) into the field; the station must SELECT again."""
        if not self._in_field or self.key.pulled:
            self._in_field = True
            self.selected = False
            self.key.connect()

    def apdu(self, data: bytes) -> bytes:
        """The response APDU (data and status word) to one command APDU."""
        self.apdus += 1
        if len(data) < 4:
            return SW_WRONG_LENGTH
        cla, ins, p1, p2 = data[0], data[1], data[2], data[3]
        if cla == _CLA_ISO and ins == _INS_SELECT:
            return self._select(data)
        if cla != _CLA_SYNK:
            return SW_CLA_NOT_SUPPORTED
        if ins != _INS_MESSAGE:
            return SW_INS_NOT_SUPPORTED
        if p1 or p2:
            return SW_P1P2
        if len(data) < 5 or data[4] == 0 or len(data) != 5 + data[4] + 1:
            return SW_WRONG_LENGTH
        if data[4] > k.NFC_MAX_MESSAGE or data[-1] != 0:
            return SW_WRONG_LENGTH
        if not self.selected:
            return SW_CONDITIONS
        self.messages += 1
        reply = self.key.answer(bytes(data[5:-1]), k.NFC_MAX_PAYLOAD)
        self.key.take_baud_change()  # no baud rate on NFC
        if reply is None:
            self._in_field = False
            self.selected = False
            return b""
        return reply + SW_OK

    def _select(self, data: bytes) -> bytes:
        if data[2:4] != b"\x04\x00":
            return SW_P1P2
        if len(data) < 5 or len(data) not in (5 + data[4], 5 + data[4] + 1):
            return SW_WRONG_LENGTH
        aid = bytes(data[5 : 5 + data[4]])
        self.selected = aid == k.NFC_AID
        return SW_OK if self.selected else SW_APP_NOT_FOUND
