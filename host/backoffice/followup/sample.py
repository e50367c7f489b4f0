"""The central sample of seed 000 section 4: the day, the draw, and the two measures.

* **Sample date**: the 15th of the month, or the next *vardag* when the 15th
  is none: a weekend day, a Swedish public holiday, or midsommar-, jul- or
  nyårsafton (the rule is ``host.backoffice.workdays``).
* **Draw**: per provider, ``count`` (2 or 3) customers among the candidates:
  customers who had a customer lock (door or key box) mounted on the sample
  day and at least one registered visit that day, drawn *across the
  provider's units* (a provider's follow-up is of the provider, not of one of
  its units): with ``rng = random.Random("synk-sample:<seed>:<provider
  id>:<date>")``, the units with candidates (by id) are put in the order
  ``rng.sample(units, len(units))``, each unit's candidate ids (sorted) in
  ``rng.sample(ids, len(ids))``; then the first customer of each unit in
  that order, then the second of each, and so on until ``count``. So the
  customers come from as many units as the count allows. A string seed is
  hashed (SHA-512) by Python, so the same seed gives the same customers on
  every machine and Python version.
  The month's seed is drawn once and stored (``SampleDraw``, by
  ``FollowUp.month_draw`` at the page's first opening or a reviewer's explicit
  draw); a redraw is a new stored round with its reason, in the change log.
  The draw runs over every unit's candidates, so everyone sees the same
  customers (a unit manager those in their unit).
* **Measures** per drawn customer, and per provider over its drawn customers
  (``ProviderMeasures``: the visits added up, the staff counted once), over
  the visits that started on the sample day: how many visits; how many were
  *opened with the digital lock* (a lock of the customer opened by a key of
  the visit's staff member from 15 minutes before the visit's start to its
  end); how many were *registered manually* in the time-and-effort system;
  and the number of distinct staff members with a visit that day that was not
  opened with the lock.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Exists, and_, or_, select
from sqlalchemy.orm import Session

from host.backoffice import workdays
from host.backoffice.errors import Invalid
from host.backoffice.models import (
    AuditEvent,
    Customer,
    Key,
    Lock,
    LockInstallation,
    Staff,
    Visit,
)
from host.backoffice.service import CUSTOMER_LOCK_TYPES
from host.backoffice.timeutil import day_start, local_day
from protocol.constants import Outcome

LEAD_S = 15 * 60  # a door opened this long before the registered start belongs to the visit
COUNTS = (2, 3)


def sample_date(year: int, month: int) -> date:
    """The 15th, or the next vardag when the 15th is none."""
    return sample_day(year, month)[0]


def sample_day(year: int, month: int) -> tuple[date, list[workdays.NotWorking]]:
    """The sample date, and the days from the 15th passed over to reach it (why it moved)."""
    return workdays.next_working_day(date(year, month, 15))


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); Invalid otherwise."""
    try:
        year_text, month_text = text.strip().split("-")
        year, month = int(year_text), int(month_text)
        date(year, month, 1)
    except ValueError:
        raise Invalid("sample.month", value=text) from None
    if not 2000 <= year <= 2100:
        raise Invalid("sample.month", value=text)
    return year, month


