"""The golden vectors of protocol/vectors/ in both directions, their real
signatures and MACs, and their agreement with the generator and the spec."""

from __future__ import annotations

import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol import show_vectors, vectors_generate
from protocol.constants import MsgType
from protocol.errors import ProtocolError
from protocol.messages import challenge_message
from protocol.records import (
    RECORD_KINDS,
    audit_mac,
    authority_key_id,
    decode_record,
    rebuild_permission_set,
    signed_part,
)
from protocol.vectors import (
    BYTES_FIELDS,
    CONVENTION,
    VECTOR_DIR,
    Vector,
    check_vector,
    decode_vector,
    encode_vector,
    family_paths,
    from_json,
    load_vectors,
    to_json,
)

VECTORS = load_vectors()
GOOD = [v for v in VECTORS if v.rejects_field is None]
BAD = [v for v in VECTORS if v.rejects_field is not None]
FAMILIES = {
    "framing",
    "header",
    "key_protocol",
    "objects",
    "service_console",
    "records_permission_set",
    "records_blocklist",
    "records_audit",
    "records_bundle",
    "records_token",
    "records_upload",
    "errors",
    "malformed",
}


def _id(vector: Vector) -> str:
    return f"{vector.family}:{vector.name}"


def common(vector: Vector, data: bytes, obj: Any, size: int) -> None:
    """Like construct's own test helper: parse, build and size in one call."""
    assert to_json(decode_vector(vector)) == obj
    encoded = encode_vector(vector)
    if encoded is not None:
        assert encoded == data
    assert len(data) == size


@pytest.mark.parametrize("vector", GOOD, ids=_id)
def test_vector_both_directions(vector: Vector) -> None:
    common(vector, vector.data, vector.fields, len(vector.hex) // 2)
    assert check_vector(vector) == []


@pytest.mark.parametrize("vector", BAD, ids=_id)
def test_malformed_vector_is_refused(vector: Vector) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_vector(vector)
    assert caught.value.field == vector.rejects_field
    assert check_vector(vector) == []


def test_one_file_per_family_with_the_convention() -> None:
    assert {path.stem for path in family_paths()} == FAMILIES
    for path in family_paths():
        document = json.loads(path.read_text(encoding="utf-8"))
        assert CONVENTION in document["about"]
        assert document["family"] == path.stem
        assert set(document["bytes_fields"]) == BYTES_FIELDS
        names = [vector["name"] for vector in document["vectors"]]
        assert len(names) == len(set(names)), f"duplicate names in {path.name}"
    assert "hex-encoded" in (VECTOR_DIR / "README.md").read_text(encoding="utf-8")


def test_every_message_and_record_has_a_vector() -> None:
    payloads = {(v.msg_type, v.response) for v in GOOD if v.kind is None}
    assert payloads == {(int(t), r) for t in MsgType for r in (False, True)}
    assert {v.kind for v in GOOD} >= set(RECORD_KINDS)


@pytest.mark.parametrize("family", sorted(vectors_generate.FAMILIES))
def test_generator_reproduces_the_committed_file(family: str) -> None:
    committed = (VECTOR_DIR / f"{family}.json").read_text(encoding="utf-8")
    assert vectors_generate.render(family) == committed, (
        "run `python -m protocol.vectors_generate` and review the diff"
    )


def test_generator_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert vectors_generate.main(["--check"]) == 0
    assert vectors_generate.main(["--check", "--dir", str(tmp_path)]) == 1  # files missing
    assert vectors_generate.main(["--dir", str(tmp_path)]) == 0  # writes them
    assert vectors_generate.main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "header.json").write_text("{}", encoding="utf-8")
    assert vectors_generate.main(["--check", "--dir", str(tmp_path)]) == 1
    assert "header.json" in capsys.readouterr().err


def test_json_bytes_convention() -> None:
    fields = {"key_public": "00ff", "text": "00ff", "events": [{"mac": "01"}]}
    assert from_json(fields) == {
        "key_public": b"\x00\xff",
        "text": "00ff",
        "events": [{"mac": b"\x01"}],
    }
    assert to_json(from_json(fields)) == fields


