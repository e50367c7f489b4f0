"""protocol.pin_secret (SPEC.md 5.11, 14.1) against the golden vectors, and what it buys.

The vectors' worked cases and bundle verifiers are recomputed with the reference
rule (tests/firmware/test_pin_secret.py holds the firmware to the same files); then
the point of the rule: with a bundle alone, the brute force that found codes
before (PBKDF2 of every candidate against the verifier) finds nothing, and with
the key's secret it would.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from protocol import pin_secret
from protocol.errors import ProtocolError
from protocol.vectors import VECTOR_DIR, from_json


def _family(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VECTOR_DIR / f"{name}.json").read_text("utf-8"))
    return document


KEYS = _family("key_protocol")["keys"]
SECRETS = {int(key_id): bytes.fromhex(hex_) for key_id, hex_ in KEYS["key_pin_secrets"].items()}


@pytest.mark.parametrize("case", KEYS["pin_proofs"], ids=lambda c: f"{c['key_id']}-{c['code']}")
def test_worked_cases(case: dict[str, Any]) -> None:
    derived = pin_secret.derive(
        case["code"], bytes.fromhex(case["code_salt"]), case["code_iterations"]
    )
    assert derived == bytes.fromhex(case["derived"])
    assert pin_secret.proof(SECRETS[case["key_id"]], derived) == bytes.fromhex(case["proof"])
    assert case["right"] == (case["code"] == KEYS["key_codes"][str(case["key_id"])])


def _bundle() -> dict[str, Any]:
    vectors = _family("records_bundle")["vectors"]
    fields: dict[str, Any] = from_json(next(v for v in vectors if v["fields"]["keys"])["fields"])
    return fields


def test_bundle_verifiers_are_the_keys_proofs_of_the_right_codes() -> None:
    bundle = _bundle()
    for entry in bundle["keys"]:
        code = KEYS["key_codes"][str(entry["key_id"])]
        expected = pin_secret.verifier(
            code, entry["code_salt"], bundle["code_iterations"], SECRETS[entry["key_id"]]
        )
        assert entry["code_verifier"] == expected


def test_a_bundle_alone_does_not_confirm_any_guess() -> None:
    """The attack of issue 14.5, on 10,000 candidates that include the right code."""
    bundle = _bundle()
    entry = bundle["keys"][0]
    right = KEYS["key_codes"][str(entry["key_id"])]
    salt, iterations = entry["code_salt"], 1  # one PBKDF2 round keeps the search quick
    secret = SECRETS[entry["key_id"]]
    target = pin_secret.verifier(right, salt, iterations, secret)
    candidates = {right} | {f"{n:06d}" for n in range(0, 1_000_000, 100)}

    def pbkdf2_only(code: str) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", code.encode(), salt, iterations, 16)

    # What the bundle holds (salt, iterations, verifier) confirms none of them...
    assert [c for c in candidates if pbkdf2_only(c) == target] == []
    # ...while the key's secret (a key in hand) confirms the right one and only it.
    found = [c for c in candidates if pin_secret.proof(secret, pbkdf2_only(c)) == target]
    assert found == [right]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ProtocolError):
        pin_secret.derive("12345", bytes(16), 10)
    with pytest.raises(ProtocolError):
        pin_secret.derive("123456", bytes(16), 0)
    with pytest.raises(ProtocolError):
        pin_secret.proof(bytes(31), bytes(16))
    with pytest.raises(ProtocolError):
        pin_secret.proof(bytes(32), bytes(17))
