"""The station's log: a numbered ring of recent lines, tailed over the service console.

Lines are ``seq time level message`` (level ``I``, ``W`` or ``E``; a newline in a
message is written as a space); ``seq`` grows by one per line from 1, so
a technician's ``log --follow`` asks for lines after the last seq it saw and
notices when the ring dropped some (the first seq it gets is higher).
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable  # read under TYPE_CHECKING only

    from firmware.clock import Clock

INFO = "I"
WARN = "W"
ERROR = "E"


class Log:
    def __init__(
        self, clock: "Clock", capacity: int = 200, echo: "Callable[[str], object] | None" = None
    ) -> None:
        self._clock = clock
        self._capacity = capacity
        self._lines: list[str] = []
        self._next_seq = 1
        self._echo = echo  # e.g. print, to mirror lines on the REPL

    def _add(self, level: str, message: str) -> None:
        # one line per entry (SPEC.md 7): a newline inside a message (an exception's words,
        # a name) would otherwise start a line without seq, time and level
        message = message.replace("\r", " ").replace("\n", " ")
        line = "%d %d %s %s" % (self._next_seq, self._clock.now(), level, message)
        self._next_seq += 1
        self._lines.append(line)
        if len(self._lines) > self._capacity:
            self._lines.pop(0)
        if self._echo is not None:
            self._echo(line)

    def info(self, message: str) -> None:
        self._add(INFO, message)

    def warn(self, message: str) -> None:
        self._add(WARN, message)

    def error(self, message: str) -> None:
        self._add(ERROR, message)

    @property
    def next_seq(self) -> int:
        return self._next_seq

    def tail(self, from_seq: int, max_bytes: int) -> tuple[int, int, str]:
        """Lines with seq >= from_seq that fit in max_bytes: (first_seq, next_seq, text).

        Each line ends with a newline. A line that alone is longer than
        max_bytes is cut to fit rather than held back, so a reader that
        follows the log always moves on.
        """
        first_held = self._next_seq - len(self._lines)
        start = max(from_seq, first_held)
        out: list[str] = []
        used = 0
        seq = start
        for line in self._lines[start - first_held :]:
            cost = len(line.encode()) + 1
            if used + cost > max_bytes:
                if out or max_bytes < 2:
                    break
                line = _cut(line, max_bytes - 1)
                cost = len(line.encode()) + 1
            out.append(line + "\n")
            used += cost
            seq += 1
        return start, seq, "".join(out)


def _cut(line: str, max_bytes: int) -> str:
    """`line` shortened (by whole characters) to at most max_bytes of UTF-8."""
    line = line[:max_bytes]
    while len(line.encode()) > max_bytes:
        line = line[:-1]
    return line
