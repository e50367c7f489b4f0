"""The activity log (seed 000 section 5) and openings that no visit explains.

The log holds lock events (a key at a lock: opened, refused, ...) and key
events at the sync stations (synced, wrong code, blocked key, ...), newest
first, searchable by staff member, key, customer, lock and time range, in
pages. A unit manager sees the events of the unit's staff, of locks mounted
for the unit's customers at the time, and of the unit's stations. A key event
at a station of another unit than the key's staff member's is a *borrowed*
station (seed 004: a neighbouring unit's station when one's own is out of
order); it is marked so (``LogRow.borrowed``) and both units' managers see it.

An *opening without a visit* is an ``OPENED`` event on a lock mounted for a
customer when no registered visit of that customer covers its time (from 15
minutes before the visit's start to its end). Only days on which visits of the
customer's provider were imported are judged: before the export arrives,
every opening would look unexplained.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from host.backoffice.followup.sample import LEAD_S
from host.backoffice.models import (
    AuditEvent,
    Customer,
    Key,
    Lock,
    LockInstallation,
    Staff,
    Station,
    SyncEvent,
    Visit,
)
from host.backoffice.reports import enum_name, in_range, mounted_at, own_keys, own_stations
from host.backoffice.timeutil import day_start, local_day
from protocol.constants import Outcome, StationReason

if TYPE_CHECKING:
    from typing import TypeAlias

    AnySelect: TypeAlias = Select[*tuple[Any, ...]]

KINDS = ("all", "lock", "station")
DAY_S = 24 * 3600


@dataclass(frozen=True)
class LogQuery:
    kind: str = "all"  # all | lock | station
    staff_id: int | None = None
    key_id: int | None = None
    customer_id: int | None = None
    lock_id: int | None = None
    station_id: int | None = None
    since: int | None = None
    until: int | None = None


@dataclass
class LogRow:
    time: int
    kind: str  # lock | station
    event: str  # the Outcome or StationReason name
    key_id: int
    station_id: int
    lock_id: int | None = None
    lock_seq: int | None = None
    detail: int = 0
    staff_id: int | None = None
    staff: str | None = None
    lock: str | None = None
    customer_id: int | None = None
    customer: str | None = None
    station_unit_id: int | None = None
    key_unit_id: int | None = None  # the key's staff member's unit

    @property
    def borrowed(self) -> bool:
        """A key event at a station of another unit than the key's (a borrowed station)."""
        return (
            self.kind == "station"
            and self.key_unit_id is not None
            and self.station_unit_id is not None
            and self.key_unit_id != self.station_unit_id
        )


@dataclass(frozen=True)
class _Scope:
    """A unit's keys, stations and the locks ever mounted for its customers, as id lists.

    Resolved before the search: ``key_id IN (1, 151, ...) OR lock_id IN (...)`` lets both
    engines read each side from an index (``ix_audit_events_key_time``, ``..._lock_time``)
    and join the two; the same test as a subquery ORed with EXISTS makes them read every
    event of the site (issue 13's scale benchmark: seconds at a million events)."""

    keys: list[int]
    stations: list[int]
    locks: list[int]


def _scope(session: Session, unit: int | None) -> _Scope | None:
    if unit is None:
        return None
    locks = select(LockInstallation.lock_id).where(
        LockInstallation.customer_id.in_(select(Customer.id).where(Customer.unit_id == unit))
    )
    return _Scope(
        sorted(session.scalars(own_keys(unit))),
        sorted(session.scalars(own_stations(unit))),
        sorted(set(session.scalars(locks))),
    )


