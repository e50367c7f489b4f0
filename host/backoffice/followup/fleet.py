"""The devices a unit depends on: its keys (seed 000 section 3) and its sync stations.

Keys of a unit are the keys of its staff. What needs fixing, per key:

* ``unregistered``: a key id that a station of the unit met (``UNKNOWN_KEY``)
  or whose lock event came in through one, but that synk does not know;
* ``unlinked``: a key still in use (not retired) whose staff member has left;
* ``never_synced``: an active key with no successful sync ever;
* ``not_synced``: an active key whose last successful sync is more than
  ``stale_days`` days old;
* ``blocked_in_use``: a blocked, lost or retired key that has opened (or
  tried) a lock or been put in a station since it was taken out of use.

Retired keys are listed only when something needs fixing.

Per unit, the monthly check of the routine ("are all the unit's devices
registered and linked") as numbers (``unit_totals``): keys registered (not
retired), of them linked to a staff member still employed, active, and active
keys synced within the last ``stale_days`` days; and key ids met at the unit's
stations that are not registered.

Station health: last contact, the age of the bundle the station has, the days
of offline margin it has left (its bundle's ``offline_until``, SPEC.md 8.4,
minus now), its outbox depth, and whether it said its outbox is full, its
cache expired or its clock is not set. Under ``LOW_MARGIN_DAYS`` days of
margin, or no bundle at all, a station stands out. It also names the
neighbouring units whose keys the station serves (a borrowed station, seed 004).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from host.backoffice.bundles import OFFLINE_S
from host.backoffice.models import (
    Anomaly,
    AuditEvent,
    Key,
    KeyStateChange,
    Staff,
    Station,
    StationBundle,
    StationNeighbour,
    SyncEvent,
    Unit,
)
from protocol.constants import StationReason

DAY_S = 24 * 3600
LOW_MARGIN_DAYS = 3
OUT_OF_USE = ("blocked", "lost", "retired")
PROBLEMS = ("unregistered", "unlinked", "never_synced", "not_synced", "blocked_in_use")
STATUS_FLAGS = {1: "outbox_full", 2: "cache_expired", 4: "clock_not_set"}


@dataclass
class KeyStatus:
    unit_id: int
    key_id: int
    state: str | None  # None: not registered
    staff_id: int | None = None
    staff: str | None = None
    staff_active: bool | None = None
    last_sync: int | None = None
    last_use: int | None = None
    out_of_use_since: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class UnitTotals:
    """The numbers of one unit's keys (``unit_totals``); a ``unit_id`` of None is the sum."""

    unit_id: int | None
    registered: int = 0
    linked: int = 0
    active: int = 0
    synced: int = 0
    unregistered: int = 0

    def add(self, other: UnitTotals) -> None:
        self.registered += other.registered
        self.linked += other.linked
        self.active += other.active
        self.synced += other.synced
        self.unregistered += other.unregistered


def unit_totals(
    report: list[KeyStatus], units: list[int], stale_days: int, now: int
) -> list[UnitTotals]:
    """Per unit (every one of ``units``, in that order) the totals of its ``key_report``."""
    totals = {unit: UnitTotals(unit) for unit in units}
    since = now - stale_days * DAY_S
    for k in report:
        unit = totals.setdefault(k.unit_id, UnitTotals(k.unit_id))
        if k.state is None:
            unit.unregistered += 1
            continue
        if k.state == "retired":
            continue
        unit.registered += 1
        unit.linked += bool(k.staff_active)
        if k.state == "active":
            unit.active += 1
            unit.synced += k.last_sync is not None and k.last_sync >= since
    return list(totals.values())


def _out_of_use_since(session: Session, key_ids: Select[Any]) -> dict[int, int]:
    """For these keys (now out of use): when the current streak out of use began."""
    since: dict[int, int] = {}
    changes = session.scalars(
        select(KeyStateChange)
        .where(KeyStateChange.key_id.in_(key_ids))
        .order_by(KeyStateChange.key_id, KeyStateChange.id)
    )
    for change in changes:
        if change.to_state in OUT_OF_USE:
            since.setdefault(change.key_id, change.changed_at)
        else:
            since.pop(change.key_id, None)
    return since


