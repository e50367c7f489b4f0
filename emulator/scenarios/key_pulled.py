"""Scenario 6, key pulled mid-write: the key keeps its old set, and the next sync succeeds.

Monday's sync gives a member of staff Monday's set; she opens a door. On
Tuesday morning the station has Tuesday's bundle, and she pulls the key out
while the new set is being written, twice: first in the middle of the
OBJ_WRITE frame (the key never gets the data), then right after the key has
written the whole set into its inactive slot but before the commit. Both
times the key keeps Monday's set (valid until noon, it still opens the door)
and its events; the station says the key came out too early. The third try
goes through: Tuesday's set, the events read and handed to the back office.
"""

from __future__ import annotations

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun
from firmware import messages
from firmware.key_session import STEPS
from protocol.constants import MsgType, ObjType, SlotState
from protocol.framing import encode_frame
from protocol.messages import encode_message, encode_payload

TITLE = "key_pulled.title"
SUMMARY = "key_pulled.summary"

INTO_WRITE = 40  # bytes of the OBJ_WRITE frame the key receives before it is pulled


def _begin_frame_size() -> int:
    """Bytes on the wire of an OBJ_BEGIN request (fixed size: the same for every object)."""
    fields = {"obj": ObjType.PERMISSION_SET, "size": 300, "sha256": bytes(range(32))}
    payload = encode_payload(MsgType.OBJ_BEGIN, False, fields)
    return len(encode_frame(encode_message(MsgType.OBJ_BEGIN, 1, payload)))


def _pin_proof_frame_size() -> int:
    """Bytes on the wire of the PIN_PROOF request that checks the typed code (SPEC 5.11)."""
    payload = encode_payload(MsgType.PIN_PROOF, False, {"derived": bytes(16)})
    return len(encode_frame(encode_message(MsgType.PIN_PROOF, 1, payload)))


# Requests from the code prompt to the end of the set's OBJ_WRITE: PIN_PROOF, OBJ_BEGIN, OBJ_WRITE.
THROUGH_WRITE = 3


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    anna = tools.unit_people(site, unit_id)[0]
    key = anna.key
    door = tools.unit_locks(site, unit_id, tools.CUSTOMER_LOCKS)[0]
    removed = messages.text("key_removed")

    tools.go_to(site, tools.local_time(start, 0, 6, 45))
    run.step("key_pulled.monday", anna=anna.name)
    monday = tools.sync(site, station_id, key, anna.code)
    old_set = key.active_set_bytes()
    tools.go_to(site, tools.local_time(start, 0, 8, 0))
    visit = site.open_door(door, key)
    run.check(
        "key_pulled.check.monday",
        monday.outcome == "ok_until" and old_set is not None and visit.opened,
        f"sync {monday.outcome}, door {visit.outcome}",
    )
    serial = int(emulated.station.cache.serial)

    tools.go_to(site, tools.local_time(start, 1, 6, 30))
    run.step("key_pulled.tuesday_bundle")
    fetched = tools.wait_for_bundle(site, station_id, serial)
    run.check(
        "key_pulled.check.tuesday_bundle",
        fetched,
        f"bundle serial {serial} -> {emulated.station.cache.serial}",
    )

    tools.go_to(site, tools.local_time(start, 1, 6, 45))
    run.step("key_pulled.mid_frame", anna=anna.name)
    events_before = key.audit_entries()
    first = tools.sync(
        site,
        station_id,
        key,
        anna.code,
        when_asked=lambda: emulated.hardware.wire.pull_after_bytes(
            _pin_proof_frame_size() + _begin_frame_size() + INTO_WRITE
        ),
    )
    _check_pulled(run, first, removed)
    inactive = 1 - key.active_slot
    run.check(
        "key_pulled.check.kept_old",
        key.active_set_bytes() == old_set
        and key.slots[inactive].state == SlotState.INCOMPLETE
        and not key.slots[inactive].data
        and key.audit_entries() == events_before,
        f"active set unchanged: {key.active_set_bytes() == old_set}, other slot "
        f"{key.slots[inactive].state.name} with {len(key.slots[inactive].data or b'')} bytes, "
        f"events {len(key.audit_entries())} "
        f"(before {len(events_before)})",
    )
    site.fast_forward(5 * 60)
    still = site.open_door(door, key)
    run.check("key_pulled.check.old_set_opens", still.opened, f"door {still.outcome}")

    site.fast_forward(5 * 60)
    run.step("key_pulled.before_commit", anna=anna.name)
    offered = emulated.station.cache.permission_set_for(key.key_id, site.clock.now())[0]
    second = tools.sync(
        site,
        station_id,
        key,
        anna.code,
        when_asked=lambda: key.pull_after_requests(THROUGH_WRITE),
    )
    _check_pulled(run, second, removed)
    run.check(
        "key_pulled.check.uncommitted",
        key.active_set_bytes() == old_set
        and key.slots[inactive].state == SlotState.INCOMPLETE
        and key.slots[inactive].data == bytes(offered),
        f"active set unchanged: {key.active_set_bytes() == old_set}, other slot "
        f"{key.slots[inactive].state.name} with "
        f"{len(key.slots[inactive].data or b'')} of {len(offered)} bytes",
    )

    site.fast_forward(5 * 60)
    run.step("key_pulled.third_try", anna=anna.name)
    waiting = {(e["lock_id"], e["lock_seq"]) for e in key.audit_events()}
    third = tools.sync(site, station_id, key, anna.code)
    held = key.active_set()
    run.check(
        "key_pulled.check.synced",
        third.outcome == "ok_until"
        and held is not None
        and held["serial"] == emulated.station.cache.serial
        and key.active_set_bytes() == bytes(offered)
        and not key.audit_entries(),
        f"outcome {third.outcome}, set serial {None if held is None else held['serial']}, "
        f"{len(key.audit_entries())} events left on the key",
    )
    uploaded = tools.wait_for_upload(site, station_id)

    run.step("key_pulled.back_office")
    events = [
        (e["reason"], e["detail"])
        for e in tools.sync_events(site, key_id=key.key_id, since=tools.local_time(start, 1, 0))
    ]
    step, synced = STEPS["write_set"], int(emulated.station.cache.serial)
    run.check(
        "key_pulled.check.removals_recorded",
        uploaded and events == [("KEY_REMOVED", step), ("KEY_REMOVED", step), ("SYNC_OK", synced)],
        f"uploaded {uploaded}, station events of the key on Tuesday: {events}",
        step=step,
    )
    arrived = {(e["lock_id"], e["lock_seq"]) for e in tools.activity(site, key_id=key.key_id)}
    run.check(
        "key_pulled.check.events_arrived",
        bool(waiting) and waiting <= arrived,
        f"{len(waiting)} events were on the key, {len(waiting & arrived)} of them arrived",
        count=len(waiting),
    )


def _check_pulled(run: ScenarioRun, pulled: tools.Sync, removed: tuple[str, str]) -> None:
    result = pulled.result
    run.check(
        "key_pulled.check.removed",
        pulled.outcome == "key_removed"
        and result is not None
        and result.step == STEPS["write_set"]
        and not result.set_written
        and (pulled.swedish, pulled.english) == removed,
        f"outcome {pulled.outcome}, step {None if result is None else result.step}, "
        f"screen {pulled.swedish!r}",
        swedish=removed[0],
        english=removed[1],
    )
