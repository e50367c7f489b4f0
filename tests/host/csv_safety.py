"""What a spreadsheet would make of an export: every cell, split on ``,`` and on ``;``.

Used by the CSV tests of the web exports and of ``synk admin … --csv``: a
cell a spreadsheet could run as a formula is one that begins (after spaces)
with ``= + - @``, a tab or a carriage return.
"""

from __future__ import annotations

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cells(content: str, delimiter: str) -> list[list[str]]:
    """The rows as a spreadsheet splitting on ``delimiter`` (and honouring quotes) sees them."""
    body = content.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))


def formulas(content: str) -> list[str]:
    """Every cell that would start a formula, whether the file is split on ``,`` or ``;``."""
    return [
        cell
        for delimiter in (",", ";")
        for row in cells(content, delimiter)
        for cell in row
        if cell.lstrip(" ").startswith(FORMULA_START)
    ]


def naive_formulas(content: str, delimiter: str) -> list[str]:
    """Cells starting a formula when a program ignores the quotes and splits on ``delimiter``."""
    body = content.removeprefix("\ufeff")
    return [
        part
        for line in body.splitlines()
        for part in line.split(delimiter)
        if part.strip(' "').startswith(FORMULA_START)
    ]
