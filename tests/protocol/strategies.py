"""Hypothesis strategies for every record and payload of SPEC.md, as CODEC_API.md dicts.

Shared with the firmware codec's cross tests:

- `records()` draws `(kind, fields)` for every record kind;
- `record_fields(kind)` draws the fields of one kind;
- `payloads()` draws `(msg_type, response, fields)` for every message type
  and direction (msg_type a plain int, response a bool);
- `payload_fields(msg_type, response)` draws one payload's fields;
- `error_details()` draws `{detail, text}`.

Every drawn value is valid: it encodes. Bundle fields carry no `sections`
(the decoder adds them). Sizes are kept small enough for fast tests and so
that every payload fits in 512 bytes.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from protocol import constants as k
from protocol.constants import MsgType
from protocol.records import RECORD_KINDS, encode_record

Fields = dict[str, Any]

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFF_FFFF)
i8 = st.integers(-0x80, 0x7F)


def _dict(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Fields]:
    return st.fixed_dictionaries(fields)


def _fields(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Fields]:
    return st.fixed_dictionaries(fields)


def blob(size: int) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=size, max_size=size)


def ascending_ids(max_size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(u32, unique=True, max_size=max_size).map(sorted)


def utf8_text(max_bytes: int, max_chars: int | None = None) -> st.SearchStrategy[str]:
    chars = st.characters(codec="utf-8")
    return st.text(chars, max_size=max_chars or max_bytes).filter(
        lambda text: len(text.encode("utf-8")) <= max_bytes
    )


display_names = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), max_size=k.DISPLAY_NAME_SIZE
).filter(lambda name: len(name.encode("utf-8")) <= k.DISPLAY_NAME_SIZE)

permission_sets = _fields(
    {
        "format": st.just(1),
        "flags": u8,
        "key_id": u32,
        "key_public": blob(32),
        "serial": u32,
        "valid_from": u32,
        "valid_until": u32,
        "unit_id": u32,
        "authority_key_id": blob(8),
        "lock_ids": ascending_ids(64),
        "signature": blob(64),
    }
)

blocklists = _fields(
    {
        "format": st.just(1),
        "flags": u8,
        "version": u32,
        "issued_at": u32,
        "authority_key_id": blob(8),
        "key_ids": ascending_ids(64),
        "signature": blob(64),
    }
)

audit_events = _fields(
    {
        "format": st.just(1),
        "outcome": u8,
        "blocklist_version": u16,
        "lock_id": u32,
        "key_id": u32,
        "time": u32,
        "lock_seq": u32,
        "mac": blob(16),
    }
)

audit_batches = _fields(
    {
        "format": st.just(1),
        "flags": u8,
        "key_id": u32,
        "first_seq": u32,
        "events": st.lists(audit_events, max_size=8),
    }
)

service_tokens = _fields(
    {
        "format": st.just(1),
        "serial": u16,
        "station_id": u32,
        "technician_id": u32,
        "permissions": u32,
        "not_before": u32,
        "not_after": u32,
        "authority_key_id": blob(8),
        "signature": blob(64),
    }
)

lock_event_records = _fields(
    {
        "kind": st.just(1),
        "event": audit_events,
        "received_at": u32,
    }
)
station_event_records = _fields(
    {
        "kind": st.just(2),
        "key_id": u32,
        "time": u32,
        "reason": u8,
        "detail": u32,
    }
)
outbox_records = st.one_of(lock_event_records, station_event_records)

upload_batches = _fields(
    {
        "format": st.just(1),
        "flags": u8,
        "station_id": u32,
        "first_index": u32,
        "outbox_epoch": u32,
        "records": st.lists(outbox_records, max_size=8),
    }
)

bundle_keys = _fields(
    {
        "key_id": u32,
        "flags": u8,
        "key_public": blob(32),
        "code_salt": blob(16),
        "code_verifier": blob(16),
        "display_name": display_names,
    }
)

set_entries = _fields(
    {
        "serial": u32,
        "valid_from": u32,
        "valid_until": u32,
        "lock_list": u16,
        "signature": blob(64),
    }
)


@st.composite
def bundles(draw: st.DrawFn) -> Fields:
    keys = draw(st.lists(bundle_keys, max_size=3, unique_by=lambda key: key["key_id"]))
    keys.sort(key=lambda key: key["key_id"])
    days = draw(st.integers(0, 3))
    lock_lists = draw(st.lists(ascending_ids(6), max_size=3))
    entry = set_entries
    if lock_lists:  # mostly valid references, so rebuilding works
        entry = set_entries.flatmap(
            lambda e: st.integers(0, len(lock_lists) - 1).map(
                lambda index: {**e, "lock_list": index}
            )
        )
    sets = [draw(st.lists(entry, min_size=days, max_size=days)) for _ in keys]
    blocklist = encode_record(
        "blocklist", draw(blocklists.filter(lambda fields: len(fields["key_ids"]) <= 6))
    )
    head = draw(
        _fields(
            {
                "format": st.just(1),
                "flags": u8,
                "unit_id": u32,
                "station_id": u32,
                "serial": u32,
                "issued_at": u32,
                "offline_until": u32,
                "day0_start": u32,
                "code_iterations": u16,
                "authority_key_id": blob(8),
                "signature": blob(64),
            }
        )
    )
    return {
        **head,
        "days": days,
        "lock_lists": lock_lists,
        "keys": keys,
        "sets": sets,
        "blocklist": blocklist,
    }


RECORD_STRATEGIES: dict[str, st.SearchStrategy[Fields]] = {
    "permission_set": permission_sets,
    "blocklist": blocklists,
    "audit_event": audit_events,
    "audit_batch": audit_batches,
    "service_token": service_tokens,
    "bundle": bundles(),
    "upload_batch": upload_batches,
    "outbox_record": outbox_records,
}
assert set(RECORD_STRATEGIES) == set(RECORD_KINDS)


def record_fields(kind: str) -> st.SearchStrategy[Fields]:
    return RECORD_STRATEGIES[kind]


def records() -> st.SearchStrategy[tuple[str, Fields]]:
    return st.sampled_from(RECORD_KINDS).flatmap(
        lambda kind: record_fields(kind).map(lambda fields: (kind, fields))
    )


EMPTY: st.SearchStrategy[Fields] = st.just({})
key_infos = _dict(
    key_id=u32,
    firmware=u16,
    max_payload=u16,
    active_slot=u8,
    slot_a=u8,
    slot_b=u8,
    battery=u8,
    set_serial=u32,
    valid_from=u32,
    valid_until=u32,
    lock_count=u16,
    audit_count=u16,
    audit_capacity=u16,
    last_error=u8,
    flags=u8,
    blocklist_version=u32,
    audit_next_seq=u32,
)
tokens = blob(k.SERVICE_TOKEN_SIZE)

PAYLOAD_STRATEGIES: dict[tuple[MsgType, bool], st.SearchStrategy[Fields]] = {
    (MsgType.HELLO, False): _dict(time=u32, role=u8, max_payload=u16, peer_id=u32),
    (MsgType.HELLO, True): key_infos,
    (MsgType.CHALLENGE, False): _dict(nonce=blob(32)),
    (MsgType.CHALLENGE, True): _dict(signature=blob(64)),
    (MsgType.SET_BAUD, False): _dict(baud=u32),
    (MsgType.SET_BAUD, True): EMPTY,
    (MsgType.PIN_PROOF, False): _dict(derived=blob(16)),
    (MsgType.PIN_PROOF, True): _dict(proof=blob(16)),
    (MsgType.OBJ_BEGIN, False): _dict(obj=u8, size=u32, sha256=blob(32)),
    (MsgType.OBJ_BEGIN, True): _dict(have=u32),
    (MsgType.OBJ_WRITE, False): _dict(
        obj=u8, offset=u32, data=st.binary(min_size=1, max_size=k.MAX_CHUNK)
    ),
    (MsgType.OBJ_WRITE, True): _dict(have=u32),
    (MsgType.OBJ_COMMIT, False): _dict(obj=u8, sha256=blob(32)),
    (MsgType.OBJ_COMMIT, True): st.one_of(EMPTY, _dict(active_slot=u8)),
    (MsgType.OBJ_STAT, False): _dict(obj=u8),
    (MsgType.OBJ_STAT, True): _dict(size=u32, sha256=blob(32)),
    (MsgType.OBJ_READ, False): _dict(obj=u8, max_len=u16, offset=u32),
    (MsgType.OBJ_READ, True): _dict(offset=u32, data=st.binary(max_size=k.MAX_PAYLOAD - 4)),
    (MsgType.AUDIT_ACK, False): _dict(through_seq=u32),
    (MsgType.AUDIT_ACK, True): _dict(remaining=u16),
    (MsgType.AUDIT_APPEND, False): _dict(event=audit_events),
    (MsgType.AUDIT_APPEND, True): _dict(count=u16),
    (MsgType.DIAG, False): EMPTY,
    (MsgType.DIAG, True): _dict(
        uptime_s=u32,
        write_cycles=u32,
        battery_mv=u16,
        temperature_c=i8,
        last_error=u8,
        crc_errors=u16,
    ),
    (MsgType.SVC_STATUS, False): EMPTY,
    (MsgType.SVC_STATUS, True): _dict(
        station_id=u32,
        unit_id=u32,
        firmware=u16,
        online=u8,
        last_error=u8,
        clock=u32,
        bundle_serial=u32,
        bundle_issued=u32,
        offline_until=u32,
        outbox_records=u32,
        outbox_bytes=u32,
        flash_free=u32,
        last_upload=u32,
        uptime_s=u32,
        crc_errors=u16,
        key_present=u8,
        flags=u8,
    ),
    (MsgType.SVC_CACHE_INFO, False): EMPTY,
    (MsgType.SVC_CACHE_INFO, True): _dict(
        bundle_serial=u32,
        bundle_size=u32,
        header_sha256=blob(32),
        keys=u16,
        lock_lists=u16,
        days=u16,
        blocklist_version=u32,
        day0_start=u32,
    ),
    (MsgType.SVC_OUTBOX_INFO, False): EMPTY,
    (MsgType.SVC_OUTBOX_INFO, True): _dict(
        records=u32,
        bytes=u32,
        capacity_bytes=u32,
        oldest_time=u32,
        next_index=u32,
        last_ack_time=u32,
        full=u8,
    ),
    (MsgType.SVC_KEY_INFO, False): EMPTY,
    (MsgType.SVC_KEY_INFO, True): key_infos,
    (MsgType.SVC_LOG_TAIL, False): _dict(from_seq=u32, max_bytes=u16),
    (MsgType.SVC_LOG_TAIL, True): _dict(
        first_seq=u32, next_seq=u32, text=utf8_text(k.MAX_PAYLOAD - 8, max_chars=120)
    ),
    (MsgType.SVC_AUDIT_READ, False): _dict(from_index=u32, max_records=u16),
    (MsgType.SVC_AUDIT_READ, True): _dict(
        total=u32, first_index=u32, records=st.lists(outbox_records, max_size=10)
    ),
    (MsgType.SVC_SELFTEST, False): EMPTY,
    (MsgType.SVC_SELFTEST, True): _dict(checks=st.lists(_dict(check=u8, status=u8), max_size=20)),
    (MsgType.SVC_SET_CLOCK, False): _dict(token=tokens, time=u32),
    (MsgType.SVC_SET_CLOCK, True): EMPTY,
    (MsgType.SVC_CLEAR_OUTBOX, False): _dict(token=tokens, through_index=u32),
    (MsgType.SVC_CLEAR_OUTBOX, True): _dict(removed=u32),
    (MsgType.SVC_FACTORY_RESET, False): _dict(token=tokens),
    (MsgType.SVC_FACTORY_RESET, True): EMPTY,
    (MsgType.SVC_MAINTENANCE, False): _dict(token=tokens),
    (MsgType.SVC_MAINTENANCE, True): EMPTY,
}
assert set(PAYLOAD_STRATEGIES) == {(t, r) for t in MsgType for r in (False, True)}

PAYLOAD_KEYS = sorted((int(t), r) for t, r in PAYLOAD_STRATEGIES)


def payload_fields(msg_type: int, response: bool) -> st.SearchStrategy[Fields]:
    return PAYLOAD_STRATEGIES[MsgType(msg_type), response]


def payloads() -> st.SearchStrategy[tuple[int, bool, Fields]]:
    return st.sampled_from(PAYLOAD_KEYS).flatmap(
        lambda key: payload_fields(*key).map(lambda fields: (key[0], key[1], fields))
    )


def error_details() -> st.SearchStrategy[Fields]:
    ascii_text = st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=k.MAX_ERROR_TEXT
    )
    return _dict(detail=u32, text=st.one_of(utf8_text(k.MAX_ERROR_TEXT, max_chars=24), ascii_text))
