"""The one service layer: every change and every read of the back office goes through here.

Each public method takes the calling ``Actor`` first and checks its role (and
unit, for a unit manager or a station) before touching anything; the CLI
(``synk admin``) and the station HTTP API both call these methods and nothing
else. Results are plain dicts (JSON-ready rows), never ORM objects, so no
caller can change the database behind the service's back. Every change is
written to ``change_log``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from host.backoffice import (
    activity_access,
    audit_ingest,
    authority,
    blocklist,
    bundles,
    codes,
    db,
    passwords,
    reports,
    service_tokens,
    station_config,
)
from host.backoffice.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from host.backoffice.models import (
    AuthorityKey,
    Base,
    ChangeLog,
    Customer,
    Grant,
    Key,
    KeyStateChange,
    Lock,
    LockInstallation,
    Provider,
    ServiceTokenIssue,
    Staff,
    Station,
    StationBundle,
    StationNeighbour,
    Unit,
    User,
    WebSession,
)
from host.backoffice.roles import (
    USER_ROLES,
    Action,
    Actor,
    Role,
    activity_scope,
    require,
    require_role,
)
from host.backoffice.site import Clock, Site, password_cost, settings, system_clock
from host.backoffice.timeutil import day_window, format_time, iso_utc, local_day

Row = dict[str, Any]
M = TypeVar("M", bound=Base)
StmtT = TypeVar("StmtT", bound="Select[*tuple[Any, ...]]")

U32_MAX = 0xFFFFFFFF
PROVIDER_KINDS = ("municipal", "private")
LOCK_TYPES = ("customer_door", "key_box", "building_entrance", "common_area")
CUSTOMER_LOCK_TYPES = ("customer_door", "key_box")
KEY_STATES = ("active", "blocked", "lost", "retired")
# Allowed key state changes, and the action each needs.
KEY_TRANSITIONS: dict[tuple[str, str], Action] = {
    ("active", "blocked"): Action.KEYS_BLOCK,
    ("active", "lost"): Action.KEYS_BLOCK,
    ("blocked", "lost"): Action.KEYS_BLOCK,
    ("blocked", "active"): Action.KEYS_MANAGE,
    ("lost", "active"): Action.KEYS_MANAGE,
    ("active", "retired"): Action.KEYS_MANAGE,
    ("blocked", "retired"): Action.KEYS_MANAGE,
    ("lost", "retired"): Action.KEYS_MANAGE,
}
MAX_TOKEN_HOURS = 24
MAX_NAME = 200


@dataclass(frozen=True)
class StoredBundle:
    serial: int
    issued_at: int
    data: bytes


def new_credential() -> str:
    """A new station bearer credential, safe to pass on a command line.

    A leading "-" would be read by argparse (``--credential -x…``) as an option.
    """
    while True:
        credential = secrets.token_urlsafe(32)
        if not credential.startswith("-"):
            return credential


def credential_hash(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


def _check_id(value: int, what: str) -> None:
    if not 1 <= value <= U32_MAX:
        raise Invalid("id.range", what=what, value=value)


def _check_name(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_NAME or not value.isprintable():
        raise Invalid("name.invalid", what=what)
    return value


class BackOffice:
    """The service layer of one site. ``clock`` returns UTC seconds; tests move it."""

    def __init__(self, site: Site, clock: Clock = system_clock) -> None:
        self.site = site
        self.clock = clock
        self._signing: authority.SigningKey | None = None
        self.access = activity_access.ActivityAccess(site, self.now)

    # -- infrastructure ----------------------------------------------------------------------

    def now(self) -> int:
        return self.clock()

    def _get(self, session: Session, model: type[M], object_id: int, what: str) -> M:
        found = session.get(model, object_id)
        if found is None:
            raise NotFound(f"not_found.{what}", id=object_id)
        return found

    @staticmethod
    def _unit_query(
        actor: Actor, action: Action, query: StmtT, unit_column: Any, unit_id: int | None
    ) -> StmtT:
        """Check a list read, then keep ``query`` to the actor's unit and the ``unit_id`` filter."""
        require(actor, action, actor.unit_id if actor.scoped else None)
        for unit in (actor.unit_scope(), unit_id):
            if unit is not None:
                query = query.where(unit_column == unit)
        return query

    def _scoped_rows(
        self,
        actor: Actor,
        action: Action,
        query: Select[M],
        unit_column: Any,
        unit_id: int | None,
        row: Callable[[M], Row],
    ) -> list[Row]:
        """The rows of a unit-scoped list of one model (see ``_unit_query``)."""
        query = self._unit_query(actor, action, query, unit_column, unit_id)
        with self.site.sessions() as session:
            return [row(obj) for obj in session.scalars(query)]

    def _log(
        self,
        session: Session,
        actor: Actor,
        action: str,
        object_type: str,
        object_id: int | None,
        detail: str = "",
    ) -> None:
        session.add(
            ChangeLog(
                at=self.now(),
                user_id=actor.user_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
            )
        )

    def signing_key(self, session: Session) -> authority.SigningKey:
        """The authority key that signs, loaded once (its file's permissions checked)."""
        row = session.scalars(select(AuthorityKey).where(AuthorityKey.state == "signing")).one()
        key_id = bytes.fromhex(row.key_id)
        if self._signing is None or self._signing.key_id != key_id:
            self._signing = authority.load(self.site.authority_dir, key_id)
        return self._signing

    def check_authority(self) -> None:
        """Refuse to start when the signing key's file is missing or readable by others."""
        self._signing = None
        with self.site.sessions() as session:
            self.signing_key(session)

    # -- back-office users -------------------------------------------------------------------

    def actor_for(self, username: str | None) -> Actor:
        """The actor for a back-office user name (None: the site's default administrator)."""
        with self.site.sessions() as session:
            if username is None:
                user_id = settings(session).default_user_id
                user = session.get(User, user_id) if user_id is not None else None
            else:
                user = session.scalars(select(User).where(User.username == username)).first()
            if user is None:
                raise NotFound("not_found.user", id=username)
            if not user.active:
                raise Forbidden("forbidden.inactive_user", user=user.username)
            return activity_access.user_actor(session, user, self.now())

    def add_user(
        self,
        actor: Actor,
        username: str,
        role: str,
        unit_id: int | None = None,
        password: str | None = None,
    ) -> tuple[Row, str]:
        require(actor, Action.USERS_MANAGE)
        username = _check_name(username, "user")
        if role not in {r.value for r in USER_ROLES}:
            raise Invalid("user.role", role=role, roles=", ".join(r.value for r in USER_ROLES))
        if (role == Role.UNIT_MANAGER.value) != (unit_id is not None):
            raise Invalid("user.unit")
        password = password or passwords.generate_password()
        with self.site.sessions.begin() as session:
            if unit_id is not None:
                self._get(session, Unit, unit_id, "unit")
            if session.scalars(select(User).where(User.username == username)).first():
                raise Conflict("exists.user", name=username)
            user = User(
                username=username,
                role=role,
                unit_id=unit_id,
                password_hash=passwords.hash_password(password, password_cost(session)),
                created_at=self.now(),
            )
            session.add(user)
            session.flush()
            self._log(session, actor, "add", "user", user.id, f"{username} {role}")
            return self._user_row(user), password

    def set_password(
        self, actor: Actor, username: str, password: str | None = None
    ) -> tuple[Row, str]:
        """Give a user a new password (generated if not given); their sessions end."""
        require(actor, Action.USERS_MANAGE)
        password = password or passwords.generate_password()
        with self.site.sessions.begin() as session:
            user = session.scalars(select(User).where(User.username == username)).first()
            if user is None:
                raise NotFound("not_found.user", id=username)
            user.password_hash = passwords.hash_password(password, password_cost(session))
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            self._log(session, actor, "set_password", "user", user.id, username)
            return self._user_row(user), password

    def list_users(self, actor: Actor) -> list[Row]:
        require(actor, Action.USERS_READ)
        with self.site.sessions() as session:
            return [self._user_row(u) for u in session.scalars(select(User).order_by(User.id))]

    @staticmethod
    def _user_row(user: User) -> Row:
        return {
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "unit_id": user.unit_id,
            "active": user.active,
            "created_at": iso_utc(user.created_at),
        }

    # -- authority keys ----------------------------------------------------------------------

    def list_authority_keys(self, actor: Actor) -> list[Row]:
        """Every authority public key; stations and locks trust those not retired."""
        require_role(actor, Action.ORG_READ)
        with self.site.sessions() as session:
            rows = session.scalars(select(AuthorityKey).order_by(AuthorityKey.id))
            return [
                {
                    "key_id": k.key_id,
                    "public_key": k.public_key.hex(),
                    "state": k.state,
                    "created_at": iso_utc(k.created_at),
                    "retired_at": iso_utc(k.retired_at),
                }
                for k in rows
            ]

    def authority_public_keys(self, actor: Actor) -> list[bytes]:
        """The public keys stations and locks must trust now: all but the retired ones.

        The list for a station's configuration (``authority_keys``) and for a
        lock's installation; the signing key first.
        """
        require_role(actor, Action.ORG_READ, Action.STATION_SYNC)
        with self.site.sessions() as session:
            rows = session.scalars(
                select(AuthorityKey)
                .where(AuthorityKey.state != "retired")
                .order_by(AuthorityKey.state != "signing", AuthorityKey.id)
            )
            return [row.public_key for row in rows]

    def add_authority_key(self, actor: Actor) -> Row:
        """Rotation, step 1: a new key that devices are told to trust but that signs nothing yet.

        Give its public key to every station (configuration) and lock, then
        ``use_authority_key`` it, then ``retire_authority_key`` the old one.
        """
        require(actor, Action.SITE_MANAGE)
        with self.site.sessions.begin() as session:
            self.signing_key(session)  # refuse while the current key is unusable
            key = authority.generate(self.site.authority_dir)
            session.add(
                AuthorityKey(
                    key_id=key.key_id.hex(),
                    public_key=key.public_key,
                    state="accepted",
                    created_at=self.now(),
                )
            )
            self._log(session, actor, "add", "authority", None, key.key_id.hex())
        return {"key_id": key.key_id.hex(), "public_key": key.public_key.hex(), "state": "accepted"}

    def use_authority_key(self, actor: Actor, key_id: str) -> Row:
        """Rotation, step 2: this accepted key signs from now on; the old one stays accepted.

        Every bundle and the blocklist are re-signed with it at their next build.
        """
        require(actor, Action.SITE_MANAGE)
        with self.site.sessions.begin() as session:
            row = session.scalars(
                select(AuthorityKey).where(AuthorityKey.key_id == key_id.lower())
            ).first()
            if row is None:
                raise NotFound("not_found.authority_key", id=key_id)
            if row.state != "accepted":
                raise Conflict("authority.use_state", id=key_id, state=row.state)
            authority.load(self.site.authority_dir, bytes.fromhex(row.key_id))  # usable?
            for old in session.scalars(select(AuthorityKey).where(AuthorityKey.state == "signing")):
                old.state = "accepted"
            row.state = "signing"
            self._log(session, actor, "use", "authority", None, row.key_id)
        self._signing = None
        return {"key_id": row.key_id, "public_key": row.public_key.hex(), "state": "signing"}

    def rotate_authority(self, actor: Actor) -> Row:
        """Steps 1 and 2 at once: only for sites whose devices already trust the new key
        or that accept that stations reject bundles until they are given it."""
        added = self.add_authority_key(actor)
        return self.use_authority_key(actor, added["key_id"])

    def retire_authority_key(self, actor: Actor, key_id: str) -> Row:
        require(actor, Action.SITE_MANAGE)
        with self.site.sessions.begin() as session:
            row = session.scalars(
                select(AuthorityKey).where(AuthorityKey.key_id == key_id.lower())
            ).first()
            if row is None:
                raise NotFound("not_found.authority_key", id=key_id)
            if row.state != "accepted":
                raise Conflict("authority.retire_state", id=key_id, state=row.state)
            row.state = "retired"
            row.retired_at = self.now()
            self._log(session, actor, "retire", "authority", None, key_id)
            return {"key_id": row.key_id, "state": row.state}

    # -- providers and units -----------------------------------------------------------------

    def add_provider(self, actor: Actor, name: str, kind: str) -> Row:
        require(actor, Action.ORG_MANAGE)
        name = _check_name(name, "provider")
        if kind not in PROVIDER_KINDS:
            raise Invalid("provider.kind", kind=kind, kinds=", ".join(PROVIDER_KINDS))
        with self.site.sessions.begin() as session:
            if session.scalars(select(Provider).where(Provider.name == name)).first():
                raise Conflict("exists.provider", name=name)
            provider = Provider(name=name, kind=kind, created_at=self.now())
            session.add(provider)
            session.flush()
            self._log(session, actor, "add", "provider", provider.id, name)
            return self._provider_row(provider)

    def list_providers(self, actor: Actor) -> list[Row]:
        require_role(actor, Action.ORG_READ)
        with self.site.sessions() as session:
            rows = session.scalars(select(Provider).order_by(Provider.id))
            return [self._provider_row(p) for p in rows]

    def show_provider(self, actor: Actor, provider_id: int) -> Row:
        require_role(actor, Action.ORG_READ)
        with self.site.sessions() as session:
            provider = self._get(session, Provider, provider_id, "provider")
            row = self._provider_row(provider)
            units = session.scalars(select(Unit).where(Unit.provider_id == provider_id))
            row["units"] = [self._unit_row(u) for u in units]
            return row

    @staticmethod
    def _provider_row(provider: Provider) -> Row:
        return {"id": provider.id, "name": provider.name, "kind": provider.kind}

    def add_unit(self, actor: Actor, provider_id: int, name: str) -> Row:
        require(actor, Action.ORG_MANAGE)
        name = _check_name(name, "unit")
        with self.site.sessions.begin() as session:
            self._get(session, Provider, provider_id, "provider")
            duplicate = select(Unit).where(Unit.provider_id == provider_id, Unit.name == name)
            if session.scalars(duplicate).first():
                raise Conflict("exists.unit", name=name)
            unit = Unit(provider_id=provider_id, name=name, created_at=self.now())
            session.add(unit)
            session.flush()
            self._log(session, actor, "add", "unit", unit.id, name)
            return self._unit_row(unit)

    def list_units(self, actor: Actor) -> list[Row]:
        require_role(actor, Action.ORG_READ)
        with self.site.sessions() as session:
            return [self._unit_row(u) for u in session.scalars(select(Unit).order_by(Unit.id))]

    def show_unit(self, actor: Actor, unit_id: int) -> Row:
        """A unit with its numbers and locks; a unit manager sees only their own."""
        require(actor, Action.ORG_READ, unit_id if actor.scoped else None)
        with self.site.sessions() as session:
            row = self._unit_row(self._get(session, Unit, unit_id, "unit"))
            row["stations"] = session.scalar(
                select(func.count()).select_from(Station).where(Station.unit_id == unit_id)
            )
            row["staff"] = session.scalar(
                select(func.count()).select_from(Staff).where(Staff.unit_id == unit_id)
            )
            row["customers"] = session.scalar(
                select(func.count()).select_from(Customer).where(Customer.unit_id == unit_id)
            )
            row["locks"] = sorted(bundles.unit_lock_ids(session, unit_id))
            return row

    @staticmethod
    def _unit_row(unit: Unit) -> Row:
        return {"id": unit.id, "provider_id": unit.provider_id, "name": unit.name}

    # -- stations ----------------------------------------------------------------------------

    def add_station(
        self, actor: Actor, unit_id: int, name: str, station_id: int | None = None
    ) -> tuple[Row, str]:
        """Register a station; returns it and its bearer credential (shown once, kept hashed)."""
        require(actor, Action.STATIONS_MANAGE)
        name = _check_name(name, "station")
        if station_id is not None:
            _check_id(station_id, "station")
        credential = new_credential()
        with self.site.sessions.begin() as session:
            self._get(session, Unit, unit_id, "unit")
            if station_id is not None and session.get(Station, station_id) is not None:
                raise Conflict("exists.station", id=station_id)
            station = Station(
                id=station_id,
                unit_id=unit_id,
                name=name,
                credential_hash=credential_hash(credential),
                created_at=self.now(),
            )
            session.add(station)
            session.flush()
            self._log(session, actor, "add", "station", station.id, name)
            return self._station_row(station), credential

    def new_station_credential(self, actor: Actor, station_id: int) -> str:
        require(actor, Action.STATIONS_MANAGE)
        credential = new_credential()
        with self.site.sessions.begin() as session:
            station = self._get(session, Station, station_id, "station")
            station.credential_hash = credential_hash(credential)
            self._log(session, actor, "new_credential", "station", station_id)
        return credential

    def station_config(
        self,
        actor: Actor,
        station_id: int,
        backoffice_url: str,
        support_contact: str,
        credential: str | None = None,
        options: dict[str, str] | None = None,
    ) -> tuple[bytes, bytes, str]:
        """The station's signed configuration (``station_config``): station.json, station.sig.

        The back office keeps only a hash of the credential, so without
        ``credential`` (the one ``add_station`` returned) a new one is issued
        and the old one stops working. Returns the two files and the credential.
        """
        require(actor, Action.STATIONS_MANAGE)
        with self.site.sessions() as session:
            key = self.signing_key(session)  # before a credential is replaced: it must sign
            station = self._get(session, Station, station_id, "station")
            unit_id = station.unit_id
            if credential is not None and not hmac.compare_digest(
                station.credential_hash, credential_hash(credential)
            ):
                raise Invalid("config.credential", id=station_id)
        station_config.check(backoffice_url, support_contact, options or {})
        keys = self.authority_public_keys(actor)
        if credential is None:
            credential = self.new_station_credential(actor, station_id)
        data, signature = station_config.signed(
            key,
            station_id=station_id,
            unit_id=unit_id,
            backoffice_url=backoffice_url,
            credential=credential,
            authority_keys=keys,
            support_contact=support_contact,
            options=options,
        )
        with self.site.sessions.begin() as session:
            self._log(session, actor, "config", "station", station_id, backoffice_url)
        return data, signature, credential

    def set_station_neighbours(self, actor: Actor, station_id: int, unit_ids: Sequence[int]) -> Row:
        """The units whose keys the station may also serve (seed 004: a neighbouring unit's
        staff borrow it when their own station is out of order); replaces the earlier list.

        At most ``bundles.MAX_BORROWING_UNITS`` units, and with the station's own at most
        ``bundles.MAX_SERVED_KEYS`` active keys (the station's cache budget). The station's
        next bundle carries their keys, sets and code verifiers.
        """
        require(actor, Action.STATIONS_MANAGE)
        wanted = sorted(set(unit_ids))
        if len(wanted) > bundles.MAX_BORROWING_UNITS:
            raise Invalid("station.too_many_neighbours", max=bundles.MAX_BORROWING_UNITS)
        with self.site.sessions.begin() as session:
            station = self._get(session, Station, station_id, "station")
            for unit_id in wanted:
                self._get(session, Unit, unit_id, "unit")
                if unit_id == station.unit_id:
                    raise Invalid("station.neighbour_own", id=station_id)
            served = [station.unit_id, *wanted]
            keys = session.scalar(
                select(func.count())
                .select_from(Key)
                .join(Staff, Staff.id == Key.staff_id)
                .where(Staff.unit_id.in_(served), Staff.active.is_(True), Key.state == "active")
            )
            if wanted and (keys or 0) > bundles.MAX_SERVED_KEYS:
                raise Invalid("station.neighbour_keys", count=keys, max=bundles.MAX_SERVED_KEYS)
            session.execute(
                delete(StationNeighbour).where(StationNeighbour.station_id == station_id)
            )
            now = self.now()
            for unit_id in wanted:
                session.add(
                    StationNeighbour(station_id=station_id, unit_id=unit_id, created_at=now)
                )
            detail = ",".join(map(str, wanted)) or "-"
            self._log(session, actor, "neighbours", "station", station_id, detail)
            row = self._station_row(station)
            row["serves_units"] = wanted
            return row

    def list_stations(self, actor: Actor, unit_id: int | None = None) -> list[Row]:
        query = select(Station).order_by(Station.id)
        return self._scoped_rows(
            actor, Action.STATIONS_READ, query, Station.unit_id, unit_id, self._station_row
        )

    def show_station(self, actor: Actor, station_id: int) -> Row:
        require_role(actor, Action.STATIONS_READ)
        with self.site.sessions() as session:
            station = self._get(session, Station, station_id, "station")
            require(actor, Action.STATIONS_READ, station.unit_id)
            row = self._station_row(station)
            row["last_status"] = station.last_status
            stored = session.get(StationBundle, station_id)
            row["bundle_serial"] = stored.serial if stored else 0
            row["bundle_issued_at"] = iso_utc(stored.issued_at) if stored else None
            row["serves_units"] = bundles.neighbour_units(session, station_id)
            return row

    @staticmethod
    def _station_row(station: Station) -> Row:
        return {
            "id": station.id,
            "unit_id": station.unit_id,
            "name": station.name,
            "last_seen": iso_utc(station.last_seen),
            "bundle_serial_delivered": station.bundle_serial_delivered,
        }

    # -- staff -------------------------------------------------------------------------------

    def add_staff(
        self, actor: Actor, unit_id: int, name: str, code: str | None = None
    ) -> tuple[Row, str]:
        """Add a member of staff; returns the row and the personal code (generated if None)."""
        require(actor, Action.STAFF_MANAGE, unit_id)
        name = _check_name(name, "staff")
        code = code if code is not None else codes.generate_code()
        with self.site.sessions.begin() as session:
            self._get(session, Unit, unit_id, "unit")
            salt, verifier = codes.make_verifier(code, settings(session).code_iterations)
            staff = Staff(
                unit_id=unit_id,
                name=name,
                code_salt=salt,
                code_verifier=verifier,
                created_at=self.now(),
            )
            session.add(staff)
            session.flush()
            self._log(session, actor, "add", "staff", staff.id)
            return self._staff_row(staff), code

    def set_staff_code(self, actor: Actor, staff_id: int, code: str | None = None) -> str:
        require_role(actor, Action.STAFF_MANAGE)
        code = code if code is not None else codes.generate_code()
        with self.site.sessions.begin() as session:
            staff = self._get(session, Staff, staff_id, "staff")
            require(actor, Action.STAFF_MANAGE, staff.unit_id)
            staff.code_salt, staff.code_verifier = codes.make_verifier(
                code, settings(session).code_iterations
            )
            self._log(session, actor, "new_code", "staff", staff_id)
        return code

    def deactivate_staff(self, actor: Actor, staff_id: int, reason: str) -> Row:
        """Staff leaving: excluded from bundles; their active keys are blocked at once."""
        require_role(actor, Action.STAFF_MANAGE)
        with self.site.sessions.begin() as session:
            staff = self._get(session, Staff, staff_id, "staff")
            require(actor, Action.STAFF_MANAGE, staff.unit_id)
            if not staff.active:
                raise Conflict("staff.inactive", id=staff_id)
            staff.active = False
            active_keys = select(Key).where(Key.staff_id == staff_id, Key.state == "active")
            for key in session.scalars(active_keys):
                self._change_key_state(session, actor, key, "blocked", reason)
            self._log(session, actor, "deactivate", "staff", staff_id, reason)
            return self._staff_row(staff)

    def list_staff(self, actor: Actor, unit_id: int | None = None) -> list[Row]:
        query = select(Staff).order_by(Staff.id)
        return self._scoped_rows(
            actor, Action.STAFF_READ, query, Staff.unit_id, unit_id, self._staff_row
        )

    def show_staff(self, actor: Actor, staff_id: int) -> Row:
        require_role(actor, Action.STAFF_READ)
        with self.site.sessions() as session:
            staff = self._get(session, Staff, staff_id, "staff")
            require(actor, Action.STAFF_READ, staff.unit_id)
            row = self._staff_row(staff)
            keys = session.scalars(select(Key).where(Key.staff_id == staff_id).order_by(Key.id))
            row["keys"] = [self._key_row(k, staff) for k in keys]
            return row

    @staticmethod
    def _staff_row(staff: Staff) -> Row:
        return {
            "id": staff.id,
            "unit_id": staff.unit_id,
            "name": staff.name,
            "active": staff.active,
            "created_at": iso_utc(staff.created_at),
        }

    # -- keys --------------------------------------------------------------------------------

    def add_key(
        self,
        actor: Actor,
        staff_id: int,
        public_key: bytes,
        key_id: int | None = None,
        pin_secret: bytes | None = None,
    ) -> Row:
        """Register (enrol) a key. ``pin_secret`` is the key's (SPEC.md 5.11) when the
        enrolment made it; None draws one here. Either way the row returned carries it
        (hex, ``pin_secret``) this once, to be written into the key; it is never shown
        again."""
        require_role(actor, Action.KEYS_MANAGE)
        if len(public_key) != 32:
            raise Invalid("key.public_key")
        secret = codes.check_pin_secret(pin_secret) if pin_secret else codes.new_pin_secret()
        if key_id is not None:
            _check_id(key_id, "key")
        with self.site.sessions.begin() as session:
            staff = self._get(session, Staff, staff_id, "staff")
            require(actor, Action.KEYS_MANAGE, staff.unit_id)
            if not staff.active:
                raise Conflict("staff.inactive", id=staff_id)
            if key_id is None:
                key_id = (session.scalar(select(func.max(Key.id))) or 0) + 1
            if session.get(Key, key_id) is not None:
                raise Conflict("exists.key", id=key_id)
            if session.scalars(select(Key).where(Key.public_key == public_key)).first():
                raise Conflict("exists.public_key")
            key = Key(
                id=key_id,
                staff_id=staff_id,
                public_key=public_key,
                pin_secret=secret,
                state="active",
                created_at=self.now(),
            )
            session.add(key)
            session.flush()
            session.add(
                KeyStateChange(
                    key_id=key_id,
                    from_state=None,
                    to_state="active",
                    changed_by=actor.user_id,
                    changed_at=self.now(),
                    reason="",
                )
            )
            self._log(session, actor, "add", "key", key_id, f"staff {staff_id}")
            return {**self._key_row(key, staff), "pin_secret": secret.hex()}

    def set_key_pin_secret(self, actor: Actor, key_id: int, pin_secret: bytes | None = None) -> Row:
        """Enrol a key again with a new pin_secret (given, or drawn here when None).

        Every verifier of the key changes with the next bundle, so the key must get the
        new secret at the same time. The row carries it (hex) this once, as ``add_key``'s.
        """
        require_role(actor, Action.KEYS_MANAGE)
        secret = codes.check_pin_secret(pin_secret) if pin_secret else codes.new_pin_secret()
        with self.site.sessions.begin() as session:
            key = self._get(session, Key, key_id, "key")
            staff = self._get(session, Staff, key.staff_id, "staff")
            require(actor, Action.KEYS_MANAGE, staff.unit_id)
            key.pin_secret = secret
            self._log(session, actor, "pin_secret", "key", key_id)
            return {**self._key_row(key, staff), "pin_secret": secret.hex()}

    def set_key_state(self, actor: Actor, key_id: int, state: str, reason: str) -> Row:
        """Report lost, block, unblock (state ``active``) or retire a key.

        Lost and blocked keys leave every bundle and join the signed blocklist
        the next time a bundle is built.
        """
        require_role(actor, Action.KEYS_BLOCK, Action.KEYS_MANAGE)
        if state not in KEY_STATES:
            raise Invalid("key.state", state=state)
        with self.site.sessions.begin() as session:
            key = self._get(session, Key, key_id, "key")
            staff = self._get(session, Staff, key.staff_id, "staff")
            action = KEY_TRANSITIONS.get((key.state, state))
            if action is None:
                require(actor, Action.KEYS_BLOCK, staff.unit_id)
                raise Conflict("key.transition", id=key_id, old=key.state, new=state)
            require(actor, action, staff.unit_id)
            if state == "active" and not staff.active:
                raise Conflict("staff.inactive", id=staff.id)
            self._change_key_state(session, actor, key, state, reason)
            return self._key_row(key, staff)

    def _change_key_state(
        self, session: Session, actor: Actor, key: Key, state: str, reason: str
    ) -> None:
        session.add(
            KeyStateChange(
                key_id=key.id,
                from_state=key.state,
                to_state=state,
                changed_by=actor.user_id,
                changed_at=self.now(),
                reason=reason,
            )
        )
        self._log(session, actor, state, "key", key.id, reason)
        key.state = state

    def list_keys(
        self,
        actor: Actor,
        unit_id: int | None = None,
        state: str | None = None,
        staff_id: int | None = None,
    ) -> list[Row]:
        query = self._unit_query(
            actor,
            Action.KEYS_READ,
            select(Key, Staff).join(Staff, Staff.id == Key.staff_id).order_by(Key.id),
            Staff.unit_id,
            unit_id,
        )
        if state is not None:
            query = query.where(Key.state == state)
        if staff_id is not None:
            query = query.where(Key.staff_id == staff_id)
        with self.site.sessions() as session:
            return [self._key_row(k, s) for k, s in session.execute(query)]

    def show_key(self, actor: Actor, key_id: int) -> Row:
        require_role(actor, Action.KEYS_READ)
        with self.site.sessions() as session:
            key = self._get(session, Key, key_id, "key")
            staff = self._get(session, Staff, key.staff_id, "staff")
            require(actor, Action.KEYS_READ, staff.unit_id)
            row = self._key_row(key, staff)
            history = session.execute(
                select(KeyStateChange, User.username)
                .outerjoin(User, User.id == KeyStateChange.changed_by)
                .where(KeyStateChange.key_id == key_id)
                .order_by(KeyStateChange.id)
            )
            row["history"] = [
                {
                    "at": iso_utc(change.changed_at),
                    "from": change.from_state,
                    "to": change.to_state,
                    "by": username,
                    "reason": change.reason,
                }
                for change, username in history
            ]
            return row

    @staticmethod
    def _key_row(key: Key, staff: Staff) -> Row:
        return {
            "id": key.id,
            "staff_id": key.staff_id,
            "unit_id": staff.unit_id,
            "state": key.state,
            "public_key": key.public_key.hex(),
            "pin_secret_set": key.pin_secret is not None,
        }

    # -- customers ---------------------------------------------------------------------------

    def add_customer(self, actor: Actor, reference: str, unit_id: int) -> Row:
        require(actor, Action.CUSTOMERS_MANAGE, unit_id)
        reference = _check_name(reference, "customer")
        with self.site.sessions.begin() as session:
            unit = self._get(session, Unit, unit_id, "unit")
            if session.scalars(select(Customer).where(Customer.reference == reference)).first():
                raise Conflict("exists.customer", name=reference)
            customer = Customer(
                reference=reference,
                provider_id=unit.provider_id,
                unit_id=unit_id,
                created_at=self.now(),
            )
            session.add(customer)
            session.flush()
            self._log(session, actor, "add", "customer", customer.id)
            return self._customer_row(customer)

    def list_customers(self, actor: Actor, unit_id: int | None = None) -> list[Row]:
        query = select(Customer).order_by(Customer.id)
        return self._scoped_rows(
            actor, Action.CUSTOMERS_READ, query, Customer.unit_id, unit_id, self._customer_row
        )

    def show_customer(self, actor: Actor, customer_id: int) -> Row:
        require_role(actor, Action.CUSTOMERS_READ)
        with self.site.sessions() as session:
            customer = self._get(session, Customer, customer_id, "customer")
            require(actor, Action.CUSTOMERS_READ, customer.unit_id)
            row = self._customer_row(customer)
            installs = session.scalars(
                select(LockInstallation)
                .where(LockInstallation.customer_id == customer_id)
                .order_by(LockInstallation.id)
            )
            row["locks"] = [self._installation_row(i) for i in installs]
            return row

    @staticmethod
    def _customer_row(customer: Customer) -> Row:
        return {
            "id": customer.id,
            "reference": customer.reference,
            "provider_id": customer.provider_id,
            "unit_id": customer.unit_id,
        }

    # -- locks -------------------------------------------------------------------------------

    def add_lock(
        self,
        actor: Actor,
        lock_type: str,
        name: str = "",
        lock_id: int | None = None,
        secret: bytes | None = None,
    ) -> tuple[Row, bytes]:
        """Register a lock; returns it and its 32-byte MAC secret (generated if None)."""
        require(actor, Action.LOCKS_MANAGE)
        if lock_type not in LOCK_TYPES:
            raise Invalid("lock.type", type=lock_type, types=", ".join(LOCK_TYPES))
        if lock_id is not None:
            _check_id(lock_id, "lock")
        if secret is not None and len(secret) != 32:
            raise Invalid("lock.secret")
        secret = secret or secrets.token_bytes(32)
        name = name.strip()
        with self.site.sessions.begin() as session:
            if lock_id is None:
                lock_id = (session.scalar(select(func.max(Lock.id))) or 0) + 1
            if session.get(Lock, lock_id) is not None:
                raise Conflict("exists.lock", id=lock_id)
            lock = Lock(
                id=lock_id,
                type=lock_type,
                name=name,
                secret=secret,
                created_at=self.now(),
                created_by=actor.user_id,
            )
            session.add(lock)
            session.flush()
            self._log(session, actor, "add", "lock", lock_id, lock_type)
            return self._lock_row(lock, None), secret

    def install_lock(
        self, actor: Actor, lock_id: int, address: str, customer_id: int | None = None
    ) -> Row:
        """Mount a lock at an address (for a customer, for customer doors and key boxes)."""
        require(actor, Action.LOCKS_MANAGE)
        address = _check_name(address, "address")
        with self.site.sessions.begin() as session:
            lock = self._get(session, Lock, lock_id, "lock")
            if lock.type in CUSTOMER_LOCK_TYPES and customer_id is None:
                raise Invalid("lock.needs_customer", id=lock_id, type=lock.type)
            if customer_id is not None:
                self._get(session, Customer, customer_id, "customer")
            if self._open_installation(session, lock_id) is not None:
                raise Conflict("lock.installed", id=lock_id)
            installation = LockInstallation(
                lock_id=lock_id,
                address=address,
                customer_id=customer_id,
                installed_at=self.now(),
                installed_by=actor.user_id,
            )
            session.add(installation)
            session.flush()
            self._log(session, actor, "install", "lock", lock_id, address)
            return self._lock_row(lock, installation)

    def remove_lock(self, actor: Actor, lock_id: int) -> Row:
        require(actor, Action.LOCKS_MANAGE)
        with self.site.sessions.begin() as session:
            lock = self._get(session, Lock, lock_id, "lock")
            installation = self._open_installation(session, lock_id)
            if installation is None:
                raise Conflict("lock.not_installed", id=lock_id)
            installation.removed_at = self.now()
            installation.removed_by = actor.user_id
            self._log(session, actor, "remove", "lock", lock_id, installation.address)
            return self._lock_row(lock, None)

    @staticmethod
    def _open_installation(session: Session, lock_id: int) -> LockInstallation | None:
        return session.scalars(
            select(LockInstallation).where(
                LockInstallation.lock_id == lock_id, LockInstallation.removed_at.is_(None)
            )
        ).first()

    def _lock_unit(self, session: Session, lock_id: int) -> int | None:
        """The unit whose customer the lock is mounted for (None: common or not mounted)."""
        installation = self._open_installation(session, lock_id)
        if installation is None or installation.customer_id is None:
            return None
        customer = session.get(Customer, installation.customer_id)
        return customer.unit_id if customer else None

    def list_locks(
        self, actor: Actor, unit_id: int | None = None, installed: bool | None = None
    ) -> list[Row]:
        """Locks; a unit filter (forced for a unit manager) means the locks the unit may open."""
        require(actor, Action.LOCKS_READ, actor.unit_id if actor.scoped else None)
        scope = actor.unit_scope()
        with self.site.sessions() as session:
            query = select(Lock).order_by(Lock.id)
            for unit in (scope, unit_id):
                if unit is not None:
                    query = query.where(Lock.id.in_(bundles.unit_lock_ids(session, unit)))
            installs = {
                i.lock_id: i
                for i in session.scalars(
                    select(LockInstallation).where(LockInstallation.removed_at.is_(None))
                )
            }
            rows = [self._lock_row(lock, installs.get(lock.id)) for lock in session.scalars(query)]
        if installed is not None:
            rows = [r for r in rows if r["installed"] == installed]
        return rows

    def show_lock(self, actor: Actor, lock_id: int) -> Row:
        require_role(actor, Action.LOCKS_READ)
        with self.site.sessions() as session:
            lock = self._get(session, Lock, lock_id, "lock")
            if actor.scoped:
                allowed = lock_id in bundles.unit_lock_ids(session, actor.unit_id or 0)
                require(actor, Action.LOCKS_READ, actor.unit_id if allowed else None)
            else:
                require(actor, Action.LOCKS_READ)
            row = self._lock_row(lock, self._open_installation(session, lock_id))
            history = session.scalars(
                select(LockInstallation)
                .where(LockInstallation.lock_id == lock_id)
                .order_by(LockInstallation.id)
            )
            row["installations"] = [self._installation_row(i) for i in history]
            return row

    @staticmethod
    def _lock_row(lock: Lock, installation: LockInstallation | None) -> Row:
        return {
            "id": lock.id,
            "type": lock.type,
            "name": lock.name,
            "installed": installation is not None,
            "address": installation.address if installation else None,
            "customer_id": installation.customer_id if installation else None,
            "last_seq": lock.last_seq,
        }

    @staticmethod
    def _installation_row(installation: LockInstallation) -> Row:
        return {
            "lock_id": installation.lock_id,
            "address": installation.address,
            "customer_id": installation.customer_id,
            "installed_at": iso_utc(installation.installed_at),
            "installed_by": installation.installed_by,
            "removed_at": iso_utc(installation.removed_at),
            "removed_by": installation.removed_by,
        }

    # -- grants ------------------------------------------------------------------------------

    def grant_unit(self, actor: Actor, unit_id: int, lock_ids: Sequence[int]) -> list[Row]:
        """Let a whole unit's staff open these locks (common areas, entrances, other doors)."""
        require(actor, Action.GRANTS_UNIT)
        if not lock_ids:
            raise Invalid("grant.no_locks")
        with self.site.sessions.begin() as session:
            self._get(session, Unit, unit_id, "unit")
            made = []
            for lock_id in dict.fromkeys(lock_ids):
                self._get(session, Lock, lock_id, "lock")
                existing = session.scalars(
                    select(Grant).where(
                        Grant.unit_id == unit_id,
                        Grant.lock_id == lock_id,
                        Grant.revoked_at.is_(None),
                    )
                ).first()
                if existing is not None:
                    raise Conflict("exists.grant", lock=lock_id, holder=f"unit {unit_id}")
                grant = Grant(
                    lock_id=lock_id,
                    unit_id=unit_id,
                    created_at=self.now(),
                    created_by=actor.user_id,
                )
                session.add(grant)
                session.flush()
                self._log(session, actor, "grant", "grant", grant.id, f"unit {unit_id}")
                made.append(self._grant_row(grant))
            return made

    def grant_personal(self, actor: Actor, staff_id: int, lock_id: int, ends_at: int) -> Row:
        """A temporary grant for one person; a unit manager may lend only own customers' locks.

        Keys carry day sets (SPEC.md 8.4), so the grant is in the sets of the
        days whose whole window it covers (``bundles.covered_until``); one too
        short to cover even today's window is refused, saying the earliest end.
        """
        require_role(actor, Action.GRANTS_PERSONAL)
        if ends_at <= self.now():
            raise Invalid("grant.ends_in_past")
        if bundles.covered_until(ends_at, self.now()) is None:
            earliest = day_window(local_day(self.now()))[1]
            raise Invalid("grant.too_short", earliest=format_time(earliest))
        with self.site.sessions.begin() as session:
            staff = self._get(session, Staff, staff_id, "staff")
            self._get(session, Lock, lock_id, "lock")
            require(actor, Action.GRANTS_PERSONAL, self._lock_unit(session, lock_id))
            if not staff.active:
                raise Conflict("staff.inactive", id=staff_id)
            grant = Grant(
                lock_id=lock_id,
                staff_id=staff_id,
                ends_at=ends_at,
                created_at=self.now(),
                created_by=actor.user_id,
            )
            session.add(grant)
            session.flush()
            self._log(session, actor, "grant", "grant", grant.id, f"staff {staff_id}")
            return self._grant_row(grant)

    def revoke_grant(self, actor: Actor, grant_id: int) -> Row:
        require_role(actor, Action.GRANTS_UNIT, Action.GRANTS_PERSONAL)
        with self.site.sessions.begin() as session:
            grant = self._get(session, Grant, grant_id, "grant")
            if grant.unit_id is not None:
                require(actor, Action.GRANTS_UNIT)
            else:
                require(actor, Action.GRANTS_PERSONAL, self._lock_unit(session, grant.lock_id))
            if grant.revoked_at is not None:
                raise Conflict("grant.revoked", id=grant_id)
            grant.revoked_at = self.now()
            grant.revoked_by = actor.user_id
            self._log(session, actor, "revoke", "grant", grant_id)
            return self._grant_row(grant)

    def list_grants(
        self,
        actor: Actor,
        unit_id: int | None = None,
        staff_id: int | None = None,
        lock_id: int | None = None,
        include_ended: bool = False,
    ) -> list[Row]:
        require(actor, Action.GRANTS_READ, actor.unit_id if actor.scoped else None)
        query = select(Grant).order_by(Grant.id)
        if unit_id is not None:
            query = query.where(Grant.unit_id == unit_id)
        if staff_id is not None:
            query = query.where(Grant.staff_id == staff_id)
        if lock_id is not None:
            query = query.where(Grant.lock_id == lock_id)
        if not include_ended:
            query = query.where(
                Grant.revoked_at.is_(None),
                or_(Grant.ends_at.is_(None), Grant.ends_at > self.now()),
            )
        scope = actor.unit_scope()
        with self.site.sessions() as session:
            if scope is not None:
                own_staff = select(Staff.id).where(Staff.unit_id == scope)
                own_locks = bundles.customer_lock_ids(session, scope)
                query = query.where(
                    or_(
                        Grant.unit_id == scope,
                        Grant.staff_id.in_(own_staff),
                        Grant.lock_id.in_(own_locks),
                    )
                )
            return [self._grant_row(g) for g in session.scalars(query)]

    def _grant_row(self, grant: Grant) -> Row:
        covered = (
            bundles.covered_until(grant.ends_at, self.now()) if grant.ends_at is not None else None
        )
        return {
            "id": grant.id,
            "lock_id": grant.lock_id,
            "unit_id": grant.unit_id,
            "staff_id": grant.staff_id,
            "ends_at": iso_utc(grant.ends_at),
            "in_sets_until": iso_utc(covered),
            "created_at": iso_utc(grant.created_at),
            "revoked_at": iso_utc(grant.revoked_at),
        }

    # -- activity log, anomalies, sync events --------------------------------------------------

    def search_activity(
        self, actor: Actor, query: reports.ActivityQuery, unit_id: int | None = None
    ) -> list[Row]:
        """Lock events of one unit (its staff, its customers' locks) or, for whom may, all.

        Who may read which unit: ``roles.activity_scope``; the read is recorded.
        """
        scope = activity_scope(actor, unit_id)
        with self.site.sessions.begin() as session:
            rows = reports.activity(session, query, scope)
            activity_access.record_read(
                session, actor, self.now(), scope, "cli", asdict(query), len(rows)
            )
            return rows

    def list_anomalies(self, actor: Actor, query: reports.AnomalyQuery) -> list[Row]:
        require(actor, Action.ANOMALIES_READ, actor.unit_id if actor.scoped else None)
        with self.site.sessions() as session:
            return reports.anomalies(session, query, actor.unit_scope())

    def list_sync_events(
        self, actor: Actor, query: reports.SyncQuery, unit_id: int | None = None
    ) -> list[Row]:
        """Key events at the stations (part of the activity log: the same rule, recorded)."""
        scope = activity_scope(actor, unit_id)
        with self.site.sessions.begin() as session:
            rows = reports.sync_events(session, query, scope)
            activity_access.record_read(
                session, actor, self.now(), scope, "cli", {"sync": True, **asdict(query)}, len(rows)
            )
            return rows

    def list_changes(self, actor: Actor, limit: int = 100) -> list[Row]:
        require(actor, Action.USERS_READ)
        with self.site.sessions() as session:
            return reports.changes(session, limit)

    # -- signed objects for people -------------------------------------------------------------

    def current_blocklist(self, actor: Actor) -> Row:
        require(actor, Action.KEYS_READ, actor.unit_id if actor.scoped else None)
        with self.site.sessions.begin() as session:
            current = blocklist.current(session, self.signing_key(session), self.now())
            return {
                "version": current.version,
                "issued_at": iso_utc(current.issued_at),
                "authority_key_id": current.authority_key_id,
                "key_ids": list(current.key_ids),
                "size": len(current.data),
            }

    def export_bundle(self, actor: Actor, station_id: int) -> StoredBundle:
        """The station's current bundle (as the API would serve it), e.g. for provisioning."""
        require(actor, Action.BUNDLES_EXPORT)
        return self._bundle(station_id)

    def refresh_bundles(
        self, actor: Actor, workers: int = 1, station_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """Bring stored bundles up to date ahead of the stations' requests (e.g. after midnight).

        Contents are read in one transaction, signed in ``workers`` processes
        with no transaction open, and stored in a second, short one, so
        uploads are not held up meanwhile. Returns station id -> serial.
        """
        require(actor, Action.BUNDLES_EXPORT)
        now = self.now()
        with self.site.sessions.begin() as session:
            key = self.signing_key(session)
            query = select(Station).order_by(Station.id)
            if station_ids is not None:
                query = query.where(Station.id.in_(station_ids))
            stations = list(session.scalars(query))
            jobs = bundles.plan(session, stations, key, now)
        encoded = bundles.encode_many(jobs, key, self.site.authority_dir, now, workers)
        # Each unique-key hit is a station whose first bundle another request stored
        # meanwhile, which cannot happen twice for one station: the tries are bounded.
        attempts = len(jobs) + 3
        for attempt in range(attempts):
            try:
                with self.site.sessions.begin() as session:
                    bundles.store_many(session, jobs, encoded, key, now)
                    stored = session.scalars(
                        select(StationBundle).where(
                            StationBundle.station_id.in_([s.id for s in stations])
                        )
                    )
                    return {b.station_id: b.serial for b in stored}
            except DBAPIError as exc:
                # A station fetched its first bundle meanwhile and stored it first: store
                # again over it (``store`` gives a changed bundle the next serial).
                if attempt == attempts - 1 or not db.retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def issue_service_token(
        self,
        actor: Actor,
        station_id: int,
        technician: str,
        permissions: Iterable[str],
        hours: float,
    ) -> bytes:
        """Sign a service token (SPEC.md 8.5); a technician may issue one only to themselves."""
        require(actor, Action.SERVICE_TOKENS)
        if not 0 < hours <= MAX_TOKEN_HOURS:
            raise Invalid("token.hours", max=MAX_TOKEN_HOURS)
        bits = service_tokens.permission_bits(permissions)
        with self.site.sessions.begin() as session:
            user = session.scalars(select(User).where(User.username == technician)).first()
            if user is None:
                raise NotFound("not_found.user", id=technician)
            if user.role != Role.TECHNICIAN.value or not user.active:
                raise Invalid("token.not_technician", user=technician)
            if actor.role == Role.TECHNICIAN and actor.user_id != user.id:
                raise Forbidden("forbidden.token_other")
            if station_id == 0:
                if actor.role != Role.ADMIN:
                    raise Forbidden("forbidden.token_any_station")
            else:
                self._get(session, Station, station_id, "station")
            key = self.signing_key(session)
            issued_at = self.now()
            not_before = issued_at - service_tokens.CLOCK_LEEWAY_S
            not_after = issued_at + int(timedelta(hours=hours).total_seconds())
            issue = ServiceTokenIssue(
                station_id=station_id,
                technician_id=user.id,
                permissions=bits,
                not_before=not_before,
                not_after=not_after,
                authority_key_id=key.key_id.hex(),
                issued_by=actor.user_id,
                issued_at=issued_at,
            )
            session.add(issue)
            session.flush()  # the row's id is the token's serial: no two tokens alike
            token = service_tokens.sign(
                key,
                station_id,
                user.id,
                bits,
                not_before,
                not_after,
                serial=service_tokens.serial_of(issue.id),
            )
            self._log(session, actor, "issue", "service_token", station_id, technician)
            return token

    def site_settings(self, actor: Actor) -> Row:
        require_role(actor, Action.ORG_READ)
        with self.site.sessions() as session:
            found = settings(session)
            return {
                "name": found.name,
                "code_iterations": found.code_iterations,
                "created_at": iso_utc(found.created_at),
                "database": self.site.engine.url.render_as_string(hide_password=True),
            }

    # -- the station API -----------------------------------------------------------------------

    def authenticate_station(self, credential: str | None) -> Actor:
        """The station whose bearer credential this is (401 when none matches)."""
        if not credential:
            raise Unauthenticated("auth.missing")
        digest = credential_hash(credential)
        with self.site.sessions() as session:
            station = session.scalars(
                select(Station).where(Station.credential_hash == digest)
            ).first()
            if station is None or not hmac.compare_digest(station.credential_hash, digest):
                raise Unauthenticated("auth.invalid")
            return Actor(None, Role.STATION, station.unit_id, station.id, f"station {station.id}")

    @staticmethod
    def check_station(actor: Actor, station_id: int) -> None:
        """Forbidden unless the actor is the station with this id."""
        require(actor, Action.STATION_SYNC, actor.unit_id)
        if actor.station_id != station_id:
            raise Forbidden("forbidden.other_station", station=station_id)

    def station_bundle(self, actor: Actor, station_id: int) -> StoredBundle:
        self.check_station(actor, station_id)
        return self._bundle(station_id)

    def _bundle(self, station_id: int) -> StoredBundle:
        for attempt in range(3):
            try:
                with self.site.sessions.begin() as session:
                    station = self._get(session, Station, station_id, "station")
                    stored = bundles.current(
                        session, station, self.signing_key(session), self.now()
                    )
                    return StoredBundle(stored.serial, stored.issued_at, stored.data)
            except DBAPIError as exc:
                # Another request stored the same station's bundle first: read theirs.
                if attempt == 2 or not db.retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def bundle_delivered(self, actor: Actor, station_id: int, serial: int) -> None:
        self.check_station(actor, station_id)
        with self.site.sessions.begin() as session:
            station = self._get(session, Station, station_id, "station")
            station.bundle_serial_delivered = serial
            station.last_seen = self.now()

    def ingest_upload(self, actor: Actor, station_id: int, body: bytes) -> audit_ingest.Ack:
        """Store an upload batch (SPEC.md 9.1); the ack is returned only after the commit."""
        self.check_station(actor, station_id)
        for attempt in range(3):
            try:
                with self.site.sessions.begin() as session:
                    return audit_ingest.ingest(session, station_id, body, self.now())
            except DBAPIError as exc:
                # A concurrent upload stored some of the same events: run again, they dedupe.
                if attempt == 2 or not db.retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def heartbeat(self, actor: Actor, station_id: int, status: dict[str, Any]) -> int:
        self.check_station(actor, station_id)
        with self.site.sessions.begin() as session:
            station = self._get(session, Station, station_id, "station")
            station.last_seen = self.now()
            station.last_status = status
        return self.now()

    def station_time(self, actor: Actor) -> int:
        require(actor, Action.STATION_SYNC, actor.unit_id)
        return self.now()
