"""The project's one CSV writer (and its reader): every export, web page or command line.

Two dialects:

* ``sv`` (the default of every export people download, ``dialect(None)``) —
  what a spreadsheet set to Swedish opens directly with a double click: ``;``
  between cells (Swedish Excel's list separator), UTF-8 *with* a BOM (else
  Excel reads it as Windows-1252), a decimal comma, ``ja``/``nej`` for
  booleans, and times as Swedish local ``ÅÅÅÅ-MM-DD tt:mm`` (a ``datetime``,
  a local ``YYYY-MM-DD HH:MM:SS`` or an ISO 8601 time with its offset, as
  the back office's rows have them), which a spreadsheet reads as a date.
  The headers and code values in Swedish are the caller's (it owns the
  catalogue): the web tables and the admin command line give them.
* ``plain`` — RFC 4180 for scripts: ``,`` between cells, CRLF, UTF-8 without
  a BOM, a decimal point, ``true``/``false``, times as given (ISO 8601), and
  the stable English codes and column names.

CSV injection is neutralised in both, following OWASP's guidance
(https://owasp.org/www-community/attacks/CSV_Injection): a text cell that
begins with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return (spaces before
it do not help), or that has such a character right after a field separator
inside it (``a;=cmd``) or after a line break inside it (a program that
splits on the other separator ends the row there), is prefixed with a
single quote and wrapped in double quotes, with every double quote inside
doubled. Quotes alone do not save the
second case: a program that splits a ``,`` file on ``;`` ends the quoted cell
at the ``;`` and makes ``=cmd"`` a cell of its own. So a ``'`` also goes right
after each separator inside a text that a formula character follows
(``'a;'=cmd``). Any cell holding a separator of *either* dialect, a quote or a
line break is quoted, so that a file opened with the other separator keeps it
one cell where it can.

The quotes added are reversible: a text that already begins with ``'`` (or has
``'`` right after a separator) gets one more, and ``read`` takes exactly one
off again, so a file this module wrote reads back to the values given (the
site export relies on it).

Numbers are written as numbers (never neutralised: ``-1`` is minus one);
``None`` is an empty cell, booleans as the dialect says. Anything else is
``str()``-ed and treated as text.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TextIO

from host.backoffice.timeutil import TZ

DialectName = Literal["plain", "sv"]
DIALECTS: tuple[DialectName, ...] = ("plain", "sv")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = (",", ";", "\t")
BOM = "\ufeff"
# a formula character at the start, or right after a separator (spaces between count as nothing)
_DANGEROUS = re.compile(r"(?:^|[,;\t\r\n]) *[=+\-@\t\r]")
# a separator inside the text before a formula character or a quote: gets a ' after it
_INNER = re.compile(r"([,;\t\r\n])(?= *[=+\-@\t\r]|')")
_INNER_UNDONE = re.compile(r"([,;\t\r\n])'(?= *[=+\-@\t\r]|')")
_QUOTE_NEEDED = re.compile(r'[,;\t"\r\n]')
# a time as the back office writes one: local with seconds, or ISO 8601 with an offset or Z
_LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")


@dataclass(frozen=True)
class Dialect:
    name: DialectName
    delimiter: str
    bom: bool
    decimal: str
    true: str
    false: str
    local_minutes: bool  # times as Swedish local YYYY-MM-DD HH:MM
    media_type: str = "text/csv; charset=utf-8"

    @property
    def swedish(self) -> bool:
        """Headers and code values in Swedish (the caller's catalogue has them)."""
        return self.name == "sv"


PLAIN = Dialect("plain", ",", False, ".", "true", "false", False)
SWEDISH = Dialect("sv", ";", True, ",", "ja", "nej", True)
DEFAULT = SWEDISH


def dialect(name: str | None) -> Dialect:
    """The dialect called ``name`` (Swedish when none is given); ValueError for another."""
    if name is None or name == "":
        return DEFAULT
    if name == "plain":
        return PLAIN
    if name == "sv":
        return SWEDISH
    raise ValueError(f"unknown CSV dialect: {name!r}")


def local_minutes(value: datetime | str) -> str | None:
    """A time as Swedish local ``YYYY-MM-DD HH:MM``; None for a text that is no time."""
    if isinstance(value, datetime):
        moment = value
    elif _LOCAL_TIME.fullmatch(value):
        return value[:16]
    elif _ISO_TIME.fullmatch(value):
        moment = datetime.fromisoformat(value)
    else:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(TZ)
    return moment.strftime("%Y-%m-%d %H:%M")


def dangerous(text: str) -> bool:
    """True for text a spreadsheet could run as a formula (at its start or after a separator)."""
    return _DANGEROUS.search(text) is not None


def neutralise(text: str) -> str:
    """Text safe in a cell, whichever separator a program splits it on.

    A ``'`` goes before the text if it could start a formula anywhere (or already
    starts with ``'``), and after each separator inside it that a formula
    character (or a ``'``) follows.
    """
    inner = _INNER.sub(r"\1'", text)
    if dangerous(text) or text.startswith("'"):
        return "'" + inner
    return inner


def restore(cell: str) -> str:
    """``neutralise`` undone: the value a cell read back from this writer stands for."""
    if cell.startswith("'"):
        cell = cell[1:]
    return _INNER_UNDONE.sub(r"\1", cell)


def _number(value: float, style: Dialect) -> str:
    return repr(value).replace(".", style.decimal)


def cell(value: object, style: Dialect = PLAIN) -> str:
    """One value as the text of its cell (neutralised, not yet quoted)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return style.true if value else style.false
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value, style)
    if isinstance(value, datetime):
        return local_minutes(value) or "" if style.local_minutes else value.isoformat()
    text = str(value)
    if style.local_minutes:
        text = local_minutes(text) or text
    return neutralise(text)


def _field(value: object, style: Dialect) -> str:
    text = cell(value, style)
    if isinstance(value, float):  # ``66,7`` in the ``;`` dialect: no separator of its own
        return text
    if _QUOTE_NEEDED.search(text) or text.startswith("'"):
        return '"' + text.replace('"', '""') + '"'
    return text


def line(values: Iterable[object], style: Dialect = PLAIN) -> str:
    """One row, with its CRLF."""
    return style.delimiter.join(_field(v, style) for v in values) + "\r\n"


class Writer:
    """Rows to an open text file (opened with ``newline=""``); first the dialect's BOM, if any."""

    def __init__(self, handle: TextIO, style: Dialect = PLAIN) -> None:
        self.handle = handle
        self.style = style
        if style.bom:
            handle.write(BOM)

    def row(self, values: Iterable[object]) -> None:
        self.handle.write(line(values, self.style))

    def rows(self, rows: Iterable[Iterable[object]]) -> None:
        for values in rows:
            self.row(values)


def text(rows: Iterable[Iterable[object]], style: Dialect = PLAIN) -> str:
    """The whole file as a string (the BOM included when the dialect has one)."""
    out = io.StringIO()
    Writer(out, style).rows(rows)
    return out.getvalue()


def records(rows: Iterable[dict[str, object]], style: Dialect = PLAIN) -> str:
    """Dicts as a file with a header row of the first one's keys (empty for no rows)."""
    listed = list(rows)
    if not listed:
        return ""
    columns = list(listed[0])
    return text([columns, *([row.get(c) for c in columns] for row in listed)], style)


def reader(handle: TextIO) -> Iterator[list[str]]:
    """Rows of a file this module wrote, in either dialect (told apart by the BOM), restored.

    ``handle`` is a text file opened with ``newline=""`` (or any iterable of its lines).
    """
    lines = iter(handle)
    first = next(lines, "")
    style = SWEDISH if first.startswith(BOM) else PLAIN
    rows = csv.reader(itertools.chain([first.removeprefix(BOM)], lines), delimiter=style.delimiter)
    for cells in rows:
        yield [restore(c) for c in cells]


def read(content: str) -> list[list[str]]:
    """``reader`` over a whole file's text."""
    return list(reader(io.StringIO(content, newline="")))


def read_records(content: str) -> list[dict[str, str]]:
    """``read`` as dicts keyed by the header row."""
    rows = read(content)
    if not rows:
        return []
    header = rows[0]
    return [dict(zip(header, cells, strict=False)) for cells in rows[1:]]
