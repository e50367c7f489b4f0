"""Fixtures shared by the host tests: the session's PostgreSQL cluster and a database URL
for each engine.

``database`` is parametrised: a test (or fixture) asking for it runs once on SQLite (``None``:
the site's own ``synk.db``) and once on PostgreSQL (a fresh database of the session's cluster,
dropped afterwards). See ``tests/host/backoffice/conftest.py`` for which tests use it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .postgresql import Cluster

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgresql_cluster() -> Iterator[Cluster]:
    """The test process's PostgreSQL cluster, started on first use."""
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgresql(postgresql_cluster: Cluster) -> Iterator[str]:
    """The URL of a new migrated PostgreSQL database, dropped after the test."""
    url = postgresql_cluster.database()
    yield url
    postgresql_cluster.drop(url)


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest) -> str | None:
    """``None`` (SQLite, the site's file) or a PostgreSQL URL: the test runs on both."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgresql")
    return url
