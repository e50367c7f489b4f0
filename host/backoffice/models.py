"""The back-office schema as SQLAlchemy 2 typed ORM classes.

Times are integer seconds since 1970 UTC, as on the wire (SPEC.md conventions);
people see them converted to Europe/Stockholm. Wire identifiers and times are
u32, so integer columns are BIGINT on PostgreSQL (INTEGER there is signed
32-bit) and plain INTEGER on SQLite (where an INTEGER PRIMARY KEY is the
rowid and numbers itself).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

U32 = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {int: U32, bytes: LargeBinary, str: String}


class SiteSettings(Base):
    """One row: site-wide settings fixed at ``synk admin init``."""

    __tablename__ = "site_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    code_iterations: Mapped[int]
    password_scrypt_n: Mapped[int] = mapped_column(server_default="131072")  # passwords.COST
    default_user_id: Mapped[int | None]
    created_at: Mapped[int]


class AuthorityKey(Base):
    """A public authority key; its private half is a file in the site's ``authority/``.

    state: ``signing`` (exactly one: signs everything new), ``accepted``
    (devices trust it but it does not sign: a new key being rolled out before
    it signs, or an old one still trusted after it) or ``retired``.
    """

    __tablename__ = "authority_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(unique=True)  # hex of the 8-byte authority key id
    public_key: Mapped[bytes]
    state: Mapped[str]
    created_at: Mapped[int]
    retired_at: Mapped[int | None]


class User(Base):
    """A back-office user (administrator, unit manager, reviewer, technician)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(unique=True)
    role: Mapped[str]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[int]


class Provider(Base):
    """A home-care provider: the municipality itself or a private company."""

    __tablename__ = "providers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[str]  # municipal | private
    created_at: Mapped[int]


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("provider_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    name: Mapped[str]
    created_at: Mapped[int]


class Station(Base):
    """A sync station of a unit. Only the SHA-256 of its bearer credential is kept."""

    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str]
    credential_hash: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[int]
    last_seen: Mapped[int | None]
    last_status: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    bundle_serial_delivered: Mapped[int] = mapped_column(default=0)


class StationNeighbour(Base):
    """A unit whose keys a station may also serve: a neighbour's station borrowed (seed 004)."""

    __tablename__ = "station_neighbours"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    created_at: Mapped[int]


class StationBundle(Base):
    """The last bundle built for a station, kept so that an unchanged bundle is not rebuilt."""

    __tablename__ = "station_bundles"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    serial: Mapped[int]
    issued_at: Mapped[int]
    day0_start: Mapped[int]
    content_hash: Mapped[str]
    data: Mapped[bytes]


class Staff(Base):
    """A member of staff. The personal code is never stored, only its salted PBKDF2.

    ``code_verifier`` is PBKDF2 of the code (``codes.derive``); a bundle's verifier
    for one of the staff member's keys is that key's proof of it (``codes.key_verifier``).
    """

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str]
    code_salt: Mapped[bytes]
    code_verifier: Mapped[bytes]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[int]


class Key(Base):
    """A digital key (its id is the one the key reports in KEY_INFO).

    ``pin_secret`` is the key's 32-byte secret of SPEC.md 5.11, written into the key at
    enrolment; None for a key enrolled before it existed (left out of bundles until
    enrolled again, ``BackOffice.set_key_pin_secret``).
    """

    __tablename__ = "keys"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(unique=True)
    pin_secret: Mapped[bytes | None]
    state: Mapped[str]  # active | blocked | lost | retired
    created_at: Mapped[int]


class KeyStateChange(Base):
    """Who changed a key's state, when and why (the first row is the key's creation)."""

    __tablename__ = "key_state_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("keys.id"), index=True)
    from_state: Mapped[str | None]
    to_state: Mapped[str]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[int]
    reason: Mapped[str]


