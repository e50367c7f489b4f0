"""Writes the golden vectors, protocol/vectors/*.json, deterministically.

    python -m protocol.vectors_generate           # rewrite the files
    python -m protocol.vectors_generate --check   # exit 1 if they differ

Run it after a deliberate change to the wire format and review the diff:
the tests check the committed files, not this script, so an accidental codec
change cannot slip through by regenerating. Signatures are real Ed25519
signatures made from fixed seeds (the RFC 8032 section 7.1 test keys), MACs
real HMACs with fixed lock secrets; the seeds and secrets are written into
the files so that anyone can verify them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol import constants as k
from protocol import pin_secret
from protocol.constants import MsgType, ObjType, Outcome, Role, StationReason, Status
from protocol.errors import ProtocolError
from protocol.framing import cobs_encode, crc32, decode_frame, encode_frame
from protocol.messages import (
    challenge_message,
    decode_payload,
    encode_error,
    encode_message,
    encode_payload,
)
from protocol.records import (
    audit_mac,
    authority_key_id,
    decode_record,
    encode_record,
    rebuild_permission_set,
)
from protocol.vectors import BYTES_FIELDS, CONVENTION, VECTOR_DIR, to_json

# RFC 8032 section 7.1: TEST 1 signs as the authority, TEST 2, TEST 3 and
# TEST SHA(abc) are the keys' own Ed25519 keys.
AUTHORITY_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
KEY_SEEDS = {
    1001: bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
    1002: bytes.fromhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"),
    1003: bytes.fromhex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"),
}
LOCK_SECRETS = {2001: bytes(range(32)), 2004: bytes(range(32, 64))}
KEY_CODES = {1001: "123456", 1002: "654321", 1003: "000042"}
# Each key's pin_secret (5.11): SHA-256 of "synk vector pin secret <key id>".
KEY_PIN_SECRETS = {
    key_id: hashlib.sha256(b"synk vector pin secret %d" % key_id).digest() for key_id in KEY_SEEDS
}

STATION_ID, UNIT_ID, TECHNICIAN_ID = 42, 7, 501
HOUR, DAY = 3600, 86400
# 2025-03-03 00:00 Europe/Stockholm (CET, UTC+1): day 0 of the golden bundle.
DAY0 = int(datetime(2025, 3, 2, 23, 0, tzinfo=UTC).timestamp())
NOW = DAY0 + 8 * HOUR + 15 * 60
CODE_ITERATIONS = 10_000
BUNDLE_SERIAL = 314


def _private(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key(seed: bytes) -> bytes:
    return _private(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(seed: bytes, message: bytes) -> bytes:
    return _private(seed).sign(message)


AUTHORITY_KEY_ID = authority_key_id(public_key(AUTHORITY_SEED))


def _signed(
    kind: str, fields: dict[str, Any], signed_length: Callable[[bytes], int]
) -> dict[str, Any]:
    """`fields` with a real authority signature over the bytes it covers."""
    unsigned = encode_record(kind, {**fields, "signature": bytes(k.SIGNATURE_SIZE)})
    return {**fields, "signature": sign(AUTHORITY_SEED, unsigned[: signed_length(unsigned)])}


def _all_but_signature(data: bytes) -> int:
    return len(data) - k.SIGNATURE_SIZE


def permission_set(
    key_id: int, serial: int, valid_from: int, valid_until: int, lock_ids: list[int]
) -> dict[str, Any]:
    return _signed(
        "permission_set",
        {
            "format": 1,
            "flags": 0,
            "key_id": key_id,
            "key_public": public_key(KEY_SEEDS[key_id]),
            "serial": serial,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "unit_id": UNIT_ID,
            "authority_key_id": AUTHORITY_KEY_ID,
            "lock_ids": lock_ids,
        },
        _all_but_signature,
    )


def blocklist(version: int, issued_at: int, key_ids: list[int]) -> dict[str, Any]:
    return _signed(
        "blocklist",
        {
            "format": 1,
            "flags": 0,
            "version": version,
            "issued_at": issued_at,
            "authority_key_id": AUTHORITY_KEY_ID,
            "key_ids": key_ids,
        },
        _all_but_signature,
    )


def service_token(
    station_id: int, permissions: int, not_before: int, hours: int, serial: int = 1
) -> dict[str, Any]:
    return _signed(
        "service_token",
        {
            "format": 1,
            "serial": serial,
            "station_id": station_id,
            "technician_id": TECHNICIAN_ID,
            "permissions": permissions,
            "not_before": not_before,
            "not_after": not_before + hours * HOUR,
            "authority_key_id": AUTHORITY_KEY_ID,
        },
        _all_but_signature,
    )


def audit_event(
    lock_id: int,
    key_id: int,
    time: int,
    lock_seq: int,
    outcome: Outcome,
    blocklist_version: int = 6,
) -> dict[str, Any]:
    event = {
        "format": 1,
        "outcome": int(outcome),
        "blocklist_version": blocklist_version,
        "lock_id": lock_id,
        "key_id": key_id,
        "time": time,
        "lock_seq": lock_seq,
    }
    return {**event, "mac": audit_mac(LOCK_SECRETS[lock_id], event)}


def _day_window(day: int) -> tuple[int, int]:
    start = DAY0 + day * DAY
    return start, start + 36 * HOUR  # 00:00 of day d to 12:00 of day d + 1


def code_salt(key_id: int) -> bytes:
    return hashlib.sha256(b"synk code salt %d" % key_id).digest()[:16]


def pin_proof_case(key_id: int, code: str) -> dict[str, Any]:
    """One worked PIN_PROOF (5.11): the station's derived code and the key's proof of it."""
    salt = code_salt(key_id)
    derived = pin_secret.derive(code, salt, CODE_ITERATIONS)
    return {
        "key_id": key_id,
        "code": code,
        "code_salt": salt.hex(),
        "code_iterations": CODE_ITERATIONS,
        "derived": derived.hex(),
        "proof": pin_secret.proof(KEY_PIN_SECRETS[key_id], derived).hex(),
        "right": code == KEY_CODES[key_id],
    }


WRONG_CODE_1001 = "123457"


def bundle(
    keys: list[tuple[int, str, int, list[int | None]]],
    lock_lists: list[list[int]],
    blocked: dict[str, Any],
    days: int = k.BUNDLE_DAYS,
) -> dict[str, Any]:
    """A signed bundle. `keys`: (key id, display name, serial base, lock list per day or None)."""
    key_entries, sets = [], []
    for key_id, name, serial_base, per_day in keys:
        salt = code_salt(key_id)
        verifier = pin_secret.verifier(
            KEY_CODES[key_id], salt, CODE_ITERATIONS, KEY_PIN_SECRETS[key_id]
        )
        key_entries.append(
            {
                "key_id": key_id,
                "flags": 0,
                "key_public": public_key(KEY_SEEDS[key_id]),
                "code_salt": salt,
                "code_verifier": verifier,
                "display_name": name,
            }
        )
        row = []
        for day, lock_list in enumerate(per_day):
            if lock_list is None:
                row.append(
                    {
                        "serial": 0,
                        "valid_from": 0,
                        "valid_until": 0,
                        "lock_list": 0,
                        "signature": bytes(k.SIGNATURE_SIZE),
                    }
                )
                continue
            valid_from, valid_until = _day_window(day)
            row.append(
                {
                    "serial": serial_base + day,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "lock_list": lock_list,
                    "signature": bytes(k.SIGNATURE_SIZE),
                }
            )
        sets.append(row)
    issued_at = DAY0 + 5 * HOUR
    fields: dict[str, Any] = {
        "format": 1,
        "flags": 0,
        "unit_id": UNIT_ID,
        "station_id": STATION_ID,
        "serial": BUNDLE_SERIAL,
        "issued_at": issued_at,
        "offline_until": issued_at + 8 * DAY,
        "day0_start": DAY0,
        "days": days,
        "code_iterations": CODE_ITERATIONS,
        "authority_key_id": AUTHORITY_KEY_ID,
        "signature": bytes(k.SIGNATURE_SIZE),
        "lock_lists": lock_lists,
        "keys": key_entries,
        "sets": sets,
        "blocklist": encode_record("blocklist", blocked),
    }
    for key_index, row in enumerate(sets):
        for day, entry in enumerate(row):
            if entry["valid_until"]:
                unsigned = rebuild_permission_set(fields, key_index, day)[: -k.SIGNATURE_SIZE]
                entry["signature"] = sign(AUTHORITY_SEED, unsigned)
    return _signed("bundle", fields, lambda data: k.BUNDLE_SIGNED_SIZE)


# ---------------------------------------------------------------- the objects

LOCKS_40 = [2001 + 3 * i for i in range(40)]
SET_40 = permission_set(1001, 5000, *_day_window(0), LOCKS_40)
SET_EMPTY = permission_set(1003, 5100, *_day_window(1), [])
SET_3 = permission_set(1002, 5008, *_day_window(0), [2001, 2004, 2007])
BLOCKLIST_EMPTY = blocklist(1, DAY0 - 30 * DAY, [])
BLOCKLIST_2 = blocklist(12, DAY0 - 2 * DAY, [1099, 1200])
BLOCKLIST_50 = blocklist(13, DAY0 - DAY, [1100 + 7 * i for i in range(50)])
EVENT_OPENED = audit_event(2001, 1001, NOW - 20 * 60, 17, Outcome.OPENED)
EVENT_REFUSED = audit_event(2004, 1001, NOW - 15 * 60, 3, Outcome.NOT_IN_SET)
EVENT_BLOCKLIST = audit_event(2001, 1001, NOW - 10 * 60, 18, Outcome.BLOCKLIST_UPDATED, 7)
AUDIT_BATCH = {
    "format": 1,
    "flags": 0,
    "key_id": 1001,
    "first_seq": 15,
    "events": [EVENT_OPENED, EVENT_REFUSED, EVENT_BLOCKLIST],
}
TOKEN_ALL = service_token(STATION_ID, 7, DAY0 + 7 * HOUR, 12)
TOKEN_CLOCK_ANY = service_token(0, int(k.TokenPermission.SET_CLOCK), DAY0, 24, serial=2)
# A token works once per station (SPEC.md 8.5): each command below has its own.
TOKEN_ALL_2 = service_token(STATION_ID, 7, DAY0 + 7 * HOUR, 12, serial=3)
TOKEN_ALL_3 = service_token(STATION_ID, 7, DAY0 + 7 * HOUR, 12, serial=4)
TOKEN_MAINTENANCE = service_token(
    STATION_ID, int(k.TokenPermission.MAINTENANCE), DAY0 + 7 * HOUR, 12, serial=5
)
LOCK_EVENT_RECORD = {"kind": 1, "event": EVENT_OPENED, "received_at": NOW}
SYNC_RECORD = {
    "kind": 2,
    "key_id": 1001,
    "time": NOW + 5,
    "reason": int(StationReason.SYNC_OK),
    "detail": 5000,
}
WRONG_CODE_RECORD = {
    "kind": 2,
    "key_id": 1002,
    "time": NOW + 70,
    "reason": int(StationReason.WRONG_CODE),
    "detail": 2,
}
BOOT_RECORD = {
    "kind": 2,
    "key_id": 0,
    "time": DAY0 + 4 * HOUR,
    "reason": int(StationReason.BOOT),
    "detail": 0,
}
UPLOAD = {
    "format": 1,
    "flags": 0,
    "station_id": STATION_ID,
    "first_index": 40,
    "outbox_epoch": 0x5EED0001,
    "records": [LOCK_EVENT_RECORD, SYNC_RECORD, WRONG_CODE_RECORD],
}
BUNDLE = bundle(
    [
        (1001, "Anna L", 5000, [0] * 8),
        (1002, "Märta Holmqvist", 5008, [1, 1, 1, 1, 1, 1, None, None]),
        (1003, "Åsa B", 5016, [0, 1, 0, 1, 0, 1, 0, 1]),
    ],
    [[2001, 2002, 2003, 2004, 2005], [2001, 2003]],
    BLOCKLIST_2,
)
BUNDLE_EMPTY = bundle([], [], BLOCKLIST_EMPTY)
KEY_INFO = {
    "key_id": 1001,
    "firmware": 0x0102,
    "max_payload": 512,
    "active_slot": 0,
    "slot_a": 1,
    "slot_b": 0,
    "battery": 87,
    "set_serial": 5000,
    "valid_from": SET_40["valid_from"],
    "valid_until": SET_40["valid_until"],
    "lock_count": 40,
    "audit_count": 3,
    "audit_capacity": 256,
    "last_error": 0,
    "flags": 0,
    "blocklist_version": 12,
    "audit_next_seq": 18,
}
KEY_INFO_EMPTY = {
    "key_id": 1003,
    "firmware": 0x0100,
    "max_payload": 232,
    "active_slot": 0xFF,
    "slot_a": 0,
    "slot_b": 2,
    "battery": 9,
    "set_serial": 0,
    "valid_from": 0,
    "valid_until": 0,
    "lock_count": 0,
    "audit_count": 0,
    "audit_capacity": 256,
    "last_error": int(Status.BATTERY_LOW),
    "flags": 1,
    "blocklist_version": 0,
    "audit_next_seq": 1,
}
NONCE = hashlib.sha256(b"synk golden nonce").digest()


# ------------------------------------------------------------------ vectors


def record(name: str, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    data = encode_record(kind, fields)
    return {
        "name": name,
        "kind": kind,
        "hex": data.hex(),
        "fields": to_json(decode_record(kind, data)),
    }


def payload(name: str, msg_type: MsgType, response: bool, fields: dict[str, Any]) -> dict[str, Any]:
    data = encode_payload(msg_type, response, fields)
    return {
        "name": name,
        "msg_type": int(msg_type),
        "response": response,
        "hex": data.hex(),
        "fields": to_json(decode_payload(msg_type, response, data)),
    }


def exchange(
    name: str, msg_type: MsgType, request: dict[str, Any], response: dict[str, Any]
) -> list[dict[str, Any]]:
    return [
        payload(f"{name}: request", msg_type, False, request),
        payload(f"{name}: response", msg_type, True, response),
    ]


def message(
    name: str, msg_type: int, seq: int, body: bytes, response: bool = False, status: int = 0
) -> dict[str, Any]:
    data = encode_message(msg_type, seq, body, response=response, status=status)
    flags = (k.FLAG_RESPONSE if response else 0) | (k.FLAG_ERROR if status else 0)
    fields = {
        "version": 1,
        "type": msg_type,
        "seq": seq,
        "flags": flags,
        "status": status,
        "payload": body,
    }
    return {"name": name, "kind": "message", "hex": data.hex(), "fields": to_json(fields)}


def error_detail(name: str, detail: int, text: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "error_detail",
        "hex": encode_error(detail, text).hex(),
        "fields": {"detail": detail, "text": text},
    }


def refused(
    name: str,
    data: bytes,
    field: str,
    kind: str | None = None,
    msg_type: MsgType | None = None,
    response: bool = False,
) -> dict[str, Any]:
    where: dict[str, Any] = (
        {"kind": kind} if kind else {"msg_type": int(msg_type or 0), "response": response}
    )
    return {"name": name, **where, "hex": data.hex(), "rejects_field": field}


def _framing() -> list[dict[str, Any]]:
    crcs = [
        ("CRC catalogue check value: ASCII 123456789", b"123456789"),
        ("empty input", b""),
        ("one zero byte", b"\x00"),
        (
            "ASCII 'The quick brown fox jumps over the lazy dog'",
            b"The quick brown fox jumps over the lazy dog",
        ),
    ]
    vectors = [
        {
            "name": f"crc32: {name}",
            "kind": "crc32",
            "hex": data.hex(),
            "fields": {"crc32": crc32(data)},
        }
        for name, data in crcs
    ]
    cobs_examples = [
        ("00", "0101"),
        ("0000", "010101"),
        ("001100", "01021101"),
        ("11220033", "0311220233"),
        ("11223344", "0511223344"),
        ("11000000", "0211010101"),
        (bytes(range(1, 255)).hex(), "ff" + bytes(range(1, 255)).hex()),
        (bytes(range(0, 255)).hex(), "01ff" + bytes(range(1, 255)).hex()),
        (bytes(range(1, 256)).hex(), "ff" + bytes(range(1, 255)).hex() + "02ff"),
        (bytes(range(2, 256)).hex() + "00", "ff" + bytes(range(2, 256)).hex() + "0101"),
        (bytes(range(3, 256)).hex() + "0001", "fe" + bytes(range(3, 256)).hex() + "0201"),
    ]
    for number, (decoded, encoded) in enumerate(cobs_examples, 1):
        size = len(decoded) // 2
        short = decoded if size <= 4 else f"{size} bytes {decoded[:4]}..{decoded[-4:]}"
        vectors.append(
            {
                "name": f"cobs: Wikipedia example {number} ({short})",
                "kind": "cobs",
                "hex": encoded,
                "fields": {"data": decoded},
            }
        )
    hello = encode_payload(
        MsgType.HELLO, False, {"time": NOW, "role": 1, "max_payload": 512, "peer_id": STATION_ID}
    )
    frames = [
        ("frame: HELLO request, seq 1", encode_message(MsgType.HELLO, 1, hello)),
        (
            "frame: DIAG request, empty payload (8-byte body, smallest frame)",
            encode_message(MsgType.DIAG, 2, b""),
        ),
        (
            "frame: KEY_INFO response",
            encode_message(
                MsgType.HELLO, 1, encode_payload(MsgType.HELLO, True, KEY_INFO), response=True
            ),
        ),
        (
            "frame: OBJ_WRITE of 504 bytes (512-byte payload, largest frame)",
            encode_message(
                MsgType.OBJ_WRITE,
                0x1234,
                encode_payload(
                    MsgType.OBJ_WRITE,
                    False,
                    {"obj": 1, "offset": 0, "data": bytes((i % 255) + 1 for i in range(504))},
                ),
            ),
        ),
        (
            "frame: body full of zeros",
            encode_message(MsgType.OBJ_READ, 0, bytes(504), response=True)[:8] + bytes(504),
        ),
    ]
    for name, body in frames:
        vectors.append(
            {
                "name": name,
                "kind": "frame",
                "hex": encode_frame(body).hex(),
                "fields": {"body": body.hex()},
            }
        )
    # Rule 3 of section 2: a body over 520 bytes is discarded even with a correct CRC
    # (the collection, 528 bytes, is still under the limit).
    too_long = struct.pack("<BBHBBH", 1, MsgType.OBJ_WRITE, 0x1235, 0, 0, 513) + b"\x11" * 513
    block = cobs_encode(too_long + crc32(too_long).to_bytes(k.CRC_SIZE, "little"))
    assert len(block) <= k.MAX_ENCODED_FRAME
    vectors.append(
        refused("frame: 513-byte payload with a correct CRC", block + b"\x00", "frame", "frame")
    )
    return vectors


def _header() -> list[dict[str, Any]]:
    hello = encode_payload(
        MsgType.HELLO, False, {"time": NOW, "role": 1, "max_payload": 512, "peer_id": STATION_ID}
    )
    return [
        message("HELLO request, seq 1", MsgType.HELLO, 1, hello),
        message(
            "KEY_INFO response to it",
            MsgType.HELLO,
            1,
            encode_payload(MsgType.HELLO, True, KEY_INFO),
            response=True,
        ),
        message("DIAG request, empty payload, seq 65535", MsgType.DIAG, 0xFFFF, b""),
        message("SET_BAUD response OK, empty payload", MsgType.SET_BAUD, 7, b"", response=True),
        message(
            "error response: UNKNOWN_TYPE for type 0x7f",
            0x7F,
            9,
            encode_error(0x7F, "unknown type 0x7f"),
            response=True,
            status=Status.UNKNOWN_TYPE,
        ),
        message(
            "error response: BAD_STATE before HELLO",
            MsgType.OBJ_STAT,
            3,
            encode_error(0, "no HELLO yet"),
            response=True,
            status=Status.BAD_STATE,
        ),
    ]


def _key_protocol() -> list[dict[str, Any]]:
    challenge_signature = sign(
        KEY_SEEDS[1001], challenge_message(NONCE, Role.STATION, STATION_ID, 1001)
    )
    return [
        *exchange(
            "HELLO from station 42, key 1001 with a 40-lock set",
            MsgType.HELLO,
            {"time": NOW, "role": int(Role.STATION), "max_payload": 512, "peer_id": STATION_ID},
            KEY_INFO,
        ),
        *exchange(
            "HELLO from lock 2001 over NFC, key 1003 without a set",
            MsgType.HELLO,
            {
                "time": NOW,
                "role": int(Role.LOCK),
                "max_payload": k.NFC_MAX_PAYLOAD,
                "peer_id": 2001,
            },
            KEY_INFO_EMPTY,
        ),
        *exchange(
            "CHALLENGE from station 42 to key 1001, signed by key 1001",
            MsgType.CHALLENGE,
            {"nonce": NONCE},
            {"signature": challenge_signature},
        ),
        *exchange("SET_BAUD to 921600", MsgType.SET_BAUD, {"baud": 921600}, {}),
        *[
            vector
            for case in (
                pin_proof_case(1001, KEY_CODES[1001]),
                pin_proof_case(1001, WRONG_CODE_1001),
            )
            for vector in exchange(
                f"PIN_PROOF from station 42 to key 1001, code {case['code']}"
                + (
                    " (the right one: the proof is the bundle's code_verifier)"
                    if case["right"]
                    else " (wrong)"
                ),
                MsgType.PIN_PROOF,
                {"derived": bytes.fromhex(case["derived"])},
                {"proof": bytes.fromhex(case["proof"])},
            )
        ],
        *exchange(
            "AUDIT_ACK through key sequence 17",
            MsgType.AUDIT_ACK,
            {"through_seq": 17},
            {"remaining": 1},
        ),
        *exchange(
            "AUDIT_APPEND from lock 2001 (MAC with lock 2001's secret)",
            MsgType.AUDIT_APPEND,
            {"event": EVENT_OPENED},
            {"count": 4},
        ),
        *exchange(
            "DIAG, below freezing",
            MsgType.DIAG,
            {},
            {
                "uptime_s": 3 * DAY + 17,
                "write_cycles": 1234,
                "battery_mv": 2950,
                "temperature_c": -7,
                "last_error": int(Status.OUT_OF_ORDER),
                "crc_errors": 2,
            },
        ),
    ]


def _objects() -> list[dict[str, Any]]:
    set_bytes = encode_record("permission_set", SET_40)
    blocklist_bytes = encode_record("blocklist", BLOCKLIST_2)
    batch = encode_record("audit_batch", AUDIT_BATCH)
    set_hash = hashlib.sha256(set_bytes).digest()
    return [
        *exchange(
            "OBJ_BEGIN of the 292-byte permission set",
            MsgType.OBJ_BEGIN,
            {"obj": int(ObjType.PERMISSION_SET), "size": len(set_bytes), "sha256": set_hash},
            {"have": 0},
        ),
        payload(
            "OBJ_BEGIN response: resuming after 224 bytes", MsgType.OBJ_BEGIN, True, {"have": 224}
        ),
        *exchange(
            "OBJ_WRITE first NFC-sized chunk (224 bytes)",
            MsgType.OBJ_WRITE,
            {"obj": 1, "offset": 0, "data": set_bytes[:224]},
            {"have": 224},
        ),
        *exchange(
            "OBJ_WRITE last chunk (68 bytes)",
            MsgType.OBJ_WRITE,
            {"obj": 1, "offset": 224, "data": set_bytes[224:]},
            {"have": 292},
        ),
        *exchange(
            "OBJ_COMMIT of the permission set: slot B becomes active",
            MsgType.OBJ_COMMIT,
            {"obj": 1, "sha256": set_hash},
            {"active_slot": 1},
        ),
        *exchange(
            "OBJ_COMMIT of a blocklist: empty answer",
            MsgType.OBJ_COMMIT,
            {"obj": int(ObjType.BLOCKLIST), "sha256": hashlib.sha256(blocklist_bytes).digest()},
            {},
        ),
        *exchange(
            "OBJ_STAT of the audit snapshot (3 events)",
            MsgType.OBJ_STAT,
            {"obj": int(ObjType.AUDIT_BATCH)},
            {"size": len(batch), "sha256": hashlib.sha256(batch).digest()},
        ),
        *exchange(
            "OBJ_READ of the whole snapshot",
            MsgType.OBJ_READ,
            {"obj": 3, "max_len": 504, "offset": 0},
            {"offset": 0, "data": batch},
        ),
        *exchange(
            "OBJ_READ at the end: no data",
            MsgType.OBJ_READ,
            {"obj": 3, "max_len": 504, "offset": len(batch)},
            {"offset": len(batch), "data": b""},
        ),
    ]


def _service_console() -> list[dict[str, Any]]:
    token = encode_record("service_token", TOKEN_ALL)
    token_2 = encode_record("service_token", TOKEN_ALL_2)
    token_3 = encode_record("service_token", TOKEN_ALL_3)
    bundle_bytes = encode_record("bundle", BUNDLE)
    log = (
        f"120 {DAY0 + 4 * HOUR} I boot\n"
        f"121 {DAY0 + 5 * HOUR} I bundle {BUNDLE_SERIAL} installed\n"
        f"122 {NOW + 70} W wrong code for key 1002 (Märta)\n"
    )
    return [
        *exchange(
            "SVC_STATUS",
            MsgType.SVC_STATUS,
            {},
            {
                "station_id": STATION_ID,
                "unit_id": UNIT_ID,
                "firmware": 0x0103,
                "online": 1,
                "last_error": 0,
                "clock": NOW + 90,
                "bundle_serial": BUNDLE_SERIAL,
                "bundle_issued": BUNDLE["issued_at"],
                "offline_until": BUNDLE["offline_until"],
                "outbox_records": 3,
                "outbox_bytes": 78,
                "flash_free": 1_400_000,
                "last_upload": NOW - HOUR,
                "uptime_s": 4 * HOUR + 90,
                "crc_errors": 1,
                "key_present": 1,
                "flags": 0,
            },
        ),
        *exchange(
            "SVC_CACHE_INFO",
            MsgType.SVC_CACHE_INFO,
            {},
            {
                "bundle_serial": BUNDLE_SERIAL,
                "bundle_size": len(bundle_bytes),
                "header_sha256": hashlib.sha256(bundle_bytes[: k.BUNDLE_HEADER_SIZE]).digest(),
                "keys": 3,
                "lock_lists": 2,
                "days": 8,
                "blocklist_version": 12,
                "day0_start": DAY0,
            },
        ),
        *exchange(
            "SVC_OUTBOX_INFO",
            MsgType.SVC_OUTBOX_INFO,
            {},
            {
                "records": 3,
                "bytes": 78,
                "capacity_bytes": 262_144,
                "oldest_time": NOW - 20 * 60,
                "next_index": 43,
                "last_ack_time": NOW - HOUR,
                "full": 0,
            },
        ),
        *exchange("SVC_KEY_INFO", MsgType.SVC_KEY_INFO, {}, KEY_INFO),
        *exchange(
            "SVC_LOG_TAIL",
            MsgType.SVC_LOG_TAIL,
            {"from_seq": 120, "max_bytes": 400},
            {"first_seq": 120, "next_seq": 123, "text": log},
        ),
        *exchange(
            "SVC_AUDIT_READ of three outbox records",
            MsgType.SVC_AUDIT_READ,
            {"from_index": 40, "max_records": 10},
            {
                "total": 3,
                "first_index": 40,
                "records": [LOCK_EVENT_RECORD, SYNC_RECORD, WRONG_CODE_RECORD],
            },
        ),
        *exchange(
            "SVC_SELFTEST, NFC reader failing",
            MsgType.SVC_SELFTEST,
            {},
            {
                "checks": [
                    {"check": int(check), "status": 14 if check == 5 else 0}
                    for check in k.SelfTestCheck
                ]
            },
        ),
        *exchange(
            "SVC_SET_CLOCK with technician 501's token",
            MsgType.SVC_SET_CLOCK,
            {"token": token, "time": NOW + 120},
            {},
        ),
        *exchange(
            "SVC_CLEAR_OUTBOX through index 42",
            MsgType.SVC_CLEAR_OUTBOX,
            {"token": token_2, "through_index": 42},
            {"removed": 3},
        ),
        *exchange("SVC_FACTORY_RESET", MsgType.SVC_FACTORY_RESET, {"token": token_3}, {}),
        *exchange(
            "SVC_MAINTENANCE with a maintenance token",
            MsgType.SVC_MAINTENANCE,
            {"token": encode_record("service_token", TOKEN_MAINTENANCE)},
            {},
        ),
    ]


def _errors() -> list[dict[str, Any]]:
    return [
        error_detail("UNSUPPORTED_VERSION: highest supported 1", 1, "supported versions: 1"),
        error_detail("UNKNOWN_TYPE 0x7f", 0x7F, "unknown type 0x7f"),
        error_detail("MALFORMED: expected length 12", 12, ""),
        error_detail("BAD_STATE: commit with 224 of 292 bytes", 224, "commit before all bytes"),
        error_detail("OUT_OF_ORDER: resume at 504", 504, ""),
        error_detail("TOKEN_INVALID: expired", int(k.TokenRefusal.EXPIRED), "token expired"),
        message(
            "whole error response: SVC_SET_CLOCK with a token this station has taken before",
            MsgType.SVC_SET_CLOCK,
            0x2A01,
            encode_error(int(k.TokenRefusal.USED), "token already used on this station"),
            response=True,
            status=Status.TOKEN_INVALID,
        ),
        error_detail("UNSUPPORTED baud: highest 460800", 460800, "Baud rate not supported ✗"),
        error_detail("text of exactly 64 bytes", 0xFFFF_FFFF, "x" * 62 + "é"),
        message(
            "whole error response: TOO_LARGE",
            MsgType.OBJ_BEGIN,
            11,
            encode_error(4096, "object over 4096 bytes"),
            response=True,
            status=Status.TOO_LARGE,
        ),
        message(
            "whole error response: UNSUPPORTED_VERSION",
            MsgType.HELLO,
            1,
            encode_error(1, "supported versions: 1"),
            response=True,
            status=Status.UNSUPPORTED_VERSION,
        ),
    ]


def _patch_section(data: bytes, index: int, body: bytes) -> bytes:
    """Bundle bytes with section `index` replaced and the table's hash fixed (lengths equal)."""
    head = bytearray(data[: k.BUNDLE_HEADER_SIZE])
    entry = 44 + index * k.SECTION_ENTRY_SIZE
    offset = int.from_bytes(head[entry + 4 : entry + 8], "little")
    head[entry + 12 : entry + 44] = hashlib.sha256(body).digest()
    return bytes(head) + data[k.BUNDLE_HEADER_SIZE : offset] + body + data[offset + len(body) :]


