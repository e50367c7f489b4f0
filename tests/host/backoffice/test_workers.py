"""``synk backoffice serve --workers N`` on PostgreSQL, as a process of its own, used over HTTP.

The site is made here on a database of the session's cluster, then the real command serves it
with several uvicorn worker processes. A web sign-in made through one worker holds on every
other (the session is a row), and 50 stations uploading at once on 4 workers, each batch twice
and some in overlapping halves, while each fetches its bundle, the administrator refreshes
every station's bundle and a unit manager pages the activity log, store every event exactly
once, acknowledge only what is stored, get no server error, and leave open exactly the
sequence gaps injected, no more and no wider (issue 13, item 4).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from host.backoffice.models import Anomaly, AuditEvent
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site
from tests.host.web.conftest import login_token

from .builders import QUICK_PASSWORDS, keypair, lock_event, lock_record, upload

STATIONS = 50
LOCKS = 4
SEQS = 500  # per lock, minus the injected gaps: some 40 events, 4 batches, per station
BATCH = 10


def _gaps(lock_id: int) -> set[int]:
    """The lock_seqs no station ever has: the gaps injected for ``lock_id``."""
    return {30 + lock_id, 70, 71, 72, 400 + 3 * lock_id}


@dataclass
class Served:
    url: str
    site_dir: Path
    database: str
    log: Path
    credentials: dict[int, str] = field(default_factory=dict)
    secrets: dict[int, bytes] = field(default_factory=dict)
    key_id: int = 101


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(postgresql: str, tmp_path: Path) -> Iterator[Served]:
    site, _ = init_site(
        tmp_path / "site",
        url=postgresql,
        admin_password="admin-pw-1",
        password_cost=QUICK_PASSWORDS,
    )
    made = Served("", site.directory, postgresql, tmp_path / "serve.log")
    try:
        office = BackOffice(site)
        admin = office.actor_for(None)
        provider = office.add_provider(admin, "Haninge kommun", "municipal")["id"]
        unit = office.add_unit(admin, provider, "Hemtjänst Nord")["id"]
        office.add_user(admin, "chef.nord", "unit_manager", unit, "chef-pw-1")
        staff = office.add_staff(admin, unit, "Anna Andersson", "482913")[0]["id"]
        office.add_key(admin, staff, keypair()[1], made.key_id)
        for n in range(STATIONS):
            row, credential = office.add_station(admin, unit, f"Nord {n + 1}")
            made.credentials[row["id"]] = credential
        for lock_id in range(1, LOCKS + 1):
            made.secrets[lock_id] = office.add_lock(
                admin, "customer_door", f"lås {lock_id}", lock_id
            )[1]
    finally:
        site.close()
    port = _free_port()
    synk = Path(sys.executable).with_name("synk")
    command = [str(synk), "backoffice", "serve", "--site", str(site.directory)]
    command += ["--db", postgresql, "--port", str(port), "--workers", "4"]
    # A file, not a pipe: nobody reads a pipe while the test runs, and the access log of some
    # thousand requests would fill it and stall the workers.
    log = made.log.open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    made.url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{made.url}/web/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"synk backoffice serve did not start:\n{_tail(made.log)}")
            time.sleep(0.2)
        yield made
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _tail(log: Path, lines: int = 40) -> str:
    """For a failure's message: what the server said that is not an access-log line (a worker
    that died or was killed, a traceback), then its last lines."""
    said = log.read_text(errors="replace").splitlines()
    unusual = [line for line in said if not line.startswith("INFO:     127.0.0.1:")]
    return "\n".join([*unusual[-lines:], "…", *said[-10:]])


def test_serve_with_workers_keeps_a_web_sign_in_on_every_worker(served: Served) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        data = {"username": "chef.nord", "password": "chef-pw-1", "csrf": login_token(client)}
        assert client.post("/web/login", data=data).status_code == 303
        cookies = client.cookies
    for _ in range(12):  # a new connection each time: uvicorn's workers share the socket
        with httpx.Client(base_url=served.url, cookies=cookies, timeout=30) as fresh:
            page = fresh.get("/web/activity")
            assert page.status_code == 200 and "chef.nord" in page.text
    with httpx.Client(base_url=served.url, timeout=30) as stranger:
        assert stranger.get("/web/activity").status_code in (303, 401)


def _outboxes(served: Served, now: int) -> dict[int, list[dict[str, object]]]:
    """Each station's outbox: the locks' events dealt round-robin, the gaps left out."""
    events = [
        (lock_id, seq)
        for seq in range(1, SEQS + 1)
        for lock_id in range(1, LOCKS + 1)
        if seq not in _gaps(lock_id)
    ]
    stations = sorted(served.credentials)
    outboxes: dict[int, list[dict[str, object]]] = {s: [] for s in stations}
    for n, (lock_id, seq) in enumerate(events):
        event = lock_event(served.secrets[lock_id], lock_id, served.key_id, seq, now - 7200 + seq)
        outboxes[stations[n % len(stations)]].append(lock_record(event))
    return outboxes


async def _station(
    client: httpx.AsyncClient, served: Served, station: int, records: list[dict[str, object]]
) -> list[tuple[int, int, int]]:
    """Upload the outbox in batches, each twice at once, every other one also in two
    overlapping halves; fetch the bundle meanwhile. (status, first, last) per request."""
    headers = {
        "Authorization": f"Bearer {served.credentials[station]}",
        "Content-Type": "application/octet-stream",
    }
    path = f"/api/v1/stations/{station}/audit"
    sent: list[tuple[int, int, int]] = []

    async def send(first: int, part: list[dict[str, object]]) -> None:
        answer = await client.post(path, content=upload(station, first, part), headers=headers)
        acked = answer.json().get("acked_through", -1) if answer.status_code == 200 else -1
        sent.append((answer.status_code, first + len(part) - 1, acked))

    async def bundle() -> None:
        answer = await client.get(f"/api/v1/stations/{station}/bundle", headers=headers)
        sent.append((answer.status_code, 0, 0))

    for n, start in enumerate(range(0, len(records), BATCH)):
        batch = records[start : start + BATCH]
        first = start + 1
        jobs = [send(first, batch), send(first, batch), bundle()]
        if n % 2:
            jobs += [send(first, batch[:6]), send(first + 4, batch[4:])]
        await asyncio.gather(*jobs)
    return sent


async def _manager(served: Served, cookies: httpx.Cookies) -> list[tuple[int, int, int]]:
    """A unit manager paging the activity log while the uploads come in."""
    answers = []
    async with httpx.AsyncClient(base_url=served.url, cookies=cookies, timeout=120) as client:
        for page in range(1, 9):
            answer = await client.get("/web/activity", params={"page": page})
            answers.append((answer.status_code, 0, 0))
    return answers


def _refresher(served: Served, rounds: int) -> list[tuple[int, int, int]]:
    """The administrator refreshing every station's bundle (a new serial each time the
    content changes) while the uploads come in, as ``synk admin`` would."""
    site = Site.open(served.site_dir, served.database)
    try:
        office = BackOffice(site)
        admin = office.actor_for(None)
        for _ in range(rounds):
            assert sorted(office.refresh_bundles(admin)) == sorted(served.credentials)
        return []
    finally:
        site.close()


async def _all(
    served: Served, outboxes: dict[int, list[dict[str, object]]], cookies: httpx.Cookies
) -> list[tuple[int, int, int]]:
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=served.url, timeout=300, limits=limits) as client:
        results = await asyncio.gather(
            _manager(served, cookies),
            asyncio.to_thread(_refresher, served, 3),
            *(_station(client, served, s, records) for s, records in outboxes.items()),
        )
    return [answer for answers in results for answer in answers]


@pytest.mark.slow
def test_concurrent_uploads_on_several_workers_store_every_event_once(served: Served) -> None:
    outboxes = _outboxes(served, int(time.time()))
    with httpx.Client(base_url=served.url, timeout=30) as manager:
        data = {"username": "chef.nord", "password": "chef-pw-1", "csrf": login_token(manager)}
        assert manager.post("/web/login", data=data).status_code == 303
        cookies = manager.cookies
    try:
        answers = asyncio.run(_all(served, outboxes, cookies))
    except httpx.TransportError as error:
        pytest.fail(f"{error!r}; the server's log ends:\n{_tail(served.log)}")
    assert [a for a in answers if a[0] != 200] == []  # no server error, nothing refused
    assert all(acked == last for _status, last, acked in answers if last)
    site = Site.open(served.site_dir, served.database)
    try:
        with site.sessions() as session:
            stored = set(session.execute(select(AuditEvent.lock_id, AuditEvent.lock_seq)))
            count = session.scalar(select(func.count()).select_from(AuditEvent))
            gaps = list(
                session.execute(
                    select(Anomaly.lock_id, Anomaly.seq_from, Anomaly.seq_to).where(
                        Anomaly.kind == "sequence_gap", Anomaly.resolved_at.is_(None)
                    )
                )
            )
    finally:
        site.close()
    sent = {
        (record["event"]["lock_id"], record["event"]["lock_seq"])  # type: ignore[index]
        for records in outboxes.values()
        for record in records
    }
    assert count == len(stored) == len(sent) and stored == sent  # every event, exactly once
    # The open gaps are exactly the injected ones: a gap that opened wider, before late
    # events from other stations came in, was narrowed to what is still missing.
    assert sorted(gaps) == sorted(_runs_of_gaps())


def _runs_of_gaps() -> list[tuple[int, int, int]]:
    """The injected gaps as (lock, first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int, int]] = []
    for lock in range(1, LOCKS + 1):
        for seq in sorted(_gaps(lock)):
            if runs and runs[-1][0] == lock and runs[-1][2] == seq - 1:
                runs[-1] = (lock, runs[-1][1], seq)
            else:
                runs.append((lock, seq, seq))
    return runs
