"""Malformed input: every decoder and encoder raises ProtocolError and nothing
else; damaged encodings are refused or decode to something that re-encodes to
the same bytes (up to reserved bytes, which are ignored on receipt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import constants as k
from protocol.chunked import read_chunk, split_chunks
from protocol.errors import ProtocolError
from protocol.framing import FrameDecoder, cobs_decode, decode_frame
from protocol.messages import (
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
    audit_mac,
    authority_key_id,
    decode_record,
    encode_record,
    rebuild_permission_set,
    signed_part,
)
from tests.protocol.strategies import PAYLOAD_KEYS, payload_fields, record_fields

Decoder = Callable[[bytes], Any]
Encoder = Callable[[Any], bytes]


def _record(kind: str) -> tuple[Decoder, Encoder]:
    return (lambda data: decode_record(kind, data)), (lambda fields: encode_record(kind, fields))


def _payload(msg_type: int, response: bool) -> tuple[Decoder, Encoder]:
    return (
        (lambda data: decode_payload(msg_type, response, data)),
        (lambda fields: encode_payload(msg_type, response, fields)),
    )


CODECS: dict[str, tuple[Decoder, Encoder, st.SearchStrategy[Any]]] = {
    **{kind: (*_record(kind), record_fields(kind)) for kind in RECORD_KINDS},
    **{
        f"{k.MsgType(t).name}-{'resp' if r else 'req'}": (*_payload(t, r), payload_fields(t, r))
        for t, r in PAYLOAD_KEYS
    },
}
OTHER_DECODERS: dict[str, Decoder] = {
    "message": decode_message,
    "error": decode_error,
    "frame": decode_frame,
    "cobs": cobs_decode,
    "frame_decoder": lambda data: FrameDecoder().feed(data),
}
ALL_DECODERS = {**{name: codec[0] for name, codec in CODECS.items()}, **OTHER_DECODERS}


def _decodes_or_refuses(decoder: Decoder, data: bytes) -> Any:
    """The decoded value, or None when refused with ProtocolError (any other error fails)."""
    try:
        return decoder(data)
    except ProtocolError as err:
        assert err.field, "a ProtocolError names its field"
        return None


@pytest.mark.parametrize("name", sorted(ALL_DECODERS))
@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_protocol_error(name: str, data: bytes) -> None:
    _decodes_or_refuses(ALL_DECODERS[name], data)


@st.composite
def damaged(draw: st.DrawFn, valid: bytes) -> bytes:
    """`valid` truncated, extended, with a bit flipped, or with a byte replaced."""
    how = draw(st.sampled_from(["truncate", "extend", "flip", "replace", "insert"]))
    if how == "truncate" or not valid:
        return valid[: draw(st.integers(0, max(len(valid) - 1, 0)))]
    if how == "extend":
        return valid + draw(st.binary(min_size=1, max_size=8))
    at = draw(st.integers(0, len(valid) - 1))
    if how == "flip":
        return valid[:at] + bytes([valid[at] ^ (1 << draw(st.integers(0, 7)))]) + valid[at + 1 :]
    if how == "replace":
        return valid[:at] + bytes([draw(st.integers(0, 255))]) + valid[at + 1 :]
    return valid[:at] + draw(st.binary(min_size=1, max_size=4)) + valid[at:]


def _same_up_to_reserved(original: bytes, reencoded: bytes) -> bool:
    """Equal, except where the re-encoding writes zero (a reserved byte)."""
    return len(original) == len(reencoded) and all(
        a == b or b == 0 for a, b in zip(original, reencoded, strict=True)
    )


@pytest.mark.parametrize("name", sorted(CODECS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_damaged_encodings(name: str, data: st.DataObject) -> None:
    decoder, encoder, fields = CODECS[name]
    valid = encoder(data.draw(fields))
    broken = data.draw(damaged(valid))
    decoded = _decodes_or_refuses(decoder, broken)
    if decoded is None:
        return
    reencoded = encoder(decoded)
    assert _same_up_to_reserved(broken, reencoded)
    assert decoder(reencoded) == decoded


JUNK = [None, "x", b"\x00", -1, 2**64, 1.5, True, [], {}, [None], {"a": 1}, object()]


@st.composite
def spoiled(draw: st.DrawFn, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with one key removed, added, or given a value of the wrong sort,
    possibly inside a nested dict or list."""
    fields = _deep_copy(fields)
    target: Any = fields
    while True:
        nested = [
            key
            for key, value in target.items()
            if isinstance(value, dict)
            or (isinstance(value, list) and value and isinstance(value[0], dict | list))
        ]
        if not nested or draw(st.booleans()):
            break
        value = target[draw(st.sampled_from(nested))]
        while isinstance(value, list):
            value = value[draw(st.integers(0, len(value) - 1))] if value else {}
        if not isinstance(value, dict) or not value:
            break
        target = value
    how = draw(st.sampled_from(["remove", "add", "junk"]))
    if how == "add" or not target:
        target["unexpected"] = 1
    elif how == "remove":
        del target[draw(st.sampled_from(sorted(target)))]
    else:
        target[draw(st.sampled_from(sorted(target)))] = draw(st.sampled_from(JUNK))
    return fields


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value