def _flip_data_bit(frame: bytes) -> bytes:
    """`frame` with one bit flipped in a data byte (not a COBS code byte): a CRC error."""
    for index in range(1, len(frame) - 1):
        flipped = bytearray(frame)
        flipped[index] ^= 0x01
        try:
            decode_frame(bytes(flipped))
        except ProtocolError as err:
            if err.field == "frame.crc":
                return bytes(flipped)
    raise AssertionError("no data byte to flip")


def _malformed() -> list[dict[str, Any]]:
    ps = encode_record("permission_set", SET_3)
    bl = encode_record("blocklist", BLOCKLIST_2)
    event = encode_record("audit_event", EVENT_OPENED)
    batch = encode_record("audit_batch", AUDIT_BATCH)
    token = encode_record("service_token", TOKEN_ALL)
    bundle_bytes = encode_record("bundle", BUNDLE)
    table = decode_record("bundle", bundle_bytes)["sections"]
    keys_offset = table[1]["offset"]
    keys_body = bundle_bytes[keys_offset : keys_offset + table[1]["length"]]
    name_at = 4 + 72  # first key entry's display_name
    nul_name = keys_body[:name_at] + b"An\x00a" + keys_body[name_at + 4 :]
    hello = encode_payload(
        MsgType.HELLO, False, {"time": NOW, "role": 1, "max_payload": 512, "peer_id": STATION_ID}
    )
    message_bytes = encode_message(MsgType.HELLO, 1, hello)
    frame = encode_frame(message_bytes)
    bad_crc = _flip_data_bit(frame)
    swapped_ids = bytearray(bundle_bytes)
    swapped_ids[44], swapped_ids[88] = 2, 1
    return [
        refused(
            "permission set: wrong magic",
            b"SKPX" + ps[4:],
            "permission_set.magic",
            "permission_set",
        ),
        refused(
            "permission set: format 2",
            ps[:4] + b"\x02" + ps[5:],
            "permission_set.format",
            "permission_set",
        ),
        refused(
            "permission set: lock ids not ascending",
            ps[:72] + ps[68:72] + ps[76:],
            "permission_set.lock_ids",
            "permission_set",
        ),
        refused(
            "permission set: one trailing byte", ps + b"\x00", "permission_set", "permission_set"
        ),
        refused(
            "permission set: signature cut short",
            ps[:-1],
            "permission_set.signature",
            "permission_set",
        ),
        refused(
            "permission set: lock_count 1025",
            ps[:6] + (1025).to_bytes(2, "little") + ps[8:],
            "permission_set.lock_ids",
            "permission_set",
        ),
        refused(
            "blocklist: the same key twice",
            bl[:28] + bl[24:28] + bl[32:],
            "blocklist.key_ids",
            "blocklist",
        ),
        refused("audit event: 35 bytes", event[:-1], "audit_event.mac", "audit_event"),
        refused("audit event: format 0", b"\x00" + event[1:], "audit_event.format", "audit_event"),
        refused(
            "audit batch: count 4, three events",
            batch[:6] + b"\x04\x00" + batch[8:],
            "audit_batch.events[3].format",
            "audit_batch",
        ),
        refused(
            "service token: format 2",
            token[:4] + b"\x02" + token[5:],
            "service_token.format",
            "service_token",
        ),
        refused(
            "bundle: KEYS section altered, hash not updated",
            bundle_bytes[:keys_offset] + b"\x01" + bundle_bytes[keys_offset + 1 :],
            "bundle.sections[1].sha256",
            "bundle",
        ),
        refused(
            "bundle: section ids 2, 1, 3, 4", bytes(swapped_ids), "bundle.sections[0].id", "bundle"
        ),
        refused(
            "bundle: NUL inside a display name",
            _patch_section(bundle_bytes, 1, nul_name),
            "bundle.keys[0].display_name",
            "bundle",
        ),
        refused(
            "bundle: one byte after the last section", bundle_bytes + b"\x00", "bundle", "bundle"
        ),
        refused(
            "bundle: section count 3",
            bundle_bytes[:6] + b"\x03\x00" + bundle_bytes[8:],
            "bundle.section_count",
            "bundle",
        ),
        refused(
            "outbox record: unknown kind 3",
            b"\x03\x10" + bytes(16),
            "outbox_record.kind",
            "outbox_record",
        ),
        refused(
            "outbox record: lock event with length 16",
            b"\x01\x10" + bytes(40),
            "outbox_record.length",
            "outbox_record",
        ),
        refused("message: 7-byte body", message_bytes[:7], "header", "message"),
        refused(
            "message: length says 12, 11 bytes follow",
            message_bytes[:-1],
            "header.length",
            "message",
        ),
        refused(
            "HELLO request: 11 bytes", hello[:-1], "hello.request.peer_id", msg_type=MsgType.HELLO
        ),
        refused(
            "HELLO request: 13 bytes", hello + b"\x00", "hello.request", msg_type=MsgType.HELLO
        ),
        refused(
            "OBJ_WRITE request without data",
            bytes.fromhex("0100000000000000"),
            "obj_write.request.data",
            msg_type=MsgType.OBJ_WRITE,
        ),
        refused(
            "SVC_LOG_TAIL response: text not UTF-8",
            bytes(8) + b"\xc3(",
            "svc_log_tail.response.text",
            msg_type=MsgType.SVC_LOG_TAIL,
            response=True,
        ),
        refused(
            "error detail: text of 65 bytes", bytes(4) + b"x" * 65, "error.text", "error_detail"
        ),
        refused("error detail: 3 bytes", bytes(3), "error.detail", "error_detail"),
        refused("frame: a bit flipped", bytes(bad_crc), "frame.crc", "frame"),
        refused(
            "frame: COBS code runs past the end", bytes.fromhex("0511223300"), "frame.cobs", "frame"
        ),
    ]


