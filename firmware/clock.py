"""Clocks the firmware reads time from: every time rule takes one, so tests can move it.

A clock has ``now()`` -> int seconds since 1970-01-01 UTC. The board's clock
(hw's RTC) and ``ManualClock`` below both fit; nothing in firmware/ reads the
system time by itself.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Protocol  # read under TYPE_CHECKING only

    class Clock(Protocol):
        def now(self) -> int: ...


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
