"""A site: one directory with the database (by default), the authority keys and settings.

``synk admin init --site DIR`` creates DIR/synk.db, DIR/authority/<id>.key
(mode 0600), the settings row, the first authority key and the site
administrator. Every other command opens an existing site; opening applies
pending migrations.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from host.backoffice import authority, db, passwords
from host.backoffice.codes import DEFAULT_ITERATIONS
from host.backoffice.errors import Conflict, Invalid, NotFound
from host.backoffice.models import AuthorityKey, SiteSettings, User
from host.backoffice.roles import Role
from host.secret_files import private_folder

SITE_ENV = "SYNK_SITE"
DEFAULT_SITE = "site"

Clock = Callable[[], int]


def system_clock() -> int:
    return int(time.time())


def site_dir(value: str | os.PathLike[str] | None) -> Path:
    """The site directory: the given one, ``$SYNK_SITE``, or ``./site``."""
    return Path(value or os.environ.get(SITE_ENV) or DEFAULT_SITE)


@dataclass
class Site:
    directory: Path
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def authority_dir(self) -> Path:
        return self.directory / authority.AUTHORITY_DIR

    @classmethod
    def open(cls, directory: Path, url: str | None = None) -> Site:
        """Open an initialised site, upgrading its schema if needed."""
        url = db.database_url(directory, url)
        if not directory.is_dir() or (
            url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists()
        ):
            raise NotFound("site.not_initialized", site=directory)
        site = cls._connect(directory, url)
        with site.sessions() as session:
            if session.get(SiteSettings, 1) is None:
                site.close()
                raise NotFound("site.not_initialized", site=directory)
        return site

    @classmethod
    def _connect(cls, directory: Path, url: str) -> Site:
        engine = db.make_engine(url)
        db.upgrade(engine)
        return cls(directory, url, engine, db.session_factory(engine))

    def close(self) -> None:
        self.engine.dispose()


def init_site(
    directory: Path,
    *,
    url: str | None = None,
    name: str = "synk",
    admin_username: str = "admin",
    admin_password: str | None = None,
    code_iterations: int = DEFAULT_ITERATIONS,
    password_cost: passwords.Cost = passwords.COST,
    clock: Clock = system_clock,
) -> tuple[Site, str]:
    """Create a site; returns it and the administrator's password (generated if not given).

    ``password_cost`` is scrypt's for the users' passwords: OWASP's unless a
    test needs quick sign-ins (r and p are always ``passwords.COST``'s).
    """
    if not 1 <= code_iterations <= 0xFFFF:
        raise Invalid("site.iterations", value=code_iterations)
    cost = passwords.Cost.checked(password_cost.n)
    private_folder(directory, own=True)  # the database file and the authority's keys
    url = db.database_url(directory, url)
    db.create_private_sqlite_file(url)
    site = Site._connect(directory, url)
    now = clock()
    password = admin_password or passwords.generate_password()
    with site.sessions.begin() as session:
        if session.get(SiteSettings, 1) is not None:
            site.close()
            raise Conflict("site.exists", site=directory)
        key = authority.generate(site.authority_dir)
        session.add(
            AuthorityKey(
                key_id=key.key_id.hex(), public_key=key.public_key, state="signing", created_at=now
            )
        )
        admin = User(
            username=admin_username,
            role=Role.ADMIN.value,
            unit_id=None,
            password_hash=passwords.hash_password(password, cost),
            created_at=now,
        )
        session.add(admin)
        session.flush()
        session.add(
            SiteSettings(
                id=1,
                name=name,
                code_iterations=code_iterations,
                password_scrypt_n=cost.n,
                default_user_id=admin.id,
                created_at=now,
            )
        )
    return site, password


def settings(session: Session) -> SiteSettings:
    found = session.scalars(select(SiteSettings).where(SiteSettings.id == 1)).one_or_none()
    if found is None:
        raise NotFound("site.not_initialized", site="?")
    return found


def password_cost(session: Session) -> passwords.Cost:
    """The scrypt cost this site hashes users' passwords with."""
    return passwords.Cost.checked(settings(session).password_scrypt_n)
