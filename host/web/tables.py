"""Each report as one table, shown on its page and exported as CSV from the same rows.

A cell holds its CSV value (locale-free: local times as
``YYYY-MM-DD HH:MM:SS``, shares as percent with one decimal, codes as
``text.Coded`` that know their Swedish word; ``host.csvfile`` writes them in
the dialect asked for) and what the page shows (numbers and labels
in the pages' language, ``text``). The CSV header is the column's Swedish label in the
Swedish dialect (the default), its English ``name`` in the plain one, where
the values are the stable English codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from host import csvfile
from host.backoffice import messages
from host.backoffice.followup import activity, blocklist_spread, fleet, installations, sample
from host.backoffice.followup.service import AnomalyReport, CentralSample, Organisation
from host.web import text

SHOWN = str | Markup


@dataclass(frozen=True)
class Column:
    name: str  # CSV header
    label: str  # catalogue key of the page's header
    numeric: bool = False
    page: bool = True  # False: in the CSV only (ids and details the page shows otherwise)
    time: bool = False  # a date and time: kept on one line

    @property
    def css(self) -> str:
        return " ".join(c for c, on in (("num", self.numeric), ("nowrap", self.time)) if on)


@dataclass
class Row:
    cells: list[tuple[object, SHOWN]]
    mark: str = ""  # a CSS class: "warn" makes a row stand out


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    footer: Row | None = None

    def shown(self) -> list[int]:
        """Indexes of the columns the page shows."""
        return [i for i, c in enumerate(self.columns) if c.page]

    def csv_rows(self, style: csvfile.Dialect = csvfile.PLAIN) -> list[list[object]]:
        rows = [r.cells for r in self.rows] + ([self.footer.cells] if self.footer else [])
        swedish = style.swedish
        header: list[object] = [text.pair(c.label)[0] if swedish else c.name for c in self.columns]
        return [header] + [[text.csv_value(raw, swedish) for raw, _ in cells] for cells in rows]


def _cell(raw: object, shown: SHOWN | None = None) -> tuple[object, SHOWN]:
    if shown is None:
        shown = "" if raw is None else str(raw)
    return raw, shown


def _time(ts: int | None) -> tuple[object, SHOWN]:
    return text.time(ts) or None, text.minutes(ts)


def _labels(prefix: str, codes: Sequence[str]) -> Markup:
    return Markup("<br>").join(text.label(f"{prefix}.{code}") for code in codes)


def _code(code: str, key: str, **values: object) -> tuple[object, SHOWN]:
    """A code: itself in the plain CSV, catalogue ``key``'s Swedish in the Swedish one."""
    return text.coded(code, key, **values), text.label(key, **values)


def _codes(prefix: str, codes: Sequence[str]) -> tuple[object, SHOWN]:
    return tuple(text.coded(c, f"{prefix}.{c}") for c in codes), _labels(prefix, codes)


TOTAL = text.coded("total", "web.col.total")


def _share(share: float | None) -> tuple[object, SHOWN]:
    return (None if share is None else round(share * 100, 1)), text.percent(share)


def _average(value: float | None) -> tuple[object, SHOWN]:
    if value is None:
        return None, text.label("web.none")
    return value, text.decimal(value)


# -- 1 keys and devices -----------------------------------------------------------------------


