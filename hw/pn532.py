"""NXP PN532 NFC controller: frames and commands once, transports (HSU UART, I2C) as subclasses.

Everything here follows the PN532 User Manual, NXP UM0701-02 Rev. 02 (firmware
V1.6), cited as "UM §x.y p.N". Like Adafruit's adafruit_pn532, ``PN532Base``
owns the frame format and the command dialog; ``PN532_UART`` and ``PN532_I2C``
override only ``_wake``, ``_wait_ready``, ``_read`` and ``_write``.

Frames (UM §6.2.1, p.28-31), host to PN532 and back::

    normal    00 00 FF LEN LCS TFI PD0..PDn DCS 00          LEN = 1 + n+1 <= 255
    extended  00 00 FF FF FF LENM LENL LCS TFI PD0..PDn DCS 00   LEN <= 265
    ACK       00 00 FF 00 FF 00
    NACK      00 00 FF FF 00 00          (host to PN532 only: "send it again")
    error     00 00 FF 01 FF 7F 81 00    (syntax error at application level)

LCS makes ``LEN + LCS`` (``LENM + LENL + LCS``) zero modulo 256, DCS makes
``TFI + PD0 + .. + PDn + DCS`` zero. TFI is D4 from the host, D5 from the chip;
PD0 is the command code, and a response's code is the command's plus one.

Dialog (UM §6.2.2, p.33): the host sends a command; the chip answers with an
ACK as soon as it has a well-formed frame, later with the response. A frame the
chip could not read gets no ACK, so the host sends it again. A response the host
could not read is asked for again with a NACK. An ACK from the host while a
command runs aborts it (used when a card search outlasts our patience).
"""

from hw._port import const, sleep_ms, ticks_diff, ticks_ms

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

TFI_HOST = const(0xD4)  # frame identifier, host controller to PN532
TFI_CHIP = const(0xD5)  # PN532 to host controller
_TFI_ERROR = const(0x7F)  # the one data byte of the syntax-error frame

# Command codes (UM §7, table on p.65-66)
CMD_GET_FIRMWARE_VERSION = const(0x02)  # UM §7.2.2 p.73
CMD_SAM_CONFIGURATION = const(0x14)  # UM §7.2.10 p.89
CMD_RF_CONFIGURATION = const(0x32)  # UM §7.3.1 p.101
CMD_IN_DATA_EXCHANGE = const(0x40)  # UM §7.3.8 p.127
CMD_IN_LIST_PASSIVE_TARGET = const(0x4A)  # UM §7.3.5 p.115
CMD_IN_RELEASE = const(0x52)  # UM §7.3.11 p.140

# RFConfiguration items (UM §7.3.1)
RF_ITEM_FIELD = const(0x01)  # ConfigurationData bit 0: RF field on
RF_ITEM_MAX_RETRIES = const(0x05)  # MxRtyATR, MxRtyPSL, MxRtyPassiveActivation

BRTY_106_TYPE_A = const(0x00)  # InListPassiveTarget: 106 kbps ISO/IEC 14443 type A
SEL_RES_ISO14443_4 = const(0x20)  # SEL_RES (SAK) bit 5: the card speaks ISO/IEC 14443-4

ACK = b"\x00\x00\xff\x00\xff\x00"  # UM §6.2.1.3
NACK = b"\x00\x00\xff\xff\x00\x00"  # UM §6.2.1.4
ERROR_FRAME = b"\x00\x00\xff\x01\xff\x7f\x81\x00"  # UM §6.2.1.5

# Host Serial Unit wake-up: 55 55 then zeros long enough for the chip to start
# its oscillator (as Adafruit's uart.py sends); the first command after it
# must be SAMConfiguration on a C106 that powered up in LowVbat mode.
HSU_WAKEUP = b"\x55\x55" + bytes(14)

MAX_NORMAL_LEN = const(255)  # TFI + data in a normal frame (UM §6.2.1.1)
MAX_EXTENDED_LEN = const(265)  # TFI + data in an extended frame (UM §6.2.1.2)

# Kinds of frame found by parse_frame
FRAME_ACK = "ack"
FRAME_NACK = "nack"
FRAME_ERROR = "error"
FRAME_INFO = "info"
FRAME_BAD = "bad"  # a checksum failed; the bytes up to ``end`` can be dropped

