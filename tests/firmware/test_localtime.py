"""firmware.localtime: Swedish local time for the display (portable: also runs on MicroPython)."""

from firmware import localtime


def test_civil_round_trip_over_four_centuries():
    for days in range(-800, 150000, 97):
        y, m, d = localtime.civil_from_days(days)
        assert localtime.days_from_civil(y, m, d) == days


def test_known_dates():
    assert localtime.civil_from_days(0) == (1970, 1, 1)
    assert localtime.days_from_civil(2000, 2, 29) == 11016
    assert localtime.civil_from_days(20780) == (2026, 11, 23)
    assert localtime.weekday(20780) == 0  # a Monday


def test_winter_and_summer_offsets():
    # 2026-01-15 12:00 UTC: CET
    assert localtime.format_local(1768478400) == "2026-01-15 13:00"
    # 2026-07-01 10:00 UTC: CEST
    assert localtime.format_local(1782900000) == "2026-07-01 12:00"


def test_dst_edges_2026():
    # Summer time starts 2026-03-29 01:00 UTC and ends 2026-10-25 01:00 UTC.
    start = localtime.days_from_civil(2026, 3, 29) * 86400 + 3600
    end = localtime.days_from_civil(2026, 10, 25) * 86400 + 3600
    assert localtime.utc_offset(start - 1) == 3600
    assert localtime.utc_offset(start) == 7200
    assert localtime.utc_offset(end - 1) == 7200
    assert localtime.utc_offset(end) == 3600
    assert localtime.format_local(start - 1) == "2026-03-29 01:59"
    assert localtime.format_local(start) == "2026-03-29 03:00"


def test_last_sundays_of_several_years():
    # Start of summer time in Sweden, from the published calendars.
    expected = {2024: 31, 2025: 30, 2026: 29, 2027: 28, 2028: 26}
    for year, day in expected.items():
        t = localtime.days_from_civil(year, 3, day) * 86400 + 3600
        assert localtime.utc_offset(t) == 7200
        assert localtime.utc_offset(t - 1) == 3600


def test_short_format_drops_the_date_on_the_same_day():
    noon_utc = localtime.days_from_civil(2026, 11, 24) * 86400 + 11 * 3600
    assert localtime.format_short(noon_utc, noon_utc - 3600) == "12:00"
    assert localtime.format_short(noon_utc, noon_utc - 86400) == "24/11 12:00"
