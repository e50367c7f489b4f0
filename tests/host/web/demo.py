"""A populated site for the web tests: three units of two providers, keys, locks, events, visits.

Everything goes through the service layer and the station upload path (MACs
made with the locks' secrets), at times set on a movable clock. ``NOW`` is
Monday 2026-04-20 10:00 in Stockholm; the March sample date is Monday
2026-03-16 (the 15th was a Sunday), and the reviewer drew March's sample that
morning with seed 42. What each page should show is written
next to the data that makes it so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from host.backoffice.followup.service import FollowUp
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site
from host.backoffice.timeutil import parse_time
from protocol.constants import Outcome, StationReason
from tests.host.backoffice.builders import (
    QUICK_PASSWORDS,
    keypair,
    lock_event,
    lock_record,
    station_record,
    upload,
)

NOW = parse_time("2026-04-20T10:00")
PASSWORDS = {
    "admin": "admin-pw-1",
    "chef.nord": "nord-pw-1",
    "chef.oms": "oms-pw-1",
    "granskare": "gransk-pw-1",
    "tekniker": "tekn-pw-1",
    "larmgrupp": "larm-pw-1",
}
ROLES = {
    "admin": "admin",
    "chef.nord": "unit_manager",
    "chef.oms": "unit_manager",
    "granskare": "reviewer",
    "tekniker": "technician",
    "larmgrupp": "alarm_group",
}


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def at(self, text: str) -> None:
        self.now = parse_time(text)


@dataclass
class Demo:
    site: Site
    clock: Clock
    office: BackOffice
    admin: Actor
    ids: dict[str, int] = field(default_factory=dict)
    secrets: dict[int, bytes] = field(default_factory=dict)
    credentials: dict[int, str] = field(default_factory=dict)
    lock_seq: dict[int, int] = field(default_factory=dict)
    records: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        return self.office.actor_for(username)

    def open(self, station: int, lock: int, key: int, when: str, outcome: int = 0) -> None:
        """A key at a lock at local time ``when``, handed over at ``station`` later."""
        seq = self.lock_seq.get(lock, 0) + 1
        self.lock_seq[lock] = seq
        event = lock_event(self.secrets[lock], lock, key, seq, parse_time(when), outcome)
        self.records.setdefault(station, []).append(lock_record(event))

    def skip_seq(self, lock: int) -> None:
        """A lost event: the lock's next number is never uploaded (a sequence gap)."""
        self.lock_seq[lock] = self.lock_seq.get(lock, 0) + 1

    def forged(self, station: int, lock: int, key: int, when: str) -> None:
        seq = self.lock_seq.get(lock, 0) + 1
        self.lock_seq[lock] = seq
        event = lock_event(bytes(32), lock, key, seq, parse_time(when))
        self.records.setdefault(station, []).append(lock_record(event))

    def station_event(
        self, station: int, key: int, when: str, reason: int, detail: int = 0
    ) -> None:
        record = station_record(key, parse_time(when), reason, detail)
        self.records.setdefault(station, []).append(record)

    def flush(self) -> None:
        """Upload what each station collected, in batches, as the station would."""
        for station, records in self.records.items():
            actor = self.office.authenticate_station(self.credentials[station])
            for first in range(0, len(records), 400):
                batch = upload(station, first + 1, records[first : first + 400])
                self.office.ingest_upload(actor, station, batch)
        self.records = {}


