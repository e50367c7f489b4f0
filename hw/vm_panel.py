"""The virtual board's panel channel: front panel, clock and network switch in one line protocol.

hw/VIRTUAL_BOARD.md is the protocol's description. ``PanelLink(channel, key,
nfc)`` speaks it on ``channel`` (a hw.vm_channel.ByteChannel); ``key`` and
``nfc`` are the key port's and the NFC reader's channels, whose byte totals
every sync line carries.

Time on the virtual board is the emulator's: ``ticks_ms()`` and ``now()``
return what the last ``T`` line said, and move only when the board waits
(``sleep_ms``, ``flush_key_port``): the board says how long, the emulator
answers when its clock (stopped, running or fast-forwarded) has got there.
So the link is the station's ticks source and its RTC at once.

The parts the drivers of hw/ drive are here too, each on the link:
``KeypadPins`` (the 3×4 matrix: rows driven, columns read, the held key
from the emulator), ``DetectPin`` (the key port's contact switch),
``PanelPin`` (an LED), ``PanelBuzzer`` (the piezo's PWM), ``PanelScreen``
(the display's lines) and ``PanelNetwork`` (Wi-Fi: up or down as the
emulator's network switch says).
"""

import json

from hw._port import ticks_add as _ticks_add
from hw._port import ticks_diff as _ticks_diff
from hw.keypad import KEYS

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

PROTOCOL_VERSION = 1
COLUMNS = 3  # KEYS is the matrix row by row


class PanelError(ValueError):
    """The emulator sent a line this board does not understand."""


class PanelLink:
    def __init__(self, channel: "Any", key: "Any" = None, nfc: "Any" = None) -> None:
        self._channel = channel
        self._key = key
        self._nfc = nfc
        self._ticks = 0
        self._rtc = 0
        self.detect = False  # a key on the port's contacts
        self.held: "str | None" = None  # the key held down on the keypad
        self.scanned = False  # the keypad was read since the last T line
        self.online = False  # the network switch
        self.lost_time = False
        self._say("H %d" % PROTOCOL_VERSION)
        self._wait()

    # -- the protocol --------------------------------------------------------------
    def _counts(self) -> str:
        key = self._key.sent if self._key is not None else 0
        nfc = self._nfc.sent if self._nfc is not None else 0
        return "%d %d" % (key, nfc)

    def _sync(self, line: str) -> None:
        """A line after which the board waits for time: it says whether it read the keypad."""
        self._say("%s %d" % (line, 1 if self.scanned else 0))
        self.scanned = False
        self._wait()

    def _say(self, line: str) -> None:
        self._channel.send(line.encode() + b"\n")

    def _wait(self) -> None:
        """Read the emulator's ``T`` line: the new time, and what crossed the other channels."""
        fields = self._channel.readline().decode().split(" ")
        if len(fields) != 8 or fields[0] != "T":
            raise PanelError("panel: expected a T line, got %r" % fields)
        self._ticks = int(fields[1])
        self._rtc = int(fields[2])
        if self._key is not None:
            self._key.catch_up(int(fields[3]))
        if self._nfc is not None:
            self._nfc.catch_up(int(fields[4]))
        self.detect = fields[5] == "1"
        self.held = None if fields[6] == "-" else fields[6]
        self.online = fields[7] == "1"

    # -- the ticks source (hw._port.TicksSource) --------------------------------------
    def ticks_ms(self) -> int:
        return self._ticks

    def ticks_add(self, ticks: int, delta: int) -> int:
        return _ticks_add(ticks, delta)

    def ticks_diff(self, end: int, start: int) -> int:
        return _ticks_diff(end, start)

    def sleep_ms(self, ms: int) -> None:
        self._sync("S %d %s" % (max(0, ms), self._counts()))

    # -- the RTC (hw.ds3231.DS3231's face) ------------------------------------------------
    def now(self) -> int:
        return self._rtc

    def set(self, t: int) -> None:
        self._say("R %d" % t)
        self._rtc = t

    def lost_power(self) -> bool:
        return self.lost_time

    # -- the key port's line ----------------------------------------------------------------
    def flush_key_port(self) -> None:
        self._sync("F %s" % self._counts())

    def set_key_baud(self, rate: int) -> None:
        self._say("B %d %s" % (rate, self._counts()))

    # -- outputs ----------------------------------------------------------------------------
    def show_lines(self, lines: "list[str]") -> None:
        self._say("D " + json.dumps(lines))

    def pin(self, name: str, level: int) -> None:
        self._say("P %s %d" % (name, level))

    def tone(self, hz: int, duty: int) -> None:
        self._say("Z %d %d" % (hz, duty))


class DetectPin:
    """The key port's contact switch, active low as on a board: 0 while a key is in."""

    def __init__(self, link: PanelLink) -> None:
        self._link = link

    def value(self) -> int:
        return 0 if self._link.detect else 1


class _RowPin:
    def __init__(self) -> None:
        self.level = 1

    def value(self, level: "int | None" = None) -> int:
        if level is not None:
            self.level = 1 if level else 0
        return self.level


class _ColumnPin:
    def __init__(self, link: PanelLink, rows: "list[_RowPin]", column: int) -> None:
        self._link = link
        self._rows = rows
        self._column = column

    def value(self) -> int:
        self._link.scanned = True
        held = self._link.held
        if held is None or held not in KEYS:
            return 1
        row, column = divmod(KEYS.index(held), COLUMNS)
        return 0 if column == self._column and self._rows[row].level == 0 else 1


class KeypadPins:
    """The matrix for hw.keypad.MatrixKeypad: ``rows`` (outputs), ``cols`` (inputs, pulled up)."""

    def __init__(self, link: PanelLink) -> None:
        self.rows = [_RowPin() for _ in range(len(KEYS) // COLUMNS)]
        self.cols = [_ColumnPin(link, self.rows, c) for c in range(COLUMNS)]


class PanelPin:
    """An output pin (an LED): each change of level goes to the emulator."""

    def __init__(self, link: PanelLink, name: str) -> None:
        self._link = link
        self._name = name
        self.level = -1

    def value(self, level: "int | None" = None) -> int:
        if level is not None:
            level = 1 if level else 0
            if level != self.level:
                self.level = level
                self._link.pin(self._name, level)
        return max(self.level, 0)


class PanelBuzzer:
    """The piezo's PWM output (machine.PWM's ``freq`` and ``duty_u16``)."""

    def __init__(self, link: PanelLink) -> None:
        self._link = link
        self._hz = 0
        self._duty = 0

    def freq(self, hz: int) -> None:
        self._hz = hz

    def duty_u16(self, duty: int) -> None:
        self._duty = duty
        self._link.tone(self._hz, duty)


class PanelScreen:
    """The display's driver for hw.display.TextDisplay: the lines go to the emulator's screen."""

    def __init__(self, link: PanelLink) -> None:
        self._link = link

    def show_lines(self, lines: "list[str]") -> None:
        self._link.show_lines(lines)


class PanelNetwork:
    """Wi-Fi (hw.network.Wifi's face): up while the emulator's network switch is on."""

    def __init__(self, link: PanelLink) -> None:
        self._link = link

    def connect(self, timeout_ms: int = 15000) -> bool:
        return self._link.online

    def isconnected(self) -> bool:
        return self._link.online

    def disconnect(self) -> None:
        pass  # the switch is the emulator's

    def address(self) -> "str | None":
        return "127.0.0.1" if self._link.online else None
