"""Round trips: every record and payload of SPEC.md decodes to what was encoded
and encodes back to the same bytes, with the sizes the spec gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import constants as k
from protocol.errors import ProtocolError
from protocol.framing import FrameDecoder, decode_frame, encode_frame
from protocol.messages import (
    CHALLENGE_SIGNED,
    challenge_message,
    decode_error,
    decode_message,
    decode_payload,
    encode_error,
    encode_message,
    encode_payload,
)
from protocol.records import (
    RECORD_KINDS,
    decode_record,
    encode_record,
    rebuild_permission_set,
    signed_part,
)
from tests.protocol.strategies import (
    PAYLOAD_KEYS,
    error_details,
    payload_fields,
    payloads,
    record_fields,
    records,
)

EXAMPLES = settings(max_examples=40, deadline=None)


def _size(kind: str, fields: dict[str, Any]) -> int | None:
    """The size SPEC.md gives for a record, where it gives a formula."""
    sizes = {
        "permission_set": lambda f: k.PERMISSION_SET_BASE_SIZE + 4 * len(f["lock_ids"]),
        "blocklist": lambda f: k.BLOCKLIST_BASE_SIZE + 4 * len(f["key_ids"]),
        "audit_event": lambda f: k.AUDIT_EVENT_SIZE,
        "audit_batch": lambda f: k.AUDIT_BATCH_HEADER_SIZE + 36 * len(f["events"]),
        "service_token": lambda f: k.SERVICE_TOKEN_SIZE,
        "outbox_record": lambda f: 2 + (40 if f["kind"] == 1 else 16),
    }
    return sizes[kind](fields) if kind in sizes else None


@pytest.mark.parametrize("kind", RECORD_KINDS)
@EXAMPLES
@given(data=st.data())
def test_record_roundtrip(kind: str, data: st.DataObject) -> None:
    fields = data.draw(record_fields(kind))
    encoded = encode_record(kind, fields)
    decoded = decode_record(kind, encoded)
    if kind == "bundle":
        sections = decoded.pop("sections")
        assert [s["id"] for s in sections] == [1, 2, 3, 4]
        assert sections[0]["offset"] == k.BUNDLE_HEADER_SIZE
        assert sum(s["length"] for s in sections) + k.BUNDLE_HEADER_SIZE == len(encoded)
    assert decoded == fields
    assert encode_record(kind, decoded) == encoded
    expected = _size(kind, fields)
    if expected is not None:
        assert len(encoded) == expected


@EXAMPLES
@given(record_fields("bundle"))
def test_bundle_rebuilds_each_permission_set(fields: dict[str, Any]) -> None:
    bundle = decode_record("bundle", encode_record("bundle", fields))
    for key_index, row in enumerate(bundle["sets"]):
        for day, entry in enumerate(row):
            if not entry["valid_until"]:
                with pytest.raises(ProtocolError, match="no set that day"):
                    rebuild_permission_set(bundle, key_index, day)
                continue
            if entry["lock_list"] >= len(bundle["lock_lists"]):
                with pytest.raises(ProtocolError, match="no such lock list"):
                    rebuild_permission_set(bundle, key_index, day)
                continue
            rebuilt = decode_record(
                "permission_set", rebuild_permission_set(bundle, key_index, day)
            )
            key = bundle["keys"][key_index]
            assert rebuilt == {
                "format": 1,
                "flags": 0,
                "key_id": key["key_id"],
                "key_public": key["key_public"],
                "serial": entry["serial"],
                "valid_from": entry["valid_from"],
                "valid_until": entry["valid_until"],
                "unit_id": bundle["unit_id"],
                "authority_key_id": bundle["authority_key_id"],
                "lock_ids": bundle["lock_lists"][entry["lock_list"]],
                "signature": entry["signature"],
            }


@pytest.mark.parametrize("kind", ["permission_set", "blocklist", "service_token", "bundle"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_signed_part_excludes_only_the_signature(kind: str, data: st.DataObject) -> None:
    encoded = encode_record(kind, data.draw(record_fields(kind)))
    signed = signed_part(kind, encoded)
    if kind == "bundle":
        assert signed == encoded[: k.BUNDLE_SIGNED_SIZE]
    else:
        assert signed + decode_record(kind, encoded)["signature"] == encoded


@pytest.mark.parametrize(
    ("msg_type", "response"),
    PAYLOAD_KEYS,
    ids=[f"{k.MsgType(t).name}-{'resp' if r else 'req'}" for t, r in PAYLOAD_KEYS],
)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_payload_roundtrip(msg_type: int, response: bool, data: st.DataObject) -> None:
    fields = data.draw(payload_fields(msg_type, response))
    encoded = encode_payload(msg_type, response, fields)
    assert len(encoded) <= k.MAX_PAYLOAD
    assert decode_payload(msg_type, response, encoded) == fields
    assert (
        encode_payload(msg_type, response, decode_payload(msg_type, response, encoded)) == encoded
    )


FIXED_PAYLOAD_SIZES = {
    (k.MsgType.HELLO, False): k.HELLO_SIZE,
    (k.MsgType.HELLO, True): k.KEY_INFO_SIZE,
    (k.MsgType.SVC_KEY_INFO, True): k.KEY_INFO_SIZE,
    (k.MsgType.DIAG, True): k.DIAG_SIZE,
    (k.MsgType.SVC_STATUS, True): k.STATION_STATUS_SIZE,
    (k.MsgType.SVC_CACHE_INFO, True): k.CACHE_INFO_SIZE,
    (k.MsgType.SVC_OUTBOX_INFO, True): k.OUTBOX_INFO_SIZE,
    (k.MsgType.CHALLENGE, False): 32,
    (k.MsgType.CHALLENGE, True): 64,
    (k.MsgType.OBJ_BEGIN, False): 40,
    (k.MsgType.OBJ_COMMIT, False): 36,
    (k.MsgType.OBJ_STAT, False): 4,
    (k.MsgType.OBJ_STAT, True): 36,
    (k.MsgType.OBJ_READ, False): 8,
    (k.MsgType.AUDIT_APPEND, False): k.AUDIT_EVENT_SIZE,
    (k.MsgType.SVC_LOG_TAIL, False): 8,
    (k.MsgType.SVC_AUDIT_READ, False): 8,
    (k.MsgType.SVC_SET_CLOCK, False): 104,
    (k.MsgType.SVC_CLEAR_OUTBOX, False): 104,
    (k.MsgType.SVC_FACTORY_RESET, False): 100,
    (k.MsgType.SVC_MAINTENANCE, False): 100,
}


@pytest.mark.parametrize(("key", "size"), FIXED_PAYLOAD_SIZES.items(), ids=str)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_fixed_payload_sizes(key: tuple[k.MsgType, bool], size: int, data: st.DataObject) -> None:
    assert len(encode_payload(key[0], key[1], data.draw(payload_fields(*key)))) == size


@settings(max_examples=200, deadline=None)
@given(records())
def test_records_strategy(drawn: tuple[str, dict[str, Any]]) -> None:
    kind, fields = drawn
    decoded = decode_record(kind, encode_record(kind, fields))
    decoded.pop("sections", None)
    assert decoded == fields


@settings(max_examples=200, deadline=None)
@given(payloads())
def test_payloads_strategy(drawn: tuple[int, bool, dict[str, Any]]) -> None:
    msg_type, response, fields = drawn
    assert type(msg_type) is int and type(response) is bool
    assert decode_payload(msg_type, response, encode_payload(msg_type, response, fields)) == fields


@settings(max_examples=100, deadline=None)
@given(error_details())
def test_error_detail_roundtrip(fields: dict[str, Any]) -> None:
    encoded = encode_error(fields["detail"], fields["text"])
    assert len(encoded) == 4 + len(fields["text"].encode("utf-8")) <= 4 + k.MAX_ERROR_TEXT
    assert decode_error(encoded) == fields


@settings(max_examples=100, deadline=None)
@given(
    msg_type=st.integers(0, 255),
    seq=st.integers(0, 0xFFFF),
    payload=st.binary(max_size=k.MAX_PAYLOAD),
    response=st.booleans(),
    status=st.integers(0, 255),
)
def test_message_roundtrip(
    msg_type: int, seq: int, payload: bytes, response: bool, status: int
) -> None:
    status = status if response else 0
    body = encode_message(msg_type, seq, payload, response=response, status=status)
    flags = (k.FLAG_RESPONSE if response else 0) | (k.FLAG_ERROR if status else 0)
    assert decode_message(body) == {
        "version": 1,
        "type": msg_type,
        "seq": seq,
        "flags": flags,
        "status": status,
        "payload": payload,
    }
    frame = encode_frame(body)
    assert 0 not in frame[:-1] and frame[-1] == 0
    assert len(frame) - 1 <= k.MAX_ENCODED_FRAME
    assert decode_frame(frame) == body
    assert FrameDecoder().feed(frame) == [body]


@settings(max_examples=50, deadline=None)
@given(
    nonce=st.binary(min_size=32, max_size=32),
    role=st.integers(0, 0xFF),
    peer_id=st.integers(0, 0xFFFF_FFFF),
    key_id=st.integers(0, 0xFFFF_FFFF),
)
def test_challenge_message_roundtrip(nonce: bytes, role: int, peer_id: int, key_id: int) -> None:
    signed = challenge_message(nonce, role, peer_id, key_id)
    assert len(signed) == len(k.AUTH_CONTEXT) + 32 + 1 + 4 + 4
    assert signed.startswith(b"synk-auth-v1" + nonce)
    fields = {"nonce": nonce, "role": role, "peer_id": peer_id, "key_id": key_id}
    assert dict(CHALLENGE_SIGNED.parse(signed)) == fields


@settings(max_examples=50, deadline=None)
@given(
    version=st.integers(0, 255),
    msg_type=st.integers(0, 255),
    flags=st.integers(0, 255),
    status=st.integers(0, 255),
    payload=st.binary(max_size=40),
)
def test_unknown_versions_types_and_flags_are_returned_for_an_answer(
    version: int, msg_type: int, flags: int, status: int, payload: bytes
) -> None:
    """decode_message refuses only what it cannot read (SPEC.md section 3): the
    caller answers an unknown version or type with UNSUPPORTED_VERSION or
    UNKNOWN_TYPE, so both must come through."""
    body = bytes([version, msg_type, 0x34, 0x12, flags, status]) + len(payload).to_bytes(
        2, "little"
    )
    assert decode_message(body + payload) == {
        "version": version,
        "type": msg_type,
        "seq": 0x1234,
        "flags": flags,
        "status": status,
        "payload": payload,
    }