def build(directory: Path, url: str | None = None) -> Demo:
    """The demo site in ``directory``; its database at ``url`` (None: the site's SQLite file)."""
    clock = Clock(parse_time("2025-10-01T09:00"))
    site, _ = init_site(
        directory,
        url=url,
        admin_password=PASSWORDS["admin"],
        clock=clock,
        code_iterations=50,
        password_cost=QUICK_PASSWORDS,
    )
    office = BackOffice(site, clock)
    admin = office.actor_for(None)
    demo = Demo(site, clock, office, admin)
    ids = demo.ids

    kommun = office.add_provider(admin, "Haninge kommun", "municipal")["id"]
    private = office.add_provider(admin, "Omsorg AB", "private")["id"]
    ids.update(provider_kommun=kommun, provider_private=private)
    ids["unit_nord"] = office.add_unit(admin, kommun, "Hemtjänst Nord")["id"]
    ids["unit_syd"] = office.add_unit(admin, kommun, "Hemtjänst Syd")["id"]
    ids["unit_oms"] = office.add_unit(admin, private, "Omsorg Centrum")["id"]
    for unit, name in (("nord", "Nord 1"), ("syd", "Syd 1"), ("oms", "Centrum 1")):
        row, credential = office.add_station(admin, ids[f"unit_{unit}"], name)
        ids[f"station_{unit}"] = row["id"]
        demo.credentials[row["id"]] = credential
    for username, role in ROLES.items():
        if username == "admin":
            continue
        unit = {"chef.nord": ids["unit_nord"], "chef.oms": ids["unit_oms"]}.get(username)
        office.add_user(admin, username, role, unit, PASSWORDS[username])

    staff = {
        "anna": ("nord", "Anna Andersson"),
        "asa": ("nord", "Åsa Öberg"),
        "kalle": ("nord", "Kalle Karlsson"),
        "bo": ("syd", "Bo Berg"),
        "cecilia": ("oms", "Cecilia Ek"),
        "david": ("oms", "David Lund"),
    }
    for short, (unit, name) in staff.items():
        ids[f"staff_{short}"] = office.add_staff(admin, ids[f"unit_{unit}"], name)[0]["id"]
    keys = {101: "anna", 102: "asa", 103: "kalle", 104: "asa", 201: "bo", 301: "cecilia"}
    keys[302] = "david"
    for key_id, short in keys.items():
        office.add_key(admin, ids[f"staff_{short}"], keypair()[1], key_id)

    customers = {
        "K-NORD-0001": "nord",
        "K-NORD-0002": "nord",
        "K-NORD-0003": "nord",
        "K-NORD-0004": "nord",
        "K-NORD-0005": "nord",
        "K-SYD-0001": "syd",
        "K-SYD-0002": "syd",
        "K-OMS-0001": "oms",
        "K-OMS-0002": "oms",
        "K-OMS-0003": "oms",
    }
    for reference, unit in customers.items():
        ids[reference] = office.add_customer(admin, reference, ids[f"unit_{unit}"])["id"]

    # Mounts per month: Nov 2, Dec 2, Jan 3, Feb 4, Mar 0 (one removal), Apr 1.
    mounts = [
        ("2025-11-03T10:00", 1, "customer_door", "K-NORD-0001"),
        ("2025-11-03T11:00", 2, "customer_door", "K-NORD-0002"),
        ("2025-12-10T10:00", 3, "customer_door", "K-NORD-0003"),
        ("2025-12-10T11:00", 4, "key_box", "K-NORD-0004"),
        ("2026-01-12T10:00", 5, "customer_door", "K-SYD-0001"),
        ("2026-01-12T11:00", 10, "common_area", None),
        ("2026-01-12T12:00", 11, "building_entrance", None),
        ("2026-02-02T10:00", 6, "customer_door", "K-OMS-0001"),
        ("2026-02-02T11:00", 7, "customer_door", "K-OMS-0002"),
        ("2026-02-02T12:00", 8, "customer_door", "K-OMS-0003"),
        ("2026-02-20T10:00", 9, "customer_door", "K-NORD-0005"),
        ("2026-04-02T10:00", 12, "customer_door", "K-SYD-0002"),
    ]
    for when, lock_id, kind, customer in mounts:
        clock.at(when)
        demo.secrets[lock_id] = office.add_lock(admin, kind, f"lås {lock_id}", lock_id)[1]
        customer_id = ids[customer] if customer else None
        office.install_lock(admin, lock_id, f"Adress {lock_id}", customer_id)
    office.grant_unit(admin, ids["unit_nord"], [10])
    clock.at("2026-03-25T10:00")
    office.remove_lock(admin, 9)  # the customer moved: a removal in March

    clock.at("2026-02-01T09:00")
    office.set_key_state(admin, 104, "lost", "tappad")
    clock.at("2026-03-01T09:00")
    office.deactivate_staff(admin, ids["staff_kalle"], "slutat")  # blocks key 103

    nord, syd, oms = ids["station_nord"], ids["station_syd"], ids["station_oms"]
    # Lock-share history: the 16th of January and February.
    history = [
        ("2026-01-16", "K-NORD-0001", "anna", 1, 101, True),
        ("2026-01-16", "K-NORD-0002", "asa", 2, 102, False),
        ("2026-01-16", "K-SYD-0001", "bo", 5, 201, True),
        ("2026-02-16", "K-NORD-0001", "anna", 1, 101, True),
        ("2026-02-16", "K-NORD-0003", "asa", 3, 102, True),
        ("2026-02-16", "K-OMS-0001", "cecilia", 6, 301, False),
        ("2026-02-16", "K-OMS-0002", "david", 7, 302, True),
    ]
    visits: list[dict[str, Any]] = []
    for day, customer, short, lock, key, used in history:
        station = {"1": nord, "2": nord, "3": nord, "5": syd}.get(str(lock), oms)
        visits.append(_visit(customer, ids[f"staff_{short}"], f"{day}T08:00", f"{day}T08:30", used))
        if used:
            demo.open(station, lock, key, f"{day}T08:01")

    # The March sample day, Monday 2026-03-16.
    day = "2026-03-16"
    sample_visits = [
        # K-NORD-0001: 4 visits, 3 opened with the lock, 1 manual, 1 staff without the lock.
        ("K-NORD-0001", "anna", "07:30", "08:00", "lock", (nord, 1, 101, "07:28")),
        ("K-NORD-0001", "asa", "12:00", "12:20", "lock", (nord, 1, 102, "12:01")),
        ("K-NORD-0001", "asa", "16:00", "16:30", "manual", None),
        ("K-NORD-0001", "anna", "20:00", "20:20", "nfc", (nord, 1, 101, "19:50")),
        # K-NORD-0002: 2 visits, none with the lock, 2 manual, 2 staff without the lock.
        ("K-NORD-0002", "anna", "08:15", "08:45", "manual", None),
        ("K-NORD-0002", "asa", "13:00", "13:30", "manual", None),
        # K-NORD-0003: Åsa's visit was opened by Anna's key: not Åsa's use of the lock.
        ("K-NORD-0003", "asa", "09:00", "09:30", "lock", (nord, 3, 101, "09:02")),
        ("K-NORD-0003", "anna", "10:00", "10:20", "lock", (nord, 3, 101, "10:00")),
        ("K-NORD-0004", "anna", "11:00", "11:30", "lock", (nord, 4, 101, "11:05")),
        ("K-SYD-0001", "bo", "09:00", "09:30", "lock", (syd, 5, 201, "09:01")),
        ("K-SYD-0001", "bo", "15:00", "15:30", "manual", None),
        ("K-OMS-0001", "cecilia", "08:00", "08:40", "lock", (oms, 6, 301, "08:02")),
        ("K-OMS-0002", "david", "09:00", "09:40", "manual", None),
        ("K-OMS-0003", "cecilia", "10:00", "10:25", "lock", (oms, 8, 301, "10:01")),
        ("K-OMS-0003", "david", "14:00", "14:25", "lock", (oms, 8, 302, "14:03")),
    ]
    for customer, short, start, end, method, opening in sample_visits:
        visits.append(
            {
                "customer_ref": customer,
                "staff_ref": ids[f"staff_{short}"],
                "start": f"{day} {start}",
                "end": f"{day} {end}",
                "registered_by": method,
            }
        )
        if opening is not None:
            station, lock, key, when = opening
            demo.open(station, lock, key, f"{day}T{when}")
    # An opening no visit explains (late evening at K-NORD-0001).
    demo.open(nord, 1, 101, f"{day}T23:10")
    # Kalle's blocked key still opens the laundry room (the lock lacked the new blocklist).
    demo.open(nord, 10, 103, "2026-03-10T18:00")
    demo.station_event(nord, 103, "2026-03-11T07:00", StationReason.KEY_BLOCKED)
    # A refused opening, a forged event and a lost one.
    demo.open(nord, 2, 102, "2026-03-17T08:00", Outcome.EXPIRED)
    demo.forged(nord, 2, 102, "2026-03-17T09:00")
    demo.skip_seq(3)
    demo.open(nord, 3, 101, "2026-03-18T08:00")
    # A key the site does not know, put in station Nord.
    demo.station_event(nord, 999, "2026-04-19T07:05", StationReason.UNKNOWN_KEY)
    # Syncs: recent for Nord and Syd, Cecilia's 19 days ago, David's never.
    for key, station, when in (
        (101, nord, "2026-04-20T06:55"),
        (102, nord, "2026-04-19T15:00"),
        (201, syd, "2026-04-18T07:00"),
        (301, oms, "2026-04-01T07:00"),
    ):
        demo.station_event(station, key, when, StationReason.SYNC_OK, 5)
    demo.station_event(nord, 101, "2026-04-20T06:54", StationReason.WRONG_CODE, 1)

    clock.at("2026-04-20T09:00")
    demo.flush()
    clock.at("2026-04-20T09:30")
    result = FollowUp(office).import_visits(admin, visits)
    assert not result.errors, result.errors

    # Heartbeats: Nord fresh (8 days of margin), Syd's bundle 6 days old (2 left), Centrum never.
    day_s = 86_400
    statuses = {
        nord: {"online": 1, "outbox_records": 0, "outbox_bytes": 0, "flags": 0},
        syd: {"online": 0, "outbox_records": 37, "outbox_bytes": 1554, "flags": 1},
    }
    issued = {nord: NOW - 3600, syd: NOW - 6 * day_s}
    for station, status in statuses.items():
        status.update(
            station_id=station,
            bundle_serial=4,
            bundle_issued=issued[station],
            offline_until=issued[station] + 8 * day_s,
        )
        actor = office.authenticate_station(demo.credentials[station])
        clock.now = NOW - 600
        office.heartbeat(actor, station, status)
    # The March sample, drawn by the reviewer on its day with seed 42 (the pages show it to all).
    clock.at("2026-03-16T09:00")
    FollowUp(office).draw_sample(demo.actor("granskare"), 2026, 3, count=3, seed=42)
    clock.now = NOW
    return demo


def _visit(customer: str, staff_id: int, start: str, end: str, used: bool) -> dict[str, Any]:
    return {
        "customer_ref": customer,
        "staff_ref": staff_id,
        "start": start,
        "end": end,
        "registered_by": "lock" if used else "manual",
    }
