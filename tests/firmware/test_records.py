"""firmware.records, firmware.record_layouts and firmware.record_encoders against bytes written
out by hand from SPEC.md's tables (tests/firmware/wire_samples.py), and the golden vectors.

Malformed inputs must raise CodecError naming the field at fault.

Portable: runs under MicroPython (tests/micropython_runner.py) and pytest.
"""

from binascii import unhexlify

from firmware.payloads import decode_payload, encode_payload
from firmware.record_encoders import encode_record
from firmware.records import decode_record, signed_part
from firmware.wire_fields import CodecError
from firmware.wire_messages import decode_error, decode_message, encode_error, encode_message
from tests.firmware.wire_samples import (
    AKID,
    BLOCKLIST,
    BLOCKLIST_BYTES,
    EVENT,
    EVENT_BYTES,
    LOCK_RECORD,
    LOCK_RECORD_BYTES,
    MAC,
    PAYLOADS,
    SIG,
    STATION_RECORD,
    STATION_RECORD_BYTES,
    bundle_fields,
    fails,
    hand_bundle,
    le16,
    le32,
    unhex,
)


def _only_codec_error(func, *args):
    """Call func; a CodecError is fine, any other exception fails the test."""
    try:
        func(*args)
    except CodecError:
        return False
    return True


def _round_trip(kind, fields, expected):
    assert encode_record(kind, fields) == expected
    assert decode_record(kind, expected) == fields
    assert decode_record(kind, memoryview(expected)) == fields
    assert decode_record(kind, bytearray(expected)) == fields


# --- 8.1 permission set -------------------------------------------------------------

PUB = b"\x11" * 32

PERMSET = {
    "format": 1,
    "flags": 0,
    "key_id": 0x01020304,
    "key_public": PUB,
    "serial": 7,
    "valid_from": 1700000000,
    "valid_until": 1700129600,
    "unit_id": 9,
    "authority_key_id": AKID,
    "lock_ids": [10, 0x01000000],
    "signature": SIG,
}
PERMSET_BYTES = (
    b"SKPS"  # 0 magic
    + unhex("01")  # 4 format
    + unhex("00")  # 5 flags
    + unhex("0200")  # 6 lock_count
    + unhex("04030201")  # 8 key_id
    + PUB  # 12 key_public
    + unhex("07000000")  # 44 serial
    + le32(1700000000)  # 48 valid_from
    + le32(1700129600)  # 52 valid_until
    + unhex("09000000")  # 56 unit_id
    + AKID  # 60 authority_key_id
    + unhex("0a000000 00000001")  # 68 lock_ids
    + SIG  # 68 + 4n signature
)


def test_permission_set_golden():
    assert len(PERMSET_BYTES) == 132 + 4 * 2  # 8.1: size 132 + 4n
    _round_trip("permission_set", PERMSET, PERMSET_BYTES)
    assert signed_part("permission_set", PERMSET_BYTES) == PERMSET_BYTES[:76]


def test_permission_set_budget_40_locks():
    fields = dict(PERMSET)
    fields["lock_ids"] = list(range(1, 41))
    assert len(encode_record("permission_set", fields)) == 292  # 8.1 and 12


def test_permission_set_empty_and_full():
    for n in (0, 1024):
        fields = dict(PERMSET)
        fields["lock_ids"] = list(range(1, n + 1))
        data = encode_record("permission_set", fields)
        assert len(data) == 132 + 4 * n
        assert decode_record("permission_set", data) == fields
    fields["lock_ids"] = list(range(1, 1026))
    fails("lock_ids", encode_record, "permission_set", fields)


def test_permission_set_malformed():
    data = bytearray(PERMSET_BYTES)
    data[0:4] = b"SKPX"
    fails("magic", decode_record, "permission_set", bytes(data))
    data = bytearray(PERMSET_BYTES)
    data[4] = 2
    fails("format", decode_record, "permission_set", bytes(data))
    fails("signature", decode_record, "permission_set", PERMSET_BYTES[:-1])
    fails("lock_ids", decode_record, "permission_set", PERMSET_BYTES[:70])
    fails("key_public", decode_record, "permission_set", PERMSET_BYTES[:20])
    fails("length", decode_record, "permission_set", PERMSET_BYTES + b"\x00")
    data = bytearray(PERMSET_BYTES)
    data[6:8] = le16(1025)
    fails("lock_count", decode_record, "permission_set", bytes(data))
    # ids must be strictly ascending: swapped, then equal
    swapped = PERMSET_BYTES[:68] + unhex("00000001 0a000000") + SIG
    fails("lock_ids[1]", decode_record, "permission_set", swapped)
    equal = PERMSET_BYTES[:68] + unhex("0a000000 0a000000") + SIG
    fails("lock_ids[1]", decode_record, "permission_set", equal)


