"""Small builders for test data: key pairs, MACed lock events, upload batches, verification."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from host.backoffice.passwords import Cost
from protocol import constants
from protocol.records import audit_mac, encode_record

# Sites made by tests hash passwords at scrypt N=2^10 (1 MiB, a millisecond), not at
# OWASP's N=2^17 (tests/host/web/test_passwords.py checks that a real site does).
QUICK_PASSWORDS = Cost(2**10)


def keypair() -> tuple[Ed25519PrivateKey, bytes]:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return private, public


def verifies(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except Exception:
        return False
    return True


def lock_event(
    secret: bytes,
    lock_id: int,
    key_id: int,
    seq: int,
    time: int,
    outcome: int = constants.Outcome.OPENED,
    blocklist_version: int = 0,
) -> dict[str, Any]:
    """An audit event (SPEC.md 8.3) with its MAC made by the lock's secret."""
    event: dict[str, Any] = {
        "format": 1,
        "outcome": int(outcome),
        "blocklist_version": blocklist_version,
        "lock_id": lock_id,
        "key_id": key_id,
        "time": time,
        "lock_seq": seq,
    }
    event["mac"] = audit_mac(secret, event)
    return event


def lock_record(event: dict[str, Any], received_at: int = 0) -> dict[str, Any]:
    return {"kind": 1, "event": event, "received_at": received_at or event["time"]}


def station_record(key_id: int, time: int, reason: int, detail: int = 0) -> dict[str, Any]:
    return {"kind": 2, "key_id": key_id, "time": time, "reason": reason, "detail": detail}


def upload(
    station_id: int, first_index: int, records: list[dict[str, Any]], epoch: int = 0
) -> bytes:
    """An upload batch (SPEC.md 9.1) from the outbox numbering ``epoch``."""
    return encode_record(
        "upload_batch",
        {
            "format": 1,
            "flags": 0,
            "station_id": station_id,
            "first_index": first_index,
            "outbox_epoch": epoch,
            "records": records,
        },
    )
