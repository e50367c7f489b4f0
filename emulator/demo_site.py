"""The demo site of ``inv emulate``: a back office with half a year of history, built once.

``build_demo_site(work_dir)`` creates, through the back office's service
layer only, a site in ``work_dir/site`` (SQLite ``synk.db`` unless a database
URL is given, and the authority key files):

- 2 providers: a municipality (units Hemtjänst Nord and Hemtjänst Syd) and a
  private company (unit Vårdkraft Hemtjänst); a station per unit;
- 40 staff, each with a digital key and a personal 6-digit code; one key was
  lost 5 days ago and replaced the next day (still on the blocklist, SPEC.md 8.2);
- four more staff outside the shifts, whose keys are what the monthly check of
  the keys (seed 000 §3, the keys page's "Att åtgärda") is for
  (``PROBLEM_KEYS``): in Hemtjänst Nord one who left three days ago without
  handing the key in (*unlinked*: the key was blocked when they left) and one
  whose key was blocked six days ago and was put in the station two days ago
  all the same (*blocked but used*: the station refused it, KEY_BLOCKED); in
  Hemtjänst Syd a new hire whose key came yesterday (*never synced*); in
  Vårdkraft Hemtjänst one on leave whose key last synced twelve days ago (*not
  synced for days*). Their syncs are the station events of their days, in the
  stations' uploads whatever ``history_days`` is;
- 120 customers with a lock each (customer doors, about one in ten a key
  box), plus 6 former customers whose locks were removed; building entrances
  (2 per unit, one more shared by all) and common areas (laundry and refuse
  room per unit), granted to the units; two personal grants lending a
  customer's door to a member of another unit;
- back-office users: ``admin``, a technician ``tekniker``, a reviewer
  ``granskare``, the alarm group ``larmgrupp`` and a unit manager per unit
  (``chef.nord``, ``chef.syd``, ``chef.vardkraft``);
- ``history_days`` days of visits and lock events (below).

The site "started" ``SITE_AGE_DAYS`` days before the first build: customers
joined (and their locks were mounted) over that half year, so the lock
installation page has mounts and removals per month. The back office's clock
is moved to each change's time while it is made.

Everything is derived from ``seed``: names, codes, key pairs (Ed25519 seeds
the emulator builds ``VirtualKey``s from), lock MAC secrets (for
``VirtualLock``s). Only what the back office makes at random, the station
credentials, is kept in ``work_dir/demo_site.json`` (mode 0600) with the seed,
the build time and the users' passwords. Calling ``build_demo_site`` again on
the same folder changes nothing and returns the same facts read back from the
database (current key and lock states included); a build cut short resumes
where it stopped. The users' passwords are random, made at the first build
(so no two installs share them) and kept only in that file; a folder built
before they were random gets new ones the next time it is opened.

**Visits and lock events.** The back office has no table of visits yet (the
follow-up issue imports them from the time-and-effort system's CSV), so the
visits are written to ``work_dir/visits.csv`` (``host.csvfile``'s plain CSV:
UTF-8, a header row, comma separated), one row per visit, oldest first:

| column | meaning |
|---|---|
| ``customer_ref`` | the customer's reference in the back office (``K-NORD-0001``) |
| ``staff`` | the staff member's full name, as in the back office |
| ``start``, ``end`` | ISO 8601 local time with its UTC offset (``2026-10-15T08:05:00+02:00``) |
| ``registration`` | ``lock`` (the visit was registered by opening the lock) or ``manual`` |

For every day of the history each customer has 1-4 planned visits, made by
staff working that day's shift. Most visits (about 85 %) open the door with
the key, after the building entrance when the customer lives behind one:
``OPENED`` events and registration ``lock``. The rest are registered by hand:
mostly without touching the lock, and in about a third of them (the misses)
after the lock refused a key whose set had run out (``EXPIRED``). Two staff
per unit seldom use the lock. A few doors are opened with no visit planned.
Keys sync at the unit's station at the start and end of each shift
(``SYNC_OK``, detail 0: the bundles of those days were not kept); the events a
key carries reach the back office in the station's upload that evening,
numbered per lock with no gaps, MACed with the lock's secret. The events on
the key lost mid-shift never arrive: the back office shows them as missing.
``DemoLock.next_seq`` is the ``lock_seq`` a lock's next event must get.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from emulator.virtual_key import virtual_pin_secret
from emulator.virtual_lock import make_event
from host import csvfile
from host.backoffice import codes, passwords
from host.backoffice.errors import ServiceError
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site, system_clock
from host.backoffice.timeutil import TZ, day_start, local_day
from host.secret_files import private_folder, write_secret
from protocol.constants import OutboxKind, Outcome, StationReason
from protocol.records import authority_key_id, encode_record

__all__ = [
    "DEFAULT_SEED",
    "FACTS_FILE",
    "HISTORY_DAYS",
    "SITE_AGE_DAYS",
    "VISITS_FILE",
    "DemoCustomer",
    "DemoKey",
    "DemoLock",
    "DemoPlan",
    "DemoSite",
    "DemoStaff",
    "DemoStation",
    "DemoUnit",
    "DemoUser",
    "History",
    "Visit",
    "build_demo_site",
    "demo_history",
    "plan_demo",
]

DEFAULT_SEED = "synk demo"
SITE_SUBDIR = "site"
FACTS_FILE = "demo_site.json"
VISITS_FILE = "visits.csv"
VISIT_COLUMNS = ("customer_ref", "staff", "start", "end", "registration")
FACTS_FORMAT = 1
HISTORY_DAYS = 45
SITE_AGE_DAYS = 180
DAY = 86_400
HOUR = 3_600
MAX_UPLOAD_RECORDS = 1_000  # 42 bytes each: well under the 64 KiB upload limit

# (provider, kind, ((unit, short name, staff, customers), ...))
ORGANISATION = (
    (
        "Haninge kommun",
        "municipal",
        (("Hemtjänst Nord", "NORD", 14, 42), ("Hemtjänst Syd", "SYD", 13, 40)),
    ),
    ("Vårdkraft Omsorg AB", "private", (("Vårdkraft Hemtjänst", "VK", 13, 38),)),
)
LEAVERS_PER_UNIT = 2
ENTRANCES_PER_UNIT = 2
COMMON_AREAS = ("Tvättstuga", "Soprum")
RARE_LOCK_USERS_PER_UNIT = 2
FIRST_KEY_ID = 50_001
FIRST_CUSTOMER_LOCK = 1_001
FIRST_ENTRANCE = 2_001
SHARED_ENTRANCE = 2_100
FIRST_COMMON_AREA = 3_001
FIRST_STATION = 101
LOST_KEY_DAYS_AGO = 5  # still on the blocklist, which keeps a key about nine days
# Keys that need fixing (module docstring): problem, unit index, days synced (before the build:
# first, last; None: never), the day something happened to it (None: nothing).
PROBLEM_KEYS = (
    ("unlinked", 0, (14, 4), 3),  # left on day 3: staff deactivated, key blocked, not handed in
    ("blocked_in_use", 0, (14, 7), 6),  # blocked on day 6, put in the station on day 2
    ("never_synced", 1, None, 1),  # hired, key registered on day 1
    ("not_synced", 2, (30, 12), None),  # on leave since day 12
)
BLOCKED_KEY_TRIED_DAYS_AGO = 2

_FIRST_NAMES = (
    "Anna", "Maria", "Eva", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Ingrid", "Malin",
    "Jenny", "Sofia", "Hanna", "Linda", "Elin", "Johanna", "Åsa", "Annika", "Ida", "Fatima",
    "Amina", "Leyla", "Mohammed", "Ahmed", "Erik", "Lars", "Johan", "Anders", "Mikael", "Jonas",
    "Ali", "Omar", "Nils", "Oskar", "Björn", "Daniel", "Hassan", "Zeynep", "Tiina", "Mirja",
)  # fmt: skip
_SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson",
    "Lindberg", "Lindqvist", "Holm", "Sandberg", "Öberg", "Åberg", "Hussein", "Yilmaz",
    "Ahmadi", "Virtanen", "Korhonen", "Lindström", "Engström", "Mattsson", "Berglund", "Ek",
)  # fmt: skip
_STREETS = (
    "Björkvägen", "Tallvägen", "Storgatan", "Skolvägen", "Ringvägen", "Kvarngatan",
    "Parkvägen", "Ängsvägen", "Sjövägen", "Granvägen", "Lärkstigen", "Ekbacken",
    "Runstensvägen", "Vallavägen", "Dalarövägen", "Klockargatan",
)  # fmt: skip
# Visit times (local, seconds after midnight) by visits a day.
_SLOTS = {
    1: (9 * HOUR,),
    2: (8 * HOUR, 17 * HOUR),
    3: (7 * HOUR + 1_800, 12 * HOUR, 19 * HOUR + 1_800),
    4: (7 * HOUR + 1_800, 11 * HOUR + 1_800, 16 * HOUR + 1_800, 21 * HOUR),
}
_MORNING = (7 * HOUR, 15 * HOUR + 1_800)
_EVENING = (14 * HOUR + 1_800, 22 * HOUR)
_LOCK_USE = 0.93
_RARE_LOCK_USE = 0.5
_MISS_SHARE = 0.3  # of visits not opened with the key: the lock refused it first
_UNPLANNED_PER_UNIT_DAY = 0.25


# -- the plan: everything that follows from the seed ------------------------------------------


def _master(seed: str) -> bytes:
    return hashlib.sha256(b"synk demo site\x00" + seed.encode()).digest()


def _derive(master: bytes, label: str) -> bytes:
    return hmac.new(master, label.encode(), hashlib.sha256).digest()


def _code(master: bytes, index: int) -> str:
    """A 6-digit code the back office accepts (not trivial), fixed by the seed."""
    for attempt in range(1_000):
        value = int.from_bytes(_derive(master, f"code {index} {attempt}")[:8], "little")
        code = f"{value % 1_000_000:06d}"
        if not codes.is_trivial(code):
            return code
    raise AssertionError("no non-trivial code in 1000 tries")  # 1 in 10^4 is trivial


def _daytime(rng: random.Random, first_day: int, last_day: int) -> int:
    """Seconds after the site's start: a day in [first_day, last_day), between 08:00 and 16:00
    (an hour off across a change to or from summer time: still working hours)."""
    return rng.randrange(first_day, last_day) * DAY + rng.randrange(8 * HOUR, 16 * HOUR)


def _public(seed: bytes) -> bytes:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class PlanUnit:
    index: int
    provider: str
    name: str
    short: str
    station_id: int
    manager: str


@dataclass(frozen=True)
class PlanStaff:
    index: int
    unit: int  # PlanUnit.index
    name: str
    code: str
    key_id: int
    key_seed: bytes
    lock_use: float  # chance of opening with the key on a visit
    evening: bool  # works the evening shift
    off_days: tuple[int, ...]  # weekday numbers (date.toordinal() % 7) off work


@dataclass(frozen=True)
class PlanLock:
    lock_id: int
    kind: str
    name: str
    address: str
    secret: bytes
    customer: str | None  # customer reference, for customer locks
    units: tuple[int, ...]  # units granted the lock (customer locks: the customer's unit)


@dataclass(frozen=True)
class PlanCustomer:
    reference: str
    unit: int
    lock_id: int
    address: str
    entrance: int | None  # the building entrance's lock id, when the customer lives behind one
    visits_per_day: int
    joined_at: int  # seconds after the site's start (local midnight), in working hours
    left_at: int | None  # the same; None: still a customer


@dataclass(frozen=True)
class PlanKeyLoss:
    staff: int  # PlanStaff.index
    lost_days_ago: int
    lost_at_local: int  # seconds after local midnight
    new_key_id: int
    new_key_seed: bytes


@dataclass(frozen=True)
class PlanProblemKey:
    """One of ``PROBLEM_KEYS``: a staff member outside the shifts, and what their key shows."""

    problem: str
    staff: PlanStaff
    synced: tuple[int, int] | None  # days before the build: first, last sync; None: never
    event_days_ago: int | None


@dataclass(frozen=True)
class PlanGrant:
    staff: int
    lock_id: int


@dataclass(frozen=True)
class DemoPlan:
    """The site as the seed describes it (no database ids, no times fixed yet)."""

    seed: str
    master: bytes
    providers: tuple[tuple[str, str], ...]
    units: tuple[PlanUnit, ...]
    staff: tuple[PlanStaff, ...]
    locks: tuple[PlanLock, ...]
    customers: tuple[PlanCustomer, ...]
    key_loss: PlanKeyLoss
    personal_grants: tuple[PlanGrant, ...]
    users: tuple[tuple[str, str, int | None], ...]  # username, role, unit index
    problem_keys: tuple[PlanProblemKey, ...] = ()

    def people(self) -> tuple[PlanStaff, ...]:
        """Everyone: the staff on shifts, then the staff of the problem keys."""
        return self.staff + tuple(p.staff for p in self.problem_keys)

    def lock(self, lock_id: int) -> PlanLock:
        return next(lock for lock in self.locks if lock.lock_id == lock_id)


def plan_demo(seed: str = DEFAULT_SEED) -> DemoPlan:
    """The demo site that ``seed`` gives; the same seed always gives the same plan."""
    master = _master(seed)
    rng = random.Random(master)
    names = [f"{first} {last}" for first in _FIRST_NAMES for last in _SURNAMES]
    rng.shuffle(names)
    units: list[PlanUnit] = []
    staff: list[PlanStaff] = []
    locks: list[PlanLock] = []
    customers: list[PlanCustomer] = []
    providers = tuple((name, kind) for name, kind, _ in ORGANISATION)
    next_customer_lock = FIRST_CUSTOMER_LOCK
    for provider, _kind, unit_specs in ORGANISATION:
        for name, short, staff_count, customer_count in unit_specs:
            unit = PlanUnit(
                len(units),
                provider,
                name,
                short,
                FIRST_STATION + len(units),
                f"chef.{'vardkraft' if short == 'VK' else short.lower()}",
            )
            units.append(unit)
            rare = set(rng.sample(range(staff_count), RARE_LOCK_USERS_PER_UNIT))
            for i in range(staff_count):
                index = len(staff)
                key_id = FIRST_KEY_ID + index
                first_off = rng.randrange(7)
                staff.append(
                    PlanStaff(
                        index=index,
                        unit=unit.index,
                        name=names[index],
                        code=_code(master, index),
                        key_id=key_id,
                        key_seed=_derive(master, f"key seed {key_id}"),
                        lock_use=_RARE_LOCK_USE if i in rare else _LOCK_USE,
                        evening=i % 3 == 2,
                        off_days=(first_off, (first_off + 1) % 7),
                    )
                )
            streets = rng.sample(_STREETS, ENTRANCES_PER_UNIT + 6)
            entrances = []
            for j in range(ENTRANCES_PER_UNIT):
                lock_id = FIRST_ENTRANCE + unit.index * ENTRANCES_PER_UNIT + j
                address = f"{streets[j]} {rng.randrange(1, 40)}"
                entrances.append((lock_id, address))
                locks.append(
                    PlanLock(
                        lock_id,
                        "building_entrance",
                        f"Port {address}",
                        address,
                        _derive(master, f"lock secret {lock_id}"),
                        None,
                        (unit.index,),
                    )
                )
            for j, area in enumerate(COMMON_AREAS):
                lock_id = FIRST_COMMON_AREA + unit.index * len(COMMON_AREAS) + j
                address = entrances[j % len(entrances)][1]
                locks.append(
                    PlanLock(
                        lock_id,
                        "common_area",
                        f"{area} {address}",
                        address,
                        _derive(master, f"lock secret {lock_id}"),
                        None,
                        (unit.index,),
                    )
                )
            for i in range(customer_count + LEAVERS_PER_UNIT):
                leaver = i >= customer_count
                lock_id = next_customer_lock
                next_customer_lock += 1
                reference = f"K-{short}-{i + 1:04d}"
                entrance: int | None = None
                if rng.random() < 0.3:
                    entrance, building = entrances[rng.randrange(len(entrances))]
                    address = f"{building}, lgh {rng.randrange(1001, 1400)}"
                else:
                    address = f"{rng.choice(streets[ENTRANCES_PER_UNIT:])} {rng.randrange(1, 90)}"
                if leaver:
                    joined = _daytime(rng, 1, 60)
                    left: int | None = _daytime(rng, SITE_AGE_DAYS - 40, SITE_AGE_DAYS - 2)
                elif rng.random() < 0.15:
                    joined, left = _daytime(rng, SITE_AGE_DAYS - 40, SITE_AGE_DAYS - 2), None
                else:
                    joined, left = _daytime(rng, 1, SITE_AGE_DAYS - 50), None
                kind = "key_box" if rng.random() < 0.1 else "customer_door"
                locks.append(
                    PlanLock(
                        lock_id,
                        kind,
                        f"{'Nyckelbox' if kind == 'key_box' else 'Dörr'} {reference}",
                        address,
                        _derive(master, f"lock secret {lock_id}"),
                        reference,
                        (unit.index,),
                    )
                )
                customers.append(
                    PlanCustomer(
                        reference,
                        unit.index,
                        lock_id,
                        address,
                        entrance,
                        rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0],
                        joined,
                        left,
                    )
                )
    shared = f"{rng.choice(_STREETS)} {rng.randrange(1, 40)}"
    locks.append(
        PlanLock(
            SHARED_ENTRANCE,
            "building_entrance",
            f"Port {shared} (gemensam)",
            shared,
            _derive(master, f"lock secret {SHARED_ENTRANCE}"),
            None,
            tuple(unit.index for unit in units),
        )
    )
    lost_by = next(s for s in staff if s.unit == 0 and not s.evening and s.lock_use == _LOCK_USE)
    new_key_id = FIRST_KEY_ID + len(staff)
    key_loss = PlanKeyLoss(
        lost_by.index,
        LOST_KEY_DAYS_AGO,
        10 * HOUR + 900,
        new_key_id,
        _derive(master, f"key seed {new_key_id}"),
    )

    def first_door(unit: int) -> int:
        return next(c.lock_id for c in customers if c.unit == unit and c.left_at is None)

    grants = (
        PlanGrant(next(s.index for s in staff if s.unit == 1), first_door(0)),
        PlanGrant(next(s.index for s in staff if s.unit == 2), first_door(1)),
    )
    # after every draw of rng: the plan of a seed is the same as before they were added
    problem_keys = []
    for number, (problem, unit_index, synced, event_days_ago) in enumerate(PROBLEM_KEYS):
        index = len(staff) + number
        key_id = new_key_id + 1 + number
        person = PlanStaff(
            index=index,
            unit=unit_index,
            name=names[index],
            code=_code(master, index),
            key_id=key_id,
            key_seed=_derive(master, f"key seed {key_id}"),
            lock_use=_LOCK_USE,
            evening=False,
            off_days=(),
        )
        problem_keys.append(PlanProblemKey(problem, person, synced, event_days_ago))
    users: tuple[tuple[str, str, int | None], ...] = (
        ("tekniker", "technician", None),
        ("granskare", "reviewer", None),
        ("larmgrupp", "alarm_group", None),
        *((unit.manager, "unit_manager", unit.index) for unit in units),
    )
    return DemoPlan(
        seed,
        master,
        providers,
        tuple(units),
        tuple(staff),
        tuple(locks),
        tuple(customers),
        key_loss,
        grants,
        users,
        tuple(problem_keys),
    )


# -- the history: visits and lock events ---------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    customer_ref: str
    staff: str
    start: int
    end: int
    registration: str  # "lock" | "manual"
    missed: bool = False  # the lock refused the key before the manual registration


@dataclass
class _Carried:
    """A lock event on its way: on a key until the key's next sync (``received_at``)."""

    time: int
    lock_id: int
    key_id: int
    outcome: Outcome
    person: int  # PlanStaff.index
    station_id: int
    received_at: int | None = None  # None: the key was lost with it
    event: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Upload:
    """One station's upload batch of one evening (``body()`` encodes it, SPEC.md 9.1)."""

    station_id: int
    at: int
    first_index: int
    records: tuple[dict[str, Any], ...]

    def body(self) -> bytes:
        fields = {
            "format": 1,
            "flags": 0,
            "station_id": self.station_id,
            "first_index": self.first_index,
            # The stations' flash is laid out with an ack and no epoch file (emulator/site.py):
            # their outboxes carry on the history's numbering, epoch 0.
            "outbox_epoch": 0,
            "records": list(self.records),
        }
        return encode_record("upload_batch", fields)


