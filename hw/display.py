"""What the station says to the person at it: Swedish first, English under it, word-wrapped.

``TextDisplay(driver)`` works with any driver that has ``show_lines(lines)``
(hw.ssd1306.SSD1306_I2C on a board, a recorder in the emulator and tests) and
remembers what it showed in ``.lines``, ``.swedish`` and ``.english``.

Layout on the 16 × 8 character screen: the Swedish text, wrapped at word
boundaries; then, if room is left, an empty line and the English text; then
the support contact (whom to call), which is the same in both languages and
so shown once, on the last lines. The contact always fits: the station's
configuration allows only a contact of at most ``CONTACT_ROWS`` lines
(``contact_fits``), and those lines are kept for it. The Swedish text wins
over the English: English gets what is left, without the empty line when that
is what it takes to fit, and is cut when it still does not (the catalogue's
test holds every station message whole, in each language setting, with the
longest contact). A newline in a text starts a new line.

``language`` is the station's setting (``LANGUAGES``): "both" (Swedish, then
English), "sv" or "en" only.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

COLUMNS = 16
ROWS = 8
CONTACT_ROWS = 2
LANGUAGES = ("sv", "en", "both")


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


def contact_fits(contact: str, columns: int = COLUMNS) -> bool:
    """Whether a support contact fits the lines the screen keeps for it."""
    return 0 < len(wrap(contact, columns)) <= CONTACT_ROWS


def layout(
    swedish: str,
    english: str,
    rows: int = ROWS,
    columns: int = COLUMNS,
    contact: str = "",
    language: str = "both",
) -> "list[str]":
    """The lines of the screen for one message (see the module's docstring)."""
    if language not in LANGUAGES:
        raise ValueError("language: must be one of sv, en, both")
    contact_lines = wrap(contact, columns)[:rows]
    rows -= len(contact_lines)
    if language == "en" and english:
        swedish, english = english, ""
    elif language != "both":
        english = ""
    lines = wrap(swedish, columns)[:rows]
    english_lines = wrap(english, columns)
    room = rows - len(lines)
    if english_lines and room > 0:
        if lines and room > len(english_lines):
            lines.append("")
            room -= 1
        lines.extend(english_lines[:room])
    return lines + contact_lines


class TextDisplay:
    """Bilingual messages on ``driver`` (anything with ``show_lines(lines)``).

    ``.swedish`` and ``.english`` are each message as read in full, the
    contact (when there is one) after the text.
    """

    def __init__(
        self, driver: "Any", rows: int = ROWS, columns: int = COLUMNS, language: str = "both"
    ) -> None:
        if language not in LANGUAGES:
            raise ValueError("language: must be one of sv, en, both")
        self.driver = driver
        self.rows = rows
        self.columns = columns
        self.language = language
        self.lines: "list[str]" = []
        self.swedish = ""
        self.english = ""
        self.contact = ""

    def show(self, swedish: str, english: str = "", contact: str = "") -> None:
        self.swedish = _joined(swedish, contact)
        self.english = _joined(english, contact) if english else ""
        self.contact = contact
        self.lines = layout(swedish, english, self.rows, self.columns, contact, self.language)
        self.driver.show_lines(self.lines)

    def clear(self) -> None:
        self.show("", "")


def _joined(text: str, contact: str) -> str:
    if not contact:
        return text
    return text + " " + contact if text else contact
