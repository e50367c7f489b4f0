"""Scenario 2, lost key: reported in the back office, refused by the station at the next sync and
by a lock that has seen the new blocklist.

Two staff of Hemtjänst Nord sync at 06:45. One loses her key mid-morning and
the loss is reported. The station's next bundle puts the key on its
blocklist: whoever finds the key is refused at the station before a code is
even asked. Locks are offline: a lock learns of the loss from the next key
that carries the new blocklist. Until then the lost key's day set still
opens it (which is why a set lasts at most until noon the next day); after
the colleague's key has passed, the lock refuses the lost one. The refusal
is recorded as an event, but onto the lost key, so the back office sees a
gap in that lock's numbering once the colleague's later events arrive.
"""

from __future__ import annotations

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun
from firmware import messages

TITLE = "lost_key.title"
SUMMARY = "lost_key.summary"


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    anna, bertil = tools.unit_people(site, unit_id)[:2]
    lost, other = anna.key, bertil.key
    entrance = tools.unit_locks(site, unit_id, ("building_entrance",))[0]
    doors = tools.unit_locks(site, unit_id, tools.CUSTOMER_LOCKS)
    support = emulated.station.support

    tools.go_to(site, tools.local_time(start, 0, 6, 45))
    run.step("lost_key.morning", anna=anna.name, bertil=bertil.name)
    first = [tools.sync(site, station_id, lost, anna.code)]
    first.append(tools.sync(site, station_id, other, bertil.code))
    run.check(
        "lost_key.check.synced",
        all(s.outcome == "ok_until" for s in first),
        ", ".join(str(s.outcome) for s in first),
    )
    held = lost.active_set()
    serial_held = 0 if held is None else held["serial"]

    tools.go_to(site, tools.local_time(start, 0, 10, 45))
    run.step("lost_key.report", anna=anna.name, key=lost.key_id)
    site.office.set_key_state(site.admin, lost.key_id, "lost", "Tappad under passet")
    blocked_ids = site.office.current_blocklist(site.admin)["key_ids"]
    run.check(
        "lost_key.check.blocklist",
        lost.key_id in blocked_ids,
        f"blocklist key ids {blocked_ids}",
        key=lost.key_id,
    )
    serial = int(emulated.station.cache.serial)
    arrived = tools.wait_for_bundle(site, station_id, serial)
    run.check(
        "lost_key.check.station_knows",
        arrived and emulated.station.cache.is_blocked(lost.key_id),
        f"new bundle: {arrived}, serial {emulated.station.cache.serial}, "
        f"blocked: {emulated.station.cache.is_blocked(lost.key_id)}",
    )

    tools.go_to(site, tools.local_time(start, 0, 11, 0))
    run.step("lost_key.finder_at_station")
    tried = tools.sync(site, station_id, lost, "123123")
    run.check(
        "lost_key.check.station_refuses",
        tried.outcome == "key_blocked" and tried.code_ms == 0,
        f"outcome {tried.outcome}, code asked for {tried.code_ms} ms",
    )
    said = messages.text("key_blocked", support)
    run.check(
        "lost_key.check.station_says",
        (tried.swedish, tried.english) == said,
        f"screen {tried.swedish!r}",
        swedish=said[0],
        english=said[1],
    )
    still = lost.active_set()
    run.check(
        "lost_key.check.nothing_written",
        still is not None and still["serial"] == serial_held,
        f"set serial before {serial_held}, now {None if still is None else still['serial']}",
    )

    tools.go_to(site, tools.local_time(start, 0, 11, 10))
    unaware = site.locks[doors[0]]
    run.step("lost_key.unaware_lock", lock=unaware.lock_id)
    opened = site.open_door(unaware.lock_id, lost)
    run.check(
        "lost_key.check.unaware_opens",
        opened.opened and lost.key_id not in unaware.blocked_keys,
        f"outcome {opened.outcome}, lock blocklist version {unaware.blocklist_version}",
    )

    tools.go_to(site, tools.local_time(start, 0, 11, 30))
    run.step("lost_key.colleague_syncs", bertil=bertil.name)
    carried = tools.sync(site, station_id, other, bertil.code)
    version = int(emulated.station.cache.info()["blocklist_version"])
    run.check(
        "lost_key.check.colleague_carries",
        carried.outcome == "ok_until" and other.blocklist_version == version,
        f"outcome {carried.outcome}, key's blocklist {other.blocklist_version}, "
        f"station's {version}",
        version=version,
    )

    tools.go_to(site, tools.local_time(start, 0, 11, 45))
    gate = site.locks[entrance]
    run.step("lost_key.colleague_at_lock", bertil=bertil.name, lock=entrance)
    passed = site.open_door(entrance, other)
    outcomes = [e["outcome"] for e in passed.events]
    run.check(
        "lost_key.check.lock_learns",
        passed.opened and lost.key_id in gate.blocked_keys and gate.blocklist_version == version,
        f"outcome {passed.outcome}, events {outcomes}, lock blocklist {gate.blocklist_version}",
        version=version,
    )

    tools.go_to(site, tools.local_time(start, 0, 12, 0))
    run.step("lost_key.finder_at_lock", lock=entrance)
    refused = site.open_door(entrance, lost)
    run.check(
        "lost_key.check.lock_refuses",
        refused.outcome == "BLOCKED" and not refused.opened,
        f"outcome {refused.outcome}: {refused.reason}",
    )
    blocked_seq = refused.events[-1]["lock_seq"] if refused.events else 0

    tools.go_to(site, tools.local_time(start, 0, 15, 0))
    run.step("lost_key.afternoon", bertil=bertil.name, lock=entrance)
    later = site.open_door(entrance, other)
    site.fast_forward(30 * 60)
    evening = tools.sync(site, station_id, other, bertil.code)
    uploaded = tools.wait_for_upload(site, station_id)
    run.check(
        "lost_key.check.uploaded",
        later.opened and evening.outcome == "ok_until" and uploaded,
        f"door {later.outcome}, sync {evening.outcome}, uploaded {uploaded}",
    )

    run.step("lost_key.back_office")
    reasons = [e["reason"] for e in tools.sync_events(site, key_id=lost.key_id, since=start)]
    run.check(
        "lost_key.check.refusal_reported",
        "KEY_BLOCKED" in reasons,
        f"station events of key {lost.key_id}: {reasons}",
    )
    at_gate = [
        (e["outcome"], e["key_id"]) for e in tools.activity(site, lock_id=entrance, since=start)
    ]
    run.check(
        "lost_key.check.blocklist_event",
        ("BLOCKLIST_UPDATED", other.key_id) in at_gate,
        f"events at {entrance}: {at_gate}",
        lock=entrance,
    )
    gaps = [
        (a["seq_from"], a["seq_to"])
        for a in tools.anomalies(site, lock_id=entrance, kind="sequence_gap")
    ]
    run.check(
        "lost_key.check.gap",
        any(low <= blocked_seq <= high for low, high in gaps),
        f"BLOCKED event seq {blocked_seq}, gaps {gaps}",
        lock=entrance,
        seq=blocked_seq,
    )
