"""The emulated site: a sync through the firmware reaches the back office, and a restart keeps
the stations' flash, the locks' counters and the keys' sets. Each test runs with the back
office on SQLite and on PostgreSQL (``database``, tests/emulator/conftest.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from emulator.site import EmulatedSite
from host.backoffice import bundles, messages
from host.backoffice.errors import Invalid
from host.backoffice.followup.activity import LogQuery
from host.backoffice.followup.service import FollowUp
from host.backoffice.models import ChangeLog, SyncEvent
from host.backoffice.reports import AnomalyQuery, SyncQuery
from hw._port import TICKS_PERIOD

START = 1_795_000_000  # Wednesday 2026-11-18, 12:06 in Stockholm


def test_sync_then_restart_keeps_keys_locks_and_stations(
    tmp_path: Path, database: str | None
) -> None:
    site = EmulatedSite(tmp_path, db_url=database, start=START, history_days=2)
    try:
        station_id, emulated = next(iter(site.stations.items()))
        site.run_for(2)  # the station fetches its bundle
        assert emulated.station.cache.serial > 0
        staff = next(
            s for s in site.demo.staff.values() if s.unit_id == emulated.unit_id and s.key_id
        )
        assert staff.key_id is not None
        key = site.keys[staff.key_id]
        result = site.sync(station_id, key, staff.code)
        assert result.outcome == "ok_until"
        lock_id = next(
            lock.lock_id
            for lock in site.demo.locks.values()
            if lock.installed and lock.kind == "customer_door" and emulated.unit_id in lock.unit_ids
        )
        assert site.open_door(lock_id, key).opened
        seq_after = site.locks[lock_id].next_seq
        serial = emulated.station.cache.serial
    finally:
        site.stop()
    _only_the_owner_may_read_the_secrets(tmp_path, database)

    again = EmulatedSite(tmp_path, db_url=database, start=START + 60, history_days=2)
    try:
        assert again.stations[station_id].station.cache.serial == serial
        assert again.locks[lock_id].next_seq == seq_after
        reopened_key = again.keys[staff.key_id]
        assert reopened_key.active_set() == key.active_set()
        assert reopened_key.audit_events() == key.audit_events()
        assert again.open_door(lock_id, reopened_key).opened
    finally:
        again.stop()


def test_a_key_held_to_the_nfc_reader_syncs(tmp_path: Path, database: str | None) -> None:
    site = EmulatedSite(tmp_path, db_url=database, start=START, history_days=2)
    try:
        station_id, emulated = next(iter(site.stations.items()))
        site.run_for(2)
        staff = next(
            s for s in site.demo.staff.values() if s.unit_id == emulated.unit_id and s.key_id
        )
        assert staff.key_id is not None
        key = site.keys[staff.key_id]
        before = emulated.station.last_result
        site.hold_key_to_nfc(station_id, key)
        site.type_code(station_id, staff.code)
        assert site.run_until(lambda: emulated.station.last_result is not before, 60)
        assert emulated.station.last_result.outcome == "ok_until"
        assert key.active_set() is not None
        assert emulated.hardware.screen_text.startswith("OK, giltig till")
        site.take_key_from_nfc(station_id)
        site.run_for(2)
        assert emulated.hardware.screen_text.startswith("Sätt i nyckeln")
    finally:
        site.stop()


def _only_the_owner_may_read_the_secrets(work: Path, database: str | None) -> None:
    """The stations' flash (credential, verifiers), the locks' secrets, the keys' private keys
    (and on SQLite the database file: it holds the locks' MAC secrets)."""
    flash = [p for p in (work / "stations").rglob("*") if p.is_file()]
    assert any(p.name == "station.json" for p in flash)
    secrets = [work / "locks.json", work / "keys.json", work / "demo_site.json"]
    if database is None:
        secrets.append(work / "site" / "synk.db")
    else:
        assert not (work / "site" / "synk.db").exists()  # the back office used PostgreSQL
    for path in [*flash, *secrets]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in [work / "stations", *(p for p in (work / "stations").iterdir())]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_stations_carry_on_across_a_wrap_of_their_ticks(
    tmp_path: Path, database: str | None
) -> None:
    # The board's ticks counter wraps 10 s after start (every 12.4 days on a board): NFC
    # polling, the keypad, the PN532's timeouts, key syncs and heartbeats go on through it.
    site = EmulatedSite(
        tmp_path, db_url=database, start=START, history_days=2, ticks_start=TICKS_PERIOD - 10_000
    )
    try:
        station_id, emulated = next(iter(site.stations.items()))
        site.run_for(2)
        site.run_for((TICKS_PERIOD - site.clock.ticks_ms() - 300) / 1000)  # 0.3 s before it
        staff = [s for s in site.demo.staff.values() if s.unit_id == emulated.unit_id and s.key_id]
        key = site.keys[staff[0].key_id or 0]
        before = emulated.station.last_result
        site.hold_key_to_nfc(station_id, key)
        site.type_code(station_id, staff[0].code)
        assert site.run_until(lambda: emulated.station.last_result is not before, 60)
        assert emulated.station.last_result.outcome == "ok_until"
        assert site.clock.ticks_ms() < 60_000  # the counter wrapped on the way
        site.take_key_from_nfc(station_id)
        result = site.sync(station_id, site.keys[staff[1].key_id or 0], staff[1].code)
        assert result.outcome == "ok_until"
        site.run_for(150)
        assert emulated.station.uplink.online
        assert emulated.station.uplink.last_success >= site.clock.now() - 61  # heartbeats
        assert emulated.station.status()["uptime_s"] >= 150
    finally:
        site.stop()


def test_a_restart_resumes_the_saved_time_and_the_port(tmp_path: Path) -> None:
    """Issue 16.5: fast-forwarded days stay done, nothing is dated after the clock, and the
    back office's URL printed last time still works."""
    site = EmulatedSite(tmp_path, start=START, history_days=2)
    try:
        station_id, emulated = next(iter(site.stations.items()))
        site.run_for(2)
        site.fast_forward(3 * 86_400)
        staff = next(
            s for s in site.demo.staff.values() if s.unit_id == emulated.unit_id and s.key_id
        )
        assert staff.key_id is not None
        assert site.sync(station_id, site.keys[staff.key_id], staff.code).outcome == "ok_until"
        site.run_for(5)  # the sync's record reaches the back office
        shown, url = site.clock.now(), site.url
    finally:
        site.stop()

    again = EmulatedSite(tmp_path, start=START + 60, history_days=2)
    try:
        assert again.clock.now() >= shown
        assert again.url == url
        with again.site.sessions() as session:
            latest = max(
                session.scalar(select(func.max(column))) or 0
                for column in (SyncEvent.time, SyncEvent.uploaded_at, ChangeLog.at)
            )
        assert latest <= again.clock.now()
    finally:
        again.stop()


def test_a_key_syncs_at_a_neighbouring_unit_s_station_it_may_borrow(tmp_path: Path) -> None:
    """Issue 16.1 (seed 004: "kontakta närliggande enhet för att låna deras synkstation"): the
    back office names the units a station also serves; a key of such a unit syncs there with
    its own unit's locks, the sync is logged as borrowed and both managers see it, and nothing
    calls the key unknown."""
    site = EmulatedSite(tmp_path, start=START, history_days=2)
    try:
        units = {u.name: u for u in site.demo.units.values()}
        nord, syd = units["Hemtjänst Nord"], units["Hemtjänst Syd"]
        staff = next(s for s in site.demo.staff.values() if s.unit_id == nord.unit_id and s.key_id)
        assert staff.key_id is not None
        key = site.keys[staff.key_id]
        site.run_for(2)
        # Today's rule first: Syd's station does not know a key of Nord.
        assert site.sync(syd.station_id, key, staff.code).outcome == "unknown_key"
        row = site.office.set_station_neighbours(site.admin, syd.station_id, [nord.unit_id])
        assert row["serves_units"] == [nord.unit_id]
        site.reboot(syd.station_id)  # a station fetches its bundle as it starts
        site.run_for(3)
        result = site.sync(syd.station_id, key, staff.code)
        assert result.outcome == "ok_until"
        door = next(
            lock
            for lock in site.demo.locks.values()
            if lock.installed and lock.kind == "customer_door" and nord.unit_id in lock.unit_ids
        )
        assert site.open_door(door.lock_id, key).opened  # the key's own unit's doors
        assert site.sync(syd.station_id, key, staff.code).outcome == "ok_until"
        site.run_for(5)  # the station uploads the syncs and the door's event

        since = START - 3_600
        refused = site.office.list_sync_events(site.admin, SyncQuery(key_id=staff.key_id))
        borrowed = [e for e in refused if e["station_id"] == syd.station_id]
        assert [e["reason"] for e in borrowed][-2:] == ["SYNC_OK", "SYNC_OK"]
        anomalies = site.office.list_anomalies(site.admin, AnomalyQuery(since=since))
        assert not [a for a in anomalies if a["kind"] == "unknown_key"]
        followup = FollowUp(site.office)
        for manager in ("chef.nord", "chef.syd"):
            actor = site.office.actor_for(manager)
            rows, _total = followup.activity_log(actor, LogQuery(kind="station", since=since))
            ours = [r for r in rows if r.key_id == staff.key_id and r.event == "SYNC_OK"]
            assert ours and all(r.borrowed for r in ours), manager
        report, _totals = followup.keys_and_totals(site.office.actor_for("chef.nord"))
        assert next(k for k in report if k.key_id == staff.key_id).last_sync is not None
    finally:
        site.stop()


def test_a_station_serves_at_most_the_stated_borrowing_units(tmp_path: Path) -> None:
    site = EmulatedSite(tmp_path, start=START, history_days=0)
    try:
        station = next(iter(site.demo.stations.values()))
        others = [u for u in site.demo.units if u != station.unit_id]
        with pytest.raises(Invalid):
            site.office.set_station_neighbours(site.admin, station.station_id, [station.unit_id])
        with pytest.raises(Invalid):
            site.office.set_station_neighbours(site.admin, station.station_id, [*others, 998, 999])
        site.office.set_station_neighbours(site.admin, station.station_id, others)
        shown = site.office.show_station(site.admin, station.station_id)
        assert shown["serves_units"] == sorted(others)
        assert len(others) <= bundles.MAX_BORROWING_UNITS
    finally:
        site.stop()


def test_the_back_office_pages_follow_the_emulators_language(tmp_path: Path) -> None:
    """Issue 16.9: ``synk emulate --language`` also sets the language of the back office's
    pages the emulator serves (English only here, Swedish only after a restart with sv)."""
    sign_in, lead = messages.CATALOGUE["web.sign_in"], messages.CATALOGUE["web.sign_in_lead"]
    for language, shown, left_out in (("en", 1, 0), ("sv", 0, 1)):
        site = EmulatedSite(tmp_path, start=START, history_days=0, language=language)
        try:
            page = httpx.get(f"{site.url}/web/login", timeout=30).text
        finally:
            site.stop()
        assert f'<html lang="{language}">' in page
        assert sign_in[shown] in page and lead[shown] in page
        assert sign_in[left_out] not in page and lead[left_out] not in page
