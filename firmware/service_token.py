"""Service tokens (SPEC.md 8.5) as the station checks them before a state-changing console command.

A token is the authority's signed permission for one technician to change one
station (or any station, ``station_id`` 0) for a few hours. ``check`` answers
0 when the token allows the command, else the ``TOKEN_INVALID`` detail of
SPEC.md section 7. The checks run in this order, so a token is authenticated
before anything it says is believed:

1. layout: 100 bytes, magic ``SKST``, format 1 (else 7 malformed);
2. ``authority_key_id`` names one of the station's authority keys (else 6);
3. the Ed25519 signature over bytes [0, 36) (else 1 bad signature);
4. ``station_id`` is 0 or this station's id (else 4 other station);
5. every permission bit the command needs is set (else 5 permission missing);
6. ``not_before <= when`` (else 3 not yet valid) and ``when <= not_after``
   (else 2 expired): both bounds are inclusive.

Authority keys are matched by key id exactly as firmware.bundle_cache does
(first 8 bytes of SHA-256 of the public key), so a station with several keys
(rotation) accepts tokens from each.

A token works once per station (SPEC.md 8.5): ``UsedTokens`` remembers on flash
the id of every token the station has taken (the first 8 bytes of SHA-256 of its
signed bytes [0, 36)) with the token's ``not_after``. ``spend`` answers 8
(already used) for a token it holds, and otherwise stores it *before* the
command runs, so that a power cut can cost the technician the token but never
let it work twice. A remembered token is forgotten once the time a token is
judged at has passed its ``not_after`` (it is expired by then), so the memory
stays bounded: at most ``USED_CAPACITY`` tokens still valid; one more is
refused with 9 (memory full) until one of them expires.
"""

import hashlib
import struct

from firmware import ed25519
from firmware.bundle_cache import authority_key_id
from firmware.protocol_constants import (
    SERVICE_TOKEN_SIGNED_SIZE,
    SERVICE_TOKEN_SIZE,
    TOKEN_BAD_SIGNATURE,
    TOKEN_EXPIRED,
    TOKEN_MALFORMED,
    TOKEN_MEMORY_FULL,
    TOKEN_NOT_YET_VALID,
    TOKEN_OTHER_STATION,
    TOKEN_PERMISSION_MISSING,
    TOKEN_UNKNOWN_AUTHORITY_KEY,
    TOKEN_USED,
)
from firmware.records import decode_service_token
from firmware.wire_fields import CodecError

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.record_layouts import ServiceToken  # read under TYPE_CHECKING only
    from firmware.storage import DirStorage

VALID = 0

# English reasons for the error response's text and the station log.
REASONS = {
    TOKEN_BAD_SIGNATURE: "bad signature",
    TOKEN_EXPIRED: "expired",
    TOKEN_NOT_YET_VALID: "not yet valid",
    TOKEN_OTHER_STATION: "for another station",
    TOKEN_PERMISSION_MISSING: "permission missing",
    TOKEN_UNKNOWN_AUTHORITY_KEY: "unknown authority key",
    TOKEN_MALFORMED: "malformed",
    TOKEN_USED: "already used on this station",
    TOKEN_MEMORY_FULL: "too many tokens in use at this station",
}

USED_FILE = "tokens_used.bin"
USED_CAPACITY = 32  # tokens still valid that one station remembers (12 bytes each)
_ENTRY = "<8sI"  # token id, not_after
_ENTRY_SIZE = 12


def decode(token: "bytes | bytearray | memoryview") -> "ServiceToken | None":
    """The token's fields (CODEC_API.md shape), or None when it is not a well-formed token."""
    if not isinstance(token, (bytes, bytearray, memoryview)) or len(token) != SERVICE_TOKEN_SIZE:
        return None
    try:
        return decode_service_token(bytes(token))
    except CodecError:
        return None


def check(
    token: "bytes | bytearray | memoryview",
    authority_keys: "list[bytes]",
    station_id: int,
    when: int,
    permission: int,
) -> int:
    """0 when ``token`` lets a technician use ``permission`` (PERM_* bits) on this station at
    time ``when``, else the TOKEN_INVALID detail (1-7) saying why not."""
    fields = decode(token)
    if fields is None:
        return TOKEN_MALFORMED
    public_key = None
    for candidate in authority_keys:
        if authority_key_id(bytes(candidate)) == fields["authority_key_id"]:
            public_key = bytes(candidate)
            break
    if public_key is None:
        return TOKEN_UNKNOWN_AUTHORITY_KEY
    raw = bytes(token)
    if not ed25519.verify(
        public_key, raw[:SERVICE_TOKEN_SIGNED_SIZE], raw[SERVICE_TOKEN_SIGNED_SIZE:]
    ):
        return TOKEN_BAD_SIGNATURE
    if fields["station_id"] != 0 and fields["station_id"] != station_id:
        return TOKEN_OTHER_STATION
    if fields["permissions"] & permission != permission:
        return TOKEN_PERMISSION_MISSING
    if when < fields["not_before"]:
        return TOKEN_NOT_YET_VALID
    if when > fields["not_after"]:
        return TOKEN_EXPIRED
    return VALID


def reason(detail: int) -> str:
    """English words for a TOKEN_INVALID detail (``"token 5"`` for a code this version lacks)."""
    return REASONS.get(detail, "token %d" % detail)


def token_id(token: "bytes | bytearray | memoryview") -> bytes:
    """A token's identity: the first 8 bytes of SHA-256 of its signed bytes [0, 36)."""
    return hashlib.sha256(bytes(token[:SERVICE_TOKEN_SIGNED_SIZE])).digest()[:8]


class UsedTokens:
    """The tokens this station has taken, on flash (see the module docstring)."""

    def __init__(self, storage: "DirStorage", capacity: int = USED_CAPACITY) -> None:
        self._storage = storage
        self.capacity = capacity
        self._entries: "list[tuple[bytes, int]]" = []
        data = storage.read(USED_FILE) or b""
        for offset in range(0, len(data) - _ENTRY_SIZE + 1, _ENTRY_SIZE):
            ident, not_after = struct.unpack_from(_ENTRY, data, offset)
            self._entries.append((bytes(ident), not_after))

    def __len__(self) -> int:
        return len(self._entries)

    def holds(self, token: "bytes | bytearray | memoryview") -> bool:
        ident = token_id(token)
        return any(held == ident for held, _ in self._entries)

    def spend(self, token: "bytes | bytearray | memoryview", not_after: int, when: int) -> int:
        """0 when ``token`` was not used before (it is stored now), else 8 used or 9 full.

        Raises OSError when the flash will not take it; then the token is not spent
        and the command must not run."""
        ident = token_id(token)
        kept = [entry for entry in self._entries if entry[1] >= when]
        for held, _ in kept:
            if held == ident:
                return TOKEN_USED
        if len(kept) >= self.capacity:
            return TOKEN_MEMORY_FULL
        kept.append((ident, not_after))
        self._storage.write(USED_FILE, b"".join(struct.pack(_ENTRY, i, t) for i, t in kept))
        self._entries = kept
        return VALID
