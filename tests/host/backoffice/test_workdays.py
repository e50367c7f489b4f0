"""``host.backoffice.workdays``: a vardag is no weekend day, no röd dag and none of the three eves.

The days below are written by hand from the Swedish calendar of those years,
not computed with the library the module uses.
"""

from __future__ import annotations

from datetime import date

from host.backoffice import workdays

# Non-working days that are no weekend day: röda dagar and the three eves taken off.
NOT_WORKING = {
    date(2025, 1, 1): "Nyårsdagen",
    date(2025, 1, 6): "Trettondedag jul",
    date(2025, 4, 18): "Långfredagen",
    date(2025, 4, 21): "Annandag påsk",
    date(2025, 5, 1): "Första maj",
    date(2025, 5, 29): "Kristi himmelsfärdsdag",
    date(2025, 6, 6): "Nationaldagen",
    date(2025, 6, 20): "Midsommarafton",
    date(2025, 12, 24): "Julafton",
    date(2025, 12, 25): "Juldagen",
    date(2025, 12, 26): "Annandag jul",
    date(2025, 12, 31): "Nyårsafton",
    date(2026, 6, 19): "Midsommarafton",
    date(2028, 4, 17): "Annandag påsk",
}
WORKING = [
    date(2026, 5, 15),  # klämdag after Ascension Day: many take it off, but it is a vardag
    date(2025, 4, 17),  # Maundy Thursday (skärtorsdagen): a half day for some, still a vardag
    date(2025, 12, 23),
    date(2025, 6, 19),
    date(2025, 4, 30),  # Valborgsmässoafton
]


def test_public_holidays_and_the_three_eves_are_no_vardag() -> None:
    for day, name in NOT_WORKING.items():
        why = workdays.not_working(day)
        assert why is not None and not why.weekend and why.holiday_sv == name, day
    for day in WORKING:
        assert workdays.is_working_day(day), day
    # Christmas: julafton (Wednesday) to the weekend; the next vardag is Monday the 29th
    day, passed = workdays.next_working_day(date(2025, 12, 24))
    assert day == date(2025, 12, 29) and len(passed) == 5
    assert workdays.next_working_day(date(2025, 6, 20))[0] == date(2025, 6, 23)
