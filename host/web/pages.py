"""The follow-up pages and their CSV exports (paths below the mount point ``/web``).

=================== ================================== =====================================
page                path and parameters                 CSV
=================== ================================== =====================================
keys and devices    ``/keys?unit=&days=7&problems=1``   ``/keys.csv``, ``/key-totals.csv``
lock installations  ``/locks?type=customer&at=DATE``    ``/locks.csv`` (installed),
                    ``&from=YYYY-MM&to=YYYY-MM``        ``/mounts.csv`` (per month)
central sample      ``/sample?month=YYYY-MM``           ``/sample.csv``, ``/sample-visits.csv``,
                    (POST ``/sample/draw``: a redraw)   ``/lock-share.csv``
activity log        ``/activity?kind=&staff=&key=``     ``/activity.csv``
                    ``&customer=&lock=&since=&until=``
                    ``&page=``
station health      ``/stations?unit=``                 ``/stations.csv``
blocklist spread    ``/blocklist?unit=``                ``/blocklist.csv`` (exposed locks),
                                                        ``/blocklist-locks.csv``
anomalies           ``/anomalies?kind=&since=&until=``  ``/anomalies.csv``
                    ``&open=1``
visit import        ``/visits`` (GET form, POST file)
=================== ================================== =====================================

Every handler asks the follow-up service, which checks the role; the page
and its CSV are built from the same table (``tables``) and written by
``host.csvfile`` (formulas neutralised): the one Swedish spreadsheets open
directly (Swedish headers and values), or with ``&dialect=plain`` plain CSV
with the English column names and codes for scripts. Times in parameters
are ISO dates or date-times, Swedish local time.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from host import csvfile
from host.backoffice.body_limit import VISITS_FILE_LIMIT
from host.backoffice.errors import Invalid
from host.backoffice.followup import activity, fleet, sample, visits
from host.backoffice.followup.service import (
    ANOMALY_KINDS,
    REASON_MAX,
    SAMPLE_DRAWERS,
    lock_types,
)
from host.backoffice.roles import Action, Actor, may
from host.backoffice.service import LOCK_TYPES
from host.backoffice.timeutil import day_start, local_day, parse_time
from host.web import charts, tables, text
from host.web.app import Web

router = APIRouter()

U32_MAX = 0xFFFFFFFF
PAGE_SIZE = 50
CSV_MAX_ROWS = 100_000
MAX_UPLOAD = VISITS_FILE_LIMIT  # the visits CSV file; the request is capped a little above
STAFF_LIST_MAX = 2000
ANOMALY_DAYS = 30


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


# -- parameters -------------------------------------------------------------------------------


def _int(value: str | None, name: str, low: int = 0, high: int = U32_MAX) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise Invalid("web.param", name=name, value=value) from None
    if not low <= number <= high:
        raise Invalid("web.param", name=name, value=value)
    return number


def _time(value: str | None, name: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return parse_time(value.strip())
    except Invalid:
        raise Invalid("web.param", name=name, value=value) from None


def _date(value: str | None, name: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("web.param", name=name, value=value) from None


def _month(value: str | None) -> tuple[int, int] | None:
    if value is None or not value.strip():
        return None
    return sample.parse_month(value)


def _csv(request: Request, name: str, table: tables.Table) -> Response:
    """The table as a CSV download: for Swedish spreadsheets, or ``?dialect=plain`` for scripts."""
    wanted = request.query_params.get("dialect")
    try:
        style = csvfile.dialect(wanted)
    except ValueError:
        raise Invalid("web.param", name="dialect", value=wanted) from None
    suffix = "" if style is csvfile.DEFAULT else f"-{style.name}"
    filename = f"synk-{name}-{_today(_web(request)).isoformat()}{suffix}.csv"
    return Response(
        csvfile.text(table.csv_rows(style), style),
        media_type=style.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _today(web: Web) -> date:
    return local_day(web.office.now())


# -- home -------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    pages = web.followup.pages(identity.actor)
    if pages:
        return RedirectResponse(f"{web.base(request)}/{pages[0]}", status_code=303)
    return web.render(request, "home.html", identity, page="home")


# -- 1 keys and devices -----------------------------------------------------------------------


def _keys_view(
    web: Web, actor: Actor, unit: str | None, days: str | None, problems: str | None
) -> dict[str, Any]:
    unit_id = _int(unit, "unit", 1)
    stale = _int(days, "days", 1, 365) or 7
    only_problems = problems == "1"
    org = web.followup.organisation(actor)
    report, totals = web.followup.keys_and_totals(actor, unit_id, stale)
    counts = {p: sum(p in k.problems for k in report) for p in fleet.PROBLEMS}
    if only_problems:
        report = [k for k in report if k.problems]
    return {
        "org": org,
        "unit_id": unit_id,
        "days": stale,
        "only_problems": only_problems,
        "counts": counts,
        "keys": len(report),
        "table": tables.keys_table(report, org),
        "totals": tables.key_totals_table(totals, org),
        "choose_unit": not actor.scoped,
    }


@router.get("/keys", response_class=HTMLResponse)
def keys_page(
    request: Request, unit: str | None = None, days: str | None = None, problems: str | None = None
) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _keys_view(web, identity.actor, unit, days, problems)
    return web.render(request, "keys.html", identity, page="keys", **view)


@router.get("/keys.csv")
def keys_csv(
    request: Request, unit: str | None = None, days: str | None = None, problems: str | None = None
) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _keys_view(web, identity.actor, unit, days, problems)
    return _csv(request, "keys", view["table"])


@router.get("/key-totals.csv")
def key_totals_csv(request: Request, unit: str | None = None, days: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _keys_view(web, identity.actor, unit, days, None)
    return _csv(request, "key-totals", view["totals"])


# -- 2 lock installations ---------------------------------------------------------------------


def _locks_view(
    web: Web,
    actor: Actor,
    kind: str | None,
    at: str | None,
    first: str | None,
    last: str | None,
) -> dict[str, Any]:
    types = lock_types(kind)
    today = _today(web)
    at_day = _date(at, "at") or today
    moment = min(day_start(at_day + timedelta(days=1)) - 1, web.office.now())
    end = _month(last) or (today.year, today.month)
    start = _month(first) or sample.months_back(*end, 12)[0]
    months = sample.months_back(*end, (end[0] - start[0]) * 12 + end[1] - start[1] + 1)
    if not months or months[0] != start:
        raise Invalid("web.month_range")
    org = web.followup.organisation(actor)
    installed = web.followup.lock_installations(actor, moment, types)
    counts, halves = web.followup.lock_mounts(actor, months, types)
    categories = [f"{c.year}-{c.month:02d}" for c in counts]
    chart = charts.bar_chart(
        "mounts-chart",
        text.plain("web.locks.chart_title"),
        text.plain("web.locks.chart_desc"),
        categories,
        [
            (text.plain("web.col.mounts"), [c.mounts for c in counts]),
            (text.plain("web.col.removals"), [c.removals for c in counts]),
        ],
    )
    return {
        "org": org,
        "kind": kind or "customer",
        "kinds": ["customer", "all", *LOCK_TYPES],
        "at": at_day.isoformat(),
        "first": f"{start[0]}-{start[1]:02d}",
        "last": f"{end[0]}-{end[1]:02d}",
        "installed": tables.installed_table(installed, types, org),
        "mounts": tables.mounts_table(counts, halves),
        "chart": chart,
    }


@router.get("/locks", response_class=HTMLResponse)
def locks_page(
    request: Request,
    type: str | None = None,
    at: str | None = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _locks_view(web, identity.actor, type, at, first, to)
    return web.render(request, "locks.html", identity, page="locks", **view)


@router.get("/locks.csv")
def locks_csv(request: Request, type: str | None = None, at: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    params = request.query_params
    view = _locks_view(web, identity.actor, type, at, params.get("from"), params.get("to"))
    return _csv(request, "locks", view["installed"])


@router.get("/mounts.csv")
def mounts_csv(request: Request, type: str | None = None, at: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    params = request.query_params
    view = _locks_view(web, identity.actor, type, at, params.get("from"), params.get("to"))
    return _csv(request, "mounts", view["mounts"])


# -- 3 central sample -------------------------------------------------------------------------


def _default_month(today: date) -> tuple[int, int]:
    """The latest month whose sample date has come."""
    if sample.sample_date(today.year, today.month) <= today:
        return today.year, today.month
    return sample.months_back(today.year, today.month, 2)[0]


def _sample_view(
    web: Web,
    actor: Actor,
    month: str | None,
    drawn: bool = True,
    share: bool = True,
) -> dict[str, Any]:
    """The month's one stored draw (made now if this is its first opening) and the lock share.

    ``result`` is None while the month's sample date has not come.
    """
    year, number = _month(month) or _default_month(_today(web))
    org = web.followup.organisation(actor)
    day, passed_over = sample.sample_day(year, number)
    view: dict[str, Any] = {
        "org": org,
        "month": f"{year}-{number:02d}",
        "result": None,
        "day": day,
        "moved": text.sample_moved(day, passed_over) if passed_over else None,
        "may_draw": actor.role in SAMPLE_DRAWERS,
        "reason_max": REASON_MAX,
        # a unit manager's page says it shows their unit only
        "scoped_unit": org.unit_name(actor.unit_id) if actor.scoped else None,
    }
    if drawn:
        draw = web.followup.month_draw(actor, year, number)
        view["draws"] = web.followup.sample_draws(actor, year, number)
        view["draw"] = draw
        if draw is not None:
            result = web.followup.central_sample(actor, year, number, draw.seed, draw.count)
            view["result"] = result
            view["count"] = draw.count
            view["summary"] = tables.sample_table(result, org)
            view["visits"] = tables.sample_visits_table(result, org)
    if share:
        months, shares = web.followup.lock_share(actor, year, number)
        categories, series = tables.lock_share_series(months, shares, org)
        view["chart"] = charts.line_chart(
            "share-chart",
            text.plain("web.sample.chart_title"),
            text.plain("web.sample.chart_desc"),
            categories,
            series,
        )
        view["share"] = tables.lock_share_table(months, shares, org)
        view["has_series"] = bool(series)
    return view


@router.get("/sample", response_class=HTMLResponse)
def sample_page(request: Request, month: str | None = None) -> Response:
    """The month's sample, the same for everyone: its first opening draws it."""
    web = _web(request)
    identity = web.identity(request)
    if month is None or not month.strip():
        web.followup.require_sample(identity.actor)
        default = "{}-{:02d}".format(*_default_month(_today(web)))
        return RedirectResponse(f"{web.base(request)}/sample?month={default}", status_code=303)
    view = _sample_view(web, identity.actor, month)
    return web.render(request, "sample.html", identity, page="sample", **view)


