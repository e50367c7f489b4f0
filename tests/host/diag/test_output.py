"""host.diag.output: Swedish local time across the DST change, durations, tables, CSV."""

from __future__ import annotations

from host.backoffice.timeutil import parse_time
from host.diag.output import duration, firmware, iso_local, local_time, table_text, to_csv


def test_local_time_is_swedish_winter_and_summer() -> None:
    assert local_time(parse_time("2026-03-29T01:59:59")) == "2026-03-29 01:59:59 CET"
    assert local_time(parse_time("2026-03-29T03:00:00")) == "2026-03-29 03:00:00 CEST"
    assert iso_local(parse_time("2026-07-01T12:00")) == "2026-07-01T12:00:00+02:00"
    assert local_time(0) == "aldrig / never"
    assert local_time(0, "word.none") == "inget / none"
    assert iso_local(0) is None


def test_durations() -> None:
    assert duration(12) == "12 s"
    assert duration(250) == "4 min 10 s"
    assert duration(5 * 3600 + 12 * 60 + 9) == "5 h 12 min"
    assert duration(2 * 86400 + 3 * 3600 + 59) == "2 d 3 h"
    assert duration(-90) == "-1 min 30 s"


def test_firmware_and_tables() -> None:
    assert firmware(0x0102) == "1.2"
    lines = table_text((("a", "col.seq"), ("b", "col.level")), [{"a": 1, "b": None}, {"a": 22}])
    assert lines[0] == "nr / seq  nivå / level"
    assert lines[2:] == ["1", "22"]
    assert table_text((("a", "col.seq"),), []) == ["nr / seq", "--------"]


def test_csv() -> None:
    assert to_csv([]) == ""
    assert to_csv([{"a": None, "b": b"\x01\xff", "c": "x,y"}]) == 'a,b,c\r\n,01ff,"x,y"\r\n'
    # the project's one writer (host.csvfile): a formula is neutralised
    assert to_csv([{"name": "=1+2"}]) == 'name\r\n"\'=1+2"\r\n'
