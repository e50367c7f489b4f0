"""emulator.virtual_key: every message a key serves, as protocol/SPEC.md sections 3, 5 and 6 say.

Requests are built with the reference codec and the expected bytes of what the
key signs are written out from SPEC 5.2's table, not taken from the key's code.
`Requester` is shared with the wire and card tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.virtual_key import (
    BATTERY_FLAT_PERCENT,
    KeyDead,
    KeyStorageFull,
    VirtualKey,
    sample_events,
    virtual_pin_secret,
)
from protocol import pin_secret
from protocol.constants import MsgType, ObjType, Role, SlotState, Status
from protocol.messages import (
    decode_error,
    decode_message,
    decode_payload,
    encode_message,
    encode_payload,
)
from protocol.records import decode_record, encode_record
from tests.factories import AUTHORITY, EPOCH, Signer, blocklist, seed, signed

KEY_ID = 4242
OTHER_ID = 4243
STATION_ID = 7

Fields = dict[str, Any]


def permission_set(
    key_id: int = KEY_ID, serial: int = 1, locks: int = 3, public: bytes | None = None
) -> bytes:
    return signed(
        "permission_set",
        {
            "format": 1,
            "flags": 0,
            "key_id": key_id,
            "key_public": public if public is not None else Signer(f"key {key_id}").public,
            "serial": serial,
            "valid_from": EPOCH,
            "valid_until": EPOCH + 86_400,
            "unit_id": 3,
            "authority_key_id": AUTHORITY.key_id,
            "lock_ids": list(range(100, 100 + locks)),
        },
        AUTHORITY,
    )


def make_key(**options: Any) -> VirtualKey:
    return VirtualKey(KEY_ID, seed(f"key {KEY_ID}"), **options)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class Requester:
    """A station's requests to a key, each with a new seq; `raw` returns the body too."""

    def __init__(self, send: Any) -> None:
        self.send = send  # body -> response body
        self.seq = 0

    def body(self, msg_type: int, fields: Fields, seq: int | None = None) -> bytes:
        if seq is None:
            self.seq = (self.seq + 1) & 0xFFFF
            seq = self.seq
        return encode_message(msg_type, seq, encode_payload(msg_type, False, fields))

    def call(self, msg_type: int, fields: Fields | None = None) -> tuple[int, Fields]:
        return parse_response(self.send(self.body(msg_type, fields or {})), msg_type)

    def hello(self, role: int = Role.STATION, peer_id: int = STATION_ID, **kw: Any) -> Fields:
        fields = {"time": EPOCH, "role": role, "max_payload": 512, "peer_id": peer_id, **kw}
        status, info = self.call(MsgType.HELLO, fields)
        assert status == Status.OK, info
        return info

    def write(self, obj: int, data: bytes, chunk: int = 504) -> tuple[int, Fields]:
        status, answer = self.call(
            MsgType.OBJ_BEGIN, {"obj": obj, "size": len(data), "sha256": sha(data)}
        )
        assert status == Status.OK, answer
        offset = answer["have"]
        while offset < len(data):
            part = {"obj": obj, "offset": offset, "data": data[offset : offset + chunk]}
            status, answer = self.call(MsgType.OBJ_WRITE, part)
            assert status == Status.OK, answer
            offset = answer["have"]
        return self.call(MsgType.OBJ_COMMIT, {"obj": obj, "sha256": sha(data)})

    def read(self, obj: int, chunk: int = 500) -> bytes:
        status, stat = self.call(MsgType.OBJ_STAT, {"obj": obj})
        assert status == Status.OK, stat
        data = b""
        while len(data) < stat["size"]:
            status, part = self.call(
                MsgType.OBJ_READ, {"obj": obj, "max_len": chunk, "offset": len(data)}
            )
            assert status == Status.OK and part["offset"] == len(data), part
            assert part["data"]
            data += part["data"]
        assert sha(data) == stat["sha256"]
        return data


def parse_response(body: bytes, msg_type: int | None = None) -> tuple[int, Fields]:
    message = decode_message(body)
    assert message["flags"] & 1, "RESPONSE flag"
    assert bool(message["flags"] & 2) == (message["status"] != 0)
    if msg_type is not None:
        assert message["type"] == msg_type
    if message["status"]:
        return message["status"], decode_error(message["payload"])
    return 0, decode_payload(message["type"], True, message["payload"])


def session(key: VirtualKey | None = None, **hello: Any) -> tuple[VirtualKey, Requester]:
    key = key or make_key()
    station = Requester(key.handle)
    station.hello(**hello)
    return key, station


