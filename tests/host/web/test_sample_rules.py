"""The central sample's rules: the sample date, the seeded draw, month arithmetic.

Expected sample dates are read off the calendar (the weekday of each 15th is
written beside it; checked with ``date -d YYYY-MM-15 +%a``) and the Swedish
holidays of those years, not computed with the library the code uses.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from host.backoffice import workdays
from host.backoffice.errors import Invalid
from host.backoffice.followup.sample import (
    draw,
    month_bounds,
    months_back,
    parse_month,
    sample_date,
)
from host.backoffice.timeutil import day_start

# Every month of 2025-2030, by hand: the weekday of each 15th (``date -d YYYY-MM-15 +%a``),
# and the holidays near it. Easter 2028 is 16 April, so the 15th (a Saturday), Easter Sunday
# and Easter Monday all pass; no other holiday falls on a 15th-17th in these years.
EXPECTED = {
    (2025, 1): date(2025, 1, 15),  # the 15th: Wed
    (2025, 2): date(2025, 2, 17),  # the 15th: Sat->Mon
    (2025, 3): date(2025, 3, 17),  # the 15th: Sat->Mon
    (2025, 4): date(2025, 4, 15),  # the 15th: Tue
    (2025, 5): date(2025, 5, 15),  # the 15th: Thu
    (2025, 6): date(2025, 6, 16),  # the 15th: Sun->Mon
    (2025, 7): date(2025, 7, 15),  # the 15th: Tue
    (2025, 8): date(2025, 8, 15),  # the 15th: Fri
    (2025, 9): date(2025, 9, 15),  # the 15th: Mon
    (2025, 10): date(2025, 10, 15),  # the 15th: Wed
    (2025, 11): date(2025, 11, 17),  # the 15th: Sat->Mon
    (2025, 12): date(2025, 12, 15),  # the 15th: Mon
    (2026, 1): date(2026, 1, 15),  # the 15th: Thu
    (2026, 2): date(2026, 2, 16),  # the 15th: Sun->Mon
    (2026, 3): date(2026, 3, 16),  # the 15th: Sun->Mon
    (2026, 4): date(2026, 4, 15),  # the 15th: Wed
    (2026, 5): date(
        2026, 5, 15
    ),  # the 15th: Fri, the day after Ascension Day (a klämdag, still a vardag)
    (2026, 6): date(2026, 6, 15),  # the 15th: Mon
    (2026, 7): date(2026, 7, 15),  # the 15th: Wed
    (2026, 8): date(2026, 8, 17),  # the 15th: Sat->Mon
    (2026, 9): date(2026, 9, 15),  # the 15th: Tue
    (2026, 10): date(2026, 10, 15),  # the 15th: Thu
    (2026, 11): date(2026, 11, 16),  # the 15th: Sun->Mon
    (2026, 12): date(2026, 12, 15),  # the 15th: Tue
    (2027, 1): date(2027, 1, 15),  # the 15th: Fri
    (2027, 2): date(2027, 2, 15),  # the 15th: Mon
    (2027, 3): date(2027, 3, 15),  # the 15th: Mon
    (2027, 4): date(2027, 4, 15),  # the 15th: Thu
    (2027, 5): date(2027, 5, 17),  # the 15th: Sat->Mon
    (2027, 6): date(2027, 6, 15),  # the 15th: Tue
    (2027, 7): date(2027, 7, 15),  # the 15th: Thu
    (2027, 8): date(2027, 8, 16),  # the 15th: Sun->Mon
    (2027, 9): date(2027, 9, 15),  # the 15th: Wed
    (2027, 10): date(2027, 10, 15),  # the 15th: Fri
    (2027, 11): date(2027, 11, 15),  # the 15th: Mon
    (2027, 12): date(2027, 12, 15),  # the 15th: Wed
    (2028, 1): date(2028, 1, 17),  # the 15th: Sat->Mon
    (2028, 2): date(2028, 2, 15),  # the 15th: Tue
    (2028, 3): date(2028, 3, 15),  # the 15th: Wed
    (2028, 4): date(2028, 4, 18),  # the 15th: Sat, 16 Easter Sunday, 17 Easter Monday -> Tuesday
    (2028, 5): date(2028, 5, 15),  # the 15th: Mon
    (2028, 6): date(2028, 6, 15),  # the 15th: Thu
    (2028, 7): date(2028, 7, 17),  # the 15th: Sat->Mon
    (2028, 8): date(2028, 8, 15),  # the 15th: Tue
    (2028, 9): date(2028, 9, 15),  # the 15th: Fri
    (2028, 10): date(2028, 10, 16),  # the 15th: Sun->Mon
    (2028, 11): date(2028, 11, 15),  # the 15th: Wed
    (2028, 12): date(2028, 12, 15),  # the 15th: Fri
    (2029, 1): date(2029, 1, 15),  # the 15th: Mon
    (2029, 2): date(2029, 2, 15),  # the 15th: Thu
    (2029, 3): date(2029, 3, 15),  # the 15th: Thu
    (2029, 4): date(2029, 4, 16),  # the 15th: Sun->Mon
    (2029, 5): date(2029, 5, 15),  # the 15th: Tue
    (2029, 6): date(2029, 6, 15),  # the 15th: Fri
    (2029, 7): date(2029, 7, 16),  # the 15th: Sun->Mon
    (2029, 8): date(2029, 8, 15),  # the 15th: Wed
    (2029, 9): date(2029, 9, 17),  # the 15th: Sat->Mon
    (2029, 10): date(2029, 10, 15),  # the 15th: Mon
    (2029, 11): date(2029, 11, 15),  # the 15th: Thu
    (2029, 12): date(2029, 12, 17),  # the 15th: Sat->Mon
    (2030, 1): date(2030, 1, 15),  # the 15th: Tue
    (2030, 2): date(2030, 2, 15),  # the 15th: Fri
    (2030, 3): date(2030, 3, 15),  # the 15th: Fri
    (2030, 4): date(2030, 4, 15),  # the 15th: Mon
    (2030, 5): date(2030, 5, 15),  # the 15th: Wed
    (2030, 6): date(2030, 6, 17),  # the 15th: Sat->Mon
    (2030, 7): date(2030, 7, 15),  # the 15th: Mon
    (2030, 8): date(2030, 8, 15),  # the 15th: Thu
    (2030, 9): date(2030, 9, 16),  # the 15th: Sun->Mon
    (2030, 10): date(2030, 10, 15),  # the 15th: Tue
    (2030, 11): date(2030, 11, 15),  # the 15th: Fri
    (2030, 12): date(2030, 12, 16),  # the 15th: Sun->Mon
}


@pytest.mark.parametrize(("month", "expected"), sorted(EXPECTED.items()))
def test_the_sample_date_of_every_month_of_2025_to_2030(
    month: tuple[int, int], expected: date
) -> None:
    assert sample_date(*month) == expected


def test_the_six_years_cover_saturday_sunday_and_a_holiday() -> None:
    fifteenths = [date(y, m, 15).weekday() for y, m in EXPECTED]
    assert 5 in fifteenths and 6 in fifteenths
    assert EXPECTED[(2028, 4)].day == 18


@given(st.integers(2000, 2100), st.integers(1, 12))
@settings(max_examples=60)
def test_the_sample_date_is_the_first_vardag_from_the_15th(year: int, month: int) -> None:
    day = sample_date(year, month)
    assert workdays.is_working_day(day) and day.weekday() < 5
    assert day.month == month and day.day >= 15
    assert not any(workdays.is_working_day(date(year, month, d)) for d in range(15, day.day))


def _one_unit(ids: list[int], unit: int = 1) -> dict[int, int]:
    return {i: unit for i in ids}


def test_the_draw_is_repeatable_for_a_seed() -> None:
    candidates = {11: 1, 4: 2, 7: 1, 19: 2, 2: 1, 30: 3, 8: 1}
    day = date(2026, 3, 16)
    first = draw(candidates, 4711, 1, day, 3)
    assert draw(dict(reversed(candidates.items())), 4711, 1, day, 3) == first  # order: no matter
    assert len(first) == 3 and len(set(first)) == 3 and set(first) <= set(candidates)
    # The value follows from the documented algorithm, so another program can repeat it:
    # units in a seeded order, each unit's customers in a seeded order, then one per unit.
    rng = random.Random("synk-sample:4711:1:2026-03-16")
    units = rng.sample([1, 2, 3], 3)
    queues = {}
    for unit in units:
        ids = sorted(c for c, u in candidates.items() if u == unit)
        queues[unit] = rng.sample(ids, len(ids))
    assert first == [queues[unit][0] for unit in units]


def test_a_providers_customers_are_drawn_across_its_units() -> None:
    """Issue 16.3: a provider with a big unit and a small one is not followed up on the big
    one alone (``sample(sorted ids)`` took both from the big unit most of the time)."""
    candidates = {**_one_unit(list(range(1, 21)), unit=1), 50: 2}
    day = date(2026, 3, 16)
    for seed in range(40):
        two = draw(candidates, seed, 1, day, 2)
        assert sorted(candidates[c] for c in two) == [1, 2], seed
    more = {**candidates, 60: 3, 61: 3}
    for seed in range(10):
        assert {more[c] for c in draw(more, seed, 1, day, 3)} == {1, 2, 3}, seed


def test_seeds_providers_and_days_give_other_draws() -> None:
    candidates = _one_unit(list(range(1, 41)))
    day = date(2026, 3, 16)
    by_seed = {tuple(draw(candidates, seed, 1, day, 3)) for seed in range(10)}
    by_provider = {tuple(draw(candidates, 1, provider, day, 3)) for provider in range(1, 11)}
    by_day = {tuple(draw(candidates, 1, 1, sample_date(2026, m), 3)) for m in range(1, 11)}
    assert len(by_seed) > 5 and len(by_provider) > 5 and len(by_day) > 5


def test_a_draw_from_fewer_candidates_takes_them_all() -> None:
    assert sorted(draw({5: 1, 3: 2}, 9, 1, date(2026, 3, 16), 3)) == [3, 5]
    assert draw({}, 9, 1, date(2026, 3, 16), 3) == []


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
