"""Swedish local time for the station's display: UTC seconds to "2026-11-24 12:00".

Everything the station stores and sends is UTC seconds since 1970. People read
local time, Europe/Stockholm: CET (UTC+1) in winter, CEST (UTC+2) from 01:00
UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October
(the EU rule). The calendar arithmetic is done here, not with time.gmtime,
because MicroPython ports disagree on their epoch (1970 or 2000).
"""

_DAY = 86400
_HOUR = 3600


def civil_from_days(days: int) -> "tuple[int, int, int]":
    """(year, month, day) of the day `days` after 1970-01-01 (H. Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    year = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return (year + 1 if month <= 2 else year), month, day


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to the given date (the inverse of civil_from_days)."""
    year -= 1 if month <= 2 else 0
    era = year // 400
    yoe = year - era * 400
    mp = month - 3 if month > 2 else month + 9
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def weekday(days: int) -> int:
    """0 Monday … 6 Sunday for a day number since 1970-01-01 (a Thursday)."""
    return (days + 3) % 7


def _last_sunday(year: int, month: int) -> int:
    """Day number of the last Sunday of `month`."""
    first_of_next = days_from_civil(year + (month == 12), month % 12 + 1, 1)
    last = first_of_next - 1
    return last - (weekday(last) - 6) % 7


def utc_offset(t: int) -> int:
    """Seconds to add to UTC `t` for Swedish local time."""
    year = civil_from_days(t // _DAY)[0]
    summer_starts = _last_sunday(year, 3) * _DAY + _HOUR
    summer_ends = _last_sunday(year, 10) * _DAY + _HOUR
    return 2 * _HOUR if summer_starts <= t < summer_ends else _HOUR


def local_parts(t: int) -> "tuple[int, int, int, int, int]":
    """(year, month, day, hour, minute) in Swedish local time."""
    local = t + utc_offset(t)
    year, month, day = civil_from_days(local // _DAY)
    seconds = local % _DAY
    return year, month, day, seconds // _HOUR, seconds % _HOUR // 60


def format_local(t: int) -> str:
    """'2026-11-24 12:00' for UTC seconds `t`."""
    return "%04d-%02d-%02d %02d:%02d" % local_parts(t)


def format_short(t: int, now: int) -> str:
    """'12:00' when `t` is on the same local day as `now`, else '24/11 12:00'."""
    year, month, day, hour, minute = local_parts(t)
    if local_parts(now)[:3] == (year, month, day):
        return "%02d:%02d" % (hour, minute)
    return "%d/%d %02d:%02d" % (day, month, hour, minute)
