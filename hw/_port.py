"""What differs between MicroPython and CPython for the drivers: const() and millisecond ticks.

Drivers take ``ticks_ms``/``sleep_ms`` arguments so tests can pass a fake clock;
these are the defaults. The ticks counter wraps like a board's: every port
this firmware runs on (ESP32, RP2, the 32-bit unix build) counts ``ticks_ms``
modulo ``TICKS_PERIOD`` = 2**30 ms (12.4 days), so a deadline is never
``ticks + delay`` but ``ticks_add(ticks, delay)`` and a comparison is never
``a - b`` but ``ticks_diff(a, b)`` (signed, right while the two are less than
half a period apart). Where the port's own counter has another period (the
64-bit unix port: 2**62) or there is none (CPython), the counter is reduced to
2**30 here and the arithmetic done in Python, so every platform wraps as a
board does.

``period_add``/``period_diff`` are the same arithmetic for any power-of-two
period: the test clocks and the emulator's virtual clock use them to wrap
sooner than a board, so a test can run a station across several wraps.

A *ticks source* (what ``firmware.station.Station`` and ``firmware.uplink.Uplink``
take as ``ticks``) is anything with ``ticks_ms()``, ``ticks_add(t, delta)``,
``ticks_diff(end, start)`` and ``sleep_ms(ms)``: this module is the board's.
"""

import time

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol  # read under TYPE_CHECKING only

    from micropython import const

    class TicksSource(Protocol):
        """A wrapping millisecond counter with its arithmetic (this module, a test clock)."""

        def ticks_ms(self) -> int: ...

        def ticks_add(self, ticks: int, delta: int) -> int: ...

        def ticks_diff(self, end: int, start: int) -> int: ...

        def sleep_ms(self, ms: int) -> None: ...

else:
    try:
        from micropython import const
    except ImportError:  # CPython

        def const(value):
            return value


TICKS_PERIOD = const(1 << 30)
_TICKS_MASK = const((1 << 30) - 1)
_TICKS_HALF = const(1 << 29)


def period_add(ticks: int, delta: int, period: int) -> int:
    """``ticks + delta`` on a counter that wraps at ``period`` (a power of two)."""
    return (ticks + delta) & (period - 1)


def period_diff(end: int, start: int, period: int) -> int:
    """``end - start`` on a counter that wraps at ``period``: in [-period/2, period/2)."""
    half = period >> 1
    return ((end - start + half) & (period - 1)) - half


def _ticks_add(ticks: int, delta: int) -> int:
    return (ticks + delta) & _TICKS_MASK


def _ticks_diff(end: int, start: int) -> int:
    return ((end - start + _TICKS_HALF) & _TICKS_MASK) - _TICKS_HALF


# The type checker takes the CPython branch: MicroPython's stubs give ticks an opaque
# type, but they are small ints, and drivers (and the fake clocks of tests) use them so.
if not TYPE_CHECKING and hasattr(time, "ticks_ms") and time.ticks_add(0, -1) == _TICKS_MASK:
    # a board, a 32-bit unix build: the port's own counter has the period
    ticks_ms = time.ticks_ms
    ticks_add = time.ticks_add
    ticks_diff = time.ticks_diff
    sleep_ms = time.sleep_ms
elif not TYPE_CHECKING and hasattr(time, "ticks_ms"):
    # the 64-bit unix port: its counter, reduced to a board's period

    def ticks_ms():
        return time.ticks_ms() & _TICKS_MASK

    ticks_add = _ticks_add
    ticks_diff = _ticks_diff
    sleep_ms = time.sleep_ms
else:  # CPython

    def ticks_ms() -> int:
        return int(time.monotonic() * 1000) & _TICKS_MASK  # type: ignore[attr-defined]

    def sleep_ms(ms: int) -> None:
        time.sleep(ms / 1000)

    ticks_add = _ticks_add
    ticks_diff = _ticks_diff
