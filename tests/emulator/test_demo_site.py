"""The demo site: its numbers, idempotence, bundles that verify and open its locks, and the
history of visits and lock events (mix, numbering, MACs, uploads)."""

from __future__ import annotations

import csv
import io
import json
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from emulator import demo_site
from emulator.demo_site import (
    FACTS_FILE,
    VISIT_COLUMNS,
    DemoSite,
    build_demo_site,
    demo_history,
    plan_demo,
    visits_csv,
)
from emulator.virtual_clock import VirtualClock
from emulator.virtual_key import VirtualKey
from emulator.virtual_lock import VirtualLock
from host.backoffice import codes, passwords
from host.backoffice.followup.service import FollowUp
from host.backoffice.models import User
from host.backoffice.reports import ActivityQuery, AnomalyQuery, SyncQuery
from host.backoffice.service import BackOffice
from protocol.constants import ObjType, OutboxKind, Outcome
from protocol.records import (
    audit_mac,
    decode_record,
    encode_record,
    rebuild_permission_set,
    signed_part,
)
from tests.emulator.test_virtual_lock import station_write
from tests.host.conftest import ENGINES
from tests.host.postgresql import Cluster

# Wednesday 2026-11-18 11:06:40 UTC (tests/factories.EPOCH): 5 days after the key loss is
# outside a 3-day history, inside a 12-day one.
BUILT_AT = 1_795_000_000
DAYS = 3