# --- session, header, errors (SPEC 3, 5) ------------------------------------------------


def test_hello_answers_key_info() -> None:
    key = make_key(audit_capacity=300, battery=80, firmware=0x0203, max_payload=256)
    info = Requester(key.handle).hello()
    assert info == {
        "key_id": KEY_ID,
        "firmware": 0x0203,
        "max_payload": 256,
        "active_slot": 0xFF,
        "slot_a": 0,
        "slot_b": 0,
        "battery": 80,
        "set_serial": 0,
        "valid_from": 0,
        "valid_until": 0,
        "lock_count": 0,
        "audit_count": 0,
        "audit_capacity": 300,
        "last_error": 0,
        "flags": 0,
        "blocklist_version": 0,
        "audit_next_seq": 1,
    }
    assert key.key_public == Signer(f"key {KEY_ID}").public


REQUESTS: dict[MsgType, Fields] = {
    MsgType.CHALLENGE: {"nonce": bytes(32)},
    MsgType.SET_BAUD: {"baud": 230400},
    MsgType.OBJ_BEGIN: {"obj": 1, "size": 10, "sha256": bytes(32)},
    MsgType.OBJ_WRITE: {"obj": 1, "offset": 0, "data": b"x"},
    MsgType.OBJ_COMMIT: {"obj": 1, "sha256": bytes(32)},
    MsgType.OBJ_STAT: {"obj": 1},
    MsgType.OBJ_READ: {"obj": 1, "max_len": 10, "offset": 0},
    MsgType.AUDIT_ACK: {"through_seq": 1},
    MsgType.AUDIT_APPEND: {"event": sample_events(KEY_ID, 1)[0]},
    MsgType.DIAG: {},
}


@pytest.mark.parametrize("msg_type", list(REQUESTS), ids=lambda t: t.name)
def test_everything_but_hello_is_bad_state_before_hello(msg_type: MsgType) -> None:
    key = make_key()
    status, _error = Requester(key.handle).call(msg_type, REQUESTS[msg_type])
    assert status == Status.BAD_STATE
    assert key.requests == 1 and key.audit_events() == [] and key.active_slot == 0xFF
    assert key.last_error == Status.BAD_STATE


@pytest.mark.parametrize("msg_type", [0x05, 0x40, 0x52, 0x60, 0x99, 0xFF])
def test_unknown_type(msg_type: int) -> None:
    key, _ = session()
    body = encode_message(msg_type, 77, b"\x01\x02")
    message = decode_message(key.handle(body))
    assert (message["type"], message["seq"], message["status"]) == (msg_type, 77, 2)
    assert decode_error(message["payload"])["detail"] == msg_type


def test_unknown_version_answers_with_version_1() -> None:
    key = make_key()
    body = bytearray(encode_message(MsgType.HELLO, 9, bytes(12)))
    body[0] = 2
    message = decode_message(key.handle(bytes(body)))
    assert message["version"] == 1
    assert (message["type"], message["seq"]) == (MsgType.HELLO, 9)
    assert message["status"] == Status.UNSUPPORTED_VERSION
    error = decode_error(message["payload"])
    assert error["detail"] == 1 and "1" in error["text"]


MALFORMED_CASES = [
    ("hello too short", MsgType.HELLO, bytes(11), 12),
    ("hello too long", MsgType.HELLO, bytes(13), 12),
    ("challenge short", MsgType.CHALLENGE, bytes(31), 32),
    ("set_baud long", MsgType.SET_BAUD, bytes(5), 4),
    ("obj_begin", MsgType.OBJ_BEGIN, bytes(39), 40),
    ("obj_write without data", MsgType.OBJ_WRITE, bytes([1, 0, 0, 0, 0, 0, 0, 0]), 9),
    ("obj_commit", MsgType.OBJ_COMMIT, bytes(35), 36),
    ("obj_stat", MsgType.OBJ_STAT, bytes(5), 4),
    ("obj_read", MsgType.OBJ_READ, bytes(7), 8),
    ("audit_ack", MsgType.AUDIT_ACK, bytes(3), 4),
    ("audit_append", MsgType.AUDIT_APPEND, bytes(35), 36),
    ("audit event format", MsgType.AUDIT_APPEND, bytes([2]) + bytes(35), 0),
    ("diag with payload", MsgType.DIAG, b"\x00", 0),
]


