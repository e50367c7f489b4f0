"""What differs between MicroPython and CPython for the drivers: const() and millisecond ticks.

Drivers take ``ticks_ms``/``sleep_ms`` arguments so tests can pass a fake clock;
these are the defaults. ``ticks_diff`` copes with the wrap of MicroPython's
ticks counter (ports wrap it at 2**30 ms or so).
"""

import time

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from micropython import const
else:
    try:
        from micropython import const
    except ImportError:  # CPython

        def const(value):
            return value


# The type checker takes the CPython branch: MicroPython's stubs give ticks an opaque
# type, but they are small ints, and drivers (and the fake clocks of tests) use them so.
if not TYPE_CHECKING and hasattr(time, "ticks_ms"):  # MicroPython
    ticks_ms = time.ticks_ms
    ticks_diff = time.ticks_diff
    sleep_ms = time.sleep_ms
else:  # CPython

    def ticks_ms() -> int:
        return int(time.monotonic() * 1000)  # type: ignore[attr-defined]  # CPython's time

    def ticks_diff(end: int, start: int) -> int:
        return end - start

    def sleep_ms(ms: int) -> None:
        time.sleep(ms / 1000)