def keys_table(report: Sequence[fleet.KeyStatus], org: Organisation) -> Table:
    table = Table(
        [
            Column("unit_id", "web.col.unit_id", True, False),
            Column("unit", "web.col.unit"),
            Column("key_id", "web.col.key", True),
            Column("state", "web.col.state"),
            Column("staff_id", "web.col.staff_id", True),
            Column("staff", "web.col.staff"),
            Column("staff_active", "web.col.staff_active"),
            Column("last_sync", "web.col.last_sync", time=True),
            Column("last_use", "web.col.last_use", time=True),
            Column("out_of_use_since", "web.col.out_of_use_since", time=True),
            Column("problems", "web.col.problems"),
        ]
    )
    for k in report:
        state = _code(k.state or "unregistered", f"web.key_state.{k.state or 'unregistered'}")
        active = (
            _cell(None, "")
            if k.staff_active is None
            else _cell(k.staff_active, text.label("web.yes" if k.staff_active else "web.no"))
        )
        table.rows.append(
            Row(
                [
                    _cell(k.unit_id),
                    _cell(org.unit_name(k.unit_id)),
                    _cell(k.key_id),
                    state,
                    _cell(k.staff_id),
                    _cell(k.staff),
                    active,
                    _time(k.last_sync),
                    _time(k.last_use),
                    _time(k.out_of_use_since),
                    _codes("web.problem", k.problems),
                ],
                "warn" if k.problems else "",
            )
        )
    return table


def key_totals_table(totals: Sequence[fleet.UnitTotals], org: Organisation) -> Table:
    """Per unit: keys registered, linked to a staff member, active, synced lately, unknown."""
    table = Table(
        [
            Column("unit_id", "web.col.unit_id", True, False),
            Column("unit", "web.col.unit"),
            Column("registered", "web.col.keys_registered", True),
            Column("linked", "web.col.keys_linked", True),
            Column("linked_percent", "web.col.keys_linked_share", True),
            Column("active", "web.col.keys_active", True),
            Column("synced", "web.col.keys_synced", True),
            Column("synced_percent", "web.col.keys_synced_share", True),
            Column("unregistered", "web.col.keys_unregistered", True),
        ]
    )

    def cells(t: fleet.UnitTotals, unit: tuple[object, SHOWN]) -> list[tuple[object, SHOWN]]:
        return [
            _cell(t.unit_id if t.unit_id is not None else TOTAL, ""),
            unit,
            _cell(t.registered),
            _cell(t.linked),
            _share(t.linked / t.registered if t.registered else None),
            _cell(t.active),
            _cell(t.synced),
            _share(t.synced / t.active if t.active else None),
            _cell(t.unregistered),
        ]

    for t in totals:
        complete = t.linked == t.registered and t.synced == t.active and not t.unregistered
        table.rows.append(
            Row(cells(t, _cell(org.unit_name(t.unit_id))), "" if complete else "warn")
        )
    if len(totals) > 1:
        whole = fleet.UnitTotals(None)
        for t in totals:
            whole.add(t)
        table.footer = Row(cells(whole, _cell(None, text.label("web.col.total"))))
    return table


# -- 2 lock installations ---------------------------------------------------------------------


def installed_table(
    rows: Sequence[installations.InstalledRow], types: Sequence[str], org: Organisation
) -> Table:
    table = Table(
        [
            Column("provider_id", "web.col.provider_id", True, False),
            Column("provider", "web.col.provider"),
            Column("unit_id", "web.col.unit_id", True, False),
            Column("unit", "web.col.unit"),
            *(Column(t, f"web.lock_type.{t}", True) for t in types),
            Column("total", "web.col.total", True),
        ]
    )
    for row in rows:
        common = row.unit_id is None
        table.rows.append(
            Row(
                [
                    _cell(row.provider_id),
                    _cell(org.provider_name(row.provider_id)),
                    _cell(row.unit_id),
                    _code("common", "web.locks.common")
                    if common
                    else _cell(org.unit_name(row.unit_id)),
                    *(_cell(row.by_type.get(t, 0)) for t in types),
                    _cell(row.total),
                ]
            )
        )
    table.footer = Row(
        [
            _cell(TOTAL, ""),
            _cell(None, text.label("web.col.total")),
            _cell(None),
            _cell(None),
            *(_cell(sum(r.by_type.get(t, 0) for r in rows)) for t in types),
            _cell(sum(r.total for r in rows)),
        ]
    )
    return table