@pytest.mark.parametrize("case", MALFORMED_CASES, ids=lambda c: c[0])
def test_malformed_payloads(case: tuple[str, int, bytes, int]) -> None:
    _name, msg_type, payload, detail = case
    key, _ = session()
    before = key.audit_entries()
    status, error = parse_response(key.handle(encode_message(msg_type, 50, payload)), msg_type)
    assert (status, error["detail"]) == (Status.MALFORMED, detail)
    assert key.audit_entries() == before


def test_malformed_headers() -> None:
    key, _ = session()
    hello = encode_payload(
        MsgType.HELLO, False, {"time": 1, "role": 1, "max_payload": 512, "peer_id": 1}
    )
    body = bytearray(encode_message(MsgType.HELLO, 3, hello))
    body[4] = 1  # RESPONSE flag on a request
    assert parse_response(key.handle(bytes(body)))[1]["detail"] == 4
    body[4], body[5] = 0, 3  # a status in a request
    assert parse_response(key.handle(bytes(body)))[1]["detail"] == 5
    body[5], body[6] = 0, 13  # length says 13, 12 follow
    status, error = parse_response(key.handle(bytes(body)))
    assert (status, error["detail"]) == (Status.MALFORMED, 6)
    short = key.handle(b"\x01\x01\x05\x00")
    assert decode_message(short)["status"] == Status.MALFORMED
    assert decode_message(short)["seq"] == 5
    bad_role = encode_payload(
        MsgType.HELLO, False, {"time": 1, "role": 9, "max_payload": 512, "peer_id": 1}
    )
    status, error = parse_response(key.handle(encode_message(MsgType.HELLO, 4, bad_role)))
    assert (status, error["detail"]) == (Status.MALFORMED, 4)


def test_payload_over_the_keys_max_is_too_large() -> None:
    _key, station = session(make_key(max_payload=64))
    status, error = station.call(MsgType.OBJ_BEGIN, {"obj": 1, "size": 100, "sha256": bytes(32)})
    assert status == Status.OK
    status, error = station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": bytes(57)})
    assert (status, error["detail"]) == (Status.TOO_LARGE, 64)
    assert station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": bytes(56)})[1] == {
        "have": 56
    }


def test_last_error_is_the_last_refusal() -> None:
    _key, station = session()
    station.call(MsgType.OBJ_STAT, {"obj": 1})  # NOT_FOUND
    station.call(MsgType.DIAG)
    assert station.hello()["last_error"] == Status.NOT_FOUND
    assert station.call(MsgType.DIAG)[1]["last_error"] == Status.NOT_FOUND


def test_disconnect_ends_the_session_not_the_storage() -> None:
    key, station = session()
    station.write(ObjType.PERMISSION_SET, permission_set())
    key.disconnect()
    assert not key.in_session
    assert station.call(MsgType.DIAG)[0] == Status.BAD_STATE
    key.connect()
    assert station.hello()["set_serial"] == 1


# --- CHALLENGE (5.2) and SET_BAUD (5.9) -------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    nonce=st.binary(min_size=32, max_size=32),
    role=st.sampled_from([1, 2, 3]),
    peer_id=st.integers(1, 0xFFFF_FFFF),
)
def test_challenge_signature_verifies(nonce: bytes, role: int, peer_id: int) -> None:
    _key, station = session(role=role, peer_id=peer_id)
    status, answer = station.call(MsgType.CHALLENGE, {"nonce": nonce})
    assert status == Status.OK
    signed_bytes = b"synk-auth-v1" + nonce + struct.pack("<BII", role, peer_id, KEY_ID)
    assert len(signed_bytes) == 53
    public = Ed25519PublicKey.from_public_bytes(Signer(f"key {KEY_ID}").public)
    public.verify(answer["signature"], signed_bytes)
    other_peer = b"synk-auth-v1" + nonce + struct.pack("<BII", role, peer_id ^ 1, KEY_ID)
    with pytest.raises(InvalidSignature):
        public.verify(answer["signature"], other_peer)


def test_pin_proof_only_after_this_sessions_challenge() -> None:
    """SPEC 5.11: the key's HMAC of the derived code, under a pin_secret it never sends."""
    secret = bytes(range(32))
    key, station = session(make_key(pin_secret=secret))
    derived = bytes(range(16))
    status, error = station.call(MsgType.PIN_PROOF, {"derived": derived})
    assert (status, error["detail"]) == (Status.BAD_STATE, 0)
    station.call(MsgType.CHALLENGE, {"nonce": bytes(32)})
    status, answer = station.call(MsgType.PIN_PROOF, {"derived": derived})
    assert status == Status.OK
    mac = hmac.new(secret, b"synk-pin-v1" + derived, hashlib.sha256).digest()
    assert answer["proof"] == mac[:16] == pin_secret.proof(secret, derived)
    assert key.pin_proofs == 1
    station.hello()  # a new session: a new CHALLENGE first
    status, _ = station.call(MsgType.PIN_PROOF, {"derived": derived})
    assert status == Status.BAD_STATE