@pytest.mark.parametrize("name", sorted(CODECS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_encoders_raise_only_protocol_error(name: str, data: st.DataObject) -> None:
    decoder, encoder, fields = CODECS[name]
    bad = data.draw(spoiled(data.draw(fields)))
    try:
        encoded = encoder(bad)
    except ProtocolError as err:
        assert err.field
        return
    # Some spoilings are harmless (a nested list emptied, "sections" ignored...),
    # but what was encoded must be valid.
    decoder(encoded)


@pytest.mark.parametrize(
    "junk",
    JUNK,
    ids=lambda value: type(value).__name__ + ("" if type(value) is object else repr(value)),
)
def test_api_entry_points_with_junk(junk: Any) -> None:
    calls: list[Callable[[], Any]] = [
        lambda: encode_record(junk, {}),
        lambda: decode_record(junk, b""),
        lambda: decode_record("permission_set", junk),
        lambda: encode_record("bundle", junk),
        lambda: decode_record("bundle", junk),
        lambda: signed_part(junk, b""),
        lambda: signed_part("audit_event", bytes(36)),
        lambda: encode_payload(junk, False, {}),
        lambda: encode_payload(k.MsgType.HELLO, junk, {}),
        lambda: decode_payload(junk, True, b""),
        lambda: decode_payload(k.MsgType.DIAG, False, junk),
        lambda: encode_message(junk, 0, b""),
        lambda: encode_message(1, junk, b""),
        lambda: encode_message(1, 0, junk),
        lambda: encode_message(1, 0, b"", response=junk),
        lambda: encode_message(1, 0, b"", response=True, status=junk),
        lambda: decode_message(junk),
        lambda: encode_error(junk, ""),
        lambda: encode_error(0, junk),
        lambda: decode_error(junk),
        lambda: decode_frame(junk),
        lambda: cobs_decode(junk),
        lambda: FrameDecoder().feed(junk),
        lambda: authority_key_id(junk),
        lambda: audit_mac(junk, bytes(20)),
        lambda: audit_mac(bytes(32), junk),
        lambda: rebuild_permission_set(junk, 0, 0),
        lambda: rebuild_permission_set({"keys": [junk], "sets": [[junk]]}, 0, 0),
        lambda: challenge_message(junk, 1, 2, 3),
        lambda: challenge_message(bytes(32), junk, 2, 3),
        lambda: read_chunk(b"abc", junk, 1),
        lambda: read_chunk(b"abc", 0, junk),
        lambda: split_chunks(b"abc", junk),
    ]
    for call in calls:
        try:
            call()
        except ProtocolError as err:
            assert err.field


def test_specific_refusals() -> None:
    """A few of the spec's rules, by field name."""
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: encode_message(1, 0, b"", response=False, status=3), "header.status"),
        (lambda: encode_message(1, 0, bytes(513)), "payload"),
        (
            lambda: decode_message(bytes([1, 1, 0, 0, 0, 0, 0x01, 0x02]) + bytes(513)),
            "header.length",
        ),
        (
            lambda: encode_payload(
                k.MsgType.OBJ_WRITE, False, {"obj": 1, "offset": 0, "data": bytes(505)}
            ),
            "obj_write.request.data",
        ),
        (
            lambda: encode_payload(
                k.MsgType.SVC_SELFTEST, True, {"checks": [{"check": 1, "status": 0}] * 256}
            ),
            "svc_selftest.response.count",
        ),
        (lambda: decode_payload(k.MsgType.OBJ_COMMIT, True, b"\x01\x00"), "obj_commit.response"),
        (lambda: encode_record("permission_set", {}), "permission_set.format"),
        (lambda: encode_error(1, "\x00" * 65), "error.text"),
        (lambda: encode_error(1, "\ud800"), "error.text"),
        (lambda: encode_record("outbox_record", {"kind": 3}), "outbox_record.kind"),
    ]
    for call, field in cases:
        with pytest.raises(ProtocolError) as caught:
            call()
        assert caught.value.field == field, caught.value