def _keys() -> dict[str, Any]:
    return {
        "about": "Fixed Ed25519 seeds (RFC 8032 section 7.1 test keys) and lock secrets, so "
        "that every signature and MAC in these vectors is real and verifiable. "
        "Test data only.",
        "authority_seed": AUTHORITY_SEED.hex(),
        "authority_public": public_key(AUTHORITY_SEED).hex(),
        "authority_key_id": AUTHORITY_KEY_ID.hex(),
        "key_seeds": {str(key_id): seed.hex() for key_id, seed in KEY_SEEDS.items()},
        "key_publics": {str(key_id): public_key(seed).hex() for key_id, seed in KEY_SEEDS.items()},
        "key_codes": {str(key_id): code for key_id, code in KEY_CODES.items()},
        "key_pin_secrets": {
            str(key_id): secret.hex() for key_id, secret in KEY_PIN_SECRETS.items()
        },
        "pin_proofs": [
            *(pin_proof_case(key_id, code) for key_id, code in KEY_CODES.items()),
            pin_proof_case(1001, WRONG_CODE_1001),
        ],
        "lock_secrets": {str(lock_id): secret.hex() for lock_id, secret in LOCK_SECRETS.items()},
    }


FAMILIES: dict[str, tuple[str, Callable[[], list[dict[str, Any]]]]] = {
    "framing": (
        "SPEC.md section 2: CRC-32/ISO-HDLC, COBS and whole frames (hex is the "
        "frame on the wire, delimiter included). COBS examples: Wikipedia, "
        "'Consistent Overhead Byte Stuffing', section 'Encoding examples' (examples "
        "1-11), checked against the `cobs` package; COBS is Cheshire and Baker, IEEE/ACM "
        "Transactions on Networking 7(2), 1999. CRC check value: the CRC RevEng "
        "catalogue, CRC-32/ISO-HDLC.",
        _framing,
    ),
    "header": ("SPEC.md section 3: whole message bodies, header and payload.", _header),
    "key_protocol": (
        "SPEC.md section 5: HELLO, CHALLENGE, SET_BAUD, PIN_PROOF, AUDIT_ACK, AUDIT_APPEND and "
        "DIAG payloads.",
        _key_protocol,
    ),
    "objects": (
        "SPEC.md section 6: OBJ_BEGIN, OBJ_WRITE, OBJ_COMMIT, OBJ_STAT, OBJ_READ payloads.",
        _objects,
    ),
    "service_console": ("SPEC.md section 7: SVC_* payloads.", _service_console),
    "records_permission_set": (
        "SPEC.md 8.1: permission sets.",
        lambda: [
            record("key 1001, 40 locks (the 292-byte budget)", "permission_set", SET_40),
            record("key 1002, 3 locks", "permission_set", SET_3),
            record("key 1003, no locks", "permission_set", SET_EMPTY),
        ],
    ),
    "records_blocklist": (
        "SPEC.md 8.2: blocklists.",
        lambda: [
            record("empty, version 1", "blocklist", BLOCKLIST_EMPTY),
            record("two keys, version 12", "blocklist", BLOCKLIST_2),
            record("50 keys (the 288-byte budget)", "blocklist", BLOCKLIST_50),
        ],
    ),
    "records_audit": (
        "SPEC.md 8.3: audit events (MAC with the lock's secret) and batches.",
        lambda: [
            record("lock 2001 opened for key 1001", "audit_event", EVENT_OPENED),
            record("lock 2004 refused key 1001: NOT_IN_SET", "audit_event", EVENT_REFUSED),
            record("lock 2001 took a newer blocklist", "audit_event", EVENT_BLOCKLIST),
            record("batch of three events from key 1001", "audit_batch", AUDIT_BATCH),
            record(
                "empty batch",
                "audit_batch",
                {"format": 1, "flags": 0, "key_id": 1003, "first_seq": 1, "events": []},
            ),
        ],
    ),
    "records_bundle": (
        "SPEC.md 8.4: station bundles. Every set entry's signature is the "
        "authority's over the permission set rebuilt from the bundle.",
        lambda: [
            record("station 42: 3 keys x 8 days, 2 lock lists, 2 blocked keys", "bundle", BUNDLE),
            record("station 42: no keys, empty blocklist", "bundle", BUNDLE_EMPTY),
        ],
    ),
    "records_token": (
        "SPEC.md 8.5: service tokens.",
        lambda: [
            record(
                "technician 501 at station 42, all permissions, 12 hours",
                "service_token",
                TOKEN_ALL,
            ),
            record(
                "technician 501 at any station, set clock only, 24 hours",
                "service_token",
                TOKEN_CLOCK_ANY,
            ),
            record(
                "technician 501 at station 42, all permissions, serial 3 (another token)",
                "service_token",
                TOKEN_ALL_2,
            ),
            record(
                "technician 501 at station 42, all permissions, serial 4",
                "service_token",
                TOKEN_ALL_3,
            ),
            record(
                "technician 501 at station 42, maintenance only, 12 hours",
                "service_token",
                TOKEN_MAINTENANCE,
            ),
        ],
    ),
    "records_upload": (
        "SPEC.md 9.1 and 9.2: outbox records and upload batches.",
        lambda: [
            record("lock event", "outbox_record", LOCK_EVENT_RECORD),
            record("station event SYNC_OK", "outbox_record", SYNC_RECORD),
            record("station event BOOT, no key", "outbox_record", BOOT_RECORD),
            record("upload batch of three records from station 42", "upload_batch", UPLOAD),
            record("empty upload batch", "upload_batch", {**UPLOAD, "records": []}),
        ],
    ),
    "errors": (
        "SPEC.md section 3: error details (u32 detail, 0-64 bytes of UTF-8 text) and "
        "whole error responses.",
        _errors,
    ),
    "malformed": (
        "Inputs every implementation must refuse; rejects_field is what the "
        "reference implementation names.",
        _malformed,
    ),
}

_SIGNED_FAMILIES = {
    "key_protocol",
    "objects",
    "service_console",
    "records_permission_set",
    "records_blocklist",
    "records_audit",
    "records_bundle",
    "records_token",
    "records_upload",
    "malformed",
}


def document(family: str) -> dict[str, Any]:
    about, make = FAMILIES[family]
    doc: dict[str, Any] = {
        "about": f"{about} {CONVENTION}",
        "family": family,
        "bytes_fields": sorted(BYTES_FIELDS),
    }
    if family in _SIGNED_FAMILIES:
        doc["keys"] = _keys()
    doc["vectors"] = make()
    return doc


def dumps(value: Any, indent: int = 0) -> str:
    """JSON with one item per line, but lists of numbers on one line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{json.dumps(str(key))}: {dumps(item, indent + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        items = [f"{inner}{dumps(item, indent + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def render(family: str) -> str:
    return dumps(document(family)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the files instead of writing them"
    )
    parser.add_argument("--dir", type=Path, default=VECTOR_DIR)
    args = parser.parse_args(argv)
    stale = []
    for family in FAMILIES:
        path = args.dir / f"{family}.json"
        text = render(family)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("differ from the generator: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
