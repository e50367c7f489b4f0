"""Station bundles: signatures, content, serials, day windows (SPEC.md 8.4)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest

from firmware import ed25519
from host.backoffice import bundles
from host.backoffice.errors import Invalid
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.timeutil import day_start, day_window, local_day, parse_time
from protocol import pin_secret
from protocol.records import decode_record, rebuild_permission_set, signed_part

from .builders import verifies
from .conftest import Clock, World

HOUR = 3600
DAY = 24 * HOUR


def _authority_public(office: BackOffice, admin: Actor) -> bytes:
    signing = [k for k in office.list_authority_keys(admin) if k["state"] == "signing"]
    return bytes.fromhex(signing[0]["public_key"])


def _bundle(office: BackOffice, admin: Actor, station: int) -> tuple[int, dict[str, Any], bytes]:
    stored = office.export_bundle(admin, station)
    return stored.serial, decode_record("bundle", stored.data), stored.data


def _locks(bundle: dict[str, Any], key_index: int, day: int) -> list[int]:
    entry = bundle["sets"][key_index][day]
    return list(bundle["lock_lists"][entry["lock_list"]]) if entry["valid_until"] else []


def _key_index(bundle: dict[str, Any], key_id: int) -> int:
    return [k["key_id"] for k in bundle["keys"]].index(key_id)


def test_signatures_verify_with_cryptography_and_the_firmware_verifier(
    office: BackOffice, admin: Actor, world: World
) -> None:
    authority = _authority_public(office, admin)
    _serial, bundle, data = _bundle(office, admin, world.station_a)
    signed = signed_part("bundle", data)
    assert verifies(authority, signed, bundle["signature"])
    assert ed25519.verify(authority, signed, bundle["signature"])
    assert bundle["authority_key_id"] == hashlib.sha256(authority).digest()[:8]
    blocklist = decode_record("blocklist", bundle["blocklist"])
    assert verifies(
        authority, signed_part("blocklist", bundle["blocklist"]), blocklist["signature"]
    )
    for key_index in range(len(bundle["keys"])):
        for day in (0, 7):  # the firmware verifier is pure Python: two days per key suffice
            permission_set = rebuild_permission_set(bundle, key_index, day)
            fields = decode_record("permission_set", permission_set)
            message = signed_part("permission_set", permission_set)
            assert ed25519.verify(authority, message, fields["signature"])
        for day in range(bundle["days"]):
            permission_set = rebuild_permission_set(bundle, key_index, day)
            fields = decode_record("permission_set", permission_set)
            message = signed_part("permission_set", permission_set)
            assert verifies(authority, message, fields["signature"])
            assert fields["key_id"] == bundle["keys"][key_index]["key_id"]
    tampered = bytearray(data)
    tampered[20] ^= 1  # issued_at
    assert not ed25519.verify(authority, bytes(tampered[:220]), bundle["signature"])


def test_content_of_a_units_bundle(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    serial, bundle, _data = _bundle(office, admin, world.station_a)
    assert serial == 1
    assert (bundle["station_id"], bundle["unit_id"]) == (world.station_a, world.unit_a)
    assert [k["key_id"] for k in bundle["keys"]] == [world.key_a1, world.key_a2]
    assert [k["display_name"] for k in bundle["keys"]] == ["Anna", "Åsa"]
    assert bundle["days"] == 8
    assert bundle["issued_at"] == clock.now
    assert bundle["offline_until"] == clock.now + 8 * DAY
    assert bundle["day0_start"] == parse_time("2026-03-10T00:00")
    assert bundle["lock_lists"] == [[1, 2, 4]]  # customer A's locks and the granted common area
    first = bundle["keys"][0]
    # The key's proof of the code (SPEC 5.11), not the code's PBKDF2 alone (issue 14.5).
    derived = hashlib.pbkdf2_hmac("sha256", b"482913", first["code_salt"], 1000, 16)
    assert first["code_verifier"] != derived
    expected = pin_secret.verifier("482913", first["code_salt"], 1000, world.pin_secrets[101])
    assert first["code_verifier"] == expected
    assert bundle["code_iterations"] == 1000
    for day in range(8):
        entry = bundle["sets"][0][day]
        start, end = day_window(date(2026, 3, 10 + day))
        assert (entry["valid_from"], entry["valid_until"], entry["serial"]) == (start, end, 1)


def test_a_lost_key_is_absent_from_the_next_bundle_and_on_its_blocklist(
    office: BackOffice, admin: Actor, world: World
) -> None:
    serial, before, _ = _bundle(office, admin, world.station_a)
    assert decode_record("blocklist", before["blocklist"])["key_ids"] == []
    office.set_key_state(admin, world.key_a1, "lost", "tappad i bussen")
    serial_after, after, _ = _bundle(office, admin, world.station_a)
    assert serial_after == serial + 1
    assert [k["key_id"] for k in after["keys"]] == [world.key_a2]
    blocklist = decode_record("blocklist", after["blocklist"])
    assert blocklist["key_ids"] == [world.key_a1]
    assert blocklist["version"] == 2
    # The other unit's station carries the same site-wide blocklist.
    _, other, _ = _bundle(office, admin, world.station_b)
    assert decode_record("blocklist", other["blocklist"])["key_ids"] == [world.key_a1]


def test_an_installed_lock_appears_in_the_next_bundle_and_a_removed_one_leaves(
    office: BackOffice, admin: Actor, world: World
) -> None:
    serial, bundle, _ = _bundle(office, admin, world.station_a)
    assert 5 not in _locks(bundle, 0, 0)
    office.install_lock(admin, 5, "Storgatan 3", world.customer_a)
    serial2, bundle, _ = _bundle(office, admin, world.station_a)
    assert serial2 == serial + 1
    assert all(_locks(bundle, k, d) == [1, 2, 4, 5] for k in range(2) for d in range(8))
    office.remove_lock(admin, 1)
    serial3, bundle, _ = _bundle(office, admin, world.station_a)
    assert serial3 == serial2 + 1
    assert _locks(bundle, 0, 0) == [2, 4, 5]


def test_same_state_and_day_give_the_same_bytes_and_serial(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    first = office.export_bundle(admin, world.station_a)
    clock.advance(5 * HOUR)  # still the same local day
    again = office.export_bundle(admin, world.station_a)
    assert (again.serial, again.data) == (first.serial, first.data)
    # Encoding is deterministic too: same content, serial and time give the same bytes.
    with office.site.sessions() as session:
        key = office.signing_key(session)
        station = session.get(bundles.Station, world.station_a)
        assert station is not None
        content = bundles.collect(
            session,
            station,
            local_day(first.issued_at),
            key,
            decode_record("bundle", first.data)["blocklist"],
        )
    assert bundles.encode(content, first.serial, first.issued_at, key) == first.data


def test_each_relevant_change_raises_the_serial_by_one(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    serial = office.export_bundle(admin, world.station_a).serial
    changes = [
        lambda: office.grant_personal(admin, world.staff_a1, 3, clock.now + 2 * DAY),
        lambda: office.set_key_state(admin, world.key_a2, "blocked", "test"),
        lambda: office.set_key_state(admin, world.key_a2, "active", "test"),
        lambda: office.add_staff(admin, world.unit_a, "Cecilia", "550193"),  # no key: no change
        lambda: office.set_staff_code(admin, world.staff_a1, "550193"),
        lambda: office.revoke_grant(admin, 1),  # the common area
    ]
    expected = [1, 1, 1, 0, 1, 1]
    for change, step in zip(changes, expected, strict=True):
        change()
        now = office.export_bundle(admin, world.station_a).serial
        assert now == serial + step
        serial = now
    # Unit B's bundle is untouched by unit A's changes except the blocklist.
    assert office.export_bundle(admin, world.station_b).serial == 1


def test_a_new_day_gives_a_new_serial(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    first = office.export_bundle(admin, world.station_a)
    clock.advance(DAY)
    second = office.export_bundle(admin, world.station_a)
    assert second.serial == first.serial + 1
    assert decode_record("bundle", second.data)["day0_start"] == parse_time("2026-03-11T00:00")


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 27), 36),
        (date(2026, 3, 28), 35),  # covers Sunday 29 March 02:00 -> 03:00
        (date(2026, 3, 29), 35),  # the change day itself
        (date(2026, 3, 30), 36),
        (date(2026, 10, 24), 37),  # covers Sunday 25 October 03:00 -> 02:00
        (date(2026, 10, 25), 37),
        (date(2026, 10, 26), 36),
    ],
)
def test_day_windows_across_dst_changes(day: date, hours: int) -> None:
    start, end = day_window(day)
    assert end - start == hours * HOUR
    assert local_day(start) == day
    assert local_day(start - 1) < day


def test_bundle_over_the_march_change_has_local_midnight_windows(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    clock.now = parse_time("2026-03-27T21:00")
    _serial, bundle, _ = _bundle(office, admin, world.station_a)
    starts = [entry["valid_from"] for entry in bundle["sets"][0]]
    assert starts == [day_start(date(2026, 3, 27) + timedelta(days=d)) for d in range(8)]
    assert starts[3] - starts[2] == 23 * HOUR  # Sunday 29 March is 23 hours long
    assert starts[2] == parse_time("2026-03-28T23:00+00:00")
    assert starts[3] == parse_time("2026-03-29T22:00+00:00")
    ends = [entry["valid_until"] for entry in bundle["sets"][0]]
    assert ends[2] == parse_time("2026-03-30T12:00")  # 12:00 CEST = 10:00 UTC
    assert ends[2] == parse_time("2026-03-30T10:00+00:00")


def test_a_temporary_grant_is_in_the_sets_of_the_windows_it_covers_whole(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    ends = parse_time("2026-03-12T18:00")  # day 2, evening
    row = office.grant_personal(admin, world.staff_a1, 3, ends)
    # Day 1's window ends 12:00 on the 12th, the last one the grant covers whole.
    assert row["in_sets_until"] == "2026-03-12T11:00:00Z"
    _serial, bundle, _ = _bundle(office, admin, world.station_a)
    a1 = _key_index(bundle, world.key_a1)
    a2 = _key_index(bundle, world.key_a2)
    assert [_locks(bundle, a1, d) for d in range(4)] == [[1, 2, 3, 4]] * 2 + [[1, 2, 4]] * 2
    assert _locks(bundle, a2, 0) == [1, 2, 4]
    # Windows are never cut: the unit's own doors stay usable around the grant's end.
    for key_index in (a1, a2):
        for day, entry in enumerate(bundle["sets"][key_index]):
            expected = day_window(date(2026, 3, 10) + timedelta(days=day))
            assert (entry["valid_from"], entry["valid_until"]) == expected
    assert len(bundle["lock_lists"]) == 2  # shared lists, deduplicated


def test_a_grant_too_short_for_todays_window_is_refused_with_the_earliest_end(
    office: BackOffice, admin: Actor, world: World
) -> None:
    with pytest.raises(Invalid, match="2026-03-11 12:00") as refused:
        office.grant_personal(admin, world.staff_a1, 3, parse_time("2026-03-11T11:59"))
    assert refused.value.key == "grant.too_short"
    office.grant_personal(admin, world.staff_a1, 3, parse_time("2026-03-11T12:00"))


def test_a_key_whose_only_grant_ends_gets_no_set(
    office: BackOffice, admin: Actor, world: World
) -> None:
    unit_c = office.add_unit(admin, world.provider, "Nattpatrull")["id"]
    station_c = office.add_station(admin, unit_c, "Natt 1")[0]["id"]
    staff_c = office.add_staff(admin, unit_c, "Dan", "918273")[0]["id"]
    office.add_key(admin, staff_c, bytes(range(32)), 301)
    office.grant_personal(admin, staff_c, 1, parse_time("2026-03-12T06:00"))
    _serial, bundle, _ = _bundle(office, admin, station_c)
    days = bundle["sets"][0]
    assert days[0]["valid_until"] == parse_time("2026-03-11T12:00")
    assert _locks(bundle, 0, 0) == [1]
    assert all(entry["valid_until"] == 0 for entry in days[1:])
    with pytest.raises(Exception, match="no set"):
        rebuild_permission_set(bundle, 0, 1)


def test_the_cut_signed_part_equals_protocol_signed_part(
    office: BackOffice, admin: Actor, world: World
) -> None:
    _serial, bundle, _ = _bundle(office, admin, world.station_a)
    permission_set = rebuild_permission_set(bundle, 0, 0)
    assert permission_set[:-64] == signed_part("permission_set", permission_set)


def test_refreshing_many_stations_in_processes_matches_the_api_path(
    office: BackOffice, admin: Actor, world: World
) -> None:
    serials = office.refresh_bundles(admin, workers=2)
    assert serials == {world.station_a: 1, world.station_b: 1}
    assert office.refresh_bundles(admin, workers=2) == serials  # nothing changed
    stored = office.export_bundle(admin, world.station_a)
    assert stored.serial == 1
    authority = _authority_public(office, admin)
    bundle = decode_record("bundle", stored.data)
    assert verifies(authority, signed_part("bundle", stored.data), bundle["signature"])


def test_more_locks_than_a_permission_set_holds_is_a_clear_error(
    office: BackOffice, admin: Actor, world: World, clock: Clock
) -> None:
    from sqlalchemy import insert

    from host.backoffice.models import Lock, LockInstallation

    ids = range(1000, 1000 + 1022)  # with locks 1, 2 and 4: 1025
    lock = {"type": "customer_door", "name": "", "secret": bytes(32), "created_at": clock.now}
    mount = {"address": "x", "customer_id": world.customer_a, "installed_at": clock.now}
    with office.site.sessions.begin() as session:
        session.execute(insert(Lock), [{**lock, "id": i} for i in ids])
        session.execute(insert(LockInstallation), [{**mount, "lock_id": i} for i in ids])
    with pytest.raises(Invalid, match="1025") as refused:
        office.export_bundle(admin, world.station_a)
    assert refused.value.key == "bundle.too_many_locks"


# -- the keys' pin secrets (SPEC.md 5.11, issue 14.5) -------------------------------------------


def test_each_key_has_its_own_verifier_of_the_same_code(
    office: BackOffice, admin: Actor, world: World
) -> None:
    # Two keys of one member of staff: the same code, two verifiers, each the key's own.
    extra = office.add_key(admin, world.staff_a1, bytes(range(32)), 103)
    _serial, bundle, _data = _bundle(office, admin, world.station_a)
    entries = {k["key_id"]: k for k in bundle["keys"]}
    assert entries[101]["code_salt"] == entries[103]["code_salt"]
    assert entries[101]["code_verifier"] != entries[103]["code_verifier"]
    secret = bytes.fromhex(extra["pin_secret"])
    salt = entries[103]["code_salt"]
    assert entries[103]["code_verifier"] == pin_secret.verifier("482913", salt, 1000, secret)


def test_the_pin_secret_is_shown_once_and_can_be_brought_by_the_enrolment(
    office: BackOffice, admin: Actor, world: World
) -> None:
    assert len(world.pin_secrets[101]) == 32
    assert len(set(world.pin_secrets.values())) == 3  # drawn per key
    shown = office.show_key(admin, 101)
    assert "pin_secret" not in shown and shown["pin_secret_set"] is True
    assert all("pin_secret" not in row for row in office.list_keys(admin))
    brought = bytes(range(100, 132))
    row = office.add_key(admin, world.staff_a2, bytes(range(1, 33)), 104, brought)
    assert row["pin_secret"] == brought.hex()
    with pytest.raises(Invalid):
        office.add_key(admin, world.staff_a2, bytes(range(2, 34)), 105, b"short")


def test_a_key_without_pin_secret_is_left_out_until_enrolled_again(
    office: BackOffice, admin: Actor, world: World
) -> None:
    from host.backoffice.models import Key

    with office.site.sessions.begin() as session:  # a key enrolled before migration 0019
        key = session.get(Key, 102)
        assert key is not None
        key.pin_secret = None
    assert office.show_key(admin, 102)["pin_secret_set"] is False
    _serial, bundle, _data = _bundle(office, admin, world.station_a)
    assert [k["key_id"] for k in bundle["keys"]] == [101]
    row = office.set_key_pin_secret(admin, 102)
    secret = bytes.fromhex(row["pin_secret"])
    _serial, bundle, _data = _bundle(office, admin, world.station_a)
    assert [k["key_id"] for k in bundle["keys"]] == [101, 102]
    entry = bundle["keys"][1]
    assert entry["code_verifier"] == pin_secret.verifier("730518", entry["code_salt"], 1000, secret)