def _lock_part(query: LogQuery, unit: int | None, scope: _Scope | None) -> AnySelect:
    mount = aliased(LockInstallation)
    part: AnySelect = select(
        literal("lock", String).label("kind"),
        AuditEvent.id.label("id"),
        AuditEvent.time.label("time"),
        AuditEvent.outcome.label("code"),
        AuditEvent.key_id.label("key_id"),
        AuditEvent.lock_id.label("lock_id"),
        AuditEvent.lock_seq.label("lock_seq"),
        AuditEvent.station_id.label("station_id"),
        literal(0, Integer).label("detail"),
    )
    if unit is not None and scope is not None:
        own_customers = select(Customer.id).where(Customer.unit_id == unit)
        part = part.where(
            or_(
                AuditEvent.key_id.in_(scope.keys),
                and_(
                    AuditEvent.lock_id.in_(scope.locks),
                    exists().where(
                        mounted_at(mount, AuditEvent.lock_id, AuditEvent.time),
                        mount.customer_id.in_(own_customers),
                    ),
                ),
            )
        )
    if query.customer_id is not None:
        part = part.where(
            exists().where(
                mounted_at(mount, AuditEvent.lock_id, AuditEvent.time),
                mount.customer_id == query.customer_id,
            )
        )
    if query.staff_id is not None:
        part = part.where(
            AuditEvent.key_id.in_(select(Key.id).where(Key.staff_id == query.staff_id))
        )
    if query.key_id is not None:
        part = part.where(AuditEvent.key_id == query.key_id)
    if query.lock_id is not None:
        part = part.where(AuditEvent.lock_id == query.lock_id)
    if query.station_id is not None:
        part = part.where(AuditEvent.station_id == query.station_id)
    return in_range(part, AuditEvent.time, query.since, query.until)


def _station_part(query: LogQuery, scope: _Scope | None) -> AnySelect:
    part: AnySelect = select(
        literal("station", String).label("kind"),
        SyncEvent.id.label("id"),
        SyncEvent.time.label("time"),
        SyncEvent.reason.label("code"),
        SyncEvent.key_id.label("key_id"),
        null().label("lock_id"),
        null().label("lock_seq"),
        SyncEvent.station_id.label("station_id"),
        SyncEvent.detail.label("detail"),
    )
    if scope is not None:
        part = part.where(
            or_(SyncEvent.station_id.in_(scope.stations), SyncEvent.key_id.in_(scope.keys))
        )
    if query.staff_id is not None:
        part = part.where(
            SyncEvent.key_id.in_(select(Key.id).where(Key.staff_id == query.staff_id))
        )
    if query.key_id is not None:
        part = part.where(SyncEvent.key_id == query.key_id)
    if query.station_id is not None:
        part = part.where(SyncEvent.station_id == query.station_id)
    return in_range(part, SyncEvent.time, query.since, query.until)


