"""Numbers of the synk wire protocol: enumerations, limits and sizes from SPEC.md.

The enum member names are the names SPEC.md writes in backquotes;
tests/protocol/test_spec_constants.py parses SPEC.md's tables and checks them
against this module, so the two cannot drift apart.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag

PROTOCOL_VERSION = 1
RECORD_FORMAT = 1  # the `format` byte of every version-1 record

# Section 2: framing.
HEADER_SIZE = 8
CRC_SIZE = 4
MAX_PAYLOAD = 512
MAX_BODY = HEADER_SIZE + MAX_PAYLOAD  # 520
MAX_ENCODED_FRAME = 528  # receive limit for a COBS block, without the delimiter
MIN_DECODED_FRAME = HEADER_SIZE + CRC_SIZE  # 12
FLAG_RESPONSE = 1
FLAG_ERROR = 2
MAX_ERROR_TEXT = 64

# Section 1: transports.
NFC_MAX_MESSAGE = 240
NFC_MAX_PAYLOAD = NFC_MAX_MESSAGE - HEADER_SIZE  # 232
NFC_AID = bytes.fromhex("F053594E4B3031")  # F0 'SYNK01'
DEFAULT_BAUD = 115200
BAUD_RATES = (115200, 230400, 460800, 921600)

# Sizes of fixed-size payloads and records, and of the variable ones' parts.
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64
SHA256_SIZE = 32
NONCE_SIZE = 32
MAC_SIZE = 16
LOCK_SECRET_SIZE = 32
AUTHORITY_KEY_ID_SIZE = 8
AUTH_CONTEXT = b"synk-auth-v1"  # prefix of what CHALLENGE signs (5.2)
PIN_CONTEXT = b"synk-pin-v1"  # prefix of what PIN_PROOF's HMAC covers (5.11)
PIN_SECRET_SIZE = 32  # the key's pin_secret (5.11)
PIN_DERIVED_SIZE = 16  # PIN_PROOF request: PBKDF2 of the code (5.11)
PIN_PROOF_SIZE = 16  # PIN_PROOF answer, and a bundle key entry's code_verifier (8.4)

HELLO_SIZE = 12
KEY_INFO_SIZE = 40
DIAG_SIZE = 16
STATION_STATUS_SIZE = 52
CACHE_INFO_SIZE = 56
OUTBOX_INFO_SIZE = 28
OBJ_WRITE_HEADER_SIZE = 8
MAX_CHUNK = MAX_PAYLOAD - OBJ_WRITE_HEADER_SIZE  # 504

PERMISSION_SET_BASE_SIZE = 132  # + 4 per lock
MAX_LOCK_IDS = 1024
BLOCKLIST_BASE_SIZE = 88  # + 4 per key
MAX_BLOCKED_KEYS = 4096
AUDIT_EVENT_SIZE = 36
AUDIT_MAC_INPUT_SIZE = 20
AUDIT_BATCH_HEADER_SIZE = 16
SERVICE_TOKEN_SIZE = 100
SERVICE_TOKEN_SIGNED_SIZE = 36
UPLOAD_BATCH_HEADER_SIZE = 20
LOCK_EVENT_LENGTH = 40  # outbox record kind 1, after kind and length
STATION_EVENT_LENGTH = 16  # outbox record kind 2

BUNDLE_SECTION_COUNT = 4
SECTION_ENTRY_SIZE = 44
BUNDLE_SIGNED_SIZE = 220
BUNDLE_HEADER_SIZE = 284  # header, section table and signature
BUNDLE_KEY_SIZE = 88
BUNDLE_SET_SIZE = 80
DISPLAY_NAME_SIZE = 16
BUNDLE_DAYS = 8

MAGIC_PERMISSION_SET = b"SKPS"
MAGIC_BLOCKLIST = b"SKBL"
MAGIC_AUDIT_BATCH = b"SKAB"
MAGIC_BUNDLE = b"SKSB"
MAGIC_SERVICE_TOKEN = b"SKST"
MAGIC_UPLOAD_BATCH = b"SKUP"


class MsgType(IntEnum):
    """Message types (section 4)."""

    HELLO = 0x01
    CHALLENGE = 0x02
    SET_BAUD = 0x03
    PIN_PROOF = 0x04
    OBJ_BEGIN = 0x10
    OBJ_WRITE = 0x11
    OBJ_COMMIT = 0x12
    OBJ_STAT = 0x13
    OBJ_READ = 0x14
    AUDIT_ACK = 0x20
    AUDIT_APPEND = 0x21
    DIAG = 0x30
    SVC_STATUS = 0x40
    SVC_CACHE_INFO = 0x41
    SVC_OUTBOX_INFO = 0x42
    SVC_KEY_INFO = 0x43
    SVC_LOG_TAIL = 0x44
    SVC_AUDIT_READ = 0x45
    SVC_SELFTEST = 0x46
    SVC_SET_CLOCK = 0x50
    SVC_CLEAR_OUTBOX = 0x51
    SVC_FACTORY_RESET = 0x52
    SVC_MAINTENANCE = 0x53


class Status(IntEnum):
    """Status codes of a response header (section 10)."""

    OK = 0
    UNSUPPORTED_VERSION = 1
    UNKNOWN_TYPE = 2
    MALFORMED = 3
    BAD_STATE = 4
    OUT_OF_ORDER = 5
    HASH_MISMATCH = 6
    TOO_LARGE = 7
    STORAGE_FULL = 8
    NOT_FOUND = 9
    AUTH_REQUIRED = 10
    TOKEN_INVALID = 11
    BUSY = 12
    STALE = 13
    INTERNAL = 14
    BATTERY_LOW = 15
    NO_KEY = 16
    KEY_MISMATCH = 17
    UNSUPPORTED = 18


class ObjType(IntEnum):
    """Object types of the chunked transfer (section 6)."""

    PERMISSION_SET = 1
    BLOCKLIST = 2
    AUDIT_BATCH = 3


class Role(IntEnum):
    """`HELLO.role` (5.1)."""

    STATION = 1
    LOCK = 2
    READER = 3  # the technician's USB key reader


class SlotState(IntEnum):
    """`KEY_INFO.slot_a` / `slot_b` (5.1)."""

    EMPTY = 0
    VALID = 1
    INCOMPLETE = 2


class Slot(IntEnum):
    """`KEY_INFO.active_slot` and the `OBJ_COMMIT` answer (5.1, 6)."""

    A = 0
    B = 1
    NONE = 0xFF


class KeyInfoFlag(IntFlag):
    """`KEY_INFO.flags` (5.1)."""

    BATTERY_LOW = 1


class StationFlag(IntFlag):
    """`STATION_STATUS.flags` (7)."""

    OUTBOX_FULL = 1
    CACHE_EXPIRED = 2
    CLOCK_NOT_SET = 4


class SelfTestCheck(IntEnum):
    """Checks of `SVC_SELFTEST` (7)."""

    STORAGE = 1
    CLOCK = 2
    BUNDLE = 3
    KEY_PORT = 4
    NFC = 5
    DISPLAY = 6
    KEYPAD = 7


class Outcome(IntEnum):
    """`outcome` of a lock's audit event (8.3)."""

    OPENED = 0
    NOT_IN_SET = 1
    EXPIRED = 2
    NOT_YET_VALID = 3
    BLOCKED = 4
    BAD_SET = 5
    AUTH_FAILED = 6
    NO_SET = 7
    BLOCKLIST_UPDATED = 8