# Error codes of the status byte (UM §7.1 p.67). Bits 0-5 are the code; bit 6 is
# MI (more information follows), bit 7 NAD present.
ERROR_NAMES = {
    0x01: "TIMEOUT",  # the target has not answered
    0x02: "CRC_ERROR",
    0x03: "PARITY_ERROR",
    0x04: "BIT_COUNT_ERROR",  # erroneous bit count during anticollision/select
    0x05: "FRAMING_ERROR",
    0x06: "BIT_COLLISION",
    0x07: "BUFFER_TOO_SMALL",
    0x09: "RF_BUFFER_OVERFLOW",
    0x0A: "RF_FIELD_TIMEOUT",  # RF field not switched on in time
    0x0B: "RF_PROTOCOL_ERROR",
    0x0D: "OVERHEATING",
    0x0E: "INTERNAL_BUFFER_OVERFLOW",
    0x10: "INVALID_PARAMETER",
    0x12: "DEP_UNSUPPORTED_COMMAND",
    0x13: "DEP_INVALID_FORMAT",
    0x14: "AUTHENTICATION_ERROR",
    0x23: "UID_CHECK_BYTE_WRONG",
    0x25: "DEP_INVALID_DEVICE_STATE",
    0x26: "OPERATION_NOT_ALLOWED",
    0x27: "COMMAND_NOT_ACCEPTABLE",
    0x29: "RELEASED_BY_INITIATOR",
    0x2A: "CARD_ID_MISMATCH",
    0x2B: "CARD_DISAPPEARED",
    0x2C: "NFCID3_MISMATCH",
    0x2D: "OVER_CURRENT",
    0x2E: "NAD_MISSING",
}
_STATUS_MI = const(0x40)


class PN532Error(Exception):
    """The chip reported an error (``code`` from UM §7.1, ``name`` from ERROR_NAMES) or misbehaved.

    ``code`` is None for failures of the link itself (see the subclasses).
    """

    def __init__(self, message: str, code: "int | None" = None) -> None:
        super().__init__(message)
        self.code = code
        self.name = ERROR_NAMES.get(code, "UNKNOWN") if code is not None else None


class PN532TimeoutError(PN532Error):
    """No ACK or no response within the time allowed (link down, chip asleep, no card).

    ``acked`` is true when the chip did acknowledge the command but its answer
    did not come in time (a card search that found nothing, for one).
    """

    def __init__(self, message: str, acked: bool = False) -> None:
        super().__init__(message)
        self.acked = acked


class PN532FrameError(PN532Error):
    """Frames kept arriving with bad checksums after every retry."""


def status_error(status: int, what: str) -> PN532Error:
    """The exception for a non-zero status byte: message names the code."""
    code = status & 0x3F
    name = ERROR_NAMES.get(code, "UNKNOWN")
    return PN532Error("%s: status 0x%02X %s" % (what, code, name), code)


def checksum(data: "bytes | bytearray | memoryview") -> int:
    """The byte that makes the sum of ``data`` plus it zero modulo 256 (LCS and DCS)."""
    return -sum(data) & 0xFF


def build_frame(data: bytes, tfi: int = TFI_HOST, extended: bool = False) -> bytes:
    """An information frame carrying ``data`` (PD0..PDn: command code and parameters).

    A normal frame when TFI + data fit in 255 bytes and ``extended`` is false,
    otherwise an extended one (UM §6.2.1.2: the host may always use it).
    """
    length = len(data) + 1
    if length > MAX_EXTENDED_LEN:
        raise ValueError("PN532 frame data too long: %d bytes" % len(data))
    body = bytes([tfi]) + bytes(data)
    if length <= MAX_NORMAL_LEN and not extended:
        head = bytes([0x00, 0x00, 0xFF, length, -length & 0xFF])
    else:
        high = length >> 8
        low = length & 0xFF
        head = bytes([0x00, 0x00, 0xFF, 0xFF, 0xFF, high, low, checksum(bytes([high, low]))])
    return head + body + bytes([checksum(body), 0x00])