def mounts_table(
    counts: Sequence[installations.MonthCount], halves: Sequence[installations.HalfYear]
) -> Table:
    table = Table(
        [
            Column("period", "web.col.period"),
            Column("months", "web.col.months", True),
            Column("mounts", "web.col.mounts", True),
            Column("removals", "web.col.removals", True),
            Column("mounts_per_month", "web.col.mounts_per_month", True),
            Column("removals_per_month", "web.col.removals_per_month", True),
        ]
    )
    for c in counts:
        table.rows.append(
            Row(
                [
                    _code(
                        f"{c.year}-{c.month:02d}",
                        "web.locks.in_progress",
                        month=f"{c.year}-{c.month:02d}",
                    )
                    if c.in_progress
                    else _cell(f"{c.year}-{c.month:02d}"),
                    _cell(1),
                    _cell(c.mounts),
                    _cell(c.removals),
                    _cell(float(c.mounts), text.decimal(c.mounts)),
                    _cell(float(c.removals), text.decimal(c.removals)),
                ]
            )
        )
    for h in halves:
        table.rows.append(
            Row(
                [
                    _code(f"{h.year}-H{h.half}", f"web.locks.half{h.half}", year=h.year),
                    _cell(h.months),
                    _cell(h.mounts),
                    _cell(h.removals),
                    _average(h.mounts_per_month),
                    _average(h.removals_per_month),
                ],
                "sum",
            )
        )
    return table


# -- 3 central sample -------------------------------------------------------------------------


def sample_table(result: CentralSample, org: Organisation) -> Table:
    table = Table(
        [
            Column("month", "web.col.month", page=False),
            Column("sample_date", "web.col.sample_date", page=False),
            Column("seed", "web.col.seed", True, False),
            Column("provider_id", "web.col.provider_id", True, False),
            Column("provider", "web.col.provider"),
            Column("customer_id", "web.col.customer_id", True, False),
            Column("customer_ref", "web.col.customer"),
            Column("unit", "web.col.unit"),
            Column("visits", "web.col.visits", True),
            Column("opened_by_lock", "web.col.opened_by_lock", True),
            Column("share_lock_percent", "web.col.share_lock", True),
            Column("registered_manually", "web.col.registered_manually", True),
            Column("share_manual_percent", "web.col.share_manual", True),
            Column("staff_without_lock", "web.col.staff_without_lock", True),
        ]
    )
    month = _cell(f"{result.year}-{result.month:02d}")
    for provider in result.providers:
        name = _cell(org.provider_name(provider.provider_id))
        for m in provider.customers:
            table.rows.append(
                Row(
                    [
                        month,
                        _cell(result.day.isoformat()),
                        _cell(result.seed),
                        _cell(provider.provider_id),
                        name,
                        _cell(m.customer_id),
                        _cell(m.reference),
                        _cell(org.unit_name(m.unit_id)),
                        *_measures(m),
                    ],
                    "warn" if m.staff_without_lock else "",
                )
            )
        total = provider.summary
        units = sorted({m.unit_id for m in provider.customers})
        table.rows.append(
            Row(
                [
                    month,
                    _cell(result.day.isoformat()),
                    _cell(result.seed),
                    _cell(provider.provider_id),
                    name,
                    _cell(None),
                    _cell(
                        TOTAL,
                        text.label("web.sample.provider_total", count=len(provider.customers)),
                    ),
                    _cell(", ".join(org.unit_name(u) for u in units)),
                    *_measures(total),
                ],
                "sum",
            )
        )
    return table


def _measures(m: sample.CustomerMeasures | sample.ProviderMeasures) -> list[tuple[object, SHOWN]]:
    """The sample's columns of measures, for a customer or a provider's summary row."""
    return [
        _cell(m.visit_count),
        _cell(m.opened_by_lock),
        _share(m.share_lock),
        _cell(m.registered_manually),
        _share(m.share_manual),
        _cell(m.staff_without_lock),
    ]