def test_permission_set_encoder_refuses_bad_fields():
    def bad(name, value):
        fields = dict(PERMSET)
        fields[name] = value
        return fields

    fails("lock_ids[1]", encode_record, "permission_set", bad("lock_ids", [5, 5]))
    fails("lock_ids[0]", encode_record, "permission_set", bad("lock_ids", [-1]))
    fails("lock_ids[0]", encode_record, "permission_set", bad("lock_ids", [1 << 32]))
    fails("key_public", encode_record, "permission_set", bad("key_public", b"\x11" * 31))
    fails("key_id", encode_record, "permission_set", bad("key_id", 1 << 32))
    fails("key_id", encode_record, "permission_set", bad("key_id", "7"))
    fails("flags", encode_record, "permission_set", bad("flags", 256))
    fails("format", encode_record, "permission_set", bad("format", 2))
    fails("signature", encode_record, "permission_set", bad("signature", None))
    fields = dict(PERMSET)
    del fields["serial"]
    fails("serial", encode_record, "permission_set", fields)


def test_blocklist_golden():
    assert len(BLOCKLIST_BYTES) == 88 + 4 * 3  # 8.2: size 88 + 4n
    _round_trip("blocklist", BLOCKLIST, BLOCKLIST_BYTES)
    assert signed_part("blocklist", BLOCKLIST_BYTES) == BLOCKLIST_BYTES[:36]


def test_blocklist_budget_50_keys():
    fields = dict(BLOCKLIST)
    fields["key_ids"] = list(range(1, 51))
    assert len(encode_record("blocklist", fields)) == 288  # 8.2 and 12


def test_blocklist_malformed():
    data = bytearray(BLOCKLIST_BYTES)
    data[6:8] = le16(4097)
    fails("count", decode_record, "blocklist", bytes(data))
    data = bytearray(BLOCKLIST_BYTES)
    data[28:32] = le32(4)
    fails("key_ids[1]", decode_record, "blocklist", bytes(data))
    fails("magic", decode_record, "blocklist", PERMSET_BYTES)
    fails("length", decode_record, "blocklist", BLOCKLIST_BYTES + b"\x00")


EVENT2 = dict(EVENT, outcome=0, lock_seq=43)
EVENT2_BYTES = unhex("01 00 0201 33221100 64000000 00000065 2b000000") + MAC


def test_audit_event_golden():
    assert len(EVENT_BYTES) == 36  # 8.3
    _round_trip("audit_event", EVENT, EVENT_BYTES)
    # an event made without the field (a lock that predates it) carries version 0
    without = dict(EVENT)
    del without["blocklist_version"]
    assert encode_record("audit_event", without)[2:4] == b"\x00\x00"


def test_audit_event_malformed():
    fails("format", decode_record, "audit_event", b"\x02" + EVENT_BYTES[1:])
    fails("mac", decode_record, "audit_event", EVENT_BYTES[:35])
    fails("length", decode_record, "audit_event", EVENT_BYTES + b"\x00")
    fails("mac", encode_record, "audit_event", dict(EVENT, mac=b"\x00" * 15))
    fails("outcome", encode_record, "audit_event", dict(EVENT, outcome=-1))


AUDIT_BATCH = {"format": 1, "flags": 0, "key_id": 100, "first_seq": 41, "events": [EVENT, EVENT2]}
AUDIT_BATCH_BYTES = (
    b"SKAB"  # 0 magic
    + unhex("01 00")  # 4 format, 5 flags
    + unhex("0200")  # 6 count
    + unhex("64000000")  # 8 key_id
    + unhex("29000000")  # 12 first_seq
    + EVENT_BYTES
    + EVENT2_BYTES  # 16 events
)


def test_audit_batch_golden():
    assert len(AUDIT_BATCH_BYTES) == 16 + 36 * 2  # 8.3
    _round_trip("audit_batch", AUDIT_BATCH, AUDIT_BATCH_BYTES)
    empty = dict(AUDIT_BATCH, events=[])
    _round_trip(
        "audit_batch", empty, AUDIT_BATCH_BYTES[:6] + unhex("0000") + AUDIT_BATCH_BYTES[8:16]
    )


def test_audit_batch_budget_200_events():
    fields = dict(AUDIT_BATCH, events=[EVENT] * 200)
    assert len(encode_record("audit_batch", fields)) == 7216  # 12


def test_audit_batch_malformed():
    bad = AUDIT_BATCH_BYTES[:52] + b"\x07" + AUDIT_BATCH_BYTES[53:]
    fails("events[1].format", decode_record, "audit_batch", bad)
    fails("events[1]", decode_record, "audit_batch", AUDIT_BATCH_BYTES[:-1])
    fails("length", decode_record, "audit_batch", AUDIT_BATCH_BYTES + b"\x00")
    fields = dict(AUDIT_BATCH, events=[EVENT, dict(EVENT2, mac=b"")])
    fails("events[1].mac", encode_record, "audit_batch", fields)


