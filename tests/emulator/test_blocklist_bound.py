"""A lost key at an offline station and an offline lock, day by day, to the blocklist's bound.

Anna's unit's station loses its network in the morning; Anna's key is then
reported lost. The station keeps handing her key a set each day from its
old bundle (it cannot know), but a door that a key of another unit has
brought the new blocklist to refuses her key every day. The entry stays on
the back office's blocklist to ``entry_expires_at``; in the first version
after that it is gone, and by then the offline station gives her key no set
and the one it holds is expired at the door (SPEC.md 8.2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator import scenario_tools as tools
from emulator.site import EmulatedSite
from host.backoffice.blocklist import entry_expires_at

START = 1_795_000_000  # Wednesday 2026-11-18, 12:06 in Stockholm


def _listed(site: EmulatedSite) -> list[int]:
    return list(site.office.current_blocklist(site.admin)["key_ids"])


@pytest.mark.slow
def test_a_lost_key_is_refused_every_day_until_the_bound_then_has_no_valid_set(
    tmp_path: Path,
) -> None:
    site = EmulatedSite(tmp_path, start=START, history_days=2)
    try:
        home = tools.home_station(site)
        other = next(s for s in site.stations.values() if s.unit_id != home.unit_id)
        anna = tools.unit_people(site, home.unit_id)[0]
        bertil = tools.unit_people(site, other.unit_id)[0]
        door = tools.unit_locks(site, home.unit_id, tools.CUSTOMER_LOCKS)[0]
        lock = site.locks[door]

        tools.go_to(site, tools.local_time(START, 1, 6, 45))
        assert tools.sync(site, home.station_id, anna.key, anna.code).outcome == "ok_until"
        site.set_online(home.station_id, False)

        tools.go_to(site, tools.local_time(START, 1, 10, 45))
        serial = int(other.station.cache.serial)
        site.office.set_key_state(site.admin, anna.key.key_id, "lost", "Tappad under passet")
        expires = entry_expires_at(site.clock.now())
        assert tools.wait_for_bundle(site, other.station_id, serial)
        assert tools.sync(site, other.station_id, bertil.key, bertil.code).outcome == "ok_until"
        site.open_door(door, bertil.key)  # not his door, but the lock takes his newer list
        assert anna.key.key_id in lock.blocked_keys

        assert site.open_door(door, anna.key).outcome == "BLOCKED"
        days = 1
        handed_out = 0  # days the offline station gave her key a set
        for day in range(2, 12):
            morning = tools.local_time(START, day, 8, 0)
            if morning >= expires:
                break
            tools.go_to(site, morning)
            assert anna.key.key_id in _listed(site), f"day {day}"
            synced = tools.sync(site, home.station_id, anna.key, anna.code)
            handed_out += synced.outcome == "ok_until"
            tried = site.open_door(door, anna.key)
            assert tried.outcome == "BLOCKED", (day, synced.outcome, tried.outcome, tried.reason)
            days += 1
        assert days >= 9  # every day to the bound, sets from the offline station included
        assert handed_out >= 6, handed_out

        tools.go_to(site, expires - 60)
        assert anna.key.key_id in _listed(site)
        tools.go_to(site, expires)
        assert anna.key.key_id not in _listed(site)
        # The station, offline the whole time, gives her key no set any more …
        assert tools.sync(site, home.station_id, anna.key, anna.code).outcome != "ok_until"
        held = anna.key.active_set()
        assert held is None or held["valid_until"] <= site.clock.now() - 86_400
        # … and the door, once it has the list without her, still does not open.
        serial = int(other.station.cache.serial)
        tools.wait_for_bundle(site, other.station_id, serial)
        tools.sync(site, other.station_id, bertil.key, bertil.code)
        site.open_door(door, bertil.key)
        assert anna.key.key_id not in lock.blocked_keys
        tried = site.open_door(door, anna.key)
        assert not tried.opened and tried.outcome == "EXPIRED", tried.reason
    finally:
        site.stop()
