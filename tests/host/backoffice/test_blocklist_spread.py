"""The blocklist's spread, lock by lock: versions from the locks' own events, exposed locks."""

from __future__ import annotations

import pytest

from host.backoffice.blocklist import full_version
from host.backoffice.errors import Forbidden
from host.backoffice.followup.service import FollowUp
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice

from .builders import lock_event, lock_record, upload
from .conftest import Clock, World


@pytest.fixture
def station(office: BackOffice, world: World) -> Actor:
    return office.authenticate_station(world.credential_a)


def _event(
    office: BackOffice, station: Actor, world: World, lock: int, seq: int, version: int, at: int
) -> None:
    body = upload(
        world.station_a,
        seq * 10 + lock,
        [
            lock_record(
                lock_event(
                    world.secrets[lock], lock, world.key_a2, seq, at, blocklist_version=version
                )
            )
        ],
    )
    assert office.ingest_upload(station, world.station_a, body).stored == 1


def test_full_versions_from_sixteen_bits() -> None:
    assert full_version(0, 70_000) == 0  # no list at all
    assert full_version(7, 9) == 7
    assert full_version(70_000 & 0xFFFF, 70_000) == 70_000
    assert full_version(65_535, 70_000) == 65_535  # the version before the wrap
    assert full_version(12, 5) == 12  # none issued with these bits: taken as they are


def test_a_lost_keys_exposed_locks_are_those_on_an_older_list(
    office: BackOffice,
    admin: Actor,
    manager_a: Actor,
    manager_b: Actor,
    station: Actor,
    world: World,
    clock: Clock,
) -> None:
    followup = FollowUp(office)
    office.export_bundle(admin, world.station_a)  # blocklist version 1, empty
    _event(office, station, world, 1, 1, 1, clock.now - 600)
    clock.advance(3600)
    office.set_key_state(admin, world.key_a1, "lost", "tappad")
    office.export_bundle(admin, world.station_a)  # version 2 lists key_a1
    clock.advance(600)
    _event(office, station, world, 2, 1, 2, clock.now - 60)  # the key box has the new list
    _event(office, station, world, 2, 2, 2, clock.now - 30)

    exposed, versions = followup.blocklist_spread(manager_a)
    assert {(r.key_id, r.lock_id) for r in exposed} == {(world.key_a1, 1), (world.key_a1, 4)}
    assert all(r.first_version == 2 and r.staff_name == "Anna Andersson" for r in exposed)
    seen = {v.lock_id: (v.version_seen, v.seen_since, v.behind) for v in versions}
    assert seen[1] == (1, clock.now - 3600 - 600 - 600, 1)
    assert seen[2] == (2, clock.now - 60, 0)  # since the earliest event that showed it
    assert seen[4] == (0, None, 2)  # no event yet: as dangerous as it gets

    _event(office, station, world, 1, 2, 2, clock.now)  # another key brought the list there
    exposed, _ = followup.blocklist_spread(manager_a)
    assert {r.lock_id for r in exposed} == {4}
    assert followup.blocklist_spread(manager_b)[0] == []  # unit B's view: none of its keys
    with pytest.raises(Forbidden):
        followup.blocklist_spread(manager_b, world.unit_a)