def sample_visits_table(result: CentralSample, org: Organisation) -> Table:
    table = Table(
        [
            Column("sample_date", "web.col.sample_date", page=False),
            Column("seed", "web.col.seed", True, False),
            Column("provider", "web.col.provider"),
            Column("customer_ref", "web.col.customer"),
            Column("start", "web.col.start", time=True),
            Column("end", "web.col.end", time=True),
            Column("staff_id", "web.col.staff_id", True),
            Column("staff", "web.col.staff"),
            Column("registered_by", "web.col.registered_by"),
            Column("opened_by_lock", "web.col.lock_opened"),
        ]
    )
    for provider in result.providers:
        for m in provider.customers:
            for v in m.visits:
                table.rows.append(
                    Row(
                        [
                            _cell(result.day.isoformat()),
                            _cell(result.seed),
                            _cell(org.provider_name(provider.provider_id)),
                            _cell(m.reference),
                            _time(v.start),
                            _time(v.end),
                            _cell(v.staff_id),
                            _cell(v.staff),
                            _code(v.registered_by, f"web.method.{v.registered_by}"),
                            _cell(v.by_lock, text.label("web.yes" if v.by_lock else "web.no")),
                        ],
                        "" if v.by_lock else "warn",
                    )
                )
    return table


def lock_share_series(
    months: Sequence[tuple[int, int]],
    shares: dict[int, dict[tuple[int, int], tuple[int, int]]],
    org: Organisation,
) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """Chart data: month labels, and per provider the percent opened with the lock."""
    categories = [f"{y}-{m:02d}" for y, m in months]
    series = []
    for provider_id in sorted(shares, key=org.provider_name):
        per_month = shares[provider_id]
        values: list[float | None] = []
        for month in months:
            visits, opened = per_month.get(month, (0, 0))
            values.append(100.0 * opened / visits if visits else None)
        series.append((org.provider_name(provider_id) or str(provider_id), values))
    return categories, series


def lock_share_table(
    months: Sequence[tuple[int, int]],
    shares: dict[int, dict[tuple[int, int], tuple[int, int]]],
    org: Organisation,
) -> Table:
    table = Table(
        [
            Column("provider", "web.col.provider"),
            Column("month", "web.col.month"),
            Column("visits", "web.col.visits", True),
            Column("opened_by_lock", "web.col.opened_by_lock", True),
            Column("share_lock_percent", "web.col.share_lock", True),
        ]
    )
    for provider_id in sorted(shares, key=org.provider_name):
        for y, m in months:
            visits, opened = shares[provider_id].get((y, m), (0, 0))
            table.rows.append(
                Row(
                    [
                        _cell(org.provider_name(provider_id)),
                        _cell(f"{y}-{m:02d}"),
                        _cell(visits),
                        _cell(opened),
                        _share(opened / visits if visits else None),
                    ]
                )
            )
    return table


# -- 4 activity log ---------------------------------------------------------------------------


