"""A PN532 NFC controller emulated at byte level, with a card (a synk key) in or out of its field.

It speaks what NXP UM0701-02 Rev. 02 (PN532 User Manual, firmware V1.6) says the
chip speaks, written apart from hw/pn532.py so that each checks the other:

- frames (UM §6.2.1 p.28-31): normal and extended information frames, ACK,
  NACK, the syntax-error frame; any number of 00 before the start code 00 FF;
- dialog (UM §6.2.2 p.33): a well-formed command frame is answered with an ACK,
  then with the response frame. A frame with a bad LCS or DCS is not
  understood, so it gets nothing at all: the host times out waiting for the ACK
  and sends the command again. NACK from the host asks for the last response
  again; an ACK from the host aborts a command still running;
- power-up in LowVbat mode (PN532 C106): on the HSU it sleeps until it sees the
  wake-up byte 0x55; on I2C the first transaction to its address wakes it;
- commands: GetFirmwareVersion (IC 0x32, Ver 1, Rev 6, Support 7: a real PN532
  V1.6, UM §7.2.2 p.73), SAMConfiguration, RFConfiguration, InListPassiveTarget
  (106 kbps type A), InDataExchange, InRelease; any other code gets the
  syntax-error frame.

InListPassiveTarget waits for a card for as long as MxRtyPassiveActivation
(RFConfiguration item 5) is 0xFF, the value after reset: the answer appears
when a card enters the field, or never if the host aborts. With a finite retry
count an empty field answers NbTg = 0 at once (the real chip takes a few
milliseconds per try).

The card is any object with ``uid: bytes``, ``present: bool`` and
``apdu(data: bytes) -> bytes``; optional ``sens_res: bytes``, ``sel_res: int``
and ``ats: bytes`` override what an ISO/IEC 14443-4 key with that UID reports.

Two faces: ``EmulatedPN532`` itself is the HSU side (``write``, ``read``,
``any``: what hw.pn532.PN532_UART needs of a machine.UART); ``EmulatedPN532I2C``
is the I2C side (``writeto``, ``readfrom``, ``readfrom_into``, ``scan``).
``corrupt_next_commands`` and ``corrupt_next_responses`` put noise on the line
for the next frames in either direction.
"""

# typing does not exist on MicroPython; mypy takes any TYPE_CHECKING name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    class Card(Protocol):
        uid: bytes
        present: bool

        def apdu(self, data: bytes) -> bytes: ...


_TFI_HOST = 0xD4
_TFI_CHIP = 0xD5
ACK = b"\x00\x00\xff\x00\xff\x00"
NACK = b"\x00\x00\xff\xff\x00\x00"
ERROR_FRAME = b"\x00\x00\xff\x01\xff\x7f\x81\x00"
WAKEUP_BYTE = 0x55

FIRMWARE = b"\x32\x01\x06\x07"  # IC PN532, firmware 1.6, ISO 14443 A + B + ISO 18092
MAX_DATA_OUT = 262  # InDataExchange DataOut limit (UM §7.3.8)
STATUS_OK = 0x00
STATUS_TIMEOUT = 0x01  # the target has not answered (UM §7.1)
STATUS_NOT_ACCEPTABLE = 0x27  # command not acceptable in the current context (UM §7.1)

# Defaults for an ISO/IEC 14443-4 key: ATQA 0x0044 (double-size UID) or 0x0004,
# SAK 0x20 (ISO/IEC 14443-4 compliant), an ATS with TL = 6 like a DESFire's.
_DEFAULT_ATS = b"\x06\x75\x77\x81\x02\x80"
_SAK_ISO14443_4 = 0x20

# RFConfiguration items whose length this emulation checks (UM §7.3.1)
_RF_ITEM_LENGTHS = {0x01: 1, 0x02: 3, 0x04: 1, 0x05: 3}


class _SyntaxError(Exception):
    """The command's parameters do not fit: the chip answers with the error frame."""


def _checksum(data: "bytes | bytearray") -> int:
    return -sum(data) & 0xFF


def information_frame(data: bytes, tfi: int = _TFI_CHIP) -> bytes:
    """The frame the chip sends: normal up to 255 bytes of TFI + data, extended above."""
    body = bytes([tfi]) + data
    length = len(body)
    if length <= 255:
        head = bytes([0, 0, 0xFF, length, -length & 0xFF])
    else:
        high, low = length >> 8, length & 0xFF
        head = bytes([0, 0, 0xFF, 0xFF, 0xFF, high, low, -(high + low) & 0xFF])
    return head + body + bytes([_checksum(body), 0])


