"""Words and numbers for the pages: catalogue texts in the pages' language, times, shares, days.

Every people-facing string comes from ``host.backoffice.messages``. The pages'
language is a setting (``synk backoffice serve --language``, ``messages.LANGUAGES``):
``sv`` (the default) shows the Swedish text only, ``en`` the English only, and
``both`` the Swedish first and the English after it, in a smaller
``<span lang="en">``. ``shown`` is the one place that decides which of a pair of
texts a page shows; ``show`` (HTML) and ``plain`` (titles, attributes, chart
labels) use it, and the templates only call those. The web app sets the
language of each request (``speaking``); outside a request it is the default.
CSV files get the values themselves
(``csv_value``: codes for scripts, or their Swedish words, ``Coded``), written
by ``host.csvfile``, whatever the pages' language.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from markupsafe import Markup, escape

from host.backoffice import messages, workdays
from host.backoffice.errors import Invalid
from host.backoffice.timeutil import format_time

_language: ContextVar[str] = ContextVar("synk_pages_language", default=messages.DEFAULT_LANGUAGE)


def checked_language(language: str) -> str:
    """``language`` if it is one of ``messages.LANGUAGES``; else ``Invalid``."""
    if language not in messages.LANGUAGES:
        raise Invalid("serve.language", language=language, languages=", ".join(messages.LANGUAGES))
    return language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Pages and tables made inside are in ``language`` (the web app: per request)."""
    token = _language.set(checked_language(language))
    try:
        yield
    finally:
        _language.reset(token)


def language() -> str:
    """The language setting pages are made in now (``messages.LANGUAGES``)."""
    return _language.get()


def html_lang() -> str:
    """The page's ``<html lang>``: ``en`` for English only; else ``sv`` (with ``both`` the
    English texts are marked ``lang="en"`` each)."""
    return "en" if language() == "en" else "sv"


def shown(swedish: str, english: str) -> tuple[str, ...]:
    """The texts of a Swedish and English pair a page shows in the current language: one of
    them, or (``both``) the Swedish, then the English unless it is the same words."""
    chosen = language()
    if chosen == "en":
        return (english,)
    if chosen == "sv" or swedish == english:
        return (swedish,)
    return swedish, english


def pair(key: str, **values: object) -> tuple[str, str]:
    swedish, english = messages.CATALOGUE[key]
    return swedish.format(**values), english.format(**values)


def label(key: str, **values: object) -> Markup:
    """Catalogue ``key`` as HTML (escaped) in the pages' language, as ``show`` shows it."""
    return show(*pair(key, **values))


def show(swedish: str, english: str) -> Markup:
    """Two texts already made in their languages, as HTML (escaped): the one the language
    shows; with ``both`` the Swedish, then the English in a smaller span."""
    texts = shown(swedish, english)
    if language() != "both":
        return escape(texts[0])
    if len(texts) == 1:
        return Markup('<span lang="sv">{}</span>').format(texts[0])
    return Markup('<span lang="sv">{}</span> <span lang="en" class="en">{}</span>').format(*texts)


def plain(key: str, **values: object) -> str:
    """Catalogue ``key`` as plain text (titles, attributes, chart labels) in the pages'
    language; with ``both`` "svenska / English"."""
    return plain_pair(*pair(key, **values))


def plain_pair(swedish: str, english: str) -> str:
    """Two texts already made in their languages, as ``plain`` gives them."""
    return " / ".join(shown(swedish, english))


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
    return show(swedish, english)


def time(ts: int | None) -> str:
    return format_time(ts)


def minutes(ts: int | None) -> str:
    return format_time(ts)[:16]


def decimal_mark() -> str:
    """The Swedish decimal comma, or with ``en`` the English point."""
    return "." if language() == "en" else ","


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", decimal_mark())


def percent(share: float | None) -> str:
    """A share 0..1 as percent with one decimal, ``66,7 %`` (``en``: ``66.7 %``); empty for
    none."""
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