def _max_by_key(
    session: Session, column: Any, key_column: Any, key_ids: Any, *where: Any
) -> dict[int, int]:
    """Per key of ``key_ids``, the largest ``column`` of its rows (keys without one left out).

    One subquery per key, which both engines answer from the (key_id, time) index by
    reading its last entry: the time does not grow with the events a key has made, as a
    GROUP BY over all of them does (issue 13's scale benchmark)."""
    latest = select(func.max(column)).where(key_column == Key.id, *where).scalar_subquery()
    query = select(Key.id, latest).where(Key.id.in_(key_ids))
    return {key: value for key, value in session.execute(query) if value is not None}


def key_report(session: Session, units: list[int], stale_days: int, now: int) -> list[KeyStatus]:
    """Every key of these units (and unknown keys met there), by unit and key id."""
    rows = list(
        session.execute(
            select(Key, Staff)
            .join(Staff, Staff.id == Key.staff_id)
            .where(Staff.unit_id.in_(units))
            .order_by(Staff.unit_id, Key.id)
        )
    )
    key_ids = select(Key.id).join(Staff, Staff.id == Key.staff_id).where(Staff.unit_id.in_(units))
    last_sync = _max_by_key(
        session,
        SyncEvent.time,
        SyncEvent.key_id,
        key_ids,
        SyncEvent.reason == int(StationReason.SYNC_OK),
    )
    since = _out_of_use_since(session, key_ids.where(Key.state.in_(OUT_OF_USE)))
    last_lock_use = _max_by_key(session, AuditEvent.time, AuditEvent.key_id, key_ids)
    last_station_use = _max_by_key(session, SyncEvent.time, SyncEvent.key_id, key_ids)
    report: list[KeyStatus] = []
    for key, staff in rows:
        uses = [t for t in (last_lock_use.get(key.id), last_station_use.get(key.id)) if t]
        status = KeyStatus(
            unit_id=staff.unit_id,
            key_id=key.id,
            state=key.state,
            staff_id=staff.id,
            staff=staff.name,
            staff_active=staff.active,
            last_sync=last_sync.get(key.id),
            last_use=max(uses) if uses else None,
            out_of_use_since=since.get(key.id),
        )
        if key.state != "retired" and not staff.active:
            status.problems.append("unlinked")
        if key.state == "active":
            if status.last_sync is None:
                status.problems.append("never_synced")
            elif status.last_sync < now - stale_days * DAY_S:
                status.problems.append("not_synced")
        elif (
            status.out_of_use_since is not None
            and status.last_use is not None
            and status.last_use >= status.out_of_use_since
        ):
            status.problems.append("blocked_in_use")
        if key.state == "retired" and not status.problems:
            continue
        report.append(status)
    report.extend(_unregistered(session, units))
    report.sort(key=lambda s: (s.unit_id, s.key_id))
    return report


def _unregistered(session: Session, units: list[int]) -> list[KeyStatus]:
    """Key ids met at the units' stations (a station event or a lock event) that synk lacks."""
    stations = select(Station.id, Station.unit_id).where(Station.unit_id.in_(units))
    unit_of = {station_id: unit_id for station_id, unit_id in session.execute(stations)}
    if not unit_of:
        return []
    known = select(Key.id)
    seen: dict[tuple[int, int], int] = {}
    station_events = session.execute(
        select(SyncEvent.station_id, SyncEvent.key_id, func.max(SyncEvent.time))
        .where(
            SyncEvent.station_id.in_(unit_of),
            SyncEvent.reason == int(StationReason.UNKNOWN_KEY),
            SyncEvent.key_id != 0,
            SyncEvent.key_id.not_in(known),
        )
        .group_by(SyncEvent.station_id, SyncEvent.key_id)
    )
    lock_events = session.execute(
        select(Anomaly.station_id, Anomaly.key_id, func.max(Anomaly.event_time))
        .where(
            Anomaly.kind == "unknown_key",
            Anomaly.station_id.in_(unit_of),
            Anomaly.key_id.not_in(known),
        )
        .group_by(Anomaly.station_id, Anomaly.key_id)
    )
    for station_id, key_id, last in [*station_events, *lock_events]:
        if station_id is None or key_id is None:
            continue
        where = (unit_of[station_id], key_id)
        seen[where] = max(seen.get(where, 0), last or 0)
    return [
        KeyStatus(
            unit_id=unit,
            key_id=key_id,
            state=None,
            last_use=last or None,
            problems=["unregistered"],
        )
        for (unit, key_id), last in sorted(seen.items())
    ]


