"""Roles, actions and the one permission check every service function makes.

| role | may |
|---|---|
| admin | everything (but act as a station); the only one to read the activity log's access log |
| unit_manager | own unit only: staff, their keys, customers, personal grants on own customers' locks, read the unit's activity log and anomalies, order others' access to that log; sees the list of providers and units |
| reviewer | read everything but the activity log (the central sample's measures, yes), change nothing |
| technician | stations, keys, locks (add, install, remove), service tokens for themselves; no activity log, staff or customers |
| alarm_group | the alarm group (larmgrupp, seed 000 §3): locks (install, remove; installed locks, mounts and removals per month) and the devices check (keys registered and linked, without names); nothing of the activity log |
| station | (the HTTP API only) its own bundle, upload, heartbeat |

A unit manager's actions are scoped: the object's unit must be the manager's.

**Who reads the activity log** (seed 000 section 5, ``activity_units``): those
with staff responsibility for a unit (its unit manager) read that unit's log;
anyone else only a unit whose manager ordered them a grant (``activity_grants``:
who, for whom, until when), while it lasts; the administrator, who carries
out the orders (the routine's system support), reads every unit's. Every read
is itself recorded (``activity_reads``), and only the administrator reads that
record. A unit manager orders and ends grants for their own unit only
(``require_grant_order``).
"""  # noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from host.backoffice.errors import Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    UNIT_MANAGER = "unit_manager"
    REVIEWER = "reviewer"
    TECHNICIAN = "technician"
    ALARM_GROUP = "alarm_group"
    STATION = "station"


USER_ROLES = (Role.ADMIN, Role.UNIT_MANAGER, Role.REVIEWER, Role.TECHNICIAN, Role.ALARM_GROUP)


class Action(StrEnum):
    SITE_MANAGE = "site.manage"
    USERS_MANAGE = "users.manage"
    USERS_READ = "users.read"
    ORG_MANAGE = "org.manage"
    ORG_READ = "org.read"
    STATIONS_MANAGE = "stations.manage"
    STATIONS_READ = "stations.read"
    STAFF_MANAGE = "staff.manage"
    STAFF_READ = "staff.read"
    KEYS_MANAGE = "keys.manage"
    KEYS_BLOCK = "keys.block"
    KEYS_READ = "keys.read"
    CUSTOMERS_MANAGE = "customers.manage"
    CUSTOMERS_READ = "customers.read"
    LOCKS_MANAGE = "locks.manage"
    LOCKS_READ = "locks.read"
    GRANTS_UNIT = "grants.unit"
    GRANTS_PERSONAL = "grants.personal"
    GRANTS_READ = "grants.read"
    ACTIVITY_READ = "activity.read"
    ANOMALIES_READ = "anomalies.read"
    SAMPLE_READ = "central_sample.read"
    ACTIVITY_GRANTS = "activity.grants"  # order and end others' access to a unit's log
    ACTIVITY_ACCESS_LOG = "activity.access_log"  # read who read the activity log
    SERVICE_TOKENS = "service_tokens.issue"
    BUNDLES_EXPORT = "bundles.export"
    STATION_SYNC = "station.sync"


_READ = frozenset(a for a in Action if a.endswith(".read"))

# ACTIVITY_READ: may read the activity log by role alone (admin: every unit; a unit manager:
# their own). Anyone else reads it only through grants (``activity_units``).
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action) - {Action.STATION_SYNC},
    Role.REVIEWER: _READ - {Action.ACTIVITY_READ},
    Role.UNIT_MANAGER: frozenset(
        {
            Action.ORG_READ,
            Action.STATIONS_READ,
            Action.STAFF_MANAGE,
            Action.STAFF_READ,
            Action.KEYS_MANAGE,
            Action.KEYS_BLOCK,
            Action.KEYS_READ,
            Action.CUSTOMERS_MANAGE,
            Action.CUSTOMERS_READ,
            Action.LOCKS_READ,
            Action.GRANTS_PERSONAL,
            Action.GRANTS_READ,
            Action.ACTIVITY_READ,
            Action.ACTIVITY_GRANTS,
            Action.ANOMALIES_READ,
            Action.SAMPLE_READ,
        }
    ),
    Role.TECHNICIAN: frozenset(
        {
            Action.ORG_READ,
            Action.STATIONS_MANAGE,
            Action.STATIONS_READ,
            Action.KEYS_MANAGE,
            Action.KEYS_BLOCK,
            Action.KEYS_READ,
            Action.LOCKS_MANAGE,
            Action.LOCKS_READ,
            Action.ANOMALIES_READ,
            Action.SERVICE_TOKENS,
            Action.BUNDLES_EXPORT,
        }
    ),
    Role.ALARM_GROUP: frozenset(
        {Action.ORG_READ, Action.LOCKS_READ, Action.LOCKS_MANAGE, Action.KEYS_READ}
    ),
    Role.STATION: frozenset({Action.STATION_SYNC}),
}

