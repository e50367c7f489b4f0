"""Station bundles (SPEC.md 8.4): what a station needs for 8 days offline, signed.

For a station of unit U, built for the local day of ``now`` (day 0):

* **keys**: every key in state ``active`` whose staff member is active and in
  U *or in one of the units the station may also serve* (``StationNeighbour``:
  a neighbouring unit's staff borrow the station when their own is out of
  order, seed 004), ascending by key id, with the staff member's code salt, the
  key's verifier of the code (``codes.key_verifier``: keyed by the key's
  ``pin_secret``, SPEC.md 5.11) and their first name (cut to 16 UTF-8 bytes) as
  display name. A key without a ``pin_secret`` (enrolled before it existed) is
  left out: its station could not check its code;
* **locks of a key on day d**: the locks the key's own unit may open (locks
  mounted for its customers, and locks granted to it), plus the locks of the
  staff member's personal grants that last at least to the end of day d's
  window. A borrowed station hands out the same sets the key's own station
  would (its ``unit_id`` field, the issuing unit, is the station's). Only
  mounted locks count: a lock installed appears in the next bundle, a removed
  one disappears;
* **windows**: day d is valid from 00:00 Europe/Stockholm of day d to 12:00 of
  day d + 1 (``timeutil.day_window``), for every key alike. A station holds
  one set per key and day, so a temporary grant is window-granular: it is in
  the sets of the days whose whole window it covers and in no other. Cutting
  the set at the grant's end instead would leave the key with no valid set
  from that end until the next window starts (up to 36 hours without the
  unit's own doors); leaving the lock in would open it after the grant
  ended. ``covered_until`` tells the manager the effective end. A key with
  no lock at all on day d gets no set that day (``valid_until`` = 0);
* lock lists are deduplicated (a whole unit usually shares one);
* the signed blocklist (``blocklist.current``);
* ``offline_until`` = ``issued_at`` + 8 days.

**Borrowing units, the limit.** A station serves at most
``MAX_BORROWING_UNITS`` (3) units besides its own, and their keys and its own
together at most ``MAX_SERVED_KEYS`` (160): 160 keys × 8 days with four lock
lists of 60 locks and 50 blocked keys make 284 + (4 + 4 × 244) + (4 + 160 ×
88) + (4 + 1,280 × 80) + 288 = 118,040 bytes, inside the station's 128 KiB
cache budget (SPEC.md 8.4). The station's RAM does not grow with them: it
reads a key's entry and set from flash by binary search (firmware.bundle_cache).
``BackOffice.set_station_neighbours`` refuses more.

Serials: the content (everything above, without serial, issue time and
signatures) is hashed. When the hash equals that of the bundle stored for the
station, the stored bytes are returned unchanged (same serial, same bytes);
otherwise the station's serial goes up by one, every permission set gets that
serial, and the new bundle is signed and stored. So the serial rises on every
relevant change (grant, key state, lock mounted or removed, staff change, a new
day) and an unchanged bundle is never sent twice. Ed25519 signatures are
deterministic, so the same content, serial and issue time give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from host.backoffice import authority, blocklist, codes, wire
from host.backoffice.authority import SigningKey
from host.backoffice.errors import Invalid
from host.backoffice.models import (
    Customer,
    Grant,
    Key,
    LockInstallation,
    Staff,
    Station,
    StationBundle,
    StationNeighbour,
)
from host.backoffice.site import settings
from host.backoffice.timeutil import day_start, day_window, local_day
from protocol import constants

DAYS = constants.BUNDLE_DAYS
OFFLINE_S = DAYS * 24 * 3600
MAX_BUNDLE = 1024 * 1024  # SPEC.md section 1: a bundle is at most 1 MiB
MAX_BORROWING_UNITS = 3  # units a station may serve besides its own (module docstring)
MAX_SERVED_KEYS = 160  # keys of its own and those units together: the 128 KiB cache budget
_NO_SIGNATURE = bytes(constants.SIGNATURE_SIZE)


@dataclass(frozen=True)
class KeyEntry:
    key_id: int
    key_public: bytes
    code_salt: bytes
    code_verifier: bytes
    display_name: str


@dataclass(frozen=True)
class DayEntry:
    """One day of one key: ``valid_until`` 0 means no set that day."""

    valid_from: int
    valid_until: int
    lock_list: int


_NO_DAY = DayEntry(0, 0, 0)


@dataclass(frozen=True)
class Content:
    """A bundle's content without serial, issue time and signatures."""

    unit_id: int
    station_id: int
    day0_start: int
    code_iterations: int
    authority_key_id: bytes
    lock_lists: tuple[tuple[int, ...], ...]
    keys: tuple[KeyEntry, ...]
    sets: tuple[tuple[DayEntry, ...], ...]
    blocklist: bytes

    def digest(self) -> str:
        # The repr of frozen dataclasses of ints, bytes, str and tuples is exact and stable.
        return hashlib.sha256(repr(self).encode()).hexdigest()


