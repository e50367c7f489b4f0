"""A PostgreSQL server of the test session's own: one throwaway cluster per test process.

``initdb`` in a folder under the system's temporary folder, the server on a Unix socket only
(no TCP: ``listen_addresses=''``) in that folder, on port ``55432`` + the xdist worker's number
(the port names the socket file, so two workers never meet), ``fsync=off``. It starts the first
time a test asks for it and stops when the session ends.

A test gets a database of its own: ``CREATE DATABASE ... TEMPLATE synk_template``, a copy of a
database the migrations brought to head once per session (a copy takes milliseconds, running
the migrations a second or more).

The PostgreSQL server programs come from ``pg_config --bindir`` (or ``SYNK_PG_BINDIR``);
``inv system-deps`` installs Debian's ``postgresql``. Run as root, the cluster runs as the
``postgres`` user, since PostgreSQL refuses root. There is no mock: without the programs the
PostgreSQL tests fail and say what to install.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from host.backoffice import db

BASE_PORT = 55432
TEMPLATE = "synk_template"
USER = "synk"


def _bindir() -> Path:
    configured = os.environ.get("SYNK_PG_BINDIR")
    if configured:
        return Path(configured)
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        pytest.fail("PostgreSQL is missing: install it (inv system-deps)")
    found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


def worker_number() -> int:
    """0 for the main process, N for xdist's ``gwN``."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name.removeprefix("gw") or 0)


class Cluster:
    """A running cluster; ``database()`` makes a fresh migrated database and gives its URL."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.port = BASE_PORT + worker_number()
        self.folder = Path(tempfile.mkdtemp(prefix="synk-pg-"))
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self.data = self.folder / "data"
        self._names = itertools.count(1)
        self._started = False

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            USER,
            "--no-sync",
        )
        options = (
            f"-k {self.folder} -p {self.port} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        log = str(self.folder / "log")
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            log,
            "-w",
            "start",
        )
        self._started = True
        self._execute(f"CREATE DATABASE {TEMPLATE}")
        engine = db.make_engine(self.url(TEMPLATE))
        try:
            db.upgrade(engine)
        finally:
            engine.dispose()

    def stop(self) -> None:
        if self._started:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{USER}@/{name}?host={self.folder}&port={self.port}"

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def database(self, migrated: bool = True) -> str:
        """A new database (a copy of the migrated template, or empty); its URL."""
        name = f"t{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Remove a database ``database()`` made (its clients are disconnected)."""
        name = url.split("@/", 1)[1].split("?", 1)[0]
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
