"""The sign-in throttle on PostgreSQL: a cluster of the test's own (initdb in a temporary folder,
a Unix socket only), the schema by the migrations, 30 wrong passwords at once over real HTTP.

The PostgreSQL server programs come from ``pg_config --bindir`` (or ``SYNK_PG_BINDIR``); run as
root, the cluster runs as the ``postgres`` user, since PostgreSQL refuses root.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from host.backoffice.service import BackOffice
from host.backoffice.sign_in import MAX_FAILURES
from host.backoffice.site import init_site
from host.backoffice.threaded_server import ThreadedServer
from tests.host.backoffice.builders import QUICK_PASSWORDS

from .conftest import login_token

PORT = 55432


def _bindir() -> Path:
    configured = os.environ.get("SYNK_PG_BINDIR")
    if configured:
        return Path(configured)
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        pytest.fail("PostgreSQL is missing: install it (apt-get install -y postgresql)")
    found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


@pytest.fixture(scope="module")
def postgresql() -> Iterator[str]:
    """A database URL on a new cluster, stopped and removed afterwards.

    The folder is made under the system's temporary folder (pytest's is its
    owner's only, closed to the ``postgres`` user)."""
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="synk-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "synk", "--no-sync")
    options = f"-k {folder} -p {PORT} -c listen_addresses='' -c fsync=off"
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    )
    try:
        run(str(bindir / "createdb"), "-h", str(folder), "-p", str(PORT), "-U", "synk", "synk")
        yield f"postgresql+psycopg://synk@/synk?host={folder}&port={PORT}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


async def _burst(url: str, cookies: httpx.Cookies, data: dict[str, str], n: int) -> list[int]:
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=60) as client:
        answers = await asyncio.gather(*(client.post("/web/login", data=data) for _ in range(n)))
    return [answer.status_code for answer in answers]


def test_the_throttle_counts_before_the_hash_on_postgresql(postgresql: str, tmp_path: Path) -> None:
    site, _ = init_site(
        tmp_path / "site",
        url=postgresql,
        admin_password="admin-pw-1",
        password_cost=QUICK_PASSWORDS,
    )
    try:
        office = BackOffice(site)
        office.add_user(office.actor_for(None), "granskare", "reviewer", None, "gransk-pw-1")
        server = ThreadedServer(site, office.clock)
        url = server.start()
        try:
            with httpx.Client(base_url=url, timeout=30) as client:
                data = {"username": "granskare", "password": "fel", "csrf": login_token(client)}
                codes = asyncio.run(_burst(url, client.cookies, data, 30))
            assert codes.count(401) == MAX_FAILURES and codes.count(429) == 30 - MAX_FAILURES
            other = httpx.HTTPTransport(local_address="127.0.0.2")
            with httpx.Client(base_url=url, timeout=30, transport=other) as office_pc:
                data = {"username": "granskare", "password": "gransk-pw-1"}
                data["csrf"] = login_token(office_pc)
                assert office_pc.post("/web/login", data=data).status_code == 303
        finally:
            server.stop()
    finally:
        site.close()
