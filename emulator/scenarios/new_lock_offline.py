"""Scenario 4, a new lock while the station is offline: not usable until the station has been
online.

Hemtjänst Nord gets a new customer while its station has no network. The
back office registers the customer and the lock, and the technician mounts
it. A key synced at the offline station gets its set from the station's old
bundle, which does not list the new lock, so the lock refuses it. Once the
station is back online it fetches a bundle with the lock; the next sync puts
it in the key's set and the door opens. Both attempts reach the back office.
"""

from __future__ import annotations

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun

TITLE = "new_lock_offline.title"
SUMMARY = "new_lock_offline.summary"

NEW_LOCK = 1_901
NEW_CUSTOMER = "K-NORD-0901"
ADDRESS = "Lärkstigen 12"


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    anna = tools.unit_people(site, unit_id)[0]

    tools.go_to(site, tools.local_time(start, 0, 6, 45))
    run.step("new_lock_offline.morning", anna=anna.name)
    morning = tools.sync(site, station_id, anna.key, anna.code)
    run.check("new_lock_offline.check.synced", morning.outcome == "ok_until", f"{morning.outcome}")

    tools.go_to(site, tools.local_time(start, 0, 7, 0))
    run.step("new_lock_offline.network_down")
    site.set_online(station_id, False)
    site.run_for(5)
    serial = int(emulated.station.cache.serial)

    tools.go_to(site, tools.local_time(start, 0, 9, 0))
    run.step("new_lock_offline.new_customer", lock=NEW_LOCK, customer=NEW_CUSTOMER)
    customer = site.office.add_customer(site.admin, NEW_CUSTOMER, unit_id)
    _row, secret = site.office.add_lock(
        site.admin, "customer_door", f"Dörr {NEW_CUSTOMER}", NEW_LOCK
    )
    site.office.install_lock(site.admin, NEW_LOCK, ADDRESS, customer["id"])
    tools.mount_lock(site, NEW_LOCK, "customer_door", secret)
    listed = {
        row["id"] for row in site.office.list_locks(site.admin, unit_id=unit_id, installed=True)
    }
    run.check(
        "new_lock_offline.check.office_lists",
        NEW_LOCK in listed,
        f"{len(listed)} locks of the unit in the back office",
        lock=NEW_LOCK,
    )

    tools.go_to(site, tools.local_time(start, 0, 9, 15))
    run.step("new_lock_offline.sync_offline", anna=anna.name)
    offline = tools.sync(site, station_id, anna.key, anna.code)
    held = anna.key.active_set()
    run.check(
        "new_lock_offline.check.old_bundle",
        offline.outcome == "ok_until"
        and emulated.station.cache.serial == serial
        and held is not None
        and NEW_LOCK not in held["lock_ids"],
        f"outcome {offline.outcome}, bundle serial {emulated.station.cache.serial} "
        f"(before {serial}), lock in set: {held is not None and NEW_LOCK in held['lock_ids']}",
        lock=NEW_LOCK,
    )

    tools.go_to(site, tools.local_time(start, 0, 9, 45))
    run.step("new_lock_offline.door_refuses", lock=NEW_LOCK)
    refused = site.open_door(NEW_LOCK, anna.key)
    run.check(
        "new_lock_offline.check.not_in_set",
        refused.outcome == "NOT_IN_SET" and not refused.opened,
        f"outcome {refused.outcome}: {refused.reason}",
    )

    tools.go_to(site, tools.local_time(start, 0, 10, 0))
    run.step("new_lock_offline.network_back")
    site.set_online(station_id, True)
    fetched = tools.wait_for_bundle(site, station_id, serial)
    run.check(
        "new_lock_offline.check.new_bundle",
        fetched,
        f"bundle serial {serial} -> {emulated.station.cache.serial}",
    )

    run.step("new_lock_offline.sync_online", anna=anna.name)
    online = tools.sync(site, station_id, anna.key, anna.code)
    held = anna.key.active_set()
    listed_now = held is not None and NEW_LOCK in held["lock_ids"]
    run.check(
        "new_lock_offline.check.lock_in_set",
        online.outcome == "ok_until" and listed_now,
        f"outcome {online.outcome}, lock in set: {listed_now}",
        lock=NEW_LOCK,
    )
    site.fast_forward(15 * 60)
    run.step("new_lock_offline.door_opens", lock=NEW_LOCK)
    opened = site.open_door(NEW_LOCK, anna.key)
    run.check(
        "new_lock_offline.check.opened",
        opened.opened,
        f"outcome {opened.outcome}: {opened.reason}",
    )

    tools.go_to(site, tools.local_time(start, 0, 15, 30))
    run.step("new_lock_offline.evening", anna=anna.name)
    evening = tools.sync(site, station_id, anna.key, anna.code)
    uploaded = tools.wait_for_upload(site, station_id)
    outcomes = [e["outcome"] for e in tools.activity(site, lock_id=NEW_LOCK)]
    run.check(
        "new_lock_offline.check.back_office",
        evening.outcome == "ok_until"
        and uploaded
        and outcomes == ["BLOCKLIST_UPDATED", "NOT_IN_SET", "OPENED"],
        f"sync {evening.outcome}, uploaded {uploaded}, events of the lock: {outcomes}",
        lock=NEW_LOCK,
    )