def test_pin_proof_payload_is_16_bytes_and_secret_32() -> None:
    _key, station = session()
    station.call(MsgType.CHALLENGE, {"nonce": bytes(32)})
    short = encode_message(MsgType.PIN_PROOF, 77, bytes(15))
    status, error = parse_response(station.send(short), MsgType.PIN_PROOF)
    assert (status, error["detail"]) == (Status.MALFORMED, 16)
    with pytest.raises(ValueError, match="pin_secret"):
        make_key(pin_secret=bytes(31))
    # Without one given, a virtual key's secret follows from its seed (a rebuilt site).
    assert make_key().pin_secret == virtual_pin_secret(seed(f"key {KEY_ID}"))


def test_set_baud() -> None:
    key, station = session()
    assert station.call(MsgType.SET_BAUD, {"baud": 921600}) == (0, {})
    assert key.take_baud_change() == 921600
    assert key.take_baud_change() is None
    status, error = station.call(MsgType.SET_BAUD, {"baud": 9600})
    assert (status, error["detail"]) == (Status.UNSUPPORTED, 921600)
    assert key.take_baud_change() is None
    _slow, station = session(make_key(max_baud=230400))
    status, error = station.call(MsgType.SET_BAUD, {"baud": 460800})
    assert (status, error["detail"]) == (Status.UNSUPPORTED, 230400)
    assert station.call(MsgType.SET_BAUD, {"baud": 230400}) == (0, {})


def test_replayed_set_baud_arms_the_switch_again() -> None:
    key, station = session()
    body = station.body(MsgType.SET_BAUD, {"baud": 460800})
    first = key.handle(body)
    assert key.take_baud_change() == 460800
    assert key.handle(body) == first
    assert key.take_baud_change() == 460800


# --- permission sets (5.3, 6) ---------------------------------------------------------------


def test_set_goes_to_the_inactive_slot_and_switches_on_commit() -> None:
    key, station = session()
    first, second = permission_set(serial=1), permission_set(serial=2, locks=40)
    assert station.write(ObjType.PERMISSION_SET, first) == (0, {"active_slot": 0})
    assert key.active_slot == 0 and key.slots[0].data == first
    assert key.active_set() == decode_record("permission_set", first)
    info = station.hello()
    assert (info["active_slot"], info["slot_a"], info["slot_b"]) == (0, 1, 0)
    assert (info["set_serial"], info["lock_count"]) == (1, 3)
    assert (info["valid_from"], info["valid_until"]) == (EPOCH, EPOCH + 86_400)

    begin = {"obj": 1, "size": len(second), "sha256": sha(second)}
    assert station.call(MsgType.OBJ_BEGIN, begin) == (0, {"have": 0})
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": second[:100]})
    info = station.hello()
    assert (info["active_slot"], info["slot_a"], info["slot_b"]) == (0, 1, 2)
    assert info["set_serial"] == 1
    assert key.slots[1].state == SlotState.INCOMPLETE and key.slots[1].data == second[:100]
    assert station.read(ObjType.PERMISSION_SET) == first  # the incomplete slot is never shown
    assert station.write(ObjType.PERMISSION_SET, second) == (0, {"active_slot": 1})
    assert station.read(ObjType.PERMISSION_SET) == second
    assert station.hello()["lock_count"] == 40
    assert [slot.state for slot in key.slots] == [SlotState.VALID, SlotState.VALID]
    third = permission_set(serial=3)
    assert station.write(ObjType.PERMISSION_SET, third) == (0, {"active_slot": 0})


@st.composite
def lossy_writes(draw: st.DrawFn) -> tuple[int, list[tuple[str, int]]]:
    locks = draw(st.integers(0, 300))
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["ok", "ok", "ok", "lost", "repeat", "ahead", "behind", "rebegin"]),
                st.integers(1, 504),
            ),
            max_size=40,
        )
    )
    return locks, steps


