"""Fixtures for the web pages: the demo site (``demo.build``) served by uvicorn on 127.0.0.1.

Every page test runs on both engines, SQLite and PostgreSQL (``web_database``: the
session's cluster, ``tests/host/postgresql.py``); the browser tests (test_browser.py) on
SQLite only, since Chromium is the suite's slowest part and the pages' queries are
already run on PostgreSQL by the HTTP tests.

The servers show the pages in both languages (``language="both"``), as the tests of a
page's content read its Swedish and its English; test_language.py tests each setting.

``demo_server`` is built once per test process and must not be changed by a
test (sign-ins are fine); a test that changes data or moves the clock builds
its own site with ``fresh_server``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from host.backoffice.threaded_server import ThreadedServer

from ..conftest import ENGINES
from ..postgresql import Cluster
from .demo import PASSWORDS, Demo, build


@dataclass
class Server:
    url: str
    demo: Demo

    @contextmanager
    def client(self, username: str | None = None) -> Iterator[httpx.Client]:
        """An HTTP client, signed in as ``username`` (None: not signed in)."""
        with httpx.Client(base_url=self.url, timeout=30, follow_redirects=False) as client:
            if username is not None:
                sign_in(client, username, PASSWORDS[username])
            yield client


def login_token(client: httpx.Client) -> str:
    page = client.get("/web/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    token = login_token(client)
    response = client.post(
        "/web/login",
        data={"username": username, "password": password, "csrf": token, "next": "/web/"},
    )
    assert response.status_code == 303, response.text
    return response


def page_csrf(client: httpx.Client, path: str = "/web/visits") -> str:
    """The session's CSRF token, read from the sign-out form of any page."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _serve(demo: Demo) -> tuple[str, Callable[[], None]]:
    server = ThreadedServer(demo.site, demo.clock, language="both")
    return server.start(), server.stop


@pytest.fixture(scope="session", params=ENGINES)
def web_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The demo server's database: None (SQLite) or a PostgreSQL database of the session's."""
    if request.param == "sqlite":
        yield None
        return
    cluster: Cluster = request.getfixturevalue("postgresql_cluster")
    url = cluster.database()
    yield url
    cluster.drop(url)


@pytest.fixture(scope="session")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory, web_database: str | None
) -> Iterator[Server]:
    demo = build(tmp_path_factory.mktemp("web") / "site", web_database)
    url, stop = _serve(demo)
    yield Server(url, demo)
    stop()
    demo.site.close()


@pytest.fixture
def fresh_server(tmp_path: Path, database: str | None) -> Iterator[Server]:
    demo = build(tmp_path / "site", database)
    url, stop = _serve(demo)
    yield Server(url, demo)
    stop()
    demo.site.close()


@pytest.fixture
def fresh_demo(tmp_path: Path, database: str | None) -> Iterator[Demo]:
    """The demo site of its own, for a test that changes it (no server)."""
    demo = build(tmp_path / "site", database)
    yield demo
    demo.site.close()
