"""firmware.bundle_format (and the bundle encoder) against a bundle written out by hand from
SPEC.md 8.4 (tests/firmware/wire_samples.py).

Malformed inputs must raise CodecError naming the field at fault.

Portable: runs under MicroPython (tests/micropython_runner.py) and pytest.
"""

from firmware.bundle_format import (
    bundle_blocklist,
    bundle_check,
    bundle_find_key,
    bundle_header,
    bundle_key_at,
    bundle_key_count,
    bundle_lock_list,
    bundle_rebuild_permission_set,
    bundle_set_entry,
)
from firmware.record_encoders import encode_record
from firmware.records import decode_record, signed_part
from tests.firmware.wire_samples import (
    AKID,
    BLOCKLIST,
    BLOCKLIST_BYTES,
    DAY0,
    KEY_A,
    KEY_B,
    NO_SET,
    SETS,
    SIG,
    bundle_fields,
    fails,
    hand_bundle,
    le16,
    le32,
    unhex,
)


def test_bundle_golden():
    data, table = hand_bundle()
    assert len(data) == 284 + (4 + 4 + 12 + 4 + 4) + (4 + 2 * 88) + (4 + 4 * 80) + 100
    fields = bundle_fields(table)
    assert decode_record("bundle", data) == fields
    assert decode_record("bundle", memoryview(data)) == fields
    assert encode_record("bundle", fields) == data
    del fields["sections"]  # the encoder computes them
    assert encode_record("bundle", fields) == data
    assert signed_part("bundle", data) == data[:220]


def test_bundle_header_and_check():
    data, table = hand_bundle()
    fields = bundle_fields(table)
    for name in ("lock_lists", "keys", "sets", "blocklist"):
        del fields[name]
    assert bundle_header(data) == fields
    assert bundle_check(data) == fields
    assert bundle_header(memoryview(data)) == fields


def test_bundle_lazy_accessors():
    data, _ = hand_bundle()
    for buf in (data, memoryview(data)):
        header = bundle_header(buf)
        assert bundle_key_count(buf, header) == 2
        assert bundle_find_key(buf, header, 100) == 0
        assert bundle_find_key(buf, header, 200) == 1
        for missing in (0, 99, 150, 201, 0xFFFFFFFF):
            assert bundle_find_key(buf, header, missing) == -1
        assert bundle_key_at(buf, header, 0) == KEY_A
        assert bundle_key_at(buf, header, 1) == KEY_B
        assert bundle_set_entry(buf, header, 1, 1) == SETS[1][1]
        assert bundle_set_entry(buf, header, 0, 1) == NO_SET
        assert bundle_lock_list(buf, header, 0) == [10, 20, 30]
        assert bundle_lock_list(buf, header, 1) == [40]
        assert bundle_blocklist(buf, header) == BLOCKLIST_BYTES
        fails("keys[]", bundle_key_at, buf, header, 2)
        fails("sets[]", bundle_set_entry, buf, header, -1, 0)
        fails("sets[0][]", bundle_set_entry, buf, header, 0, 2)
        fails("lock_lists[]", bundle_lock_list, buf, header, 2)


def test_bundle_rebuild_permission_set():
    data, _ = hand_bundle()
    header = bundle_header(data)
    # 8.4: the set for key k on day d, from KEYS[k], SETS[k][d], its lock list and the header
    expected = (
        b"SKPS"
        + unhex("01 00")  # format 1, flags 0
        + le16(1)  # lock_count of list 1
        + le32(200)  # KEYS[1].key_id
        + b"\x32" * 32  # KEYS[1].key_public
        + le32(1001)  # SETS[1][0].serial
        + le32(DAY0)
        + le32(DAY0 + 129600)
        + le32(9)  # header unit_id
        + AKID  # header authority_key_id
        + le32(40)  # LOCK_LISTS[1]
        + b"\x62" * 64  # SETS[1][0].signature
    )
    assert bundle_rebuild_permission_set(data, header, 1, 0) == expected
    assert bundle_rebuild_permission_set(memoryview(data), header, 1, 0) == expected
    rebuilt = decode_record("permission_set", bundle_rebuild_permission_set(data, header, 0, 0))
    assert rebuilt["key_id"] == 100 and rebuilt["lock_ids"] == [10, 20, 30]
    assert rebuilt["signature"] == b"\x61" * 64 and rebuilt["flags"] == 0
    assert bundle_rebuild_permission_set(data, header, 0, 1) is None  # valid_until 0


def test_bundle_structure_errors():
    data, _ = hand_bundle()
    fails("magic", bundle_header, b"SKSX" + data[4:])
    fails("format", bundle_header, data[:4] + b"\x02" + data[5:])
    fails("section_count", bundle_header, data[:6] + le16(5) + data[8:])
    bad = bytearray(data)
    bad[44] = 2  # first section's id
    fails("sections[0].id", bundle_header, bytes(bad))
    bad = bytearray(data)
    bad[44 + 44 + 4 : 44 + 44 + 8] = le32(284 + 28 + 1)  # KEYS offset one byte late
    fails("sections[1].offset", bundle_header, bytes(bad))
    fails("length", bundle_header, data + b"\x00")
    fails("sections[3].length", bundle_header, data[:-1])
    fails("signature", bundle_header, data[:250])
    fails("sections[2]", bundle_header, data[:140])
    for func in (bundle_check, bundle_header):
        fails("sets", func, hand_bundle(header_days=3)[0])


