"""Scenario 8, a lock with a drifting clock and a key with a flat battery.

Locks have no network, so each checks a set's window against its own clock.
One customer's lock runs 10 minutes fast and another's 10 minutes slow (both
still drifting, 15 s a day). Near the window's edges they decide by their
own time: just after midnight the slow lock refuses the new day's set as
not yet valid, and just before noon the fast lock refuses the previous day's
set as expired, while an accurate lock opens for both. Once the technician
sets the fast lock's clock it opens again. Every refusal reaches the back
office with the lock's own time.

A key whose battery is nearly empty can still be read, so a door opens, but
the key refuses to store the lock's event (it waits in the lock for the
next key) and the station cannot write the new set: it says the battery is
low. With a new battery the sync goes through.
"""

from __future__ import annotations

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun
from firmware import localtime, messages
from host.backoffice.timeutil import day_window, iso_utc, local_day

TITLE = "drift_and_battery.title"
SUMMARY = "drift_and_battery.summary"

OFF_BY_S = 600
DRIFT_S_PER_DAY = 15.0
FLAT = 4  # per cent: at or below 5 % a key refuses writes


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    night, day, flat = tools.unit_people(site, unit_id)[:3]
    fast_id, slow_id, good_id = tools.unit_locks(site, unit_id, tools.CUSTOMER_LOCKS)[:3]
    fast_clock = tools.drifting_lock(site, fast_id, OFF_BY_S, DRIFT_S_PER_DAY)
    slow_clock = tools.drifting_lock(site, slow_id, -OFF_BY_S, -DRIFT_S_PER_DAY)

    tools.go_to(site, tools.local_time(start, 0, 6, 45))
    run.step("drift_and_battery.clocks", fast=fast_id, slow=slow_id, minutes=OFF_BY_S // 60)
    monday = [tools.sync(site, station_id, p.key, p.code) for p in (night, day, flat)]
    run.check(
        "drift_and_battery.check.synced",
        all(s.outcome == "ok_until" for s in monday),
        ", ".join(str(s.outcome) for s in monday),
    )

    tools.go_to(site, tools.local_time(start, 1, 0, 3))
    run.step("drift_and_battery.after_midnight", name=night.name, slow=slow_id)
    tuesday = day_window(local_day(site.clock.now()))
    synced = tools.sync(site, station_id, night.key, night.code)
    held = night.key.active_set()
    run.check(
        "drift_and_battery.check.new_day_set",
        synced.outcome == "ok_until" and held is not None and held["valid_from"] == tuesday[0],
        f"outcome {synced.outcome}, valid from {None if held is None else held['valid_from']}",
        since=localtime.format_local(tuesday[0]),
    )
    site.fast_forward(3 * 60)
    slow = site.open_door(slow_id, night.key)
    good = site.open_door(good_id, night.key)
    run.check(
        "drift_and_battery.check.not_yet_valid",
        slow.outcome == "NOT_YET_VALID" and good.opened and slow_clock.now() < tuesday[0],
        f"slow lock {slow.outcome} at its {localtime.format_local(slow_clock.now())}, "
        f"accurate lock {good.outcome}",
        lock_time=localtime.format_local(slow_clock.now()),
    )

    tools.go_to(site, tools.local_time(start, 1, 7, 0))
    flat.key.battery = FLAT
    run.step("drift_and_battery.flat_at_door", name=flat.name, percent=FLAT, lock=good_id)
    waiting_before = len(site.locks[good_id].pending_events)
    at_door = site.open_door(good_id, flat.key)
    waiting = len(site.locks[good_id].pending_events)
    run.check(
        "drift_and_battery.check.event_waits",
        at_door.opened and at_door.delivered == 0 and waiting == waiting_before + 1,
        f"door {at_door.outcome}, delivered {at_door.delivered}, waiting in the lock {waiting}",
    )

    site.fast_forward(5 * 60)
    run.step("drift_and_battery.flat_at_station", name=flat.name)
    before = flat.key.active_set_bytes()
    refused = tools.sync(site, station_id, flat.key, flat.code)
    said = messages.text("key_battery_low")
    run.check(
        "drift_and_battery.check.battery_low",
        refused.outcome == "key_battery_low"
        and (refused.swedish, refused.english) == said
        and flat.key.active_set_bytes() == before,
        f"outcome {refused.outcome}, screen {refused.swedish!r}, "
        f"set unchanged {flat.key.active_set_bytes() == before}",
        swedish=said[0],
        english=said[1],
    )

    site.fast_forward(10 * 60)
    flat.key.battery = 100
    run.step("drift_and_battery.new_battery", name=flat.name)
    renewed = tools.sync(site, station_id, flat.key, flat.code)
    held = flat.key.active_set()
    run.check(
        "drift_and_battery.check.new_battery_syncs",
        renewed.outcome == "ok_until" and held is not None and held["valid_from"] == tuesday[0],
        f"outcome {renewed.outcome}",
    )

    tools.go_to(site, tools.local_time(start, 1, 11, 55))
    run.step("drift_and_battery.before_noon", name=day.name, fast=fast_id)
    held = day.key.active_set()
    expired = site.open_door(fast_id, day.key)
    run.check(
        "drift_and_battery.check.expired",
        expired.outcome == "EXPIRED"
        and held is not None
        and held["valid_until"] > site.clock.now()
        and fast_clock.now() >= held["valid_until"],
        f"fast lock {expired.outcome} at its {localtime.format_local(fast_clock.now())}, "
        f"set valid until {None if held is None else held['valid_until']}",
        lock_time=localtime.format_local(fast_clock.now()),
    )
    good = site.open_door(good_id, day.key)
    run.check(
        "drift_and_battery.check.accurate_opens",
        good.opened and good.delivered >= 2 and not site.locks[good_id].pending_events,
        f"accurate lock {good.outcome}, delivered {good.delivered}, "
        f"still waiting {len(site.locks[good_id].pending_events)}",
    )

    site.fast_forward(60)
    run.step("drift_and_battery.clock_set", fast=fast_id)
    fast_clock.set(site.clock.now())
    fixed = site.open_door(fast_id, day.key)
    run.check(
        "drift_and_battery.check.fixed_opens",
        fixed.opened and abs(fast_clock.now() - site.clock.now()) <= 1,
        f"lock {fixed.outcome}, lock clock {fast_clock.now()}, true {site.clock.now()}",
    )

    tools.go_to(site, tools.local_time(start, 1, 12, 30))
    run.step("drift_and_battery.back_office")
    ends = [tools.sync(site, station_id, p.key, p.code) for p in (night, day)]
    uploaded = tools.wait_for_upload(site, station_id)
    run.check(
        "drift_and_battery.check.uploaded",
        uploaded and all(s.outcome == "ok_until" for s in ends),
        f"syncs {[s.outcome for s in ends]}, uploaded {uploaded}",
    )
    recorded = {
        (e["lock_id"], e["lock_seq"]): (e["outcome"], e["key_id"], e["time_utc"])
        for e in tools.activity(site, since=start)
    }
    wanted = {
        "NOT_YET_VALID": slow.events[-1],
        "EXPIRED": expired.events[-1],
        "OPENED": at_door.events[-1],
    }
    missing = [
        f"{outcome} {event['lock_id']}/{event['lock_seq']}: "
        f"{recorded.get((event['lock_id'], event['lock_seq']))}"
        for outcome, event in wanted.items()
        if recorded.get((event["lock_id"], event["lock_seq"]))
        != (outcome, event["key_id"], iso_utc(event["time"]))
    ]
    run.check("drift_and_battery.check.back_office", not missing, "; ".join(missing))
