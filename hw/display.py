"""What the station says to the person at it: Swedish first, English under it, word-wrapped.

``TextDisplay(driver)`` works with any driver that has ``show_lines(lines)``
(hw.ssd1306.SSD1306_I2C on a board, a recorder in the emulator and tests) and
remembers what it showed in ``.lines``, ``.swedish`` and ``.english``.

Layout on the 16 × 8 character screen: the Swedish text, wrapped at word
boundaries; then, if room is left, an empty line and the English text. The
Swedish text always wins: English gets what is left, without the empty line
when that is what it takes to fit, and is cut when it still does not.
A newline in a text starts a new line.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

COLUMNS = 16
ROWS = 8


def wrap(text: str, width: int = COLUMNS) -> "list[str]":
    """``text`` broken into lines of at most ``width`` characters, between words where possible.

    A word longer than a line is cut. Runs of spaces count as one; newlines
    are kept as line breaks. An empty text gives no lines.
    """
    lines: "list[str]" = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while len(word) > width:  # too long for any line: cut it
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if not word:
                continue
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line = line + " " + word
            else:
                lines.append(line)
                line = word
        if line or not paragraph.split():
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def layout(swedish: str, english: str, rows: int = ROWS, columns: int = COLUMNS) -> "list[str]":
    """The lines of the screen for one message (see the module's docstring)."""
    lines = wrap(swedish, columns)[:rows]
    english_lines = wrap(english, columns)
    room = rows - len(lines)
    if english_lines and room > 0:
        if lines and room > len(english_lines):
            lines.append("")
            room -= 1
        lines.extend(english_lines[:room])
    return lines


class TextDisplay:
    """Bilingual messages on ``driver`` (anything with ``show_lines(lines)``)."""

    def __init__(self, driver: "Any", rows: int = ROWS, columns: int = COLUMNS) -> None:
        self.driver = driver
        self.rows = rows
        self.columns = columns
        self.lines: "list[str]" = []
        self.swedish = ""
        self.english = ""

    def show(self, swedish: str, english: str = "") -> None:
        self.swedish = swedish
        self.english = english
        self.lines = layout(swedish, english, self.rows, self.columns)
        self.driver.show_lines(self.lines)

    def clear(self) -> None:
        self.show("", "")
