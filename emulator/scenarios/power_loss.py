"""Scenario 7, power lost during a bundle download and during an outbox write: nothing is lost.

How the power cut is made: the station's flash is a folder behind
``FlakyFiles`` (emulator/flash_dir.py), where every byte written and every
rename or remove costs one unit. ``hardware.files.cut_after(n)`` arms a cut
n units ahead: the write that runs out stops there (a torn write on disk)
and every flash operation after it fails. The world runs until the cut has
happened; then ``scenario_tools.reboot_station`` is the power coming back:
the old station (its RAM) is dropped and the firmware boots on new virtual
hardware over the same folder, as a board does: storage recovery first,
then the cached bundle checked, the outbox scanned.

Bundle: a change in the back office makes a new bundle; the power goes out
while the station stores it, at four moments of the atomic replace (half of
the new file written; all of it; the old file renamed aside; the new one
renamed into place). After the reboot the station holds the old bundle or
the new one, whole, never a mix, and fetches the new one if it has to.

Outbox: a key's events are being stored when the power goes out, once half
way through the entry and once just after it was written but before the key
was told it may forget them. Either way the key still has every event;
after the reboot the next sync stores what is missing (and nothing twice),
and the back office gets every event.
"""

from __future__ import annotations

import contextlib

from emulator import scenario_tools as tools
from emulator.flash_dir import PowerLost
from emulator.scenarios.report import ScenarioRun
from emulator.site import EmulatedSite, EmulatedStation
from firmware import station_events
from firmware.bundle_cache import CACHE_FILE
from firmware.key_session import STORE_AUDIT

TITLE = "power_loss.title"
SUMMARY = "power_loss.summary"

CACHE_HEAD = 40  # firmware.bundle_cache: magic, length and SHA-256 before the bundle
ENTRY_OVERHEAD = 12  # firmware.outbox: u16 length, u16 count, u32 first index; u32 CRC
FIRST_NEW_KEY = 61_001
TMP, OLD = CACHE_FILE + ".tmp", CACHE_FILE + ".old"

# (name, units after the new file's whole write, files left on flash, new bundle after reboot)
BUNDLE_CUTS = (
    ("half", None, {CACHE_FILE, TMP}, False),
    ("written", 0, {CACHE_FILE, TMP}, False),
    ("set_aside", 1, {OLD, TMP}, True),
    ("renamed", 2, {CACHE_FILE, OLD}, True),
)


def _lose_power(site: EmulatedSite, emulated: EmulatedStation, timeout_s: float) -> bool:
    """Run the world until the armed cut has happened; True if it did."""
    files = emulated.hardware.files
    # A failed write's error may come up through the main loop: the power is out either way.
    with contextlib.suppress(PowerLost):
        site.run_until(lambda: files.cut, timeout_s)
    return bool(files.cut)


def _outbox_bytes(emulated: EmulatedStation) -> int:
    folder = emulated.hardware.storage_dir
    return sum(path.stat().st_size for path in folder.iterdir() if path.name.startswith("ob_"))


def play(run: ScenarioRun) -> None:
    site = run.site
    start = site.clock.now()
    tools.go_to(site, tools.local_time(start, 0, 6, 0))
    for number, case in enumerate(BUNDLE_CUTS):
        _bundle_cut(run, number, *case)
    tools.go_to(site, tools.local_time(start, 0, 8, 0))
    for torn in (True, False):
        _outbox_cut(run, torn)


