"""A lost key that still opens a door shows under Avvikelser, with when it was reported lost."""

from __future__ import annotations

import re

from .conftest import Server


def test_a_lost_key_opening_a_door_is_an_anomaly_with_the_time_of_the_report(
    fresh_server: Server,
) -> None:
    demo = fresh_server.demo
    office, admin, nord = demo.office, demo.admin, demo.ids["station_nord"]
    demo.clock.at("2026-04-20T10:00")
    office.set_key_state(admin, 101, "lost", "tappad på passet")
    # At 11:00 the key still opens Anna's customer's door: the lock has no news yet.
    demo.open(nord, 1, 101, "2026-04-20T11:00")
    demo.clock.at("2026-04-20T12:00")
    office.set_key_state(admin, 101, "active", "hittad")  # found, synced: its events come in
    demo.clock.at("2026-04-20T12:30")
    demo.flush()
    with fresh_server.client("chef.nord") as manager:
        page = manager.get("/web/anomalies?since=2026-04-20&kind=lost_key")
        assert page.status_code == 200
        table = page.text[page.text.index("<tbody>") : page.text.index("</tbody>")]
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        assert len(rows) == 1
        row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0]))
        assert "borttappad nyckel öppnade en dörr" in row
        assert "2026-04-20 11:00" in row  # the opening
        assert "2026-04-20 10:00" in row  # when it was reported lost
        assert " 101 " in f" {row} "
