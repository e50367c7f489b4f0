"""Signed records for tests and benchmarks, built with the reference codec and `cryptography`.

Seeds are fixed, so Ed25519 signatures (deterministic by RFC 8032) and every
byte are the same on every run. Windows here are plain UTC days; the back
office's Europe/Stockholm rule is tested in tests/host.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol.pin_secret import verifier
from protocol.records import encode_record, signed_part

DAY = 86_400
WINDOW = 36 * 3_600
EPOCH = 1_795_000_000  # 2026-11-18T11:06:40Z, a Wednesday: the factories' "now"
CODE_ITERATIONS = 50  # few, so tests under MicroPython stay quick; stations use the bundle's figure


def seed(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


class Signer:
    """An Ed25519 key pair from a fixed seed."""

    def __init__(self, label: str) -> None:
        self.private = Ed25519PrivateKey.from_private_bytes(seed(label))
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(self.public).digest()[:8]

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


AUTHORITY = Signer("synk test authority")


def pin_secret(key_id: int) -> bytes:
    """Key ``key_id``'s pin_secret (SPEC 5.11), as tests/firmware/key_double.py gives it."""
    return seed(f"pin secret {key_id}")


def code_verifier(code: str, salt: bytes, key_id: int, iterations: int = CODE_ITERATIONS) -> bytes:
    """A bundle's code_verifier: key ``key_id``'s PIN_PROOF answer for ``code``."""
    return verifier(code, salt, iterations, pin_secret(key_id))


def signed(kind: str, fields: dict[str, object], signer: Signer) -> bytes:
    unsigned = encode_record(kind, {**fields, "signature": bytes(64)})
    return encode_record(kind, {**fields, "signature": signer.sign(signed_part(kind, unsigned))})


def blocklist(
    key_ids: list[int], version: int = 1, issued_at: int = EPOCH, signer: Signer = AUTHORITY
) -> bytes:
    fields = {
        "format": 1,
        "flags": 0,
        "version": version,
        "issued_at": issued_at,
        "authority_key_id": signer.key_id,
        "key_ids": sorted(key_ids),
    }
    return signed("blocklist", fields, signer)


@dataclass
class KeySpec:
    key_id: int
    code: str = "123456"
    name: str = "Anna"
    lock_ids: list[int] = field(default_factory=lambda: [100, 101, 102])
    days_without_set: tuple[int, ...] = ()

    @property
    def signer(self) -> Signer:
        return Signer(f"key {self.key_id}")

    @property
    def salt(self) -> bytes:
        return seed(f"salt {self.key_id}")[:16]


def bundle(
    keys: list[KeySpec],
    *,
    station_id: int = 7,
    unit_id: int = 3,
    serial: int = 1,
    issued_at: int = EPOCH,
    days: int = 8,
    blocked: list[int] | None = None,
    blocklist_version: int = 1,
    signer: Signer = AUTHORITY,
    code_iterations: int = CODE_ITERATIONS,
) -> bytes:
    """A signed station bundle: day d's window starts at the UTC midnight of issue day + d."""
    day0 = issued_at - issued_at % DAY
    lists: list[list[int]] = []
    key_entries = []
    sets = []
    for spec in sorted(keys, key=lambda k: k.key_id):
        locks = sorted(spec.lock_ids)
        if locks not in lists:
            lists.append(locks)
        key_entries.append(
            {
                "key_id": spec.key_id,
                "flags": 0,
                "key_public": spec.signer.public,
                "code_salt": spec.salt,
                "code_verifier": code_verifier(spec.code, spec.salt, spec.key_id, code_iterations),
                "display_name": spec.name,
            }
        )
        per_day = []
        for day in range(days):
            valid_from = day0 + day * DAY
            if day in spec.days_without_set:
                per_day.append(
                    {
                        "serial": 0,
                        "valid_from": 0,
                        "valid_until": 0,
                        "lock_list": 0,
                        "signature": bytes(64),
                    }
                )
                continue
            permission_set = signed(
                "permission_set",
                {
                    "format": 1,
                    "flags": 0,
                    "key_id": spec.key_id,
                    "key_public": spec.signer.public,
                    "serial": serial,
                    "valid_from": valid_from,
                    "valid_until": valid_from + WINDOW,
                    "unit_id": unit_id,
                    "authority_key_id": signer.key_id,
                    "lock_ids": locks,
                },
                signer,
            )
            per_day.append(
                {
                    "serial": serial,
                    "valid_from": valid_from,
                    "valid_until": valid_from + WINDOW,
                    "lock_list": lists.index(locks),
                    "signature": permission_set[-64:],
                }
            )
        sets.append(per_day)
    fields = {
        "format": 1,
        "flags": 0,
        "unit_id": unit_id,
        "station_id": station_id,
        "serial": serial,
        "issued_at": issued_at,
        "offline_until": issued_at + 8 * DAY,
        "day0_start": day0,
        "days": days,
        "code_iterations": code_iterations,
        "authority_key_id": signer.key_id,
        "lock_lists": lists,
        "keys": key_entries,
        "sets": sets,
        "blocklist": blocklist(blocked or [], blocklist_version, issued_at, signer),
    }
    return signed("bundle", fields, signer)


def unit_keys(count: int, locks: int = 3) -> list[KeySpec]:
    """`count` staff keys of one unit sharing one list of `locks` locks."""
    lock_ids = list(range(1000, 1000 + locks))
    return [
        KeySpec(
            key_id=10_000 + i,
            code=f"{(i * 7919) % 1_000_000:06d}",
            name=f"Personal {i}",
            lock_ids=lock_ids,
        )
        for i in range(count)
    ]
