"""Audit uploads: idempotent storage, MAC checks, anomalies, sequence gaps (SPEC.md 9)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from sqlalchemy import func, select

from host.backoffice.errors import Forbidden, Invalid
from host.backoffice.followup.service import FollowUp
from host.backoffice.models import AuditEvent, SyncEvent
from host.backoffice.reports import ActivityQuery, AnomalyQuery
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.timeutil import format_time
from protocol.constants import Outcome, StationReason

from .builders import lock_event, lock_record, station_record, upload
from .conftest import Clock, World


@pytest.fixture
def station(office: BackOffice, world: World) -> Actor:
    return office.authenticate_station(world.credential_a)


def _events(office: BackOffice) -> list[tuple[int, int]]:
    with office.site.sessions() as session:
        rows = session.execute(select(AuditEvent.lock_id, AuditEvent.lock_seq))
        return sorted((lock, seq) for lock, seq in rows)


def _count(office: BackOffice, model: type[SyncEvent]) -> int:
    with office.site.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _anomalies(office: BackOffice, admin: Actor, **query: object) -> list[dict[str, object]]:
    return office.list_anomalies(admin, AnomalyQuery(**query))  # type: ignore[arg-type]


def _batch(world: World, clock: Clock, lock: int, seqs: Iterable[int], first_index: int) -> bytes:
    records = [
        lock_record(lock_event(world.secrets[lock], lock, world.key_a1, seq, clock.now + seq))
        for seq in seqs
    ]
    return upload(world.station_a, first_index, records)


def test_repeated_and_reordered_batches_store_each_event_once(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    first = _batch(world, clock, 1, range(1, 4), 10)
    second = _batch(world, clock, 1, range(4, 7), 13)
    ack = office.ingest_upload(station, world.station_a, second)
    assert ack.as_json() == {"acked_through": 15, "stored": 3, "duplicates": 0, "rejected": 0}
    gaps = _anomalies(office, admin, kind="sequence_gap")
    assert [(g["seq_from"], g["seq_to"], g["resolved"]) for g in gaps] == [(1, 3, "")]
    ack = office.ingest_upload(station, world.station_a, first)
    assert (ack.acked_through, ack.stored, ack.duplicates) == (12, 3, 0)
    for body in (first, second, first):
        ack = office.ingest_upload(station, world.station_a, body)
        assert (ack.stored, ack.duplicates, ack.rejected) == (0, 3, 0)
    assert _events(office) == [(1, seq) for seq in range(1, 7)]
    # The late batch filled the gap it had opened.
    gaps = _anomalies(office, admin, kind="sequence_gap")
    assert len(gaps) == 1 and gaps[0]["resolved"] != ""
    assert _anomalies(office, admin, kind="sequence_gap", open_only=True) == []


def test_a_batch_repeating_an_event_inside_itself_stores_it_once(
    office: BackOffice, station: Actor, world: World, clock: Clock
) -> None:
    event = lock_event(world.secrets[2], 2, world.key_a2, 1, clock.now)
    body = upload(world.station_a, 1, [lock_record(event), lock_record(event)])
    ack = office.ingest_upload(station, world.station_a, body)
    assert (ack.stored, ack.duplicates, ack.acked_through) == (1, 1, 2)


def test_a_tampered_event_is_rejected_and_recorded_once(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    genuine = lock_event(world.secrets[1], 1, world.key_a1, 1, clock.now)
    tampered = {**lock_event(world.secrets[1], 1, world.key_a1, 2, clock.now), "key_id": 999}
    forged = lock_event(bytes(32), 1, world.key_a1, 3, clock.now)  # made without the secret
    body = upload(world.station_a, 1, [lock_record(e) for e in (genuine, tampered, forged)])
    ack = office.ingest_upload(station, world.station_a, body)
    assert ack.as_json() == {"acked_through": 3, "stored": 1, "duplicates": 0, "rejected": 2}
    assert _events(office) == [(1, 1)]
    forgeries = _anomalies(office, admin, kind="forged_mac")
    assert sorted((a["lock_id"], a["seq_from"], a["key_id"]) for a in forgeries) == [
        (1, 2, 999),
        (1, 3, world.key_a1),
    ]
    ack = office.ingest_upload(station, world.station_a, body)
    assert (ack.stored, ack.duplicates, ack.rejected) == (0, 1, 2)
    assert len(_anomalies(office, admin, kind="forged_mac")) == 2


def test_a_sequence_gap_shows_until_filled(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(1, 3), 1))
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(6, 8), 3))
    gaps = _anomalies(office, admin, kind="sequence_gap", open_only=True)
    assert [(g["lock_id"], g["seq_from"], g["seq_to"]) for g in gaps] == [(2, 3, 5)]
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(3, 5), 5))
    assert len(_anomalies(office, admin, kind="sequence_gap", open_only=True)) == 1  # 5 missing
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(5, 6), 7))
    assert _anomalies(office, admin, kind="sequence_gap", open_only=True) == []


def test_a_gap_filled_in_part_is_narrowed_to_what_is_still_missing(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(1, 3), 1))
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(10, 11), 3))
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, [5, 7], 4))
    gaps = _anomalies(office, admin, kind="sequence_gap", open_only=True)
    assert sorted((g["seq_from"], g["seq_to"]) for g in gaps) == [(3, 4), (6, 6), (8, 9)]
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, [3, 8], 6))
    gaps = _anomalies(office, admin, kind="sequence_gap", open_only=True)
    assert sorted((g["seq_from"], g["seq_to"]) for g in gaps) == [(4, 4), (6, 6), (9, 9)]
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, [4, 6, 9], 8))
    assert _anomalies(office, admin, kind="sequence_gap", open_only=True) == []


def test_a_gap_is_never_resolved_before_it_was_detected(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    """Issue 16.5: a back office whose clock was set back (an emulator restarted from an
    earlier time) still shows the gap resolved no earlier than detected."""
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(1, 2), 1))
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(3, 4), 2))
    clock.advance(-3 * 86_400)
    office.ingest_upload(station, world.station_a, _batch(world, clock, 2, range(2, 3), 3))
    (gap,) = _anomalies(office, admin, kind="sequence_gap")
    assert gap["resolved"] != ""
    assert str(gap["resolved"]) >= str(gap["detected"])


def test_a_first_event_after_one_shows_the_missing_start(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    office.ingest_upload(station, world.station_a, _batch(world, clock, 1, range(4, 5), 1))
    gaps = _anomalies(office, admin, kind="sequence_gap")
    assert [(g["seq_from"], g["seq_to"]) for g in gaps] == [(1, 3)]


def test_events_of_blocked_and_unknown_keys_and_unknown_locks(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    before = lock_event(world.secrets[1], 1, world.key_a2, 1, clock.now - 60)
    clock.advance(60)
    office.set_key_state(admin, world.key_a2, "lost", "borttappad")
    after = lock_event(world.secrets[1], 1, world.key_a2, 2, clock.now + 60, Outcome.BLOCKED)
    stranger = lock_event(world.secrets[1], 1, 4242, 3, clock.now + 70)
    nowhere = lock_event(bytes(32), 77, world.key_a1, 1, clock.now)
    body = upload(world.station_a, 1, [lock_record(e) for e in (before, after, stranger, nowhere)])
    ack = office.ingest_upload(station, world.station_a, body)
    assert (ack.stored, ack.rejected) == (3, 1)
    kinds = sorted((a["kind"], a["lock_id"], a["key_id"]) for a in _anomalies(office, admin))
    assert kinds == [
        ("blocked_key", 1, world.key_a2),
        ("unknown_key", 1, 4242),
        ("unknown_lock", 77, world.key_a1),
    ]


def test_a_lost_keys_openings_are_anomalies_even_after_it_was_found(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor, manager_a: Actor
) -> None:
    secret = world.secrets[1]
    before = lock_event(secret, 1, world.key_a2, 1, clock.now)  # before the loss: fine
    clock.advance(600)
    reported = clock.now
    office.set_key_state(admin, world.key_a2, "lost", "borttappad")
    opened = lock_event(secret, 1, world.key_a2, 2, reported + 3600)  # the lock had no news
    refused = lock_event(secret, 1, world.key_a2, 3, reported + 7200, Outcome.BLOCKED)
    clock.advance(3 * 3600)
    office.set_key_state(admin, world.key_a2, "active", "hittad")  # found, then synced
    after = lock_event(secret, 1, world.key_a2, 4, clock.now + 60)  # found again: fine
    body = upload(world.station_a, 1, [lock_record(e) for e in (before, opened, refused, after)])
    assert office.ingest_upload(station, world.station_a, body).stored == 4
    found = [(a["kind"], a["seq_from"], a["key_blocked_since"]) for a in _anomalies(office, admin)]
    since = format_time(reported)
    assert found == [("lost_key", 2, since), ("blocked_key", 3, since)]
    shown = _anomalies(office, manager_a, kind="lost_key")  # the unit's manager sees it
    assert [(a["key_id"], a["event_time"]) for a in shown] == [
        (world.key_a2, format_time(reported + 3600))
    ]


def test_a_replaced_keys_openings_while_lost_are_anomalies(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    office.set_key_state(admin, world.key_a1, "lost", "borttappad")
    reported = clock.now
    clock.advance(86_400)
    office.set_key_state(admin, world.key_a1, "retired", "ersatt")
    opened = lock_event(world.secrets[1], 1, world.key_a1, 1, reported + 600)
    office.ingest_upload(
        station, world.station_a, upload(world.station_a, 1, [lock_record(opened)])
    )
    found = [(a["kind"], a["key_blocked_since"]) for a in _anomalies(office, admin)]
    assert found == [("lost_key", format_time(reported))]


def test_a_valid_mac_on_a_reused_sequence_number_is_an_anomaly(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    office.ingest_upload(station, world.station_a, _batch(world, clock, 1, range(1, 2), 1))
    other = lock_event(world.secrets[1], 1, world.key_a2, 1, clock.now + 999)
    ack = office.ingest_upload(
        station, world.station_a, upload(world.station_a, 2, [lock_record(other)])
    )
    assert (ack.stored, ack.rejected) == (0, 1)
    assert [a["kind"] for a in _anomalies(office, admin)] == ["sequence_reuse"]


def test_station_events_are_stored_once_per_outbox_index(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    records = [
        station_record(world.key_a1, clock.now, StationReason.SYNC_OK, 1),
        station_record(world.key_a2, clock.now, StationReason.WRONG_CODE, 1),
    ]
    body = upload(world.station_a, 40, records)
    assert office.ingest_upload(station, world.station_a, body).stored == 2
    ack = office.ingest_upload(station, world.station_a, body)
    assert (ack.stored, ack.duplicates, ack.acked_through) == (0, 2, 41)
    assert _count(office, SyncEvent) == 2
    with pytest.raises(Forbidden):
        office.ingest_upload(station, world.station_b, body)


def test_a_reflashed_station_starting_its_outbox_again_loses_nothing(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    before = [station_record(world.key_a1, clock.now, StationReason.SYNC_OK, 1)]
    assert office.ingest_upload(station, world.station_a, upload(world.station_a, 1, before))
    # Reflashed: a new epoch, its numbering from 1 again, other events at the same numbers.
    after = [
        station_record(0, clock.now + 600, StationReason.BOOT, 0x0200),
        station_record(world.key_a1, clock.now + 700, StationReason.WRONG_CODE, 1),
    ]
    body = upload(world.station_a, 1, after, epoch=0x1234)
    assert office.ingest_upload(station, world.station_a, body).stored == 2
    assert office.ingest_upload(station, world.station_a, body).duplicates == 2
    assert _count(office, SyncEvent) == 3
    assert _anomalies(office, admin, kind="outbox_index_reused") == []  # nothing odd: an epoch


def test_another_event_at_a_held_outbox_index_is_kept_and_flagged(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    # The same epoch and index with other content (a flash copied from a station, or
    # firmware from before epochs reflashed): stored, never acknowledged away unseen.
    first = [station_record(world.key_a1, clock.now, StationReason.SYNC_OK, 1)]
    office.ingest_upload(station, world.station_a, upload(world.station_a, 7, first))
    other = [station_record(world.key_a2, clock.now + 60, StationReason.KEY_BLOCKED, 0)]
    body = upload(world.station_a, 7, other)
    ack = office.ingest_upload(station, world.station_a, body)
    assert (ack.stored, ack.duplicates, ack.acked_through) == (1, 0, 7)
    assert office.ingest_upload(station, world.station_a, body).duplicates == 1  # and once only
    with office.site.sessions() as session:
        kept = session.execute(select(SyncEvent.outbox_index, SyncEvent.reason)).all()
    assert sorted(kept) == [(7, StationReason.SYNC_OK), (7, StationReason.KEY_BLOCKED)]
    [anomaly] = _anomalies(office, admin, kind="outbox_index_reused")
    assert anomaly["station_id"] == world.station_a and anomaly["key_id"] == world.key_a2
    health = {s.station_id: s for s in FollowUp(office).station_health(admin)}
    assert "outbox_index_reused" in health[world.station_a].flags
    assert "outbox_index_reused" not in health[world.station_b].flags


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (b"", "upload.malformed"),
        (b"SKUP\x01\x00\x01\x00", "upload.malformed"),
        (upload(1, 1, [])[:-1] + b"\x00\x00", "upload.malformed"),
        (upload(1, 1, []), "upload.empty"),
        (upload(2, 1, [station_record(0, 1, 13)]), "upload.other_station"),
        (upload(1, 0xFFFFFFFF, [station_record(0, 1, 13)] * 2), "upload.index_range"),
        (b"\x00" * (64 * 1024 + 1), "upload.too_large"),
    ],
)
def test_malformed_uploads_are_refused_with_a_reason(
    office: BackOffice, station: Actor, world: World, body: bytes, key: str
) -> None:
    with pytest.raises(Invalid) as refused:
        office.ingest_upload(station, world.station_a, body)
    assert refused.value.key == key
    assert " / " in refused.value.text


def test_uploaded_events_appear_in_the_activity_log(
    office: BackOffice, station: Actor, world: World, clock: Clock, admin: Actor
) -> None:
    office.ingest_upload(station, world.station_a, _batch(world, clock, 1, range(1, 3), 1))
    rows = office.search_activity(admin, ActivityQuery(customer_id=world.customer_a))
    assert [(r["lock_id"], r["staff_id"], r["outcome"]) for r in rows] == [
        (1, world.staff_a1, "OPENED"),
        (1, world.staff_a1, "OPENED"),
    ]
