"""Access to the activity log: the grants unit managers order, and the record of every read.

Who may read which unit's log is ``roles.activity_units`` (seed 000 section
5); this module keeps what that rule reads and what it leaves behind:

* **grants** (``activity_grants``): a unit manager orders, for their own unit,
  that another back-office user (a reviewer, say) may read the unit's log
  until a given day, with a reason. The grant is recorded with who ordered
  it and when, shown on the page "Behörigheter till aktivitetsloggen" to the
  manager, to the administrator and to the user it is for, and ends at its
  day or when the manager (or the administrator) ends it. The grants a user
  holds are read with the user on each request (``user_actor``), so a grant
  counts, and stops counting, at once.
* **the access log** (``activity_reads``): every read of the activity log
  (the page, its CSV, the CLI, the anomaly page's openings, which are log
  rows) records who read it, their role, which unit it covered, what they
  searched for and how many rows they got. Only the administrator reads it,
  on the page "Läsningar av aktivitetsloggen".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from host.backoffice.errors import Conflict, Forbidden, Invalid, NotFound
from host.backoffice.models import ActivityGrant, ActivityRead, ChangeLog, Unit, User
from host.backoffice.roles import (
    USER_ROLES,
    Action,
    Actor,
    Role,
    activity_units,
    may,
    require,
    require_grant_order,
)
from host.backoffice.site import Site
from host.backoffice.timeutil import iso_utc

Row = dict[str, Any]
MAX_GRANT_DAYS = 366
MAX_REASON = 500
DAY_S = 86_400


def granted_units(session: Session, user_id: int, now: int) -> frozenset[int]:
    """The units whose log a grant lets ``user_id`` read at ``now``."""
    found = session.scalars(
        select(ActivityGrant.unit_id).where(
            ActivityGrant.grantee_id == user_id,
            ActivityGrant.ordered_at <= now,
            ActivityGrant.until > now,
            or_(ActivityGrant.ended_at.is_(None), ActivityGrant.ended_at > now),
        )
    )
    return frozenset(found)


def user_actor(session: Session, user: User, now: int) -> Actor:
    """The actor of a back-office user now: role, unit and the grants they hold."""
    return Actor(
        user.id,
        Role(user.role),
        user.unit_id,
        None,
        user.username,
        granted_units(session, user.id, now),
    )


def _query_text(query: Mapping[str, object]) -> str:
    shown = {k: v for k, v in query.items() if v not in (None, "", "all")}
    return json.dumps(shown, ensure_ascii=False, sort_keys=True)


def record_read(
    session: Session,
    actor: Actor,
    now: int,
    unit_id: int | None,
    source: str,
    query: Mapping[str, object],
    rows: int,
) -> None:
    """Add one read of the activity log to the access log (in the caller's transaction)."""
    session.add(
        ActivityRead(
            at=now,
            user_id=actor.user_id,
            username=actor.name,
            role=actor.role.value,
            unit_id=unit_id,
            source=source,
            query=_query_text(query),
            rows=rows,
        )
    )


class ActivityAccess:
    """Grants to read a unit's activity log, and the access log, with their permission checks."""

    def __init__(self, site: Site, now: Callable[[], int]) -> None:
        self.site = site
        self.now = now

    def _row(self, grant: ActivityGrant, names: Mapping[int, str], units: Mapping[int, str]) -> Row:
        now = self.now()
        ended = grant.ended_at
        active = grant.ordered_at <= now < grant.until and (ended is None or ended > now)
        return {
            "id": grant.id,
            "unit_id": grant.unit_id,
            "unit": units.get(grant.unit_id, ""),
            "grantee_id": grant.grantee_id,
            "grantee": names.get(grant.grantee_id, ""),
            "ordered_by": names.get(grant.ordered_by, ""),
            "ordered_at": grant.ordered_at,
            "until": grant.until,
            "reason": grant.reason,
            "ended_at": grant.ended_at,
            "ended_by": names.get(grant.ended_by, "") if grant.ended_by is not None else "",
            "active": active,
        }

    @staticmethod
    def _names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
        users = {user_id: name for user_id, name in session.execute(select(User.id, User.username))}
        units = {unit_id: name for unit_id, name in session.execute(select(Unit.id, Unit.name))}
        return users, units

    def order(self, actor: Actor, username: str, until: int, reason: str = "") -> Row:
        """The unit manager orders that ``username`` may read their unit's log until ``until``."""
        unit_id = actor.unit_id if actor.unit_id is not None else 0  # a manager has one
        require_grant_order(actor, unit_id)
        now = self.now()
        reason = reason.strip()
        if len(reason) > MAX_REASON:
            raise Invalid("activity_grant.reason", max=MAX_REASON)
        if not now < until <= now + MAX_GRANT_DAYS * DAY_S:
            raise Invalid("activity_grant.until", days=MAX_GRANT_DAYS)
        with self.site.sessions.begin() as session:
            grantee = session.scalars(select(User).where(User.username == username.strip())).first()
            if grantee is None or not grantee.active or Role(grantee.role) not in USER_ROLES:
                raise NotFound("not_found.user", id=username.strip())
            if grantee.id == actor.user_id:
                raise Invalid("activity_grant.self")
            holder = user_actor(session, grantee, now)
            units = activity_units(holder)
            if units is None or (unit_id in units and grantee.unit_id == unit_id):
                raise Conflict("activity_grant.needless", user=grantee.username)
            grant = ActivityGrant(
                unit_id=unit_id,
                grantee_id=grantee.id,
                ordered_by=actor.user_id,
                ordered_at=now,
                until=until,
                reason=reason,
            )
            session.add(grant)
            session.flush()
            session.add(
                ChangeLog(
                    at=now,
                    user_id=actor.user_id,
                    action="grant_activity",
                    object_type="activity_grant",
                    object_id=grant.id,
                    detail=f"{grantee.username} unit {unit_id} until {iso_utc(until)}",
                )
            )
            return self._row(grant, *self._names(session))

    def end(self, actor: Actor, grant_id: int) -> Row:
        """End a grant now: the unit's manager, or the administrator."""
        now = self.now()
        with self.site.sessions.begin() as session:
            grant = session.get(ActivityGrant, grant_id)
            if grant is None:
                raise NotFound("not_found.activity_grant", id=grant_id)
            if actor.role != Role.ADMIN:
                require_grant_order(actor, grant.unit_id)
            if grant.ended_at is None and grant.until > now:
                grant.ended_at = now
                grant.ended_by = actor.user_id
                session.add(
                    ChangeLog(
                        at=now,
                        user_id=actor.user_id,
                        action="end_activity_grant",
                        object_type="activity_grant",
                        object_id=grant.id,
                        detail="",
                    )
                )
            return self._row(grant, *self._names(session))

    def grants(self, actor: Actor) -> list[Row]:
        """The grants the actor may see, newest first: all (administrator), their unit's
        (unit manager), and those held by the actor."""
        shown = actor.role == Role.ADMIN or may(actor, Action.ACTIVITY_GRANTS)
        if actor.user_id is None or not (shown or actor.activity_grants):
            raise Forbidden("forbidden.role", role=actor.role.value, action="activity.grants")
        query = select(ActivityGrant).order_by(ActivityGrant.ordered_at.desc(), ActivityGrant.id)
        if actor.role != Role.ADMIN:
            mine = ActivityGrant.grantee_id == actor.user_id
            if may(actor, Action.ACTIVITY_GRANTS) and actor.unit_id is not None:
                query = query.where(or_(mine, ActivityGrant.unit_id == actor.unit_id))
            else:
                query = query.where(mine)
        with self.site.sessions() as session:
            names = self._names(session)
            return [self._row(g, *names) for g in session.scalars(query)]

    def reads(
        self, actor: Actor, username: str | None = None, offset: int = 0, limit: int = 100
    ) -> tuple[list[Row], int]:
        """The access log, newest first (the administrator only), and how many rows it has."""
        require(actor, Action.ACTIVITY_ACCESS_LOG)
        if offset < 0 or not 1 <= limit <= 10_000:
            raise Invalid("followup.page")
        units = aliased(Unit)
        query = select(ActivityRead, units.name).outerjoin(units, units.id == ActivityRead.unit_id)
        count = select(func.count()).select_from(ActivityRead)
        if username:
            query = query.where(ActivityRead.username == username)
            count = count.where(ActivityRead.username == username)
        query = query.order_by(ActivityRead.at.desc(), ActivityRead.id.desc())
        with self.site.sessions() as session:
            total = session.scalar(count) or 0
            rows = [
                {
                    "at": read.at,
                    "username": read.username,
                    "role": read.role,
                    "unit_id": read.unit_id,
                    "unit": unit_name or "",
                    "source": read.source,
                    "query": read.query,
                    "rows": read.rows,
                }
                for read, unit_name in session.execute(query.offset(offset).limit(limit))
            ]
        return rows, total
