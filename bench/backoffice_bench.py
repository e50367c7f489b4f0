"""Back-office figures: bundle builds (one unit, a whole municipality) and audit ingest.

* ``bundle_build_s_100_keys``: one station's bundle for a unit of 100 active
  keys and 60 locks (800 signed day sets), built and stored through the
  service layer as the station API does on a changed bundle.
* ``bundles_build_s_10000_keys``: every station's bundle of a municipality of
  100 units x 100 keys (100 stations, 80,000 signed day sets), built with
  ``BackOffice.refresh_bundles`` on 2 worker processes (target <= 10 s on 2
  cores). The rows are inserted in bulk (the personal codes' PBKDF2 runs once):
  only the build is timed.
* ``bundles_sign_floor_s``: the floor of that build, measured in the same run: the time
  ``cryptography`` takes for the same number of Ed25519 signatures (80,000 day sets and
  100 bundles) of messages of a day set's size, on every core (one process per core,
  started before the clock runs). Goal (issue 13): build / floor <= 1.3.
* ``audit_ingest_events_per_s``: lock events stored through
  ``BackOffice.ingest_upload`` into a SQLite file (WAL, synchronous=FULL),
  every MAC checked, in upload batches of 200 events from 20 locks (target
  >= 5,000).

Times are the best of a few rounds, each after a change that makes every
bundle differ (a new issue day), so nothing is served from the stored bundle.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import insert, select

from host.backoffice import codes
from host.backoffice.models import (
    Customer,
    Grant,
    Key,
    Lock,
    LockInstallation,
    Provider,
    Staff,
    Station,
    Unit,
)
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice, credential_hash
from host.backoffice.site import Site, init_site
from host.backoffice.timeutil import parse_time
from protocol.records import audit_mac, decode_record, encode_record, signed_part

START = parse_time("2026-03-10T08:00")
DAY = 24 * 3600
WORKERS = 2


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def populate(site: Site, units: int, keys_per_unit: int, locks_per_unit: int) -> list[int]:
    """Bulk-insert a municipality; returns the station ids (one station per unit)."""
    salt, verifier = codes.make_verifier("482913", codes.DEFAULT_ITERATIONS)
    providers = [{"id": 1, "name": "Kommunen", "kind": "municipal", "created_at": START}]
    unit_rows, station_rows, staff_rows, key_rows = [], [], [], []
    customer_rows, lock_rows, mount_rows = [], [], []
    for u in range(1, units + 1):
        unit_rows.append({"id": u, "provider_id": 1, "name": f"Enhet {u}", "created_at": START})
        station_rows.append(
            {
                "id": u,
                "unit_id": u,
                "name": f"Station {u}",
                "credential_hash": credential_hash(f"credential-{u}"),
                "created_at": START,
                "bundle_serial_delivered": 0,
            }
        )
        for s in range(keys_per_unit):
            staff_id = (u - 1) * keys_per_unit + s + 1
            staff_rows.append(
                {
                    "id": staff_id,
                    "unit_id": u,
                    "name": f"Person{staff_id} Efternamn",
                    "code_salt": salt,
                    "code_verifier": verifier,
                    "active": True,
                    "created_at": START,
                }
            )
            key_rows.append(
                {
                    "id": staff_id,
                    "staff_id": staff_id,
                    "public_key": secrets.token_bytes(32),
                    "pin_secret": codes.new_pin_secret(),
                    "state": "active",
                    "created_at": START,
                }
            )
        for n in range(locks_per_unit):
            lock_id = (u - 1) * locks_per_unit + n + 1
            customer_rows.append(
                {
                    "id": lock_id,
                    "reference": f"K-{lock_id:06d}",
                    "provider_id": 1,
                    "unit_id": u,
                    "created_at": START,
                }
            )
            lock_rows.append(
                {
                    "id": lock_id,
                    "type": "customer_door",
                    "name": "",
                    "secret": secrets.token_bytes(32),
                    "created_at": START,
                    "last_seq": 0,
                }
            )
            mount_rows.append(
                {
                    "lock_id": lock_id,
                    "address": f"Gatan {lock_id}",
                    "customer_id": lock_id,
                    "installed_at": START,
                }
            )
    common = units * locks_per_unit + 1  # one building entrance every unit may open
    lock_rows.append(
        {
            "id": common,
            "type": "building_entrance",
            "name": "Port",
            "secret": secrets.token_bytes(32),
            "created_at": START,
            "last_seq": 0,
        }
    )
    mount_rows.append({"lock_id": common, "address": "Torget 1", "installed_at": START})
    grant_rows = [
        {"lock_id": common, "unit_id": u, "created_at": START} for u in range(1, units + 1)
    ]
    with site.sessions.begin() as session:
        for model, rows in (
            (Provider, providers),
            (Unit, unit_rows),
            (Station, station_rows),
            (Staff, staff_rows),
            (Key, key_rows),
            (Customer, customer_rows),
            (Lock, lock_rows),
            (LockInstallation, mount_rows),
            (Grant, grant_rows),
        ):
            session.execute(insert(model), rows)
    return list(range(1, units + 1))


def _check(office: BackOffice, admin: Actor, station: int, keys: int) -> None:
    """The timed bundles are real: signed by the authority, every key with 8 day sets."""
    data = office.export_bundle(admin, station).data
    bundle = decode_record("bundle", data)
    public = office.authority_public_keys(admin)[0]
    Ed25519PublicKey.from_public_bytes(public).verify(
        bundle["signature"], signed_part("bundle", data)
    )
    assert len(bundle["keys"]) == keys
    assert all(len(days) == 8 and days[7]["valid_until"] for days in bundle["sets"])


def _best(rounds: int, clock: Clock, step: Any) -> float:
    best = float("inf")
    for _ in range(rounds):
        clock.now += DAY  # a new issue day: every bundle's content changes
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def bundle_build(directory: Path, rounds: int = 3) -> float:
    clock = Clock(START)
    site, _ = init_site(directory, admin_password="bench", clock=clock)
    try:
        office = BackOffice(site, clock)
        admin = office.actor_for(None)
        (station,) = populate(site, 1, 100, 60)
        best = _best(rounds, clock, lambda: office.export_bundle(admin, station))
        _check(office, admin, station, keys=100)
        return best
    finally:
        site.close()


def municipality_build(directory: Path, rounds: int = 2) -> float:
    clock = Clock(START)
    site, _ = init_site(directory, admin_password="bench", clock=clock)
    try:
        office = BackOffice(site, clock)
        admin = office.actor_for(None)
        stations = populate(site, 100, 100, 60)

        def build() -> None:
            serials = office.refresh_bundles(admin, workers=WORKERS)
            assert len(serials) == len(stations)

        best = _best(rounds, clock, build)
        _check(office, admin, stations[-1], keys=100)
        return best
    finally:
        site.close()


FLOOR_MESSAGE = 80  # bytes: a day set's signed part for a few locks (SPEC.md 8.1)


def _sign(count: int) -> int:
    key = Ed25519PrivateKey.generate()
    message = bytes(FLOOR_MESSAGE)
    for n in range(count):
        key.sign(n.to_bytes(4, "little") + message)
    return count


def sign_floor(signatures: int, rounds: int = 2) -> float:
    """Seconds for ``signatures`` Ed25519 signatures spread over one process per core."""
    cores = os.cpu_count() or 1
    shares = [signatures // cores + (n < signatures % cores) for n in range(cores)]
    best = float("inf")
    with multiprocessing.get_context("spawn").Pool(cores) as pool:
        pool.map(_sign, [1] * cores)  # the processes are up before the clock runs
        for _ in range(rounds):
            start = time.perf_counter()
            assert sum(pool.map(_sign, shares)) == signatures
            best = min(best, time.perf_counter() - start)
    return best


def _uploads(
    station_id: int, secrets_by_lock: dict[int, bytes], batches: int, per_batch: int
) -> list[bytes]:
    locks = sorted(secrets_by_lock)
    seq = dict.fromkeys(locks, 0)
    bodies, index = [], 1
    for _ in range(batches):
        records = []
        for i in range(per_batch):
            lock = locks[i % len(locks)]
            seq[lock] += 1
            event: dict[str, Any] = {
                "format": 1,
                "outcome": 0,
                "lock_id": lock,
                "key_id": 1 + i % 100,
                "time": START + index,
                "lock_seq": seq[lock],
            }
            event["mac"] = audit_mac(secrets_by_lock[lock], event)
            records.append({"kind": 1, "event": event, "received_at": START + index})
            index += 1
        first = index - per_batch
        bodies.append(
            encode_record(
                "upload_batch",
                {
                    "format": 1,
                    "flags": 0,
                    "station_id": station_id,
                    "first_index": first,
                    "outbox_epoch": 0,
                    "records": records,
                },
            )
        )
    return bodies


def audit_ingest(directory: Path, batches: int = 50, per_batch: int = 200) -> float:
    clock = Clock(START)
    site, _ = init_site(directory, admin_password="bench", clock=clock)
    try:
        office = BackOffice(site, clock)
        (station_id,) = populate(site, 1, 100, 20)
        with site.sessions() as session:
            rows = session.execute(select(Lock.id, Lock.secret).where(Lock.id <= 20))
            lock_secrets = {lock_id: secret for lock_id, secret in rows}
        bodies = _uploads(station_id, lock_secrets, batches, per_batch)
        station: Actor = office.authenticate_station("credential-1")
        start = time.perf_counter()
        for body in bodies:
            ack = office.ingest_upload(station, station_id, body)
            assert ack.stored == per_batch, ack
        return batches * per_batch / (time.perf_counter() - start)
    finally:
        site.close()


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="synk-bench-") as tmp:
        root = Path(tmp)
        return {
            "bundle_build_s_100_keys": bundle_build(root / "one"),
            "bundles_build_s_10000_keys": municipality_build(root / "all"),
            "bundles_sign_floor_s": sign_floor(100 * 100 * 8 + 100),
            "audit_ingest_events_per_s": audit_ingest(root / "ingest"),
        }


if __name__ == "__main__":
    print(run())
