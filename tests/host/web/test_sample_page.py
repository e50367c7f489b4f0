"""The central sample's page over real HTTP: why the date moved; one stored draw per month."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from host import csvfile
from host.backoffice.followup.service import FollowUp

from .conftest import Server, page_csrf


def _moved(html: str) -> str:
    found = re.search(r'<span id="sample-moved">(.*?)</span>\s*</dd>', html, re.S)
    assert found is not None, html[:2000]
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_page_says_why_the_sample_date_moved(demo_server: Server) -> None:
    with demo_server.client("granskare") as client:
        march = client.get("/web/sample?month=2026-03", follow_redirects=True)
        easter = client.get("/web/sample?month=2028-04", follow_redirects=True)
        april = client.get("/web/sample?month=2026-04", follow_redirects=True)
    assert march.status_code == easter.status_code == april.status_code == 200
    assert _moved(march.text) == (
        "15 mars är en söndag: stickprovsdagen blir måndag 16 mars, närmast följande vardag"
        " 15 March is a Sunday: the sample date is Monday 16 March, the next working day"
    )
    moved = _moved(easter.text)
    assert "15 april är en lördag; 16 april är påskdagen; 17 april är annandag påsk:" in moved
    assert "stickprovsdagen blir tisdag 18 april" in moved
    assert "17 April is Easter Monday: the sample date is Tuesday 18 April" in moved
    assert 'id="sample-moved"' not in april.text  # 15 April 2026 is a Wednesday


def _seed(html: str) -> str:
    found = re.search(r'<dd id="sample-seed">(\d+)</dd>', html)
    assert found is not None, html[:3000]
    return found.group(1)


def _customers(html: str) -> list[str]:
    table = html.split('id="sample-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"K-[A-Z]+-\d{4}", table)


def test_the_first_opening_draws_the_month_once_for_everyone(fresh_server: Server) -> None:
    demo = fresh_server.demo
    followup = FollowUp(demo.office)
    assert followup.sample_draws(demo.admin, 2026, 4) == []
    with fresh_server.client("chef.nord") as first:
        nord_page = first.get("/web/sample?month=2026-04").text
    seed = _seed(nord_page)
    (draw,) = followup.sample_draws(demo.admin, 2026, 4)
    assert (str(draw.seed), draw.round, draw.drawn_by, draw.reason) == (seed, 1, "chef.nord", "")
    assert draw.drawn_at == demo.clock.now
    with fresh_server.client("granskare") as reviewer, fresh_server.client("admin") as admin:
        pages = [reviewer.get("/web/sample?month=2026-04").text for _ in range(2)]
        pages.append(admin.get("/web/sample?month=2026-04").text)
        csv_rows = admin.get("/web/sample.csv?month=2026-04&dialect=plain").text.splitlines()[1:]
    assert {_seed(p) for p in pages} == {seed}  # reopening draws nothing new
    assert len(followup.sample_draws(demo.admin, 2026, 4)) == 1
    everyone = _customers(pages[0])
    assert _customers(pages[2]) == everyone
    assert all(row.split(",")[2] == seed for row in csv_rows)
    # the unit manager sees the customers of the same draw that are in their unit
    assert set(_customers(nord_page)) <= set(everyone)
    assert all(ref.startswith("K-NORD") for ref in _customers(nord_page))
    assert "chef.nord, 2026-04-20 10:00" in nord_page  # who drew it and when, for everyone
    assert "chef.nord, 2026-04-20 10:00" in pages[0]


def test_two_first_openings_at_the_same_moment_store_one_draw(fresh_server: Server) -> None:
    def open_page(username: str) -> str:
        with fresh_server.client(username) as client:
            return _seed(client.get("/web/sample?month=2026-02").text)

    with ThreadPoolExecutor(4) as pool:
        seeds = list(pool.map(open_page, ["granskare", "admin", "chef.nord", "chef.oms"]))
    assert len(set(seeds)) == 1
    demo = fresh_server.demo
    assert len(FollowUp(demo.office).sample_draws(demo.admin, 2026, 2)) == 1


def test_a_month_whose_sample_date_has_not_come_is_not_drawn(fresh_server: Server) -> None:
    demo = fresh_server.demo
    with fresh_server.client("granskare") as client:
        page = client.get("/web/sample?month=2026-05")  # the 15th of May comes after NOW
        assert page.status_code == 200
        assert 'id="sample-not-due"' in page.text and "2026-05-15" in page.text
        assert 'id="sample-seed"' not in page.text
        csrf = page_csrf(client, "/web/sample?month=2026-05")
        early = client.post("/web/sample/draw", data={"month": "2026-05", "csrf": csrf})
        assert early.status_code == 400 and "har inte kommit" in early.text
    assert FollowUp(demo.office).sample_draws(demo.admin, 2026, 5) == []


def test_a_redraw_is_an_explicit_logged_act_with_a_reason(fresh_server: Server) -> None:
    demo = fresh_server.demo
    followup = FollowUp(demo.office)
    with fresh_server.client("granskare") as client:
        before = client.get("/web/sample?month=2026-03").text
        assert _seed(before) == "42" and 'action="/web/sample/draw"' in before
        csrf = page_csrf(client, "/web/sample?month=2026-03")
        form = {
            "month": "2026-03",
            "count": "2",
            "reason": "Fel besöksfil  importerad",
            "csrf": csrf,
        }
        assert client.post("/web/sample/draw", data={**form, "csrf": "x"}).status_code == 403
        no_reason = client.post("/web/sample/draw", data={**form, "reason": "  "})
        assert no_reason.status_code == 400 and "skriv varför" in no_reason.text
        assert len(followup.sample_draws(demo.admin, 2026, 3)) == 1
        done = client.post("/web/sample/draw", data=form)
        assert done.status_code == 303
        assert done.headers["location"] == "/web/sample?month=2026-03"
        after = client.get("/web/sample?month=2026-03").text
    first, second = followup.sample_draws(demo.admin, 2026, 3)
    assert (first.seed, first.round, first.drawn_by) == (42, 1, "granskare")
    assert (second.round, second.count, second.drawn_by) == (2, 2, "granskare")
    assert second.reason == "Fel besöksfil importerad"
    assert _seed(after) == str(second.seed)
    assert "omdragning 2: Fel besöksfil importerad" in after
    assert 'id="draws-table"' in after and ">42<" in after.split('id="draws-table"')[1]
    with fresh_server.client("admin") as admin:
        assert _seed(admin.get("/web/sample?month=2026-03").text) == str(second.seed)
        csv_rows = admin.get("/web/sample.csv?month=2026-03&dialect=plain").text.splitlines()[1:]
        assert csv_rows and all(row.split(",")[2] == str(second.seed) for row in csv_rows)
    changes = [c for c in demo.office.list_changes(demo.admin) if c["object"] == "sample"]
    assert [(c["action"], c["user"]) for c in changes] == [  # newest first
        ("redraw", "granskare"),
        ("draw", "granskare"),
    ]
    assert changes[0]["detail"].endswith(f"seed {second.seed} count 2: Fel besöksfil importerad")


def test_only_a_reviewer_or_the_administrator_may_redraw(fresh_server: Server) -> None:
    demo = fresh_server.demo
    with fresh_server.client("chef.nord") as client:
        page = client.get("/web/sample?month=2026-03").text
        assert 'action="/web/sample/draw"' not in page
        csrf = page_csrf(client, "/web/sample?month=2026-03")
        refused = client.post(
            "/web/sample/draw", data={"month": "2026-03", "reason": "vill se andra", "csrf": csrf}
        )
        assert refused.status_code == 403
    with fresh_server.client("tekniker") as client:
        csrf = page_csrf(client, "/web/keys")
        refused = client.post(
            "/web/sample/draw", data={"month": "2026-03", "reason": "x", "csrf": csrf}
        )
        assert refused.status_code == 403
    assert len(FollowUp(demo.office).sample_draws(demo.admin, 2026, 3)) == 1


def test_a_provider_has_a_summary_row_of_its_customers_measures(demo_server: Server) -> None:
    """Issue 16.3: per provider, the two measures over its 2-3 customers (visits added up,
    staff not using the lock counted once), on the page and in the CSV."""
    result = FollowUp(demo_server.demo.office).central_sample(
        demo_server.demo.admin, 2026, 3, 42, 3
    )
    assert result.providers
    for provider in result.providers:
        total = provider.summary
        assert total.visit_count == sum(m.visit_count for m in provider.customers)
        assert total.opened_by_lock == sum(m.opened_by_lock for m in provider.customers)
        staff = {v.staff_id for m in provider.customers for v in m.visits if not v.by_lock}
        assert total.staff_without_lock == len(staff)
    with demo_server.client("granskare") as client:
        html = client.get("/web/sample?month=2026-03").text
        rows = csvfile.read_records(client.get("/web/sample.csv?month=2026-03&dialect=plain").text)
    table = html.split('id="sample-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('class="sum"') == len(result.providers)
    assert "Utföraren: " in table and "Slumptal för urvalet" in html and "Frö" not in html
    totals = [r for r in rows if r["customer_ref"] == "total"]
    assert [int(r["visits"]) for r in totals] == [p.summary.visit_count for p in result.providers]
    assert [int(r["staff_without_lock"]) for r in totals] == [
        p.summary.staff_without_lock for p in result.providers
    ]


def test_a_unit_manager_is_told_the_sample_shows_their_unit_only(demo_server: Server) -> None:
    with demo_server.client("chef.nord") as manager, demo_server.client("granskare") as reviewer:
        scoped = manager.get("/web/sample?month=2026-03").text
        whole = reviewer.get("/web/sample?month=2026-03").text
    assert 'id="sample-scope"' in scoped and "bara din enhet, Hemtjänst Nord" in scoped
    assert 'id="sample-scope"' not in whole
