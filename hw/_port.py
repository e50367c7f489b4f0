"""What differs between MicroPython and CPython for the drivers: const() and millisecond ticks.

Drivers take ``ticks_ms``/``sleep_ms`` arguments so tests can pass a fake clock;
these are the defaults. ``ticks_diff`` copes with the wrap of MicroPython's
ticks counter (ports wrap it at 2**30 ms or so).
"""

import time

try:
    from micropython import const
except ImportError:  # CPython

    def const(value):
        return value


if hasattr(time, "ticks_ms"):  # MicroPython
    ticks_ms = time.ticks_ms
    ticks_diff = time.ticks_diff
    sleep_ms = time.sleep_ms
else:  # CPython

    def ticks_ms() -> int:
        return int(time.monotonic() * 1000)

    def ticks_diff(end: int, start: int) -> int:
        return end - start

    def sleep_ms(ms: int) -> None:
        time.sleep(ms / 1000)