def parse_frame(buf: "bytes | bytearray", start: int = 0) -> "tuple[str, bytes, int] | None":
    """The first frame in ``buf`` from ``start``: (kind, TFI + data, end) or None if incomplete.

    Leading bytes before the start code 00 FF (preamble, noise, a postamble left
    over) are skipped. ``end`` is the index just past the frame's postamble (or
    its DCS when the postamble has not arrived yet). ``kind`` is FRAME_ACK,
    FRAME_NACK, FRAME_ERROR (data is b"\\x7f"), FRAME_INFO, or FRAME_BAD when a
    checksum failed: then ``end`` tells how far to skip before looking again.
    """
    size = len(buf)
    i = start
    while True:
        if i + 1 >= size:
            return None
        if buf[i] == 0x00 and buf[i + 1] == 0xFF:
            break
        i += 1
    i += 2  # at LEN
    if i + 1 >= size:
        return None
    first = buf[i]
    second = buf[i + 1]
    if first == 0x00 and second == 0xFF:
        return FRAME_ACK, b"", _past_postamble(buf, i + 2)
    if first == 0xFF and second == 0x00:
        return FRAME_NACK, b"", _past_postamble(buf, i + 2)
    if first == 0xFF and second == 0xFF:  # extended frame
        if i + 4 >= size:
            return None
        length = (buf[i + 2] << 8) | buf[i + 3]
        if (buf[i + 2] + buf[i + 3] + buf[i + 4]) & 0xFF or not 0 < length <= MAX_EXTENDED_LEN:
            return FRAME_BAD, b"", i
        i += 5
    else:
        length = first
        if (first + second) & 0xFF or length == 0:
            return FRAME_BAD, b"", i
        i += 2
    if i + length >= size:  # TFI + data + DCS not all here yet
        return None
    body = bytes(buf[i : i + length])
    if (sum(body) + buf[i + length]) & 0xFF:
        return FRAME_BAD, b"", i + length + 1
    end = _past_postamble(buf, i + length + 1)
    if length == 1 and body[0] == _TFI_ERROR:
        return FRAME_ERROR, body, end
    return FRAME_INFO, body, end


def _past_postamble(buf: "bytes | bytearray", i: int) -> int:
    return i + 1 if i < len(buf) and buf[i] == 0x00 else i


class Target:
    """A card found by InListPassiveTarget at 106 kbps type A (UM §7.3.5 p.115-116)."""

    def __init__(self, tg: int, sens_res: bytes, sel_res: int, uid: bytes, ats: bytes) -> None:
        self.tg = tg  # the chip's number for it, used by InDataExchange
        self.sens_res = sens_res  # SENS_RES (ATQA), 2 bytes as the chip sends them
        self.sel_res = sel_res  # SEL_RES (SAK)
        self.uid = uid  # NFCID1: 4, 7 or 10 bytes
        self.ats = ats  # answer to select (ISO/IEC 14443-4 cards), b"" if none

    def iso14443_4(self) -> bool:
        return bool(self.sel_res & SEL_RES_ISO14443_4)

    def __repr__(self) -> str:
        return "Target(tg=%d, sens_res=%s, sel_res=0x%02X, uid=%s)" % (
            self.tg,
            _hex(self.sens_res),
            self.sel_res,
            _hex(self.uid),
        )


def parse_target_a(data: bytes) -> "Target | None":
    """The first target of an InListPassiveTarget response (NbTg, then TargetData)."""
    if not data or data[0] == 0:
        return None
    if len(data) < 6:
        raise PN532Error("short InListPassiveTarget response")
    uid_len = data[5]
    end = 6 + uid_len
    if end > len(data):
        raise PN532Error("InListPassiveTarget response shorter than its UID")
    ats = b""
    if end < len(data):  # ATS: its first byte TL counts itself
        ats = bytes(data[end : end + data[end]])
    return Target(data[1], bytes(data[2:4]), data[4], bytes(data[6:end]), ats)


def _hex(data: bytes) -> str:
    return " ".join("%02X" % b for b in data)


