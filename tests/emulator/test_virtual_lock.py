"""The virtual lock against the virtual key, step by step through SPEC.md section 13,
and the emulator's clocks.

Keys get their sets and blocklists the way a station gives them: HELLO as role 1,
then OBJ_BEGIN / OBJ_WRITE / OBJ_COMMIT (``station_write`` below). Signed records
come from tests/factories.py; expected MACs from protocol.records.audit_mac.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from emulator.station_board import VirtualStationBoard
from emulator.virtual_clock import DriftingClock, VirtualClock
from emulator.virtual_key import VirtualKey, sample_events
from emulator.virtual_lock import LOCK_KINDS, NO_ANSWER, NoAnswer, VirtualLock
from host.backoffice.service import LOCK_TYPES
from hw._port import TICKS_PERIOD
from protocol.constants import MsgType, ObjType, Outcome, Role, Status
from protocol.messages import (
    challenge_message,
    decode_message,
    decode_payload,
    encode_message,
    encode_payload,
)
from protocol.records import audit_mac, decode_record
from tests.factories import AUTHORITY, EPOCH, WINDOW, Signer, blocklist, seed, signed

LOCK_ID = 1001
KEY_ID = 501
SECRET = hashlib.sha256(b"lock 1001 secret").digest()
VALID_FROM = EPOCH - EPOCH % 86_400
VALID_UNTIL = VALID_FROM + WINDOW
INSIDE = VALID_FROM + 3_600


class Counter:
    """Deterministic, never repeating nonces."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, size: int) -> bytes:
        self.n += 1
        return hashlib.sha256(self.n.to_bytes(4, "little")).digest()[:size]


def permission_set(
    key_id: int = KEY_ID,
    key_public: bytes | None = None,
    lock_ids: list[int] | None = None,
    valid_from: int = VALID_FROM,
    valid_until: int = VALID_UNTIL,
    signer: Signer = AUTHORITY,
) -> bytes:
    return signed(
        "permission_set",
        {
            "format": 1,
            "flags": 0,
            "key_id": key_id,
            "key_public": key_public or key_for(key_id).key_public,
            "serial": 1,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "unit_id": 3,
            "authority_key_id": signer.key_id,
            "lock_ids": sorted(lock_ids if lock_ids is not None else [1000, LOCK_ID, 1002]),
        },
        signer,
    )


def key_for(key_id: int = KEY_ID, **options: Any) -> VirtualKey:
    return VirtualKey(key_id, seed(f"key {key_id}"), **options)


def station_write(key: VirtualKey, obj: ObjType, data: bytes) -> None:
    """What a station does to put a set or blocklist on a key (SPEC.md 5.3, 5.4, 6)."""
    seq = 0

    def ask(msg_type: MsgType, fields: dict[str, Any]) -> dict[str, Any]:
        nonlocal seq
        seq += 1
        reply = decode_message(
            key.handle(encode_message(msg_type, seq, encode_payload(msg_type, False, fields)))
        )
        assert reply["status"] == Status.OK, Status(reply["status"]).name
        return decode_payload(msg_type, True, reply["payload"])

    key.connect()
    ask(MsgType.HELLO, {"time": EPOCH, "role": Role.STATION, "max_payload": 512, "peer_id": 7})
    digest = hashlib.sha256(data).digest()
    ask(MsgType.OBJ_BEGIN, {"obj": obj, "size": len(data), "sha256": digest})
    for offset in range(0, len(data), 100):
        ask(MsgType.OBJ_WRITE, {"obj": obj, "offset": offset, "data": data[offset : offset + 100]})
    ask(MsgType.OBJ_COMMIT, {"obj": obj, "sha256": digest})
    key.disconnect()


def ready_key(key_id: int = KEY_ID, set_data: bytes | None = None, **options: Any) -> VirtualKey:
    key = key_for(key_id, **options)
    station_write(key, ObjType.PERMISSION_SET, set_data or permission_set(key_id))
    return key


