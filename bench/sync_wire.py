"""Bytes on the contact key port for one sync, message by message as SPEC.md prescribes.

The sequence is the station's session: HELLO, CHALLENGE, the permission set
written in chunks and committed, the blocklist likewise, the audit batch
stat-ed and read in chunks, AUDIT_ACK. Every request and response is encoded
and framed with the reference codec, so the figure follows the spec exactly.
"""

from __future__ import annotations

import hashlib

from protocol.constants import MAX_PAYLOAD, MsgType, ObjType
from protocol.framing import encode_frame
from protocol.messages import encode_message, encode_payload

AUDIT_BATCH_HEAD = 16
AUDIT_EVENT = 36
PERMISSION_SET_HEAD = 132
BLOCKLIST_HEAD = 88
WRITE_HEAD = 8  # obj, reserved, offset
READ_HEAD = 4  # offset


def _exchange(msg_type: MsgType, request: dict[str, object], response: dict[str, object]) -> int:
    req = encode_message(msg_type, 1, encode_payload(msg_type, False, request))
    resp = encode_message(msg_type, 1, encode_payload(msg_type, True, response), response=True)
    return len(encode_frame(req)) + len(encode_frame(resp))


def _write_object(obj: ObjType, size: int) -> int:
    digest = hashlib.sha256(bytes(size)).digest()
    total = _exchange(MsgType.OBJ_BEGIN, {"obj": obj, "size": size, "sha256": digest}, {"have": 0})
    chunk = MAX_PAYLOAD - WRITE_HEAD
    for offset in range(0, size, chunk):
        data = bytes(min(chunk, size - offset))
        total += _exchange(
            MsgType.OBJ_WRITE,
            {"obj": obj, "offset": offset, "data": data},
            {"have": offset + len(data)},
        )
    commit_response = {"active_slot": 1} if obj == ObjType.PERMISSION_SET else {}
    total += _exchange(MsgType.OBJ_COMMIT, {"obj": obj, "sha256": digest}, commit_response)
    return total


def _read_object(obj: ObjType, size: int) -> int:
    digest = hashlib.sha256(bytes(size)).digest()
    total = _exchange(MsgType.OBJ_STAT, {"obj": obj}, {"size": size, "sha256": digest})
    chunk = MAX_PAYLOAD - READ_HEAD
    for offset in range(0, size, chunk):
        data = bytes(min(chunk, size - offset))
        total += _exchange(
            MsgType.OBJ_READ,
            {"obj": obj, "max_len": chunk, "offset": offset},
            {"offset": offset, "data": data},
        )
    return total


def typical_sync_bytes(locks: int = 40, events: int = 200, blocked: int = 50) -> int:
    key_info = {
        "key_id": 1,
        "firmware": 0x0100,
        "max_payload": MAX_PAYLOAD,
        "active_slot": 0,
        "slot_a": 1,
        "slot_b": 1,
        "battery": 90,
        "set_serial": 1,
        "valid_from": 1,
        "valid_until": 2,
        "lock_count": locks,
        "audit_count": events,
        "audit_capacity": 1000,
        "last_error": 0,
        "flags": 0,
        "blocklist_version": 1,
        "audit_next_seq": events + 1,
    }
    total = _exchange(
        MsgType.HELLO, {"time": 1, "role": 1, "max_payload": MAX_PAYLOAD, "peer_id": 7}, key_info
    )
    total += _exchange(MsgType.CHALLENGE, {"nonce": bytes(32)}, {"signature": bytes(64)})
    total += _write_object(ObjType.PERMISSION_SET, PERMISSION_SET_HEAD + 4 * locks)
    total += _write_object(ObjType.BLOCKLIST, BLOCKLIST_HEAD + 4 * blocked)
    total += _read_object(ObjType.AUDIT_BATCH, AUDIT_BATCH_HEAD + AUDIT_EVENT * events)
    total += _exchange(MsgType.AUDIT_ACK, {"through_seq": events}, {"remaining": 0})
    return total