@dataclass
class StationHealth:
    station_id: int
    name: str
    unit_id: int
    last_contact: int | None
    bundle_serial: int | None
    bundle_issued: int | None
    offline_until: int | None
    outbox_records: int | None
    outbox_bytes: int | None
    online: bool | None
    flags: list[str]
    now: int
    serves_units: list[int] = field(default_factory=list)  # neighbours whose keys it serves

    @property
    def bundle_age_s(self) -> int | None:
        return self.now - self.bundle_issued if self.bundle_issued else None

    @property
    def margin_s(self) -> int | None:
        """Offline margin left in seconds (0 once used up); None without a bundle."""
        return max(0, self.offline_until - self.now) if self.offline_until else None

    @property
    def margin_days(self) -> float | None:
        margin = self.margin_s
        return margin / DAY_S if margin is not None else None

    @property
    def low_margin(self) -> bool:
        margin = self.margin_s
        return margin is None or margin < LOW_MARGIN_DAYS * DAY_S


def _int(status: dict[str, Any], name: str) -> int | None:
    value = status.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def station_health(session: Session, units: list[int] | None, now: int) -> list[StationHealth]:
    """Health of the stations of these units (None: all), by station id.

    What the station reported in its last heartbeat wins; without one, the
    bundle it last fetched tells the margin.
    """
    query = (
        select(Station, StationBundle)
        .outerjoin(StationBundle, StationBundle.station_id == Station.id)
        .join(Unit, Unit.id == Station.unit_id)
        .order_by(Station.id)
    )
    if units is not None:
        query = query.where(Station.unit_id.in_(units))
    reused = set(
        session.scalars(
            select(Anomaly.station_id).where(
                Anomaly.kind == "outbox_index_reused", Anomaly.resolved_at.is_(None)
            )
        )
    )
    serves: dict[int, list[int]] = {}
    for station_id, unit_id in session.execute(
        select(StationNeighbour.station_id, StationNeighbour.unit_id).order_by(
            StationNeighbour.station_id, StationNeighbour.unit_id
        )
    ):
        serves.setdefault(station_id, []).append(unit_id)
    found = []
    for station, stored in session.execute(query):
        status = station.last_status or {}
        serial = _int(status, "bundle_serial")
        issued = _int(status, "bundle_issued")
        until = _int(status, "offline_until")
        delivered = (
            stored is not None
            and station.bundle_serial_delivered
            and stored.serial == station.bundle_serial_delivered
        )
        if not serial and stored is not None and delivered:
            serial, issued, until = stored.serial, stored.issued_at, stored.issued_at + OFFLINE_S
        flag_bits = _int(status, "flags") or 0
        online = _int(status, "online")
        found.append(
            StationHealth(
                station_id=station.id,
                name=station.name,
                unit_id=station.unit_id,
                last_contact=station.last_seen,
                bundle_serial=serial or None,
                bundle_issued=issued or None,
                offline_until=until or None,
                outbox_records=_int(status, "outbox_records"),
                outbox_bytes=_int(status, "outbox_bytes"),
                online=None if online is None else bool(online),
                flags=[name for bit, name in STATUS_FLAGS.items() if flag_bits & bit]
                + (["outbox_index_reused"] if station.id in reused else []),
                now=now,
                serves_units=serves.get(station.id, []),
            )
        )
    return found
