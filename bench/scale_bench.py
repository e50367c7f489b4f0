"""The follow-up pages and the station API on a municipal-scale site (issue 13, item 5).

For each engine (SQLite, and PostgreSQL on a throwaway cluster of the benchmark's own,
``tests/host/postgresql.py``) and each size N of lock events, ``host.backoffice.scale``
builds Stockholm's shape (150 units, 10,000 keys, 24,000 locks, N events over a year), the
back office serves it on loopback (``ThreadedServer``), and a unit manager signed in over
HTTP opens the pages. Figures, with ``{n}`` the size (``1m``, ``4m``, ``16m``) and ``{db}``
the engine:

* ``activity_search_p95_ms_{n}_{db}``: the 95th percentile of 40 activity-log searches,
  half by a staff member of the unit and a month, half by a lock of the unit and a week
  (the page with its count of matches, as the manager's browser gets it);
* ``activity_page_ms_{n}_{db}``: the log's first page with no filter (the unit's newest
  events and their count), the median of 5;
* ``sample_page_ms_{n}_{db}``, ``keys_page_ms_{n}_{db}``, ``stations_page_ms_{n}_{db}``:
  the median of 5 loads (the sample's first load, which draws it, not counted);
* ``station_upload_ms_{n}_{db}``: the station API on the big site, one upload batch of 200
  new events (``BackOffice.ingest_upload``, MACs checked, committed), the median of 10;
* ``bulk_load_events_per_s_{db}``: the events generated and bulk-loaded per second
  (COPY on PostgreSQL), index builds and the station events included, at the largest size.

Goal (issue 13): p95 <= 300 ms at 16 M events, not growing linearly with N. The default run
measures N = 1 M; ``inv bench --scale`` (``SYNK_BENCH_SCALE=1``) 1, 4 and 16 M.
``SYNK_BENCH_SCALE_SIZES`` (e.g. ``1000000,4000000``) picks other sizes.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bench.backoffice_bench import Clock
from host.backoffice import passwords, scale
from host.backoffice.models import Lock
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site
from host.backoffice.threaded_server import ThreadedServer
from host.backoffice.timeutil import local_day, parse_time
from protocol.records import audit_mac, encode_record
from tests.host.postgresql import Cluster

SCALE_ENV = "SYNK_BENCH_SCALE"
SIZES_ENV = "SYNK_BENCH_SCALE_SIZES"
NOW = parse_time("2026-03-10T08:00")
QUICK = passwords.Cost.checked(2**10)  # the managers' sign-in is not what is measured
PASSWORD = "chef-pw-scale"
SEARCHES = 20  # of each kind
UPLOADS = 10
PER_UPLOAD = 200


def sizes() -> list[int]:
    chosen = os.environ.get(SIZES_ENV)
    if chosen:
        return [int(size) for size in chosen.split(",")]
    if os.environ.get(SCALE_ENV):
        return [1_000_000, 4_000_000, 16_000_000]
    return [1_000_000]


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k"


def _sign_in(client: httpx.Client, username: str) -> None:
    form = client.get("/web/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None, form.text
    answer = client.post(
        "/web/login", data={"username": username, "password": PASSWORD, "csrf": token.group(1)}
    )
    assert answer.status_code == 303, answer.text


def _timed(client: httpx.Client, path: str, params: dict[str, Any] | None = None) -> float:
    began = time.perf_counter()
    answer = client.get(path, params=params)
    elapsed = (time.perf_counter() - began) * 1000
    assert answer.status_code == 200, (path, params, answer.status_code, answer.text[:500])
    return elapsed


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _median(step: Callable[[], float], rounds: int = 5) -> float:
    return statistics.median(step() for _ in range(rounds))


def _pages(client: httpx.Client, unit: int, rng: random.Random) -> dict[str, float]:
    """The unit manager's pages; milliseconds by metric stem."""
    staff = [s for s in range(1, 10_001) if (s - 1) % 150 + 1 == unit]
    per_unit = scale.DOORS + scale.BOXES + scale.ENTRANCES
    locks = list(range((unit - 1) * per_unit + 1, unit * per_unit + 1))
    today = local_day(NOW)
    searches = []
    for _ in range(SEARCHES):
        month = today.replace(day=1) - timedelta(days=30 * rng.randrange(1, 12))
        first = month.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        params = {
            "staff": rng.choice(staff),
            "since": first.isoformat(),
            "until": following.isoformat(),
        }
        searches.append(_timed(client, "/web/activity", params))
        monday = today - timedelta(days=today.weekday() + 7 * rng.randrange(1, 50))
        params = {
            "lock": rng.choice(locks),
            "since": monday.isoformat(),
            "until": (monday + timedelta(days=7)).isoformat(),
        }
        searches.append(_timed(client, "/web/activity", params))
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    _timed(client, "/web/sample", {"month": last_month})  # draws the month's sample
    return {
        "activity_search_p95_ms": _p95(searches),
        "activity_page_ms": _median(lambda: _timed(client, "/web/activity")),
        "sample_page_ms": _median(lambda: _timed(client, "/web/sample", {"month": last_month})),
        "keys_page_ms": _median(lambda: _timed(client, "/web/keys")),
        "stations_page_ms": _median(lambda: _timed(client, "/web/stations")),
    }