@dataclass(frozen=True)
class History:
    visits: tuple[Visit, ...]
    events: tuple[dict[str, Any], ...]  # every lock event made, in time order
    uploads: tuple[Upload, ...]
    next_seq: dict[int, int]  # lock id -> next lock_seq
    next_outbox_index: dict[int, int]  # station id -> next outbox index
    unplanned_openings: int
    lost_events: int  # made, but on the lost key

    def summary(self) -> dict[str, Any]:
        """What the facts need of the history (kept in the facts file once built)."""
        return {
            "counts": self.counts(),
            "next_seq": {str(lock): seq for lock, seq in self.next_seq.items()},
            "next_outbox_index": {str(s): i for s, i in self.next_outbox_index.items()},
        }

    def counts(self) -> dict[str, int]:
        return {
            "visits": len(self.visits),
            "lock": sum(v.registration == "lock" for v in self.visits),
            "manual": sum(v.registration == "manual" for v in self.visits),
            "missed": sum(v.missed for v in self.visits),
            "unplanned_openings": self.unplanned_openings,
            "lock_events": len(self.events),
            "lost_events": self.lost_events,
            "uploads": len(self.uploads),
        }


def _site_start(anchor: int) -> int:
    return day_start(local_day(anchor) - timedelta(days=SITE_AGE_DAYS))


