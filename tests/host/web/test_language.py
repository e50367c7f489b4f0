"""The pages' language setting (issue 16.9): ``sv`` shows Swedish only, ``en`` English only,
``both`` Swedish then English; ``synk backoffice serve --language`` and ``$SYNK_LANGUAGE``.

Each page is read from a back office of its own language on the shared demo site (only
sign-ins), and checked for catalogue texts of each kind: the navigation, a page's lead, a
table header, a chart's title and description, the sign-in page and its error, an error
page. The texts the setting leaves out must not be on the page at all.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

from host.backoffice import messages
from host.backoffice.errors import Invalid
from host.backoffice.server import LANGUAGE_ENV, pages_language
from host.backoffice.site import init_site
from host.backoffice.threaded_server import ThreadedServer

from ..backoffice.builders import QUICK_PASSWORDS as QUICK
from .conftest import Server, login_token, sign_in
from .demo import PASSWORDS

# (page, catalogue keys whose texts it shows)
PAGES = {
    "/web/locks": [
        "web.nav.keys",
        "web.locks.chart_title",
        "web.locks.chart_desc",
        "web.col.mounts",
        "web.footer",
    ],
    "/web/keys": ["web.keys.lead", "web.nav.locks", "web.sign_out"],
    "/web/no-such-page": ["web.error_title", "http.not_found", "web.back_home"],
}


def _texts(key: str, **values: object) -> tuple[str, str]:
    swedish, english = messages.CATALOGUE[key]
    return (
        str(escape(swedish.format(**values))),
        str(escape(english.format(**values))),
    )


def _expected(language: str) -> tuple[list[int], list[int]]:
    """Which of (Swedish, English) the page shows, and which it must not."""
    return {"sv": ([0], [1]), "en": ([1], [0]), "both": ([0, 1], [])}[language]


def _check(page: str, language: str, keys: list[str], **values: object) -> None:
    shown, left_out = _expected(language)
    html_lang = re.search(r'<html lang="(\w+)">', page)
    assert html_lang is not None and html_lang.group(1) == ("en" if language == "en" else "sv")
    for key in keys:
        texts = _texts(key, status=404, **values)
        for i in shown:
            assert texts[i] in page, (language, key, texts[i])
        for i in left_out:
            assert texts[i] not in page, (language, key, texts[i])


@pytest.fixture(params=messages.LANGUAGES)
def speaking(request: pytest.FixtureRequest, demo_server: Server) -> Iterator[tuple[str, str]]:
    """(language, URL): a back office of that language on the demo site."""
    demo = demo_server.demo
    server = ThreadedServer(demo.site, demo.clock, language=request.param)
    try:
        yield request.param, server.start()
    finally:
        server.stop()


def test_each_page_shows_only_the_languages_of_the_setting(speaking: tuple[str, str]) -> None:
    language, url = speaking
    with httpx.Client(base_url=url, timeout=30) as client:
        sign_in(client, "admin", PASSWORDS["admin"])
        for path, keys in PAGES.items():
            answer = client.get(path)
            assert answer.status_code == (404 if "no-such" in path else 200), path
            _check(answer.text, language, keys)
        # a service error's text on its error page
        refused = client.get("/web/keys", params={"days": "x"})
        assert refused.status_code == 400
        _check(refused.text, language, ["web.param"], name="days", value="x")


def test_the_sign_in_page_and_its_error_follow_the_setting(speaking: tuple[str, str]) -> None:
    language, url = speaking
    with httpx.Client(base_url=url, timeout=30) as client:
        form = client.get("/web/login")
        _check(form.text, language, ["web.sign_in", "web.sign_in_lead", "web.password"])
        data = {"username": "admin", "password": "wrong", "csrf": login_token(client)}
        refused = client.post("/web/login", data=data)
        assert refused.status_code == 401
        _check(refused.text, language, ["web.sign_in_failed", "web.username"])


def test_csv_exports_do_not_follow_the_pages_language(speaking: tuple[str, str]) -> None:
    """The Swedish dialect keeps its Swedish headers, the plain one its English names."""
    _language, url = speaking
    with httpx.Client(base_url=url, timeout=30) as client:
        sign_in(client, "admin", PASSWORDS["admin"])
        swedish = client.get("/web/stations.csv").text
        plain = client.get("/web/stations.csv", params={"dialect": "plain"}).text
    name_sv, name_en = messages.CATALOGUE["web.col.station_name"]
    assert name_sv in swedish.splitlines()[0] and name_en not in swedish
    assert plain.splitlines()[0].startswith("station_id,station,")


def test_the_language_comes_from_the_option_then_the_environment_then_swedish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(LANGUAGE_ENV, raising=False)
    assert pages_language() == "sv" == messages.DEFAULT_LANGUAGE
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    assert pages_language() == "en" and pages_language("both") == "both"
    monkeypatch.setenv(LANGUAGE_ENV, "de")
    with pytest.raises(Invalid) as refused:
        pages_language()
    assert refused.value.key == "serve.language"


def test_serve_hands_its_language_to_every_worker(tmp_path: Path) -> None:
    """``synk backoffice serve --workers 2 --language en``: the parent only supervises, so
    every answer comes from a worker process, which built its app from the environment."""
    site, _ = init_site(tmp_path / "site", admin_password="admin-pw-1", password_cost=QUICK)
    site.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    synk = Path(sys.executable).with_name("synk")
    command = [str(synk), "backoffice", "serve", "--site", str(site.directory)]
    command += ["--port", str(port), "--workers", "2", "--language", "en"]
    env = {k: v for k, v in os.environ.items() if k not in (LANGUAGE_ENV, "SYNK_DATABASE_URL")}
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        pages: list[str] = []
        while len(pages) < 6:
            try:  # a new connection each time: the workers share the socket
                answer = httpx.get(f"{url}/web/login", timeout=5)
                if answer.status_code == 200:
                    pages.append(answer.text)
            except httpx.TransportError:
                time.sleep(0.2)
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail((tmp_path / "serve.log").read_text(errors="replace")[-3000:])
        for page in pages:
            _check(page, "en", ["web.sign_in", "web.sign_in_lead", "web.footer"])
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
