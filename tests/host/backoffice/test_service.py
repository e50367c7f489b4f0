"""The service layer's rules: who may do what, clear errors, key states, grants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from host.backoffice.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from host.backoffice.reports import ActivityQuery, AnomalyQuery, SyncQuery
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.service_tokens import CLOCK_LEEWAY_S

from .builders import lock_event, lock_record, upload
from .conftest import Clock, World

DAY = 24 * 3600


@pytest.fixture
def activity(office: BackOffice, world: World, clock: Clock) -> None:
    """Lock events at unit A's lock 1 (key a1) and unit B's lock 3 (key b1)."""
    station_a = office.authenticate_station(world.credential_a)
    station_b = office.authenticate_station(world.credential_b)
    event_a = lock_event(world.secrets[1], 1, world.key_a1, 1, clock.now)
    event_b = lock_event(world.secrets[3], 3, world.key_b1, 1, clock.now)
    office.ingest_upload(
        station_a, world.station_a, upload(world.station_a, 1, [lock_record(event_a)])
    )
    office.ingest_upload(
        station_b, world.station_b, upload(world.station_b, 1, [lock_record(event_b)])
    )


def test_a_unit_manager_reads_only_their_own_units_activity_log(
    office: BackOffice, world: World, manager_a: Actor, manager_b: Actor, activity: None
) -> None:
    rows = office.search_activity(manager_a, ActivityQuery())
    assert [(r["lock_id"], r["key_id"]) for r in rows] == [(1, world.key_a1)]
    rows = office.search_activity(manager_b, ActivityQuery())
    assert [(r["lock_id"], r["key_id"]) for r in rows] == [(3, world.key_b1)]
    # Asking for the other unit's staff, key or customer finds nothing.
    assert office.search_activity(manager_a, ActivityQuery(staff_id=world.staff_b1)) == []
    assert office.search_activity(manager_a, ActivityQuery(customer_id=world.customer_b)) == []
    assert office.search_activity(manager_a, ActivityQuery(key_id=world.key_b1)) == []
    assert office.list_sync_events(manager_a, SyncQuery(station_id=world.station_b)) == []


def test_admin_reads_all_activity_a_reviewer_or_technician_none_without_a_grant(
    office: BackOffice, admin: Actor, reviewer: Actor, technician: Actor, activity: None
) -> None:
    assert len(office.search_activity(admin, ActivityQuery())) == 2
    for other in (reviewer, technician):  # seed 000 §5: no staff responsibility, no grant
        with pytest.raises(Forbidden):
            office.search_activity(other, ActivityQuery())
        with pytest.raises(Forbidden):
            office.list_sync_events(other, SyncQuery())


def test_activity_search_filters(
    office: BackOffice, admin: Actor, world: World, clock: Clock, activity: None
) -> None:
    assert len(office.search_activity(admin, ActivityQuery(lock_id=3))) == 1
    assert len(office.search_activity(admin, ActivityQuery(since=clock.now + 1))) == 0
    assert len(office.search_activity(admin, ActivityQuery(until=clock.now + 1))) == 2
    assert len(office.search_activity(admin, ActivityQuery(staff_id=world.staff_a1))) == 1
    assert len(office.search_activity(admin, ActivityQuery(limit=1))) == 1


def _changes(office: BackOffice, world: World, clock: Clock) -> list[Callable[[Actor], Any]]:
    return [
        lambda a: office.add_provider(a, "Omsorg AB", "private"),
        lambda a: office.add_unit(a, world.provider, "Ny enhet"),
        lambda a: office.add_station(a, world.unit_a, "Nord 2"),
        lambda a: office.add_staff(a, world.unit_a, "Ny Person"),
        lambda a: office.add_key(a, world.staff_a1, bytes(range(32)), 555),
        lambda a: office.set_key_state(a, world.key_a1, "lost", "x"),
        lambda a: office.add_customer(a, "K-NY", world.unit_a),
        lambda a: office.add_lock(a, "key_box"),
        lambda a: office.install_lock(a, 5, "Väg 1", world.customer_a),
        lambda a: office.remove_lock(a, 1),
        lambda a: office.grant_unit(a, world.unit_b, [4]),
        lambda a: office.grant_personal(a, world.staff_b1, 1, clock.now + 2 * DAY),
        lambda a: office.revoke_grant(a, 1),
        lambda a: office.add_user(a, "ny", "reviewer"),
        lambda a: office.rotate_authority(a),
        lambda a: office.deactivate_staff(a, world.staff_a2, "slutat"),
        lambda a: office.set_staff_code(a, world.staff_a1),
        lambda a: office.new_station_credential(a, world.station_a),
    ]


def test_a_reviewer_cannot_change_anything(
    office: BackOffice, world: World, clock: Clock, reviewer: Actor
) -> None:
    for change in _changes(office, world, clock):
        with pytest.raises(Forbidden):
            change(reviewer)


def test_a_reviewer_reads_everything(
    office: BackOffice, world: World, reviewer: Actor, activity: None
) -> None:
    assert len(office.list_staff(reviewer)) == 3
    assert len(office.list_keys(reviewer)) == 3
    assert len(office.list_customers(reviewer)) == 2
    assert len(office.list_locks(reviewer)) == 5
    assert len(office.list_stations(reviewer)) == 2
    assert len(office.list_grants(reviewer)) == 1
    office.list_anomalies(reviewer, AnomalyQuery())
    office.show_key(reviewer, world.key_b1)


def test_a_unit_manager_acts_only_on_their_own_unit(
    office: BackOffice, world: World, clock: Clock, manager_a: Actor
) -> None:
    row, code = office.add_staff(manager_a, world.unit_a, "Ny Person")
    assert len(code) == 6
    office.add_key(manager_a, row["id"], bytes(range(32)), 777)
    office.set_key_state(manager_a, world.key_a1, "lost", "tappad")
    office.add_customer(manager_a, "K-NORD-0002", world.unit_a)
    office.grant_personal(manager_a, world.staff_b1, 1, clock.now + 2 * DAY)  # lends own lock
    with pytest.raises(Forbidden):
        office.add_staff(manager_a, world.unit_b, "Fel Enhet")
    with pytest.raises(Forbidden):
        office.set_key_state(manager_a, world.key_b1, "lost", "x")
    with pytest.raises(Forbidden):
        office.show_staff(manager_a, world.staff_b1)
    with pytest.raises(Forbidden):
        office.show_customer(manager_a, world.customer_b)
    with pytest.raises(Forbidden):
        office.grant_personal(manager_a, world.staff_a1, 3, clock.now + 2 * DAY)  # unit B's lock
    with pytest.raises(Forbidden):
        office.grant_unit(manager_a, world.unit_a, [3])
    with pytest.raises(Forbidden):
        office.add_lock(manager_a, "key_box")
    assert {s["unit_id"] for s in office.list_staff(manager_a)} == {world.unit_a}
    assert {k["unit_id"] for k in office.list_keys(manager_a)} == {world.unit_a}
    assert [lock["id"] for lock in office.list_locks(manager_a)] == [1, 2, 4]
    assert office.list_staff(manager_a, world.unit_b) == []


def test_a_technician_manages_locks_keys_and_stations_but_not_people(
    office: BackOffice, world: World, technician: Actor
) -> None:
    office.add_lock(technician, "building_entrance", "Port 1", 40)
    office.install_lock(technician, 40, "Storgatan 1, port")
    office.add_station(technician, world.unit_a, "Nord 2")
    office.set_key_state(technician, world.key_b1, "retired", "trasig")
    for forbidden in (
        lambda: office.add_staff(technician, world.unit_a, "X"),
        lambda: office.list_staff(technician),
        lambda: office.list_customers(technician),
        lambda: office.grant_unit(technician, world.unit_a, [40]),
        lambda: office.add_user(technician, "x", "admin"),
    ):
        with pytest.raises(Forbidden):
            forbidden()


def test_clear_errors_for_unknown_ids_and_duplicates(
    office: BackOffice, admin: Actor, world: World
) -> None:
    with pytest.raises(NotFound, match="Nyckeln 123 finns inte / Key 123 not found"):
        office.show_key(admin, 123)
    with pytest.raises(NotFound, match="Enheten 99"):
        office.add_staff(admin, 99, "X")
    with pytest.raises(Conflict, match="Utföraren Haninge kommun finns redan"):
        office.add_provider(admin, "Haninge kommun", "municipal")
    with pytest.raises(Conflict, match="Nyckeln 101 finns redan"):
        office.add_key(admin, world.staff_a1, bytes(range(32)), 101)
    with pytest.raises(Conflict, match="publika nyckeln"):
        office.add_key(admin, world.staff_a1, world.publics[world.key_a2])
    with pytest.raises(Conflict, match="Låset 1 är redan monterat"):
        office.install_lock(admin, 1, "Annan väg", world.customer_a)
    with pytest.raises(Conflict, match="behörighet"):
        office.grant_unit(admin, world.unit_a, [4])
    with pytest.raises(Invalid, match="6 siffror"):
        office.add_staff(admin, world.unit_a, "X", "12345")
    with pytest.raises(Invalid, match="lätt att gissa"):
        office.add_staff(admin, world.unit_a, "X", "123456")
    with pytest.raises(Invalid, match="--customer"):
        office.install_lock(admin, 5, "Väg 1")
    with pytest.raises(Invalid):
        office.add_lock(admin, "window")
    with pytest.raises(NotFound):
        office.actor_for("nobody")


def test_key_state_changes_keep_a_history(office: BackOffice, admin: Actor, world: World) -> None:
    office.set_key_state(admin, world.key_a1, "lost", "tappad i bussen")
    office.set_key_state(admin, world.key_a1, "active", "hittad")
    office.set_key_state(admin, world.key_a1, "retired", "utbytt")
    with pytest.raises(Conflict, match="retired"):
        office.set_key_state(admin, world.key_a1, "active", "")
    history = office.show_key(admin, world.key_a1)["history"]
    assert [(h["from"], h["to"], h["by"], h["reason"]) for h in history] == [
        (None, "active", "admin", ""),
        ("active", "lost", "admin", "tappad i bussen"),
        ("lost", "active", "admin", "hittad"),
        ("active", "retired", "admin", "utbytt"),
    ]


def test_deactivating_staff_blocks_their_keys(
    office: BackOffice, admin: Actor, world: World
) -> None:
    office.deactivate_staff(admin, world.staff_a1, "slutat")
    assert office.show_key(admin, world.key_a1)["state"] == "blocked"
    assert office.current_blocklist(admin)["key_ids"] == [world.key_a1]
    with pytest.raises(Conflict):
        office.add_key(admin, world.staff_a1, bytes(range(32)))


def test_grants_are_listed_and_revoked_once(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    personal = office.grant_personal(admin, world.staff_a1, 3, clock.now + 2 * DAY)
    assert {g["id"] for g in office.list_grants(admin)} == {1, personal["id"]}
    office.revoke_grant(admin, personal["id"])
    with pytest.raises(Conflict):
        office.revoke_grant(admin, personal["id"])
    assert [g["id"] for g in office.list_grants(admin)] == [1]
    assert len(office.list_grants(admin, include_ended=True)) == 2
    with pytest.raises(Invalid):
        office.grant_personal(admin, world.staff_a1, 3, clock.now - 1)


def test_stations_authenticate_by_credential(office: BackOffice, world: World) -> None:
    actor = office.authenticate_station(world.credential_a)
    assert (actor.station_id, actor.unit_id) == (world.station_a, world.unit_a)
    for bad in (None, "", "not-a-credential"):
        with pytest.raises(Unauthenticated):
            office.authenticate_station(bad)
    with pytest.raises(Forbidden):
        office.station_bundle(actor, world.station_b)
    with pytest.raises(Forbidden):
        office.list_staff(actor)


def test_service_tokens(
    office: BackOffice, admin: Actor, world: World, technician: Actor, clock: Clock
) -> None:
    from protocol.records import decode_record

    token = office.issue_service_token(admin, world.station_a, "tekniker", ["set-clock"], 8)
    fields = decode_record("service_token", token)
    assert (fields["station_id"], fields["permissions"]) == (world.station_a, 1)
    assert fields["not_after"] - fields["not_before"] == 8 * 3600 + CLOCK_LEEWAY_S
    # stations take a token once (SPEC.md 8.5): the same request in the same second
    # still gives another token, told apart by its serial
    again = office.issue_service_token(admin, world.station_a, "tekniker", ["set-clock"], 8)
    assert again != token
    assert decode_record("service_token", again)["serial"] == fields["serial"] + 1
    office.issue_service_token(technician, world.station_a, "tekniker", ["clear-outbox"], 1)
    with pytest.raises(Forbidden):
        office.issue_service_token(technician, 0, "tekniker", ["set-clock"], 1)
    with pytest.raises(Invalid):
        office.issue_service_token(admin, world.station_a, "admin", ["set-clock"], 1)
    with pytest.raises(Invalid):
        office.issue_service_token(admin, world.station_a, "tekniker", ["fly"], 1)
    with pytest.raises(Invalid):
        office.issue_service_token(admin, world.station_a, "tekniker", ["set-clock"], 48)


def test_a_caller_whose_role_may_not_act_learns_nothing_about_ids_or_values(
    office: BackOffice, reviewer: Actor, technician: Actor, clock: Clock
) -> None:
    for attempt in (
        lambda: office.set_key_state(reviewer, 999, "nonsense", ""),
        lambda: office.add_key(reviewer, 999, b"short"),
        lambda: office.grant_personal(reviewer, 999, 999, clock.now - 1),
        lambda: office.revoke_grant(reviewer, 999),
        lambda: office.set_staff_code(reviewer, 999, "1"),
        lambda: office.deactivate_staff(reviewer, 999, ""),
        lambda: office.show_staff(technician, 999),
        lambda: office.show_customer(technician, 999),
    ):
        with pytest.raises(Forbidden):
            attempt()


def test_a_unit_manager_sees_the_organisation_but_only_their_own_units_details(
    office: BackOffice, world: World, manager_a: Actor
) -> None:
    assert [u["id"] for u in office.list_units(manager_a)] == [world.unit_a, world.unit_b]
    assert office.list_providers(manager_a)[0]["id"] == world.provider
    assert office.show_unit(manager_a, world.unit_a)["locks"] == [1, 2, 4]
    with pytest.raises(Forbidden):
        office.show_unit(manager_a, world.unit_b)


def test_authority_keys_for_devices_are_those_not_retired_signing_first(
    office: BackOffice, admin: Actor, world: World
) -> None:
    (old,) = office.authority_public_keys(admin)
    assert office.export_bundle(admin, world.station_a).serial == 1
    added = office.add_authority_key(admin)
    new = bytes.fromhex(added["public_key"])
    assert office.authority_public_keys(admin) == [old, new]
    # Adding a key changes nothing stations see: the old key still signs.
    assert office.export_bundle(admin, world.station_a).serial == 1
    office.use_authority_key(admin, added["key_id"])
    assert office.authority_public_keys(admin) == [new, old]
    assert office.export_bundle(admin, world.station_a).serial == 2
    office.retire_authority_key(admin, _key_id(office, admin, old))
    assert office.authority_public_keys(admin) == [new]
    station = office.authenticate_station(world.credential_a)
    assert office.authority_public_keys(station) == [new]


def _key_id(office: BackOffice, admin: Actor, public: bytes) -> str:
    (found,) = [k for k in office.list_authority_keys(admin) if k["public_key"] == public.hex()]
    return str(found["key_id"])


def test_a_new_station_credential_never_looks_like_an_option() -> None:
    from host.backoffice.service import new_credential

    assert not any(new_credential().startswith("-") for _ in range(2000))


def test_reads_through_the_service_are_recorded_for_the_admin_only(
    office: BackOffice, admin: Actor, manager_a: Actor, reviewer: Actor, activity: None
) -> None:
    office.search_activity(manager_a, ActivityQuery(lock_id=1))
    office.list_sync_events(manager_a, SyncQuery())
    rows, total = office.access.reads(admin)
    assert total == 2
    assert {(r["username"], r["unit_id"], r["source"], r["query"]) for r in rows} == {
        ("chef.nord", manager_a.unit_id, "cli", '{"lock_id": 1}'),
        ("chef.nord", manager_a.unit_id, "cli", '{"sync": true}'),
    }
    for other in (manager_a, reviewer):
        with pytest.raises(Forbidden):
            office.access.reads(other)
