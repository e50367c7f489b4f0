"""Read-only queries behind the activity log, the anomaly list and the sync events.

The service layer checks the caller and passes ``unit`` (the only unit a unit
manager may see, else None); these functions apply it. A lock event belongs to
a unit when the key's staff member is in the unit or the lock was mounted for
one of the unit's customers at the time of the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from host.backoffice.models import (
    Anomaly,
    AuditEvent,
    ChangeLog,
    Customer,
    Key,
    LockInstallation,
    Staff,
    Station,
    SyncEvent,
    User,
)
from host.backoffice.timeutil import format_time, iso_utc
from protocol.constants import Outcome, StationReason

Row = dict[str, Any]
StmtT = TypeVar("StmtT", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class ActivityQuery:
    staff_id: int | None = None
    key_id: int | None = None
    lock_id: int | None = None
    customer_id: int | None = None
    since: int | None = None
    until: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class AnomalyQuery:
    kind: str | None = None
    lock_id: int | None = None
    key_id: int | None = None
    since: int | None = None
    until: int | None = None
    open_only: bool = False
    limit: int | None = None


@dataclass(frozen=True)
class SyncQuery:
    station_id: int | None = None
    key_id: int | None = None
    since: int | None = None
    until: int | None = None
    limit: int | None = None


def enum_name(enum: type[Outcome] | type[StationReason], value: int) -> str:
    """The member name of ``value``, or the number itself when the enum lacks it."""
    try:
        return enum(value).name
    except ValueError:
        return str(value)


def mounted_at(installation: Any, lock_id: Any, time: Any) -> Any:
    """SQL condition: ``installation`` held lock ``lock_id`` at ``time``."""
    return and_(
        installation.lock_id == lock_id,
        installation.installed_at <= time,
        or_(installation.removed_at.is_(None), installation.removed_at > time),
    )


def own_keys(unit: int) -> Select[int]:
    """The ids of the keys held by the unit's staff."""
    return select(Key.id).join(Staff, Staff.id == Key.staff_id).where(Staff.unit_id == unit)


def own_stations(unit: int) -> Select[int]:
    """The ids of the unit's stations."""
    return select(Station.id).where(Station.unit_id == unit)


def in_range(stmt: StmtT, column: Any, since: int | None, until: int | None) -> StmtT:
    """``stmt`` restricted to ``since <= column < until`` (either bound may be None)."""
    if since is not None:
        stmt = stmt.where(column >= since)
    if until is not None:
        stmt = stmt.where(column < until)
    return stmt


def activity(session: Session, query: ActivityQuery, unit: int | None) -> list[Row]:
    """Lock events, oldest first, with the staff member and the customer of the lock then."""
    mount = aliased(LockInstallation)
    customer = aliased(Customer)
    stmt = (
        select(AuditEvent, Staff.id, Staff.name, mount.customer_id)
        .outerjoin(Key, Key.id == AuditEvent.key_id)
        .outerjoin(Staff, Staff.id == Key.staff_id)
        .outerjoin(mount, mounted_at(mount, AuditEvent.lock_id, AuditEvent.time))
        .outerjoin(customer, customer.id == mount.customer_id)
        .order_by(AuditEvent.time, AuditEvent.id)
    )
    if unit is not None:
        stmt = stmt.where(or_(Staff.unit_id == unit, customer.unit_id == unit))
    if query.staff_id is not None:
        stmt = stmt.where(Staff.id == query.staff_id)
    if query.key_id is not None:
        stmt = stmt.where(AuditEvent.key_id == query.key_id)
    if query.lock_id is not None:
        stmt = stmt.where(AuditEvent.lock_id == query.lock_id)
    if query.customer_id is not None:
        stmt = stmt.where(mount.customer_id == query.customer_id)
    stmt = in_range(stmt, AuditEvent.time, query.since, query.until)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    return [
        {
            "time": format_time(event.time),
            "time_utc": iso_utc(event.time),
            "lock_id": event.lock_id,
            "lock_seq": event.lock_seq,
            "outcome": enum_name(Outcome, event.outcome),
            "key_id": event.key_id,
            "staff_id": staff_id,
            "staff": staff_name,
            "customer_id": customer_id,
            "station_id": event.station_id,
        }
        for event, staff_id, staff_name, customer_id in session.execute(stmt)
    ]


def anomalies(session: Session, query: AnomalyQuery, unit: int | None) -> list[Row]:
    stmt: Select[Any] = select(Anomaly).order_by(Anomaly.id)
    if unit is not None:
        own_locks = (
            select(LockInstallation.lock_id)
            .join(Customer, Customer.id == LockInstallation.customer_id)
            .where(Customer.unit_id == unit)
        )
        stmt = stmt.where(
            or_(
                Anomaly.station_id.in_(own_stations(unit)),
                Anomaly.key_id.in_(own_keys(unit)),
                Anomaly.lock_id.in_(own_locks),
            )
        )
    if query.kind is not None:
        stmt = stmt.where(Anomaly.kind == query.kind)
    if query.lock_id is not None:
        stmt = stmt.where(Anomaly.lock_id == query.lock_id)
    if query.key_id is not None:
        stmt = stmt.where(Anomaly.key_id == query.key_id)
    stmt = in_range(stmt, Anomaly.detected_at, query.since, query.until)
    if query.open_only:
        stmt = stmt.where(Anomaly.resolved_at.is_(None))
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    return [
        {
            "id": a.id,
            "kind": a.kind,
            "detected": format_time(a.detected_at),
            "station_id": a.station_id,
            "lock_id": a.lock_id,
            "key_id": a.key_id,
            "seq_from": a.seq_from,
            "seq_to": a.seq_to,
            "event_time": format_time(a.event_time),
            "key_blocked_since": format_time(a.key_blocked_since),
            "resolved": format_time(a.resolved_at),
        }
        for a in session.scalars(stmt)
    ]


def sync_events(session: Session, query: SyncQuery, unit: int | None) -> list[Row]:
    stmt: Select[Any] = select(SyncEvent).order_by(SyncEvent.time, SyncEvent.id)
    if unit is not None:
        stmt = stmt.where(SyncEvent.station_id.in_(own_stations(unit)))
    if query.station_id is not None:
        stmt = stmt.where(SyncEvent.station_id == query.station_id)
    if query.key_id is not None:
        stmt = stmt.where(SyncEvent.key_id == query.key_id)
    stmt = in_range(stmt, SyncEvent.time, query.since, query.until)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    return [
        {
            "time": format_time(e.time),
            "station_id": e.station_id,
            "outbox_index": e.outbox_index,
            "key_id": e.key_id,
            "reason": enum_name(StationReason, e.reason),
            "detail": e.detail,
        }
        for e in session.scalars(stmt)
    ]


def changes(session: Session, limit: int) -> list[Row]:
    stmt = (
        select(ChangeLog, User.username)
        .outerjoin(User, User.id == ChangeLog.user_id)
        .order_by(ChangeLog.id.desc())
        .limit(limit)
    )
    return [
        {
            "at": format_time(c.at),
            "user": username,
            "action": c.action,
            "object": c.object_type,
            "id": c.object_id,
            "detail": c.detail,
        }
        for c, username in session.execute(stmt)
    ]
