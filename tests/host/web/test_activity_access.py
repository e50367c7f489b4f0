"""Who reads the activity log (seed 000 §5), over real HTTP: the unit's manager their unit's,
anyone else only through a grant that manager orders; every read recorded, for the admin."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import httpx

from host.backoffice.timeutil import local_day

from .conftest import Server, page_csrf

DAY = 86_400


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _order(
    client: httpx.Client, username: str, until: str, reason: str = "Central uppföljning"
) -> httpx.Response:
    csrf = page_csrf(client, "/web/activity_grants")
    data = {"username": username, "until": until, "reason": reason, "csrf": csrf}
    return client.post("/web/activity_grants", data=data)


def test_the_reviewer_reads_a_units_log_only_through_its_managers_grant(
    fresh_server: Server,
) -> None:
    demo = fresh_server.demo
    ids = demo.ids
    today = local_day(demo.clock.now)
    last = (today + timedelta(days=7)).isoformat()
    with fresh_server.client("granskare") as reviewer:
        assert reviewer.get("/web/activity").status_code == 403
        assert reviewer.get("/web/activity.csv?dialect=plain").status_code == 403
        assert 'href="/web/activity"' not in reviewer.get("/web/keys").text
        assert reviewer.get("/web/activity_grants").status_code == 403  # nothing to show

        with fresh_server.client("chef.nord") as manager:
            yesterday = (today - timedelta(days=1)).isoformat()
            assert _order(manager, "granskare", yesterday).status_code == 400
            ordered = _order(manager, "granskare", last, "Stickprov april")
            assert ordered.status_code == 303
            page = manager.get(ordered.headers["location"]).text
            assert "granskare får läsa aktivitetsloggen till och med " + last in page
            table = page[page.index('id="grants-table"') :]
            for shown in ("Hemtjänst Nord", "granskare", last, "Stickprov april", "chef.nord"):
                assert shown in table

        # The grant counts at once: the Nord log, and no other unit's.
        assert 'href="/web/activity"' in reviewer.get("/web/keys").text
        rows = _rows(reviewer.get("/web/activity.csv?dialect=plain"))
        assert rows and all(r["station_id"] == str(ids["station_nord"]) for r in rows)
        assert reviewer.get(f"/web/activity?unit={ids['unit_oms']}").status_code == 403
        assert reviewer.get(f"/web/activity?unit={ids['unit_nord']}").status_code == 200
        mine = reviewer.get("/web/activity_grants")
        assert mine.status_code == 200 and "Stickprov april" in mine.text
        assert 'id="order-grant"' not in mine.text  # a reviewer orders nothing
        refused = _order(reviewer, "tekniker", last)
        assert refused.status_code == 403

        # Another unit's manager may not end it; Nord's may (and then it stops at once).
        grant_id = re.search(r"/web/activity_grants/(\d+)/end", mine.text.replace("&#34;", ""))
        with fresh_server.client("chef.nord") as manager:
            found = re.search(
                r"/web/activity_grants/(\d+)/end", manager.get("/web/activity_grants").text
            )
            assert found is not None and grant_id is None  # the holder gets no end button
            end = f"/web/activity_grants/{found.group(1)}/end"
            with fresh_server.client("chef.oms") as other:
                data = {"csrf": page_csrf(other, "/web/keys")}
                assert other.post(end, data=data).status_code == 403
            assert reviewer.get("/web/activity").status_code == 200
            ended = manager.post(end, data={"csrf": page_csrf(manager, "/web/keys")})
            assert ended.status_code == 303
            assert "avslutad" in manager.get("/web/activity_grants").text
        assert reviewer.get("/web/activity").status_code == 403


def test_a_grant_ends_after_its_last_day(fresh_server: Server) -> None:
    demo = fresh_server.demo
    today = local_day(demo.clock.now)
    with fresh_server.client("chef.oms") as manager:
        assert (
            _order(manager, "tekniker", (today + timedelta(days=1)).isoformat()).status_code == 303
        )
        assert (
            _order(manager, "chef.oms", (today + timedelta(days=1)).isoformat()).status_code == 400
        )
        assert _order(manager, "admin", (today + timedelta(days=1)).isoformat()).status_code == 409
        assert _order(manager, "ingen", (today + timedelta(days=1)).isoformat()).status_code == 404
    with fresh_server.client("tekniker") as technician:
        assert technician.get("/web/activity").status_code == 200
    demo.clock.now += 2 * DAY  # past the end of tomorrow, Swedish time
    with fresh_server.client("tekniker") as technician:
        assert technician.get("/web/activity").status_code == 403
    with fresh_server.client("chef.oms") as manager:
        assert "har gått ut" in manager.get("/web/activity_grants").text


def test_every_read_of_the_log_is_recorded_and_only_the_admin_reads_that(
    fresh_server: Server,
) -> None:
    ids = fresh_server.demo.ids
    with fresh_server.client("chef.nord") as manager:
        assert manager.get("/web/activity?lock=1&kind=lock").status_code == 200
        assert manager.get("/web/activity.csv?key=101&dialect=plain").status_code == 200
        assert manager.get("/web/activity_reads").status_code == 403
    with fresh_server.client("granskare") as reviewer:
        assert reviewer.get("/web/activity").status_code == 403  # refused: nothing was read
        assert reviewer.get("/web/activity_reads").status_code == 403
    with fresh_server.client("admin") as admin:
        assert admin.get(f"/web/activity?unit={ids['unit_syd']}").status_code == 200
        page = admin.get("/web/activity_reads")
        assert page.status_code == 200
        assert 'href="/web/activity_reads"' in page.text
        body = page.text[page.text.index('id="reads-table"') :]
        cells = [
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
        seen = [(c[1], c[3], c[4], json.loads(c[5].replace("&#34;", '"'))) for c in cells if c]
        assert ("admin", "Hemtjänst Syd", "web", {}) in seen
        assert ("chef.nord", "Hemtjänst Nord", "csv", {"key_id": 101}) in seen
        assert ("chef.nord", "Hemtjänst Nord", "web", {"kind": "lock", "lock_id": 1}) in seen
        assert all(who != "granskare" for who, *_ in seen)
        only = admin.get("/web/activity_reads?user=chef.nord").text
        assert "Rad 1–2 av 2" in only
