"""Scenario 3, offline: the station works each day up to its limit, refuses the day after with its
message, and recovers when back online, uploading what it queued.

A station's bundle holds a set per key for 8 days and may be used offline
until 8 days after it was issued. Hemtjänst Nord's station loses its network
on Monday morning; one member of staff syncs every morning and opens a door
every day. When the bundle's limit has passed the station refuses with its
message (the key's last set still opens doors until noon). The network comes
back: the station fetches a new bundle, uploads its queue, and the back
office gets every sync and door event of the offline week.
"""

from __future__ import annotations

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun
from firmware import localtime, messages
from host.backoffice.timeutil import day_window, local_day

TITLE = "offline.title"
SUMMARY = "offline.summary"

SYNC_AT = (6, 45)
DOOR_AT = (8, 0)
DAY_S = 86_400


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    anna = tools.unit_people(site, unit_id)[0]
    door = tools.unit_locks(site, unit_id, tools.CUSTOMER_LOCKS)[0]
    support = emulated.station.support
    openings = 0

    tools.go_to(site, tools.local_time(start, 0, *SYNC_AT))
    run.step("offline.monday", anna=anna.name)
    monday = tools.sync(site, station_id, anna.key, anna.code)
    run.check("offline.check.monday", monday.outcome == "ok_until", f"outcome {monday.outcome}")

    tools.go_to(site, tools.local_time(start, 0, 7, 0))
    offline_at = site.clock.now()
    site.set_online(station_id, False)
    limit = int(emulated.station.cache.offline_until())
    serial = int(emulated.station.cache.serial)
    run.step("offline.network_down", until=localtime.format_local(limit))
    site.run_for(5)
    tools.go_to(site, tools.local_time(start, 0, *DOOR_AT))
    openings += site.open_door(door, anna.key).opened

    day = 1
    while tools.local_time(start, day, *SYNC_AT) < limit:
        tools.go_to(site, tools.local_time(start, day, *SYNC_AT))
        left = (limit - site.clock.now()) // DAY_S
        run.step("offline.day", day=day, left=left)
        idle = [
            a + "\n" + b
            for a, b in zip(
                messages.text("ready"),
                messages.text("offline_margin", messages.counted("days", left)),
                strict=True,
            )
        ]
        run.check(
            "offline.check.idle",
            list(tools.screen(emulated)) == idle,
            f"screen {tools.screen(emulated)[0]!r}",
            left=left,
        )
        synced = tools.sync(site, station_id, anna.key, anna.code)
        until = day_window(local_day(site.clock.now()))[1]
        run.check(
            "offline.check.day_sync",
            synced.outcome == "ok_until"
            and synced.result is not None
            and synced.result.valid_until == until,
            f"outcome {synced.outcome}, valid until "
            f"{None if synced.result is None else synced.result.valid_until} (today's {until})",
            until=localtime.format_local(until),
        )
        tools.go_to(site, tools.local_time(start, day, *DOOR_AT))
        openings += site.open_door(door, anna.key).opened
        day += 1
    days_offline = day - 1

    tools.go_to(site, tools.local_time(start, day, *SYNC_AT))
    run.step("offline.limit", day=day)
    expired = messages.text("cache_expired", support)
    run.check(
        "offline.check.idle_expired",
        tools.screen(emulated) == expired,
        f"screen {tools.screen(emulated)[0]!r}",
        swedish=expired[0],
        english=expired[1],
    )
    refused = tools.sync(site, station_id, anna.key, anna.code)
    run.check(
        "offline.check.refused",
        refused.outcome == "cache_expired" and (refused.swedish, refused.english) == expired,
        f"outcome {refused.outcome}, screen {refused.swedish!r}",
    )
    held = anna.key.active_set()
    still = site.open_door(door, anna.key)
    openings += still.opened
    run.check(
        "offline.check.old_set_opens",
        held is not None and held["valid_until"] > site.clock.now() and still.opened,
        f"set valid until {None if held is None else held['valid_until']}, door {still.outcome}",
        until=localtime.format_local(0 if held is None else held["valid_until"]),
    )
    queued = int(emulated.station.outbox.records())
    told = tools.sync_events(site, station_id=station_id, since=offline_at)
    run.check(
        "offline.check.queued",
        queued > 0 and not told,
        f"{queued} records in the outbox, {len(told)} station events in the back office",
        records=queued,
    )

    tools.go_to(site, tools.local_time(start, day, 7, 30))
    run.step("offline.network_back")
    site.set_online(station_id, True)
    fetched = tools.wait_for_bundle(site, station_id, serial)
    uploaded = tools.wait_for_upload(site, station_id)
    run.check(
        "offline.check.recovered",
        fetched and uploaded and tools.shows(emulated, "ready"),
        f"bundle {serial} -> {emulated.station.cache.serial}, uploaded {uploaded}, "
        f"screen {tools.screen(emulated)[0]!r}",
    )
    again = tools.sync(site, station_id, anna.key, anna.code)
    until = day_window(local_day(site.clock.now()))[1]
    run.check(
        "offline.check.works_again",
        again.outcome == "ok_until"
        and again.result is not None
        and again.result.valid_until == until,
        f"outcome {again.outcome}",
        until=localtime.format_local(until),
    )
    tools.wait_for_upload(site, station_id)

    run.step("offline.back_office")
    reasons = [
        e["reason"] for e in tools.sync_events(site, key_id=anna.key.key_id, since=offline_at)
    ]
    run.check(
        "offline.check.syncs_arrived",
        reasons.count("SYNC_OK") == days_offline + 1 and reasons.count("CACHE_EXPIRED") == 1,
        f"station events of the key since {offline_at}: {reasons}",
        days=days_offline,
    )
    opened = [
        e
        for e in tools.activity(site, key_id=anna.key.key_id, lock_id=door, since=start)
        if e["outcome"] == "OPENED"
    ]
    run.check(
        "offline.check.doors_arrived",
        len(opened) == openings == days_offline + 2,
        f"{openings} openings made, {len(opened)} in the back office",
        count=openings,
    )