@settings(max_examples=40, deadline=None)
@given(lossy_writes())
def test_set_in_random_chunks_with_lost_and_repeated_chunks_commits(
    case: tuple[int, list[tuple[str, int]]],
) -> None:
    locks, steps = case
    key, station = session()
    station.write(ObjType.PERMISSION_SET, permission_set(serial=1))
    data = permission_set(serial=2, locks=locks)
    begin = {"obj": 1, "size": len(data), "sha256": sha(data)}
    status, answer = station.call(MsgType.OBJ_BEGIN, begin)
    offset = answer["have"]
    for fate, size in [*steps, *[("ok", 504)] * (len(data) // 504 + 2)]:
        if offset >= len(data) and fate == "ok":
            break
        if fate == "lost":
            continue
        if fate == "rebegin":
            status, answer = station.call(MsgType.OBJ_BEGIN, begin)
            assert status == 0 and answer["have"] == offset
            continue
        at = {"ahead": offset + size, "behind": max(0, offset - size)}.get(fate, offset)
        at = min(at, len(data))
        chunk = data[at : at + size]
        if not chunk:
            continue
        write = station.body(MsgType.OBJ_WRITE, {"obj": 1, "offset": at, "data": chunk})
        reply = key.handle(write)
        if fate == "repeat":
            assert key.handle(write) == reply
        status, answer = parse_response(reply)
        if at > offset:
            assert (status, answer["detail"]) == (Status.OUT_OF_ORDER, offset)
        else:
            assert status == 0
            offset = answer["have"]
        assert key.active_slot == 0
    status, answer = station.call(MsgType.OBJ_COMMIT, {"obj": 1, "sha256": sha(data)})
    assert (status, answer) == (0, {"active_slot": 1})
    assert key.active_set() == decode_record("permission_set", data)


def test_pulled_mid_write_keeps_the_old_set_and_resumes() -> None:
    key, station = session()
    old, new = permission_set(serial=1), permission_set(serial=2, locks=200)
    station.write(ObjType.PERMISSION_SET, old)
    key.pull_after_requests(3)  # OBJ_BEGIN and two chunks: the last answer never comes
    begin = {"obj": 1, "size": len(new), "sha256": sha(new)}
    assert key.answer(station.body(MsgType.OBJ_BEGIN, begin)) is not None
    for offset in (0, 100):
        part = {"obj": 1, "offset": offset, "data": new[offset : offset + 100]}
        reply = key.answer(station.body(MsgType.OBJ_WRITE, part))
    assert reply is None and key.pulled and not key.in_session
    assert key.answer(station.body(MsgType.DIAG, {})) is None
    key.connect()
    info = station.hello()
    assert (info["active_slot"], info["set_serial"], info["slot_b"]) == (0, 1, 2)
    assert key.active_set() == decode_record("permission_set", old)
    assert station.call(MsgType.OBJ_BEGIN, begin) == (0, {"have": 200})
    assert station.write(ObjType.PERMISSION_SET, new) == (0, {"active_slot": 1})


def test_chunk_rules() -> None:
    _key, station = session(make_key(set_capacity=1000))
    data = permission_set(locks=50)
    big = {"obj": 1, "size": 1001, "sha256": sha(bytes(1001))}
    assert station.call(MsgType.OBJ_BEGIN, big) == (
        Status.TOO_LARGE,
        {"detail": 1000, "text": "1001 bytes, capacity 1000"},
    )
    status, error = station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": b"x"})
    assert (status, error["detail"]) == (Status.BAD_STATE, 0)
    begin = {"obj": 1, "size": len(data), "sha256": sha(data)}
    station.call(MsgType.OBJ_BEGIN, begin)
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": data[:50]})
    status, error = station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 51, "data": b"x"})
    assert (status, error["detail"]) == (Status.OUT_OF_ORDER, 50)
    past = {"obj": 1, "offset": len(data) - 1, "data": b"xy"}
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 50, "data": data[50:]})
    status, error = station.call(MsgType.OBJ_WRITE, past)
    assert (status, error["detail"]) == (Status.TOO_LARGE, len(data))
    # a different object starts afresh
    other = permission_set(serial=9)
    assert station.call(
        MsgType.OBJ_BEGIN, {"obj": 1, "size": len(other), "sha256": sha(other)}
    ) == (0, {"have": 0})
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": other[:10]})
    status, error = station.call(MsgType.OBJ_COMMIT, {"obj": 1, "sha256": sha(other)})
    assert (status, error["detail"]) == (Status.BAD_STATE, 10)


