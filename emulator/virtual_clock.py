"""The emulator's time: one world clock every virtual device reads, and locks' own drifting clocks.

``VirtualClock`` is "true" time in the emulated world. It stands still until
told to move (``advance``, ``set``, ``sleep_ms``), which is what tests and
headless scenarios want; the interactive emulator can also let it run with
the wall clock at a speed factor (1.0 real time, 60.0 a minute per second),
and the trainer still fast-forwards it by hours or days with ``advance``.

It has two faces, like a real board: wall time (``now()``, unix seconds UTC,
what the RTC and the back office read; ``set`` jumps it) and a monotonic
millisecond counter (``ticks_ms()``, what drivers time timeouts with; it
moves with ``advance``, ``sleep_ms`` and running time, never with ``set``).
The counter wraps as a board's does, at ``ticks_period`` (a power of two,
hw._port.TICKS_PERIOD = 2**30 ms unless a test wants it sooner), and
``ticks_add``/``ticks_diff`` are its arithmetic, so the clock is a ticks
source (hw._port) for a station. The emulated world's own devices (the key
wire, the keypad matrix, virtual keys, drifting lock clocks) read
``monotonic_ms()``, which never wraps: physics does not.
A ``VirtualClock`` is also callable (``clock()`` is ``clock.now()``), so it
can be handed to the back office as its clock.

``DriftingClock`` is a device's own clock (a lock's): the world clock plus an
offset plus the error its oscillator has built up since it was last set, at
``ppm`` parts per million (positive runs fast). Drift accumulates over
monotonic time, so fast-forwarding the world by a month makes a 20 ppm lock
52 seconds fast, as a month of real time would; ``set`` (a technician setting
the lock's clock) makes it exact again.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from hw._port import TICKS_PERIOD, period_add, period_diff

__all__ = ["Clock", "DriftingClock", "VirtualClock"]

SECONDS_PER_DAY = 86_400
U32_MAX = 0xFFFFFFFF


class Clock(Protocol):
    """Anything that tells unix seconds UTC."""

    def now(self) -> int: ...


def _check_time(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U32_MAX:
        raise ValueError(f"{what}: expected unix seconds 0..{U32_MAX}, got {value!r}")
    return value


def _check_speed(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"speed: expected a number, got {value!r}")
    speed = float(value)
    if not (math.isfinite(speed) and speed >= 0):
        raise ValueError(f"speed: must be 0 (stopped) or positive, got {value!r}")
    return speed


class VirtualClock:
    """World time for the emulator; stopped unless given a ``speed``.

    ``start`` is the unix time the clock shows at creation. ``speed`` 0 keeps
    it still; a positive factor lets it run with ``monotonic`` (real seconds,
    ``time.monotonic`` unless a test passes its own). Safe to share between
    threads.
    """

    def __init__(
        self,
        start: int,
        speed: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        ticks_period: int = TICKS_PERIOD,
        ticks_start: int = 0,
    ) -> None:
        if ticks_period < 2 or ticks_period & (ticks_period - 1):
            raise ValueError(f"ticks_period: expected a power of two, got {ticks_period!r}")
        if not 0 <= ticks_start < ticks_period:
            raise ValueError(f"ticks_start: expected 0..{ticks_period - 1}, got {ticks_start!r}")
        self.ticks_period = ticks_period
        self._ticks_start = ticks_start
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._sleep = sleep
        self._wall_ms = _check_time(start, "start") * 1000  # wall time at the anchor
        self._ticks_ms = 0  # monotonic counter at the anchor
        self._speed = _check_speed(speed)
        self._anchor = monotonic()

    # -- reading ----------------------------------------------------------------------------

    def _elapsed_ms(self) -> int:
        """Virtual milliseconds run since the anchor (0 when stopped)."""
        if not self._speed:
            return 0
        return int((self._monotonic() - self._anchor) * 1000 * self._speed)

    def now(self) -> int:
        """Unix seconds UTC."""
        with self._lock:
            return (self._wall_ms + self._elapsed_ms()) // 1000

    def __call__(self) -> int:
        return self.now()

    def now_ms(self) -> int:
        """Unix milliseconds UTC."""
        with self._lock:
            return self._wall_ms + self._elapsed_ms()

    def monotonic_ms(self) -> int:
        """Milliseconds since the clock was made: moves with time, never with ``set``; no wrap."""
        with self._lock:
            return self._ticks_ms + self._elapsed_ms()

    def ticks_ms(self) -> int:
        """The board's ticks counter: ``ticks_start`` plus ``monotonic_ms()``, wrapping."""
        return (self._ticks_start + self.monotonic_ms()) % self.ticks_period

    def ticks_add(self, ticks: int, delta: int) -> int:
        return period_add(ticks, delta, self.ticks_period)

    def ticks_diff(self, end: int, start: int) -> int:
        """``end - start`` read across the wrap, as MicroPython's ``time.ticks_diff``."""
        return period_diff(end, start, self.ticks_period)

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def running(self) -> bool:
        return self._speed > 0

    # -- moving -----------------------------------------------------------------------------

    def _reanchor(self) -> None:
        """Fold the time run so far into the anchor (call with the lock held)."""
        elapsed = self._elapsed_ms()
        self._wall_ms += elapsed
        self._ticks_ms += elapsed
        self._anchor = self._monotonic()

    def advance(self, seconds: float) -> None:
        """Move time forward (fast-forward): wall time and the monotonic counter alike."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"advance: expected seconds, got {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"advance: time only moves forward, got {seconds!r}")
        self.advance_ms(round(seconds * 1000))

    def advance_ms(self, ms: int) -> None:
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise ValueError(f"advance_ms: expected milliseconds >= 0, got {ms!r}")
        with self._lock:
            self._reanchor()
            if (self._wall_ms + ms) // 1000 > U32_MAX:
                raise ValueError("advance: past the last u32 second (2106)")
            self._wall_ms += ms
            self._ticks_ms += ms

    def set(self, t: int) -> None:
        """Make wall time ``t`` (forwards or back); the monotonic counter is not touched."""
        _check_time(t, "set")
        with self._lock:
            self._reanchor()
            self._wall_ms = t * 1000

    def set_speed(self, speed: float) -> None:
        """0 stops the clock; 1.0 runs it with real time; 60.0 a virtual minute per second."""
        checked = _check_speed(speed)
        with self._lock:
            self._reanchor()
            self._speed = checked

    def sleep_ms(self, ms: int) -> None:
        """A driver's wait: stopped, the clock jumps ahead; running, it waits in real time."""
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise ValueError(f"sleep_ms: expected milliseconds >= 0, got {ms!r}")
        with self._lock:
            speed = self._speed
        if speed:
            self._sleep(ms / 1000 / speed)
        else:
            self.advance_ms(ms)