# ------------------------------------------------------------- real crypto


def _keys(family: str) -> dict[str, Any]:
    keys: dict[str, Any] = json.loads((VECTOR_DIR / f"{family}.json").read_text(encoding="utf-8"))[
        "keys"
    ]
    return keys


def _public(seed_hex: str) -> bytes:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _authority(family: str) -> Ed25519PublicKey:
    keys = _keys(family)
    public = bytes.fromhex(keys["authority_public"])
    assert _public(keys["authority_seed"]) == public
    assert authority_key_id(public).hex() == keys["authority_key_id"]
    return Ed25519PublicKey.from_public_bytes(public)


SIGNED = [v for v in GOOD if v.kind in ("permission_set", "blocklist", "service_token", "bundle")]


@pytest.mark.parametrize("vector", SIGNED, ids=_id)
def test_record_signatures_verify(vector: Vector) -> None:
    authority = _authority(vector.family)
    fields = decode_record(vector.kind or "", vector.data)
    authority.verify(fields["signature"], signed_part(vector.kind or "", vector.data))
    assert fields["authority_key_id"].hex() == _keys(vector.family)["authority_key_id"]
    if vector.kind == "permission_set":
        assert fields["key_public"] == _public(
            _keys(vector.family)["key_seeds"][str(fields["key_id"])]
        )
    if vector.kind == "bundle":
        authority.verify(
            decode_record("blocklist", fields["blocklist"])["signature"],
            signed_part("blocklist", fields["blocklist"]),
        )
        for key_index, row in enumerate(fields["sets"]):
            for day, entry in enumerate(row):
                if entry["valid_until"]:
                    rebuilt = rebuild_permission_set(fields, key_index, day)
                    authority.verify(entry["signature"], signed_part("permission_set", rebuilt))


def _events(value: Any) -> list[dict[str, Any]]:
    """Every audit event dict inside a decoded value."""
    if isinstance(value, dict):
        found = [value] if "lock_seq" in value and "mac" in value else []
        return found + [event for item in value.values() for event in _events(item)]
    if isinstance(value, list):
        return [event for item in value for event in _events(item)]
    return []


def test_audit_macs_verify() -> None:
    checked = 0
    for vector in GOOD:
        if vector.family == "framing" or vector.kind in ("message", "error_detail"):
            continue
        for event in _events(decode_vector(vector)):
            secret = bytes.fromhex(_keys(vector.family)["lock_secrets"][str(event["lock_id"])])
            assert hmac.compare_digest(audit_mac(secret, event), event["mac"]), vector.name
            checked += 1
    assert checked >= 10


def test_challenge_signature_verifies() -> None:
    vectors = {v.name: v for v in GOOD if v.msg_type == MsgType.CHALLENGE}
    request = decode_vector(
        vectors["CHALLENGE from station 42 to key 1001, signed by key 1001: request"]
    )
    response = decode_vector(
        vectors["CHALLENGE from station 42 to key 1001, signed by key 1001: response"]
    )
    public = Ed25519PublicKey.from_public_bytes(_public(_keys("key_protocol")["key_seeds"]["1001"]))
    public.verify(response["signature"], challenge_message(request["nonce"], 1, 42, 1001))


# -------------------------------------------------------- show_vectors


def test_show_vectors_decodes_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert show_vectors.main([]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == f"{len(VECTORS)} vectors decoded, all match"
    assert "records_bundle.json" in out and "Märta Holmqvist" in out


def test_show_vectors_reports_a_mismatch(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    altered = Vector(
        family="framing",
        name="wrong crc",
        hex="313233343536373839",
        kind="crc32",
        fields={"crc32": 1},
    )
    monkeypatch.setattr(show_vectors, "load_vectors", lambda: [altered])
    assert show_vectors.main([]) == 1
    assert capsys.readouterr().out.rstrip().endswith("1 vectors decoded, 1 MISMATCH")