def _uploads(site: Site, unit: int, rounds: int) -> list[bytes]:
    """Upload batches of new events for the unit's locks, continuing their numbers."""
    per_unit = scale.DOORS + scale.BOXES + scale.ENTRANCES
    first_lock = (unit - 1) * per_unit + 1
    with site.sessions() as session:
        rows = session.execute(
            select(Lock.id, Lock.secret, Lock.last_seq).where(
                Lock.id.between(first_lock, first_lock + per_unit - 1)
            )
        )
        locks: dict[int, tuple[bytes, int]] = {
            lock_id: (secret, seq) for lock_id, secret, seq in rows
        }
    ids = sorted(locks)
    bodies, index = [], 10_000_000
    for _ in range(rounds):
        records = []
        for n in range(PER_UPLOAD):
            lock_id = ids[n % len(ids)]
            secret, seq = locks[lock_id]
            locks[lock_id] = (secret, seq + 1)
            event: dict[str, Any] = {
                "format": 1,
                "outcome": 0,
                "blocklist_version": 0,
                "lock_id": lock_id,
                "key_id": unit,
                "time": NOW - 600 + n,
                "lock_seq": seq + 1,
            }
            event["mac"] = audit_mac(secret, event)
            records.append({"kind": 1, "event": event, "received_at": NOW - 300})
        bodies.append(
            encode_record(
                "upload_batch",
                {
                    "format": 1,
                    "flags": 0,
                    "station_id": unit,
                    "first_index": index,
                    "outbox_epoch": 0,
                    "records": records,
                },
            )
        )
        index += PER_UPLOAD
    return bodies


def _station_upload(site: Site, unit: int) -> float:
    office = BackOffice(site, Clock(NOW))
    station = office.authenticate_station(f"credential-{unit}")
    timings = []
    for body in _uploads(site, unit, UPLOADS):
        began = time.perf_counter()
        ack = office.ingest_upload(station, unit, body)
        timings.append((time.perf_counter() - began) * 1000)
        assert ack.stored == PER_UPLOAD, ack
    return statistics.median(timings)


def measure(directory: Path, url: str | None, size: int) -> tuple[dict[str, float], float]:
    """The figures of one site (metric stem -> value) and its load rate."""
    site, _ = init_site(
        directory, url=url, admin_password="bench", password_cost=QUICK, clock=Clock(NOW)
    )
    try:
        built = scale.build(site, scale.Shape(events=size), NOW, PASSWORD, QUICK)
        assert built.events == size, built
        server = ThreadedServer(site, Clock(NOW))
        base = server.start()
        try:
            with httpx.Client(base_url=base, timeout=300) as client:
                _sign_in(client, scale.manager_name(1))
                figures = _pages(client, 1, random.Random(size))
        finally:
            server.stop()
        figures["station_upload_ms"] = _station_upload(site, 2)
        return figures, built.events_per_s
    finally:
        site.close()


def run() -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="synk-bench-scale-") as tmp:
        root = Path(tmp)
        cluster = Cluster()
        try:
            cluster.start()
            for size in sizes():
                for engine in ("sqlite", "postgresql"):
                    url = cluster.database() if engine == "postgresql" else None
                    figures, rate = measure(root / f"{engine}-{size}", url, size)
                    for stem, value in figures.items():
                        results[f"{stem}_{label(size)}_{engine}"] = round(value, 1)
                    results[f"bulk_load_events_per_s_{engine}"] = round(rate)
                    if url is not None:
                        cluster.drop(url)
        finally:
            cluster.stop()
    return results


if __name__ == "__main__":
    print(run())