# --- 8.5 service token ----------------------------------------------------------------

TOKEN = {
    "format": 1,
    "serial": 0x0203,
    "station_id": 77,
    "technician_id": 501,
    "permissions": 5,
    "not_before": 0x65000000,
    "not_after": 0x65000E10,
    "authority_key_id": AKID,
    "signature": SIG,
}
TOKEN_BYTES = (
    b"SKST"  # 0 magic
    + unhex("01 00 0302")  # 4 format, 5 reserved, 6 serial
    + unhex("4d000000")  # 8 station_id
    + unhex("f5010000")  # 12 technician_id
    + unhex("05000000")  # 16 permissions
    + unhex("00000065")  # 20 not_before
    + unhex("100e0065")  # 24 not_after
    + AKID  # 28 authority_key_id
    + SIG  # 36 signature
)


def test_service_token_golden():
    assert len(TOKEN_BYTES) == 100  # 8.5
    _round_trip("service_token", TOKEN, TOKEN_BYTES)
    assert signed_part("service_token", TOKEN_BYTES) == TOKEN_BYTES[:36]


def test_service_token_malformed():
    fails("signature", decode_record, "service_token", TOKEN_BYTES[:99])
    fails("length", decode_record, "service_token", TOKEN_BYTES + b"\x00")
    fails("magic", decode_record, "service_token", b"SKSX" + TOKEN_BYTES[4:])


def test_outbox_records_golden():
    assert len(LOCK_RECORD_BYTES) == 42 and len(STATION_RECORD_BYTES) == 18
    _round_trip("outbox_record", LOCK_RECORD, LOCK_RECORD_BYTES)
    _round_trip("outbox_record", STATION_RECORD, STATION_RECORD_BYTES)


def test_outbox_record_malformed():
    fails("kind", decode_record, "outbox_record", b"\x03\x10" + bytes(16))
    fails("length", decode_record, "outbox_record", b"\x01\x27" + LOCK_RECORD_BYTES[2:])
    fails("length", decode_record, "outbox_record", b"\x02\x28" + STATION_RECORD_BYTES[2:])
    fails("received_at", decode_record, "outbox_record", LOCK_RECORD_BYTES[:-1])
    fails("event.mac", decode_record, "outbox_record", LOCK_RECORD_BYTES[:30])
    fails("detail", decode_record, "outbox_record", STATION_RECORD_BYTES[:-1])
    fails("length", decode_record, "outbox_record", STATION_RECORD_BYTES + b"\x00")
    fails(
        "event.format",
        encode_record,
        "outbox_record",
        dict(LOCK_RECORD, event=dict(EVENT, format=0)),
    )
    fails("kind", encode_record, "outbox_record", dict(STATION_RECORD, kind=3))


UPLOAD = {
    "format": 1,
    "flags": 0,
    "station_id": 77,
    "first_index": 5,
    "outbox_epoch": 0xA1B2C3D4,
    "records": [LOCK_RECORD, STATION_RECORD],
}
UPLOAD_BYTES = (
    b"SKUP"  # 0 magic
    + unhex("01 00")  # 4 format, 5 flags
    + unhex("0200")  # 6 count
    + unhex("4d000000")  # 8 station_id
    + unhex("05000000")  # 12 first_index
    + unhex("d4c3b2a1")  # 16 outbox_epoch
    + LOCK_RECORD_BYTES
    + STATION_RECORD_BYTES  # 20 records
)


def test_upload_batch_golden():
    _round_trip("upload_batch", UPLOAD, UPLOAD_BYTES)


def test_upload_batch_malformed():
    fails("records[1].detail", decode_record, "upload_batch", UPLOAD_BYTES[:-1])
    fails("length", decode_record, "upload_batch", UPLOAD_BYTES + b"\x02")
    bad = UPLOAD_BYTES[:62] + b"\x09" + UPLOAD_BYTES[63:]
    fails("records[1].kind", decode_record, "upload_batch", bad)
    fields = dict(UPLOAD, records=[LOCK_RECORD, dict(STATION_RECORD, reason=300)])
    fails("records[1].reason", encode_record, "upload_batch", fields)


