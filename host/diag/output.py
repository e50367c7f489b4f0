"""How ``synk diag`` shows things: Swedish local time, durations, aligned fields and tables,
JSON and CSV.

A command returns a ``Report``: ``data`` (plain values for ``--json``),
``lines`` (the readable text), and for lists ``rows`` (one dict a row, for
``--csv``). Devices count in UTC seconds; people read Europe/Stockholm time
(CET/CEST shown), scripts get both the seconds and an ISO time with offset.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from host import csvfile
from host.diag.messages import text

TZ = ZoneInfo("Europe/Stockholm")


@dataclass
class Report:
    data: dict[str, Any]
    lines: list[str]
    rows: list[dict[str, Any]] | None = None
    exit_status: int = 0


def local_time(ts: int, zero_key: str | None = "word.never") -> str:
    """``2026-11-18 10:46:40 CET``; 0 (none/never) as the catalogue's word."""
    if ts == 0 and zero_key is not None:
        return text(zero_key)
    return datetime.fromtimestamp(ts, TZ).strftime("%Y-%m-%d %H:%M:%S %Z")


def iso_local(ts: int) -> str | None:
    """``2026-11-18T10:46:40+01:00`` for scripts; None for 0."""
    if ts == 0:
        return None
    return datetime.fromtimestamp(ts, TZ).isoformat()


def duration(seconds: int) -> str:
    """``2 d 3 h``, ``5 h 12 min``, ``4 min 10 s``, ``12 s`` (negative with a minus)."""
    sign = "-" if seconds < 0 else ""
    left = abs(int(seconds))
    days, left = divmod(left, 86400)
    hours, left = divmod(left, 3600)
    minutes, secs = divmod(left, 60)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes} min"
    if minutes:
        return f"{sign}{minutes} min {secs} s"
    return f"{sign}{secs} s"


def firmware(version: int) -> str:
    """major × 256 + minor as ``1.0``."""
    return f"{version >> 8}.{version & 0xFF}"


def yes_no(value: object) -> str:
    return text("word.yes") if value else text("word.no")


def fields_text(rows: Sequence[tuple[str, str]]) -> list[str]:
    """``label  value`` lines, labels (catalogue keys) aligned."""
    labels = [text(key) for key, _ in rows]
    width = max((len(label) for label in labels), default=0)
    return [
        f"{label.ljust(width)}  {value}" for label, (_, value) in zip(labels, rows, strict=True)
    ]


def table_text(columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> list[str]:
    """A table of ``rows`` with ``columns`` given as (row key, heading catalogue key).

    Headings are Swedish/English; cells are the rows' values as text.
    """
    headings = [text(key) for _, key in columns]
    cells = [
        ["" if row.get(name) is None else str(row.get(name)) for name, _ in columns] for row in rows
    ]
    widths = [
        max(len(heading), *(len(line[i]) for line in cells)) if cells else len(heading)
        for i, heading in enumerate(headings)
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line in cells:
        out.append("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    raise TypeError(f"{type(value).__name__} is not JSON")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain)


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV (``host.csvfile``, plain) with a header row; None as an empty cell, bytes as hex."""
    return csvfile.records([{k: _csv_cell(v) for k, v in row.items()} for row in rows])


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return value
