"""The signed, versioned, site-wide blocklist (SPEC.md 8.2), bounded by time.

A key is listed from the moment it is reported ``lost`` or ``blocked`` until
no permission set it could still obtain or hold is valid — never longer,
whatever state it is in then (a lost key that is retired stays listed to the
end of that time too). The bound (``entry_expires_at``), derived from the
bundle and window rules:

* a key leaves every bundle built after it left ``active`` at T; the newest
  bundle that still holds it was built at most at T, for days local_day(T)
  … local_day(T) + 7 (``bundles.DAYS``);
* the last of those sets is valid until 12:00 of local_day(T) + 8
  (``timeutil.day_window``), and a station offline since T may still hand it
  out on that day (its offline limit, issued_at + 8 days, ends later);
* a lock decides by its own clock, which may lag: ``CLOCK_MARGIN_S`` more.

After that the entry protects nothing and leaves the next version, so the
list's size depends on the keys blocked in the last nine days, not on every
key ever lost. A key that is found (state ``active`` again) is unblocked
explicitly: it leaves the list in the next version at once and gets sets in
the next bundle; waiting for the bound would leave its owner without a key
for up to nine days, and the key carries the newer version to every lock it
visits, which then stops refusing it (SPEC.md 13, step 2 before step 6).

The list is rebuilt lazily, whenever a bundle is built or someone asks for
it: when the ids or the signing authority key differ from the newest stored
version, the version goes up by one and the new record is signed and stored.
An unchanged blocklist keeps its version and bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from host.backoffice.authority import SigningKey
from host.backoffice.errors import Invalid
from host.backoffice.models import Blocklist, Key, KeyStateChange
from host.backoffice.timeutil import day_window, local_day
from protocol import constants
from protocol.records import encode_record, signed_part

BLOCKING_STATES = ("blocked", "lost")
CLOCK_MARGIN_S = 24 * 3600  # how far a lock's clock may lag before a technician must set it
# No entry outlives this span after its key left ``active`` (8 days of sets, the last
# window's half day, a DST hour, the margin), so older state changes need not be read.
_HORIZON_S = (constants.BUNDLE_DAYS + 1) * 24 * 3600 + CLOCK_MARGIN_S


def entry_expires_at(left_active_at: int) -> int:
    """When the entry of a key that left ``active`` at ``left_active_at`` leaves the list."""
    last_day = local_day(left_active_at) + timedelta(days=constants.BUNDLE_DAYS - 1)
    return day_window(last_day)[1] + CLOCK_MARGIN_S


@dataclass(frozen=True)
class Entry:
    """A key on the blocklist: when it left ``active`` and when its entry leaves."""

    left_active_at: int
    expires_at: int


def entries(session: Session, now: int) -> dict[int, Entry]:
    """Every key the blocklist lists at ``now``, by key id.

    A key is listed when it is not ``active``, has been ``lost`` or ``blocked``
    since it last left ``active`` (at T, or at its creation), and ``now`` is
    before ``entry_expires_at(T)``.
    """
    changes = session.execute(
        select(
            KeyStateChange.key_id,
            KeyStateChange.from_state,
            KeyStateChange.to_state,
            KeyStateChange.changed_at,
        )
        .join(Key, Key.id == KeyStateChange.key_id)
        .where(
            Key.state != "active",
            KeyStateChange.changed_at > now - _HORIZON_S,
            KeyStateChange.changed_at <= now,
        )
        .order_by(KeyStateChange.key_id, KeyStateChange.changed_at, KeyStateChange.id)
    )
    left_at: dict[int, int] = {}
    blocking: set[int] = set()
    for key_id, from_state, to_state, changed_at in changes:
        if from_state in (None, "active"):  # it left active (or was made) here: a new span
            left_at[key_id] = changed_at
            blocking.discard(key_id)
        if to_state in BLOCKING_STATES:
            blocking.add(key_id)
    listed = {}
    for key_id in sorted(blocking):
        if key_id in left_at:
            expires = entry_expires_at(left_at[key_id])
            if now < expires:
                listed[key_id] = Entry(left_at[key_id], expires)
    return listed


def blocked_key_ids(session: Session, now: int) -> list[int]:
    """The key ids the blocklist lists at ``now``, ascending."""
    return sorted(entries(session, now))


def newest_version(session: Session) -> int:
    """The highest version issued so far (0 before the first)."""
    return int(session.scalar(select(func.max(Blocklist.version))) or 0)


def full_version(low_bits: int, newest: int) -> int:
    """The version an event's 16-bit ``blocklist_version`` (SPEC.md 8.3) stands for.

    The newest issued version with these low bits; 0 stays 0 (no list). Bits no
    issued version has (a lock of another site, a forged event) are taken as they are.
    """
    if not low_bits:
        return 0
    version = newest - ((newest - low_bits) & 0xFFFF)
    return version if version > 0 else low_bits


def latest(session: Session) -> Blocklist | None:
    return session.scalars(select(Blocklist).order_by(Blocklist.version.desc()).limit(1)).first()


def sign_blocklist(key: SigningKey, version: int, issued_at: int, key_ids: list[int]) -> bytes:
    fields = {
        "format": constants.RECORD_FORMAT,
        "flags": 0,
        "version": version,
        "issued_at": issued_at,
        "authority_key_id": key.key_id,
        "key_ids": key_ids,
        "signature": bytes(constants.SIGNATURE_SIZE),
    }
    unsigned = encode_record("blocklist", fields)
    fields["signature"] = key.sign(signed_part("blocklist", unsigned))
    return encode_record("blocklist", fields)


def current(session: Session, key: SigningKey, now: int) -> Blocklist:
    """The newest blocklist, first making a new version if keys or the signing key changed."""
    ids = blocked_key_ids(session, now)
    if len(ids) > constants.MAX_BLOCKED_KEYS:
        raise Invalid("blocklist.too_long", count=len(ids), max=constants.MAX_BLOCKED_KEYS)
    newest = latest(session)
    if (
        newest is not None
        and list(newest.key_ids) == ids
        and newest.authority_key_id == key.key_id.hex()
    ):
        return newest
    version = newest.version + 1 if newest else 1
    record = Blocklist(
        version=version,
        issued_at=now,
        authority_key_id=key.key_id.hex(),
        key_ids=ids,
        data=sign_blocklist(key, version, now, ids),
    )
    session.add(record)
    session.flush()
    return record
