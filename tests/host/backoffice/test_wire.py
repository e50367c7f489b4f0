"""The back office's struct fast paths equal the construct reference of protocol/, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from host.backoffice import wire
from protocol.constants import AUDIT_MAC_INPUT_SIZE
from protocol.errors import ProtocolError
from protocol.records import decode_record, encode_record
from tests.protocol import strategies

FAST = settings(max_examples=60, deadline=None)


@FAST
@given(strategies.record_fields("permission_set"))
def test_the_signed_part_of_a_permission_set(fields: dict[str, Any]) -> None:
    fields = {**fields, "flags": 0}
    expected = encode_record("permission_set", fields)[:-64]
    made = wire.permission_set_signed(
        key_id=fields["key_id"],
        key_public=fields["key_public"],
        serial=fields["serial"],
        valid_from=fields["valid_from"],
        valid_until=fields["valid_until"],
        unit_id=fields["unit_id"],
        authority_key_id=fields["authority_key_id"],
        lock_count=len(fields["lock_ids"]),
        packed_locks=wire.pack_ids(fields["lock_ids"]),
    )
    assert made == expected


def _bundle_fields(draw_fields: dict[str, Any]) -> dict[str, Any]:
    """The reference's fields as the back office writes them: flags 0, key ids from 1."""
    fields = {**draw_fields, "flags": 0}
    fields["keys"] = [{**key, "flags": 0} for key in fields["keys"]]
    return fields


@FAST
@given(strategies.record_fields("bundle"))
def test_a_whole_bundle(drawn: dict[str, Any]) -> None:
    fields = _bundle_fields(drawn)
    assume(all(key["key_id"] >= 1 for key in fields["keys"]))
    assume(
        all(
            entry["valid_until"] == 0 or entry["lock_list"] < len(fields["lock_lists"])
            for days in fields["sets"]
            for entry in days
        )
    )
    expected = encode_record("bundle", fields)
    keys = [
        wire.BundleKey(
            k["key_id"], k["key_public"], k["code_salt"], k["code_verifier"], k["display_name"]
        )
        for k in fields["keys"]
    ]
    sets = [
        [
            wire.BundleSet(
                e["serial"], e["valid_from"], e["valid_until"], e["lock_list"], e["signature"]
            )
            for e in days
        ]
        for days in fields["sets"]
    ]
    sections = wire.bundle_sections(
        fields["lock_lists"], keys, sets, fields["days"], fields["blocklist"]
    )
    unsigned = wire.bundle_unsigned(
        unit_id=fields["unit_id"],
        station_id=fields["station_id"],
        serial=fields["serial"],
        issued_at=fields["issued_at"],
        offline_until=fields["offline_until"],
        day0_start=fields["day0_start"],
        days=fields["days"],
        code_iterations=fields["code_iterations"],
        authority_key_id=fields["authority_key_id"],
        sections=sections,
    )
    assert wire.with_bundle_signature(unsigned, fields["signature"]) == expected


def test_bundle_input_the_reference_would_refuse_is_refused() -> None:
    key = wire.BundleKey(5, bytes(32), bytes(16), bytes(16), "Anna")
    entry = wire.BundleSet(1, 1, 2, 0, bytes(64))
    with pytest.raises(wire.WireError, match="ascending"):
        wire.bundle_sections([[1]], [key, key], [[entry], [entry]], 1, b"")
    with pytest.raises(wire.WireError, match="lock list"):
        wire.bundle_sections([], [key], [[entry]], 1, b"")
    with pytest.raises(wire.WireError, match="display_name"):
        long_name = wire.BundleKey(5, bytes(32), bytes(16), bytes(16), "Å" * 9)
        wire.bundle_sections([[1]], [long_name], [[entry]], 1, b"")
    with pytest.raises(wire.WireError, match="days"):
        wire.bundle_sections([[1]], [key], [[entry, entry]], 1, b"")


def _reference(body: bytes) -> dict[str, Any] | None:
    try:
        return decode_record("upload_batch", body)
    except ProtocolError:
        return None


def _fast(body: bytes) -> dict[str, Any] | None:
    try:
        batch = wire.decode_upload(body)
    except wire.WireError:
        return None
    for record in batch["records"]:
        if record["kind"] == 1:
            raw = record.pop("raw")
            # The bytes as sent (reserved bytes may be non-zero) decode to the same event.
            assert decode_record("audit_event", raw) == record["event"]
    return batch


@FAST
@given(strategies.record_fields("upload_batch"))
def test_upload_batches_decode_alike(fields: dict[str, Any]) -> None:
    body = encode_record("upload_batch", fields)
    assert _fast(body) == _reference(body) == fields


@FAST
@given(
    strategies.record_fields("upload_batch"),
    st.integers(0, 400),
    st.integers(0, 255),
    st.sampled_from(["flip", "cut", "grow"]),
)
def test_damaged_upload_batches_are_accepted_or_refused_alike(
    fields: dict[str, Any], where: int, value: int, how: str
) -> None:
    body = bytearray(encode_record("upload_batch", fields))
    if how == "flip" and body:
        body[where % len(body)] = value
    elif how == "cut":
        del body[where % (len(body) + 1) :]
    else:
        body += bytes([value]) * (1 + where % 40)
    assert _fast(bytes(body)) == _reference(bytes(body))


@FAST
@given(strategies.record_fields("audit_event"))
def test_the_bytes_an_audit_events_mac_covers(event: dict[str, Any]) -> None:
    covered = wire.audit_mac_input(
        event["outcome"],
        event["blocklist_version"],
        event["lock_id"],
        event["key_id"],
        event["time"],
        event["lock_seq"],
    )
    assert covered == encode_record("audit_event", event)[:AUDIT_MAC_INPUT_SIZE]