def test_anything_malformed_is_a_codec_error():
    # whatever garbage comes in, the only exception is CodecError
    samples = [
        b"",
        b"\x00",
        b"\xff" * 3,
        b"SKPS",
        b"SKSB" + bytes(300),
        PERMSET_BYTES[:100],
        None,
        5,
        "text",
    ]
    kinds = (
        "permission_set",
        "blocklist",
        "audit_event",
        "audit_batch",
        "service_token",
        "bundle",
        "upload_batch",
        "outbox_record",
    )
    for sample in samples:
        for kind in kinds:
            _only_codec_error(decode_record, kind, sample)
        for msg_type, response, _f, _d in PAYLOADS:
            _only_codec_error(decode_payload, msg_type, response, sample)
        _only_codec_error(decode_message, sample)
        _only_codec_error(decode_error, sample)
    fails("kind", decode_record, "no_such_kind", b"")
    for kind in kinds:
        fails("", encode_record, kind, None)
        _only_codec_error(encode_record, kind, {})
    for msg_type, response, _f, _d in PAYLOADS:
        _only_codec_error(encode_payload, msg_type, response, {"data": 5, "event": 5})
    fails("kind", signed_part, "audit_event", EVENT_BYTES)


# --- protocol/vectors: the golden vectors that are part of SPEC.md -------------------------------


def _vectors(kinds_wanted):
    """(name, kind, msg_type, response, data, fields or None) of every vector for this codec."""
    import json
    import os

    parts = __file__.split("/")
    root = "/".join(parts[:-3]) or "."
    folder = root + "/protocol/vectors"
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        with open(folder + "/" + name) as f:
            doc = json.load(f)
        bytes_fields = doc["bytes_fields"]
        for vector in doc["vectors"]:
            kind = vector.get("kind")
            if kind is not None and kind not in kinds_wanted:
                continue
            fields = vector.get("fields")
            if fields is not None:
                fields = _from_json(fields, bytes_fields)
            out.append(
                (
                    name + ": " + vector["name"],
                    kind,
                    vector.get("msg_type"),
                    vector.get("response"),
                    unhexlify(vector["hex"]),
                    fields,
                )
            )
    return out


def _from_json(value, bytes_fields):
    if isinstance(value, dict):
        out = {}
        for key in value:
            item = value[key]
            if key in bytes_fields and isinstance(item, str):
                out[key] = unhexlify(item)
            else:
                out[key] = _from_json(item, bytes_fields)
        return out
    if isinstance(value, list):
        return [_from_json(item, bytes_fields) for item in value]
    return value


_RECORD_KINDS = (
    "permission_set",
    "blocklist",
    "audit_event",
    "audit_batch",
    "service_token",
    "bundle",
    "upload_batch",
    "outbox_record",
)


def _decode_vector(kind, msg_type, response, data):
    if kind == "message":
        return decode_message(data)
    if kind == "error_detail":
        return decode_error(data)
    if kind is None:
        return decode_payload(msg_type, response, data)
    return decode_record(kind, data)


def _encode_vector(kind, msg_type, response, fields):
    if kind == "message":
        return encode_message(
            fields["type"],
            fields["seq"],
            fields["payload"],
            bool(fields["flags"] & 1),
            fields["status"],
        )
    if kind == "error_detail":
        return encode_error(fields["detail"], fields["text"])
    if kind is None:
        return encode_payload(msg_type, response, fields)
    return encode_record(kind, fields)


def test_golden_vectors():
    kinds = ["message", "error_detail"]
    kinds.extend(_RECORD_KINDS)
    vectors = _vectors(kinds)
    assert len(vectors) > 50
    for name, kind, msg_type, response, data, fields in vectors:
        if fields is None:  # must be refused (the field may be named differently)
            try:
                _decode_vector(kind, msg_type, response, data)
            except CodecError:
                continue
            raise AssertionError("accepted " + name)
        assert _decode_vector(kind, msg_type, response, data) == fields, name
        if kind == "message":
            # encode_message writes version 1 and flags from response and status only
            flags = fields["flags"] & 1 | (2 if fields["status"] else 0)
            if fields["version"] != 1 or fields["flags"] != flags:
                continue
        assert _encode_vector(kind, msg_type, response, fields) == data, name


def test_encoders_refuse_what_they_would_otherwise_drop():
    # an unknown (misspelt) key, a bool for an integer, format True
    fails("lockids", encode_record, "permission_set", dict(PERMSET, lockids=[]))
    fails("extra", encode_payload, 0x20, False, {"through_seq": 1, "extra": 0})
    fails("extra", encode_payload, 0x12, True, {"extra": 0})
    fails(
        "events[0].x",
        encode_record,
        "audit_batch",
        dict(AUDIT_BATCH, events=[dict(EVENT, x=1)]),
    )
    fails("online", encode_payload, 0x40, True, dict(PAYLOADS[25][2], online=True))
    fails("format", encode_record, "audit_event", dict(EVENT, format=True))
    fails(
        "type",
        encode_payload,
        True,
        False,
        {"time": 0, "role": 1, "max_payload": 0, "peer_id": 0},
    )
    fails("response", encode_payload, 0x20, 1, {"through_seq": 1})
    # a decoded bundle (with its sections) encodes again
    data, table = hand_bundle()
    assert encode_record("bundle", decode_record("bundle", data)) == data
    fails("extra", encode_record, "bundle", dict(bundle_fields(table), extra=1))
