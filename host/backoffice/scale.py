"""A site at the size of Sweden's largest municipality, made in bulk (issue 13, item 5).

``synk admin demo-scale`` and ``inv bench`` use it. The shape is Stockholm's key system:
150 units, 10,000 staff with a key each, 24,000 locks (per unit 148 customer doors, each
mounted for a customer of the unit, 8 key boxes and 4 building entrances, all granted to the
unit), one sync station per unit, one unit manager per unit, and ``events`` lock events over
the ``days`` before ``now``, plus a quarter as many station events (the syncs at the shifts'
starts and ends).

The rhythm is home care's: every day of the week, fewer visits on Saturdays and Sundays;
within a day a morning peak (07-10), a lunch round, an evening round, and a few night
visits. A unit's staff open the unit's locks, mostly customer doors. Each lock's events are
numbered in time order, carry a real MAC by the lock's secret, and reach the back office
through the unit's station some hours later, so the site is one that a real year of uploads
could have made (``locks.last_seq`` is the last number, so new uploads continue it).

Rows are loaded in bulk: on PostgreSQL with ``COPY ... FROM STDIN`` (psycopg's ``copy``),
on SQLite with one ``executemany`` in one transaction. The event tables' secondary indexes
are dropped before loading into them while they are empty and built once afterwards (faster
than keeping them up to date row by row), then ``ANALYZE`` gives the planner the sizes.
Random choices come from one seeded generator: the same shape and seed give the same site.
"""

from __future__ import annotations

import bisect
import hmac
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, Index, bindparam, insert, text, update
from sqlalchemy.engine import Connection

from host.backoffice import codes, passwords, wire
from host.backoffice.models import (
    AuditEvent,
    Customer,
    Grant,
    Key,
    Lock,
    LockInstallation,
    Provider,
    Staff,
    Station,
    SyncEvent,
    Unit,
    User,
)
from host.backoffice.service import credential_hash
from host.backoffice.site import Site
from host.backoffice.timeutil import day_start, local_day
from protocol.constants import MAC_SIZE, Outcome, StationReason

DAY_S = 24 * 3600
DOORS, BOXES, ENTRANCES = 148, 8, 4  # locks per unit, by kind (150 x 160 = 24,000)
# Share of visits per hour of the local day (home care: morning peak, lunch, evening, night).
HOUR_WEIGHTS = (0.4, 0.3, 0.3, 0.3, 0.3, 0.5, 2, 8, 10, 9, 7, 7, 6, 5, 5, 5, 6, 7, 7, 6, 5, 4, 2, 1)
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.75)  # Monday .. Sunday
SYNC_HOURS = (6, 7, 14, 15, 21, 22)  # shift starts and ends
SYNCS_PER_EVENT = 0.25
# Outcomes other than an opening, with their share (a wrong day's set, a refused key ...).
OTHER_OUTCOMES = ((Outcome.NOT_IN_SET, 0.008), (Outcome.EXPIRED, 0.006), (Outcome.NO_SET, 0.004))
MANAGER = "chef.enhet{unit}"


@dataclass(frozen=True)
class Shape:
    units: int = 150
    keys: int = 10_000
    locks: int = 24_000
    events: int = 1_000_000
    days: int = 365
    seed: int = 13

    def __post_init__(self) -> None:
        if self.units < 1 or self.keys < self.units or self.days < 1 or self.events < 0:
            raise ValueError(f"not a site's shape: {self}")
        if self.locks != self.units * (DOORS + BOXES + ENTRANCES):
            raise ValueError(f"locks must be {DOORS + BOXES + ENTRANCES} per unit: {self}")


@dataclass
class Built:
    """What ``build`` made, and how long the events' bulk load took."""

    units: int
    keys: int
    locks: int
    events: int
    station_events: int
    manager_password: str
    load_s: float  # the lock and station events' load, index builds included
    first_time: int
    last_time: int

    @property
    def events_per_s(self) -> float:
        return self.events / self.load_s if self.load_s else 0.0


def manager_name(unit: int) -> str:
    return MANAGER.format(unit=unit)


