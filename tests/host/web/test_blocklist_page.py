"""The blocklist page: a key reported lost now, the unit's locks it may still open, as CSV too."""

from __future__ import annotations

import csv
import io

from .conftest import Server


def test_a_managers_page_shows_where_a_lost_key_is_still_dangerous(fresh_server: Server) -> None:
    demo = fresh_server.demo
    stations = demo.office.list_stations(demo.admin)
    demo.office.set_key_state(demo.admin, 101, "lost", "tappad i bussen")
    for station in stations:
        demo.office.export_bundle(demo.admin, station["id"])  # the list that names it
    with fresh_server.client("chef.nord") as client:
        page = client.get("/web/blocklist")
        assert page.status_code == 200
        assert "Spärrlistans spridning" in page.text and "exposed-table" in page.text
        assert "Adress 1" in page.text  # one of Hemtjänst Nord's customer doors
        exported = client.get("/web/blocklist.csv?dialect=plain")
        assert exported.status_code == 200
        rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
        assert rows[0][:2] == ["key_id", "staff"]
        assert {row[0] for row in rows[1:]} == {"101"}
        versions = client.get("/web/blocklist-locks.csv?dialect=plain")
        assert versions.status_code == 200 and "version_seen" in versions.text
    with fresh_server.client("chef.oms") as client:  # another unit: nothing of Nord's
        other = client.get("/web/blocklist.csv?dialect=plain")
        assert other.status_code == 200
        assert len(list(csv.reader(io.StringIO(other.text.lstrip("\ufeff"))))) == 1
