"""The follow-up's service layer: every report of the routine and the visit import.

Each public method takes the calling ``Actor`` first and checks it with the
same rules (``roles.require``) as ``service.BackOffice``, before reading
anything: a unit manager sees only their own unit, a reviewer everything
(read-only), a technician the devices. Which report needs which permission:

================== =================================================
report             permission
================== =================================================
keys and devices   ``keys.read`` (staff names only with ``staff.read``)
lock installations ``locks.read``
central sample     ``central_sample.read`` and ``customers.read``; drawing
                   on purpose and redrawing: the reviewer or the
                   administrator (``SAMPLE_DRAWERS``)
activity log       ``roles.activity_units``: a unit manager their unit's,
                   others the units granted to them (every read recorded)
station health     ``stations.read``
blocklist spread   ``keys.read`` and ``locks.read`` (names with ``staff.read``)
anomalies          ``anomalies.read`` (openings without a visit, rows of
                   the activity log, only of the units the actor may
                   read the log of, and ``customers.read``)
visit import       ``customers.manage`` (a unit manager: own customers)
================== =================================================
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from host.backoffice import bundles, workdays
from host.backoffice.activity_access import record_read
from host.backoffice.errors import Conflict, Forbidden, Invalid
from host.backoffice.followup import (
    activity,
    blocklist_spread,
    fleet,
    installations,
    sample,
    visits,
)
from host.backoffice.models import ChangeLog, Provider, SampleDraw, Unit, User
from host.backoffice.reports import AnomalyQuery
from host.backoffice.roles import (
    Action,
    Actor,
    Role,
    activity_scope,
    activity_units,
    may,
    may_read_activity,
    require,
    require_role,
)
from host.backoffice.service import CUSTOMER_LOCK_TYPES, LOCK_TYPES, BackOffice
from host.backoffice.timeutil import local_day

U32_MAX = 0xFFFFFFFF
SEED_MAX = 999_999  # six digits: a seed a reviewer can read out and note
REASON_MAX = 500
# Who may draw the month's sample on purpose and redraw it (seed 000 §4: the reviewers do the
# central follow-up). Anyone who may see the sample makes the month's draw by opening it first.
SAMPLE_DRAWERS = frozenset({Role.REVIEWER, Role.ADMIN})
MAX_PAGE = 500
MAX_STALE_DAYS = 365
OPENINGS_KIND = "opening_without_visit"
STORED_ANOMALY_KINDS = (
    "forged_mac",
    "sequence_gap",
    "sequence_reuse",
    "unknown_lock",
    "lost_key",
    "blocked_key",
    "unknown_key",
    "outbox_index_reused",
)
ANOMALY_KINDS = (*STORED_ANOMALY_KINDS, OPENINGS_KIND)


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    provider_id: int
    provider: str


@dataclass(frozen=True)
class Organisation:
    """The providers and units an actor may see (a unit manager: their own)."""

    providers: dict[int, str]
    units: dict[int, UnitInfo]

    def unit_name(self, unit_id: int | None) -> str:
        unit = self.units.get(unit_id) if unit_id is not None else None
        return unit.name if unit else ""

    def provider_name(self, provider_id: int | None) -> str:
        return self.providers.get(provider_id, "") if provider_id is not None else ""


@dataclass(frozen=True)
class ProviderSample:
    provider_id: int
    candidates: int
    customers: list[sample.CustomerMeasures]

    @property
    def summary(self) -> sample.ProviderMeasures:
        """The two measures over the customers listed (a unit manager's: their unit's)."""
        return sample.ProviderMeasures(self.customers)


@dataclass(frozen=True)
class CentralSample:
    year: int
    month: int
    day: date
    seed: int
    count: int
    providers: list[ProviderSample]
    passed_over: list[workdays.NotWorking] = field(default_factory=list)  # why the date moved


@dataclass(frozen=True)
class Draw:
    """One stored draw of a month: round 1 the draw, a later round a redraw with its reason."""

    year: int
    month: int
    round: int
    seed: int
    count: int
    drawn_by: str
    drawn_at: int
    reason: str


@dataclass
class AnomalyReport:
    stored: list[dict[str, object]] = field(default_factory=list)
    openings: list[activity.LogRow] = field(default_factory=list)
    openings_checked: bool = False
    more_openings: bool = False


def lock_types(choice: str | None) -> tuple[str, ...]:
    """The lock types of a filter: ``customer`` (default: doors and key boxes), ``all`` or one."""
    if choice in (None, "", "customer"):
        return CUSTOMER_LOCK_TYPES
    if choice == "all":
        return LOCK_TYPES
    if choice in LOCK_TYPES:
        return (choice,)
    raise Invalid("lock.type", type=choice, types=", ".join(("customer", "all", *LOCK_TYPES)))


class FollowUp:
    """The follow-up reports of one site, over the back office's service and database."""

    def __init__(self, office: BackOffice) -> None:
        self.office = office
        self.site = office.site

    @staticmethod
    def _scope(actor: Actor) -> int | None:
        return actor.unit_id if actor.scoped else None

    # -- who may see what ---------------------------------------------------------------------

    @staticmethod
    def pages(actor: Actor) -> list[str]:
        """The follow-up pages the actor's role may open, in menu order."""
        allowed = {
            "keys": may(actor, Action.KEYS_READ),
            "locks": may(actor, Action.LOCKS_READ),
            "sample": may(actor, Action.SAMPLE_READ) and may(actor, Action.CUSTOMERS_READ),
            "activity": may_read_activity(actor),
            "stations": may(actor, Action.STATIONS_READ),
            "blocklist": may(actor, Action.KEYS_READ) and may(actor, Action.LOCKS_READ),
            "anomalies": may(actor, Action.ANOMALIES_READ),
            "visits": may(actor, Action.CUSTOMERS_MANAGE),
            "activity_grants": (
                actor.role == Role.ADMIN
                or may(actor, Action.ACTIVITY_GRANTS)
                or bool(actor.activity_grants)
            ),
            "activity_reads": may(actor, Action.ACTIVITY_ACCESS_LOG),
        }
        return [name for name, ok in allowed.items() if ok]

    def organisation(self, actor: Actor) -> Organisation:
        require_role(actor, Action.ORG_READ)
        scope = self._scope(actor)
        with self.site.sessions() as session:
            query = (
                select(Unit, Provider)
                .join(Provider, Provider.id == Unit.provider_id)
                .order_by(Provider.name, Unit.name)
            )
            if scope is not None:
                query = query.where(Unit.id == scope)
            units = {u.id: UnitInfo(u.id, u.name, p.id, p.name) for u, p in session.execute(query)}
        providers = {u.provider_id: u.provider for u in units.values()}
        return Organisation(providers, units)

    def _units(self, actor: Actor, unit_id: int | None) -> list[int]:
        """The units a report covers: the manager's own, the one asked for, or all."""
        visible = list(self.organisation(actor).units)
        if unit_id is None:
            return visible
        if unit_id not in visible:
            require(actor, Action.ORG_READ, unit_id)  # a manager asking for another unit
            return []
        return [unit_id]

    # -- 1 keys and devices -------------------------------------------------------------------

    def keys_report(
        self, actor: Actor, unit_id: int | None = None, stale_days: int = 7
    ) -> list[fleet.KeyStatus]:
        return self.keys_and_totals(actor, unit_id, stale_days)[0]

    def keys_and_totals(
        self, actor: Actor, unit_id: int | None = None, stale_days: int = 7
    ) -> tuple[list[fleet.KeyStatus], list[fleet.UnitTotals]]:
        """The keys report and, from the same rows, each unit's totals."""
        require(actor, Action.KEYS_READ, self._scope(actor))
        if not 1 <= stale_days <= MAX_STALE_DAYS:
            raise Invalid("followup.stale_days", max=MAX_STALE_DAYS)
        units = self._units(actor, unit_id)
        now = self.office.now()
        with self.site.sessions() as session:
            report = fleet.key_report(session, units, stale_days, now)
        totals = fleet.unit_totals(report, units, stale_days, now)
        if not may(actor, Action.STAFF_READ):
            for row in report:
                row.staff = None
        return report, totals

    # -- 2 lock installations -----------------------------------------------------------------

    def lock_installations(
        self, actor: Actor, at: int, types: Sequence[str]
    ) -> list[installations.InstalledRow]:
        require(actor, Action.LOCKS_READ, self._scope(actor))
        with self.site.sessions() as session:
            return installations.installed(session, at, types, self._scope(actor))

    def lock_mounts(
        self, actor: Actor, months: Sequence[tuple[int, int]], types: Sequence[str]
    ) -> tuple[list[installations.MonthCount], list[installations.HalfYear]]:
        require(actor, Action.LOCKS_READ, self._scope(actor))
        if not 1 <= len(months) <= 60:
            raise Invalid("followup.months", max=60)
        with self.site.sessions() as session:
            counts = installations.mounts_by_month(
                session, months, types, self._scope(actor), self.office.now()
            )
        return counts, installations.half_years(counts)

    # -- 3 central sample ---------------------------------------------------------------------

    def require_sample(self, actor: Actor) -> None:
        """Forbidden unless the actor may see the central sample (``pages`` says the same)."""
        require(actor, Action.SAMPLE_READ, self._scope(actor))
        require(actor, Action.CUSTOMERS_READ, self._scope(actor))

    def central_sample(
        self, actor: Actor, year: int, month: int, seed: int, count: int = 3
    ) -> CentralSample:
        """The sample date of the month, the customers ``seed`` draws per provider, their measures.

        The draw is over every unit's candidates, so everyone sees the same
        customers; a unit manager sees those of their own unit among them (and
        their unit's candidates). The month's stored seed is ``month_draw``'s.
        """
        self.require_sample(actor)
        if count not in sample.COUNTS:
            raise Invalid("sample.count", counts=", ".join(map(str, sample.COUNTS)))
        if not 0 <= seed <= U32_MAX:
            raise Invalid("sample.seed", max=U32_MAX)
        day, passed_over = sample.sample_day(year, month)
        scope = self._scope(actor)
        with self.site.sessions() as session:
            found = sample.candidates(session, day, None)
            mine = found if scope is None else sample.candidates(session, day, scope)
            providers = []
            for provider_id in sorted(mine):
                drawn = sample.draw(found[provider_id], seed, provider_id, day, count)
                measured = [
                    m
                    for m in sample.measures(session, drawn, day)
                    if scope is None or m.unit_id == scope
                ]
                providers.append(ProviderSample(provider_id, len(mine[provider_id]), measured))
        return CentralSample(year, month, day, seed, count, providers, passed_over)

    # -- 3b the month's one draw ----------------------------------------------------------

    def sample_due(self, year: int, month: int) -> bool:
        """True once the month's sample date has come (a draw before it is refused)."""
        return sample.sample_date(year, month) <= local_day(self.office.now())

    def sample_draws(self, actor: Actor, year: int, month: int) -> list[Draw]:
        """Every stored draw of the month, the first first; the last is the month's sample."""
        self.require_sample(actor)
        with self.site.sessions() as session:
            return self._draws(session, year, month)

    def _draws(self, session: Session, year: int, month: int) -> list[Draw]:
        rows = session.execute(
            select(SampleDraw, User.username)
            .outerjoin(User, User.id == SampleDraw.drawn_by)
            .where(SampleDraw.year == year, SampleDraw.month == month)
            .order_by(SampleDraw.round)
        )
        return [
            Draw(d.year, d.month, d.round, d.seed, d.count, name or "", d.drawn_at, d.reason)
            for d, name in rows
        ]

    def month_draw(self, actor: Actor, year: int, month: int) -> Draw | None:
        """The month's draw, made now with a new seed if this is its first opening.

        None while the month's sample date has not come. Two first openings
        at once (two processes) store one draw: the loser reads the winner's.
        """
        self.require_sample(actor)
        with self.site.sessions() as session:
            draws = self._draws(session, year, month)
        if draws:
            return draws[-1]
        if not self.sample_due(year, month):
            return None
        try:
            return self._store_draw(actor, year, month, 1, 3, "", None)
        except IntegrityError:
            with self.site.sessions() as session:
                return self._draws(session, year, month)[-1]

    def draw_sample(
        self,
        actor: Actor,
        year: int,
        month: int,
        count: int = 3,
        reason: str = "",
        seed: int | None = None,
    ) -> Draw:
        """An explicit draw (the month's first) or a redraw (with a reason), logged.

        Only ``SAMPLE_DRAWERS``. A redraw replaces what everyone sees; the
        draws before it stay listed. ``seed`` is for programs (tests, the
        demo); the pages always draw a new random one.
        """
        self.require_sample(actor)
        if actor.role not in SAMPLE_DRAWERS:
            raise Forbidden("sample.draw_forbidden", role=actor.role.value)
        if count not in sample.COUNTS:
            raise Invalid("sample.count", counts=", ".join(map(str, sample.COUNTS)))
        if seed is not None and not 0 <= seed <= U32_MAX:
            raise Invalid("sample.seed", max=U32_MAX)
        reason = " ".join(reason.split())
        if len(reason) > REASON_MAX:
            raise Invalid("sample.reason_long", max=REASON_MAX)
        if not self.sample_due(year, month):
            raise Invalid("sample.not_due", day=sample.sample_date(year, month).isoformat())
        with self.site.sessions() as session:
            draws = self._draws(session, year, month)
        if draws and not reason:
            raise Invalid("sample.reason_needed")
        try:
            return self._store_draw(actor, year, month, len(draws) + 1, count, reason, seed)
        except IntegrityError:
            raise Conflict("sample.drawn_meanwhile", month=f"{year}-{month:02d}") from None

    def _store_draw(
        self,
        actor: Actor,
        year: int,
        month: int,
        round_: int,
        count: int,
        reason: str,
        seed: int | None,
    ) -> Draw:
        chosen = secrets.randbelow(SEED_MAX + 1) if seed is None else seed
        now = self.office.now()
        with self.site.sessions.begin() as session:
            row = SampleDraw(
                year=year,
                month=month,
                round=round_,
                seed=chosen,
                count=count,
                drawn_by=actor.user_id,
                drawn_at=now,
                reason=reason,
            )
            session.add(row)
            session.flush()
            what = "draw" if round_ == 1 else "redraw"
            session.add(
                ChangeLog(
                    at=now,
                    user_id=actor.user_id,
                    action=what,
                    object_type="sample",
                    object_id=row.id,
                    detail=f"{year}-{month:02d} round {round_} seed {chosen} count {count}"
                    + (f": {reason}" if reason else ""),
                )
            )
        return Draw(year, month, round_, chosen, count, actor.name, now, reason)

    def lock_share(
        self, actor: Actor, year: int, month: int, count: int = 6
    ) -> tuple[list[tuple[int, int]], dict[int, dict[tuple[int, int], tuple[int, int]]]]:
        """The ``count`` months up to this one, and per provider and month (visits, by lock)."""
        self.require_sample(actor)
        months = sample.months_back(year, month, count)
        with self.site.sessions() as session:
            return months, sample.lock_share_by_month(session, months, self._scope(actor))

    # -- 4 activity log -----------------------------------------------------------------------

    def activity_units(self, actor: Actor) -> list[int] | None:
        """The units whose log the actor may read, by id (None: every unit)."""
        units = activity_units(actor)
        return None if units is None else sorted(units)

    def activity_log(
        self,
        actor: Actor,
        query: activity.LogQuery,
        offset: int = 0,
        limit: int = 50,
        unit_id: int | None = None,
        source: str = "web",
    ) -> tuple[list[activity.LogRow], int]:
        """A page of the log of ``unit_id`` (or the actor's one unit; every unit for whom
        may); the read is recorded in the access log with ``source``."""
        scope = activity_scope(actor, unit_id)
        if query.kind not in activity.KINDS:
            raise Invalid("followup.kind", kinds=", ".join(activity.KINDS))
        if offset < 0 or not 1 <= limit <= 100_000:
            raise Invalid("followup.page")
        with self.site.sessions.begin() as session:
            rows, total = activity.search(session, query, scope, offset, limit)
            asked = {**asdict(query), "offset": offset or None}
            record_read(session, actor, self.office.now(), scope, source, asked, len(rows))
            return rows, total

    # -- 5 station health ---------------------------------------------------------------------

    def station_health(self, actor: Actor, unit_id: int | None = None) -> list[fleet.StationHealth]:
        require(actor, Action.STATIONS_READ, self._scope(actor))
        units = self._units(actor, unit_id)
        with self.site.sessions() as session:
            return fleet.station_health(session, units, self.office.now())

    # -- 5b the blocklist's spread ------------------------------------------------------------

    def blocklist_spread(
        self, actor: Actor, unit_id: int | None = None
    ) -> tuple[list[blocklist_spread.ExposedLock], list[blocklist_spread.LockVersion]]:
        """Locks a blocked key may still open, and each lock's blocklist version in use."""
        require(actor, Action.KEYS_READ, self._scope(actor))
        require(actor, Action.LOCKS_READ, self._scope(actor))
        units = self._units(actor, unit_id)
        now = self.office.now()
        with self.site.sessions() as session:
            exposed = [
                row for unit in units for row in blocklist_spread.exposed(session, now, unit)
            ]
            lock_ids: set[int] = set()
            mounted = bundles.mounted_lock_ids(session)
            for unit in units:
                lock_ids |= bundles.unit_lock_ids(session, unit, mounted)
            versions = blocklist_spread.lock_versions(session, lock_ids)
        if not may(actor, Action.STAFF_READ):
            exposed = [replace(row, staff_name="") for row in exposed]
        return exposed, versions

    # -- 6 anomalies --------------------------------------------------------------------------

    def anomalies(
        self,
        actor: Actor,
        kind: str | None,
        since: int,
        until: int,
        open_only: bool = False,
        limit: int = 1000,
    ) -> AnomalyReport:
        """Stored anomalies detected in [since, until), and unexplained openings in it."""
        require(actor, Action.ANOMALIES_READ, self._scope(actor))
        if kind is not None and kind not in ANOMALY_KINDS:
            raise Invalid("followup.anomaly_kind", kinds=", ".join(ANOMALY_KINDS))
        report = AnomalyReport()
        if kind != OPENINGS_KIND:
            query = AnomalyQuery(
                kind=kind, since=since, until=until, open_only=open_only, limit=limit
            )
            report.stored = self.office.list_anomalies(actor, query)
        units = activity_units(actor)
        if (
            kind in (None, OPENINGS_KIND)
            and may_read_activity(actor)
            and may(actor, Action.CUSTOMERS_READ)
        ):
            scopes: list[int | None] = [None] if units is None else [*sorted(units)]
            with self.site.sessions.begin() as session:
                for scope in scopes:
                    found, more = activity.openings_without_visit(
                        session, since, until, scope, limit
                    )
                    report.openings += found
                    report.more_openings = report.more_openings or more
                    asked = {"openings_without_visit": True, "since": since, "until": until}
                    record_read(
                        session, actor, self.office.now(), scope, "anomalies", asked, len(found)
                    )
            report.openings.sort(key=lambda row: row.time, reverse=True)
            report.openings_checked = True
        return report

    # -- visit registrations ------------------------------------------------------------------

    def require_import(self, actor: Actor) -> None:
        """Forbidden unless the actor may register visits (of some customers)."""
        require(actor, Action.CUSTOMERS_MANAGE, self._scope(actor))

    def import_visits(
        self, actor: Actor, rows: Iterable[Mapping[str, object]], first_row: int = 1
    ) -> visits.ImportResult:
        """Register visits (the columns of ``visits.COLUMNS``); rows numbered from ``first_row``.

        For programs (the emulator's demo site): ``start`` and ``end`` may be
        UTC seconds instead of text, ``staff_ref`` a staff id as an int.
        """
        self.require_import(actor)
        return self._import(actor, [(first_row + i, r) for i, r in enumerate(rows)], "")

    def import_visits_csv(self, actor: Actor, data: bytes, name: str = "") -> visits.ImportResult:
        """Import a CSV export of the time-and-effort system (``visits`` module docstring)."""
        self.require_import(actor)
        return self._import(actor, list(visits.read_csv(data)), name)

    def _import(
        self, actor: Actor, rows: list[tuple[int, Mapping[str, object]]], name: str
    ) -> visits.ImportResult:
        for attempt in range(3):
            try:
                with self.site.sessions.begin() as session:
                    result = visits.import_rows(
                        session, rows, self._scope(actor), actor.user_id, self.office.now()
                    )
                    session.add(
                        ChangeLog(
                            at=self.office.now(),
                            user_id=actor.user_id,
                            action="import",
                            object_type="visits",
                            object_id=None,
                            detail=(
                                f"{name} rows {result.rows} added {result.added}"
                                f" updated {result.updated} unchanged {result.unchanged}"
                                f" refused {len(result.errors)}"
                            ).strip(),
                        )
                    )
                    return result
            except IntegrityError:
                # A concurrent import stored some of the same visits: run again, they match.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