def make_lock(
    clock: Any = None, lock_id: int = LOCK_ID, kind: str = "customer_door", **options: Any
) -> VirtualLock:
    return VirtualLock(
        lock_id,
        kind,
        {AUTHORITY.key_id: AUTHORITY.public},
        SECRET,
        clock or VirtualClock(INSIDE),
        nonce=Counter(),
        **options,
    )


def assert_genuine(events: list[dict[str, Any]], lock_id: int = LOCK_ID) -> None:
    for event in events:
        assert event["lock_id"] == lock_id
        assert event["mac"] == audit_mac(SECRET, {**event, "mac": bytes(16)})


# -- SPEC.md 13, one step at a time ----------------------------------------------------------


def test_a_valid_key_opens_and_carries_the_event_away() -> None:
    key, lock = ready_key(), make_lock()
    result = lock.try_open(key)
    assert (result.outcome, result.opened, result.key_id) == ("OPENED", True, KEY_ID)
    assert (result.delivered, result.pending, lock.openings) == (1, 0, 1)
    [event] = key.audit_events()
    assert event == result.events[0] == lock.events_log[0]
    assert (event["outcome"], event["key_id"], event["lock_seq"], event["time"]) == (
        Outcome.OPENED,
        KEY_ID,
        1,
        INSIDE,
    )
    assert_genuine([event])
    assert lock.pending_events == []


def test_a_key_without_a_set_is_no_set() -> None:
    key, lock = key_for(), make_lock()
    result = lock.try_open(key)
    assert (result.outcome, result.opened) == ("NO_SET", False)
    assert key.audit_events()[0]["outcome"] == Outcome.NO_SET


@pytest.mark.parametrize(
    "set_data",
    [
        permission_set(signer=Signer("an authority the lock does not know")),
        permission_set()[:-1] + bytes([permission_set()[-1] ^ 1]),  # signature altered
    ],
    ids=["unknown authority", "bad signature"],
)
def test_a_set_the_authority_did_not_sign_is_bad_set(set_data: bytes) -> None:
    key, lock = ready_key(set_data=set_data), make_lock()
    assert lock.try_open(key).outcome == "BAD_SET"
    assert key.audit_events()[0]["outcome"] == Outcome.BAD_SET


def test_an_altered_lock_list_breaks_the_signature() -> None:
    genuine = decode_record("permission_set", permission_set(lock_ids=[1000]))
    tampered = permission_set(lock_ids=[1000, LOCK_ID], signer=AUTHORITY)[:-64]
    key = ready_key(set_data=tampered + genuine["signature"])
    assert make_lock().try_open(key).outcome == "BAD_SET"


class Forger:
    """A device in front of a genuine key that rewrites some of its answers."""

    def __init__(self, key: VirtualKey, claim_id: int | None = None) -> None:
        self.key = key
        self.claim_id = claim_id
        self.challenge_signer: Signer | None = None
        self.nonces: list[bytes] = []

    def __call__(self, body: bytes) -> bytes:
        request = decode_message(body)
        reply = decode_message(self.key.handle(body))
        if request["type"] == MsgType.HELLO and self.claim_id is not None:
            info = decode_payload(MsgType.HELLO, True, reply["payload"])
            info["key_id"] = self.claim_id
            reply["payload"] = encode_payload(MsgType.HELLO, True, info)
        if request["type"] == MsgType.CHALLENGE:
            nonce = decode_payload(MsgType.CHALLENGE, False, request["payload"])["nonce"]
            self.nonces.append(nonce)
            if self.challenge_signer is not None:
                forged = self.challenge_signer.sign(
                    challenge_message(nonce, Role.LOCK, LOCK_ID, KEY_ID)
                )
                reply["payload"] = encode_payload(MsgType.CHALLENGE, True, {"signature": forged})
        return encode_message(reply["type"], reply["seq"], reply["payload"], True, reply["status"])