class PN532Base:
    """Frames and commands. Subclasses give ``_wake``, ``_wait_ready``, ``_read``, ``_write``.

    ``ack_timeout_ms``: how long to wait for the ACK before sending the command
    again; ``retries``: how many times a command is sent again (no ACK) or a
    response asked for again (NACK) before giving up.
    """

    # True when every _read returns the pending frame from its beginning (I2C
    # reads a whole frame per transaction); False for a byte stream (UART).
    _FRAME_PER_READ = False

    def __init__(
        self,
        ack_timeout_ms: int = 50,
        retries: int = 2,
        ticks_ms: "Callable[[], int] | None" = None,
        sleep_ms: "Callable[[int], None] | None" = None,
    ) -> None:
        self.ack_timeout_ms = ack_timeout_ms
        self.retries = retries
        self._ticks_ms = ticks_ms or _default_ticks_ms
        self._sleep_ms = sleep_ms or _default_sleep_ms
        self._rx = bytearray()
        self._target: "Target | None" = None

    # --- transport: PN532_UART and PN532_I2C define these four -----------------
    # _wake(): bring the chip out of power-down.
    # _wait_ready(timeout_ms): True as soon as the chip has bytes for us, False after timeout_ms.
    # _read(count): up to count bytes the chip has for us (only called after _wait_ready).
    # _write(data): send bytes to the chip.
    _wake: "Callable[[], None]"
    _wait_ready: "Callable[[int], bool]"
    _read: "Callable[[int], bytes]"
    _write: "Callable[[bytes], None]"

    # --- helpers for the transports ------------------------------------------
    def _poll(self, ready: "Callable[[], bool]", timeout_ms: int) -> bool:
        start = self._ticks_ms()
        while True:
            if ready():
                return True
            if ticks_diff(self._ticks_ms(), start) >= timeout_ms:
                return False
            self._sleep_ms(1)

    # --- frame level ------------------------------------------------------------
    def _discard_input(self) -> None:
        """Drop late answers and noise before a new command."""
        self._rx = bytearray()
        for _ in range(8):
            if not self._wait_ready(0):
                return
            self._read(64)

    def _receive(self, timeout_ms: int, want: int) -> "tuple[str, bytes]":
        """The next frame from the chip; (FRAME_BAD, b"") also when bytes stopped mid-frame."""
        start = self._ticks_ms()
        while True:
            found = parse_frame(self._rx)
            if found is not None:
                kind, body, end = found
                self._rx = self._rx[end:]
                return kind, body
            left = timeout_ms - ticks_diff(self._ticks_ms(), start)
            if left < 0 or not self._wait_ready(max(left, 0)):
                if _has_start_code(self._rx):
                    self._rx = bytearray()
                    return FRAME_BAD, b""
                raise PN532TimeoutError("no frame from the PN532 in %d ms" % timeout_ms)
            chunk = self._read(want)
            if self._FRAME_PER_READ:
                self._rx = bytearray(chunk)
            else:
                self._rx.extend(chunk)
                if len(self._rx) > 2 * (MAX_EXTENDED_LEN + 12):
                    self._rx = self._rx[-(MAX_EXTENDED_LEN + 12) :]

    def _wait_ack(self) -> bool:
        start = self._ticks_ms()
        while True:
            left = self.ack_timeout_ms - ticks_diff(self._ticks_ms(), start)
            if left < 0:
                return False
            try:
                kind, _ = self._receive(left, len(ACK))
            except PN532TimeoutError:
                return False
            if kind == FRAME_ACK:
                return True
            if kind == FRAME_ERROR:
                raise PN532Error("PN532 syntax error frame (UM §6.2.1.5)")

    def call(
        self, command: int, params: bytes = b"", max_response: int = 32, timeout_ms: int = 1000
    ) -> bytes:
        """Send a command and return the response data after its code (PD1..PDn).

        Raises PN532TimeoutError when no ACK comes after every retry, or no
        response within ``timeout_ms`` (the command is then aborted with an
        ACK, UM §6.2.1.3); PN532FrameError when responses stay corrupt after
        ``retries`` NACKs; PN532Error for the syntax-error frame or a response
        that belongs to another command.
        """
        frame = build_frame(bytes([command]) + bytes(params))
        for _ in range(self.retries + 1):
            self._discard_input()
            self._write(frame)
            if self._wait_ack():
                break
        else:
            raise PN532TimeoutError("no ACK from the PN532 for command 0x%02X" % command)
        want = max_response + 13  # frame overhead: extended header, TFI, code, DCS, postamble
        nacks = 0
        while True:
            try:
                kind, body = self._receive(timeout_ms, want)
            except PN532TimeoutError:
                self._write(ACK)  # abort the command still running in the chip
                raise PN532TimeoutError(
                    "no response from the PN532 to command 0x%02X in %d ms" % (command, timeout_ms),
                    True,
                )
            if kind == FRAME_BAD:
                if nacks >= self.retries:
                    raise PN532FrameError("corrupt response to command 0x%02X" % command)
                nacks += 1
                self._write(NACK)
                continue
            if kind == FRAME_ERROR:
                raise PN532Error("PN532 syntax error frame (UM §6.2.1.5) for 0x%02X" % command)
            if kind != FRAME_INFO:
                continue  # a late ACK
            if len(body) < 2 or body[0] != TFI_CHIP or body[1] != (command + 1) & 0xFF:
                raise PN532Error("unexpected answer to 0x%02X: %s" % (command, _hex(body)))
            return body[2:]

    # --- commands -----------------------------------------------------------
    def begin(self) -> "tuple[int, int, int, int]":
        """Wake the chip, put it in normal mode, and return its firmware version."""
        self._wake()
        self.sam_configuration()
        return self.firmware_version()

    def firmware_version(self) -> "tuple[int, int, int, int]":
        """(IC, Ver, Rev, Support): a PN532 V1.6 answers (0x32, 1, 6, 7) (UM §7.2.2 p.73)."""
        data = self.call(CMD_GET_FIRMWARE_VERSION, b"", 4, 500)
        if len(data) != 4:
            raise PN532Error("GetFirmwareVersion answer of %d bytes" % len(data))
        return data[0], data[1], data[2], data[3]

    def sam_configuration(self, mode: int = 1) -> None:
        """SAMConfiguration: mode 1 = normal mode, no SAM (UM §7.2.10 p.89).

        Timeout and IRQ are optional parameters; Timeout matters only in
        virtual card mode, so neither is sent.
        """
        self.call(CMD_SAM_CONFIGURATION, bytes([mode]), 0, 500)

    def rf_field(self, on: bool) -> None:
        """Switch the RF field on or off (RFConfiguration item 1, UM §7.3.1 p.101)."""
        self.call(CMD_RF_CONFIGURATION, bytes([RF_ITEM_FIELD, 0x01 if on else 0x00]), 0, 500)

    def set_max_retries(
        self, passive_activation: int = 0xFF, atr: int = 0xFF, psl: int = 0x01
    ) -> None:
        """RFConfiguration item 5 (UM §7.3.1): how often the chip retries before giving up.

        ``passive_activation`` 0xFF (the default after reset) makes
        InListPassiveTarget wait for a card for ever; a small number makes it
        answer "no target" quickly.
        """
        params = bytes([RF_ITEM_MAX_RETRIES, atr, psl, passive_activation])
        self.call(CMD_RF_CONFIGURATION, params, 0, 500)

    def list_passive_target(self, timeout_ms: int = 1000) -> "Target | None":
        """One 106 kbps type A card (UM §7.3.5 p.115), or None if none came in ``timeout_ms``.

        MaxTg is 1: the station serves one key at a time.
        """
        params = bytes([1, BRTY_106_TYPE_A])
        try:
            data = self.call(CMD_IN_LIST_PASSIVE_TARGET, params, 64, timeout_ms)
        except PN532TimeoutError as exc:
            if exc.acked:  # the chip is searching still: no card came in time
                return None
            raise
        target = parse_target_a(data)
        self._target = target
        return target

    def data_exchange(self, data: bytes, tg: "int | None" = None, timeout_ms: int = 1000) -> bytes:
        """Send ``data`` to the listed target and return its answer (UM §7.3.8 p.127).

        The status byte is checked: a non-zero code raises PN532Error whose
        ``name`` says what happened (TIMEOUT when the card left the field).
        """
        if tg is None:
            tg = self._target.tg if self._target is not None else 1
        reply = self.call(CMD_IN_DATA_EXCHANGE, bytes([tg]) + bytes(data), 262, timeout_ms)
        if not reply:
            raise PN532Error("InDataExchange answer without status")
        status = reply[0]
        if status & 0x3F:
            raise status_error(status, "InDataExchange")
        if status & _STATUS_MI:
            raise PN532Error("InDataExchange answer continues (MI), more than one frame")
        return reply[1:]

    def release(self, tg: int = 0) -> None:
        """InRelease (UM §7.3.11 p.140): forget the target; 0 releases all of them."""
        reply = self.call(CMD_IN_RELEASE, bytes([tg]), 1, 500)
        self._target = None
        if reply and reply[0] & 0x3F:
            raise status_error(reply[0], "InRelease")