def _bundle_cut(
    run: ScenarioRun, number: int, moment: str, after_write: int | None, left: set[str], new: bool
) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id = emulated.station_id
    old_serial = int(emulated.station.cache.serial)
    tools.add_staff_with_key(
        site, emulated.unit_id, f"Vikarie {number + 1:02d}", FIRST_NEW_KEY + number
    )
    waiting = site.office.export_bundle(site.admin, station_id)
    stored = CACHE_HEAD + len(waiting.data)
    units = 1 + (stored // 2 if after_write is None else stored + after_write)
    run.step(f"power_loss.bundle_{moment}", serial=waiting.serial)
    next_index = emulated.station.outbox.next_index
    emulated.hardware.files.cut_after(units)
    site.fast_forward(tools.BUNDLE_INTERVAL_S + 1)
    cut = _lose_power(site, emulated, 30)
    on_flash = set(tools.flash_names(emulated)) & {CACHE_FILE, TMP, OLD}
    run.check(
        "power_loss.check.cut_in_bundle",
        cut and on_flash == left,
        f"cut: {cut}, bundle files on flash {sorted(on_flash)}, expected {sorted(left)}",
    )
    rebooted = tools.reboot_station(site, station_id)
    expected = waiting.serial if new else old_serial
    after = set(tools.flash_names(rebooted))
    run.check(
        "power_loss.check.whole_new" if new else "power_loss.check.whole_old",
        rebooted.station.cache.serial == expected
        and rebooted.station.cache.check_stored() is None
        and not {TMP, OLD} & after,
        f"serial {rebooted.station.cache.serial} (old {old_serial}, new {waiting.serial}), "
        f"stored: {rebooted.station.cache.check_stored() or 'whole'}, flash {sorted(after)}",
    )
    run.check(
        "power_loss.check.outbox_continues",
        rebooted.station.outbox.next_index == next_index + 1,
        f"next outbox index {next_index} before, {rebooted.station.outbox.next_index} after "
        "(the boot record is one)",
    )
    fetched = tools.wait_for_bundle(site, station_id, waiting.serial - 1)
    run.check(
        "power_loss.check.new_bundle",
        fetched and rebooted.station.cache.serial == waiting.serial,
        f"serial {rebooted.station.cache.serial}, wanted {waiting.serial}",
        serial=waiting.serial,
    )
    site.fast_forward(60)


def _outbox_cut(run: ScenarioRun, torn: bool) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id = emulated.station_id
    anna = tools.unit_people(site, emulated.unit_id)[0]
    key = anna.key
    doors = tools.unit_locks(site, emulated.unit_id, tools.CUSTOMER_LOCKS)

    first = tools.sync(site, station_id, key, anna.code)
    for door in doors[:3]:
        site.fast_forward(10 * 60)
        site.open_door(door, key)
    site.fast_forward(10 * 60)
    tools.wait_for_upload(site, station_id)
    site.set_online(station_id, False)  # what the station stores stays in its outbox for now
    events = {(e["lock_id"], e["lock_seq"]) for e in key.audit_events()}
    records = [station_events.lock_event(raw, site.clock.now()) for _, raw in key.audit_entries()]
    entry = ENTRY_OVERHEAD + sum(len(r) for r in records)
    run.step("power_loss.outbox_torn" if torn else "power_loss.outbox_written", count=len(events))
    run.check(
        "power_loss.check.events_on_key",
        first.outcome == "ok_until" and len(events) >= 3,
        f"sync {first.outcome}, {len(events)} events on the key",
    )

    asked = tools.present_key(site, station_id, key)
    site.type_code(station_id, anna.code)
    site.run_until(
        lambda: emulated.station.session is None or emulated.station.session.state == STORE_AUDIT,
        30,
    )
    reached = asked and emulated.station.session is not None
    before = _outbox_bytes(emulated)
    units = 1 + (entry // 2 if torn else entry)
    emulated.hardware.files.cut_after(units)
    cut = _lose_power(site, emulated, 10)
    written = _outbox_bytes(emulated) - before
    run.check(
        "power_loss.check.cut_in_outbox",
        reached and cut and written == units - 1,
        f"reached the store: {reached}, cut: {cut}, {written} of {entry} entry bytes on flash",
        written=units - 1,
        entry=entry,
    )
    still = {(e["lock_id"], e["lock_seq"]) for e in key.audit_events()}
    run.check(
        "power_loss.check.key_keeps",
        still == events,
        f"{len(still)} of {len(events)} events still on the key",
    )

    rebooted = tools.reboot_station(site, station_id)
    site.set_online(station_id, False)  # the network is still down after the restart
    kept = {event for event in events if rebooted.station.outbox.contains(*event)}
    run.check(
        "power_loss.check.after_reboot",
        kept == (set() if torn else events),
        f"{len(kept)} of the key's {len(events)} events in the outbox after the reboot",
        count=0 if torn else len(events),
    )

    again = tools.sync(site, station_id, key, anna.code)
    stored = 0 if again.result is None else int(again.result.events_stored)
    run.check(
        "power_loss.check.resync",
        again.outcome == "ok_until"
        and not key.audit_events()
        and stored == (len(events) if torn else 0)
        and all(rebooted.station.outbox.contains(*event) for event in events),
        f"sync {again.outcome}, {stored} events newly stored, "
        f"{len(key.audit_events())} left on the key",
        stored=len(events) if torn else 0,
    )
    site.set_online(station_id, True)
    uploaded = tools.wait_for_upload(site, station_id)
    arrived = {(e["lock_id"], e["lock_seq"]) for e in tools.activity(site, key_id=key.key_id)}
    run.check(
        "power_loss.check.back_office",
        uploaded and events <= arrived,
        f"uploaded {uploaded}, {len(events & arrived)} of {len(events)} events arrived",
        count=len(events),
    )