def test_a_set_of_another_key_is_auth_failed() -> None:
    # A device that says it is key 777 but presents key 501's set.
    forger = Forger(ready_key(), claim_id=777)
    result = make_lock().try_open(forger)
    assert (result.outcome, result.key_id) == ("AUTH_FAILED", 777)
    assert result.events[0]["key_id"] == 777


def test_a_copied_set_without_the_private_key_is_auth_failed() -> None:
    forger = Forger(ready_key())
    forger.challenge_signer = Signer("not the key's private key")
    result = make_lock().try_open(forger)
    assert result.outcome == "AUTH_FAILED"
    assert forger.key.audit_events()[0]["outcome"] == Outcome.AUTH_FAILED


def test_every_challenge_has_a_fresh_nonce() -> None:
    forger, lock = Forger(ready_key()), make_lock()
    assert lock.try_open(forger).opened
    assert lock.try_open(forger).opened
    assert len(forger.nonces) == 2 and forger.nonces[0] != forger.nonces[1]


def test_a_key_on_the_lock_s_blocklist_is_blocked() -> None:
    lock = make_lock(blocklist=blocklist([KEY_ID], version=3))
    result = lock.try_open(ready_key())
    assert (result.outcome, result.opened) == ("BLOCKED", False)
    assert lock.blocklist_version == 3 and KEY_ID in lock.blocked_keys


@pytest.mark.parametrize(
    ("now", "outcome"),
    [
        (VALID_FROM - 1, "NOT_YET_VALID"),
        (VALID_FROM, "OPENED"),
        (VALID_UNTIL - 1, "OPENED"),
        (VALID_UNTIL, "EXPIRED"),
    ],
)
def test_the_window_is_read_on_the_lock_s_clock(now: int, outcome: str) -> None:
    result = make_lock(VirtualClock(now)).try_open(ready_key())
    assert result.outcome == outcome
    assert result.events[0]["time"] == now


def test_a_lock_missing_from_the_set_is_not_in_set() -> None:
    result = make_lock(lock_id=4242).try_open(ready_key())
    assert result.outcome == "NOT_IN_SET"
    assert result.events[0]["lock_id"] == 4242


# -- the blocklist travels from keys to locks ----------------------------------------------


def test_a_newer_blocklist_is_adopted_and_recorded_first() -> None:
    key = ready_key()
    station_write(key, ObjType.BLOCKLIST, blocklist([9, 77], version=5))
    lock = make_lock(blocklist=blocklist([9], version=2))
    result = lock.try_open(key)
    assert [e["outcome"] for e in result.events] == [Outcome.BLOCKLIST_UPDATED, Outcome.OPENED]
    assert [e["lock_seq"] for e in key.audit_events()] == [1, 2]
    assert lock.blocklist_version == 5 and lock.blocked_keys == {9, 77}


def test_a_key_brings_the_blocklist_that_blocks_itself() -> None:
    key = ready_key()
    station_write(key, ObjType.BLOCKLIST, blocklist([KEY_ID], version=2))
    result = make_lock().try_open(key)
    assert [e["outcome"] for e in result.events] == [Outcome.BLOCKLIST_UPDATED, Outcome.BLOCKED]


def test_a_blocklist_that_does_not_verify_is_ignored() -> None:
    key = ready_key()
    forged = blocklist([], version=9, signer=Signer("a forger"))
    station_write(key, ObjType.BLOCKLIST, forged)
    lock = make_lock(blocklist=blocklist([KEY_ID], version=1))
    result = lock.try_open(key)
    assert [e["outcome"] for e in result.events] == [Outcome.BLOCKED]
    assert lock.blocklist_version == 1


