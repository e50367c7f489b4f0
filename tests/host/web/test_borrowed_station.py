"""A neighbouring unit's station borrowed (issue 16.1, seed 004) on the pages, over real HTTP:
the stations page names the units a station also serves; a key's sync there is shown as
borrowed to the managers of both units."""

from __future__ import annotations

import re

from host.backoffice.timeutil import parse_time
from protocol.constants import StationReason

from ..backoffice.builders import station_record, upload
from .conftest import Server


def test_the_pages_show_a_borrowed_station_to_both_managers(fresh_server: Server) -> None:
    demo = fresh_server.demo
    syd, nord = demo.ids["station_syd"], demo.ids["unit_nord"]
    demo.office.set_station_neighbours(demo.admin, syd, [nord])
    when = parse_time("2026-04-20 07:05")
    actor = demo.office.authenticate_station(demo.credentials[syd])
    batch = upload(syd, 10_000, [station_record(101, when, StationReason.SYNC_OK, 0)])
    demo.office.ingest_upload(actor, syd, batch)
    with fresh_server.client("admin") as admin:
        stations = admin.get("/web/stations").text
        exported = admin.get("/web/stations.csv?dialect=plain").text
    row = next(r for r in stations.split("<tr") if "Syd 1" in r)
    assert "Hemtjänst Nord" in row and "Betjänar även" in stations
    assert "Hemtjänst Nord" in next(line for line in exported.splitlines() if "Syd 1" in line)
    with fresh_server.client("chef.nord") as manager:
        own_unit = manager.get("/web/activity?kind=station&key=101").text
    assert re.search(r"på lånad station hos (Hemtjänst Syd|\d+)", own_unit), own_unit[-3000:]
