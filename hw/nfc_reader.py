"""A synk key over NFC: find it, select the synk application, carry one message per APDU.

protocol/SPEC.md §1.2: the station's PN532 is an ISO/IEC 14443-4 initiator.
It selects the application with AID F0 'SYNK01', which must answer 90 00::

    SELECT:   00 A4 04 00 07 F0 53 59 4E 4B 30 31 00
    request:  80 53 00 00 Lc <message, Lc bytes> 00
    response: <reply message> 90 00

No COBS and no CRC (ISO/IEC 14443 has its own CRC); a message is 1..240 bytes.
A status word other than 90 00, a chip error or a timeout is a transport
failure: the firmware retries the exchange like a lost frame (SPEC §1.3).
"""

from hw._port import const
from hw.pn532 import PN532Error

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from hw.pn532 import PN532Base, Target

SYNK_AID = b"\xf0SYNK01"  # F0 53 59 4E 4B 30 31
SELECT_SYNK = b"\x00\xa4\x04\x00\x07" + SYNK_AID + b"\x00"
SW_OK = b"\x90\x00"
_CLA_INS_P1_P2 = b"\x80\x53\x00\x00"
MAX_MESSAGE = const(240)  # SPEC §1.2: Lc is one byte and the PN532 frame must hold it all


class NfcError(Exception):
    """The exchange failed at the transport: bad status word, chip error, card gone, timeout.

    ``sw`` is the status word (2 bytes) when the card answered with one,
    ``code`` the PN532 error code (hw.pn532.ERROR_NAMES) when the chip reported one.
    """

    def __init__(self, message: str, sw: "bytes | None" = None, code: "int | None" = None) -> None:
        super().__init__(message)
        self.sw = sw
        self.code = code


def build_apdu(message: bytes) -> bytes:
    """The APDU of SPEC §1.2 around one protocol message."""
    if not 0 < len(message) <= MAX_MESSAGE:
        raise ValueError("an NFC message is 1..%d bytes, not %d" % (MAX_MESSAGE, len(message)))
    return _CLA_INS_P1_P2 + bytes([len(message)]) + bytes(message) + b"\x00"


class NfcKeyReader:
    """A key reader on a PN532 (hw.pn532.PN532_UART or PN532_I2C, or anything with their commands).

    ``search_ms`` bounds how long ``find_key`` waits for a card; ``timeout_ms``
    how long one APDU may take.
    """

    def __init__(self, pn532: "PN532Base", search_ms: int = 200, timeout_ms: int = 1000) -> None:
        self.pn532 = pn532
        self.search_ms = search_ms
        self.timeout_ms = timeout_ms
        self.target: "Target | None" = None  # the key found by find_key, until release

    def begin(self) -> "tuple[int, int, int, int]":
        """Wake and configure the chip; returns its firmware version (IC, Ver, Rev, Support).

        The passive-activation retry count is set to 2 so that a search of an
        empty field ends in the chip itself, not only in our timeout.
        """
        version = self.pn532.begin()
        self.pn532.set_max_retries(passive_activation=2)
        return version

    def find_key(self) -> bool:
        """True when a synk key is in the field and its application is selected."""
        self.target = None
        try:
            target = self.pn532.list_passive_target(self.search_ms)
            if target is None:
                return False
            if not target.iso14443_4():  # a MIFARE Classic or a tag: not a key
                self._release_quietly()
                return False
            answer = self.pn532.data_exchange(SELECT_SYNK, target.tg, self.timeout_ms)
        except PN532Error:
            self._release_quietly()
            return False
        if answer[-2:] != SW_OK:
            self._release_quietly()
            return False
        self.target = target
        return True

    def exchange(self, message: bytes) -> bytes:
        """Send one protocol message to the key and return its reply message.

        Raises NfcError when the key is not selected, the chip reports an error
        (the key left the field: code 0x01) or the status word is not 90 00.
        """
        apdu = build_apdu(message)
        if self.target is None:
            raise NfcError("no key selected")
        try:
            answer = self.pn532.data_exchange(apdu, self.target.tg, self.timeout_ms)
        except PN532Error as exc:
            raise NfcError("NFC exchange failed: %s" % exc, None, exc.code)
        if len(answer) < 2:
            raise NfcError("NFC answer without status word")
        sw = bytes(answer[-2:])
        if sw != SW_OK:
            raise NfcError("key answered status word %02X %02X" % (sw[0], sw[1]), sw)
        return bytes(answer[:-2])

    def release(self) -> None:
        """Let the key go (InRelease); harmless when none is selected or the chip is gone."""
        self.target = None
        self._release_quietly()

    def _release_quietly(self) -> None:
        try:
            self.pn532.release()
        except PN532Error:
            pass
