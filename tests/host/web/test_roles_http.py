"""Every page and export for every role, over real HTTP (uvicorn on 127.0.0.1).

A role that may see a page gets it (200), one that may not gets 403, and a
browser with no session is sent to the sign-in page. What a page shows is
cut to the role: a unit manager sees only their own unit.
"""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from host.web import pages

from .conftest import Server, page_csrf

SAMPLE = "month=2026-03"  # drawn with seed 42 by the reviewer (demo.py)
# page -> the URLs that show or export it
URLS = {
    "keys": ["/web/keys", "/web/keys.csv"],
    "locks": ["/web/locks", "/web/locks.csv", "/web/mounts.csv"],
    "sample": [
        f"/web/sample?{SAMPLE}",
        f"/web/sample.csv?{SAMPLE}",
        f"/web/sample-visits.csv?{SAMPLE}",
        f"/web/lock-share.csv?{SAMPLE}",
        "/web/sample",
    ],
    "activity": ["/web/activity", "/web/activity.csv"],
    "stations": ["/web/stations", "/web/stations.csv"],
    "anomalies": ["/web/anomalies?since=2026-01-01", "/web/anomalies.csv?since=2026-01-01"],
    "visits": ["/web/visits"],
    "blocklist": ["/web/blocklist", "/web/blocklist.csv", "/web/blocklist-locks.csv"],
}
ALLOWED = {
    "admin": set(URLS),
    "chef.nord": set(URLS),
    "chef.oms": set(URLS),
    # The reviewer: no activity log without a grant from the unit's manager (seed 000 §5).
    "granskare": set(URLS) - {"visits", "activity"},
    "tekniker": {"keys", "locks", "stations", "anomalies", "blocklist"},
    # The alarm group (seed 000 §3): locks and the devices check, nothing of the log.
    "larmgrupp": {"keys", "locks", "blocklist"},
}


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_each_role_gets_exactly_its_pages_and_exports(demo_server: Server, username: str) -> None:
    with demo_server.client(username) as client:
        menu = client.get("/web/stations").text
        for page, urls in URLS.items():
            allowed = page in ALLOWED[username]
            assert (f'href="/web/{page}"' in menu) == allowed, (username, page)
            for url in urls:
                response = client.get(url)
                if url == "/web/sample" and allowed:
                    assert response.status_code == 303  # the default month, shown in the address
                    assert "month=" in response.headers["location"]
                    continue
                expected = 200 if allowed else 403
                assert response.status_code == expected, (username, url, response.text[:300])
                if not allowed:
                    assert "får inte" in response.text and "may not" in response.text
        home = client.get("/web/")
        assert home.status_code == 303 and home.headers["location"] == "/web/keys"


def test_without_a_session_every_url_leads_to_the_sign_in_page(demo_server: Server) -> None:
    with demo_server.client() as client:
        for urls in URLS.values():
            for url in urls:
                response = client.get(url)
                assert response.status_code == 303, url
                assert response.headers["location"].startswith("/web/login?next=%2Fweb%2F")
        upload = client.post("/web/visits", files={"file": ("v.csv", b"x")}, data={"csrf": "x"})
        assert upload.status_code == 303
        assert client.get("/").headers["location"] == "/web/"


def test_a_unit_manager_sees_only_their_own_unit(demo_server: Server) -> None:
    ids = demo_server.demo.ids
    with demo_server.client("chef.nord") as client:
        keys = _csv(client.get("/web/keys.csv?dialect=plain"))
        assert {r["unit"] for r in keys} == {"Hemtjänst Nord"}
        assert {r["key_id"] for r in keys} == {"101", "102", "103", "104", "999"}
        assert client.get(f"/web/keys?unit={ids['unit_oms']}").status_code == 403
        assert client.get(f"/web/stations?unit={ids['unit_syd']}").status_code == 403
        locks = _csv(client.get("/web/locks.csv?type=all&dialect=plain"))
        assert [r["unit"] for r in locks] == ["Hemtjänst Nord", ""]  # and the total row
        activity = _csv(client.get("/web/activity.csv?dialect=plain"))
        assert activity and all(r["station_id"] == str(ids["station_nord"]) for r in activity)
        own = {"", "K-NORD-0001", "K-NORD-0002", "K-NORD-0003", "K-NORD-0004"}
        assert {r["customer_ref"] for r in activity} <= own
        stations = _csv(client.get("/web/stations.csv?dialect=plain"))
        assert [r["station"] for r in stations] == ["Nord 1"]
        sample = _csv(client.get(f"/web/sample.csv?{SAMPLE}&dialect=plain"))
        assert sample and {r["unit"] for r in sample} == {"Hemtjänst Nord"}
        customer = client.get("/web/activity?customer=K-OMS-0001")
        assert customer.status_code == 400  # another unit's customer is unknown here
    with demo_server.client("chef.oms") as client:
        anomalies = _csv(client.get("/web/anomalies.csv?since=2026-01-01&dialect=plain"))
        assert anomalies == []
        page = client.get("/web/keys").text
        assert "Omsorg Centrum" in page and "Hemtjänst Nord" not in page


