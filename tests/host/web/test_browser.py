"""The pages in a real browser: Debian's headless Chromium, driven by Playwright.

Playwright launches the system's Chromium (``/usr/bin/chromium``, or
``$SYNK_CHROMIUM``); no browser is downloaded. Without it these tests fail
and say how to install it (``inv system-deps`` or ``apt-get install -y
chromium``): a browser test that skips would let the pages go untested.
Each page's screenshot is saved in ``tests/artifacts/web/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.chromium import launched

from .conftest import Server
from .demo import PASSWORDS

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"

# page, path, a text the page must show, the CSV link's href start
PAGES = [
    ("keys", "/web/keys", "Kalle Karlsson", "/web/keys.csv"),
    ("locks", "/web/locks", "Omsorg Centrum", "/web/locks.csv"),
    ("sample", "/web/sample?month=2026-03", "K-NORD-0003", "/web/sample.csv"),
    ("activity", "/web/activity", "Anna Andersson", "/web/activity.csv"),
    ("stations", "/web/stations", "Syd 1", "/web/stations.csv"),
    ("anomalies", "/web/anomalies?since=2026-01-01", "K-NORD-0001", "/web/anomalies.csv"),
]


# SQLite only (tests/host/conftest.py): the pages' queries run on PostgreSQL in the HTTP tests.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched(ARTIFACTS) as chromium:
        yield chromium


def _sign_in(browser: Browser, server: Server, username: str, shot: str | None = None) -> Page:
    context = browser.new_context(
        base_url=server.url,
        viewport={"width": 1360, "height": 900},
        accept_downloads=True,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    page = context.new_page()
    page.goto("/web/keys")
    assert "/web/login" in page.url  # not signed in: sent to the sign-in page
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    if shot:
        page.screenshot(path=str(ARTIFACTS / shot))
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_load_state()
    return page


def test_every_page_opens_shows_its_data_and_exports_csv(
    browser: Browser, demo_server: Server
) -> None:
    page = _sign_in(browser, demo_server, "admin", "00-login.png")
    assert page.url.endswith("/web/keys")  # back where the browser wanted to go
    for number, (name, path, expected, csv_href) in enumerate(PAGES, start=1):
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert expected in page.content(), name
        assert page.locator(f"nav a[href$='/web/{name}'][aria-current=page]").count() == 1
        page.screenshot(path=str(ARTIFACTS / f"{number:02d}-{name}.png"), full_page=True)
        link = page.locator(f"a.csv[href^='{csv_href}']").first
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        saved = ARTIFACTS / f"{number:02d}-{name}.csv"
        download.save_as(saved)
        raw = saved.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # the Swedish dialect by default: a BOM
        content = raw.decode("utf-8-sig")
        assert content.splitlines()[0].count(";") >= 3, name
        assert expected in content or name == "locks", name
    page.context.close()


def test_the_sample_in_the_browser_is_the_month_s_stored_draw(
    browser: Browser, demo_server: Server
) -> None:
    page = _sign_in(browser, demo_server, "granskare")
    page.goto("/web/sample?month=2026-03")
    assert page.inner_text("#sample-seed").strip() == "42"  # drawn by the reviewer (demo.py)
    drawn = page.locator("#sample-table tbody tr").all_inner_texts()
    page.reload()
    assert page.inner_text("#sample-seed").strip() == "42"
    assert page.locator("#sample-table tbody tr").all_inner_texts() == drawn
    assert page.inner_text("#sample-date").startswith("2026-03-16")
    assert "15 mars är en söndag" in page.inner_text("#sample-moved")
    page.context.close()


def test_the_sample_shows_a_summary_row_per_provider_and_a_manager_their_unit(
    browser: Browser, demo_server: Server
) -> None:
    """Issue 16.3: each provider's customers end in a row of the provider's two measures;
    a unit manager reads that the page shows their unit only."""
    page = _sign_in(browser, demo_server, "granskare")
    page.goto("/web/sample?month=2026-03")
    summaries = page.locator("#sample-table tbody tr.sum").all_inner_texts()
    providers = {"Haninge kommun", "Omsorg AB"}
    assert len(summaries) == len(providers)
    assert {next(p for p in providers if p in row) for row in summaries} == providers
    assert all("Utföraren:" in row and "%" in row for row in summaries)
    assert page.locator("#sample-scope").count() == 0
    page.screenshot(path=str(ARTIFACTS / "sample-summary.png"), full_page=True)
    page.context.close()
    page = _sign_in(browser, demo_server, "chef.nord")
    page.goto("/web/sample?month=2026-03")
    assert "bara din enhet, Hemtjänst Nord" in page.inner_text("#sample-scope")
    rows = page.locator("#sample-table tbody tr:not(.sum)").all_inner_texts()
    assert rows and all("Hemtjänst Nord" in row for row in rows)
    page.context.close()


def test_a_unit_manager_imports_visits_in_the_browser(
    browser: Browser, fresh_server: Server, tmp_path: Path
) -> None:
    export = tmp_path / "tid-och-insats.csv"
    export.write_text(
        "customer_ref;staff_ref;start;end;registered_by;Kommentar\n"
        "K-NORD-0001;Anna Andersson;2026-04-14 08:00;2026-04-14 08:30;lås;\n"
        "K-OMS-0001;Cecilia Ek;2026-04-14 09:00;2026-04-14 09:30;lock;annan enhet\n"
        "K-NORD-0002;Åsa Öberg;2026-04-14 10:00;2026-04-14 09:00;manuell;\n",
        encoding="utf-8",
    )
    page = _sign_in(browser, fresh_server, "chef.nord")
    page.goto("/web/visits")
    page.set_input_files("input[type=file]", str(export))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#import-result")
    page.screenshot(path=str(ARTIFACTS / "07-visits.png"), full_page=True)
    result = page.inner_text("#import-result")
    assert "1 nya besök" in " ".join(result.split())
    rows = page.locator("#errors-table tbody tr").all_inner_texts()
    assert [r.split()[0] for r in rows] == ["3", "4"]
    assert "hör inte till din enhet" in rows[0]
    assert "end ska vara efter start" in rows[1]
    page.context.close()


def test_the_alarm_group_sees_locks_and_mounts_but_no_activity_log(
    browser: Browser, demo_server: Server
) -> None:
    page = _sign_in(browser, demo_server, "larmgrupp")
    menu = page.locator("nav a").all_inner_texts()
    assert "Aktivitetslogg" not in " ".join(menu) and "Låsinstallationer" in " ".join(menu)
    page.goto("/web/locks?from=2025-11&to=2026-04")
    content = page.content()
    assert "2026-04 (pågår)" in content  # the month in progress, left out of the average
    assert "Innevarande månad" in content
    page.screenshot(path=str(ARTIFACTS / "alarm-group-locks.png"), full_page=True)
    response = page.goto("/web/activity")
    assert response is not None and response.status == 403
    page.context.close()