class DriftingClock:
    """A device's clock: world time + offset + drift accumulated since it was last set.

    Give the rate as ``ppm`` or as ``seconds_per_day`` (one of them; positive
    runs fast). ``offset`` is how far off the clock is when made (seconds).
    """

    def __init__(
        self,
        base: VirtualClock,
        ppm: float | None = None,
        seconds_per_day: float | None = None,
        offset: int = 0,
    ) -> None:
        if ppm is not None and seconds_per_day is not None:
            raise ValueError("give the drift as ppm or as seconds_per_day, not both")
        rate = ppm if ppm is not None else 0.0
        if seconds_per_day is not None:
            rate = _rate_value(seconds_per_day, "seconds_per_day") * 1e6 / SECONDS_PER_DAY
        self._base = base
        self._ppm = _rate_value(rate, "ppm")
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ValueError(f"offset: expected whole seconds, got {offset!r}")
        self._offset_ms = offset * 1000
        self._since_ticks = base.monotonic_ms()

    @property
    def ppm(self) -> float:
        return self._ppm

    @property
    def seconds_per_day(self) -> float:
        return self._ppm * SECONDS_PER_DAY / 1e6

    def _drift_ms(self) -> int:
        elapsed = self._base.monotonic_ms() - self._since_ticks
        return math.floor(elapsed * self._ppm / 1e6)

    def error(self) -> int:
        """Seconds this clock is ahead of world time (negative: behind), rounded down."""
        return (self._offset_ms + self._drift_ms()) // 1000

    def now(self) -> int:
        """The device's idea of unix seconds UTC (clamped to the u32 range)."""
        value = (self._base.now_ms() + self._offset_ms + self._drift_ms()) // 1000
        return min(max(value, 0), U32_MAX)

    def __call__(self) -> int:
        return self.now()

    def set(self, t: int) -> None:
        """Set the device's clock to ``t``: exact from now on until drift builds up again."""
        _check_time(t, "set")
        self._offset_ms = t * 1000 - self._base.now_ms()
        self._since_ticks = self._base.monotonic_ms()

    def set_drift(self, ppm: float | None = None, seconds_per_day: float | None = None) -> None:
        """Change the rate; the error built up so far stays."""
        if (ppm is None) == (seconds_per_day is None):
            raise ValueError("give exactly one of ppm and seconds_per_day")
        if seconds_per_day is not None:
            rate = _rate_value(seconds_per_day, "seconds_per_day") * 1e6 / SECONDS_PER_DAY
        else:
            assert ppm is not None
            rate = ppm
        rate = _rate_value(rate, "ppm")
        self._offset_ms += self._drift_ms()
        self._since_ticks = self._base.monotonic_ms()
        self._ppm = rate


def _rate_value(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what}: expected a number, got {value!r}")
    rate = float(value)
    # 1e6 ppm would stop (or double) the clock: far beyond any oscillator fault.
    if not math.isfinite(rate) or abs(rate) >= 1e6:
        raise ValueError(f"{what}: out of range: {value!r}")
    return rate
