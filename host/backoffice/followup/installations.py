"""The alarm group's figures (seed 000 sections 3 and 4): locks installed, mounts and removals.

* **Installed locks** at a moment, per provider and unit: a lock mounted for
  a customer counts for the customer's unit. Locks not mounted for a customer
  (building entrances, common areas) belong to no unit and are counted on a
  row of their own, which a unit manager does not see.
* **Mounts and removals per month** (local calendar months), and per
  half-year (January–June, July–December) the average per month over the
  months of that half-year that the chosen range covers. The month in
  progress is shown with its counts so far but left out of the average (a
  month not yet over would pull it down); the half-year row says how many
  months it averages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from host.backoffice.followup.sample import month_bounds
from host.backoffice.models import Customer, Lock, LockInstallation
from host.backoffice.timeutil import local_day


@dataclass
class InstalledRow:
    """Installed locks of one unit (``unit_id`` None: locks not mounted for a customer)."""

    provider_id: int | None
    unit_id: int | None
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def installed(
    session: Session, at: int, types: Sequence[str], unit: int | None
) -> list[InstalledRow]:
    """Locks of ``types`` mounted at time ``at``, per (provider, unit)."""
    query = (
        select(Lock.type, Customer.provider_id, Customer.unit_id)
        .select_from(LockInstallation)
        .join(Lock, Lock.id == LockInstallation.lock_id)
        .outerjoin(Customer, Customer.id == LockInstallation.customer_id)
        .where(
            Lock.type.in_(types),
            LockInstallation.installed_at <= at,
            or_(LockInstallation.removed_at.is_(None), LockInstallation.removed_at > at),
        )
    )
    if unit is not None:
        query = query.where(Customer.unit_id == unit)
    rows: dict[tuple[int | None, int | None], InstalledRow] = {}
    for lock_type, provider_id, unit_id in session.execute(query):
        row = rows.setdefault((provider_id, unit_id), InstalledRow(provider_id, unit_id))
        row.by_type[lock_type] = row.by_type.get(lock_type, 0) + 1
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0] is None, k[0] or 0, k[1] or 0))]


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    mounts: int
    removals: int
    in_progress: bool = False  # the month of today: not over yet


@dataclass(frozen=True)
class HalfYear:
    year: int
    half: int  # 1: January-June, 2: July-December
    months: int  # months of the half-year inside the range
    mounts: int
    removals: int

    left_out: int = 0  # months of the range left out of the average (in progress)

    @property
    def mounts_per_month(self) -> float | None:
        return self.mounts / self.months if self.months else None

    @property
    def removals_per_month(self) -> float | None:
        return self.removals / self.months if self.months else None


def mounts_by_month(
    session: Session,
    months: Sequence[tuple[int, int]],
    types: Sequence[str],
    unit: int | None,
    now: int | None = None,
) -> list[MonthCount]:
    """Mounts and removals of locks of ``types`` in each month of ``months`` (oldest first).

    The month that holds ``now`` is marked in progress.
    """
    if not months:
        return []
    since, until = month_bounds(*months[0])[0], month_bounds(*months[-1])[1]
    query = (
        select(LockInstallation.installed_at, LockInstallation.removed_at)
        .join(Lock, Lock.id == LockInstallation.lock_id)
        .outerjoin(Customer, Customer.id == LockInstallation.customer_id)
        .where(
            Lock.type.in_(types),
            or_(
                LockInstallation.installed_at.between(since, until - 1),
                LockInstallation.removed_at.between(since, until - 1),
            ),
        )
    )
    if unit is not None:
        query = query.where(Customer.unit_id == unit)
    mounts: dict[tuple[int, int], int] = {}
    removals: dict[tuple[int, int], int] = {}
    for installed_at, removed_at in session.execute(query):
        for when, counter in ((installed_at, mounts), (removed_at, removals)):
            if when is not None and since <= when < until:
                day = local_day(when)
                counter[(day.year, day.month)] = counter.get((day.year, day.month), 0) + 1
    today = local_day(now) if now is not None else None
    current = (today.year, today.month) if today is not None else None
    return [
        MonthCount(y, m, mounts.get((y, m), 0), removals.get((y, m), 0), (y, m) == current)
        for y, m in months
    ]


def half_years(counts: Sequence[MonthCount]) -> list[HalfYear]:
    """Per half-year touched by ``counts``: its finished months in the range and their sums."""
    found: dict[tuple[int, int], list[MonthCount]] = {}
    for count in counts:
        found.setdefault((count.year, 1 if count.month <= 6 else 2), []).append(count)
    halves = []
    for (year, half), members in sorted(found.items()):
        done = [c for c in members if not c.in_progress]
        halves.append(
            HalfYear(
                year,
                half,
                len(done),
                sum(c.mounts for c in done),
                sum(c.removals for c in done),
                len(members) - len(done),
            )
        )
    return halves
