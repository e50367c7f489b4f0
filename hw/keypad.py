"""The station's 3×4 membrane keypad, scanned as a matrix: the digits of the PIN, * and #.

Wiring (the usual 7-pin 3×4 keypad): four row lines, three column lines, a
key joins its row to its column. The rows are outputs held high; the columns
are inputs with pull-ups. A scan drives one row low at a time and reads the
columns: a column that reads 0 has its key on that row pressed.

A membrane contact bounces for a few milliseconds, so a key counts only when
the scan has seen the same thing for ``debounce_ms``; each press is reported
once, and a key rolled onto before the last one is let go counts too. Two keys
at once (or a "ghost" from three, on a matrix without diodes) report nothing.
"""

from hw._port import ticks_diff, ticks_ms

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

KEYS = "123456789*0#"  # row by row, left to right, as printed on the keypad


class MatrixKeypad:
    """``row_pins``: 4 output pins, top row first; ``col_pins``: 3 pulled-up inputs, left first."""

    def __init__(
        self,
        row_pins: "list[Any]",
        col_pins: "list[Any]",
        keys: str = KEYS,
        debounce_ms: int = 20,
        ticks: "Callable[[], int] | None" = None,
    ) -> None:
        if len(keys) != len(row_pins) * len(col_pins):
            raise ValueError("%d keys do not fit the matrix" % len(keys))
        self._rows = row_pins
        self._cols = col_pins
        self._keys = keys
        self.debounce_ms = debounce_ms
        self._ticks = ticks or ticks_ms
        self._seen: "str | None" = None  # what the last scan saw
        self._seen_since = self._ticks()
        self._stable: "str | None" = None  # the debounced state
        for row in row_pins:
            row.value(1)

    def scan(self) -> "str | None":
        """The one key held down now, without debouncing; None for none or several."""
        found = None
        width = len(self._cols)
        for r, row in enumerate(self._rows):
            row.value(0)
            for c, col in enumerate(self._cols):
                if not col.value():
                    if found is not None:
                        row.value(1)
                        return None
                    found = self._keys[r * width + c]
            row.value(1)
        return found

    def read_key(self) -> "str | None":
        """The key just pressed (once per press) or None. Call it every 5-10 ms."""
        now = self._ticks()
        raw = self.scan()
        if raw != self._seen:
            self._seen = raw
            self._seen_since = now
            return None
        if ticks_diff(now, self._seen_since) < self.debounce_ms or raw == self._stable:
            return None
        self._stable = raw
        return raw
