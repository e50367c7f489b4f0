"""Fixtures for the whole suite: the test process's PostgreSQL cluster
(``tests/host/postgresql.py``), started on first use, and a fresh database on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.host.postgresql import Cluster


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
