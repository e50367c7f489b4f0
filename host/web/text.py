"""Words and numbers for the pages: catalogue text in both languages, times, shares, days.

Every people-facing string comes from ``host.backoffice.messages``; a page
shows the Swedish text first and the English after it, in a smaller
``<span lang="en">``. CSV files get the values themselves
(``csv_value``: codes for scripts, or their Swedish words, ``Coded``), written
by ``host.csvfile``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from host.backoffice import messages, workdays
from host.backoffice.timeutil import format_time


def pair(key: str, **values: object) -> tuple[str, str]:
    swedish, english = messages.CATALOGUE[key]
    return swedish.format(**values), english.format(**values)


def label(key: str, **values: object) -> Markup:
    """Swedish, then English in a smaller span (HTML-escaped)."""
    return both(*pair(key, **values))


def both(swedish: str, english: str) -> Markup:
    """Two texts already made in their languages, as ``label`` shows them."""
    if swedish == english:
        return Markup('<span lang="sv">{}</span>').format(swedish)
    return Markup('<span lang="sv">{}</span> <span lang="en" class="en">{}</span>').format(
        swedish, english
    )


def plain(key: str, **values: object) -> str:
    """ "svenska / English" as plain text (titles, attributes, CSV notes)."""
    return messages.text(key, **values)


def day_month(day: date) -> tuple[str, str]:
    """``15 juni`` and ``15 June``."""
    swedish, english = messages.CATALOGUE[f"date.month.{day.month}"]
    return pair("web.sample.date", day=day.day, month=swedish)[0], f"{day.day} {english}"


def weekday(day: date) -> tuple[str, str]:
    return messages.CATALOGUE[f"date.weekday.{day.weekday()}"]


def sample_moved(day: date, passed_over: Sequence[workdays.NotWorking]) -> Markup:
    """Why the sample date is not the 15th: ``15 juni är en lördag; …: stickprovsdagen blir …``."""
    reasons: tuple[list[str], list[str]] = ([], [])
    for passed in passed_over:
        dates = day_month(passed.day)
        if passed.holiday_sv:
            # "16 april är påskdagen": a Swedish holiday's name is written small mid-sentence
            holiday = (passed.holiday_sv[:1].lower() + passed.holiday_sv[1:], passed.holiday_en)
            key = "web.sample.why_holiday"
            values = [{"date": dates[i], "holiday": holiday[i]} for i in (0, 1)]
        else:
            key = "web.sample.why_weekend"
            values = [{"date": dates[i], "weekday": weekday(passed.day)[i]} for i in (0, 1)]
        for i in (0, 1):
            reasons[i].append(messages.CATALOGUE[key][i].format(**values[i]))
    dates, names = day_month(day), weekday(day)
    swedish, english = (
        messages.CATALOGUE["web.sample.moved"][i].format(
            reasons="; ".join(reasons[i]), weekday=names[i], date=dates[i]
        )
        for i in (0, 1)
    )
    return both(swedish, english)


def time(ts: int | None) -> str:
    return format_time(ts)


def minutes(ts: int | None) -> str:
    return format_time(ts)[:16]


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def percent(share: float | None) -> str:
    """A share 0..1 as Swedish percent, e.g. ``66,7 %``; empty for none."""
    return "" if share is None else f"{_decimal(share * 100, 1)} %"


def decimal(value: float | None, digits: int = 1) -> str:
    return "" if value is None else _decimal(value, digits)


class Coded(str):
    """A stable English code (the plain CSV's value) that knows its Swedish word (the Swedish
    CSV's): ``Coded("blocked", "spärrad")``."""

    swedish: str

    def __new__(cls, code: str, swedish: str) -> Coded:
        made = super().__new__(cls, code)
        made.swedish = swedish
        return made


def coded(code: str, key: str, **values: object) -> Coded:
    """``code`` with the Swedish text of catalogue ``key``."""
    return Coded(code, pair(key, **values)[0])


def csv_value(value: object, swedish: bool = False) -> object:
    """A table's value as ``host.csvfile`` writes it: shares to 0.1; a code as itself (plain)
    or its Swedish word; lists joined by ';' (plain) or ', ' (Swedish).

    The writer neutralises formulas and formats numbers, booleans and times for the dialect.
    """
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, Coded):
        return value.swedish if swedish else str(value)
    if isinstance(value, list | tuple):
        return (", " if swedish else ";").join(str(csv_value(v, swedish)) for v in value)
    return value


def optional(value: object) -> Markup:
    """A cell for HTML: the value escaped, or an en dash for nothing."""
    if value is None or value == "":
        return Markup("&ndash;")
    return escape(value)
