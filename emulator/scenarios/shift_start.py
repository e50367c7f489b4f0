"""Scenario 1, shift start: 30 staff sync at one station in turn, all get today's set, and their
audit trails reach the back office.

The demo's unit Hemtjänst Nord has 14 keys; 16 temporary staff are added
through the back office's service layer first, and the station fetches the
bundle that knows their keys. Then 30 people sync one after the other at
06:45, each opens a customer's door during the morning, and the end-of-shift
syncs hand the doors' events to the station, which uploads them.

Metrics: ``shift_start_30_keys_s`` is virtual time at the station from the
first key in to the last session's end (back to back, codes typed at the
emulated keypad's pace: 120 ms a key); ``shift_start_30_keys_wall_s`` is the
real time the emulator took for those 30 syncs.
"""

from __future__ import annotations

import time
from typing import Any

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun
from firmware import localtime, messages
from host.backoffice.timeutil import day_window, local_day

TITLE = "shift_start.title"
SUMMARY = "shift_start.summary"

STAFF_AT_SHIFT = 30
FIRST_NEW_KEY = 60_001


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    people = tools.unit_people(site, unit_id)

    run.step(
        "shift_start.hire",
        station=emulated.name,
        have=len(people),
        more=STAFF_AT_SHIFT - len(people),
    )
    serial = int(emulated.station.cache.serial)
    for i in range(STAFF_AT_SHIFT - len(people)):
        people.append(
            tools.add_staff_with_key(site, unit_id, f"Vikarie {i + 1:02d}", FIRST_NEW_KEY + i)
        )
    arrived = tools.wait_for_bundle(site, station_id, serial)
    keys_in_bundle = int(emulated.station.cache.info()["keys"])
    run.check(
        "shift_start.check.bundle",
        arrived and keys_in_bundle == STAFF_AT_SHIFT,
        f"bundle arrived: {arrived}, serial {serial} -> {emulated.station.cache.serial}, "
        f"{keys_in_bundle} keys in it",
        keys=STAFF_AT_SHIFT,
    )

    tools.go_to(site, tools.local_time(start, 0, 6, 45))
    shift_began = site.clock.now()
    run.step("shift_start.queue", count=len(people))
    began_wall = time.perf_counter()
    syncs = [tools.sync(site, station_id, p.key, p.code) for p in people]
    wall = time.perf_counter() - began_wall
    virtual = (syncs[-1].ended_ms - syncs[0].began_ms) / 1000
    run.metric("shift_start_30_keys_s", virtual)
    run.metric("shift_start_30_keys_wall_s", wall)
    failed = [
        f"{p.name}: {s.outcome}"
        for p, s in zip(people, syncs, strict=True)
        if s.outcome != "ok_until"
    ]
    run.check("shift_start.check.all_ok", not failed, "; ".join(failed), count=len(people))
    window = day_window(local_day(site.clock.now()))
    unit_lock_ids = {
        row["id"] for row in site.office.list_locks(site.admin, unit_id=unit_id, installed=True)
    }
    serial = int(emulated.station.cache.serial)
    wrong = [
        f"{p.name}: {problem}"
        for p in people
        if (problem := _set_problem(p.key.active_set(), window, serial, unit_lock_ids))
    ]
    until = localtime.format_local(window[1])
    run.check(
        "shift_start.check.todays_set",
        not wrong,
        f"today's window {window}, bundle serial {serial}, {len(unit_lock_ids)} unit locks; "
        + "; ".join(wrong),
        until=until,
        locks=len(unit_lock_ids),
    )
    said = messages.text("ok_until", until)
    run.check(
        "shift_start.check.screen",
        all((s.swedish, s.english) == said for s in syncs),
        "; ".join(f"{s.swedish!r}" for s in syncs if (s.swedish, s.english) != said),
        swedish=said[0],
        english=said[1],
    )
    run.check(
        "shift_start.check.queue_time",
        0 < virtual < 60 * len(people),
        f"{virtual:.1f} s of station time for {len(people)} syncs ({wall:.2f} s real); "
        f"sessions without the code entry {max(s.session_ms for s in syncs) / 1000:.2f} s "
        "at most",
        seconds=round(virtual),
        each=virtual / len(people),
    )

    tools.go_to(site, tools.local_time(start, 0, 8, 0))
    doors = tools.unit_locks(site, unit_id, tools.CUSTOMER_LOCKS)
    run.step("shift_start.visits", count=len(people))
    visited = {}
    refused = []
    for i, person in enumerate(people):
        door = doors[i % len(doors)]
        opened = site.open_door(door, person.key)
        visited[person.key.key_id] = door
        if not opened.opened or opened.delivered < 1:
            refused.append(
                f"{person.name} at {door}: {opened.outcome}, delivered {opened.delivered}"
            )
        site.fast_forward(20)
    run.check("shift_start.check.doors", not refused, "; ".join(refused), count=len(people))

    tools.go_to(site, tools.local_time(start, 0, 15, 30))
    run.step("shift_start.end_of_shift")
    ends = [tools.sync(site, station_id, p.key, p.code) for p in people]
    unread = [
        f"{p.name}: {s.outcome}, {0 if s.result is None else s.result.events_stored} stored"
        for p, s in zip(people, ends, strict=True)
        if s.outcome != "ok_until" or s.result.events_stored < 1
    ]
    run.check("shift_start.check.trails_read", not unread, "; ".join(unread))
    uploaded = tools.wait_for_upload(site, station_id)
    run.check(
        "shift_start.check.uploaded",
        uploaded,
        f"outbox at {emulated.station.outbox.acked_through} of "
        f"{emulated.station.outbox.next_index - 1}",
    )

    run.step("shift_start.back_office")
    missing = []
    for person in people:
        rows = tools.activity(site, key_id=person.key.key_id, since=shift_began)
        seen = {(r["lock_id"], r["outcome"], r["station_id"]) for r in rows}
        if (visited[person.key.key_id], "OPENED", station_id) not in seen:
            missing.append(f"{person.name}: {sorted(seen)}")
    run.check("shift_start.check.activity", not missing, "; ".join(missing), count=len(people))
    synced = [
        e["key_id"]
        for e in tools.sync_events(site, station_id=station_id, since=shift_began)
        if e["reason"] == "SYNC_OK"
    ]
    keys = sorted(p.key.key_id for p in people)
    run.check(
        "shift_start.check.sync_events",
        sorted(synced) == sorted(keys * 2),
        f"{len(synced)} SYNC_OK events for {len(set(synced))} keys",
        count=len(people),
    )


def _set_problem(
    held: dict[str, Any] | None, window: tuple[int, int], serial: int, lock_ids: set[int]
) -> str:
    """What is wrong with a key's active set for today ("" when nothing is)."""
    if held is None:
        return "no active set"
    problems = []
    if (held["valid_from"], held["valid_until"]) != window:
        problems.append(f"window {held['valid_from']}-{held['valid_until']}")
    if held["serial"] != serial:
        problems.append(f"serial {held['serial']}")
    if set(held["lock_ids"]) != lock_ids:
        problems.append(f"{len(held['lock_ids'])} locks")
    return ", ".join(problems)
