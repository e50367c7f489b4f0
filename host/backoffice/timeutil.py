"""Local calendar days (Europe/Stockholm) and the UTC seconds devices use.

The day-window rule of SPEC.md 8.4: day d's permission set is valid from
00:00 local time of day d until 12:00 local time of day d + 1, so a shift that
starts in the evening or night of day d is covered to its end. Both ends are
local wall-clock times converted with zoneinfo, so across the DST changes
(last Sunday of March and of October, at 02:00/03:00) a window is 35 or 37
hours long, never shifted. 00:00 and 12:00 exist exactly once on every day in
Sweden, so the conversion is never ambiguous.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from host.backoffice.errors import Invalid

TZ = ZoneInfo("Europe/Stockholm")
WINDOW_END_HOUR = 12


def local_day(ts: int) -> date:
    """The local calendar day that contains the UTC time ``ts``."""
    return datetime.fromtimestamp(ts, TZ).date()


def day_start(day: date) -> int:
    return int(datetime.combine(day, dtime(0), TZ).timestamp())


def day_window(day: date) -> tuple[int, int]:
    """(valid_from, valid_until) of day ``day``'s permission set."""
    end = datetime.combine(day + timedelta(days=1), dtime(WINDOW_END_HOUR), TZ)
    return day_start(day), int(end.timestamp())


def format_time(ts: int | None) -> str:
    """Local time for people, e.g. ``2026-03-29 14:05:00``."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, TZ).strftime("%Y-%m-%d %H:%M:%S")


def iso_utc(ts: int | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> int:
    """ISO 8601 date or date-time; without an offset it is local (Europe/Stockholm) time."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("time.format", value=text) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TZ)
    return int(parsed.timestamp())