def test_hash_mismatch_discards_the_transfer() -> None:
    key, station = session()
    data = permission_set()
    begin = {"obj": 1, "size": len(data), "sha256": sha(data)}
    station.call(MsgType.OBJ_BEGIN, begin)
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": data})
    status, _ = station.call(MsgType.OBJ_COMMIT, {"obj": 1, "sha256": sha(b"other")})
    assert status == Status.HASH_MISMATCH
    assert key.active_slot == 0xFF and key.slots[0].state == SlotState.INCOMPLETE
    assert station.call(MsgType.OBJ_BEGIN, begin) == (0, {"have": 0})
    corrupt = bytearray(data)
    corrupt[70] ^= 1  # the bytes written differ from OBJ_BEGIN's hash
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": bytes(corrupt)})
    status, _ = station.call(MsgType.OBJ_COMMIT, {"obj": 1, "sha256": sha(data)})
    assert status == Status.HASH_MISMATCH
    assert station.hello()["active_slot"] == 0xFF


def test_a_set_for_another_key_is_refused() -> None:
    _key, station = session()
    station.write(ObjType.PERMISSION_SET, permission_set(serial=1))
    status, error = station.write(ObjType.PERMISSION_SET, permission_set(key_id=OTHER_ID))
    assert (status, error["detail"]) == (Status.KEY_MISMATCH, OTHER_ID)
    wrong_public = permission_set(public=Signer("someone else").public, serial=5)
    assert station.write(ObjType.PERMISSION_SET, wrong_public)[0] == Status.KEY_MISMATCH
    info = station.hello()
    assert (info["active_slot"], info["slot_b"], info["set_serial"]) == (0, 2, 1)


def test_a_committed_object_that_is_no_record_is_malformed() -> None:
    key, station = session()
    data = bytearray(permission_set())
    data[4] = 2  # format
    status, error = station.write(ObjType.PERMISSION_SET, bytes(data))
    assert (status, error["detail"]) == (Status.MALFORMED, 4)
    status, error = station.write(ObjType.BLOCKLIST, b"SKBL" + bytes(40))
    assert status == Status.MALFORMED
    assert key.active_slot == 0xFF and key.blocklist is None


def test_object_types_the_key_does_not_write_or_have() -> None:
    _key, station = session()
    status, error = station.call(MsgType.OBJ_BEGIN, {"obj": 3, "size": 16, "sha256": bytes(32)})
    assert (status, error["detail"]) == (Status.UNSUPPORTED, 3)
    status, error = station.call(MsgType.OBJ_WRITE, {"obj": 7, "offset": 0, "data": b"x"})
    assert (status, error["detail"]) == (Status.UNSUPPORTED, 7)
    for obj in (1, 2, 7):
        assert station.call(MsgType.OBJ_STAT, {"obj": obj})[0] == Status.NOT_FOUND
    read = {"obj": 3, "max_len": 10, "offset": 0}
    assert station.call(MsgType.OBJ_READ, read)[0] == Status.NOT_FOUND  # no snapshot yet


def test_read_limits() -> None:
    key, station = session(max_payload=100)
    data = permission_set(locks=200)
    station.write(ObjType.PERMISSION_SET, data, chunk=92)
    read = {"obj": 1, "max_len": 500, "offset": 0}
    assert len(station.call(MsgType.OBJ_READ, read)[1]["data"]) == 96  # the HELLO's 100
    status, answer = station.call(MsgType.OBJ_READ, {**read, "max_len": 7, "offset": 10})
    assert answer == {"offset": 10, "data": data[10:17]}
    assert station.call(MsgType.OBJ_READ, {**read, "offset": len(data)})[1]["data"] == b""
    status, error = station.call(MsgType.OBJ_READ, {**read, "offset": len(data) + 1})
    assert (status, error["detail"]) == (Status.OUT_OF_ORDER, len(data))
    assert len(key.handle(station.body(MsgType.OBJ_READ, read), 64)) == 8 + 64
    assert station.read(ObjType.PERMISSION_SET, chunk=33) == data


# --- blocklist (5.4) --------------------------------------------------------------------------


def test_blocklist_only_newer_versions() -> None:
    key, station = session()
    v2 = blocklist([5, 6], version=2)
    assert station.write(ObjType.BLOCKLIST, v2) == (0, {})
    assert key.blocklist == v2 and key.blocklist_version == 2
    assert station.hello()["blocklist_version"] == 2
    for stale in (blocklist([5], version=1), blocklist([5, 6, 7], version=2)):
        status, error = station.write(ObjType.BLOCKLIST, stale)
        assert (status, error["detail"]) == (Status.STALE, 2)
        assert key.blocklist == v2
    v3 = blocklist(list(range(1, 1001)), version=3)
    assert station.write(ObjType.BLOCKLIST, v3) == (0, {})
    assert station.read(ObjType.BLOCKLIST) == v3
    assert station.hello()["blocklist_version"] == 3