def _at(day: date, seconds: int) -> int:
    """Local time of day ``seconds`` after midnight (wall clock: DST days have 23 or 25 h)."""
    midnight = datetime.combine(day, datetime.min.time(), TZ)
    return int((midnight + timedelta(seconds=seconds)).timestamp())  # aware + timedelta: wall time


def demo_history(plan: DemoPlan, anchor: int, days: int) -> History:
    """The ``days`` local days before ``anchor``'s day: visits, events, the stations' uploads."""
    start = _site_start(anchor)
    today = local_day(anchor)
    loss = plan.key_loss
    loss_day = today - timedelta(days=loss.lost_days_ago)
    lost_at = _at(loss_day, loss.lost_at_local)
    replaced_at = _at(loss_day + timedelta(days=1), 7 * HOUR)
    stations = {unit.index: unit.station_id for unit in plan.units}

    def key_of(person: PlanStaff, t: int) -> int | None:
        if person.index != loss.staff or t < lost_at:
            return person.key_id
        return loss.new_key_id if t >= replaced_at else None

    visits: list[Visit] = []
    carried: list[_Carried] = []
    syncs: list[tuple[int, int, int, StationReason]] = []  # (time, station, key id, reason)
    unplanned = 0
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        rng = random.Random(plan.master + day.isoformat().encode())
        weekday = day.toordinal() % 7
        for unit in plan.units:
            station = stations[unit.index]
            working = [s for s in plan.staff if s.unit == unit.index and weekday not in s.off_days]
            if not working:
                continue
            shifts: dict[int, tuple[int, int]] = {}
            for person in working:
                shift = _EVENING if person.evening else _MORNING
                begin = _at(day, shift[0] - 600 + rng.randrange(600))
                shifts[person.index] = (begin, _at(day, shift[1] + rng.randrange(900)))
            made: list[_Carried] = []

            def carry(
                person: PlanStaff,
                t: int,
                lock_id: int,
                outcome: Outcome,
                made: list[_Carried] = made,
                station: int = station,
            ) -> bool:
                key_id = key_of(person, t)
                if key_id is None:
                    return False
                made.append(_Carried(t, lock_id, key_id, outcome, person.index, station))
                return True

            morning = [s for s in working if not s.evening] or working
            evening = [s for s in working if s.evening] or working
            active = [
                c
                for c in plan.customers
                if c.unit == unit.index
                and start + c.joined_at <= _at(day, 7 * HOUR)
                and (c.left_at is None or start + c.left_at > _at(day, 22 * HOUR))
            ]
            for customer in active:
                for slot in _SLOTS[customer.visits_per_day]:
                    begin = _at(day, slot + rng.randrange(-1_200, 2_400))
                    end = begin + rng.randrange(15, 50) * 60
                    person = rng.choice(evening if slot >= 15 * HOUR else morning)
                    missed, registration = False, "manual"
                    outcome: Outcome | None = None
                    if rng.random() < person.lock_use:
                        outcome = Outcome.OPENED
                    elif rng.random() < _MISS_SHARE:
                        outcome = Outcome.EXPIRED
                    if outcome is not None:
                        if customer.entrance is not None:
                            carry(person, begin - 60, customer.entrance, outcome)
                        if carry(person, begin, customer.lock_id, outcome):
                            missed = outcome != Outcome.OPENED
                            registration = "manual" if missed else "lock"
                    visits.append(
                        Visit(customer.reference, person.name, begin, end, registration, missed)
                    )
            if active and rng.random() < _UNPLANNED_PER_UNIT_DAY:
                customer = rng.choice(active)
                t = _at(day, rng.randrange(9 * HOUR, 14 * HOUR))
                unplanned += carry(rng.choice(morning), t, customer.lock_id, Outcome.OPENED)
            # Each key syncs at the shift's start and end; the end sync (after the last
            # event it carries) hands its events to the station.
            for person in working:
                begin, finish = shifts[person.index]
                own = [c for c in made if c.person == person.index]
                finish = max([finish, *(c.time + 300 for c in own)])
                first_key, last_key = key_of(person, begin), key_of(person, finish)
                if first_key is not None:
                    syncs.append((begin, station, first_key, StationReason.SYNC_OK))
                if last_key is not None:
                    syncs.append((finish, station, last_key, StationReason.SYNC_OK))
                for item in own:
                    if item.key_id == last_key:
                        item.received_at = finish
            carried.extend(made)

    syncs.extend(_problem_key_syncs(plan, today, stations))
    # Number each lock's events in time order, then MAC them.
    carried.sort(key=lambda c: (c.time, c.lock_id, c.key_id))
    next_seq: dict[int, int] = {lock.lock_id: 1 for lock in plan.locks}
    secrets = {lock.lock_id: lock.secret for lock in plan.locks}
    for item in carried:
        seq = next_seq[item.lock_id]
        next_seq[item.lock_id] = seq + 1
        secret = secrets[item.lock_id]
        item.event = make_event(item.lock_id, secret, seq, item.outcome, item.key_id, item.time)
    uploads, next_index = _uploads(plan, carried, syncs)
    visits.sort(key=lambda v: (v.start, v.customer_ref))
    return History(
        visits=tuple(visits),
        events=tuple(item.event for item in carried),
        uploads=tuple(uploads),
        next_seq=next_seq,
        next_outbox_index=next_index,
        unplanned_openings=unplanned,
        lost_events=sum(item.received_at is None for item in carried),
    )


