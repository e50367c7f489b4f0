"""Fixtures shared by the host tests: a database URL for each engine (the session's
PostgreSQL cluster and ``postgresql`` are in tests/conftest.py).

``database`` is parametrised: a test (or fixture) asking for it runs once on SQLite (``None``:
the site's own ``synk.db``) and once on PostgreSQL (a fresh database of the session's cluster,
dropped afterwards). See ``tests/host/backoffice/conftest.py`` for which tests use it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from host.backoffice.db import DB_ENV

from .postgresql import Cluster

ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: run on SQLite only, not on PostgreSQL too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the PostgreSQL runs of tests marked ``sqlite_only`` (the browser tests)."""
    kept, left_out = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_postgresql = "postgresql" in (params.get("database"), params.get("web_database"))
        marked = item.get_closest_marker("sqlite_only") is not None
        (left_out if marked and on_postgresql else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """``None`` (SQLite, the site's file) or a PostgreSQL URL: the test runs on both.

    On PostgreSQL also ``$SYNK_DATABASE_URL``, so the ``synk`` commands a test runs find it."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgresql")
    monkeypatch.setenv(DB_ENV, url)
    return url


@pytest.fixture
def second_database(database: str | None, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """Another database on ``database``'s engine (an import's target, say)."""
    if database is None:
        yield None
        return
    cluster: Cluster = request.getfixturevalue("postgresql_cluster")
    url = cluster.database()
    yield url
    cluster.drop(url)