def test_set_and_blocklist_transfers_are_separate() -> None:
    _key, station = session()
    data, bl = permission_set(), blocklist([1], version=4)
    station.call(MsgType.OBJ_BEGIN, {"obj": 1, "size": len(data), "sha256": sha(data)})
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": data[:20]})
    assert station.write(ObjType.BLOCKLIST, bl) == (0, {})
    assert station.call(MsgType.OBJ_BEGIN, {"obj": 1, "size": len(data), "sha256": sha(data)}) == (
        0,
        {"have": 20},
    )


# --- audit trail (5.5-5.7) ---------------------------------------------------------------


def test_audit_snapshot_read_and_ack() -> None:
    key = make_key()
    events = sample_events(KEY_ID, 5)
    assert key.preload_events(events) == [1, 2, 3, 4, 5]
    key, station = session(key)
    assert station.hello()["audit_count"] == 5
    batch = decode_record("audit_batch", station.read(ObjType.AUDIT_BATCH, chunk=50))
    assert batch["first_seq"] == 1 and batch["key_id"] == KEY_ID
    assert batch["events"] == events
    late = sample_events(KEY_ID, 1, lock_id=200)[0]
    assert station.call(MsgType.AUDIT_APPEND, {"event": late}) == (0, {"count": 6})
    read = {"obj": 3, "max_len": 500, "offset": 0}
    snapshot = station.call(MsgType.OBJ_READ, read)[1]["data"]
    assert decode_record("audit_batch", snapshot) == batch  # unchanged by the append
    assert station.call(MsgType.AUDIT_ACK, {"through_seq": 3}) == (0, {"remaining": 3})
    assert key.audit_events() == [*events[3:], late]
    assert station.call(MsgType.OBJ_READ, read)[0] == Status.NOT_FOUND  # the ack ends it
    batch = decode_record("audit_batch", station.read(ObjType.AUDIT_BATCH))
    assert batch["first_seq"] == 4 and len(batch["events"]) == 3
    info = station.hello()
    assert (info["audit_count"], info["audit_next_seq"]) == (3, 7)
    assert station.call(MsgType.AUDIT_ACK, {"through_seq": 6}) == (0, {"remaining": 0})
    empty = decode_record("audit_batch", station.read(ObjType.AUDIT_BATCH))
    assert empty["events"] == [] and empty["first_seq"] == 7


def test_audit_append_until_full() -> None:
    key, station = session(make_key(audit_capacity=3), role=Role.LOCK, peer_id=100)
    events = sample_events(KEY_ID, 4)
    for count, event in enumerate(events[:3], 1):
        assert station.call(MsgType.AUDIT_APPEND, {"event": event}) == (0, {"count": count})
    status, error = station.call(MsgType.AUDIT_APPEND, {"event": events[3]})
    assert (status, error["detail"]) == (Status.STORAGE_FULL, 3)
    assert key.audit_events() == events[:3]
    with pytest.raises(KeyStorageFull):
        key.record_event(events[3])
    assert encode_record("audit_event", events[0]) == key.audit_entries()[0][1]


# --- replays (3) ----------------------------------------------------------------------------


