"""The keys page's totals per unit (registered, linked, synced lately) over real HTTP.

Expected numbers from the demo (``demo.py``), by hand. NOW is 2026-04-20 10:00.
Nord: keys 101 and 102 active and synced on 04-20 and 04-19; 103 blocked
(Kalle left, so not linked); 104 lost (Åsa's, still linked); key id 999 met at
station Nord, unknown. Syd: 201 active, synced 04-18. Centrum: 301 synced on
04-01 (19 days ago), 302 never.
"""

from __future__ import annotations

import csv
import io

from .conftest import Server

COLUMNS = ("registered", "linked", "active", "synced", "unregistered")


def _totals(text: str) -> dict[str, tuple[int, ...]]:
    rows = csv.DictReader(io.StringIO(text))
    return {r["unit_id"]: tuple(int(r[c]) for c in COLUMNS) for r in rows}


def test_each_unit_s_totals_and_the_sum(demo_server: Server) -> None:
    ids = demo_server.demo.ids
    nord, syd, oms = (str(ids[f"unit_{u}"]) for u in ("nord", "syd", "oms"))
    with demo_server.client("admin") as client:
        week = client.get("/web/key-totals.csv?dialect=plain")
        month = client.get("/web/key-totals.csv?days=30&dialect=plain")
        page = client.get("/web/keys").text
    assert week.status_code == 200
    assert _totals(week.text) == {
        nord: (4, 3, 2, 2, 1),
        syd: (1, 1, 1, 1, 0),
        oms: (2, 2, 2, 0, 0),
        "total": (7, 6, 5, 3, 1),
    }
    assert _totals(month.text)[oms] == (2, 2, 2, 1, 0)  # Cecilia's sync 19 days ago counts
    assert _totals(month.text)["total"] == (7, 6, 5, 4, 1)
    shares = {r["unit_id"]: r for r in csv.DictReader(io.StringIO(week.text))}
    assert (shares[nord]["linked_percent"], shares[nord]["synced_percent"]) == ("75.0", "100.0")
    assert 'id="totals-table"' in page and 'href="/web/key-totals.csv"' in page


def test_a_unit_manager_gets_the_totals_of_their_own_unit(demo_server: Server) -> None:
    nord = str(demo_server.demo.ids["unit_nord"])
    with demo_server.client("chef.nord") as client:
        totals = client.get("/web/key-totals.csv?dialect=plain")
        swedish = client.get("/web/key-totals.csv?dialect=sv").content.decode("utf-8")
    assert _totals(totals.text) == {nord: (4, 3, 2, 2, 1)}  # one unit: no sum row
    assert swedish.startswith("\ufeff") and ";75,0;" in swedish
