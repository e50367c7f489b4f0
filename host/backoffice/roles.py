"""Roles, actions and the one permission check every service function makes.

| role | may |
|---|---|
| admin | everything (but act as a station) |
| unit_manager | own unit only: staff, their keys, customers, personal grants on own customers' locks, read the unit's activity log and anomalies; sees the list of providers and units |
| reviewer | read everything, change nothing |
| technician | stations, keys, locks (add, install, remove), service tokens for themselves; no activity log, staff or customers |
| alarm_group | the alarm group (larmgrupp, seed 000 §3): locks (install, remove; installed locks, mounts and removals per month) and the devices check (keys registered and linked, without names); nothing of the activity log |
| station | (the HTTP API only) its own bundle, upload, heartbeat |

A unit manager's actions are scoped: the object's unit must be the manager's.
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
    SERVICE_TOKENS = "service_tokens.issue"
    BUNDLES_EXPORT = "bundles.export"
    STATION_SYNC = "station.sync"


_READ = frozenset(a for a in Action if a.endswith(".read"))

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action) - {Action.STATION_SYNC},
    Role.REVIEWER: _READ,
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
            Action.ANOMALIES_READ,
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