def test_a_replayed_request_is_answered_again_not_executed_again() -> None:
    key, station = session()
    event = sample_events(KEY_ID, 1)[0]
    append = station.body(MsgType.AUDIT_APPEND, {"event": event})
    first = key.handle(append)
    assert key.handle(append) == first
    assert len(key.audit_events()) == 1
    fresh = station.body(MsgType.AUDIT_APPEND, {"event": event})  # same payload, new seq
    assert parse_response(key.handle(fresh))[1] == {"count": 2}
    ack = station.body(MsgType.AUDIT_ACK, {"through_seq": 1})
    assert parse_response(key.handle(ack))[1] == {"remaining": 1}
    key.record_event(event)
    assert key.handle(ack) == encode_message(
        MsgType.AUDIT_ACK, station.seq, b"\x01\x00", response=True
    )
    assert len(key.audit_events()) == 2  # event 3 survived the replayed ack

    one, two = permission_set(serial=1), permission_set(serial=2)
    station.write(ObjType.PERMISSION_SET, one)
    begin = {"obj": 1, "size": len(two), "sha256": sha(two)}
    station.call(MsgType.OBJ_BEGIN, begin)
    station.call(MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": two})
    commit = station.body(MsgType.OBJ_COMMIT, {"obj": 1, "sha256": sha(two)})
    requests = key.requests
    assert parse_response(key.handle(commit))[1] == {"active_slot": 1}
    assert parse_response(key.handle(commit))[1] == {"active_slot": 1}
    assert key.requests == requests + 1 and key.active_slot == 1


def test_a_replayed_error_is_the_same_error() -> None:
    key, station = session()
    body = station.body(MsgType.OBJ_STAT, {"obj": 1})
    first = key.handle(body)
    key.handle(body)
    assert key.requests == 2  # HELLO and one OBJ_STAT
    assert parse_response(first)[0] == Status.NOT_FOUND


# --- DIAG (5.8), battery ----------------------------------------------------------------------


def test_diag() -> None:
    now = [1000.0]
    key, station = session(make_key(battery=50, monotonic=lambda: now[0]))
    key.crc_errors = 70_000
    now[0] += 3600.5
    station.call(MsgType.AUDIT_APPEND, {"event": sample_events(KEY_ID, 1)[0]})
    status, diag = station.call(MsgType.DIAG)
    assert status == 0
    assert diag == {
        "uptime_s": 3600,
        "write_cycles": key.write_cycles,
        "battery_mv": 2500,
        "temperature_c": 21,
        "last_error": 0,
        "crc_errors": 0xFFFF,
    }
    assert diag["write_cycles"] >= 1


def test_flat_battery_refuses_writes_and_still_reads() -> None:
    key = make_key()
    key.preload_events(sample_events(KEY_ID, 2))
    key, station = session(key)
    station.write(ObjType.PERMISSION_SET, permission_set())
    key.battery = BATTERY_FLAT_PERCENT
    info = station.hello()
    assert info["flags"] & 1 and info["battery"] == BATTERY_FLAT_PERCENT
    data = permission_set(serial=2)
    writes = [
        (MsgType.OBJ_BEGIN, {"obj": 1, "size": len(data), "sha256": sha(data)}),
        (MsgType.OBJ_WRITE, {"obj": 1, "offset": 0, "data": data}),
        (MsgType.OBJ_COMMIT, {"obj": 1, "sha256": sha(data)}),
        (MsgType.AUDIT_ACK, {"through_seq": 2}),
        (MsgType.AUDIT_APPEND, {"event": sample_events(KEY_ID, 1)[0]}),
    ]
    for msg_type, fields in writes:
        status, error = station.call(msg_type, fields)
        assert (status, error["detail"]) == (Status.BATTERY_LOW, BATTERY_FLAT_PERCENT)
    assert station.read(ObjType.PERMISSION_SET) == permission_set()
    assert len(decode_record("audit_batch", station.read(ObjType.AUDIT_BATCH))["events"]) == 2
    assert station.call(MsgType.CHALLENGE, {"nonce": bytes(32)})[0] == Status.OK
    key.battery = BATTERY_FLAT_PERCENT + 1
    assert station.hello()["flags"] == 0
    assert station.call(MsgType.AUDIT_ACK, {"through_seq": 2}) == (0, {"remaining": 0})


def test_dead_battery_answers_nothing() -> None:
    key, station = session()
    key.battery = 0
    body = station.body(MsgType.DIAG, {})
    assert key.answer(body) is None
    with pytest.raises(KeyDead):
        key.handle(body)


def test_bad_construction() -> None:
    with pytest.raises(ValueError):
        VirtualKey(0, bytes(32))
    with pytest.raises(ValueError):
        VirtualKey(1, bytes(31))
    with pytest.raises(ValueError):
        VirtualKey(1, bytes(32), max_payload=600)
    with pytest.raises(ValueError):
        make_key().pull_after_requests(0)


def test_saved_state_restores_the_whole_storage() -> None:
    from tests.factories import seed as _seed

    key = VirtualKey(77, _seed("saved key"))
    key.preload_events(sample_events(77, 3))
    saved = key.saved_state()
    again = VirtualKey(77, _seed("saved key"))
    again.restore(json.loads(json.dumps(saved)))
    assert again.saved_state() == saved
    assert again.audit_events() == key.audit_events()
    assert again.key_info() == key.key_info()
    other = VirtualKey(78, _seed("saved key"))
    try:
        other.restore(saved)
    except ValueError as exc:
        assert "not of 78" in str(exc)
    else:
        raise AssertionError("another key's storage was taken")
