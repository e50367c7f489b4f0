"""Records, payloads and a bundle written out by hand from SPEC.md's tables, for the codec tests.

Integers are spelled little-endian by the helpers here (plain arithmetic, not ``struct``),
so the expectations do not share code with the codec (firmware.records and the modules
beside it); each sample names the SPEC.md section its layout comes from. Portable: imported
under MicroPython too.
"""

from binascii import unhexlify
from hashlib import sha256

from firmware.wire_fields import CodecError


def unhex(text):
    return unhexlify(text.replace(" ", ""))


def le16(n):
    return bytes((n & 0xFF, n >> 8 & 0xFF))


def le32(n):
    return bytes((n & 0xFF, n >> 8 & 0xFF, n >> 16 & 0xFF, n >> 24 & 0xFF))


def fails(field, func, *args):
    try:
        func(*args)
    except CodecError as exc:
        assert exc.field == field, "field %r, expected %r (%s)" % (exc.field, field, exc)
        assert isinstance(exc, ValueError)
        return
    raise AssertionError("no CodecError, expected one for %r" % field)


AKID = b"\xaa" * 8
SIG = b"\x22" * 64


# --- 8.2 blocklist ------------------------------------------------------------------

BLOCKLIST = {
    "format": 1,
    "flags": 0,
    "version": 6,
    "issued_at": 0x65000000,
    "authority_key_id": AKID,
    "key_ids": [5, 300, 0xFFFFFFFF],
    "signature": SIG,
}
BLOCKLIST_BYTES = (
    b"SKBL"  # 0 magic
    + unhex("01 00")  # 4 format, 5 flags
    + unhex("0300")  # 6 count
    + unhex("06000000")  # 8 version
    + unhex("00000065")  # 12 issued_at
    + AKID  # 16 authority_key_id
    + unhex("05000000 2c010000 ffffffff")  # 24 key_ids
    + SIG  # 24 + 4n signature
)


# --- 8.3 audit event and batch --------------------------------------------------------

MAC = b"\x4d" * 16
EVENT = {
    "format": 1,
    "outcome": 4,
    "blocklist_version": 0x0102,
    "lock_id": 0x00112233,
    "key_id": 100,
    "time": 0x65000000,
    "lock_seq": 42,
    "mac": MAC,
}
EVENT_BYTES = (
    unhex("01")  # 0 format
    + unhex("04")  # 1 outcome BLOCKED
    + unhex("0201")  # 2 blocklist_version
    + unhex("33221100")  # 4 lock_id
    + unhex("64000000")  # 8 key_id
    + unhex("00000065")  # 12 time
    + unhex("2a000000")  # 16 lock_seq
    + MAC  # 20 mac
)


# --- 9.1 upload batch and 9.2 outbox records ----------------------------------------------

LOCK_RECORD = {"kind": 1, "event": EVENT, "received_at": 0x65000100}
LOCK_RECORD_BYTES = unhex("01 28") + EVENT_BYTES + unhex("00010065")  # 9.2 kind 1, length 40
STATION_RECORD = {"kind": 2, "key_id": 100, "time": 0x65000200, "reason": 2, "detail": 3}
STATION_RECORD_BYTES = (
    unhex("02 10")  # 9.2 kind 2, length 16
    + unhex("64000000")  # key_id
    + unhex("00020065")  # time
    + unhex("02 000000")  # reason WRONG_CODE, reserved
    + unhex("03000000")  # detail
)


# --- 8.4 station bundle ------------------------------------------------------------------------

KEY_A = {
    "key_id": 100,
    "flags": 0,
    "key_public": b"\x31" * 32,
    "code_salt": b"\x41" * 16,
    "code_verifier": b"\x51" * 16,
    "display_name": "Anna",
}
KEY_B = {
    "key_id": 200,
    "flags": 0,
    "key_public": b"\x32" * 32,
    "code_salt": b"\x42" * 16,
    "code_verifier": b"\x52" * 16,
    "display_name": "Åsa Öberg",  # 11 bytes of UTF-8
}
DAY0 = 1700000000


def day_set(serial, day, lock_list, sig):
    return {
        "serial": serial,
        "valid_from": DAY0 + 86400 * day,
        "valid_until": DAY0 + 86400 * day + 129600,
        "lock_list": lock_list,
        "signature": bytes((sig,)) * 64,
    }


NO_SET = {"serial": 0, "valid_from": 0, "valid_until": 0, "lock_list": 0, "signature": bytes(64)}
SETS = [[day_set(1000, 0, 0, 0x61), NO_SET], [day_set(1001, 0, 1, 0x62), day_set(1002, 1, 0, 0x63)]]


def key_entry_bytes(key, name_bytes):
    # 8.4 KEYS entry, 88 bytes
    return (
        le32(key["key_id"])  # 0 key_id
        + b"\x00"  # 4 flags
        + b"\x00\x00\x00"  # 5 reserved
        + key["key_public"]  # 8
        + key["code_salt"]  # 40
        + key["code_verifier"]  # 56
        + name_bytes
        + bytes(16 - len(name_bytes))  # 72 display_name, zero-padded
    )


