"""The station's front panel in the emulator: keypad matrix, screen and LEDs the real drivers drive.

The firmware's own drivers run unchanged: ``hw.keypad.MatrixKeypad`` scans a
``KeypadMatrix`` through ``VirtualPin`` rows and columns, ``hw.display.TextDisplay``
draws on a ``ScreenRecorder``, ``hw.indicator.Indicator`` lights ``VirtualPin``
LEDs and plays tones on a ``VirtualBuzzer``. The trainer and the scenarios
press keys and read what a person would see.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

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


class ScreenRecorder:
    """The OLED as a list of text lines; every change is kept in ``history``."""

    def __init__(self, limit: int = 200) -> None:
        self.lines: list[str] = []
        self.history: deque[list[str]] = deque(maxlen=limit)
        self.changed = threading.Event()

    def show_lines(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.history.append(self.lines)
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