def search(
    session: Session, query: LogQuery, unit: int | None, offset: int, limit: int
) -> tuple[list[LogRow], int]:
    """One page of the log, newest first, and the number of matching events."""
    parts = []
    scope = _scope(session, unit)
    if query.kind in ("all", "lock"):
        parts.append(_lock_part(query, unit, scope))
    # Station events concern no lock or customer: a search for one leaves them out.
    if query.kind in ("all", "station") and query.lock_id is None and query.customer_id is None:
        parts.append(_station_part(query, scope))
    if not parts:
        return [], 0
    union = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    total = session.scalar(select(func.count()).select_from(union)) or 0
    page = session.execute(
        select(union)
        .order_by(union.c.time.desc(), union.c.kind, union.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    rows = [
        LogRow(
            time=r.time,
            kind=r.kind,
            event=enum_name(Outcome if r.kind == "lock" else StationReason, r.code),
            key_id=r.key_id,
            station_id=r.station_id,
            lock_id=r.lock_id,
            lock_seq=r.lock_seq,
            detail=r.detail or 0,
        )
        for r in page
    ]
    describe(session, rows)
    return rows, total


def describe(session: Session, rows: Sequence[LogRow]) -> None:
    """Fill in staff, lock names and the customer each lock was mounted for at the time."""
    key_ids = {r.key_id for r in rows}
    staff = {
        key_id: (staff_id, name, unit_id)
        for key_id, staff_id, name, unit_id in session.execute(
            select(Key.id, Staff.id, Staff.name, Staff.unit_id)
            .join(Staff, Staff.id == Key.staff_id)
            .where(Key.id.in_(key_ids))
        )
    }
    station_ids = {r.station_id for r in rows}
    station_units = {
        station_id: unit_id
        for station_id, unit_id in session.execute(
            select(Station.id, Station.unit_id).where(Station.id.in_(station_ids))
        )
    }
    lock_ids = {r.lock_id for r in rows if r.lock_id is not None}
    locks = {
        lock_id: name
        for lock_id, name in session.execute(
            select(Lock.id, Lock.name).where(Lock.id.in_(lock_ids))
        )
    }
    mounts: dict[int, list[tuple[int, int | None, int | None, str | None]]] = {}
    for lock_id, installed_at, removed_at, customer_id, reference in session.execute(
        select(
            LockInstallation.lock_id,
            LockInstallation.installed_at,
            LockInstallation.removed_at,
            LockInstallation.customer_id,
            Customer.reference,
        )
        .outerjoin(Customer, Customer.id == LockInstallation.customer_id)
        .where(LockInstallation.lock_id.in_(lock_ids))
    ):
        mounts.setdefault(lock_id, []).append((installed_at, removed_at, customer_id, reference))
    for row in rows:
        if row.key_id in staff:
            row.staff_id, row.staff, row.key_unit_id = staff[row.key_id]
        row.station_unit_id = station_units.get(row.station_id)
        if row.lock_id is None:
            continue
        row.lock = locks.get(row.lock_id)
        for since, until, customer, ref in mounts.get(row.lock_id, []):
            if since <= row.time and (until is None or until > row.time):
                row.customer_id, row.customer = customer, ref


def openings_without_visit(
    session: Session, since: int, until: int, unit: int | None, limit: int
) -> tuple[list[LogRow], bool]:
    """Unexplained openings, newest first, at most ``limit``; and whether more were left out."""
    mount = aliased(LockInstallation)
    other = aliased(Customer)
    explained = exists().where(
        Visit.customer_id == mount.customer_id,
        Visit.start - LEAD_S <= AuditEvent.time,
        Visit.end >= AuditEvent.time,
    )
    # Cheap pre-filter in SQL: the provider has some visit within a day of the opening.
    provider_has_visits = exists().where(
        Visit.customer_id == other.id,
        other.provider_id == Customer.provider_id,
        Visit.start.between(AuditEvent.time - DAY_S, AuditEvent.time + DAY_S),
    )
    query = (
        select(AuditEvent, mount.customer_id, Customer.provider_id)
        .join(mount, mounted_at(mount, AuditEvent.lock_id, AuditEvent.time))
        .join(Customer, Customer.id == mount.customer_id)
        .where(
            AuditEvent.outcome == int(Outcome.OPENED),
            AuditEvent.time >= since,
            AuditEvent.time < until,
            ~explained,
            provider_has_visits,
        )
        .order_by(AuditEvent.time.desc(), AuditEvent.id.desc())
    )
    if unit is not None:
        query = query.where(Customer.unit_id == unit)
    checked: dict[tuple[int, Any], bool] = {}
    found: list[LogRow] = []
    more = False
    for event, _customer_id, provider_id in session.execute(query):
        day = local_day(event.time)
        if (provider_id, day) not in checked:
            start, end = day_start(day), day_start(day + timedelta(days=1))
            checked[(provider_id, day)] = bool(
                session.scalar(
                    select(
                        exists().where(
                            Visit.customer_id == other.id,
                            other.provider_id == provider_id,
                            Visit.start >= start,
                            Visit.start < end,
                        )
                    )
                )
            )
        if not checked[(provider_id, day)]:
            continue
        if len(found) == limit:
            more = True
            break
        found.append(
            LogRow(
                time=event.time,
                kind="lock",
                event=enum_name(Outcome, event.outcome),
                key_id=event.key_id,
                station_id=event.station_id,
                lock_id=event.lock_id,
                lock_seq=event.lock_seq,
            )
        )
    describe(session, found)
    return found, more