def test_reviewer_and_technician_views(demo_server: Server) -> None:
    with demo_server.client("granskare") as client:
        keys = _csv(client.get("/web/keys.csv?dialect=plain"))
        assert {r["unit"] for r in keys} == {"Hemtjänst Nord", "Hemtjänst Syd", "Omsorg Centrum"}
        anomalies = _csv(client.get("/web/anomalies.csv?since=2026-01-01&dialect=plain"))
        kinds = {r["kind"] for r in anomalies}  # openings without a visit are rows of the log
        assert "opening_without_visit" not in kinds and "forged_mac" in kinds
        csrf = page_csrf(client, "/web/keys")
        refused = client.post("/web/visits", files={"file": ("v.csv", b"x")}, data={"csrf": csrf})
        assert refused.status_code == 403  # read-only
    with demo_server.client("tekniker") as client:
        keys = _csv(client.get("/web/keys.csv?dialect=plain"))
        assert keys and all(r["staff"] == "" for r in keys)  # no staff names
        anomalies = _csv(client.get("/web/anomalies.csv?since=2026-01-01&dialect=plain"))
        assert {r["kind"] for r in anomalies} == {"forged_mac", "blocked_key", "sequence_gap"}


def test_exports_carry_the_same_rows_as_the_pages(demo_server: Server) -> None:
    with demo_server.client("admin") as client:
        page = client.get(f"/web/sample?{SAMPLE}").text
        rows = _csv(client.get(f"/web/sample.csv?{SAMPLE}&dialect=plain"))
        customers = [r for r in rows if r["customer_ref"] != "total"]
        assert len(customers) == 6 and len(rows) == 6 + 2  # a summary row per provider
        for row in customers:
            assert row["customer_ref"] in page
        for row in rows:
            assert row["seed"] == "42" and row["sample_date"] == "2026-03-16"
        nord_3 = next(r for r in rows if r["customer_ref"] == "K-NORD-0003")  # drawn by seed 42
        assert (nord_3["visits"], nord_3["share_lock_percent"]) == ("2", "50.0")
        mounts = _csv(client.get("/web/mounts.csv?from=2025-11&to=2026-04&dialect=plain"))
        assert [r["period"] for r in mounts][-2:] == ["2025-H2", "2026-H1"]
        assert mounts[-1]["mounts_per_month"] == "1.7"  # Jan-Mar: April is still in progress
        installed = _csv(client.get("/web/locks.csv?dialect=plain"))
        assert installed[-1]["provider_id"] == "total" and installed[-1]["total"] == "9"
        activity = _csv(client.get("/web/activity.csv?key=103&dialect=plain"))
        assert [r["event"] for r in activity] == ["KEY_BLOCKED", "OPENED"]
        paged = client.get("/web/activity?page=2")
        assert "Rad 51" not in paged.text and "av 26" in paged.text


def test_bad_parameters_get_a_clear_answer(demo_server: Server) -> None:
    with demo_server.client("admin") as client:
        for url in (
            "/web/keys?days=0",
            "/web/keys?unit=abc",
            "/web/locks?type=door",
            "/web/locks?from=2026-05&to=2026-01",
            "/web/sample?month=2026-13",
            "/web/sample.csv?month=1999-01",
            "/web/activity?since=igår",
            "/web/activity?kind=door",
            "/web/anomalies?kind=tampering",
            "/web/anomalies?since=2026-02-30",
        ):
            response = client.get(url)
            assert response.status_code == 400, url
            assert "text/html" in response.headers["content-type"]
            assert " / " in response.text
        assert client.get("/web/nowhere").status_code == 404


def test_an_export_too_large_says_so_instead_of_cutting_rows(
    demo_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "CSV_MAX_ROWS", 5)
    with demo_server.client("admin") as client:
        refused = client.get("/web/activity.csv?dialect=plain")
        assert refused.status_code == 400 and "26" in refused.text
        assert len(_csv(client.get("/web/activity.csv?key=103&dialect=plain"))) == 2