def _problem_key_syncs(
    plan: DemoPlan, today: date, stations: dict[int, int]
) -> list[tuple[int, int, int, StationReason]]:
    """The station events of the problem keys: a sync at 07:00 and 15:30 of each day they
    worked; the blocked key put in the station (and refused) on its day."""
    syncs = []
    for problem in plan.problem_keys:
        station, key_id = stations[problem.staff.unit], problem.staff.key_id
        if problem.synced is not None:
            first, last = problem.synced
            for days_ago in range(first, last - 1, -1):
                day = today - timedelta(days=days_ago)
                for at in (7 * HOUR, 15 * HOUR + 1_800):
                    syncs.append((_at(day, at), station, key_id, StationReason.SYNC_OK))
        if problem.problem == "blocked_in_use":
            day = today - timedelta(days=BLOCKED_KEY_TRIED_DAYS_AGO)
            syncs.append((_at(day, 7 * HOUR + 300), station, key_id, StationReason.KEY_BLOCKED))
    return syncs


def _uploads(
    plan: DemoPlan,
    carried: list[_Carried],
    syncs: list[tuple[int, int, int, StationReason]],
) -> tuple[list[Upload], dict[int, int]]:
    """Each station's outbox in order of arrival, uploaded each evening at 23:30."""
    arrivals: dict[tuple[int, date], list[tuple[int, int, dict[str, Any]]]] = {}
    for time, station, key_id, reason in syncs:
        record: dict[str, Any] = {
            "kind": OutboxKind.STATION_EVENT,
            "key_id": key_id,
            "time": time,
            "reason": reason,
            "detail": 0,
        }
        arrivals.setdefault((station, local_day(time)), []).append((time, 1, record))
    for item in carried:
        if item.received_at is not None:
            record = {
                "kind": OutboxKind.LOCK_EVENT,
                "event": item.event,
                "received_at": item.received_at,
            }
            key = (item.station_id, local_day(item.received_at))
            arrivals.setdefault(key, []).append((item.received_at, 0, record))
    next_index = {unit.station_id: 1 for unit in plan.units}
    uploads = []
    for (station, day), records in sorted(arrivals.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # Events a key hands over come before the sync's own SYNC_OK record.
        records.sort(key=lambda r: (r[0], r[1], r[2].get("event", {}).get("lock_seq", 0)))
        for begin in range(0, len(records), MAX_UPLOAD_RECORDS):
            part = tuple(record for _t, _o, record in records[begin : begin + MAX_UPLOAD_RECORDS])
            first = next_index[station]
            uploads.append(Upload(station, _at(day, 23 * HOUR + 1_800), first, part))
            next_index[station] = first + len(part)
    return uploads, next_index


def visits_csv(visits: Iterable[Visit]) -> str:
    """The visits as the CSV described in the module docstring (``host.csvfile``, plain)."""
    rows: list[Sequence[object]] = [VISIT_COLUMNS]
    for visit in visits:
        rows.append(
            (
                visit.customer_ref,
                visit.staff,
                datetime.fromtimestamp(visit.start, TZ).isoformat(),
                datetime.fromtimestamp(visit.end, TZ).isoformat(),
                visit.registration,
            )
        )
    return csvfile.text(rows)


# -- the facts returned ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit_id: int | None
    password: str


@dataclass(frozen=True)
class DemoUnit:
    unit_id: int
    provider_id: int
    provider: str
    provider_kind: str  # municipal | private
    name: str
    station_id: int


@dataclass(frozen=True)
class DemoStation:
    station_id: int
    unit_id: int
    name: str
    credential: str  # the bearer credential the station authenticates with
    next_outbox_index: int  # the outbox index its next record must get (history used the rest)


@dataclass(frozen=True)
class DemoStaff:
    staff_id: int
    unit_id: int
    name: str
    code: str  # the personal 6-digit code, shown to the trainee
    key_id: int | None  # the staff member's active key


@dataclass(frozen=True)
class DemoKey:
    key_id: int
    seed: bytes  # Ed25519 seed: VirtualKey(key_id, seed)
    public_key: bytes
    staff_id: int
    staff_name: str
    unit_id: int
    state: str  # active | blocked | lost | retired, as the back office has it now


@dataclass(frozen=True)
class DemoLock:
    lock_id: int
    kind: str
    name: str
    address: str
    secret: bytes  # the 32-byte MAC secret
    customer_ref: str | None
    installed: bool
    unit_ids: tuple[int, ...]  # units whose staff may open it (unit grants, customers' unit)
    next_seq: int  # lock_seq of its next event: the history used 1 .. next_seq - 1


@dataclass(frozen=True)
class DemoCustomer:
    customer_id: int
    reference: str
    unit_id: int
    lock_id: int
    address: str
    active: bool  # False: a former customer whose lock was removed


@dataclass(frozen=True)
class DemoSite:
    work_dir: Path
    site_dir: Path
    db_url: str
    seed: str
    built_at: int  # unix time of the first build: the history ends the local day before
    history_days: int
    visits_csv: Path
    history: dict[str, int]  # History.counts()
    authority_keys: dict[bytes, bytes]  # authority key id -> public key, for locks
    users: dict[str, DemoUser]
    units: dict[int, DemoUnit]
    stations: dict[int, DemoStation]
    staff: dict[int, DemoStaff]
    keys: dict[int, DemoKey]
    locks: dict[int, DemoLock]
    customers: dict[str, DemoCustomer]

    def open(self) -> Site:
        """The site's database and authority keys (close it when done)."""
        return Site.open(self.site_dir, self.db_url)

    def key_seeds(self) -> dict[int, tuple[bytes, str]]:
        """key id -> (Ed25519 seed, staff member's name)."""
        return {k.key_id: (k.seed, k.staff_name) for k in self.keys.values()}

    def lock_secrets(self) -> dict[int, bytes]:
        return {lock.lock_id: lock.secret for lock in self.locks.values()}


# -- building ----------------------------------------------------------------------------------


class _StepClock:
    """The back office's clock while the site is built: set to each change's time."""

    def __init__(self, real: Callable[[], int]) -> None:
        self.real = real
        self.at: int | None = None

    def __call__(self) -> int:
        return self.real() if self.at is None else self.at


def _read_facts(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        saved: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not a readable demo site file: {err}") from None
    if saved.get("format") != FACTS_FORMAT or not isinstance(saved.get("seed"), str):
        raise ValueError(f"{path}: not a demo site file of format {FACTS_FORMAT}")
    return saved


def _new_passwords(plan: DemoPlan) -> dict[str, str]:
    """A random password for each back-office user of the demo (the seed decides none)."""
    names = ("admin", *(username for username, _role, _unit in plan.users))
    return {name: passwords.generate_password() for name in names}


def _replace_passwords(
    site_dir: Path, url: str, chosen: dict[str, str], clock: Callable[[], int]
) -> None:
    site = Site.open(site_dir, url)
    try:
        office = BackOffice(site, lambda: int(clock()))
        admin = office.actor_for(None)
        existing = {u["username"] for u in office.list_users(admin)}
        for username, password in chosen.items():
            if username in existing:
                office.set_password(admin, username, password)
    finally:
        site.close()


def database_url(saved: dict[str, Any], site_dir: Path) -> str:
    """The demo's database: the one it was built with, else the site folder's SQLite file."""
    return saved["db_url"] or f"sqlite:///{site_dir / 'synk.db'}"


def build_demo_site(
    work_dir: Path,
    *,
    db_url: str | None = None,
    seed: str = DEFAULT_SEED,
    clock: Callable[[], int] = system_clock,
    history_days: int = HISTORY_DAYS,
    code_iterations: int = codes.DEFAULT_ITERATIONS,
) -> DemoSite:
    """Build the demo site in ``work_dir`` (or finish building it); return its facts.

    ``clock`` gives unix seconds (the emulator's ``VirtualClock``); the first
    build fixes the history's end from it. Calling again with the same folder
    changes nothing; another seed or database for an existing folder is refused.
    """
    if not 0 <= history_days <= SITE_AGE_DAYS - 60:
        raise ValueError(f"history_days: 0..{SITE_AGE_DAYS - 60}, got {history_days}")
    work_dir = Path(work_dir)
    private_folder(work_dir, own=True)
    site_dir = work_dir / SITE_SUBDIR
    facts_path = work_dir / FACTS_FILE
    saved = _read_facts(facts_path)
    if saved is None:
        if site_dir.exists() and any(site_dir.iterdir()):
            raise ValueError(f"{site_dir} holds a site that was not built as the demo site")
        saved = {
            "format": FACTS_FORMAT,
            "seed": seed,
            "built_at": int(clock()),
            "history_days": history_days,
            # None: the site's own SQLite file, found relative to the work folder, so
            # a copied or moved work folder keeps working.
            "db_url": db_url,
            "code_iterations": code_iterations,
            "credentials": {},
            "complete": False,
        }
        write_secret(facts_path, json.dumps(saved, indent=2))  # passwords, credentials
    if saved["seed"] != seed:
        raise ValueError(f"{work_dir} holds the demo site of seed {saved['seed']!r}, not {seed!r}")
    if db_url is not None and db_url != database_url(saved, site_dir):
        raise ValueError(
            f"{work_dir}'s demo site lives in {database_url(saved, site_dir)}, not {db_url}"
        )
    plan = plan_demo(seed)
    step = _StepClock(clock)
    if "passwords" not in saved:  # a new folder, or one whose passwords came from the seed
        saved["passwords"] = _new_passwords(plan)
        if site_dir.exists() and any(site_dir.iterdir()):
            _replace_passwords(site_dir, database_url(saved, site_dir), saved["passwords"], clock)
        write_secret(facts_path, json.dumps(saved, indent=2))
    visits_path = work_dir / VISITS_FILE
    if not saved["complete"] or not visits_path.exists():
        history = demo_history(plan, saved["built_at"], saved["history_days"])
        write_secret(visits_path, visits_csv(history.visits))  # staff and customers: owner only
        if not saved["complete"]:
            _Builder(plan, history, saved, site_dir, facts_path, step).run()
    site = Site.open(site_dir, database_url(saved, site_dir))
    try:
        return _facts(BackOffice(site, step), plan, saved, work_dir)
    finally:
        site.close()


class _Builder:
    """Makes every change of the plan that the database does not have yet, in time order."""

    def __init__(
        self,
        plan: DemoPlan,
        history: History,
        saved: dict[str, Any],
        site_dir: Path,
        facts_path: Path,
        step: _StepClock,
    ) -> None:
        self.plan = plan
        self.history = history
        self.saved = saved
        self.site_dir = site_dir
        self.facts_path = facts_path
        self.step = step
        self.start = _site_start(saved["built_at"])

    def _save(self) -> None:
        write_secret(self.facts_path, json.dumps(self.saved, indent=2))

    def run(self) -> None:
        self.step.at = self.start + 8 * HOUR  # the site opens one morning
        url = database_url(self.saved, self.site_dir)
        try:
            site = Site.open(self.site_dir, url)
        except ServiceError:
            site, _admin_password = init_site(
                self.site_dir,
                url=url,
                admin_password=self.saved["passwords"]["admin"],
                code_iterations=self.saved["code_iterations"],
                clock=self.step,
            )
        try:
            self.office = BackOffice(site, self.step)
            self.admin = self.office.actor_for(None)
            self._organisation()
            for at, action in sorted(self._timeline(), key=lambda item: item[0]):
                self.step.at = at
                action()
            self.step.at = None
            self.office.refresh_bundles(self.admin)
        finally:
            self.step.at = None
            site.close()
        self.saved["history"] = self.history.summary()
        self.saved["complete"] = True
        self._save()

    # -- at the site's start ----------------------------------------------------------------

    def _organisation(self) -> None:
        office, admin, plan = self.office, self.admin, self.plan
        providers = {p["name"]: p["id"] for p in office.list_providers(admin)}
        for name, kind in plan.providers:
            if name not in providers:
                providers[name] = office.add_provider(admin, name, kind)["id"]
        units = {(u["provider_id"], u["name"]): u["id"] for u in office.list_units(admin)}
        self.unit_ids: dict[int, int] = {}
        for unit in plan.units:
            where = (providers[unit.provider], unit.name)
            if where not in units:
                units[where] = office.add_unit(admin, where[0], unit.name)["id"]
            self.unit_ids[unit.index] = units[where]
        users = {u["username"] for u in office.list_users(admin)}
        for username, role, unit_index in plan.users:
            if username not in users:
                unit_id = None if unit_index is None else self.unit_ids[unit_index]
                password = self.saved["passwords"][username]
                office.add_user(admin, username, role, unit_id, password)
        stations = {s["id"] for s in office.list_stations(admin)}
        credentials: dict[str, str] = self.saved["credentials"]
        for unit in plan.units:
            if unit.station_id not in stations:
                _row, credential = office.add_station(
                    admin, self.unit_ids[unit.index], f"Station {unit.name}", unit.station_id
                )
            elif str(unit.station_id) not in credentials:
                # Made, but the build stopped before its credential was kept: issue another.
                credential = office.new_station_credential(admin, unit.station_id)
            else:
                continue
            credentials[str(unit.station_id)] = credential
            self._save()
        self.staff_rows = {(s["unit_id"], s["name"]): s["id"] for s in office.list_staff(admin)}
        self.staff_ids: dict[int, int] = {}
        self.keys = {k["id"]: k for k in office.list_keys(admin)}
        hired_later = {p.staff.index for p in plan.problem_keys if p.synced is None}
        for person in plan.people():
            if person.index not in hired_later:
                self._hire(person)
        self.locks = {lock["id"]: lock for lock in office.list_locks(admin)}
        self.ever_installed = {
            lock_id
            for lock_id, row in self.locks.items()
            if row["installed"] or office.show_lock(admin, lock_id)["installations"]
        }
        for lock in plan.locks:
            if lock.customer is None:
                self._mount(lock, None)
        self.grants = {
            (g["unit_id"], g["staff_id"], g["lock_id"])
            for g in office.list_grants(admin, include_ended=True)
        }
        for lock in plan.locks:
            if lock.customer is None:
                for index in lock.units:
                    if (self.unit_ids[index], None, lock.lock_id) not in self.grants:
                        office.grant_unit(admin, self.unit_ids[index], [lock.lock_id])
        self.customers = {c["reference"]: c["id"] for c in office.list_customers(admin)}

    def _hire(self, person: PlanStaff) -> None:
        """The staff member and their key, unless the database has them."""
        where = (self.unit_ids[person.unit], person.name)
        if where not in self.staff_rows:
            row = self.office.add_staff(self.admin, where[0], person.name, person.code)[0]
            self.staff_rows[where] = row["id"]
        self.staff_ids[person.index] = self.staff_rows[where]
        if person.key_id not in self.keys:
            public = _public(person.key_seed)
            row = self.office.add_key(
                self.admin,
                self.staff_ids[person.index],
                public,
                person.key_id,
                virtual_pin_secret(person.key_seed),
            )
            self.keys[person.key_id] = row

    def _problem(self, problem: PlanProblemKey) -> None:
        """What happened to a problem key on its day (PROBLEM_KEYS)."""
        person = problem.staff
        if problem.problem == "never_synced":
            self._hire(person)
        elif problem.problem == "unlinked":
            staff_id = self.staff_ids[person.index]
            if self.office.show_staff(self.admin, staff_id)["active"]:
                self.office.deactivate_staff(
                    self.admin, staff_id, "Slutat, nyckeln inte återlämnad"
                )
        elif problem.problem == "blocked_in_use":
            key_id = person.key_id
            if self.office.show_key(self.admin, key_id)["state"] == "active":
                self.office.set_key_state(
                    self.admin, key_id, "blocked", "Spärrad i väntan på retur"
                )

    def _mount(self, lock: PlanLock, customer_id: int | None) -> None:
        if lock.lock_id not in self.locks:
            self.office.add_lock(self.admin, lock.kind, lock.name, lock.lock_id, lock.secret)
            self.locks[lock.lock_id] = {"installed": False}
        if lock.lock_id not in self.ever_installed:
            self.office.install_lock(self.admin, lock.lock_id, lock.address, customer_id)
            self.ever_installed.add(lock.lock_id)
            self.locks[lock.lock_id] = {"installed": True}

    # -- the half year since ----------------------------------------------------------------

    def _timeline(self) -> list[tuple[int, Callable[[], None]]]:
        plan, start = self.plan, self.start
        built_day = local_day(self.saved["built_at"])
        actions: list[tuple[int, Callable[[], None]]] = []
        for customer in plan.customers:
            actions.append((start + customer.joined_at, functools.partial(self._join, customer)))
            if customer.left_at is not None:
                actions.append((start + customer.left_at, functools.partial(self._leave, customer)))
        loss = plan.key_loss
        loss_day = built_day - timedelta(days=loss.lost_days_ago)
        actions.append((_at(loss_day, loss.lost_at_local + 1_800), self._report_loss))
        actions.append((_at(loss_day + timedelta(days=1), 7 * HOUR - 600), self._replace_key))
        for problem in plan.problem_keys:
            if problem.event_days_ago is not None:
                day = built_day - timedelta(days=problem.event_days_ago)
                actions.append((_at(day, 12 * HOUR), functools.partial(self._problem, problem)))
        grant_at = _at(built_day - timedelta(days=3), 13 * HOUR)
        for grant in plan.personal_grants:
            actions.append((grant_at, functools.partial(self._grant, grant)))
        for upload in self.history.uploads:
            actions.append((upload.at, functools.partial(self._upload, upload)))
        return actions

    def _join(self, customer: PlanCustomer) -> None:
        if customer.reference not in self.customers:
            row = self.office.add_customer(
                self.admin, customer.reference, self.unit_ids[customer.unit]
            )
            self.customers[customer.reference] = row["id"]
        self._mount(self.plan.lock(customer.lock_id), self.customers[customer.reference])

    def _leave(self, customer: PlanCustomer) -> None:
        if self.locks[customer.lock_id]["installed"]:
            self.office.remove_lock(self.admin, customer.lock_id)
            self.locks[customer.lock_id] = {"installed": False}

    def _report_loss(self) -> None:
        key_id = self.plan.staff[self.plan.key_loss.staff].key_id
        if self.office.show_key(self.admin, key_id)["state"] == "active":
            self.office.set_key_state(self.admin, key_id, "lost", "Tappad under passet")

    def _replace_key(self) -> None:
        loss = self.plan.key_loss
        if loss.new_key_id not in self.keys:
            staff_id = self.staff_ids[loss.staff]
            public = _public(loss.new_key_seed)
            secret = virtual_pin_secret(loss.new_key_seed)
            row = self.office.add_key(self.admin, staff_id, public, loss.new_key_id, secret)
            self.keys[loss.new_key_id] = row

    def _grant(self, grant: PlanGrant) -> None:
        staff_id = self.staff_ids[grant.staff]
        if (None, staff_id, grant.lock_id) not in self.grants:
            ends = self.saved["built_at"] + 11 * DAY
            self.office.grant_personal(self.admin, staff_id, grant.lock_id, ends)
            self.grants.add((None, staff_id, grant.lock_id))

    def _upload(self, upload: Upload) -> None:
        credential = self.saved["credentials"][str(upload.station_id)]
        station = self.office.authenticate_station(credential)
        self.office.ingest_upload(station, upload.station_id, upload.body())


def _facts(
    office: BackOffice,
    plan: DemoPlan,
    saved: dict[str, Any],
    work_dir: Path,
) -> DemoSite:
    """The demo site as the database has it now, with what only the seed knows."""
    admin = office.actor_for(None)
    summary = saved["history"]
    publics = office.authority_public_keys(admin)
    providers = {p["id"]: p for p in office.list_providers(admin)}
    unit_rows = {u["name"]: u for u in office.list_units(admin)}
    units: dict[int, DemoUnit] = {}
    index_to_unit: dict[int, int] = {}
    for unit in plan.units:
        row = unit_rows[unit.name]
        provider = providers[row["provider_id"]]
        units[row["id"]] = DemoUnit(
            row["id"],
            provider["id"],
            provider["name"],
            provider["kind"],
            unit.name,
            unit.station_id,
        )
        index_to_unit[unit.index] = row["id"]
    user_rows = {u["username"]: u for u in office.list_users(admin)}
    users = {
        name: DemoUser(
            name, user_rows[name]["role"], user_rows[name]["unit_id"], saved["passwords"][name]
        )
        for name in ("admin", *(u[0] for u in plan.users))
    }
    stations = {}
    for unit in plan.units:
        row = office.show_station(admin, unit.station_id)
        stations[unit.station_id] = DemoStation(
            unit.station_id,
            row["unit_id"],
            row["name"],
            saved["credentials"][str(unit.station_id)],
            summary["next_outbox_index"][str(unit.station_id)],
        )
    staff_rows = {(s["unit_id"], s["name"]): s for s in office.list_staff(admin)}
    key_rows = {k["id"]: k for k in office.list_keys(admin)}
    staff: dict[int, DemoStaff] = {}
    keys: dict[int, DemoKey] = {}
    loss = plan.key_loss
    for person in plan.people():
        found = staff_rows.get((index_to_unit[person.unit], person.name))
        if found is None:  # the folder's site was built from an earlier demo plan
            raise ValueError(
                f"{work_dir}: its demo site was built by an earlier synk ({person.name} is"
                " missing); start with another --work folder, or move this one away"
            )
        row = found
        seeds = {person.key_id: person.key_seed}
        if person.index == loss.staff:
            seeds[loss.new_key_id] = loss.new_key_seed
        active = None
        for key_id, key_seed in seeds.items():
            key_row = key_rows[key_id]
            keys[key_id] = DemoKey(
                key_id,
                key_seed,
                bytes.fromhex(key_row["public_key"]),
                row["id"],
                person.name,
                row["unit_id"],
                key_row["state"],
            )
            if key_row["state"] == "active":
                active = key_id
        staff[row["id"]] = DemoStaff(row["id"], row["unit_id"], person.name, person.code, active)
    customer_rows = {c["reference"]: c for c in office.list_customers(admin)}
    lock_rows = {lock["id"]: lock for lock in office.list_locks(admin)}
    openers: dict[int, list[int]] = {}
    for unit_id in units:
        for row in office.list_locks(admin, unit_id=unit_id):
            openers.setdefault(row["id"], []).append(unit_id)
    locks = {}
    for lock in plan.locks:
        row = lock_rows[lock.lock_id]
        locks[lock.lock_id] = DemoLock(
            lock.lock_id,
            lock.kind,
            lock.name,
            lock.address,
            lock.secret,
            lock.customer,
            row["installed"],
            tuple(openers.get(lock.lock_id, ())),
            summary["next_seq"][str(lock.lock_id)],
        )
    customers = {}
    for customer in plan.customers:
        row = customer_rows[customer.reference]
        customers[customer.reference] = DemoCustomer(
            row["id"],
            customer.reference,
            row["unit_id"],
            customer.lock_id,
            customer.address,
            locks[customer.lock_id].installed,
        )
    return DemoSite(
        work_dir=work_dir,
        site_dir=work_dir / SITE_SUBDIR,
        db_url=database_url(saved, work_dir / SITE_SUBDIR),
        seed=saved["seed"],
        built_at=saved["built_at"],
        history_days=saved["history_days"],
        visits_csv=work_dir / VISITS_FILE,
        history=dict(summary["counts"]),
        authority_keys={authority_key_id(p): p for p in publics},
        users=users,
        units=units,
        stations=stations,
        staff=staff,
        keys=keys,
        locks=locks,
        customers=customers,
    )