@pytest.fixture(scope="module", params=ENGINES)
def demo(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[DemoSite]:
    """The demo site, built once per engine: on SQLite and on PostgreSQL."""
    work = tmp_path_factory.mktemp("demo")
    if request.param == "sqlite":
        yield build_demo_site(work, clock=lambda: BUILT_AT, history_days=DAYS)
        return
    cluster: Cluster = request.getfixturevalue("postgresql_cluster")
    url = cluster.database()
    yield build_demo_site(work, db_url=url, clock=lambda: BUILT_AT, history_days=DAYS)
    cluster.drop(url)


@pytest.fixture
def office(demo: DemoSite) -> Iterator[BackOffice]:
    site = demo.open()
    yield BackOffice(site, lambda: BUILT_AT + 3_600)
    site.close()


def test_the_demo_site_has_the_stated_numbers(demo: DemoSite) -> None:
    kinds = Counter(unit.provider_kind for unit in demo.units.values())
    assert kinds == {"municipal": 2, "private": 1}
    assert len({unit.provider_id for unit in demo.units.values()}) == 2
    assert len(demo.stations) == 3
    assert {s.unit_id for s in demo.stations.values()} == set(demo.units)
    assert len(demo.staff) == 40 + len(demo_site.PROBLEM_KEYS)
    assert all(len(s.code) == 6 and not codes.is_trivial(s.code) for s in demo.staff.values())
    # the problem keys: one blocked as its holder left, one blocked and used all the same
    assert Counter(k.state for k in demo.keys.values()) == {"active": 42, "lost": 1, "blocked": 2}
    assert sum(s.key_id is None for s in demo.staff.values()) == 2
    customer_locks = [lk for lk in demo.locks.values() if lk.customer_ref is not None]
    assert sum(lk.installed for lk in customer_locks) == 120
    assert sum(not lk.installed for lk in customer_locks) == 6
    assert {lk.kind for lk in customer_locks} == {"customer_door", "key_box"}
    others = Counter(lk.kind for lk in demo.locks.values() if lk.customer_ref is None)
    assert others == {"building_entrance": 7, "common_area": 6}
    assert sum(c.active for c in demo.customers.values()) == 120
    assert {u.role for u in demo.users.values()} == {
        "admin",
        "technician",
        "reviewer",
        "unit_manager",
        "alarm_group",
    }


def test_the_facts_match_the_back_office(demo: DemoSite, office: BackOffice) -> None:
    admin = office.actor_for(None)
    for key in demo.keys.values():
        row = office.show_key(admin, key.key_id)
        assert bytes.fromhex(row["public_key"]) == key.public_key
        assert VirtualKey(key.key_id, key.seed).key_public == key.public_key
    for lock in demo.locks.values():
        row = office.show_lock(admin, lock.lock_id)
        assert (row["type"], row["installed"]) == (lock.kind, lock.installed)
    for station in demo.stations.values():
        actor = office.authenticate_station(station.credential)
        assert actor.station_id == station.station_id
    assert set(demo.authority_keys.values()) == set(office.authority_public_keys(admin))
    assert stat.S_IMODE((demo.work_dir / FACTS_FILE).stat().st_mode) == 0o600


def test_building_again_changes_nothing(demo: DemoSite, office: BackOffice) -> None:
    admin = office.actor_for(None)
    before = len(office.list_changes(admin, limit=100_000))
    again = build_demo_site(demo.work_dir, clock=lambda: BUILT_AT + 86_400)
    assert again == demo
    assert len(office.list_changes(admin, limit=100_000)) == before


def test_the_keys_page_has_a_key_of_every_problem(demo: DemoSite, office: BackOffice) -> None:
    """Issue 16.7: "Att åtgärda" shows something true of each kind, in the unit the plan says,
    and the blocked key put in a station is a station event the back office has."""
    report, _totals = FollowUp(office).keys_and_totals(office.actor_for(None))
    found = {(k.key_id, problem) for k in report for problem in k.problems}
    units = {u.station_id - demo_site.FIRST_STATION: u.unit_id for u in demo.units.values()}
    plan = plan_demo(demo.seed)
    expected = {(p.staff.key_id, p.problem) for p in plan.problem_keys}
    assert expected <= found
    assert {p for _k, p in found} >= {"unlinked", "never_synced", "not_synced", "blocked_in_use"}
    for problem in plan.problem_keys:
        key = demo.keys[problem.staff.key_id]
        assert key.unit_id == units[problem.staff.unit]
    blocked_key = next(p.staff.key_id for p in plan.problem_keys if p.problem == "blocked_in_use")
    events = office.list_sync_events(office.actor_for(None), SyncQuery(key_id=blocked_key))
    assert [e["reason"] for e in events].count("KEY_BLOCKED") == 1


def _hashes(demo: DemoSite) -> dict[str, str]:
    site = demo.open()
    try:
        with site.sessions() as session:
            return {u.username: u.password_hash for u in session.query(User)}
    finally:
        site.close()


def test_the_users_passwords_are_random_per_install(demo: DemoSite, tmp_path: Path) -> None:
    other = build_demo_site(tmp_path, clock=lambda: BUILT_AT, history_days=0)
    assert set(other.users) == set(demo.users)
    for name, user in other.users.items():
        assert user.password != demo.users[name].password, name  # the same seed, other passwords
    hashes = _hashes(other)
    assert all(passwords.verify_password(u.password, hashes[n]) for n, u in other.users.items())
    # A folder built when the seed gave the passwords (no "passwords" kept): new ones, set.
    facts = tmp_path / FACTS_FILE
    saved = json.loads(facts.read_text())
    del saved["passwords"]
    facts.write_text(json.dumps(saved))
    again = build_demo_site(tmp_path, clock=lambda: BUILT_AT)
    hashes = _hashes(again)
    for name, user in again.users.items():
        assert user.password != other.users[name].password
        assert passwords.verify_password(user.password, hashes[name])
        assert not passwords.verify_password(other.users[name].password, hashes[name])


def test_a_folder_of_another_seed_or_site_is_refused(demo: DemoSite, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="seed"):
        build_demo_site(demo.work_dir, seed="another demo")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "synk.db").write_bytes(b"")
    with pytest.raises(ValueError, match="not built as the demo site"):
        build_demo_site(tmp_path)


