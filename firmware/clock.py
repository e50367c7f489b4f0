"""Clocks the firmware reads time from: every time rule takes one, so tests can move it.

A clock has ``now()`` -> int seconds since 1970-01-01 UTC. The board's clock
(hw's RTC) and ``ManualClock`` below both fit; nothing in firmware/ reads the
system time by itself.

Monotonic time is a *ticks source* (hw._port: ``ticks_ms``, ``ticks_add``,
``ticks_diff``, ``sleep_ms``), a counter that wraps (every 12.4 days on a
board). Two rules for it live here: ``ticks_since`` (how long ago, read
forwards, so that a wait that started before a wrap, or before a jump of the
emulator's clock, ends) and ``Uptime`` (seconds since boot counted across the
wraps, for the status' ``uptime_s``); ``board_ticks_ms`` shows a test's
sooner-wrapping counter with the board's period to what counts with hw._port.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
from hw._port import TICKS_PERIOD, ticks_add

if TYPE_CHECKING:
    from typing import Callable, Protocol  # read under TYPE_CHECKING only

    from hw._port import TicksSource

    class Clock(Protocol):
        def now(self) -> int: ...


def ticks_period(ticks: "TicksSource") -> int:
    """The period the source's counter wraps at (2**30 on a board)."""
    return ticks.ticks_add(0, -1) + 1


def ticks_since(ticks: "TicksSource", since: int, period: int = 0) -> int:
    """Milliseconds from ``since`` to now, 0 .. period-1: a counter only moves forwards.

    Right while less than one period has passed (a main loop asks far more often);
    ``period`` saves working it out again (``ticks_period``).
    """
    return ticks.ticks_diff(ticks.ticks_ms(), since) % (period or ticks_period(ticks))


def board_ticks_ms(ticks: "TicksSource") -> "Callable[[], int]":
    """``ticks``' counter as one with the board's period, for what counts with hw._port.

    Key sessions, the key link and the drivers compare ticks with hw._port's
    ``ticks_diff`` (period 2**30). A source with that period is given as it is;
    one that wraps sooner (a test's) is followed, the ticks run since the last
    read added up forwards, and shown modulo 2**30: right for every interval
    measured while it is read at least once per the source's period, as a
    session reads it all the time.
    """
    period = ticks_period(ticks)
    if period == TICKS_PERIOD:
        return ticks.ticks_ms
    state = [ticks.ticks_ms(), 0]  # last reading of the source, the board counter then

    def read() -> int:
        now = ticks.ticks_ms()
        state[1] = ticks_add(state[1], ticks.ticks_diff(now, state[0]) % period)
        state[0] = now
        return state[1]

    return read


class Uptime:
    """Seconds since ``Uptime(ticks)`` was made, counted across the counter's wraps.

    ``seconds()`` adds the ticks run since the last call (read forwards), so it
    must be called at least once per ticks period: the station's main loop
    does at every pass. Whole seconds and the milliseconds left over are kept
    apart, so the count stays a small int on a board for decades.
    """

    def __init__(self, ticks: "TicksSource") -> None:
        self._ticks = ticks
        self._period = ticks_period(ticks)
        self._last = ticks.ticks_ms()
        self._seconds = 0
        self._ms = 0

    def seconds(self) -> int:
        now = self._ticks.ticks_ms()
        ms = self._ms + self._ticks.ticks_diff(now, self._last) % self._period
        self._last = now
        self._seconds += ms // 1000
        self._ms = ms % 1000
        return self._seconds


class ManualClock:
    """A clock that stands still until told to move (tests, the emulator's virtual time)."""

    def __init__(self, now: int = 0) -> None:
        self._now = int(now)

    def now(self) -> int:
        return self._now

    def set(self, now: int) -> None:
        self._now = int(now)

    def advance(self, seconds: int) -> None:
        self._now += int(seconds)


class OffsetClock:
    """Wall time from a monotonic source plus an offset, set when the back office tells the time.

    ``ticks_s`` is a function returning monotonic seconds (on a board, from the RTC
    or ``time.time()``); ``set(now)`` re-anchors it. ``is_set`` says whether the
    time was ever set since boot (a station with a flat RTC battery must not trust
    its clock for validity windows).
    """

    def __init__(self, ticks_s: "Callable[[], float]", now: int | None = None) -> None:
        self._ticks_s = ticks_s
        self._offset = 0
        self.is_set = False
        if now is not None:
            self.set(now)

    def now(self) -> int:
        return int(self._ticks_s()) + self._offset

    def set(self, now: int) -> None:
        self._offset = int(now) - int(self._ticks_s())
        self.is_set = True
