"""The station's front panel in the emulator: keypad matrix, screen and LEDs the real drivers drive.

The firmware's own drivers run unchanged: ``hw.keypad.MatrixKeypad`` scans a
``KeypadMatrix`` through ``VirtualPin`` rows and columns, ``hw.display.TextDisplay``
draws on a ``ScreenRecorder``, which passes each screen on to the board's own
``hw.ssd1306.SSD1306_I2C`` driver; that driver writes its frame buffer over I2C
to an ``OledPanel``, the SSD1306 chip (its display RAM is the picture a person
sees, drawn by the training page); ``hw.indicator.Indicator`` lights ``VirtualPin``
LEDs and plays tones on a ``VirtualBuzzer``. The trainer and the scenarios
press keys and read what a person would see.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from hw import ssd1306
from hw.keypad import KEYS

ROWS = 4
COLUMNS = 3


class VirtualPin:
    """A GPIO: ``value()`` reads, ``value(v)`` drives; ``reader`` makes an input computed."""

    def __init__(self, level: int = 0, reader: Callable[[], int] | None = None) -> None:
        self.level = level
        self._reader = reader

    def value(self, level: int | None = None) -> int:
        if level is not None:
            self.level = 1 if level else 0
        if self._reader is not None:
            return self._reader()
        return self.level


class KeypadMatrix:
    """A 3×4 keypad: a held key connects its row to its column, read through the pull-ups.

    ``press(key)`` queues a press; each press is held for ``hold_ms`` and then
    released for ``gap_ms`` on the station's tick clock, long enough for the
    driver's debouncing to see it exactly once.
    """

    def __init__(self, ticks_ms: Callable[[], int], hold_ms: int = 60, gap_ms: int = 60) -> None:
        self._ticks = ticks_ms
        self.hold_ms = hold_ms
        self.gap_ms = gap_ms
        self.rows = [VirtualPin(1) for _ in range(ROWS)]
        self.cols = [VirtualPin(reader=self._column_reader(c)) for c in range(COLUMNS)]
        self._queue: deque[str] = deque()
        self._held: str | None = None
        self._since = 0
        self._lock = threading.Lock()

    def press(self, keys: str) -> None:
        for key in keys:
            if key not in KEYS:
                raise ValueError(f"no key {key!r} on the keypad ({KEYS})")
        with self._lock:
            self._queue.extend(keys)

    @property
    def idle(self) -> bool:
        with self._lock:
            return not self._queue and self._held is None

    def _advance(self) -> None:
        now = self._ticks()
        with self._lock:
            if self._held is not None and now - self._since >= self.hold_ms:
                self._held = None
                self._since = now
            elif self._held is None and self._queue and now - self._since >= self.gap_ms:
                self._held = self._queue.popleft()
                self._since = now

    def held(self) -> str | None:
        """The key held down now, the presses moving on (a virtual board scanned the matrix)."""
        self._advance()
        return self._held

    def peek(self) -> str | None:
        """The key held down, the presses not moving on (no one scanned the matrix)."""
        with self._lock:
            return self._held

    def _column_reader(self, column: int) -> Callable[[], int]:
        def read() -> int:
            self._advance()
            held = self._held
            if held is None:
                return 1
            index = KEYS.index(held)
            row, col = divmod(index, COLUMNS)
            return 0 if col == column and self.rows[row].level == 0 else 1

        return read


class OledPanel:
    """An SSD1306 controller on the I2C bus (what ``SSD1306_I2C`` writes to), 128×64.

    Each transfer starts with a control byte (datasheet §8.1.5.2): 0x80 before
    one command byte, 0x40 before display data. The commands kept are those
    the picture depends on: display on/off, normal/inverse, column and page
    address (horizontal addressing, datasheet §10.1.3), segment remap and COM
    scan direction. Data bytes go to ``ram`` (MONO_VLSB: ``pages`` rows of
    ``width`` bytes, bit 0 on top) at the address pointer, which wraps inside
    the column and page window as the chip's does. ``version`` counts the
    data writes, so a reader knows when the picture changed.
    """

    def __init__(self, width: int = 128, height: int = 64, address: int = 0x3C) -> None:
        self.width = width
        self.height = height
        self.address = address
        self.pages = height // 8
        self.ram = bytearray(width * self.pages)
        self.on = False
        self.inverted = False
        self.seg_remap = False
        self.com_reversed = False
        self.version = 0
        self._columns = (0, width - 1)
        self._page_window = (0, self.pages - 1)
        self._column = 0
        self._page = 0
        self._pending: list[int] = []  # a command waiting for its argument bytes
        self._lock = threading.Lock()

    # -- the bus (machine.I2C's writeto / writevto) -----------------------------------------
    def writeto(self, address: int, buf: bytes | bytearray) -> int:
        self._transfer(address, bytes(buf))
        return 0

    def writevto(self, address: int, bufs: Sequence[bytes | bytearray]) -> int:
        self._transfer(address, b"".join(bytes(b) for b in bufs))
        return 0

    def _transfer(self, address: int, data: bytes) -> None:
        if address != self.address:
            raise OSError(19, f"no device at I2C address {address:#x}")  # ENODEV: no ACK
        if not data:
            return
        control, body = data[0], data[1:]
        with self._lock:
            if control & 0x40:  # D/C# = 1: display data
                self._write_ram(body)
            else:
                for byte in body:
                    self._command(byte)

    def _command(self, byte: int) -> None:
        self._pending.append(byte)
        first = self._pending[0]
        needs = {
            ssd1306.SET_COL_ADDR: 3,
            ssd1306.SET_PAGE_ADDR: 3,
            ssd1306.SET_MEM_ADDR: 2,
            ssd1306.SET_CONTRAST: 2,
            ssd1306.SET_MUX_RATIO: 2,
            ssd1306.SET_DISP_OFFSET: 2,
            ssd1306.SET_COM_PIN_CFG: 2,
            ssd1306.SET_DISP_CLK_DIV: 2,
            ssd1306.SET_PRECHARGE: 2,
            ssd1306.SET_VCOM_DESEL: 2,
            ssd1306.SET_CHARGE_PUMP: 2,
            ssd1306.SET_IREF_SELECT: 2,
        }.get(first, 1)
        if len(self._pending) < needs:
            return
        command, self._pending = self._pending, []
        if first == ssd1306.SET_COL_ADDR:
            self._columns = (command[1] % self.width, command[2] % self.width)
            self._column = self._columns[0]
        elif first == ssd1306.SET_PAGE_ADDR:
            self._page_window = (command[1] % self.pages, command[2] % self.pages)
            self._page = self._page_window[0]
        elif first & 0xFE == ssd1306.SET_DISP:
            self.on = bool(first & 1)
            self.version += 1
        elif first & 0xFE == ssd1306.SET_NORM_INV:
            self.inverted = bool(first & 1)
            self.version += 1
        elif first & 0xFE == ssd1306.SET_SEG_REMAP:
            self.seg_remap = bool(first & 1)
        elif first & 0xF7 == ssd1306.SET_COM_OUT_DIR:
            self.com_reversed = bool(first & 0x08)

    def _write_ram(self, body: bytes) -> None:
        first, last = self._columns
        top, bottom = self._page_window
        for byte in body:
            self.ram[self._page * self.width + self._column] = byte
            if self._column < last:
                self._column += 1
            else:
                self._column = first
                self._page = self._page + 1 if self._page < bottom else top
        self.version += 1

    # -- what a person sees -----------------------------------------------------------------
    def picture(self) -> tuple[int, bytes]:
        """(version, the display RAM as the eye sees it: the bytes, or all dark when off).

        The usual module mounting (segment remap and COM scan reversed, as the
        driver's start-up sets them) shows the RAM upright; the other settings
        mirror it, which a person would see too.
        """
        with self._lock:
            version, ram = self.version, bytes(self.ram)
            if not self.on:
                return version, bytes(len(ram))
            if not self.seg_remap:
                ram = b"".join(
                    ram[p * self.width : (p + 1) * self.width][::-1] for p in range(self.pages)
                )
            if not self.com_reversed:
                ram = bytes(
                    int(f"{byte:08b}"[::-1], 2)
                    for p in reversed(range(self.pages))
                    for byte in ram[p * self.width : (p + 1) * self.width]
                )
            if self.inverted:
                ram = bytes(b ^ 0xFF for b in ram)
            return version, ram


class ScreenRecorder:
    """The OLED as a list of text lines; every change is kept in ``history``.

    ``oled`` (an ``SSD1306_I2C``, or anything with ``show_lines``) gets every
    screen too: the lines are what the firmware said, the OLED's frame buffer
    what it drew.
    """

    def __init__(self, limit: int = 200, oled: Any = None) -> None:
        self.lines: list[str] = []
        self.history: deque[list[str]] = deque(maxlen=limit)
        self.changed = threading.Event()
        self.oled = oled

    def show_lines(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.history.append(self.lines)
        if self.oled is not None:
            self.oled.show_lines(self.lines)
        self.changed.set()


class VirtualBuzzer:
    """A PWM output on a piezo: records the tones it was asked to play."""

    def __init__(self) -> None:
        self.hz = 0
        self.duty = 0
        self.played: deque[int] = deque(maxlen=50)

    def freq(self, hz: int) -> None:
        self.hz = hz

    def duty_u16(self, duty: int) -> None:
        self.duty = duty
        if duty:
            self.played.append(self.hz)