def test_an_older_blocklist_on_the_key_is_not_read() -> None:
    key = ready_key()
    station_write(key, ObjType.BLOCKLIST, blocklist([], version=1))
    lock = make_lock(blocklist=blocklist([], version=4))
    reads: list[int] = []

    def send(body: bytes) -> bytes:
        request = decode_message(body)
        if request["type"] == MsgType.OBJ_STAT:
            reads.append(request["payload"][0])
        return key.handle(body)

    key.connect()
    assert lock.try_open(send).opened
    assert reads == [ObjType.PERMISSION_SET]


def test_a_lock_refuses_an_unsigned_blocklist_at_installation() -> None:
    with pytest.raises(ValueError, match="blocklist"):
        make_lock(blocklist=blocklist([], signer=Signer("a forger")))


# -- events: MAC, sequence, memory ---------------------------------------------------------


def test_lock_seq_is_gap_free_and_every_mac_verifies() -> None:
    clock = VirtualClock(INSIDE)
    lock = make_lock(clock, seq_start=40)
    keys = [ready_key(), key_for(502), ready_key(503, permission_set(503, lock_ids=[9]))]
    for _round in range(3):
        for key in keys:
            lock.try_open(key)
            clock.advance(60)
    assert [e["lock_seq"] for e in lock.events_log] == list(range(40, 49))
    assert_genuine(lock.events_log)
    assert [Outcome(e["outcome"]).name for e in lock.events_log[:3]] == [
        "OPENED",
        "NO_SET",
        "NOT_IN_SET",
    ]
    assert lock.next_seq == 49


def test_a_full_key_leaves_events_with_the_lock_for_the_next_key() -> None:
    lock = make_lock()
    full = ready_key(audit_capacity=1)
    full.preload_events(sample_events(KEY_ID, 1))
    first = lock.try_open(full)
    assert (first.outcome, first.delivered, first.pending) == ("OPENED", 0, 1)
    assert [e["lock_seq"] for e in lock.pending_events] == [1]
    second = lock.try_open(ready_key(502, permission_set(502)))
    assert (second.delivered, second.pending) == (2, 0)
    assert [e["lock_seq"] for e in lock.events_log] == [1, 2]
    assert lock.pending_events == []


def test_a_key_with_a_flat_battery_opens_but_cannot_take_the_event() -> None:
    key = ready_key()
    key.battery = 3  # under BATTERY_FLAT_PERCENT: reads work, writes are refused
    lock = make_lock()
    result = lock.try_open(key)
    assert (result.outcome, result.delivered, result.pending) == ("OPENED", 0, 1)
    assert key.audit_events() == []
    assert lock.try_open(ready_key(502, permission_set(502))).delivered == 2


def test_a_dead_key_gets_no_answer_and_no_event() -> None:
    key = ready_key()
    key.battery = 0
    lock = make_lock()
    result = lock.try_open(key)
    assert (result.outcome, result.opened, result.key_id) == (NO_ANSWER, False, None)
    assert lock.events_log == [] and lock.next_seq == 1


def test_a_key_pulled_before_the_decision_leaves_no_event() -> None:
    key = ready_key()
    key.pull_after_requests(2)  # HELLO and OBJ_STAT, then gone
    lock = make_lock()
    result = lock.try_open(key)
    assert (result.outcome, result.key_id, result.events) == (NO_ANSWER, KEY_ID, ())
    assert lock.next_seq == 1
    assert lock.try_open(key).opened  # presented again: a new session


def test_a_key_pulled_after_the_decision_leaves_the_event_pending() -> None:
    key = ready_key()
    # HELLO, OBJ_STAT, OBJ_READ, CHALLENGE: the answer to CHALLENGE arrives; AUDIT_APPEND is lost.
    key.pull_after_requests(5)
    lock = make_lock()
    result = lock.try_open(key)
    assert (result.outcome, result.delivered, result.pending) == ("OPENED", 0, 1)
    assert len(key.audit_events()) == 1  # the key stored it, but the lock never heard so