def activity_table(rows: Sequence[activity.LogRow], org: Organisation | None = None) -> Table:
    table = Table(
        [
            Column("time", "web.col.time", time=True),
            Column("kind", "web.col.kind"),
            Column("event", "web.col.event"),
            Column("key_id", "web.col.key", True),
            Column("staff_id", "web.col.staff_id", True, False),
            Column("staff", "web.col.staff"),
            Column("lock_id", "web.col.lock", True),
            Column("lock", "web.col.lock_name"),
            Column("lock_seq", "web.col.lock_seq", True),
            Column("customer_id", "web.col.customer_id", True, False),
            Column("customer_ref", "web.col.customer"),
            Column("station_id", "web.col.station", True),
            Column("borrowed", "web.col.borrowed_station", page=False),
            Column("detail", "web.col.detail", True, False),
        ]
    )
    for r in rows:
        prefix = "web.outcome" if r.kind == "lock" else "web.reason"
        event_key = f"{prefix}.{r.event}"
        event = _code(r.event, event_key) if event_key in messages.CATALOGUE else _cell(r.event)
        if r.borrowed:  # a neighbouring unit's station: said on the page, a column in the CSV
            unit = (org.unit_name(r.station_unit_id) if org else "") or str(r.station_id)
            event = (
                event[0],
                Markup("{}<br>{}").format(event[1], text.label("web.activity.borrowed", unit=unit)),
            )
        refused = r.kind == "lock" and r.event != "OPENED" and r.event != "BLOCKLIST_UPDATED"
        table.rows.append(
            Row(
                [
                    _cell(text.time(r.time)),
                    _code(r.kind, f"web.event_kind.{r.kind}"),
                    event,
                    # a station event about no key (a boot, a bundle) has key id 0
                    _cell(r.key_id or None, None if r.key_id else text.label("web.no_key")),
                    _cell(r.staff_id),
                    _cell(r.staff),
                    _cell(r.lock_id),
                    _cell(r.lock),
                    _cell(r.lock_seq),
                    _cell(r.customer_id),
                    _cell(r.customer),
                    _cell(r.station_id),
                    _cell(r.borrowed, text.label("web.yes" if r.borrowed else "web.no")),
                    _cell(r.detail or None),
                ],
                "warn" if refused else "",
            )
        )
    return table


# -- 5b the blocklist's spread ----------------------------------------------------------------


def exposed_table(rows: Sequence[blocklist_spread.ExposedLock], org: Organisation) -> Table:
    table = Table(
        [
            Column("key_id", "web.col.key", True),
            Column("staff", "web.col.staff"),
            Column("unit", "web.col.unit"),
            Column("blocked_at", "web.col.blocked_at", time=True),
            Column("listed_until", "web.col.listed_until", time=True),
            Column("first_version", "web.col.first_version", True),
            Column("lock_id", "web.col.lock", True),
            Column("address", "web.col.address"),
            Column("version_seen", "web.col.version_seen", True),
            Column("seen_since", "web.col.seen_since", time=True),
        ]
    )
    for r in rows:
        table.rows.append(
            Row(
                [
                    _cell(r.key_id),
                    _cell(r.staff_name),
                    _cell(org.unit_name(r.unit_id)),
                    _time(r.left_active_at),
                    _time(r.entry_expires_at),
                    _cell(
                        r.first_version,
                        str(r.first_version)
                        if r.first_version
                        else text.label("web.spread.not_issued"),
                    ),
                    _cell(r.lock_id),
                    _cell(r.address),
                    _cell(r.version_seen, str(r.version_seen) or text.label("web.none")),
                    _time(r.seen_since),
                ],
                "warn",
            )
        )
    return table


def lock_versions_table(rows: Sequence[blocklist_spread.LockVersion]) -> Table:
    table = Table(
        [
            Column("lock_id", "web.col.lock", True),
            Column("type", "web.col.kind"),
            Column("address", "web.col.address"),
            Column("version_seen", "web.col.version_seen", True),
            Column("seen_since", "web.col.seen_since", time=True),
            Column("behind", "web.col.versions_behind", True),
        ]
    )
    for r in rows:
        table.rows.append(
            Row(
                [
                    _cell(r.lock_id),
                    _code(r.lock_type, f"web.lock_type.{r.lock_type}"),
                    _cell(r.address),
                    _cell(
                        r.version_seen,
                        str(r.version_seen) if r.version_seen else text.label("web.spread.none"),
                    ),
                    _time(r.seen_since),
                    _cell(r.behind),
                ],
                "warn" if r.behind else "",
            )
        )
    return table


# -- 5 station health -------------------------------------------------------------------------