def _has_start_code(buf: bytearray) -> bool:
    return bytes(buf).find(b"\x00\xff") >= 0


def _default_ticks_ms() -> int:
    return ticks_ms()


def _default_sleep_ms(ms: int) -> None:
    sleep_ms(ms)


class PN532_UART(PN532Base):
    """The PN532 on its High Speed UART (HSU), 115200 8N1 after reset.

    ``uart`` is a machine.UART (or anything with ``any()``, ``read(n)``,
    ``write(buf)``); ``reset_pin`` an optional machine.Pin on RSTPDN.
    """

    def __init__(
        self,
        uart: "Any",
        reset_pin: "Any" = None,
        ack_timeout_ms: int = 50,
        retries: int = 2,
        ticks_ms: "Callable[[], int] | None" = None,
        sleep_ms: "Callable[[int], None] | None" = None,
    ) -> None:
        super().__init__(ack_timeout_ms, retries, ticks_ms, sleep_ms)
        self._uart = uart
        self._reset_pin = reset_pin

    def _wake(self) -> None:
        if self._reset_pin is not None:  # RSTPDN low resets; high runs
            self._reset_pin.value(0)
            self._sleep_ms(10)
            self._reset_pin.value(1)
            self._sleep_ms(10)
        self._uart.write(HSU_WAKEUP)
        self._sleep_ms(2)

    def _wait_ready(self, timeout_ms: int) -> bool:
        return self._poll(lambda: self._uart.any() > 0, timeout_ms)

    def _read(self, count: int) -> bytes:
        count = min(count, self._uart.any())
        return (self._uart.read(count) or b"") if count > 0 else b""

    def _write(self, data: bytes) -> None:
        self._uart.write(data)