class EmulatedPN532:
    """The chip, HSU face: host bytes go in with ``write``, chip bytes come out of ``read``."""

    def __init__(self, card: "Card | None" = None, asleep: bool = True) -> None:
        self.card = card
        self.asleep = asleep
        self.sam_mode = 0  # 0 until SAMConfiguration
        self.rf_on = False
        self.max_retries_passive = 0xFF
        self.active_tg = 0  # 1 while a listed target is active
        self.commands: list[int] = []  # codes of the commands executed, oldest first
        self.bad_frames = 0  # frames dropped for a bad checksum or TFI
        self.nacks = 0
        self.aborts = 0
        self.corrupt_next_commands = 0
        self.corrupt_next_responses = 0
        self._in = bytearray()
        self._out: list[bytearray] = []
        self._last_response = b""
        self._pending: bytes | None = None  # InListPassiveTarget parameters, waiting for a card
        self._handlers: dict[int, Callable[[bytes], bytes | None]] = {
            0x02: self._get_firmware_version,
            0x14: self._sam_configuration,
            0x32: self._rf_configuration,
            0x40: self._in_data_exchange,
            0x4A: self._in_list_passive_target,
            0x52: self._in_release,
        }

    # --- the HSU face ----------------------------------------------------------
    def write(self, data: "bytes | bytearray") -> int:
        """Bytes from the host controller. Returns how many were taken (all of them)."""
        data = bytes(data)
        if self.asleep:
            at = data.find(bytes([WAKEUP_BYTE]))
            if at < 0:
                return len(data)  # asleep: nothing was heard
            self.asleep = False
            self._in = bytearray()
            data = data[at + 1 :]
        self._in.extend(data)
        self._process()
        return len(data)

    def any(self) -> int:
        """How many bytes the chip has ready for the host."""
        self._poll()
        return sum(len(frame) for frame in self._out)

    def read(self, count: int = -1) -> bytes:
        """Up to ``count`` bytes for the host (all if negative); b"" when there are none."""
        self._poll()
        got = bytearray()
        while self._out and (count < 0 or len(got) < count):
            frame = self._out[0]
            take = len(frame) if count < 0 else min(len(frame), count - len(got))
            got.extend(frame[:take])
            if take == len(frame):
                self._out.pop(0)
            else:
                self._out[0] = frame[take:]
        return bytes(got)

    # --- used by the I2C face ---------------------------------------------------
    def pending_frame(self) -> "bytes | None":
        """The next frame for the host, from its start, or None."""
        self._poll()
        return bytes(self._out[0]) if self._out else None

    def take_frame(self) -> None:
        """The host has read the next frame whole."""
        if self._out:
            self._out.pop(0)

    # --- card in and out ----------------------------------------------------------
    def _card_present(self) -> bool:
        return self.card is not None and bool(self.card.present)

    def _poll(self) -> None:
        if self._pending is not None and self._card_present():
            self._pending = None
            self._respond(0x4A, self._list_answer())

    # --- frames -------------------------------------------------------------------
    def _process(self) -> None:
        buf = self._in
        while True:
            start = bytes(buf).find(b"\x00\xff")
            if start < 0:
                del_to = len(buf) - 1 if buf and buf[-1] == 0 else len(buf)
                self._in = buf = buf[del_to:]
                return
            i = start + 2
            if i + 1 >= len(buf):
                self._in = buf[start:]
                return
            first, second = buf[i], buf[i + 1]
            if first == 0x00 and second == 0xFF:  # ACK from the host: abort
                if self._pending is not None:
                    self._pending = None
                    self.aborts += 1
                buf = buf[i + 2 :]
                continue
            if first == 0xFF and second == 0x00:  # NACK: the last response again
                self.nacks += 1
                if self._last_response:
                    self._out.append(bytearray(self._last_response))
                buf = buf[i + 2 :]
                continue
            if first == 0xFF and second == 0xFF:  # extended frame
                if i + 4 >= len(buf):
                    self._in = buf[start:]
                    return
                length = (buf[i + 2] << 8) | buf[i + 3]
                if (buf[i + 2] + buf[i + 3] + buf[i + 4]) & 0xFF or length == 0:
                    self.bad_frames += 1
                    buf = buf[i:]
                    continue
                body_at = i + 5
            else:
                length = first
                if (first + second) & 0xFF or length == 0:
                    self.bad_frames += 1  # not a frame: look for the next start code
                    buf = buf[i:]
                    continue
                body_at = i + 2
            if body_at + length >= len(buf):
                self._in = buf[start:]
                return
            body = bytes(buf[body_at : body_at + length])
            dcs = buf[body_at + length]
            buf = buf[body_at + length + 1 :]
            if self.corrupt_next_commands > 0:
                self.corrupt_next_commands -= 1
                dcs ^= 0x01  # line noise hit this frame
            if (sum(body) + dcs) & 0xFF or body[0] != _TFI_HOST or length < 2:
                self.bad_frames += 1
                continue
            self._out.append(bytearray(ACK))
            self._execute(body[1], body[2:])

    def _execute(self, command: int, params: bytes) -> None:
        handler = self._handlers.get(command)
        if handler is None:
            self._out.append(bytearray(ERROR_FRAME))
            return
        self.commands.append(command)
        try:
            answer = handler(params)
        except _SyntaxError:
            self._out.append(bytearray(ERROR_FRAME))
            return
        if answer is not None:
            self._respond(command, answer)

    def _respond(self, command: int, answer: bytes) -> None:
        frame = information_frame(bytes([command + 1]) + answer)
        self._last_response = frame
        if self.corrupt_next_responses > 0:
            self.corrupt_next_responses -= 1
            noisy = bytearray(frame)
            noisy[-2] ^= 0x01  # the DCS no longer fits; a NACK brings the clean copy
            self._out.append(noisy)
        else:
            self._out.append(bytearray(frame))

    # --- commands -----------------------------------------------------------------
    def _get_firmware_version(self, params: bytes) -> bytes:
        if params:
            raise _SyntaxError
        return FIRMWARE

    def _sam_configuration(self, params: bytes) -> bytes:
        if not 1 <= len(params) <= 3 or not 1 <= params[0] <= 4:
            raise _SyntaxError
        self.sam_mode = params[0]
        return b""

    def _rf_configuration(self, params: bytes) -> bytes:
        if not params:
            raise _SyntaxError
        item = params[0]
        expected = _RF_ITEM_LENGTHS.get(item)
        if expected is not None and len(params) - 1 != expected:
            raise _SyntaxError
        if item == 0x01:
            self.rf_on = bool(params[1] & 0x01)
            if not self.rf_on:
                self.active_tg = 0
        elif item == 0x05:
            self.max_retries_passive = params[3]
        return b""

    def _in_list_passive_target(self, params: bytes) -> "bytes | None":
        if len(params) < 2 or params[0] not in (1, 2):
            raise _SyntaxError
        self.rf_on = True
        self.active_tg = 0
        if params[1] != 0x00:  # only 106 kbps type A cards exist here
            return b"\x00"
        if self._card_present():
            return self._list_answer()
        if self.max_retries_passive == 0xFF:
            self._pending = params
            return None
        return b"\x00"

    def _list_answer(self) -> bytes:
        card = self.card
        assert card is not None
        uid = bytes(card.uid)
        sens_res = getattr(card, "sens_res", None)
        if sens_res is None:
            sens_res = b"\x00\x44" if len(uid) > 4 else b"\x00\x04"
        sel_res = getattr(card, "sel_res", None)
        if sel_res is None:
            sel_res = _SAK_ISO14443_4
        ats = getattr(card, "ats", None)
        if ats is None:
            ats = _DEFAULT_ATS if sel_res & _SAK_ISO14443_4 else b""
        self.active_tg = 1
        head = bytes([1, 1]) + bytes(sens_res) + bytes([int(sel_res), len(uid)])
        return head + uid + bytes(ats)

    def _in_data_exchange(self, params: bytes) -> bytes:
        if not params or len(params) - 1 > MAX_DATA_OUT:
            raise _SyntaxError
        tg = params[0] & 0x0F  # bit 6 would be MI (chaining), not used by the host here
        if self.active_tg == 0 or tg != self.active_tg:
            return bytes([STATUS_NOT_ACCEPTABLE])
        card = self.card
        if card is None or not card.present:
            return bytes([STATUS_TIMEOUT])
        return bytes([STATUS_OK]) + bytes(card.apdu(bytes(params[1:])))

    def _in_release(self, params: bytes) -> bytes:
        if len(params) != 1:
            raise _SyntaxError
        self.active_tg = 0
        return bytes([STATUS_OK])