def test_a_lost_answer_is_retried_and_executed_once() -> None:
    key = ready_key()
    key.connect()
    dropped: list[int] = []

    def flaky(body: bytes) -> bytes:
        answer = key.handle(body)
        if body[1] not in dropped:
            dropped.append(body[1])
            return b""
        return answer

    result = make_lock().try_open(flaky)
    assert result.opened and result.delivered == 1
    assert len(key.audit_events()) == 1


def test_a_send_that_keeps_failing_is_no_answer() -> None:
    def gone(body: bytes) -> bytes:
        raise NoAnswer("pulled")

    assert make_lock().try_open(gone).outcome == NO_ANSWER


def test_the_state_survives_a_restart() -> None:
    clock = VirtualClock(INSIDE)
    lock = make_lock(clock, blocklist=blocklist([77], version=2))
    key = ready_key()
    key.battery = 3
    lock.try_open(key)
    saved = lock.saved_state()
    again = VirtualLock.from_saved(saved, [AUTHORITY.public], SECRET, clock)
    assert (again.next_seq, again.blocklist_version, again.pending_events) == (
        2,
        2,
        lock.pending_events,
    )
    assert again.try_open(ready_key(502, permission_set(502))).delivered == 2


def test_bad_construction_is_refused() -> None:
    keys = {AUTHORITY.key_id: AUTHORITY.public}
    clock = VirtualClock(INSIDE)
    with pytest.raises(ValueError, match="kind"):
        VirtualLock(1, "window", keys, SECRET, clock)
    with pytest.raises(ValueError, match="mac_secret"):
        VirtualLock(1, "key_box", keys, b"short", clock)
    with pytest.raises(ValueError, match="not that key's id"):
        VirtualLock(1, "key_box", {b"\x00" * 8: AUTHORITY.public}, SECRET, clock)
    with pytest.raises(ValueError, match="at least one"):
        VirtualLock(1, "key_box", [], SECRET, clock)
    with pytest.raises(ValueError, match="lock_id"):
        VirtualLock(0, "key_box", keys, SECRET, clock)


def test_lock_kinds_are_the_back_office_s_lock_types() -> None:
    assert LOCK_KINDS == LOCK_TYPES


# -- clocks --------------------------------------------------------------------------------


def test_a_lock_clock_drifting_fast_expires_a_set_the_world_still_holds_valid() -> None:
    world = VirtualClock(VALID_FROM)
    # 100 ppm fast, 30 s ahead at installation: after the ~36 h window, 13 s + 30 s ahead.
    lock_clock = DriftingClock(world, ppm=100, offset=30)
    lock = make_lock(lock_clock)
    world.advance(WINDOW - 20)
    assert world.now() < VALID_UNTIL <= lock_clock.now()
    assert lock.try_open(ready_key()).outcome == "EXPIRED"
    lock_clock.set(world.now())  # a technician sets the lock's clock
    assert lock.try_open(ready_key()).outcome == "OPENED"


def test_a_lock_clock_running_slow_sees_a_fresh_set_as_not_yet_valid() -> None:
    world = VirtualClock(VALID_FROM - 30 * 86_400)
    lock_clock = DriftingClock(world, ppm=-20)  # 1.7 s a day slow
    world.advance(30 * 86_400 + 30)  # 30 days later, 30 s into the window
    assert lock_clock.error() == -52
    assert world.now() >= VALID_FROM > lock_clock.now()
    assert make_lock(lock_clock).try_open(ready_key()).outcome == "NOT_YET_VALID"


def test_virtual_clock_advance_set_and_ticks() -> None:
    clock = VirtualClock(1_000)
    assert (clock.now(), clock.ticks_ms(), clock()) == (1_000, 0, 1_000)
    clock.advance(2.5)
    assert (clock.now(), clock.now_ms(), clock.ticks_ms()) == (1_002, 1_002_500, 2_500)
    clock.set(500)  # wall time jumps back; the monotonic counter does not
    assert (clock.now(), clock.ticks_ms()) == (500, 2_500)
    clock.sleep_ms(1_500)  # stopped: a wait moves virtual time
    assert (clock.now(), clock.ticks_ms()) == (501, 4_000)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set(-5)


