"""Audit ingest on both engines, and the floor it is measured against (issue 13's benchmarks).

* ``audit_ingest_events_per_s_sqlite``: lock events through ``BackOffice.ingest_upload``
  into a site's SQLite file (WAL, synchronous=FULL), every MAC checked, each batch committed:
  50 upload batches of 200 events from 20 locks (as ``backoffice_bench``). Goal >= 50,000.
* ``audit_ingest_events_per_s_postgresql``: the same on PostgreSQL, a throwaway cluster of
  the benchmark's own (``tests/host/postgresql.py``: initdb in a temporary folder, a Unix
  socket only; fsync off, as the tests run it), with 2 worker processes as
  ``serve --workers 2`` would run them: two stations of two units, each process taking one
  station's 50 batches (its own 20 locks), events over the wall time from the first start
  to the last end. Goal >= 20,000.
* ``audit_ingest_floor_events_per_s``: the same rows with nothing but the HMACs computed and a
  plain ``executemany`` into ``audit_events`` of a fresh SQLite site, a commit per batch
  (no decoding, no duplicate, key or gap checks), measured in the same run so the ratio
  ingest / floor can be read.
"""

from __future__ import annotations

import hmac
import multiprocessing
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.backoffice_bench import START, Clock, _uploads, populate
from host.backoffice import wire
from host.backoffice.audit_ingest import AUDIT_EVENTS
from host.backoffice.models import AuditEvent, Lock
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site
from protocol import constants
from tests.host.postgresql import Cluster

BATCHES = 50
PER_BATCH = 200
MAC_INPUT = constants.AUDIT_MAC_INPUT_SIZE  # the bytes of an event its MAC covers (SPEC.md 8.3)


def _site(
    directory: Path, url: str | None, batches: int
) -> tuple[Site, BackOffice, int, list[bytes]]:
    clock = Clock(START)
    site, _ = init_site(directory, url=url, admin_password="bench", clock=clock)
    office = BackOffice(site, clock)
    (station_id,) = populate(site, 1, 100, 20)
    with site.sessions() as session:
        rows = session.execute(select(Lock.id, Lock.secret).where(Lock.id <= 20))
        lock_secrets = {lock_id: secret for lock_id, secret in rows}
    bodies = _uploads(station_id, lock_secrets, batches, PER_BATCH)
    return site, office, station_id, bodies


def ingest(directory: Path, url: str | None = None, batches: int = BATCHES) -> float:
    site, office, station_id, bodies = _site(directory, url, batches)
    try:
        station = office.authenticate_station("credential-1")
        start = time.perf_counter()
        for body in bodies:
            ack = office.ingest_upload(station, station_id, body)
            assert ack.stored == PER_BATCH, ack
        return batches * PER_BATCH / (time.perf_counter() - start)
    finally:
        site.close()


def _ingest_worker(
    directory: str, url: str, station_id: int, bodies: list[bytes]
) -> tuple[float, float]:
    """In a worker process: the station's batches through the service; (start, end) wall."""
    site = Site.open(Path(directory), url)
    try:
        office = BackOffice(site, Clock(START))
        station = office.authenticate_station(f"credential-{station_id}")
        start = time.time()
        for body in bodies:
            ack = office.ingest_upload(station, station_id, body)
            assert ack.stored == PER_BATCH, ack
        return start, time.time()
    finally:
        site.close()


def ingest_parallel(directory: Path, url: str, workers: int = 2, batches: int = BATCHES) -> float:
    clock = Clock(START)
    site, _ = init_site(directory, url=url, admin_password="bench", clock=clock)
    try:
        stations = populate(site, workers, 100, 20)
        jobs = []
        for station_id in stations:
            first = (station_id - 1) * 20 + 1
            with site.sessions() as session:
                rows = session.execute(
                    select(Lock.id, Lock.secret).where(Lock.id.between(first, first + 19))
                )
                lock_secrets = {lock_id: secret for lock_id, secret in rows}
            bodies = _uploads(station_id, lock_secrets, batches, PER_BATCH)
            jobs.append((str(directory), url, station_id, bodies))
    finally:
        site.close()
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        spans = pool.starmap(_ingest_worker, jobs)
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return workers * batches * PER_BATCH / elapsed


def floor(directory: Path, batches: int = BATCHES) -> float:
    site, _office, station_id, bodies = _site(directory, None, batches)
    try:
        with site.sessions() as session:
            secrets = {
                lock_id: secret for lock_id, secret in session.execute(select(Lock.id, Lock.secret))
            }
        decoded = [wire.decode_upload(body) for body in bodies]
        start = time.perf_counter()
        for batch in decoded:
            rows = []
            for offset, record in enumerate(batch["records"]):
                event = record["event"]
                mac = hmac.digest(secrets[event["lock_id"]], record["raw"][:MAC_INPUT], "sha256")
                assert mac[: constants.MAC_SIZE] == event["mac"]
                rows.append(
                    {
                        "lock_id": event["lock_id"],
                        "lock_seq": event["lock_seq"],
                        "key_id": event["key_id"],
                        "outcome": event["outcome"],
                        "time": event["time"],
                        "mac": event["mac"],
                        "received_at": record["received_at"],
                        "station_id": station_id,
                        "outbox_index": batch["first_index"] + offset,
                        "uploaded_at": START,
                    }
                )
            with site.sessions.begin() as session:
                session.execute(insert(AUDIT_EVENTS), rows)
        elapsed = time.perf_counter() - start
        with site.sessions() as session:
            stored = session.scalar(select(func.count()).select_from(AuditEvent))
        assert stored == batches * PER_BATCH, stored
        return batches * PER_BATCH / elapsed
    finally:
        site.close()


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="synk-bench-") as tmp:
        root = Path(tmp)
        results = {
            "audit_ingest_events_per_s_sqlite": ingest(root / "sqlite"),
            "audit_ingest_floor_events_per_s": floor(root / "floor"),
        }
        cluster = Cluster()
        try:
            cluster.start()
            url = cluster.database()
            results["audit_ingest_events_per_s_postgresql"] = ingest_parallel(
                root / "postgresql", url
            )
        finally:
            cluster.stop()
        return results


if __name__ == "__main__":
    print(run())