class EmulatedPN532I2C:
    """The chip's I2C face: a machine.I2C look-alike with the PN532 at ``address``.

    A read transaction returns the status byte (0x01 when a frame is ready,
    0x00 when not) and then the pending frame from its first byte; a read that
    covers the whole frame takes it off the chip. Reading past the frame gives
    0x00 bytes. Other addresses do not answer (OSError ENODEV).
    """

    def __init__(self, chip: EmulatedPN532, address: int = 0x24) -> None:
        self.chip = chip
        self.address = address

    def _check(self, address: int) -> None:
        if address != self.address:
            raise OSError(19)  # ENODEV: nobody acknowledged the address
        self.chip.asleep = False  # I2C wakes the chip on its own address

    def scan(self) -> "list[int]":
        return [self.address]

    def writeto(self, address: int, data: "bytes | bytearray", stop: bool = True) -> int:
        self._check(address)
        self.chip.write(bytes(data))
        return len(data)

    def readfrom(self, address: int, count: int, stop: bool = True) -> bytes:
        self._check(address)
        frame = self.chip.pending_frame()
        if frame is None:
            return bytes(count)
        body = frame[: count - 1]
        if count - 1 >= len(frame):
            self.chip.take_frame()
        return b"\x01" + body + bytes(count - 1 - len(body))

    def readfrom_into(self, address: int, buf: bytearray, stop: bool = True) -> None:
        data = self.readfrom(address, len(buf), stop)
        for i in range(len(buf)):
            buf[i] = data[i]
