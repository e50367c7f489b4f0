"""firmware.localtime agrees with the IANA database (zoneinfo) for Europe/Stockholm."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware import localtime

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# 1996 onwards: the EU rule in force since then.
SINCE_1996 = 820454400


@settings(max_examples=300)
@given(st.integers(min_value=SINCE_1996, max_value=2**32 - 1))
def test_matches_zoneinfo(t: int) -> None:
    local = datetime.fromtimestamp(t, UTC).astimezone(STOCKHOLM)
    assert localtime.format_local(t) == local.strftime("%Y-%m-%d %H:%M")


def test_matches_zoneinfo_around_every_switch() -> None:
    for year in range(1996, 2100):
        for month in (3, 10):
            switch = localtime._last_sunday(year, month) * 86400 + 3600
            for t in (switch - 1, switch, switch + 1):
                local = datetime.fromtimestamp(t, UTC).astimezone(STOCKHOLM)
                assert localtime.format_local(t) == local.strftime("%Y-%m-%d %H:%M"), t
