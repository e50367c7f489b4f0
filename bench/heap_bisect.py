"""The smallest heap a MicroPython run succeeds with, found by bisection (issue 15's and 11's
``vm_heap_min_ok_bytes``).

``min_ok(ok, low, high, step)`` bisects on ``ok(heapsize) -> bool``: ``high``
must be ok (checked first: a run that fails even there is an error, not a
figure), ``low`` is taken as failing, and the answer is the smallest multiple
of ``step`` above ``low`` that was seen ok with the one below it seen failing
(or ``low`` itself plus ``step``). The heap a run needs is assumed monotonic;
fragmentation can make it slightly not so, which moves the figure by about a
``step`` at most in practice.

``micropython_ok(args, heapsize, timeout)`` is the ``ok`` of a real run: the
unix port started with ``-X heapsize=<bytes>`` and ``args``; any failure (a
``MemoryError``, any other exception, a crash, a timeout) is not ok.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from emulator.vm_board import micropython_command

ROOT = Path(__file__).resolve().parent.parent


class NeverOk(RuntimeError):
    """The run failed even with the largest heap tried: there is nothing to bisect."""


def min_ok(ok: Callable[[int], bool], low: int, high: int, step: int) -> int:
    """The smallest ``step``-multiple in (``low``, ``high``] for which ``ok`` holds."""
    if step <= 0 or high % step or low % step or not 0 <= low < high:
        raise ValueError(f"bad bounds: low {low}, high {high}, step {step}")
    if not ok(high):
        raise NeverOk(f"not ok even with a heap of {high} bytes")
    while high - low > step:
        middle = (low + high) // 2 // step * step
        if ok(middle):
            high = middle
        else:
            low = middle
    return high


def micropython_ok(args: Sequence[str], heapsize: int, timeout: float = 600) -> bool:
    """Whether ``micropython -X heapsize=<heapsize> args...`` exits 0 (run in the repository)."""
    try:
        done = subprocess.run(
            [micropython_command(), "-X", f"heapsize={heapsize}", *args],
            cwd=ROOT,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0