class Customer(Base):
    """A home-care customer, known here only by a pseudonymous reference."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[int]


class Lock(Base):
    """A lock (its id is configured into the lock). ``secret`` is the 32-byte MAC key."""

    __tablename__ = "locks"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type: Mapped[str]  # customer_door | key_box | building_entrance | common_area
    name: Mapped[str]
    secret: Mapped[bytes]
    created_at: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_seq: Mapped[int] = mapped_column(default=0)  # highest verified lock_seq received
    # The newest blocklist version its events show in use (SPEC.md 8.3), and since when.
    blocklist_version_seen: Mapped[int] = mapped_column(default=0, server_default="0")
    blocklist_seen_since: Mapped[int | None]


class LockInstallation(Base):
    """One mounting of a lock at an address; open while ``removed_at`` is empty."""

    __tablename__ = "lock_installations"
    id: Mapped[int] = mapped_column(primary_key=True)
    lock_id: Mapped[int] = mapped_column(ForeignKey("locks.id"), index=True)
    address: Mapped[str]
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    installed_at: Mapped[int]
    installed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[int | None]
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Grant(Base):
    """Access to a lock: for a whole unit (permanent) or for one person until ``ends_at``."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint(
            "(unit_id IS NOT NULL AND staff_id IS NULL)"
            " OR (unit_id IS NULL AND staff_id IS NOT NULL AND ends_at IS NOT NULL)",
            name="one_holder",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    lock_id: Mapped[int] = mapped_column(ForeignKey("locks.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    ends_at: Mapped[int | None]
    created_at: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[int | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Blocklist(Base):
    """Every version of the signed site-wide blocklist."""

    __tablename__ = "blocklists"
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    issued_at: Mapped[int]
    authority_key_id: Mapped[str]
    key_ids: Mapped[list[int]] = mapped_column(JSON)
    data: Mapped[bytes]


class AuditEvent(Base):
    """A lock event as uploaded by a station, stored only after its MAC verified."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("lock_id", "lock_seq"),
        Index("ix_audit_events_key_time", "key_id", "time"),
        Index("ix_audit_events_lock_time", "lock_id", "time"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    lock_id: Mapped[int] = mapped_column(ForeignKey("locks.id"))
    lock_seq: Mapped[int]
    key_id: Mapped[int]
    outcome: Mapped[int]
    time: Mapped[int] = mapped_column(index=True)
    mac: Mapped[bytes]
    received_at: Mapped[int]
    station_id: Mapped[int]
    outbox_index: Mapped[int]
    uploaded_at: Mapped[int]


class SyncEvent(Base):
    """A station event (a sync, a wrong code, a bundle installed, ...).

    Unique by where it came from *and* what it says (SPEC.md 9.2): the same
    ``(station, epoch, index)`` with other content is another event, kept."""

    __tablename__ = "sync_events"
    __table_args__ = (
        UniqueConstraint(
            "station_id", "outbox_epoch", "outbox_index", "key_id", "time", "reason", "detail"
        ),
        Index("ix_sync_events_key_time", "key_id", "time"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int]
    outbox_epoch: Mapped[int] = mapped_column(server_default="0")
    outbox_index: Mapped[int]
    key_id: Mapped[int]
    time: Mapped[int]
    reason: Mapped[int]
    detail: Mapped[int]
    uploaded_at: Mapped[int]


class Anomaly(Base):
    """Something the back office refused or noticed in an upload.

    kind: ``forged_mac``, ``unknown_lock``, ``sequence_gap`` (missing lock_seq
    ``seq_from``..``seq_to``; resolved when a later upload fills it; one that
    fills part of it resolves it and opens a gap per run still missing),
    ``sequence_reuse`` (a valid MAC on a different event with a stored
    lock_seq), ``lost_key`` (a lost key opened a door), ``blocked_key`` (any
    other event of a key lost or blocked then; both with ``key_blocked_since``,
    when it was reported lost or blocked), ``unknown_key`` and
    ``outbox_index_reused`` (another station event under a station's outbox
    epoch and index already held). ``fingerprint`` makes a repeated upload of
    the same bad record count once.
    """

    __tablename__ = "anomalies"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(index=True)
    fingerprint: Mapped[str] = mapped_column(unique=True)
    station_id: Mapped[int | None]
    lock_id: Mapped[int | None] = mapped_column(index=True)
    key_id: Mapped[int | None]
    seq_from: Mapped[int | None]
    seq_to: Mapped[int | None]
    outbox_index: Mapped[int | None]
    event_time: Mapped[int | None]
    raw: Mapped[bytes | None]
    key_blocked_since: Mapped[int | None]
    detected_at: Mapped[int]
    resolved_at: Mapped[int | None]


class ServiceTokenIssue(Base):
    """A record of every service token signed (the token itself is not needed later)."""

    __tablename__ = "service_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int]  # 0 = any station
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    permissions: Mapped[int]
    not_before: Mapped[int]
    not_after: Mapped[int]
    authority_key_id: Mapped[str]
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[int]


class ChangeLog(Base):
    """Every change made through the service layer: who, when, what."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str]
    object_type: Mapped[str]
    object_id: Mapped[int | None]
    detail: Mapped[str]


class ActivityGrant(Base):
    """Access to one unit's activity log for a user, ordered by that unit's manager (seed 000 §5).

    It lets ``grantee_id`` read the unit's log from ``ordered_at`` until
    ``until`` (exclusive), unless ``ended_at`` came first (``ended_by``).
    """

    __tablename__ = "activity_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    ordered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ordered_at: Mapped[int]
    until: Mapped[int]
    reason: Mapped[str]
    ended_at: Mapped[int | None]
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ActivityRead(Base):
    """One read of the activity log: who searched for what, when (the access log).

    ``unit_id`` is the unit the read covered (None: every unit); ``query`` the
    search as JSON; ``source`` where it was read (``web``, ``csv``, ``cli``,
    ``anomalies``); ``rows`` how many rows it returned.
    """

    __tablename__ = "activity_reads"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str]
    role: Mapped[str]
    unit_id: Mapped[int | None]
    source: Mapped[str]
    query: Mapped[str]
    rows: Mapped[int]


class Visit(Base):
    """A home-care visit as registered in the time-and-effort system (imported from its CSV).

    The natural key ``(customer_id, staff_id, start)`` makes a re-import of the
    same export change nothing. ``registered_by`` is how the visit was
    registered there: ``lock`` (digital lock), ``nfc`` (NFC tag) or ``manual``.
    """

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("customer_id", "staff_id", "start"),
        Index("ix_visits_customer_start", "customer_id", "start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    start: Mapped[int] = mapped_column(index=True)
    end: Mapped[int]
    registered_by: Mapped[str]
    imported_at: Mapped[int]
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WebSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str]
    created_at: Mapped[int]
    last_seen: Mapped[int]


class SignInAttempts(Base):
    """Sign-in attempts counted by one throttle rule (host/backoffice/sign_in.py) in a window.

    ``key`` is the SHA-256 of the rule and what it counts by (the user name,
    the client's address or both), so the table never holds a typed name.
    """

    __tablename__ = "sign_in_attempts"
    key: Mapped[str] = mapped_column(primary_key=True)
    window_start: Mapped[int] = mapped_column(index=True)
    attempts: Mapped[int]


class RetentionSetting(Base):
    """How many days the site keeps one kind of data (host/backoffice/retention.py)."""

    __tablename__ = "retention_settings"
    kind: Mapped[str] = mapped_column(primary_key=True)
    keep_days: Mapped[int]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[int]


class SampleDraw(Base):
    """The central sample of a month (seed 000 §4): drawn once, the same for everyone.

    Round 1 is the month's draw, made at the page's first opening or by a
    reviewer's explicit draw; a later round is a redraw, made on purpose with
    its ``reason`` (also in the change log). The month's sample is its highest
    round; the rounds before it stay, so every redraw can be seen.
    """

    __tablename__ = "sample_draws"
    __table_args__ = (UniqueConstraint("year", "month", "round"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    round: Mapped[int]
    seed: Mapped[int]
    count: Mapped[int]
    drawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[int]
    reason: Mapped[str] = mapped_column(default="")
