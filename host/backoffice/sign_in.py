"""Web sign-in of back-office users: passwords, sessions kept in the database, throttling.

A session is a random 32-byte token in the browser's cookie; the database
keeps only its SHA-256, with a per-session CSRF token for the forms. A
session ends after ``IDLE_S`` without a request, after ``MAX_AGE_S`` in any
case, at sign-out, and as soon as the user is deactivated; the user's role
and unit are read again on every request, so a change applies at once.

After ``MAX_FAILURES`` wrong passwords for one user name within
``FAILURE_WINDOW_S``, sign-in for that name is refused until the window has
passed (counted in this process, so a restart forgets it). The answer never
says whether a user name exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from functools import cache

from sqlalchemy import delete, or_, select

from host.backoffice import passwords
from host.backoffice.errors import Forbidden, Unauthenticated
from host.backoffice.models import ChangeLog, User, WebSession
from host.backoffice.roles import Actor, Role
from host.backoffice.site import Clock, Site, system_clock

IDLE_S = 60 * 60
MAX_AGE_S = 12 * 3600
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
TOUCH_EVERY_S = 60
MAX_USERNAME = 200
MAX_TRACKED = 10_000


@cache
def _dummy_hash() -> str:
    return passwords.hash_password(secrets.token_urlsafe(16))


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
        self._failures: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def _throttled(self, name: str, now: int) -> bool:
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if t > now - FAILURE_WINDOW_S]
            self._failures[name] = recent
            return len(recent) >= MAX_FAILURES

    def _failed(self, name: str, now: int) -> None:
        with self._lock:
            if len(self._failures) > MAX_TRACKED:  # many names tried: forget the stale ones
                self._failures = {
                    n: times
                    for n, times in self._failures.items()
                    if times and times[-1] > now - FAILURE_WINDOW_S
                }
            self._failures.setdefault(name, []).append(now)

    def sign_in(self, username: str, password: str) -> tuple[str, WebIdentity]:
        """A new session for the user (its cookie token, and who it is), or an error."""
        now = self.clock()
        name = username.strip()[:MAX_USERNAME]
        throttle_key = name.casefold()
        if self._throttled(throttle_key, now):
            raise Forbidden("web.sign_in_throttled", minutes=FAILURE_WINDOW_S // 60)
        with self.site.sessions() as session:
            user = session.scalars(select(User).where(User.username == name)).first()
        # An unknown name costs the same scrypt as a known one.
        stored = user.password_hash if user is not None else _dummy_hash()
        if not passwords.verify_password(password, stored) or user is None or not user.active:
            self._failed(throttle_key, now)
            raise Unauthenticated("web.sign_in_failed")
        with self._lock:
            self._failures.pop(throttle_key, None)
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self.site.sessions.begin() as session:
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
            actor = Actor(user.id, Role(user.role), user.unit_id, None, user.username)
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
            identity = WebIdentity(
                Actor(user.id, Role(user.role), user.unit_id, None, user.username),
                row.csrf_token,
                row.id,
            )
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
