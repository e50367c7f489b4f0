"""The pages of who may read the activity log, and who did (seed 000 section 5).

* ``/activity_grants``: the grants to read a unit's activity log. A unit
  manager orders one for their unit (a user name, until which day, why) and
  ends it; the administrator sees and may end all; a user holding grants
  sees theirs. (``host.backoffice.activity_access``)
* ``/activity_reads``: the access log, every read of the activity log (who,
  role, unit, what they searched for, rows, when); the administrator only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from host.backoffice.errors import Invalid
from host.backoffice.roles import Action, Role, may
from host.backoffice.timeutil import day_start, local_day
from host.web.app import Web
from host.web.pages import _date, _int

router = APIRouter()
READS_PAGE = 100


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


@router.get("/activity_grants", response_class=HTMLResponse)
def grants_page(request: Request, ordered: int | None = None) -> Response:
    web = _web(request)
    identity = web.identity(request)
    actor = identity.actor
    grants = web.office.access.grants(actor)
    done = next((g for g in grants if g["id"] == ordered), None)
    return web.render(
        request,
        "activity_grants.html",
        identity,
        page="activity_grants",
        grants=grants,
        may_order=actor.role == Role.UNIT_MANAGER and may(actor, Action.ACTIVITY_GRANTS),
        may_end_any=actor.role == Role.ADMIN,
        own_unit=actor.unit_id,
        today=local_day(web.office.now()),
        ordered=done,
        last_day=lambda ts: local_day(ts - 1),
    )


@router.post("/activity_grants")
def order_grant(
    request: Request,
    username: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    web = _web(request)
    identity = web.identity(request)
    web.check_post(request, identity.csrf, csrf)
    last = _date(until, "until")
    if last is None:
        raise Invalid("web.param", name="until", value=until)
    ends = day_start(last + timedelta(days=1))  # through the whole last day, Swedish time
    grant = web.office.access.order(identity.actor, username, ends, reason)
    target = f"{web.base(request)}/activity_grants?ordered={grant['id']}"
    return RedirectResponse(target, status_code=303)


@router.post("/activity_grants/{grant_id}/end")
def end_grant(request: Request, grant_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    web = _web(request)
    identity = web.identity(request)
    web.check_post(request, identity.csrf, csrf)
    web.office.access.end(identity.actor, grant_id)
    return RedirectResponse(f"{web.base(request)}/activity_grants", status_code=303)


@router.get("/activity_reads", response_class=HTMLResponse)
def reads_page(request: Request) -> Response:
    web = _web(request)
    identity = web.identity(request)
    params = request.query_params
    user = (params.get("user") or "").strip() or None
    page = _int(params.get("page"), "page", 1, 1_000_000) or 1
    rows, total = web.office.access.reads(identity.actor, user, (page - 1) * READS_PAGE, READS_PAGE)
    return web.render(
        request,
        "activity_reads.html",
        identity,
        page="activity_reads",
        rows=rows,
        total=total,
        user=user or "",
        first=(page - 1) * READS_PAGE + 1 if rows else 0,
        last=(page - 1) * READS_PAGE + len(rows),
        previous=page - 1 if page > 1 else None,
        next_page=page + 1 if page * READS_PAGE < total else None,
    )