class SectionId(IntEnum):
    """Bundle section ids, in their required order (8.4)."""

    LOCK_LISTS = 1
    KEYS = 2
    SETS = 3
    BLOCKLIST = 4


class OutboxKind(IntEnum):
    """`kind` of an outbox record (9.2)."""

    LOCK_EVENT = 1
    STATION_EVENT = 2


class StationReason(IntEnum):
    """`reason` of a station event (9.2)."""

    SYNC_OK = 1
    WRONG_CODE = 2
    LOCKED_OUT = 3
    UNKNOWN_KEY = 4
    KEY_BLOCKED = 5
    CACHE_EXPIRED = 6
    KEY_AUTH_FAILED = 7
    KEY_REMOVED = 8
    NO_SET_NOW = 9
    BUNDLE_INSTALLED = 10
    BUNDLE_REJECTED = 11
    OUTBOX_FULL = 12
    BOOT = 13
    SERVICE_COMMAND = 14
    CACHE_DISCARDED = 15


class TokenPermission(IntFlag):
    """`permissions` bits of a service token (8.5)."""

    SET_CLOCK = 1
    CLEAR_OUTBOX = 2
    FACTORY_RESET = 4
    MAINTENANCE = 8


class TokenRefusal(IntEnum):
    """Detail of a `TOKEN_INVALID` answer (7)."""

    BAD_SIGNATURE = 1
    EXPIRED = 2
    NOT_YET_VALID = 3
    OTHER_STATION = 4
    PERMISSION_MISSING = 5
    UNKNOWN_AUTHORITY_KEY = 6
    MALFORMED = 7
    USED = 8
    MEMORY_FULL = 9


# Which token permission each state-changing service command needs (7, 8.5).
TOKEN_COMMANDS = {
    MsgType.SVC_SET_CLOCK: TokenPermission.SET_CLOCK,
    MsgType.SVC_CLEAR_OUTBOX: TokenPermission.CLEAR_OUTBOX,
    MsgType.SVC_FACTORY_RESET: TokenPermission.FACTORY_RESET,
    MsgType.SVC_MAINTENANCE: TokenPermission.MAINTENANCE,
}
