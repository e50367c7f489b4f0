"""What a *vardag* (working day) is in the routines: the one place that decides it.

Seed 000 §4 takes the 15th of the month, "or the next vardag". A vardag is
Monday to Friday that is not a Swedish public holiday (``röd dag``) and not
one of the three eves Swedish employers give off as if they were: Midsommar
eve, Christmas Eve and New Year's Eve. The public holidays and the eves come
from the maintained ``holidays`` library (country SE, categories ``public``
and ``de_facto`` — the latter holds exactly those three eves), so moving
feasts such as Good Friday, Easter Monday and Ascension Day are right in
every year without a table of our own.

``not_working(day)`` says why a day is no vardag (for the page that explains
why a date moved), ``next_working_day(day)`` is the rule itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

COUNTRY = "SE"
CATEGORIES = ("public", "de_facto")  # röda dagar, and midsommar-, jul- and nyårsafton
SATURDAY = 5


@dataclass(frozen=True)
class NotWorking:
    """Why ``day`` is no vardag: a weekend day, or a holiday with its Swedish and English name."""

    day: date
    weekend: bool
    holiday_sv: str = ""
    holiday_en: str = ""


@functools.lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> dict[date, str]:
    found = holidays.country_holidays(COUNTRY, years=year, categories=CATEGORIES, language=language)
    return dict(found.items())


def holiday(day: date) -> tuple[str, str] | None:
    """(Swedish, English) name of the public holiday or eve off on ``day``, or None."""
    swedish = _holidays(day.year, "sv").get(day)
    if swedish is None:
        return None
    return swedish, _holidays(day.year, "en_US").get(day, swedish)


def not_working(day: date) -> NotWorking | None:
    """Why ``day`` is no vardag, or None when it is one. A holiday on a weekend names both."""
    names = holiday(day)
    weekend = day.weekday() >= SATURDAY
    if names is None and not weekend:
        return None
    return NotWorking(day, weekend, *(names or ("", "")))


def is_working_day(day: date) -> bool:
    return not_working(day) is None


def next_working_day(day: date) -> tuple[date, list[NotWorking]]:
    """``day`` if it is a vardag, else the first vardag after it; and the days passed over."""
    passed = []
    while (why := not_working(day)) is not None:
        passed.append(why)
        day += timedelta(days=1)
    return day, passed