# -- which locks --------------------------------------------------------------------------------


def customer_lock_ids(session: Session, unit_id: int) -> set[int]:
    """Locks mounted now for the customers of a unit."""
    query = (
        select(LockInstallation.lock_id)
        .join(Customer, Customer.id == LockInstallation.customer_id)
        .where(Customer.unit_id == unit_id, LockInstallation.removed_at.is_(None))
    )
    return set(session.scalars(query))


def mounted_lock_ids(session: Session) -> set[int]:
    query = select(LockInstallation.lock_id).where(LockInstallation.removed_at.is_(None))
    return set(session.scalars(query))


def unit_lock_ids(session: Session, unit_id: int, mounted: set[int] | None = None) -> set[int]:
    """The mounted locks a unit's staff may open: its customers' locks and its unit grants.

    ``mounted`` (``mounted_lock_ids``) may be passed when many units are read at once.
    """
    if mounted is None:
        mounted = mounted_lock_ids(session)
    granted = select(Grant.lock_id).where(Grant.unit_id == unit_id, Grant.revoked_at.is_(None))
    return customer_lock_ids(session, unit_id) | (set(session.scalars(granted)) & mounted)


def neighbour_units(session: Session, station_id: int) -> list[int]:
    """The units whose keys the station may also serve, by id."""
    query = select(StationNeighbour.unit_id).where(StationNeighbour.station_id == station_id)
    return list(session.scalars(query.order_by(StationNeighbour.unit_id)))


def display_name(name: str) -> str:
    """The first name, cut to 16 UTF-8 bytes without splitting a character."""
    first = (name.split() or [""])[0]
    encoded = first.encode()[: constants.DISPLAY_NAME_SIZE]
    return encoded.decode("utf-8", errors="ignore")


def covered_until(ends_at: int, now: int) -> int | None:
    """Until when a personal grant ending at ``ends_at`` is really in keys' sets.

    The end of the last day window (from today on) that ends at or before
    ``ends_at``; None when not even today's window is covered.
    """
    day = local_day(now)
    last = None
    while True:
        end = day_window(day)[1]
        if end > ends_at:
            return last
        last = end
        day += timedelta(days=1)


# -- content ------------------------------------------------------------------------------------