def build(
    site: Site,
    shape: Shape,
    now: int,
    manager_password: str | None = None,
    password_cost: passwords.Cost = passwords.COST,
) -> Built:
    """Fill a new, empty site (``init_site``) with ``shape``'s municipality, up to ``now``."""
    rng = random.Random(shape.seed)
    start = day_start(local_day(now) - timedelta(days=shape.days))
    password = manager_password or passwords.generate_password()
    org = _Organisation(shape, start, rng)
    org.insert(site, passwords.hash_password(password, password_cost))
    began = time.perf_counter()
    events, syncs, first, last = _load_events(site, shape, org, start, now, rng)
    load_s = time.perf_counter() - began
    return Built(shape.units, shape.keys, shape.locks, events, syncs, password, load_s, first, last)


class _Organisation:
    """Units, staff, keys, customers and locks, with the lookups the events need."""

    def __init__(self, shape: Shape, start: int, rng: random.Random) -> None:
        self.shape = shape
        self.start = start
        self.staff: list[list[int]] = [[] for _ in range(shape.units + 1)]
        for staff_id in range(1, shape.keys + 1):
            self.staff[(staff_id - 1) % shape.units + 1].append(staff_id)
        per_unit = DOORS + BOXES + ENTRANCES
        self.doors = [
            [(u - 1) * per_unit + n + 1 for n in range(DOORS)] for u in range(shape.units + 1)
        ]
        self.boxes = [
            [(u - 1) * per_unit + DOORS + n + 1 for n in range(BOXES)]
            for u in range(shape.units + 1)
        ]
        self.entrances = [
            [(u - 1) * per_unit + DOORS + BOXES + n + 1 for n in range(ENTRANCES)]
            for u in range(shape.units + 1)
        ]
        self.secrets = [b""] + [rng.randbytes(32) for _ in range(shape.locks)]

    def insert(self, site: Site, password_hash: str) -> None:
        shape, at = self.shape, self.start
        salt, verifier = codes.make_verifier("482913", codes.DEFAULT_ITERATIONS)
        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (
                Provider,
                [{"id": 1, "name": "Stockholms stad", "kind": "municipal", "created_at": at}],
            ),
            (
                Unit,
                [
                    {"id": u, "provider_id": 1, "name": f"Hemtjänst {u}", "created_at": at}
                    for u in range(1, shape.units + 1)
                ],
            ),
            (
                User,
                [
                    {
                        "username": manager_name(u),
                        "role": "unit_manager",
                        "unit_id": u,
                        "password_hash": password_hash,
                        "active": True,
                        "created_at": at,
                    }
                    for u in range(1, shape.units + 1)
                ],
            ),
            (
                Station,
                [
                    {
                        "id": u,
                        "unit_id": u,
                        "name": f"Station {u}",
                        "credential_hash": credential_hash(f"credential-{u}"),
                        "created_at": at,
                        "bundle_serial_delivered": 0,
                    }
                    for u in range(1, shape.units + 1)
                ],
            ),
        ]
        staff = [
            {
                "id": s,
                "unit_id": u,
                "name": f"Person {s} Efternamn",
                "code_salt": salt,
                "code_verifier": verifier,
                "active": True,
                "created_at": at,
            }
            for u in range(1, shape.units + 1)
            for s in self.staff[u]
        ]
        keys = [
            {
                "id": staff_id,
                "staff_id": staff_id,
                "public_key": _public(staff_id),
                "state": "active",
                "created_at": at,
            }
            for u in range(1, shape.units + 1)
            for staff_id in self.staff[u]
        ]
        customers, locks, mounts, grants = [], [], [], []
        for u in range(1, shape.units + 1):
            kinds = (
                [(n, "customer_door") for n in self.doors[u]]
                + [(n, "key_box") for n in self.boxes[u]]
                + [(n, "building_entrance") for n in self.entrances[u]]
            )
            for lock_id, kind in kinds:
                locks.append(
                    {
                        "id": lock_id,
                        "type": kind,
                        "name": "" if kind == "customer_door" else f"{kind} {lock_id}",
                        "secret": self.secrets[lock_id],
                        "created_at": at,
                        "last_seq": 0,
                    }
                )
                customer = lock_id if kind == "customer_door" else None
                if customer is not None:
                    customers.append(
                        {
                            "id": customer,
                            "reference": f"K-{customer:06d}",
                            "provider_id": 1,
                            "unit_id": u,
                            "created_at": at,
                        }
                    )
                mounts.append(
                    {
                        "lock_id": lock_id,
                        "address": f"Gatan {lock_id}",
                        "customer_id": customer,
                        "installed_at": at,
                    }
                )
                grants.append({"lock_id": lock_id, "unit_id": u, "created_at": at})
        tables += [
            (Staff, staff),
            (Key, keys),
            (Customer, customers),
            (Lock, locks),
            (LockInstallation, mounts),
            (Grant, grants),
        ]
        with site.sessions.begin() as session:
            for model, rows in tables:
                session.execute(insert(model), rows)