def test_each_station_bundle_verifies_and_opens_its_unit_s_doors(
    demo: DemoSite, office: BackOffice
) -> None:
    admin = office.actor_for(None)
    for station in demo.stations.values():
        data = office.export_bundle(admin, station.station_id).data
        bundle = decode_record("bundle", data)
        public = demo.authority_keys[bundle["authority_key_id"]]
        Ed25519PublicKey.from_public_bytes(public).verify(
            bundle["signature"], signed_part("bundle", data)
        )
        assert (bundle["station_id"], bundle["unit_id"]) == (station.station_id, station.unit_id)
        unit_keys = {
            s.key_id for s in demo.staff.values() if s.unit_id == station.unit_id and s.key_id
        }
        assert {k["key_id"] for k in bundle["keys"]} == unit_keys
        blocked = decode_record("blocklist", bundle["blocklist"])["key_ids"]
        assert blocked == sorted(
            k.key_id for k in demo.keys.values() if k.state in ("lost", "blocked")
        )

        # Day 0's set of the unit's first key, written as the station writes it, opens a door.
        index = 0
        key_id = bundle["keys"][index]["key_id"]
        permission_set = rebuild_permission_set(bundle, index, 0)
        Ed25519PublicKey.from_public_bytes(public).verify(
            permission_set[-64:], permission_set[:-64]
        )
        key = VirtualKey(key_id, demo.keys[key_id].seed)
        station_write(key, ObjType.PERMISSION_SET, permission_set)
        door = next(
            lk
            for lk in demo.locks.values()
            if lk.installed and lk.customer_ref and station.unit_id in lk.unit_ids
        )
        lock = VirtualLock(
            door.lock_id,
            door.kind,
            demo.authority_keys,
            door.secret,
            VirtualClock(BUILT_AT + 3_600),
            seq_start=door.next_seq,
        )
        result = lock.try_open(key)
        assert result.outcome == "OPENED"

        # The event continues the lock's numbering: the back office stores it without a gap.
        body = encode_record(
            "upload_batch",
            {
                "format": 1,
                "flags": 0,
                "station_id": station.station_id,
                "first_index": station.next_outbox_index,
                "outbox_epoch": 0,  # the station's flash was made with an ack, no epoch
                "records": [
                    {
                        "kind": OutboxKind.LOCK_EVENT,
                        "event": result.events[0],
                        "received_at": BUILT_AT + 3_700,
                    }
                ],
            },
        )
        actor = office.authenticate_station(station.credential)
        ack = office.ingest_upload(actor, station.station_id, body)
        assert (ack.stored, ack.rejected) == (1, 0)
        assert office.list_anomalies(admin, AnomalyQuery(lock_id=door.lock_id)) == []