@router.post("/sample/draw")
def sample_draw(
    request: Request,
    month: Annotated[str, Form()] = "",
    count: Annotated[str, Form()] = "3",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A reviewer's explicit draw, or a redraw with its reason (logged); back to the page."""
    web = _web(request)
    identity = web.identity(request)
    web.check_post(request, identity.csrf, csrf)
    year, number = sample.parse_month(month)
    how_many = _int(count, "count", 2, 3) or 3
    web.followup.draw_sample(identity.actor, year, number, how_many, reason)
    return RedirectResponse(
        f"{web.base(request)}/sample?month={year}-{number:02d}", status_code=303
    )


def _sample_csv(request: Request, name: str, which: str) -> Response:
    web = _web(request)
    identity = web.identity(request)
    month = request.query_params.get("month")
    view = _sample_view(web, identity.actor, month, drawn=which != "share", share=which == "share")
    if which != "share" and view["result"] is None:
        raise Invalid("sample.not_due", day=view["day"].isoformat())
    return _csv(request, name, view[which])


@router.get("/sample.csv")
def sample_csv(request: Request) -> Response:
    return _sample_csv(request, "sample", "summary")


@router.get("/sample-visits.csv")
def sample_visits_csv(request: Request) -> Response:
    return _sample_csv(request, "sample-visits", "visits")


@router.get("/lock-share.csv")
def lock_share_csv(request: Request) -> Response:
    return _sample_csv(request, "lock-share", "share")


# -- 4 activity log ---------------------------------------------------------------------------


NO_SUCH_STAFF = 0  # a staff id no one has: the search for an unknown name finds nothing


def _staff_id(web: Web, actor: Actor, value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    if value.strip().isdigit():
        return _int(value, "staff", 1)
    wanted = value.strip().casefold()
    found = [s["id"] for s in web.office.list_staff(actor) if s["name"].casefold() == wanted]
    if not found:
        return NO_SUCH_STAFF  # "inga träffar", not an error: a name typed wrong is normal
    if len(found) != 1:
        raise Invalid("web.staff_name", name=value.strip(), count=len(found))
    return int(found[0])


def _customer_id(web: Web, actor: Actor, value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    wanted = value.strip()
    for customer in web.office.list_customers(actor):
        if customer["reference"] == wanted or str(customer["id"]) == wanted:
            return int(customer["id"])
    raise Invalid("web.customer_ref", ref=wanted)


def _activity_query(web: Web, actor: Actor, params: Any) -> activity.LogQuery:
    kind = params.get("kind") or "all"
    if kind not in activity.KINDS:
        raise Invalid("web.param", name="kind", value=kind)
    return activity.LogQuery(
        kind=kind,
        staff_id=_staff_id(web, actor, params.get("staff")),
        key_id=_int(params.get("key"), "key", 1),
        customer_id=_customer_id(web, actor, params.get("customer")),
        lock_id=_int(params.get("lock"), "lock", 1),
        since=_time(params.get("since"), "since"),
        until=_time(params.get("until"), "until"),
    )


@router.get("/activity", response_class=HTMLResponse)
def activity_page(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    actor = identity.actor
    params = request.query_params
    query = _activity_query(web, actor, params)
    page = _int(params.get("page"), "page", 1, 1_000_000) or 1
    unit_id = _int(params.get("unit"), "unit", 1)
    rows, total = web.followup.activity_log(
        actor, query, (page - 1) * PAGE_SIZE, PAGE_SIZE, unit_id, "web"
    )
    staff = web.office.list_staff(actor) if may(actor, Action.STAFF_READ) else []
    readable = web.followup.activity_units(actor)
    org = web.followup.organisation(actor)
    units = (
        [(u.id, u.name) for u in org.units.values()]
        if readable is None
        else [(u, org.unit_name(u) or str(u)) for u in readable]
    )
    others = {k: v for k, v in params.items() if k != "page" and v}
    link = urlencode(others)
    return web.render(
        request,
        "activity.html",
        identity,
        page="activity",
        params=params,
        kinds=activity.KINDS,
        table=tables.activity_table(rows, org),
        total=total,
        first=(page - 1) * PAGE_SIZE + 1 if rows else 0,
        last=(page - 1) * PAGE_SIZE + len(rows),
        page_number=page,
        previous=page - 1 if page > 1 else None,
        next_page=page + 1 if page * PAGE_SIZE < total else None,
        link=link,
        staff=staff[:STAFF_LIST_MAX],
        units=units,
        all_units=readable is None,
        unit_id=unit_id if unit_id is not None else (readable[0] if readable else None),
        unknown_staff=(params.get("staff") or "").strip()
        if query.staff_id == NO_SUCH_STAFF
        else "",
    )


@router.get("/activity.csv")
def activity_csv(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    query = _activity_query(web, identity.actor, request.query_params)
    unit_id = _int(request.query_params.get("unit"), "unit", 1)
    rows, total = web.followup.activity_log(identity.actor, query, 0, CSV_MAX_ROWS, unit_id, "csv")
    if total > len(rows):
        raise Invalid("web.csv_too_many", total=total, max=CSV_MAX_ROWS)
    org = web.followup.organisation(identity.actor)
    return _csv(request, "activity", tables.activity_table(rows, org))


# -- 5 station health -------------------------------------------------------------------------


def _stations_view(web: Web, actor: Actor, unit: str | None) -> dict[str, Any]:
    unit_id = _int(unit, "unit", 1)
    org = web.followup.organisation(actor)
    rows = web.followup.station_health(actor, unit_id)
    return {
        "org": org,
        "unit_id": unit_id,
        "choose_unit": not actor.scoped,
        "low": sum(r.low_margin for r in rows),
        "stations": len(rows),
        "low_days": fleet.LOW_MARGIN_DAYS,
        "table": tables.stations_table(rows, org),
    }


@router.get("/stations", response_class=HTMLResponse)
def stations_page(request: Request, unit: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _stations_view(web, identity.actor, unit)
    return web.render(request, "stations.html", identity, page="stations", **view)


@router.get("/stations.csv")
def stations_csv(request: Request, unit: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    return _csv(request, "stations", _stations_view(web, identity.actor, unit)["table"])


# -- 5b the blocklist's spread ----------------------------------------------------------------


def _spread_view(web: Web, actor: Actor, unit: str | None) -> dict[str, Any]:
    unit_id = _int(unit, "unit", 1)
    org = web.followup.organisation(actor)
    exposed, versions = web.followup.blocklist_spread(actor, unit_id)
    return {
        "org": org,
        "unit_id": unit_id,
        "choose_unit": not actor.scoped,
        "keys": len({r.key_id for r in exposed}),
        "exposed": tables.exposed_table(exposed, org),
        "versions": tables.lock_versions_table(versions),
        "newest": versions[0].newest if versions else 0,
    }


@router.get("/blocklist", response_class=HTMLResponse)
def blocklist_page(request: Request, unit: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _spread_view(web, identity.actor, unit)
    return web.render(request, "blocklist.html", identity, page="blocklist", **view)


@router.get("/blocklist.csv")
def blocklist_csv(request: Request, unit: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    return _csv(request, "exposed-locks", _spread_view(web, identity.actor, unit)["exposed"])


@router.get("/blocklist-locks.csv")
def blocklist_locks_csv(request: Request, unit: str | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _spread_view(web, identity.actor, unit)
    return _csv(request, "lock-blocklist-versions", view["versions"])


# -- 6 anomalies ------------------------------------------------------------------------------


def _anomalies_view(web: Web, actor: Actor, params: Any) -> dict[str, Any]:
    kind = params.get("kind") or None
    if kind is not None and kind not in ANOMALY_KINDS:
        raise Invalid("web.param", name="kind", value=kind)
    today = _today(web)
    since_day = _date(params.get("since"), "since") or today - timedelta(days=ANOMALY_DAYS)
    until_day = _date(params.get("until"), "until") or today
    since = day_start(since_day)
    until = day_start(until_day + timedelta(days=1))
    report = web.followup.anomalies(actor, kind, since, until, params.get("open") == "1")
    return {
        "kind": kind or "",
        "kinds": ANOMALY_KINDS,
        "since": since_day.isoformat(),
        "until": until_day.isoformat(),
        "open_only": params.get("open") == "1",
        "report": report,
        "table": tables.anomalies_table(report),
    }


@router.get("/anomalies", response_class=HTMLResponse)
def anomalies_page(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _anomalies_view(web, identity.actor, request.query_params)
    return web.render(request, "anomalies.html", identity, page="anomalies", **view)


@router.get("/anomalies.csv")
def anomalies_csv(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    view = _anomalies_view(web, identity.actor, request.query_params)
    return _csv(request, "anomalies", view["table"])


# -- visit import -----------------------------------------------------------------------------


@router.get("/visits", response_class=HTMLResponse)
def visits_page(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    web.followup.require_import(identity.actor)
    return web.render(
        request, "visits.html", identity, page="visits", columns=visits.COLUMNS, result=None
    )


@router.post("/visits", response_class=HTMLResponse)
def visits_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    web = _web(request)
    identity = web.identity(request)
    web.check_post(request, identity.csrf, csrf)
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid("web.upload_too_large", max=MAX_UPLOAD // (1024 * 1024))
    result = web.followup.import_visits_csv(identity.actor, data, file.filename or "")
    return web.render(
        request,
        "visits.html",
        identity,
        page="visits",
        columns=visits.COLUMNS,
        result=result,
        filename=file.filename or "",
    )


# -- service tokens for a remote technician ------------------------------------------------------


@router.post("/service-token")
def service_token(
    request: Request,
    station: Annotated[str, Form()] = "",
    permissions: Annotated[str, Form()] = "",
    hours: Annotated[str, Form()] = "",
    technician: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A signed service token (SPEC.md 8.5) as a file, the same as ``synk diag token`` writes.

    The service layer decides who may have one (a technician: only for themselves) and logs
    the issue in its change log; a token is one-time use at the station.
    """
    web = _web(request)
    identity = web.identity(request)
    web.check_post(request, identity.csrf, csrf)
    station_id = _int(station, "station")
    if station_id is None:
        raise Invalid("web.param", name="station", value=station)
    try:
        how_long = float(hours.replace(",", "."))
    except ValueError:
        raise Invalid("web.param", name="hours", value=hours) from None
    wanted = permissions.replace(",", " ").split()
    token = web.office.issue_service_token(
        identity.actor, station_id, technician or identity.actor.name, wanted, how_long
    )
    return Response(
        token,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="synk-token-{station_id}.bin"',
            "Cache-Control": "no-store",
        },
    )