SCOPED_ROLES = frozenset({Role.UNIT_MANAGER, Role.STATION})


@dataclass(frozen=True)
class Actor:
    """Who is calling: a back-office user, or a station authenticated by the API."""

    user_id: int | None
    role: Role
    unit_id: int | None = None
    station_id: int | None = None
    name: str = ""
    # Units whose activity log a grant lets this user read now (read with the user).
    activity_grants: frozenset[int] = frozenset()

    @property
    def scoped(self) -> bool:
        return self.role in SCOPED_ROLES

    def unit_scope(self) -> int | None:
        """The only unit this actor may see, or None for all units."""
        return self.unit_id if self.scoped else None


def may(actor: Actor, action: Action) -> bool:
    return action in PERMISSIONS.get(actor.role, frozenset())


def require_role(actor: Actor, *actions: Action) -> None:
    """Raise Forbidden unless the actor's role allows one of ``actions`` on some object.

    The first check of a method that must look an object up before it knows
    its unit: a caller whose role may not do this at all learns nothing about
    which ids exist or which values are wrong.
    """
    if not any(may(actor, action) for action in actions):
        raise Forbidden("forbidden.role", role=actor.role.value, action=actions[0].value)


def require(actor: Actor, action: Action, unit_id: int | None = None) -> None:
    """Raise Forbidden unless the actor may do ``action`` (on an object of ``unit_id``).

    For a scoped role, ``unit_id`` is the unit the object belongs to; None
    means the object belongs to no unit (or to several), which a scoped role
    may not touch.
    """
    if not may(actor, action):
        raise Forbidden("forbidden.role", role=actor.role.value, action=action.value)
    if actor.scoped and unit_id != actor.unit_id:
        raise Forbidden("forbidden.unit", role=actor.role.value, unit=actor.unit_id)


def activity_units(actor: Actor) -> frozenset[int] | None:
    """The units whose activity log ``actor`` may read now; None: every unit."""
    if may(actor, Action.ACTIVITY_READ) and not actor.scoped:
        return None
    own: set[int] = set()
    if may(actor, Action.ACTIVITY_READ) and actor.role == Role.UNIT_MANAGER and actor.unit_id:
        own.add(actor.unit_id)
    return frozenset(own | (actor.activity_grants if actor.role in USER_ROLES else set()))


def may_read_activity(actor: Actor) -> bool:
    """Whether the actor may read some unit's activity log (the page is in their menu)."""
    units = activity_units(actor)
    return units is None or bool(units)


def activity_scope(actor: Actor, unit_id: int | None = None) -> int | None:
    """The unit a read of the activity log covers (None: every unit), or Forbidden.

    ``unit_id`` is the unit asked for; without one, a reader of one unit reads
    that one and a reader of several the first of them (by id).
    """
    units = activity_units(actor)
    if units is None:
        return unit_id
    if unit_id is None and units:
        return min(units)
    if unit_id is not None and unit_id in units:
        return unit_id
    raise Forbidden("forbidden.activity", role=actor.role.value, unit=unit_id or "-")


def require_grant_order(actor: Actor, unit_id: int) -> None:
    """Forbidden unless the actor is the manager of ``unit_id`` (who orders its log's grants)."""
    if actor.role != Role.UNIT_MANAGER or not may(actor, Action.ACTIVITY_GRANTS):
        raise Forbidden("forbidden.role", role=actor.role.value, action=Action.ACTIVITY_GRANTS)
    if actor.unit_id != unit_id:
        raise Forbidden("forbidden.unit", role=actor.role.value, unit=actor.unit_id)
