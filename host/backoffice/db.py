"""Database engine, sessions and migrations.

The URL comes from ``--db``, else ``SYNK_DATABASE_URL``, else the SQLite file
``synk.db`` in the site directory, created by ``synk admin init`` (the site's
first start) with mode 0600. PostgreSQL: ``postgresql+psycopg://user:pw@host/name``
(psycopg 3, a dependency); the models and migrations are the same on both
engines. Migrations (Alembic, shipped as package data) are applied
programmatically whenever a site is opened, so a new release upgrades the
schema on first start.

SQLite runs in WAL mode with ``synchronous=FULL``: the station API
acknowledges an upload only after its commit, and that commit must survive a
power cut.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from host.secret_files import write_secret

DB_ENV = "SYNK_DATABASE_URL"
# PostgreSQL's SQLSTATEs of a transaction that lost a race and may simply run again.
RETRY_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
DB_FILE = "synk.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(site_dir: Path, url: str | None = None) -> str:
    """The URL to use: the explicit one, the environment's, or the site's SQLite file."""
    return url or os.environ.get(DB_ENV) or f"sqlite:///{site_dir / DB_FILE}"


def create_private_sqlite_file(url: str) -> None:
    """Create a new SQLite database file readable by its owner only (mode 0600).

    It holds the locks' MAC secrets: whoever reads it can forge lock events.
    SQLite gives its -wal and -shm files the database file's mode.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if path.exists():
        return
    write_secret(path, b"", "new")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    # No JIT compilation: the pages' queries read a few thousand rows through indexes, and
    # the planner's cost estimate for them at millions of events starts LLVM, which then
    # takes longer (some 80 ms a query) than the query itself (issue 13's scale benchmark).
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def make_engine(url: str) -> Engine:
    """An engine; for SQLite with foreign keys on, WAL, and a 30 s busy timeout; for
    PostgreSQL without JIT compilation."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "connect", _postgresql_settings)
    return engine


def retryable(exc: DBAPIError) -> bool:
    """Whether a transaction that failed so lost a race with another one and may run again.

    A unique key another transaction took first (both engines), or on PostgreSQL a
    deadlock or a serialization failure. The one place that knows engines' error codes."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in RETRY_STATES


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (the service returns plain rows)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
