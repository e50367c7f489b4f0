"""Web sign-in of back-office users: passwords, sessions kept in the database, throttling.

A session is a random 32-byte token in the browser's cookie; the database
keeps only its SHA-256, with a per-session CSRF token for the forms. A
session ends after ``IDLE_S`` without a request, after ``MAX_AGE_S`` in any
case, at sign-out, and as soon as the user is deactivated; the user's role
and unit (and the activity-log grants they hold) are read again on every
request, so a change applies at once.

**The throttle** (``THROTTLE``, the one place of the rule). Every attempt is
counted *before* its password is hashed, in one atomic statement per rule in
the database (table ``sign_in_attempts``), so attempts sent at the same moment,
to several processes or across a restart are all counted. The rules, checked
in this order, each in a window of ``FAILURE_WINDOW_S`` from its first attempt:

| rule | counts attempts of | limit |
|---|---|---|
| ``name_client`` | one user name from one client address | ``MAX_FAILURES`` (5) |
| ``client`` | one client address, any user names | ``MAX_CLIENT_FAILURES`` (30) |
| ``name`` | one user name, from every address | ``MAX_NAME_FAILURES`` (50) |

An attempt over a rule's limit is refused without hashing its password (the
form says when to try again), and the later rules do not count it: a stranger
who typed five wrong passwords for a manager's name locks out only their own
address for that name, never the manager at the office. Only many addresses
together (a distributed guess) reach the name's own limit. A successful
sign-in clears its ``name_client`` counter and gives back its attempt to the
other two: they count wrong passwords only. The client address is the TCP
peer, or behind a trusted reverse proxy the one it forwards
(``host.backoffice.server``). The answer never says whether a user name exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from host.backoffice import passwords
from host.backoffice.activity_access import user_actor
from host.backoffice.errors import Forbidden, Unauthenticated
from host.backoffice.models import ChangeLog, SignInAttempts, User, WebSession
from host.backoffice.roles import Actor
from host.backoffice.site import Clock, Site, password_cost, system_clock

IDLE_S = 60 * 60
MAX_AGE_S = 12 * 3600
MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 30
MAX_NAME_FAILURES = 50
FAILURE_WINDOW_S = 15 * 60
TOUCH_EVERY_S = 60
MAX_USERNAME = 200


@dataclass(frozen=True)
class ThrottleRule:
    """At most ``limit`` attempts per ``window_s`` for one value of what ``scope`` counts by."""

    scope: str  # name_client | client | name
    limit: int
    window_s: int

    def key(self, name: str, client: str) -> str:
        counted = {"name_client": (name, client), "client": ("", client), "name": (name, "")}
        parts = (self.scope, *counted[self.scope])
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


THROTTLE = (
    ThrottleRule("name_client", MAX_FAILURES, FAILURE_WINDOW_S),
    ThrottleRule("client", MAX_CLIENT_FAILURES, FAILURE_WINDOW_S),
    ThrottleRule("name", MAX_NAME_FAILURES, FAILURE_WINDOW_S),
)


@cache
def _dummy_hash(cost: passwords.Cost) -> str:
    return passwords.hash_password(secrets.token_urlsafe(16), cost)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class WebIdentity:
    """A signed-in user: who they are now, and the CSRF token their forms must carry."""

    actor: Actor
    csrf: str
    session_id: int


class SignIn:
    def __init__(self, site: Site, clock: Clock = system_clock) -> None:
        self.site = site
        self.clock = clock

    @staticmethod
    def _count(session: Session, rule: ThrottleRule, key: str, now: int) -> tuple[int, int]:
        """Count one attempt for ``key``, atomically; its count and its window's start."""
        row = SignInAttempts
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        expired = row.window_start <= now - rule.window_s
        statement = (
            insert(row)
            .values(key=key, window_start=now, attempts=1)
            .on_conflict_do_update(
                index_elements=[row.key],
                set_={
                    "attempts": case((expired, 1), else_=row.attempts + 1),
                    "window_start": case((expired, now), else_=row.window_start),
                },
            )
            .returning(row.attempts, row.window_start)
        )
        attempts, window_start = session.execute(statement).one()
        return int(attempts), int(window_start)

    def _admit(self, name: str, client: str, now: int) -> None:
        """Count this attempt by every rule; Forbidden when one of them is over its limit."""
        with self.site.sessions.begin() as session:
            for rule in THROTTLE:
                attempts, window_start = self._count(session, rule, rule.key(name, client), now)
                if attempts > rule.limit:
                    wait_s = max(window_start + rule.window_s - now, 1)
                    refused = -(-wait_s // 60)
                    break
            else:
                return
        raise Forbidden("web.sign_in_throttled", minutes=refused)

    @staticmethod
    def _forgive(session: Session, name: str, client: str, now: int) -> None:
        """A right password: its attempt was no failure; forget what has expired."""
        pair, *others = THROTTLE
        session.execute(delete(SignInAttempts).where(SignInAttempts.key == pair.key(name, client)))
        session.execute(
            update(SignInAttempts)
            .where(
                SignInAttempts.key.in_([rule.key(name, client) for rule in others]),
                SignInAttempts.attempts > 0,
            )
            .values(attempts=SignInAttempts.attempts - 1)
        )
        longest = max(rule.window_s for rule in THROTTLE)
        session.execute(delete(SignInAttempts).where(SignInAttempts.window_start <= now - longest))

    def sign_in(self, username: str, password: str, client: str = "") -> tuple[str, WebIdentity]:
        """A new session for the user (its cookie token, and who it is), or an error.

        ``client`` is the address the attempt came from (the throttle counts by it).
        """
        now = self.clock()
        name = username.strip()[:MAX_USERNAME]
        throttle_name = name.casefold()
        self._admit(throttle_name, client, now)
        with self.site.sessions() as session:
            user = session.scalars(select(User).where(User.username == name)).first()
            cost = password_cost(session)
        # An unknown name costs the same scrypt as a known one.
        stored = user.password_hash if user is not None else _dummy_hash(cost)
        if not passwords.verify_password(password, stored) or user is None or not user.active:
            raise Unauthenticated("web.sign_in_failed")
        # A hash of an older (lower) cost is made again at the site's, now that we know it.
        rehashed = (
            passwords.hash_password(password, cost)
            if passwords.needs_rehash(stored, cost)
            else None
        )
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self.site.sessions.begin() as session:
            self._forgive(session, throttle_name, client, now)
            if rehashed is not None:
                session.execute(
                    update(User)
                    .where(User.id == user.id, User.password_hash == stored)
                    .values(password_hash=rehashed)
                )
            session.execute(
                delete(WebSession).where(
                    or_(
                        WebSession.last_seen < now - IDLE_S, WebSession.created_at < now - MAX_AGE_S
                    )
                )
            )
            row = WebSession(
                token_hash=token_hash(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                last_seen=now,
            )
            session.add(row)
            session.flush()
            session.add(
                ChangeLog(
                    at=now,
                    user_id=user.id,
                    action="sign_in",
                    object_type="web_session",
                    object_id=row.id,
                    detail="",
                )
            )
            actor = user_actor(session, user, now)
            return token, WebIdentity(actor, csrf, row.id)

    def identify(self, token: str | None) -> WebIdentity | None:
        """Who holds this session token now, or None (no, unknown or ended session)."""
        if not token:
            return None
        now = self.clock()
        digest = token_hash(token)
        with self.site.sessions() as session:
            found = session.execute(
                select(WebSession, User)
                .join(User, User.id == WebSession.user_id)
                .where(WebSession.token_hash == digest)
            ).first()
            if found is None:
                return None
            row, user = found
            if not hmac.compare_digest(row.token_hash, digest):
                return None
            expired = row.last_seen < now - IDLE_S or row.created_at < now - MAX_AGE_S
            if expired or not user.active:
                return None
            identity = WebIdentity(user_actor(session, user, now), row.csrf_token, row.id)
            touch = now - row.last_seen >= TOUCH_EVERY_S
        if touch:
            with self.site.sessions.begin() as session:
                stored = session.get(WebSession, identity.session_id)
                if stored is not None:
                    stored.last_seen = now
        return identity

    def sign_out(self, token: str | None) -> None:
        if not token:
            return
        with self.site.sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
