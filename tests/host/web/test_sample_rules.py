"""The central sample's rules: the sample date, the seeded draw, month arithmetic.

Expected sample dates are read off the calendar (the weekday of each 15th is
written beside it; checked with ``date -d YYYY-MM-15 +%a``).
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from host.backoffice.errors import Invalid
from host.backoffice.followup.sample import (
    draw,
    month_bounds,
    months_back,
    parse_month,
    sample_date,
)
from host.backoffice.timeutil import day_start

EXPECTED = {
    (2026, 1): date(2026, 1, 15),  # Thursday
    (2026, 2): date(2026, 2, 16),  # the 15th a Sunday -> Monday the 16th
    (2026, 3): date(2026, 3, 16),  # Sunday -> Monday
    (2026, 4): date(2026, 4, 15),  # Wednesday
    (2026, 5): date(2026, 5, 15),  # Friday
    (2026, 6): date(2026, 6, 15),  # Monday
    (2026, 7): date(2026, 7, 15),  # Wednesday
    (2026, 8): date(2026, 8, 17),  # Saturday -> Monday the 17th
    (2026, 9): date(2026, 9, 15),  # Tuesday
    (2026, 10): date(2026, 10, 15),  # Thursday
    (2026, 11): date(2026, 11, 16),  # Sunday -> Monday
    (2026, 12): date(2026, 12, 15),  # Tuesday
    (2027, 1): date(2027, 1, 15),  # Friday
    (2027, 2): date(2027, 2, 15),  # Monday
    (2027, 3): date(2027, 3, 15),  # Monday
    (2027, 4): date(2027, 4, 15),  # Thursday
    (2027, 5): date(2027, 5, 17),  # Saturday -> Monday the 17th
    (2027, 6): date(2027, 6, 15),  # Tuesday
    (2027, 7): date(2027, 7, 15),  # Thursday
    (2027, 8): date(2027, 8, 16),  # Sunday -> Monday the 16th
    (2027, 9): date(2027, 9, 15),  # Wednesday
    (2027, 10): date(2027, 10, 15),  # Friday
    (2027, 11): date(2027, 11, 15),  # Monday
    (2027, 12): date(2027, 12, 15),  # Wednesday
}


@pytest.mark.parametrize(("month", "expected"), sorted(EXPECTED.items()))
def test_the_sample_date_of_every_month_of_two_years(
    month: tuple[int, int], expected: date
) -> None:
    assert sample_date(*month) == expected


def test_the_two_years_cover_both_weekend_cases() -> None:
    fifteenths = [date(y, m, 15).weekday() for y, m in EXPECTED]
    assert 5 in fifteenths and 6 in fifteenths  # a Saturday and a Sunday are among them


@given(st.integers(2000, 2100), st.integers(1, 12))
@settings(max_examples=60)
def test_the_sample_date_is_the_first_weekday_from_the_15th(year: int, month: int) -> None:
    day = sample_date(year, month)
    assert day.weekday() < 5
    assert day.month == month
    assert 15 <= day.day <= 17
    assert all(date(year, month, d).weekday() >= 5 for d in range(15, day.day))


def test_the_draw_is_repeatable_for_a_seed() -> None:
    candidates = [11, 4, 7, 19, 2, 30, 8]
    day = date(2026, 3, 16)
    first = draw(candidates, 4711, 1, day, 3)
    assert draw(list(reversed(candidates)), 4711, 1, day, 3) == first  # order does not matter
    assert len(first) == 3 and len(set(first)) == 3 and set(first) <= set(candidates)
    # The value follows from the documented algorithm, so another program can repeat it.
    expected = random.Random("synk-sample:4711:1:2026-03-16").sample(sorted(candidates), 3)
    assert first == expected


def test_seeds_providers_and_days_give_other_draws() -> None:
    candidates = list(range(1, 41))
    day = date(2026, 3, 16)
    by_seed = {tuple(draw(candidates, seed, 1, day, 3)) for seed in range(10)}
    by_provider = {tuple(draw(candidates, 1, provider, day, 3)) for provider in range(1, 11)}
    by_day = {tuple(draw(candidates, 1, 1, sample_date(2026, m), 3)) for m in range(1, 11)}
    assert len(by_seed) > 5 and len(by_provider) > 5 and len(by_day) > 5


def test_a_draw_from_fewer_candidates_takes_them_all() -> None:
    assert sorted(draw([5, 3], 9, 1, date(2026, 3, 16), 3)) == [3, 5]
    assert draw([], 9, 1, date(2026, 3, 16), 3) == []


def test_months_are_parsed_and_counted() -> None:
    assert parse_month("2026-03") == (2026, 3)
    assert parse_month(" 2026-3 ") == (2026, 3)
    for bad in ("2026", "2026-13", "mars", "2026-03-01", "1999-12"):
        with pytest.raises(Invalid):
            parse_month(bad)
    assert months_back(2026, 2, 3) == [(2025, 12), (2026, 1), (2026, 2)]
    assert months_back(2026, 12, 1) == [(2026, 12)]
    start, end = month_bounds(2026, 3)  # March has the change to summer time
    assert start == day_start(date(2026, 3, 1))
    assert end == day_start(date(2026, 4, 1))
    assert end - start == 31 * 86400 - 3600
