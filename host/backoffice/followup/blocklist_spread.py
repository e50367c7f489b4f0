"""How far a block has travelled, lock by lock (SPEC.md 8.2 and 8.3).

Locks have no network: a lock learns a newer blocklist from the next key that
carries one, and every event it writes names the version it then holds. From
the events that have come in, the back office knows per lock the newest
version in use and since when (``Lock.blocklist_version_seen``, kept by the
audit ingest). For each key on the blocklist now, a lock is **exposed** when
the key may still open it — it is one of the locks of the key's unit (its
customers' locks and the unit's grants) or of the staff member's personal
grants — and its newest version seen is older than the first version that
lists the key. That lasts at most until the entry expires (after that the key
holds no valid set anywhere). A lock whose events have not come in yet may
know more than the back office does: the view errs on the side of danger.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from host.backoffice import blocklist, bundles
from host.backoffice.models import Blocklist, Grant, Key, Lock, LockInstallation, Staff


@dataclass(frozen=True)
class LockVersion:
    lock_id: int
    lock_type: str
    address: str
    version_seen: int  # 0: no event with a version yet
    seen_since: int | None
    newest: int  # the newest version issued

    @property
    def behind(self) -> int:
        return max(self.newest - self.version_seen, 0)


@dataclass(frozen=True)
class ExposedLock:
    """A lock a key on the blocklist may still open, for all the back office knows."""

    key_id: int
    staff_id: int
    staff_name: str
    unit_id: int
    left_active_at: int
    entry_expires_at: int
    first_version: int | None  # the first issued version listing the key; None: none yet
    lock_id: int
    address: str
    version_seen: int
    seen_since: int | None


def _addresses(session: Session, lock_ids: set[int]) -> dict[int, str]:
    rows = session.execute(
        select(LockInstallation.lock_id, LockInstallation.address).where(
            LockInstallation.lock_id.in_(lock_ids), LockInstallation.removed_at.is_(None)
        )
    )
    return {lock_id: address for lock_id, address in rows}


def lock_versions(session: Session, lock_ids: set[int]) -> list[LockVersion]:
    """The newest version each of these locks is seen to use, by lock id."""
    newest = blocklist.newest_version(session)
    addresses = _addresses(session, lock_ids)
    locks = session.scalars(select(Lock).where(Lock.id.in_(lock_ids)).order_by(Lock.id))
    return [
        LockVersion(
            lock.id,
            lock.type,
            addresses.get(lock.id, ""),
            lock.blocklist_version_seen,
            lock.blocklist_seen_since,
            newest,
        )
        for lock in locks
    ]


def _first_versions(session: Session, entries: dict[int, blocklist.Entry]) -> dict[int, int]:
    """Per listed key, the first version issued since it left active that lists it."""
    if not entries:
        return {}
    since = min(entry.left_active_at for entry in entries.values())
    found: dict[int, int] = {}
    versions = session.execute(
        select(Blocklist.version, Blocklist.issued_at, Blocklist.key_ids)
        .where(Blocklist.issued_at >= since)
        .order_by(Blocklist.version)
    )
    for version, issued_at, key_ids in versions:
        for key_id in key_ids:
            entry = entries.get(key_id)
            if entry is not None and key_id not in found and issued_at >= entry.left_active_at:
                found[key_id] = version
    return found


def openable_lock_ids(session: Session, unit_id: int, staff_id: int, now: int) -> set[int]:
    """The mounted locks a unit's key may open: the unit's, and its holder's personal grants."""
    mounted = bundles.mounted_lock_ids(session)
    personal = select(Grant.lock_id).where(
        Grant.staff_id == staff_id,
        Grant.revoked_at.is_(None),
        (Grant.ends_at.is_(None)) | (Grant.ends_at >= now),
    )
    return bundles.unit_lock_ids(session, unit_id, mounted) | (
        set(session.scalars(personal)) & mounted
    )


def exposed(session: Session, now: int, unit_id: int | None = None) -> list[ExposedLock]:
    """For each key on the blocklist now (of one unit, or all), the locks it may still open."""
    entries = blocklist.entries(session, now)
    keys = session.execute(
        select(Key.id, Staff.id, Staff.name, Staff.unit_id)
        .join(Staff, Staff.id == Key.staff_id)
        .where(Key.id.in_(entries))
        .order_by(Key.id)
    ).all()
    if unit_id is not None:
        keys = [row for row in keys if row[3] == unit_id]
    first = _first_versions(session, {row[0]: entries[row[0]] for row in keys})
    out = []
    for key_id, staff_id, name, staff_unit in keys:
        listing = first.get(key_id)
        candidates = openable_lock_ids(session, staff_unit, staff_id, now)
        for lock in lock_versions(session, candidates):
            if listing is not None and lock.version_seen >= listing:
                continue
            out.append(
                ExposedLock(
                    key_id,
                    staff_id,
                    name,
                    staff_unit,
                    entries[key_id].left_active_at,
                    entries[key_id].expires_at,
                    listing,
                    lock.lock_id,
                    lock.address,
                    lock.version_seen,
                    lock.seen_since,
                )
            )
    return out