class PN532_I2C(PN532Base):
    """The PN532 on I2C (address 0x24, the 7-bit form of 0x48; UM §6.2.4).

    Every read transaction starts with a status byte, 0x01 when a frame is
    ready; the frame follows in the same transaction, from its first byte.
    """

    _FRAME_PER_READ = True

    def __init__(
        self,
        i2c: "Any",
        address: int = 0x24,
        reset_pin: "Any" = None,
        ack_timeout_ms: int = 50,
        retries: int = 2,
        ticks_ms: "Callable[[], int] | None" = None,
        sleep_ms: "Callable[[int], None] | None" = None,
    ) -> None:
        super().__init__(ack_timeout_ms, retries, ticks_ms, sleep_ms)
        self._i2c = i2c
        self._address = address
        self._reset_pin = reset_pin

    def _wake(self) -> None:
        if self._reset_pin is not None:
            self._reset_pin.value(0)
            self._sleep_ms(10)
            self._reset_pin.value(1)
            self._sleep_ms(10)
        try:  # a sleeping chip may NAK its address once while it wakes on it
            self._i2c.readfrom(self._address, 1)
        except OSError:
            pass
        self._sleep_ms(2)

    def _status_ready(self) -> bool:
        try:
            return self._i2c.readfrom(self._address, 1)[0] == 0x01
        except OSError:  # clock stretching or a busy chip: ask again
            return False

    def _wait_ready(self, timeout_ms: int) -> bool:
        return self._poll(self._status_ready, timeout_ms)

    def _read(self, count: int) -> bytes:
        data = self._i2c.readfrom(self._address, count + 1)
        if data[0] != 0x01:
            return b""
        return bytes(data[1:])

    def _write(self, data: bytes) -> None:
        self._i2c.writeto(self._address, data)