def collect(
    session: Session,
    station: Station,
    day0: date,
    key: SigningKey,
    blocklist_data: bytes,
    mounted: set[int] | None = None,
) -> Content:
    """Everything the station's bundle says, read from the database.

    ``mounted`` (``mounted_lock_ids``) may be passed when many stations are read at once.
    """
    if mounted is None:
        mounted = mounted_lock_ids(session)
    unit_id = station.unit_id
    served = [unit_id, *neighbour_units(session, station.id)]
    key_rows = session.execute(
        select(
            Key.id,
            Key.public_key,
            Staff.id,
            Staff.name,
            Staff.code_salt,
            Staff.code_verifier,
            Staff.unit_id,
            Key.pin_secret,
        )
        .join(Staff, Staff.id == Key.staff_id)
        .where(
            Staff.unit_id.in_(served),
            Staff.active.is_(True),
            Key.state == "active",
            Key.pin_secret.is_not(None),
        )
        .order_by(Key.id)
    ).all()
    locks_of = {unit: unit_lock_ids(session, unit, mounted) for unit in served}
    lists_of = {unit: tuple(sorted(locks)) for unit, locks in locks_of.items()}
    windows = [day_window(day0 + timedelta(days=d)) for d in range(DAYS)]

    personal: dict[int, list[tuple[int, int]]] = {}
    staff_ids = {row[2] for row in key_rows}
    if staff_ids:
        grants = session.execute(
            select(Grant.staff_id, Grant.lock_id, Grant.ends_at).where(
                Grant.staff_id.in_(staff_ids),
                Grant.revoked_at.is_(None),
                Grant.ends_at >= windows[0][1],
            )
        )
        for staff_id, lock_id, ends_at in grants:
            if lock_id in mounted and staff_id is not None and ends_at is not None:
                personal.setdefault(staff_id, []).append((lock_id, ends_at))

    list_index: dict[tuple[int, ...], int] = {}
    keys: list[KeyEntry] = []
    sets: list[tuple[DayEntry, ...]] = []
    for key_id, public_key, staff_id, name, salt, derived, staff_unit, secret in key_rows:
        if secret is None:  # the query leaves such keys out; this keeps mypy and readers sure
            raise AssertionError(f"key {key_id} without pin_secret in a bundle")
        verifier = codes.key_verifier(derived, secret)
        unit_locks, unit_list = locks_of[staff_unit], lists_of[staff_unit]
        keys.append(KeyEntry(key_id, public_key, salt, verifier, display_name(name)))
        grants_of_staff = personal.get(staff_id, [])
        days = []
        for start, end in windows:
            # A personal grant counts on a day only if it lasts the whole window.
            extra = {lock for lock, ends in grants_of_staff if ends >= end}
            locks = tuple(sorted(unit_locks | extra)) if extra else unit_list
            if len(locks) > constants.MAX_LOCK_IDS:
                raise Invalid("bundle.too_many_locks", key_id=key_id, count=len(locks))
            if not locks:
                days.append(_NO_DAY)
                continue
            days.append(DayEntry(start, end, list_index.setdefault(locks, len(list_index))))
        sets.append(tuple(days))

    return Content(
        unit_id=unit_id,
        station_id=station.id,
        day0_start=day_start(day0),
        code_iterations=settings(session).code_iterations,
        authority_key_id=key.key_id,
        lock_lists=tuple(list_index),
        keys=tuple(keys),
        sets=tuple(sets),
        blocklist=blocklist_data,
    )


# -- encoding and signing -----------------------------------------------------------------------


def encode(content: Content, serial: int, issued_at: int, key: SigningKey) -> bytes:
    """Sign every day's permission set and the bundle, and encode it.

    Each permission set signed is byte for byte the one the station rebuilds
    from the bundle (``protocol.records.rebuild_permission_set``) and a lock
    checks; ``wire`` writes it and the bundle with ``struct`` because the
    ``construct`` reference is far too slow for the 80,000 sets of a
    municipality (``test_wire.py`` holds the two equal).
    """
    packed = [wire.pack_ids(ids) for ids in content.lock_lists]
    counts = [len(ids) for ids in content.lock_lists]
    no_set = wire.BundleSet(0, 0, 0, 0, _NO_SIGNATURE)
    sets: list[list[wire.BundleSet]] = []
    for entry, days in zip(content.keys, content.sets, strict=True):
        key_sets = []
        for day in days:
            if not day.valid_until:
                key_sets.append(no_set)
                continue
            signed = wire.permission_set_signed(
                key_id=entry.key_id,
                key_public=entry.key_public,
                serial=serial,
                valid_from=day.valid_from,
                valid_until=day.valid_until,
                unit_id=content.unit_id,
                authority_key_id=content.authority_key_id,
                lock_count=counts[day.lock_list],
                packed_locks=packed[day.lock_list],
            )
            key_sets.append(
                wire.BundleSet(
                    serial, day.valid_from, day.valid_until, day.lock_list, key.sign(signed)
                )
            )
        sets.append(key_sets)
    keys = [
        wire.BundleKey(k.key_id, k.key_public, k.code_salt, k.code_verifier, k.display_name)
        for k in content.keys
    ]
    sections = wire.bundle_sections(content.lock_lists, keys, sets, DAYS, content.blocklist)
    unsigned = wire.bundle_unsigned(
        unit_id=content.unit_id,
        station_id=content.station_id,
        serial=serial,
        issued_at=issued_at,
        offline_until=issued_at + OFFLINE_S,
        day0_start=content.day0_start,
        days=DAYS,
        code_iterations=content.code_iterations,
        authority_key_id=content.authority_key_id,
        sections=sections,
    )
    if len(unsigned) > MAX_BUNDLE:
        raise Invalid("bundle.too_large", station=content.station_id, size=len(unsigned))
    signature = key.sign(unsigned[: constants.BUNDLE_SIGNED_SIZE])
    return wire.with_bundle_signature(unsigned, signature)


