"""The blocklist bounded by time (SPEC.md 8.2): an entry lasts exactly as long as a set can.

The bound is checked against the bundles themselves: every set a bundle built
before the key was blocked can hand out ends before the entry leaves, by the
lock clock margin; the entry is on every version up to that moment and leaves
the next one after it.
"""

from __future__ import annotations

from typing import Any

import pytest

from host.backoffice import blocklist
from host.backoffice.blocklist import CLOCK_MARGIN_S, entry_expires_at
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.timeutil import parse_time
from protocol.records import decode_record

from .conftest import Clock, World

HOUR = 3600
DAY = 24 * HOUR


def _listed(office: BackOffice, admin: Actor) -> tuple[int, list[int]]:
    current = office.current_blocklist(admin)
    return int(current["version"]), list(current["key_ids"])


def _last_valid_until(office: BackOffice, admin: Actor, station: int, key_id: int) -> int:
    bundle: dict[str, Any] = decode_record("bundle", office.export_bundle(admin, station).data)
    index = [k["key_id"] for k in bundle["keys"]].index(key_id)
    return max(entry["valid_until"] for entry in bundle["sets"][index])


@pytest.mark.parametrize(
    "reported",
    [
        "2026-03-10T08:00",  # a morning
        "2026-03-10T23:59",  # a minute before the local day ends
        "2026-03-22T10:45",  # its last set's window spans the change to summer time
        "2026-10-17T00:01",  # …and the change back, in the first minute of a day
    ],
)
def test_a_lost_key_is_listed_until_no_set_it_can_hold_is_valid(
    office: BackOffice, admin: Actor, world: World, clock: Clock, reported: str
) -> None:
    clock.now = parse_time(reported) - 60
    # The last bundle that holds the key, built just before the loss: what an offline
    # station keeps handing out, one set a day.
    last_set_ends = _last_valid_until(office, admin, world.station_a, world.key_a1)
    clock.advance(60)
    lost_at = clock.now
    office.set_key_state(admin, world.key_a1, "lost", "tappad")
    expires = entry_expires_at(lost_at)
    assert expires == last_set_ends + CLOCK_MARGIN_S

    version, ids = _listed(office, admin)
    assert ids == [world.key_a1]
    while clock.now + 6 * HOUR < expires:
        clock.advance(6 * HOUR)
        assert _listed(office, admin) == (version, [world.key_a1])
    clock.now = expires - 1
    assert _listed(office, admin) == (version, [world.key_a1])
    clock.now = expires
    assert _listed(office, admin) == (version + 1, [])
    # Bundles built from then on carry the shorter list.
    bundle = decode_record("bundle", office.export_bundle(admin, world.station_b).data)
    assert decode_record("blocklist", bundle["blocklist"])["key_ids"] == []


def test_a_found_key_is_unblocked_at_once_and_gets_sets_again(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    office.set_key_state(admin, world.key_a1, "lost", "tappad")
    version, ids = _listed(office, admin)
    assert ids == [world.key_a1]
    clock.advance(2 * HOUR)
    office.set_key_state(admin, world.key_a1, "active", "hittad i bilen")
    assert _listed(office, admin) == (version + 1, [])
    bundle = decode_record("bundle", office.export_bundle(admin, world.station_a).data)
    assert world.key_a1 in [k["key_id"] for k in bundle["keys"]]
    clock.advance(HOUR)  # lost again: a new entry, bounded from the new loss
    office.set_key_state(admin, world.key_a1, "lost", "tappad igen")
    assert _listed(office, admin) == (version + 2, [world.key_a1])
    with office.site.sessions() as session:
        assert blocklist.entries(session, clock.now) == {
            world.key_a1: blocklist.Entry(clock.now, entry_expires_at(clock.now))
        }


def test_a_lost_key_that_is_retired_stays_listed_to_the_bound(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    office.set_key_state(admin, world.key_a1, "blocked", "spärrad av chefen")
    lost_at = clock.now
    clock.advance(DAY)
    office.set_key_state(admin, world.key_a1, "lost", "borttappad")
    clock.advance(DAY)
    office.set_key_state(admin, world.key_a1, "retired", "ersatt av ny nyckel")
    assert _listed(office, admin)[1] == [world.key_a1]
    clock.now = entry_expires_at(lost_at) - 1  # bounded from when it left active
    assert _listed(office, admin)[1] == [world.key_a1]
    clock.now += 1
    assert _listed(office, admin)[1] == []


def test_a_key_returned_and_retired_is_never_listed(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    office.set_key_state(admin, world.key_a2, "retired", "lämnad tillbaka")
    assert _listed(office, admin)[1] == []
