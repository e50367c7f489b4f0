"""firmware/protocol_constants.py against the reference protocol.constants (CPython only).

Every enum member of protocol.constants has a firmware constant of the same value
(``MsgType.HELLO`` -> ``MSG_HELLO``), every plain constant there has a firmware
twin of the same name and value, and every firmware constant is accounted for:
an enum member, a reference twin, or one of the firmware-only numbers below,
each checked against SPEC.md.
"""

import enum

import protocol.constants as ref
from firmware import protocol_constants as fw

# reference enum -> (firmware prefix, member renames)
ENUMS = {
    "MsgType": ("MSG_", {}),
    "Status": ("ST_", {}),
    "ObjType": ("OBJ_", {"PERMISSION_SET": "PERMSET", "AUDIT_BATCH": "AUDIT"}),
    "Role": ("ROLE_", {}),
    "SlotState": ("SLOT_", {}),
    "Slot": ("SLOT_", {}),
    "KeyInfoFlag": ("KEY_FLAG_", {}),
    "StationFlag": ("STATION_FLAG_", {}),
    "SelfTestCheck": ("CHECK_", {}),
    "Outcome": ("OUT_", {}),
    "SectionId": ("SEC_", {}),
    "OutboxKind": ("OUTBOX_", {}),
    "StationReason": ("REASON_", {}),
    "TokenPermission": ("PERM_", {}),
    "TokenRefusal": ("TOKEN_", {}),
}

# Firmware constants without a reference twin, with the value SPEC.md gives.
FIRMWARE_ONLY = {
    "MSG_VENDOR_FIRST": 0x60,  # 4: 0x60-0x7F vendor diagnostics
    "MSG_VENDOR_LAST": 0x7F,
    "NFC_SELECT": bytes.fromhex("00A4040007F053594E4B303100"),  # 1.2
    "NFC_CLA": 0x80,  # 1.2: request 80 53 00 00 Lc ...
    "NFC_INS": 0x53,
    "NFC_SW_OK": 0x9000,
    "REPLY_TIMEOUT_MS": 250,  # 1.3
    "RETRIES": 3,
    "BAUD_FALLBACK_MS": 1000,  # 1.1
    "OBJ_READ_HEADER_SIZE": 4,  # 6: OBJ_READ answer u32 offset, data
    "PERMISSION_SET_SIGNED_BASE": 68,  # 8.1: signature over [0, 68 + 4n)
    "BLOCKLIST_SIGNED_BASE": 24,  # 8.2: signature over [0, 24 + 4n)
    "BUNDLE_MAX_SIZE": 1024 * 1024,  # 1: bundle <= 1 MiB
    "UPLOAD_MAX_SIZE": 64 * 1024,  # 1: upload <= 64 KiB
    "CODE_SALT_SIZE": 16,  # 8.4 KEYS entry
    "CODE_VERIFIER_SIZE": 16,
    "CODE_DIGITS": 6,
    "OFFLINE_SECONDS": 8 * 86400,  # 8.4: offline_until = issued_at + 8 days
    "DAY_WINDOW_SECONDS": 36 * 3600,  # 8.4: 00:00 of day d to 12:00 of day d + 1
}


def _reference_enums():
    return {
        name: value
        for name, value in vars(ref).items()
        if isinstance(value, type)
        and issubclass(value, enum.Enum)
        and value.__module__ == ref.__name__
    }


def _firmware_constants():
    return {
        name: value
        for name, value in vars(fw).items()
        if name.isupper() and name != "TYPE_CHECKING"
    }


def _reference_plain():
    return {
        name: value
        for name, value in vars(ref).items()
        if name.isupper()
        and isinstance(value, int | bytes | tuple)
        and not isinstance(value, enum.Enum)
    }


def _enum_names():
    names = {}
    for enum_name, members in _reference_enums().items():
        prefix, renames = ENUMS[enum_name]
        for member in members:
            names[prefix + renames.get(member.name, member.name)] = member
    return names


def test_every_reference_enum_is_mapped():
    assert set(_reference_enums()) == set(ENUMS)


def test_every_enum_member_has_an_equal_firmware_constant():
    constants = _firmware_constants()
    for name, member in _enum_names().items():
        assert name in constants, "firmware lacks %s for %r" % (name, member)
        assert constants[name] == int(member), name
        assert type(constants[name]) is int, name


def test_every_plain_reference_constant_has_a_firmware_twin():
    constants = _firmware_constants()
    for name, value in _reference_plain().items():
        assert name in constants, "firmware lacks " + name
        assert constants[name] == value, name


def test_every_firmware_constant_is_accounted_for():
    enum_names = _enum_names()
    plain = _reference_plain()
    for name, value in _firmware_constants().items():
        if name in enum_names or name in plain:
            continue
        assert name in FIRMWARE_ONLY, name + " is neither in protocol.constants nor FIRMWARE_ONLY"
        assert value == FIRMWARE_ONLY[name], name


def test_firmware_only_constants_agree_with_reference_derivations():
    select = b"\x00\xa4\x04\x00" + bytes((len(ref.NFC_AID),)) + ref.NFC_AID + b"\x00"
    assert select == fw.NFC_SELECT
    assert fw.PERMISSION_SET_SIGNED_BASE + fw.SIGNATURE_SIZE == ref.PERMISSION_SET_BASE_SIZE
    assert fw.BLOCKLIST_SIGNED_BASE + fw.SIGNATURE_SIZE == ref.BLOCKLIST_BASE_SIZE
    assert fw.OBJ_READ_HEADER_SIZE + ref.MAX_PAYLOAD - 4 == ref.MAX_PAYLOAD