# -- the stored bundle of a station -------------------------------------------------------------


def current(session: Session, station: Station, key: SigningKey, now: int) -> StationBundle:
    """The station's bundle for today: the stored one if its content is unchanged, else new."""
    blocklist_data = blocklist.current(session, key, now).data
    content = collect(session, station, local_day(now), key, blocklist_data)
    return store(
        session, station.id, content, now, lambda serial: encode(content, serial, now, key)
    )


def store(
    session: Session,
    station_id: int,
    content: Content,
    now: int,
    make: Callable[[int], bytes],
) -> StationBundle:
    """Keep the stored bundle if the content is unchanged, else store ``make(serial + 1)``."""
    digest = content.digest()
    # Locked until the commit: two processes refreshing one station's bundle at once give
    # it one serial each, never the same serial to two different bundles.
    stored = session.get(StationBundle, station_id, with_for_update=True)
    if stored is not None and stored.content_hash == digest:
        return stored
    serial = (stored.serial if stored else 0) + 1
    data = make(serial)
    if stored is None:
        stored = StationBundle(station_id=station_id)
        session.add(stored)
    stored.serial = serial
    stored.issued_at = now
    stored.day0_start = content.day0_start
    stored.content_hash = digest
    stored.data = data
    session.flush()
    return stored


# -- many stations at once (a whole municipality) -----------------------------------------------

_worker_key: SigningKey | None = None


def _encode_job(
    authority_dir: str, key_id: bytes, content: Content, serial: int, issued_at: int
) -> bytes:
    """Runs in a worker process: load the signing key once, then encode."""
    global _worker_key
    if _worker_key is None or _worker_key.key_id != key_id:
        _worker_key = authority.load(Path(authority_dir), key_id)
    return encode(content, serial, issued_at, _worker_key)


@dataclass(frozen=True)
class Job:
    """A station whose bundle must be rebuilt, with the serial it will get."""

    station_id: int
    content: Content
    serial: int


def plan(session: Session, stations: Iterable[Station], key: SigningKey, now: int) -> list[Job]:
    """The stations whose stored bundle differs from their current content."""
    blocklist_data = blocklist.current(session, key, now).data
    day0 = local_day(now)
    mounted = mounted_lock_ids(session)
    jobs = []
    for station in stations:
        content = collect(session, station, day0, key, blocklist_data, mounted)
        stored = session.get(StationBundle, station.id)
        if stored is None or stored.content_hash != content.digest():
            jobs.append(Job(station.id, content, (stored.serial if stored else 0) + 1))
    return jobs


def encode_many(
    jobs: list[Job], key: SigningKey, authority_dir: Path, now: int, workers: int
) -> list[bytes]:
    """Encode and sign many bundles, in ``workers`` processes (they only sign and encode)."""
    if workers <= 1 or len(jobs) <= 1:
        return [encode(job.content, job.serial, now, key) for job in jobs]
    with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
        futures = [
            pool.submit(_encode_job, str(authority_dir), key.key_id, job.content, job.serial, now)
            for job in jobs
        ]
        return [future.result() for future in futures]


def store_many(
    session: Session, jobs: list[Job], encoded: list[bytes], key: SigningKey, now: int
) -> None:
    """Store encoded bundles; one whose serial moved meanwhile is re-encoded here."""
    for job, data in zip(jobs, encoded, strict=True):

        def make(serial: int, job: Job = job, data: bytes = data) -> bytes:
            return data if serial == job.serial else encode(job.content, serial, now, key)

        store(session, job.station_id, job.content, now, make)
