"""The central sample's page over real HTTP: why the date moved; one stored draw per month."""

from __future__ import annotations

import re

from .conftest import Server


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