def set_entry_bytes(entry):
    # 8.4 SETS entry, 80 bytes
    return (
        le32(entry["serial"])
        + le32(entry["valid_from"])
        + le32(entry["valid_until"])
        + le16(entry["lock_list"])
        + b"\x00\x00"
        + entry["signature"]
    )


def hand_bundle(keys=None, names=None, header_days=2, blocklist=BLOCKLIST_BYTES):
    """A bundle spelled out from SPEC.md 8.4, and the sections it should decode to."""
    keys = keys or [KEY_A, KEY_B]
    names = names or [b"Anna", "Åsa Öberg".encode()]
    lock_lists = (
        le16(2)
        + le16(0)  # count, reserved
        + le16(3)
        + le16(0)
        + le32(10)
        + le32(20)
        + le32(30)  # list 0
        + le16(1)
        + le16(0)
        + le32(40)  # list 1
    )
    key_section = le16(len(keys)) + le16(0)
    for i, key in enumerate(keys):
        key_section += key_entry_bytes(key, names[i])
    set_section = le16(2) + le16(2)  # keys, days
    for per_key in SETS:
        for entry in per_key:
            set_section += set_entry_bytes(entry)
    sections = (lock_lists, key_section, set_section, blocklist)
    header = (
        b"SKSB"  # 0 magic
        + b"\x01\x00"  # 4 format, 5 flags
        + le16(4)  # 6 section_count
        + le32(9)  # 8 unit_id
        + le32(77)  # 12 station_id
        + le32(3)  # 16 serial
        + le32(DAY0 + 3600)  # 20 issued_at
        + le32(DAY0 + 3600 + 691200)  # 24 offline_until
        + le32(DAY0)  # 28 day0_start
        + le16(header_days)  # 32 days
        + le16(1000)  # 34 code_iterations
        + AKID  # 36 authority_key_id
    )
    table = []
    offset = 284
    for i, section in enumerate(sections):
        entry = {
            "id": i + 1,
            "offset": offset,
            "length": len(section),
            "sha256": sha256(section).digest(),
        }
        table.append(entry)
        header += bytes((i + 1, 0, 0, 0)) + le32(offset) + le32(len(section)) + entry["sha256"]
        offset += len(section)
    data = header + b"\x5a" * 64 + b"".join(sections)
    return data, table


def bundle_fields(table):
    return {
        "format": 1,
        "flags": 0,
        "unit_id": 9,
        "station_id": 77,
        "serial": 3,
        "issued_at": DAY0 + 3600,
        "offline_until": DAY0 + 3600 + 691200,
        "day0_start": DAY0,
        "days": 2,
        "code_iterations": 1000,
        "authority_key_id": AKID,
        "signature": b"\x5a" * 64,
        "lock_lists": [[10, 20, 30], [40]],
        "keys": [KEY_A, KEY_B],
        "sets": SETS,
        "blocklist": BLOCKLIST_BYTES,
        "sections": table,
    }


# --- 5, 6, 7 payloads --------------------------------------------------------------------------

KEY_INFO = {
    "key_id": 0x0A0B0C0D,
    "firmware": 0x0102,
    "max_payload": 232,
    "active_slot": 1,
    "slot_a": 2,
    "slot_b": 1,
    "battery": 87,
    "set_serial": 5,
    "valid_from": 0x01020304,
    "valid_until": 0x05060708,
    "lock_count": 40,
    "audit_count": 3,
    "audit_capacity": 200,
    "last_error": 9,
    "flags": 1,
    "blocklist_version": 6,
    "audit_next_seq": 1000,
}
# 5.1 KEY_INFO, offsets 0 4 6 8 9 10 11 12 16 20 24 26 28 30 31 32 36
KEY_INFO_BYTES = unhex(
    "0d0c0b0a 0201 e800 01 02 01 57 05000000 04030201 08070605"
    " 2800 0300 c800 09 01 06000000 e8030000"
)
TOKEN_100 = bytes(range(100))
TEXT = "10 1700000000 I boot\n11 1700000001 W åtgärd\n"

