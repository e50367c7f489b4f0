"""The sign-in throttle on PostgreSQL (the session's cluster, ``tests/host/postgresql.py``):
30 wrong passwords at once over real HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from host.backoffice.service import BackOffice
from host.backoffice.sign_in import MAX_FAILURES
from host.backoffice.site import init_site
from host.backoffice.threaded_server import ThreadedServer
from tests.host.backoffice.builders import QUICK_PASSWORDS

from .conftest import login_token


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
