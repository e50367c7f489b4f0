"""Exponential back-off with a cap and jitter: how long the station waits before trying again.

After the n-th failure in a row the wait is ``base_ms × 2^(n-1)``, at most
``cap_ms``, less a random part of up to a quarter (jitter, so that the stations
of a municipality do not all come back at the same second after an outage).
The wait never exceeds the cap. ``reset`` after a success starts over.

``random`` is a function returning a float in [0, 1); tests pass a fixed one.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable  # read under TYPE_CHECKING only


def _random() -> float:
    import random

    return random.getrandbits(16) / 65536


class Backoff:
    def __init__(
        self,
        base_ms: int = 5000,
        cap_ms: int = 600000,
        random: "Callable[[], float] | None" = None,
    ) -> None:
        if not 0 < base_ms <= cap_ms:
            raise ValueError("need 0 < base_ms <= cap_ms")
        self.base_ms = base_ms
        self.cap_ms = cap_ms
        self._random = random or _random
        self.failures = 0

    def delay_ms(self, failures: int) -> int:
        """The wait after ``failures`` failures in a row, before jitter (0 for none)."""
        if failures <= 0:
            return 0
        delay = self.base_ms
        for _ in range(failures - 1):
            delay *= 2
            if delay >= self.cap_ms:
                return self.cap_ms
        return delay

    def failure(self) -> int:
        """Count one more failure; returns how many ms to wait before the next attempt."""
        self.failures += 1
        return self._jitter(self.delay_ms(self.failures))

    def failure_at_cap(self) -> int:
        """A failure that retrying soon will not cure (e.g. a refused credential): wait the cap."""
        self.failures += 1
        return self._jitter(self.cap_ms)

    def reset(self) -> None:
        self.failures = 0

    def _jitter(self, delay: int) -> int:
        fraction = self._random()
        if not 0 <= fraction < 1:
            fraction = 0.0
        return delay - int(delay * fraction / 4)