def test_virtual_clock_ticks_wrap_like_a_boards(tmp_path: Path) -> None:
    clock = VirtualClock(1_000)
    assert clock.ticks_period == TICKS_PERIOD == 1 << 30  # 12.4 days, as on a board
    clock.advance(13 * 86_400)
    assert clock.ticks_ms() == 13 * 86_400_000 - TICKS_PERIOD
    assert clock.monotonic_ms() == 13 * 86_400_000  # the world's devices: no wrap
    small = VirtualClock(1_000, ticks_period=1 << 10, ticks_start=1_000)
    before = small.ticks_ms()
    small.sleep_ms(100)
    assert (before, small.ticks_ms()) == (1_000, 76)
    assert small.ticks_diff(small.ticks_ms(), before) == 100
    assert small.ticks_add(before, 100) == 76
    with pytest.raises(ValueError):
        VirtualClock(1_000, ticks_period=1_000)  # not a power of two
    with pytest.raises(ValueError):
        VirtualStationBoard("s", small, tmp_path)  # the drivers count with the board's period


def test_virtual_clock_runs_at_a_speed() -> None:
    real = [100.0]
    slept: list[float] = []
    clock = VirtualClock(10_000, speed=60.0, monotonic=lambda: real[0], sleep=slept.append)
    real[0] += 2.0  # two real seconds are two virtual minutes
    assert (clock.now(), clock.ticks_ms()) == (10_120, 120_000)
    clock.advance(3_600)  # fast-forward on top of running time
    assert clock.now() == 13_720
    clock.sleep_ms(6_000)  # running: waits in real time, scaled
    assert slept == [0.1]
    clock.set_speed(0)
    real[0] += 50.0
    assert clock.now() == 13_720 and not clock.running


def test_drifting_clock_rates_agree() -> None:
    world = VirtualClock(0)
    by_ppm = DriftingClock(world, ppm=-1e6 / 86_400)
    by_day = DriftingClock(world, seconds_per_day=-1.0)
    assert by_day.ppm == pytest.approx(by_ppm.ppm)
    world.advance(10.5 * 86_400)
    assert by_ppm.error() == by_day.error() == -11  # 10.5 s slow, rounded down
    assert by_day.now() == world.now() - 11
    by_day.set_drift(ppm=0)
    world.advance(86_400)
    assert by_day.error() == -11
    with pytest.raises(ValueError):
        DriftingClock(world, ppm=1, seconds_per_day=1)


def test_an_opened_lock_stays_open_until_it_is_locked_again_and_that_survives_a_restart() -> None:
    """Issue 12 (lesson 2): open, then lock again; locking needs no key and logs nothing."""
    clock = VirtualClock(INSIDE)
    lock = make_lock(clock)
    assert not lock.is_open and lock.lock_again() is False
    refused = lock.try_open(ready_key(set_data=permission_set(lock_ids=[LOCK_ID + 1])))
    assert refused.outcome == "NOT_IN_SET"  # refused: it stays locked
    assert not refused.opened and not lock.is_open
    assert lock.try_open(ready_key()).opened and lock.is_open
    events = len(lock.events_log)
    again = VirtualLock.from_saved(lock.saved_state(), [AUTHORITY.public], SECRET, clock)
    assert again.is_open
    assert again.lock_again() is True and not again.is_open
    assert len(again.events_log) == 0 and len(lock.events_log) == events  # no event for locking
    keys = [AUTHORITY.public]
    assert not VirtualLock.from_saved(again.saved_state(), keys, SECRET, clock).is_open
    old = {k: v for k, v in lock.saved_state().items() if k != "open"}  # saved before the bolt
    assert not VirtualLock.from_saved(old, keys, SECRET, clock).is_open