def month_bounds(year: int, month: int) -> tuple[int, int]:
    """[start, end) of a local calendar month in UTC seconds."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return day_start(date(year, month, 1)), day_start(following)


def months_back(year: int, month: int, count: int) -> list[tuple[int, int]]:
    """``count`` months ending with (year, month), oldest first."""
    index = year * 12 + month - 1
    return [((i // 12), i % 12 + 1) for i in range(index - count + 1, index + 1)]


def draw(
    candidates: Mapping[int, int], seed: int, provider_id: int, day: date, count: int
) -> list[int]:
    """``count`` of ``candidates`` (customer id -> unit id; all when fewer), across the units.

    The same arguments give the same customers (the module docstring gives the rule).
    """
    rng = random.Random(f"synk-sample:{seed}:{provider_id}:{day.isoformat()}")
    by_unit: dict[int, list[int]] = {}
    for customer_id in sorted(candidates):
        by_unit.setdefault(candidates[customer_id], []).append(customer_id)
    units = sorted(by_unit)
    queues = [
        rng.sample(by_unit[unit], len(by_unit[unit])) for unit in rng.sample(units, len(units))
    ]
    drawn: list[int] = []
    for rank in range(max((len(q) for q in queues), default=0)):
        for queue in queues:
            if rank < len(queue) and len(drawn) < count:
                drawn.append(queue[rank])
    return drawn


def opened_by_lock() -> Exists:
    """Correlated EXISTS for a ``Visit`` row: a customer's lock opened by the staff's key."""
    return (
        select(AuditEvent.id)
        .join(LockInstallation, LockInstallation.lock_id == AuditEvent.lock_id)
        .join(Key, Key.id == AuditEvent.key_id)
        .where(
            LockInstallation.customer_id == Visit.customer_id,
            LockInstallation.installed_at <= AuditEvent.time,
            or_(
                LockInstallation.removed_at.is_(None),
                LockInstallation.removed_at > AuditEvent.time,
            ),
            Key.staff_id == Visit.staff_id,
            AuditEvent.outcome == int(Outcome.OPENED),
            AuditEvent.time >= Visit.start - LEAD_S,
            AuditEvent.time <= Visit.end,
        )
        .exists()
    )


def _mounted_during(since: int, until: int) -> ColumnElement[bool]:
    return and_(
        LockInstallation.installed_at < until,
        or_(LockInstallation.removed_at.is_(None), LockInstallation.removed_at > since),
    )


def candidates(session: Session, day: date, unit: int | None) -> dict[int, dict[int, int]]:
    """Provider id -> {customer id: unit id} of customers with a customer lock and a visit on
    ``day``."""
    since, until = day_start(day), day_start(day + timedelta(days=1))
    with_lock = (
        select(LockInstallation.customer_id)
        .join(Lock, Lock.id == LockInstallation.lock_id)
        .where(Lock.type.in_(CUSTOMER_LOCK_TYPES), _mounted_during(since, until))
    )
    with_visit = select(Visit.customer_id).where(Visit.start >= since, Visit.start < until)
    query = select(Customer.provider_id, Customer.id, Customer.unit_id).where(
        Customer.id.in_(with_lock), Customer.id.in_(with_visit)
    )
    if unit is not None:
        query = query.where(Customer.unit_id == unit)
    found: dict[int, dict[int, int]] = {}
    for provider_id, customer_id, unit_id in session.execute(query.order_by(Customer.id)):
        found.setdefault(provider_id, {})[customer_id] = unit_id
    return found


@dataclass(frozen=True)
class VisitRow:
    start: int
    end: int
    staff_id: int
    staff: str
    registered_by: str
    by_lock: bool


@dataclass
class CustomerMeasures:
    customer_id: int
    reference: str
    provider_id: int
    unit_id: int
    visits: list[VisitRow] = field(default_factory=list)

    @property
    def visit_count(self) -> int:
        return len(self.visits)

    @property
    def opened_by_lock(self) -> int:
        return sum(v.by_lock for v in self.visits)

    @property
    def registered_manually(self) -> int:
        return sum(v.registered_by == "manual" for v in self.visits)

    @property
    def share_lock(self) -> float | None:
        return self.opened_by_lock / self.visit_count if self.visits else None

    @property
    def share_manual(self) -> float | None:
        return self.registered_manually / self.visit_count if self.visits else None

    @property
    def staff_without_lock(self) -> int:
        return len({v.staff_id for v in self.visits if not v.by_lock})


@dataclass(frozen=True)
class ProviderMeasures:
    """The two measures over a provider's drawn customers: visits added up, staff once."""

    customers: Sequence[CustomerMeasures]

    @property
    def visits(self) -> list[VisitRow]:
        return [v for m in self.customers for v in m.visits]

    @property
    def visit_count(self) -> int:
        return len(self.visits)

    @property
    def opened_by_lock(self) -> int:
        return sum(m.opened_by_lock for m in self.customers)

    @property
    def registered_manually(self) -> int:
        return sum(m.registered_manually for m in self.customers)

    @property
    def share_lock(self) -> float | None:
        return self.opened_by_lock / self.visit_count if self.visit_count else None

    @property
    def share_manual(self) -> float | None:
        return self.registered_manually / self.visit_count if self.visit_count else None

    @property
    def staff_without_lock(self) -> int:
        """Distinct staff members with a visit not opened with the lock, at any of them."""
        return len({v.staff_id for v in self.visits if not v.by_lock})


def measures(session: Session, customer_ids: Sequence[int], day: date) -> list[CustomerMeasures]:
    """The measures of these customers on ``day``, in the order given."""
    since, until = day_start(day), day_start(day + timedelta(days=1))
    found = {
        c.id: CustomerMeasures(c.id, c.reference, c.provider_id, c.unit_id)
        for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
    }
    rows = session.execute(
        select(Visit, Staff.name, opened_by_lock().label("by_lock"))
        .join(Staff, Staff.id == Visit.staff_id)
        .where(Visit.customer_id.in_(customer_ids), Visit.start >= since, Visit.start < until)
        .order_by(Visit.start, Visit.id)
    )
    for visit, staff_name, by_lock in rows:
        found[visit.customer_id].visits.append(
            VisitRow(
                visit.start,
                visit.end,
                visit.staff_id,
                staff_name,
                visit.registered_by,
                bool(by_lock),
            )
        )
    return [found[i] for i in customer_ids if i in found]


def lock_share_by_month(
    session: Session, months: Sequence[tuple[int, int]], unit: int | None
) -> dict[int, dict[tuple[int, int], tuple[int, int]]]:
    """Provider id -> month -> (visits, visits opened with the lock) over ``months``."""
    if not months:
        return {}
    since = month_bounds(*months[0])[0]
    until = month_bounds(*months[-1])[1]
    query = (
        select(Customer.provider_id, Visit.start, opened_by_lock().label("by_lock"))
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.start >= since, Visit.start < until)
    )
    if unit is not None:
        query = query.where(Customer.unit_id == unit)
    result: dict[int, dict[tuple[int, int], tuple[int, int]]] = {}
    for provider_id, start, by_lock in session.execute(query):
        day = local_day(start)
        per_month = result.setdefault(provider_id, {})
        visits, opened = per_month.get((day.year, day.month), (0, 0))
        per_month[(day.year, day.month)] = (visits + 1, opened + int(bool(by_lock)))
    return result