def _public(key_id: int) -> bytes:
    """A key's public key: unique 32 bytes (the scale site's keys never sync)."""
    return key_id.to_bytes(4, "little") * 8


def _day_counts(total: int, days: list[int], weights: list[float]) -> list[int]:
    """``total`` split over the days in proportion to ``weights``, summing exactly."""
    whole = sum(weights)
    counts, carried, given = [], 0.0, 0
    for weight in weights:
        carried += total * weight / whole
        count = round(carried) - given
        counts.append(count)
        given += count
    return counts


def _day_rows(
    shape: Shape, org: _Organisation, start: int, now: int, rng: random.Random, seqs: list[int]
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Per day, its lock events and station events as table rows, in time order."""
    days = [start]
    while True:
        following = day_start(local_day(days[-1]) + timedelta(days=1))
        if following >= now:
            break
        days.append(following)
    weights = [WEEKDAY_WEIGHTS[local_day(d).weekday()] for d in days]
    counts = _day_counts(shape.events, days, weights)
    hours = list(range(24))
    cumulative = list(_accumulate(HOUR_WEIGHTS))
    sync_cumulative = list(_accumulate([1.0] * len(SYNC_HOURS)))
    thresholds = list(_accumulate([share for _, share in OTHER_OUTCOMES]))
    others = [int(outcome) for outcome, _ in OTHER_OUTCOMES]
    outbox = [0] * (shape.units + 1)
    units = shape.units
    random_ = rng.random
    mac_input = wire.audit_mac_input
    digest = hmac.digest
    secrets = org.secrets
    for day, count in zip(days, counts, strict=True):
        length = min(DAY_S, now - day)
        picked = rng.choices(hours, cum_weights=cumulative, k=count)
        drawn: list[tuple[int, int, int, int, int]] = []
        for hour in picked:
            at = day + hour * 3600 + int(random_() * 3600)
            if at - day >= length:
                at = day + int(random_() * length)
            unit = int(random_() * units) + 1
            staff = org.staff[unit]
            key_id = staff[int(random_() * len(staff))]
            which = random_()
            if which < 0.85:
                choices = org.doors[unit]
            elif which < 0.95:
                choices = org.boxes[unit]
            else:
                choices = org.entrances[unit]
            lock_id = choices[int(random_() * len(choices))]
            roll = random_()
            found = bisect.bisect(thresholds, roll)
            outcome = others[found] if found < len(others) else int(Outcome.OPENED)
            drawn.append((at, lock_id, key_id, outcome, unit))
        drawn.sort()
        lock_rows = []
        for at, lock_id, key_id, outcome, unit in drawn:
            seqs[lock_id] = seq = seqs[lock_id] + 1
            mac = digest(
                secrets[lock_id], mac_input(outcome, 0, lock_id, key_id, at, seq), "sha256"
            )
            received = min(at + int(random_() * 6 * 3600), now)
            outbox[unit] += 1
            lock_rows.append(
                (
                    lock_id,
                    seq,
                    key_id,
                    outcome,
                    at,
                    mac[:MAC_SIZE],
                    received,
                    unit,
                    outbox[unit],
                    min(received + 60, now),
                )
            )
        sync_rows = []
        sync_hours = rng.choices(
            SYNC_HOURS, cum_weights=sync_cumulative, k=int(count * SYNCS_PER_EVENT)
        )
        for hour in sorted(sync_hours):
            at = min(day + hour * 3600 + int(random_() * 3600), now)
            unit = int(random_() * units) + 1
            staff = org.staff[unit]
            outbox[unit] += 1
            sync_rows.append(
                (
                    unit,
                    0,
                    outbox[unit],
                    staff[int(random_() * len(staff))],
                    at,
                    int(StationReason.SYNC_OK),
                    0,
                    min(at + 60, now),
                )
            )
        yield lock_rows, sync_rows


def _accumulate(values: Any) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


LOCK_COLUMNS = (
    "lock_id",
    "lock_seq",
    "key_id",
    "outcome",
    "time",
    "mac",
    "received_at",
    "station_id",
    "outbox_index",
    "uploaded_at",
)
SYNC_COLUMNS = (
    "station_id",
    "outbox_epoch",
    "outbox_index",
    "key_id",
    "time",
    "reason",
    "detail",
    "uploaded_at",
)


def _load_events(
    site: Site, shape: Shape, org: _Organisation, start: int, now: int, rng: random.Random
) -> tuple[int, int, int, int]:
    """Generate and bulk-load the events; (lock events, station events, first, last time)."""
    events = syncs = 0
    first, last = now, start
    seqs = [0] * (shape.locks + 1)
    with _loaders(site.engine) as (write_locks, write_syncs):
        for lock_rows, sync_rows in _day_rows(shape, org, start, now, rng, seqs):
            if lock_rows:
                first, last = min(first, lock_rows[0][4]), max(last, lock_rows[-1][4])
            write_locks(lock_rows)
            write_syncs(sync_rows)
            events += len(lock_rows)
            syncs += len(sync_rows)
    with site.engine.begin() as connection:
        connection.execute(
            update(Lock).where(Lock.id == bindparam("lock")).values(last_seq=bindparam("seq")),
            [{"lock": n, "seq": seq} for n, seq in enumerate(seqs) if n and seq],
        )
        connection.execute(update(Station).values(last_seen=now))
    with site.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return events, syncs, first, last


Writer = Callable[[list[tuple[Any, ...]]], None]


@contextmanager
def _loaders(engine: Engine) -> Iterator[tuple[Writer, Writer]]:
    """Writers of lock and station event rows; the tables' indexes are built at the end.

    PostgreSQL takes one COPY at a time per connection: each table is loaded over a
    connection (and transaction) of its own. SQLite takes one writer at a time: both
    tables over one connection."""
    postgresql = engine.dialect.name == "postgresql"
    writers: list[Writer] = []
    with ExitStack() as stack:
        connection: Connection | None = None
        for table, columns in (
            (AuditEvent.__table__, LOCK_COLUMNS),
            (SyncEvent.__table__, SYNC_COLUMNS),
        ):
            if connection is None or postgresql:
                connection = stack.enter_context(engine.begin())
            indexes = list(table.indexes)  # type: ignore[attr-defined]
            for index in indexes:
                index.drop(connection)
            stack.push(_index_builder(connection, indexes))
            writers.append(stack.enter_context(_writer(connection, table.name, columns)))  # type: ignore[attr-defined]
        yield writers[0], writers[1]


def _index_builder(connection: Connection, indexes: list[Index]) -> Callable[..., None]:
    def build(exc_type: type[BaseException] | None, *_exc: object) -> None:
        if exc_type is None:
            for index in indexes:
                index.create(connection)

    return build


@contextmanager
def _writer(connection: Connection, table: str, columns: tuple[str, ...]) -> Iterator[Writer]:
    """COPY ... FROM STDIN on PostgreSQL (psycopg), executemany elsewhere."""
    raw: Any = connection.connection.driver_connection
    names = ", ".join(columns)
    cursor = raw.cursor()
    if connection.dialect.name == "postgresql":
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            write = copy.write_row

            def copy_rows(rows: list[tuple[Any, ...]]) -> None:
                for row in rows:
                    write(row)

            yield copy_rows
        return
    statement = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"

    def insert_rows(rows: list[tuple[Any, ...]]) -> None:
        cursor.executemany(statement, rows)

    yield insert_rows
