"""Every number of protocol/SPEC.md (wire protocol version 1) as a MicroPython ``const``.

The station firmware imports its protocol numbers from here and nowhere else;
tests/firmware/test_constants_cross_cpython.py holds them equal to the
reference ``protocol.constants``. Section numbers below are SPEC.md's.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from micropython import const
else:
    try:
        from micropython import const
    except ImportError:  # CPython

        def const(value):
            return value


# --- 3. Header, sizes, limits ------------------------------------------------
PROTOCOL_VERSION = const(1)
HEADER_SIZE = const(8)
MAX_PAYLOAD = const(512)  # contact port, USB console, USB key reader (1)
NFC_MAX_MESSAGE = const(240)  # one APDU: header + payload (1.2)
NFC_MAX_PAYLOAD = const(232)
MAX_BODY = const(520)  # header + largest payload (2)
MAX_ENCODED_FRAME = const(528)  # COBS-encoded frame without its delimiter (2)
CRC_SIZE = const(4)
MIN_DECODED_FRAME = const(12)  # header + CRC: shorter decoded frames are CRC errors (2)
MAX_ERROR_TEXT = const(64)  # text bytes after the u32 detail of an error response (3)
BUNDLE_MAX_SIZE = const(1048576)  # 1 MiB (1)
UPLOAD_MAX_SIZE = const(65536)  # 64 KiB (1)

# Header flags (3)
FLAG_RESPONSE = const(0x01)
FLAG_ERROR = const(0x02)

# --- 1. Transport timing and rates ------------------------------------------
DEFAULT_BAUD = const(115200)
BAUD_RATES = (115200, 230400, 460800, 921600)
REPLY_TIMEOUT_MS = const(250)  # plus the transmission time of the expected reply (1.3)
RETRIES = const(3)
BAUD_FALLBACK_MS = const(1000)  # key falls back to 115200 after 1 s without a valid frame (1.1)

# NFC (1.2)
NFC_AID = b"\xf0SYNK01"
NFC_SELECT = b"\x00\xa4\x04\x00\x07\xf0SYNK01\x00"
NFC_CLA = const(0x80)
NFC_INS = const(0x53)
NFC_SW_OK = const(0x9000)

# --- 4. Message types ---------------------------------------------------------
MSG_HELLO = const(0x01)
MSG_CHALLENGE = const(0x02)
MSG_SET_BAUD = const(0x03)
MSG_PIN_PROOF = const(0x04)
MSG_OBJ_BEGIN = const(0x10)
MSG_OBJ_WRITE = const(0x11)
MSG_OBJ_COMMIT = const(0x12)
MSG_OBJ_STAT = const(0x13)
MSG_OBJ_READ = const(0x14)
MSG_AUDIT_ACK = const(0x20)
MSG_AUDIT_APPEND = const(0x21)
MSG_DIAG = const(0x30)
MSG_SVC_STATUS = const(0x40)
MSG_SVC_CACHE_INFO = const(0x41)
MSG_SVC_OUTBOX_INFO = const(0x42)
MSG_SVC_KEY_INFO = const(0x43)
MSG_SVC_LOG_TAIL = const(0x44)
MSG_SVC_AUDIT_READ = const(0x45)
MSG_SVC_SELFTEST = const(0x46)
MSG_SVC_SET_CLOCK = const(0x50)
MSG_SVC_CLEAR_OUTBOX = const(0x51)
MSG_SVC_FACTORY_RESET = const(0x52)
MSG_SVC_MAINTENANCE = const(0x53)
MSG_VENDOR_FIRST = const(0x60)  # 0x60-0x7F vendor diagnostics, 0x80-0xFF reserved
MSG_VENDOR_LAST = const(0x7F)

# --- 10. Status codes ---------------------------------------------------------
ST_OK = const(0)
ST_UNSUPPORTED_VERSION = const(1)
ST_UNKNOWN_TYPE = const(2)
ST_MALFORMED = const(3)
ST_BAD_STATE = const(4)
ST_OUT_OF_ORDER = const(5)
ST_HASH_MISMATCH = const(6)
ST_TOO_LARGE = const(7)
ST_STORAGE_FULL = const(8)
ST_NOT_FOUND = const(9)
ST_AUTH_REQUIRED = const(10)
ST_TOKEN_INVALID = const(11)
ST_BUSY = const(12)
ST_STALE = const(13)
ST_INTERNAL = const(14)
ST_BATTERY_LOW = const(15)
ST_NO_KEY = const(16)
ST_KEY_MISMATCH = const(17)
ST_UNSUPPORTED = const(18)

# --- 5.1 HELLO roles, KEY_INFO slots and flags -------------------------------
ROLE_STATION = const(1)
ROLE_LOCK = const(2)
ROLE_READER = const(3)  # technician's reader

SLOT_A = const(0)
SLOT_B = const(1)
SLOT_NONE = const(0xFF)

SLOT_EMPTY = const(0)
SLOT_VALID = const(1)
SLOT_INCOMPLETE = const(2)

KEY_FLAG_BATTERY_LOW = const(0x01)

HELLO_SIZE = const(12)
KEY_INFO_SIZE = const(40)
DIAG_SIZE = const(16)
NONCE_SIZE = const(32)
AUTH_CONTEXT = b"synk-auth-v1"  # 5.2: signed with nonce, role, peer_id, key_id
PIN_CONTEXT = b"synk-pin-v1"  # 5.11: HMAC-SHA-256(pin_secret, PIN_CONTEXT + derived)
PIN_SECRET_SIZE = const(32)
PIN_DERIVED_SIZE = const(16)
PIN_PROOF_SIZE = const(16)

# --- 6. Objects --------------------------------------------------------------
OBJ_PERMSET = const(1)
OBJ_BLOCKLIST = const(2)
OBJ_AUDIT = const(3)

OBJ_WRITE_HEADER_SIZE = const(8)
MAX_CHUNK = const(504)  # OBJ_WRITE data in a 512-byte payload
OBJ_READ_HEADER_SIZE = const(4)

# --- 7. Service console ------------------------------------------------------
STATION_STATUS_SIZE = const(52)
CACHE_INFO_SIZE = const(56)
OUTBOX_INFO_SIZE = const(28)

# STATION_STATUS flags
STATION_FLAG_OUTBOX_FULL = const(0x01)
STATION_FLAG_CACHE_EXPIRED = const(0x02)
STATION_FLAG_CLOCK_NOT_SET = const(0x04)

# Selftest checks
CHECK_STORAGE = const(1)
CHECK_CLOCK = const(2)
CHECK_BUNDLE = const(3)
CHECK_KEY_PORT = const(4)
CHECK_NFC = const(5)
CHECK_DISPLAY = const(6)
CHECK_KEYPAD = const(7)

# TOKEN_INVALID details
TOKEN_BAD_SIGNATURE = const(1)
TOKEN_EXPIRED = const(2)
TOKEN_NOT_YET_VALID = const(3)
TOKEN_OTHER_STATION = const(4)
TOKEN_PERMISSION_MISSING = const(5)
TOKEN_UNKNOWN_AUTHORITY_KEY = const(6)
TOKEN_MALFORMED = const(7)
TOKEN_USED = const(8)
TOKEN_MEMORY_FULL = const(9)

# --- 8. Records ---------------------------------------------------------------
RECORD_FORMAT = const(1)
MAGIC_PERMISSION_SET = b"SKPS"
MAGIC_BLOCKLIST = b"SKBL"
MAGIC_AUDIT_BATCH = b"SKAB"
MAGIC_BUNDLE = b"SKSB"
MAGIC_SERVICE_TOKEN = b"SKST"
MAGIC_UPLOAD_BATCH = b"SKUP"

SIGNATURE_SIZE = const(64)
PUBLIC_KEY_SIZE = const(32)
SHA256_SIZE = const(32)
AUTHORITY_KEY_ID_SIZE = const(8)

# 8.1 permission set
PERMISSION_SET_BASE_SIZE = const(132)
PERMISSION_SET_SIGNED_BASE = const(68)
MAX_LOCK_IDS = const(1024)

# 8.2 blocklist
BLOCKLIST_BASE_SIZE = const(88)
BLOCKLIST_SIGNED_BASE = const(24)
MAX_BLOCKED_KEYS = const(4096)

# 8.3 audit event and batch
AUDIT_EVENT_SIZE = const(36)
MAC_SIZE = const(16)
AUDIT_MAC_INPUT_SIZE = const(20)  # the MAC covers bytes [0, 20)
AUDIT_BATCH_HEADER_SIZE = const(16)
LOCK_SECRET_SIZE = const(32)

OUT_OPENED = const(0)
OUT_NOT_IN_SET = const(1)
OUT_EXPIRED = const(2)
OUT_NOT_YET_VALID = const(3)
OUT_BLOCKED = const(4)
OUT_BAD_SET = const(5)
OUT_AUTH_FAILED = const(6)
OUT_NO_SET = const(7)
OUT_BLOCKLIST_UPDATED = const(8)

# 8.4 station bundle
BUNDLE_HEADER_SIZE = const(284)  # header, section table and signature
BUNDLE_SIGNED_SIZE = const(220)
BUNDLE_SECTION_COUNT = const(4)
SECTION_ENTRY_SIZE = const(44)
BUNDLE_KEY_SIZE = const(88)
BUNDLE_SET_SIZE = const(80)
BUNDLE_DAYS = const(8)
DISPLAY_NAME_SIZE = const(16)
CODE_SALT_SIZE = const(16)
CODE_VERIFIER_SIZE = const(16)
CODE_DIGITS = const(6)
OFFLINE_SECONDS = const(691200)  # offline_until = issued_at + 8 days
DAY_WINDOW_SECONDS = const(129600)  # 00:00 of day d to 12:00 of day d + 1 (36 h)

SEC_LOCK_LISTS = const(1)
SEC_KEYS = const(2)
SEC_SETS = const(3)
SEC_BLOCKLIST = const(4)

# 8.5 service token
SERVICE_TOKEN_SIZE = const(100)
SERVICE_TOKEN_SIGNED_SIZE = const(36)

PERM_SET_CLOCK = const(0x01)
PERM_CLEAR_OUTBOX = const(0x02)
PERM_FACTORY_RESET = const(0x04)
PERM_MAINTENANCE = const(0x08)

# --- 9. Back office -----------------------------------------------------------
UPLOAD_BATCH_HEADER_SIZE = const(20)

OUTBOX_LOCK_EVENT = const(1)
OUTBOX_STATION_EVENT = const(2)
LOCK_EVENT_LENGTH = const(40)
STATION_EVENT_LENGTH = const(16)

REASON_SYNC_OK = const(1)
REASON_WRONG_CODE = const(2)
REASON_LOCKED_OUT = const(3)
REASON_UNKNOWN_KEY = const(4)
REASON_KEY_BLOCKED = const(5)
REASON_CACHE_EXPIRED = const(6)
REASON_KEY_AUTH_FAILED = const(7)
REASON_KEY_REMOVED = const(8)
REASON_NO_SET_NOW = const(9)
REASON_BUNDLE_INSTALLED = const(10)
REASON_BUNDLE_REJECTED = const(11)
REASON_OUTBOX_FULL = const(12)
REASON_BOOT = const(13)
REASON_SERVICE_COMMAND = const(14)
REASON_CACHE_DISCARDED = const(15)
