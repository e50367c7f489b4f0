"""The database: Alembic's migrations give exactly the models' schema; where the site lives."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from host.backoffice import db
from host.backoffice.errors import Conflict, NotFound
from host.backoffice.models import Base
from host.backoffice.site import Site, init_site
from tests.host.conftest import ENGINES
from tests.host.postgresql import Cluster


@pytest.fixture(params=ENGINES)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine (PostgreSQL: not a copy of the migrated template)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    cluster: Cluster = request.getfixturevalue("postgresql_cluster")
    url = cluster.database(migrated=False)
    yield url
    cluster.drop(url)


def test_upgrade_head_on_an_empty_database_gives_the_models_schema(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    try:
        db.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            names = set(inspect(connection).get_table_names())
        assert names == set(Base.metadata.tables) | {"alembic_version"}
        db.upgrade(engine)  # a second start changes nothing
    finally:
        engine.dispose()


def test_the_models_differ_from_an_empty_database(empty_url: str) -> None:
    """The comparison above can fail: against no schema at all it finds every table."""
    engine = db.make_engine(empty_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            added = [d for d in compare_metadata(context, Base.metadata) if d[0] == "add_table"]
        assert len(added) == len(Base.metadata.tables)
    finally:
        engine.dispose()


def test_init_creates_the_sqlite_file_for_its_owner_only(tmp_path: Path) -> None:
    site, password = init_site(tmp_path / "site")
    site.close()
    path = tmp_path / "site" / db.DB_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(password) >= 12
    with pytest.raises(Conflict):
        init_site(tmp_path / "site")
    Site.open(tmp_path / "site").close()


def test_opening_a_site_that_was_never_initialised_says_how(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="synk admin init"):
        Site.open(tmp_path / "nothing")


def test_the_database_url_comes_from_the_option_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert db.database_url(tmp_path) == f"sqlite:///{tmp_path / 'synk.db'}"
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    monkeypatch.setenv(db.DB_ENV, elsewhere)
    assert db.database_url(tmp_path) == elsewhere
    assert db.database_url(tmp_path, "postgresql://u@h/synk") == "postgresql://u@h/synk"
    site, _ = init_site(tmp_path / "site")
    site.close()
    assert (tmp_path / "elsewhere.db").exists()
    assert not (tmp_path / "site" / db.DB_FILE).exists()
    Site.open(tmp_path / "site").close()
