"""firmware.pin_secret against the golden vectors of SPEC.md 5.11 (protocol/vectors/).

key_protocol.json's ``keys.pin_proofs`` are worked cases (code, salt, iterations ->
derived, and the key's proof under its ``key_pin_secrets`` entry); its PIN_PROOF
vectors are the two payloads; records_bundle.json's key entries carry, as
``code_verifier``, the proof of each key's right code. tests/protocol/test_pin_secret.py
holds the reference implementation to the same files.
"""

import json
from binascii import unhexlify

from firmware import pin_secret
from firmware.payloads import decode_payload, encode_payload
from firmware.pin_secret import PinError
from firmware.wire_fields import CodecError

_PARTS = __file__.split("/")
_VECTORS = ("/".join(_PARTS[:-3]) or ".") + "/protocol/vectors/"


def _load(family):
    with open(_VECTORS + family + ".json") as f:
        return json.load(f)


def _fails(func, *args):
    try:
        func(*args)
    except (PinError, CodecError):
        return
    raise AssertionError("accepted %r" % (args,))


def test_worked_cases_derive_and_prove_alike():
    keys = _load("key_protocol")["keys"]
    cases = keys["pin_proofs"]
    assert len(cases) >= 4 and any(not case["right"] for case in cases)
    for case in cases:
        derived = pin_secret.derive(
            case["code"], unhexlify(case["code_salt"]), case["code_iterations"]
        )
        assert derived == unhexlify(case["derived"]), case["code"]
        secret = unhexlify(keys["key_pin_secrets"][str(case["key_id"])])
        assert pin_secret.proof(secret, derived) == unhexlify(case["proof"]), case["code"]


def test_the_bundle_verifier_is_the_proof_of_the_right_code_only():
    keys = _load("key_protocol")["keys"]
    proofs = {}
    wrong = {}
    for case in keys["pin_proofs"]:
        (proofs if case["right"] else wrong)[case["key_id"]] = unhexlify(case["proof"])
    bundle = next(v for v in _load("records_bundle")["vectors"] if v["fields"]["keys"])
    entries = bundle["fields"]["keys"]
    assert len(entries) == 3
    for entry in entries:
        verifier = unhexlify(entry["code_verifier"])
        assert verifier == proofs[entry["key_id"]]
        assert verifier != wrong.get(entry["key_id"])
        # The station's half alone (PBKDF2 of the right code) is not the verifier.
        code = keys["key_codes"][str(entry["key_id"])]
        salt = unhexlify(entry["code_salt"])
        iterations = bundle["fields"]["code_iterations"]
        assert pin_secret.derive(code, salt, iterations) != verifier


def test_pin_proof_payload_vectors_both_ways():
    seen = 0
    for vector in _load("key_protocol")["vectors"]:
        if vector.get("msg_type") != 0x04:
            continue
        data = unhexlify(vector["hex"])
        name = "proof" if vector["response"] else "derived"
        fields = {name: unhexlify(vector["fields"][name])}
        assert decode_payload(0x04, vector["response"], data) == fields
        assert encode_payload(0x04, vector["response"], fields) == data
        seen += 1
    assert seen == 4


def test_malformed_payloads_and_arguments_are_refused():
    _fails(decode_payload, 0x04, False, bytes(15))
    _fails(decode_payload, 0x04, True, bytes(17))
    _fails(encode_payload, 0x04, False, {"proof": bytes(16)})
    _fails(encode_payload, 0x04, True, {"proof": bytes(15)})
    _fails(pin_secret.derive, "12345", bytes(16), 10)
    _fails(pin_secret.derive, "12345a", bytes(16), 10)
    _fails(pin_secret.derive, "123456", bytes(16), 0)
    _fails(pin_secret.proof, bytes(31), bytes(16))
    _fails(pin_secret.proof, bytes(32), bytes(15))