def test_bundle_hash_checked_by_check_and_decode_not_header():
    data, table = hand_bundle()
    bad = bytearray(data)
    bad[table[1]["offset"] + 4 + 50] ^= 1  # a byte of KEYS[0].code_salt
    bad = bytes(bad)
    assert bundle_header(bad)["serial"] == 3
    fails("sections[1].sha256", bundle_check, bad)
    fails("sections[1].sha256", decode_record, "bundle", bad)


def test_bundle_content_errors():
    # (consistent hashes, so only the content check can catch them)
    unsorted, _ = hand_bundle(keys=[KEY_B, KEY_A], names=["Åsa Öberg".encode(), b"Anna"])
    bundle_header(unsorted)
    fails("keys[1].key_id", bundle_check, unsorted)
    fails("keys[1].key_id", decode_record, "bundle", unsorted)
    nul, _ = hand_bundle(names=[b"An\x00na", b"Bo"])
    fails("keys[0].display_name", decode_record, "bundle", nul)
    fails("keys[0].display_name", bundle_check, nul)
    overlong, _ = hand_bundle(names=[b"\xc0\x80", b"Bo"])  # overlong NUL is not UTF-8
    fails("keys[0].display_name", decode_record, "bundle", overlong)
    bad_blocklist = BLOCKLIST_BYTES[:28] + le32(4) + BLOCKLIST_BYTES[32:]
    data, _ = hand_bundle(blocklist=bad_blocklist)
    fails("blocklist.key_ids[1]", decode_record, "bundle", data)
    data, _ = hand_bundle(blocklist=BLOCKLIST_BYTES[:-1])
    fails("blocklist.signature", bundle_header, data)


def test_bundle_display_names():
    sixteen = "Åsa-Britt Öbergs"  # 18 bytes of UTF-8: too long
    fields = bundle_fields(hand_bundle()[1])
    fields["keys"] = [dict(KEY_A, display_name=sixteen), KEY_B]
    fails("keys[0].display_name", encode_record, "bundle", fields)
    fields["keys"] = [dict(KEY_A, display_name="a\x00b"), KEY_B]
    fails("keys[0].display_name", encode_record, "bundle", fields)
    for name in ("", "x" * 16, "ÅÄÖåäöÉé"):
        fields["keys"] = [dict(KEY_A, display_name=name), KEY_B]
        assert decode_record("bundle", encode_record("bundle", fields))["keys"][0] == dict(
            KEY_A, display_name=name
        )


def test_bundle_encoder_structure():
    fields = bundle_fields(hand_bundle()[1])
    fails("sets", encode_record, "bundle", dict(fields, sets=SETS[:1]))
    fails("sets[1]", encode_record, "bundle", dict(fields, sets=[SETS[0], SETS[1][:1]]))
    fails("keys[1].key_id", encode_record, "bundle", dict(fields, keys=[KEY_A, KEY_A]))
    fails("lock_lists[0][1]", encode_record, "bundle", dict(fields, lock_lists=[[3, 2]]))
    fails("blocklist.magic", encode_record, "bundle", dict(fields, blocklist=b"nope"))
    bad_sets = [SETS[0], [SETS[1][0], dict(SETS[1][1], lock_list=70000)]]
    fails("sets[1][1].lock_list", encode_record, "bundle", dict(fields, sets=bad_sets))


def _big_bundle(blocked):
    sig = b"\x01" * 64
    keys = []
    sets = []
    for k in range(100):
        keys.append(
            {
                "key_id": 1000 + 7 * k,
                "flags": 0,
                "key_public": bytes((k,)) * 32,
                "code_salt": b"\x02" * 16,
                "code_verifier": b"\x03" * 16,
                "display_name": "Nyckel %d" % k,
            }
        )
        sets.append(
            [
                {
                    "serial": k,
                    "valid_from": d,
                    "valid_until": d + 1,
                    "lock_list": 0,
                    "signature": sig,
                }
                for d in range(8)
            ]
        )
    blocklist = dict(BLOCKLIST, key_ids=list(range(1, blocked + 1)))
    return {
        "format": 1,
        "flags": 0,
        "unit_id": 1,
        "station_id": 2,
        "serial": 3,
        "issued_at": 4,
        "offline_until": 5,
        "day0_start": 6,
        "days": 8,
        "code_iterations": 1000,
        "authority_key_id": AKID,
        "signature": SIG,
        "lock_lists": [list(range(1, 61))],
        "keys": keys,
        "sets": sets,
        "blocklist": encode_record("blocklist", blocklist),
    }


def test_bundle_budget():
    # 8.4: 100 keys x 8 days, one shared list of 60 locks, 50 blocked keys: 73,628 bytes;
    # 12: with an empty blocklist 73,428 bytes
    data = encode_record("bundle", _big_bundle(50))
    assert len(data) == 73628
    header = bundle_check(data)
    for k in range(100):
        assert bundle_find_key(data, header, 1000 + 7 * k) == k
        assert bundle_find_key(data, header, 1001 + 7 * k) == -1
    assert len(bundle_rebuild_permission_set(data, header, 99, 7)) == 132 + 4 * 60
    assert len(encode_record("bundle", _big_bundle(0))) == 73428