def test_the_visits_csv_is_written_with_its_columns(demo: DemoSite) -> None:
    rows = list(csv.DictReader(io.StringIO(demo.visits_csv.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == VISIT_COLUMNS
    assert len(rows) == demo.history["visits"]
    assert {r["registration"] for r in rows} == {"lock", "manual"}
    assert {r["customer_ref"] for r in rows} <= set(demo.customers)
    staff_names = {s.name for s in demo.staff.values()}
    assert {r["staff"] for r in rows} <= staff_names


def test_a_build_cut_short_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    upload = demo_site._Builder._upload

    def failing(self: demo_site._Builder, item: demo_site.Upload) -> None:
        calls.append(item)
        if len(calls) == 2:
            raise OSError("power cut")
        upload(self, item)

    monkeypatch.setattr(demo_site._Builder, "_upload", failing)
    with pytest.raises(OSError):
        build_demo_site(tmp_path, clock=lambda: BUILT_AT, history_days=1)
    monkeypatch.setattr(demo_site._Builder, "_upload", upload)
    demo = build_demo_site(tmp_path, clock=lambda: BUILT_AT + 999, history_days=1)
    assert demo.built_at == BUILT_AT
    assert len(demo.keys) == 45 and len(demo.stations) == 3 and len(demo.customers) == 126
    site = demo.open()
    try:
        office = BackOffice(site, lambda: BUILT_AT + 3_600)
        admin = office.actor_for(None)
        stored = office.search_activity(admin, ActivityQuery())
        assert len(stored) == demo.history["lock_events"] - demo.history["lost_events"]
        assert office.list_anomalies(admin, AnomalyQuery()) == []
    finally:
        site.close()


# -- the history, without a database --------------------------------------------------------


@pytest.fixture(scope="module")
def history() -> demo_site.History:
    return demo_history(plan_demo(), BUILT_AT, 12)


def test_the_plan_follows_the_seed() -> None:
    assert plan_demo("x") == plan_demo("x")
    assert plan_demo("x").staff != plan_demo("y").staff
    plan = plan_demo()
    assert len({s.key_id for s in plan.staff}) == len(plan.staff)
    assert len({s.name for s in plan.staff}) == len(plan.staff)


def test_the_history_has_a_realistic_mix(history: demo_site.History) -> None:
    counts = history.counts()
    share = counts["lock"] / counts["visits"]
    assert 0.75 < share < 0.95
    assert counts["manual"] == counts["visits"] - counts["lock"]
    assert 0 < counts["missed"] < counts["manual"]
    assert counts["unplanned_openings"] > 0
    assert counts["lost_events"] > 0  # the key lost 5 days ago carried some away
    outcomes = Counter(e["outcome"] for e in history.events)
    assert set(outcomes) == {Outcome.OPENED, Outcome.EXPIRED}
    # The staff who seldom use the lock stand out in the share of visits registered by hand.
    plan = plan_demo()
    rare = {s.name for s in plan.staff if s.lock_use < 0.9}
    assert len(rare) == 6
    visits = Counter(v.staff for v in history.visits)
    manual = Counter(v.staff for v in history.visits if v.registration == "manual")
    for name, count in visits.items():
        share = manual[name] / count
        assert share > 0.3 if name in rare else share < 0.2, (name, share)


def test_history_events_are_numbered_per_lock_and_maced(history: demo_site.History) -> None:
    plan = plan_demo()
    secrets = {lock.lock_id: lock.secret for lock in plan.locks}
    by_lock: dict[int, list[int]] = {}
    for event in history.events:
        assert event["mac"] == audit_mac(secrets[event["lock_id"]], event)
        by_lock.setdefault(event["lock_id"], []).append(event["lock_seq"])
    for lock_id, seqs in by_lock.items():
        assert seqs == list(range(1, len(seqs) + 1))
        assert history.next_seq[lock_id] == len(seqs) + 1


def test_every_lock_visit_has_its_opening(history: demo_site.History) -> None:
    plan = plan_demo()
    door = {c.reference: c.lock_id for c in plan.customers}
    keys_of = {s.name: {s.key_id} for s in plan.staff}
    keys_of[plan.staff[plan.key_loss.staff].name].add(plan.key_loss.new_key_id)
    opened = {
        (e["lock_id"], e["time"], e["key_id"])
        for e in history.events
        if e["outcome"] == Outcome.OPENED
    }
    for visit in history.visits:
        if visit.registration == "lock":
            assert any(
                (door[visit.customer_ref], visit.start, key) in opened
                for key in keys_of[visit.staff]
            )


def test_uploads_are_consecutive_and_after_the_fact(history: demo_site.History) -> None:
    expected: dict[int, int] = {}
    uploaded = 0
    for upload in history.uploads:
        assert upload.first_index == expected.get(upload.station_id, 1)
        expected[upload.station_id] = upload.first_index + len(upload.records)
        batch = decode_record("upload_batch", upload.body())
        for record in batch["records"]:
            if record["kind"] == OutboxKind.LOCK_EVENT:
                uploaded += 1
                assert record["event"]["time"] <= record["received_at"] <= upload.at
            else:
                assert record["time"] <= upload.at
    assert expected == history.next_outbox_index
    assert uploaded == len(history.events) - history.lost_events


def test_visits_csv_round_trips() -> None:
    visit = demo_site.Visit("K-NORD-0001", "Anna Berg", BUILT_AT, BUILT_AT + 1_800, "lock")
    [row] = list(csv.DictReader(io.StringIO(visits_csv([visit]))))
    assert row == {
        "customer_ref": "K-NORD-0001",
        "staff": "Anna Berg",
        "start": "2026-11-18T12:06:40+01:00",
        "end": "2026-11-18T12:36:40+01:00",
        "registration": "lock",
    }