def stations_table(rows: Sequence[fleet.StationHealth], org: Organisation) -> Table:
    table = Table(
        [
            Column("station_id", "web.col.station", True),
            Column("station", "web.col.station_name"),
            Column("unit_id", "web.col.unit_id", True, False),
            Column("unit", "web.col.unit"),
            Column("last_contact", "web.col.last_contact", time=True),
            Column("bundle_serial", "web.col.bundle_serial", True),
            Column("bundle_issued", "web.col.bundle_issued", page=False),
            Column("bundle_age_days", "web.col.bundle_age", True),
            Column("offline_until", "web.col.offline_until", page=False),
            Column("margin_days", "web.col.margin", True),
            Column("low_margin", "web.col.low_margin"),
            Column("outbox_records", "web.col.outbox_records", True),
            Column("outbox_bytes", "web.col.outbox_bytes", True, False),
            Column("online", "web.col.online"),
            Column("flags", "web.col.flags"),
            Column("serves_units", "web.col.serves_units"),
        ]
    )
    for s in rows:
        age = s.bundle_age_s / fleet.DAY_S if s.bundle_age_s is not None else None
        margin = s.margin_days
        table.rows.append(
            Row(
                [
                    _cell(s.station_id),
                    _cell(s.name),
                    _cell(s.unit_id),
                    _cell(org.unit_name(s.unit_id)),
                    _time(s.last_contact),
                    _cell(s.bundle_serial),
                    _time(s.bundle_issued),
                    _cell(None if age is None else round(age, 1), text.decimal(age)),
                    _time(s.offline_until),
                    _cell(
                        None if margin is None else round(margin, 1),
                        text.decimal(margin) if margin is not None else text.label("web.none"),
                    ),
                    _cell(s.low_margin, text.label("web.yes" if s.low_margin else "web.no")),
                    _cell(s.outbox_records),
                    _cell(s.outbox_bytes),
                    _cell(
                        s.online,
                        "" if s.online is None else text.label("web.yes" if s.online else "web.no"),
                    ),
                    _codes("web.flag", s.flags),
                    _cell(
                        [org.unit_name(u) for u in s.serves_units],
                        ", ".join(org.unit_name(u) or str(u) for u in s.serves_units),
                    ),
                ],
                "warn" if s.low_margin else "",
            )
        )
    return table


# -- 6 anomalies ------------------------------------------------------------------------------


def anomalies_table(report: AnomalyReport) -> Table:
    table = Table(
        [
            Column("kind", "web.col.kind"),
            Column("event_time", "web.col.event_time", time=True),
            Column("detected", "web.col.detected", time=True),
            Column("key_blocked_since", "web.col.key_blocked_since", time=True),
            Column("station_id", "web.col.station", True),
            Column("lock_id", "web.col.lock", True),
            Column("key_id", "web.col.key", True),
            Column("staff", "web.col.staff"),
            Column("customer_ref", "web.col.customer"),
            Column("seq_from", "web.col.seq_from", True),
            Column("seq_to", "web.col.seq_to", True),
            Column("resolved", "web.col.resolved", time=True),
        ]
    )
    for a in report.stored:
        kind = str(a["kind"])
        table.rows.append(
            Row(
                [
                    _code(kind, f"web.anomaly.{kind}"),
                    _cell(a["event_time"] or None),
                    _cell(a["detected"] or None),
                    _cell(a.get("key_blocked_since") or None),
                    _cell(a["station_id"]),
                    _cell(a["lock_id"]),
                    _cell(a["key_id"]),
                    _cell(None),
                    _cell(None),
                    _cell(a["seq_from"]),
                    _cell(a["seq_to"]),
                    _cell(a["resolved"] or None),
                ],
                "" if a["resolved"] else "warn",
            )
        )
    for r in report.openings:
        table.rows.append(
            Row(
                [
                    _code("opening_without_visit", "web.anomaly.opening_without_visit"),
                    _cell(text.time(r.time)),
                    _cell(None),
                    _cell(None),
                    _cell(r.station_id),
                    _cell(r.lock_id),
                    _cell(r.key_id),
                    _cell(r.staff),
                    _cell(r.customer),
                    _cell(r.lock_seq),
                    _cell(None),
                    _cell(None),
                ],
                "warn",
            )
        )
    return table
