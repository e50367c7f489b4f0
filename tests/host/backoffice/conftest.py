"""Fixtures: a movable clock, a fresh site in tmp_path, a small populated world, actors,
and a live uvicorn server on 127.0.0.1 (port 0) in a background thread.

``site`` (and so ``office``, ``world``, ``live_server`` and every test using them: the
service, ingest, API, bundle, blocklist, retention and export tests here) runs on both
engines: SQLite, and PostgreSQL on the session's own cluster (``tests/host/conftest.py``'s
``database``; a fresh database per test). The web pages' tests (tests/host/web) run on
SQLite only, apart from those that name PostgreSQL themselves: the pages ask the same
service, and the browser tests twice would double the suite's slowest part."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site
from host.backoffice.threaded_server import ThreadedServer
from host.backoffice.timeutil import parse_time

from .builders import QUICK_PASSWORDS, keypair

# A Tuesday morning in Stockholm, some days before the change to summer time.
START = parse_time("2026-03-10T08:00")


class Clock:
    """A clock tests move by hand (UTC seconds)."""

    def __init__(self, now: int = START) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def site(tmp_path: Path, clock: Clock, database: str | None) -> Iterator[Site]:
    made, _password = init_site(
        tmp_path / "site",
        url=database,
        admin_password="admin-pw",
        password_cost=QUICK_PASSWORDS,
        clock=clock,
    )
    yield made
    made.close()


@pytest.fixture
def office(site: Site, clock: Clock) -> BackOffice:
    return BackOffice(site, clock)


@pytest.fixture
def admin(office: BackOffice) -> Actor:
    return office.actor_for(None)


@dataclass
class World:
    """A provider with two units (A, B), a station, staff, keys, customers and locks each.

    Locks: 1 and 2 mounted for customer A, 3 for customer B, 4 a common area
    granted to unit A, 5 registered but not mounted.
    """

    provider: int
    unit_a: int
    unit_b: int
    station_a: int
    station_b: int
    credential_a: str
    credential_b: str
    staff_a1: int
    staff_a2: int
    staff_b1: int
    customer_a: int
    customer_b: int
    key_a1: int = 101
    key_a2: int = 102
    key_b1: int = 201
    privates: dict[int, Ed25519PrivateKey] = field(default_factory=dict)
    publics: dict[int, bytes] = field(default_factory=dict)
    secrets: dict[int, bytes] = field(default_factory=dict)
    pin_secrets: dict[int, bytes] = field(default_factory=dict)  # each key's, from add_key
    code_a1: str = "482913"


@pytest.fixture
def world(office: BackOffice, admin: Actor) -> World:
    provider = office.add_provider(admin, "Haninge kommun", "municipal")["id"]
    unit_a = office.add_unit(admin, provider, "Hemtjänst Nord")["id"]
    unit_b = office.add_unit(admin, provider, "Hemtjänst Syd")["id"]
    station_a, credential_a = office.add_station(admin, unit_a, "Nord 1")
    station_b, credential_b = office.add_station(admin, unit_b, "Syd 1")
    staff_a1 = office.add_staff(admin, unit_a, "Anna Andersson", "482913")[0]["id"]
    staff_a2 = office.add_staff(admin, unit_a, "Åsa Öberg", "730518")[0]["id"]
    staff_b1 = office.add_staff(admin, unit_b, "Bo Berg", "615240")[0]["id"]
    customer_a = office.add_customer(admin, "K-NORD-0001", unit_a)["id"]
    customer_b = office.add_customer(admin, "K-SYD-0001", unit_b)["id"]
    made = World(
        provider,
        unit_a,
        unit_b,
        station_a["id"],
        station_b["id"],
        credential_a,
        credential_b,
        staff_a1,
        staff_a2,
        staff_b1,
        customer_a,
        customer_b,
    )
    for key_id, staff_id in ((101, staff_a1), (102, staff_a2), (201, staff_b1)):
        private, public = keypair()
        row = office.add_key(admin, staff_id, public, key_id)
        made.privates[key_id], made.publics[key_id] = private, public
        made.pin_secrets[key_id] = bytes.fromhex(row["pin_secret"])
    for lock_id, kind in (
        (1, "customer_door"),
        (2, "key_box"),
        (3, "customer_door"),
        (4, "common_area"),
        (5, "customer_door"),
    ):
        made.secrets[lock_id] = office.add_lock(admin, kind, f"lås {lock_id}", lock_id)[1]
    office.install_lock(admin, 1, "Storgatan 1", customer_a)
    office.install_lock(admin, 2, "Storgatan 1", customer_a)
    office.install_lock(admin, 3, "Södergatan 9", customer_b)
    office.install_lock(admin, 4, "Storgatan 1, tvättstuga")
    office.grant_unit(admin, unit_a, [4])
    return made


def _user(office: BackOffice, admin: Actor, name: str, role: str, unit: int | None) -> Actor:
    office.add_user(admin, name, role, unit, "pw")
    return office.actor_for(name)


@pytest.fixture
def manager_a(office: BackOffice, admin: Actor, world: World) -> Actor:
    return _user(office, admin, "chef.nord", "unit_manager", world.unit_a)


@pytest.fixture
def manager_b(office: BackOffice, admin: Actor, world: World) -> Actor:
    return _user(office, admin, "chef.syd", "unit_manager", world.unit_b)


@pytest.fixture
def reviewer(office: BackOffice, admin: Actor, world: World) -> Actor:
    return _user(office, admin, "granskare", "reviewer", None)


@pytest.fixture
def technician(office: BackOffice, admin: Actor, world: World) -> Actor:
    return _user(office, admin, "tekniker", "technician", None)


@pytest.fixture
def live_server(site: Site, clock: Clock, world: World) -> Iterator[str]:
    """The station API over real HTTP on a free loopback port; yields its base URL."""
    server = ThreadedServer(site, clock)
    yield server.start()
    server.stop()