# (type, response, fields, payload bytes)
PAYLOADS = (
    (
        0x01,
        False,
        {"time": 0x12345678, "role": 1, "max_payload": 512, "peer_id": 77},
        unhex("78563412 01 00 0002 4d000000"),
    ),
    (0x01, True, KEY_INFO, KEY_INFO_BYTES),
    (0x02, False, {"nonce": b"\x42" * 32}, b"\x42" * 32),
    (0x02, True, {"signature": b"\x43" * 64}, b"\x43" * 64),
    (0x03, False, {"baud": 921600}, unhex("00100e00")),
    (0x03, True, {}, b""),
    (
        0x10,
        False,
        {"obj": 1, "size": 292, "sha256": b"\x44" * 32},
        unhex("01 000000 24010000") + b"\x44" * 32,
    ),
    (0x10, True, {"have": 100}, unhex("64000000")),
    (0x11, False, {"obj": 2, "offset": 504, "data": b"abc"}, unhex("02 000000 f8010000") + b"abc"),
    (0x11, True, {"have": 507}, unhex("fb010000")),
    (0x12, False, {"obj": 1, "sha256": b"\x45" * 32}, unhex("01 000000") + b"\x45" * 32),
    (0x12, True, {"active_slot": 1}, unhex("01")),
    (0x12, True, {}, b""),
    (0x13, False, {"obj": 3}, unhex("03 000000")),
    (0x13, True, {"size": 7216, "sha256": b"\x46" * 32}, unhex("301c0000") + b"\x46" * 32),
    (0x14, False, {"obj": 3, "max_len": 504, "offset": 1008}, unhex("03 00 f801 f0030000")),
    (0x14, True, {"offset": 1008, "data": b"xyz"}, unhex("f0030000") + b"xyz"),
    (0x14, True, {"offset": 1008, "data": b""}, unhex("f0030000")),
    (0x20, False, {"through_seq": 256}, unhex("00010000")),
    (0x20, True, {"remaining": 2}, unhex("0200")),
    (0x21, False, {"event": EVENT}, EVENT_BYTES),
    (0x21, True, {"count": 5}, unhex("0500")),
    (0x30, False, {}, b""),
    (
        0x30,
        True,
        {
            "uptime_s": 3600,
            "write_cycles": 70000,
            "battery_mv": 2950,
            "temperature_c": -5,
            "last_error": 0,
            "crc_errors": 3,
        },
        unhex("100e0000 70110100 860b fb 00 0300 0000"),  # 5.8
    ),
    (0x40, False, {}, b""),
    (
        0x40,
        True,
        {
            "station_id": 77,
            "unit_id": 9,
            "firmware": 0x0103,
            "online": 1,
            "last_error": 11,
            "clock": 0x65000000,
            "bundle_serial": 3,
            "bundle_issued": 0x64FFFF00,
            "offline_until": 0x650A8C00,
            "outbox_records": 12,
            "outbox_bytes": 300,
            "flash_free": 0x100000,
            "last_upload": 0,
            "uptime_s": 86400,
            "crc_errors": 2,
            "key_present": 1,
            "flags": 5,
        },
        # 7 STATION_STATUS, 52 bytes
        unhex(
            "4d000000 09000000 0301 01 0b 00000065 03000000 00ffff64 008c0a65"
            " 0c000000 2c010000 00001000 00000000 80510100 0200 01 05"
        ),
    ),
    (0x41, False, {}, b""),
    (
        0x41,
        True,
        {
            "bundle_serial": 3,
            "bundle_size": 73628,
            "header_sha256": b"\x47" * 32,
            "keys": 100,
            "lock_lists": 1,
            "days": 8,
            "blocklist_version": 6,
            "day0_start": 0x64FE0000,
        },
        # 7 CACHE_INFO, 56 bytes
        unhex("03000000 9c1f0100") + b"\x47" * 32 + unhex("6400 0100 0800 0000 06000000 0000fe64"),
    ),
    (0x42, False, {}, b""),
    (
        0x42,
        True,
        {
            "records": 12,
            "bytes": 300,
            "capacity_bytes": 0x20000,
            "oldest_time": 0x64000000,
            "next_index": 1234,
            "last_ack_time": 0,
            "full": 0,
        },
        # 7 OUTBOX_INFO, 28 bytes
        unhex("0c000000 2c010000 00000200 00000064 d2040000 00000000 00 000000"),
    ),
    (0x43, False, {}, b""),
    (0x43, True, KEY_INFO, KEY_INFO_BYTES),
    (0x44, False, {"from_seq": 10, "max_bytes": 400}, unhex("0a000000 9001 0000")),
    (
        0x44,
        True,
        {"first_seq": 10, "next_seq": 12, "text": TEXT},
        unhex("0a000000 0c000000") + TEXT.encode(),
    ),
    (0x45, False, {"from_index": 5, "max_records": 10}, unhex("05000000 0a00 0000")),
    (
        0x45,
        True,
        {"total": 2, "first_index": 5, "records": [LOCK_RECORD, STATION_RECORD]},
        unhex("02000000 05000000 0200 0000") + LOCK_RECORD_BYTES + STATION_RECORD_BYTES,
    ),
    (0x46, False, {}, b""),
    (
        0x46,
        True,
        {"checks": [{"check": 1, "status": 0}, {"check": 5, "status": 14}]},
        unhex("02 0100 050e"),
    ),
    (0x50, False, {"token": TOKEN_100, "time": 0x65000000}, TOKEN_100 + unhex("00000065")),
    (0x50, True, {}, b""),
    (0x51, False, {"token": TOKEN_100, "through_index": 1233}, TOKEN_100 + unhex("d1040000")),
    (0x51, True, {"removed": 7}, unhex("07000000")),
    (0x52, False, {"token": TOKEN_100}, TOKEN_100),
    (0x52, True, {}, b""),
)
