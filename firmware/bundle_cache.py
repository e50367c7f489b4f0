"""The station's cached bundle: verified once on arrival, integrity-checked at boot, 8 days of use.

A bundle (SPEC.md 8.4) replaces the cached one only after every check passed:
structure, each section's SHA-256, the authority's signature, this station's
ids and a higher serial. It is stored as one file (magic, length, SHA-256 of
the bundle, the bundle) written aside and renamed, so power loss leaves the old
bundle or the new one. At boot only the stored SHA-256 is checked: the
signature was checked when the bundle arrived.

For a key, ``permission_set_for`` picks the set whose window contains now (the
latest-starting one where windows overlap) and rebuilds it byte for byte from
the bundle, so the station hands out only what the authority signed. When now is
past the bundle's offline limit it refuses with ``CACHE_EXPIRED``.
"""

import hashlib
import struct

from firmware import codec, ed25519

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.log import Log
    from firmware.storage import DirStorage
from firmware.protocol_constants import (
    REASON_CACHE_EXPIRED,
    REASON_KEY_BLOCKED,
    REASON_NO_SET_NOW,
    REASON_UNKNOWN_KEY,
)

CACHE_FILE = "bundle.bin"
_CACHE_MAGIC = b"SKCF"
_CACHE_HEAD = 4 + 4 + 32  # magic, u32 length, sha256 of the bundle
_SIGNED = 220  # SPEC.md 8.4: the signature covers bytes [0, 220)
_SIGNATURE_END = 284

# Why a bundle was refused (detail of the BUNDLE_REJECTED station event).
REJECT_MALFORMED = 1
REJECT_OTHER_STATION = 2
REJECT_UNKNOWN_AUTHORITY = 3
REJECT_BAD_HASH = 4
REJECT_BAD_SIGNATURE = 5
REJECT_NOT_NEWER = 6
REJECT_NO_ROOM = 7

_REJECT_TEXT = {
    REJECT_MALFORMED: "malformed",
    REJECT_OTHER_STATION: "for another station or unit",
    REJECT_UNKNOWN_AUTHORITY: "signed by an unknown authority key",
    REJECT_BAD_HASH: "section hash mismatch",
    REJECT_BAD_SIGNATURE: "bad signature",
    REJECT_NOT_NEWER: "serial not newer than the cached bundle",
    REJECT_NO_ROOM: "no room on flash",
}


def _sha256(data: bytes | memoryview) -> bytes:
    return hashlib.sha256(data).digest()


def authority_key_id(public_key: bytes) -> bytes:
    return _sha256(public_key)[:8]


class Refusal(Exception):
    """The station will not hand out a set: ``reason`` is a station reason code (SPEC 9.2),
    ``message`` a name in firmware.messages, ``detail`` the event's detail."""

    def __init__(self, reason: int, message: str, detail: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.detail = detail


class BundleRejected(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(_REJECT_TEXT.get(code, "rejected"))
        self.code = code


class BundleCache:
    def __init__(
        self,
        storage: "DirStorage",
        station_id: int,
        unit_id: int,
        authority_keys: list[bytes],
        log: "Log",
    ) -> None:
        self._storage = storage
        self._station_id = station_id
        self._unit_id = unit_id
        self._authorities: dict[bytes, bytes] = {}
        for public_key in authority_keys:
            self._authorities[authority_key_id(public_key)] = public_key
        self._log = log
        self._data: memoryview | None = None
        self._header: dict | None = None
        self._blocked: set[int] = set()
        self._blocklist_version = 0

    # -- state ---------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._header is not None

    @property
    def header(self) -> dict | None:
        return self._header

    @property
    def serial(self) -> int:
        return self._header["serial"] if self._header else 0

    def offline_until(self) -> int:
        return self._header["offline_until"] if self._header else 0

    def margin_s(self, now: int) -> int:
        """Seconds of offline use left (0 when expired or no bundle)."""
        return max(0, self.offline_until() - now)

    def info(self) -> dict:
        """What SVC_CACHE_INFO reports (SPEC.md section 7)."""
        if not self._header or self._data is None:  # both are set, or neither
            return {
                "bundle_serial": 0,
                "bundle_size": 0,
                "header_sha256": bytes(32),
                "keys": 0,
                "lock_lists": 0,
                "days": 0,
                "blocklist_version": 0,
                "day0_start": 0,
            }
        data = self._data
        return {
            "bundle_serial": self._header["serial"],
            "bundle_size": len(data),
            "header_sha256": _sha256(data[:_SIGNATURE_END]),
            "keys": codec.bundle_key_count(data, self._header),
            "lock_lists": struct.unpack_from("<H", data, self._section(1)["offset"])[0],
            "days": self._header["days"],
            "blocklist_version": self._blocklist_version,
            "day0_start": self._header["day0_start"],
        }

    def _section(self, section_id: int) -> dict:
        assert self._header is not None  # only info() asks, with a bundle loaded
        for section in self._header["sections"]:
            if section["id"] == section_id:
                return section
        raise KeyError(section_id)

    # -- boot ----------------------------------------------------------------

    def load(self) -> str | None:
        """Load the stored bundle, discarding a damaged one; returns None or why it was dropped."""
        stored = self._storage.read(CACHE_FILE)
        if stored is None:
            self._log.info("no cached bundle")
            return None
        why = self._check_stored(stored)
        if why is not None:
            self._storage.remove(CACHE_FILE)
            self._log.error("cached bundle discarded: " + why)
            return why
        header = codec.bundle_header(stored[_CACHE_HEAD:])
        self._adopt(memoryview(stored)[_CACHE_HEAD:], header)
        self._log.info("cached bundle serial %d loaded" % header["serial"])
        return None

    def check_stored(self) -> str | None:
        """Re-check the cache file on flash (self-test): None when whole, else what is wrong."""
        stored = self._storage.read(CACHE_FILE)
        if stored is None:
            return "no cached bundle" if self.loaded else None
        return self._check_stored(stored)

    def _check_stored(self, stored: bytes) -> str | None:
        if len(stored) < _CACHE_HEAD or stored[:4] != _CACHE_MAGIC:
            return "not a bundle cache file"
        length = struct.unpack_from("<I", stored, 4)[0]
        if length != len(stored) - _CACHE_HEAD:
            return "truncated (%d of %d bytes)" % (len(stored) - _CACHE_HEAD, length)
        if _sha256(memoryview(stored)[_CACHE_HEAD:]) != stored[8:_CACHE_HEAD]:
            return "checksum mismatch"
        try:
            header = codec.bundle_header(stored[_CACHE_HEAD:])
        except codec.CodecError as exc:
            return "unreadable: %s" % exc.field
        if header["station_id"] != self._station_id or header["unit_id"] != self._unit_id:
            return "belongs to another station"
        return None

    # -- arrival -------------------------------------------------------------

    def verify(self, data: bytes) -> dict:
        """All checks of SPEC.md 8.4 for a bundle that arrived; returns its header or raises."""
        try:
            header = codec.bundle_header(data)
        except codec.CodecError:
            raise BundleRejected(REJECT_MALFORMED)
        if header["station_id"] != self._station_id or header["unit_id"] != self._unit_id:
            raise BundleRejected(REJECT_OTHER_STATION)
        public_key = self._authorities.get(bytes(header["authority_key_id"]))
        if public_key is None:
            raise BundleRejected(REJECT_UNKNOWN_AUTHORITY)
        view = memoryview(data)
        for section in header["sections"]:
            start = section["offset"]
            if _sha256(view[start : start + section["length"]]) != section["sha256"]:
                raise BundleRejected(REJECT_BAD_HASH)
        if not ed25519.verify(
            public_key, bytes(view[:_SIGNED]), bytes(view[_SIGNED:_SIGNATURE_END])
        ):
            raise BundleRejected(REJECT_BAD_SIGNATURE)
        if self._header is not None and header["serial"] <= self._header["serial"]:
            raise BundleRejected(REJECT_NOT_NEWER)
        return header

    def install(self, data: bytes) -> dict:
        """Verify and store a bundle; the cached one stays in use until this returns."""
        data = bytes(data)
        header = self.verify(data)
        self.store(data, header)
        return header

    def store(self, data: bytes, header: dict) -> None:
        """Write a verified bundle to flash (atomically) and start using it."""
        stored = _CACHE_MAGIC + struct.pack("<I", len(data)) + _sha256(data) + data
        try:
            self._storage.write(CACHE_FILE, stored)
        except OSError:
            raise BundleRejected(REJECT_NO_ROOM)
        self._adopt(memoryview(data), header)
        self._log.info("bundle serial %d installed" % header["serial"])

    def _adopt(self, data: memoryview, header: dict) -> None:
        self._data = data
        self._header = header
        blocklist = codec.decode_record("blocklist", bytes(codec.bundle_blocklist(data, header)))
        self._blocked = set(blocklist["key_ids"])
        self._blocklist_version = blocklist["version"]

    def discard(self) -> None:
        """Forget the cached bundle (factory reset)."""
        self._storage.remove(CACHE_FILE)
        self._data = None
        self._header = None
        self._blocked = set()

    # -- use -----------------------------------------------------------------

    def blocklist(self) -> bytes:
        """The signed blocklist, verbatim, for writing onto keys."""
        if self._data is None or self._header is None:
            raise codec.CodecError("blocklist", "no bundle loaded")
        return bytes(codec.bundle_blocklist(self._data, self._header))

    def key(self, key_id: int) -> dict | None:
        """The bundle's entry for a key (public key, code salt and verifier, name) or None."""
        if self._header is None or self._data is None:
            return None
        index = codec.bundle_find_key(self._data, self._header, key_id)
        if index < 0:
            return None
        return codec.bundle_key_at(self._data, self._header, index)

    def is_blocked(self, key_id: int) -> bool:
        return key_id in self._blocked

    def check_usable(self, key_id: int, now: int) -> None:
        """Raise Refusal unless this station may serve this key now (before asking for the code)."""
        if self._header is None or self._data is None:
            raise Refusal(REASON_CACHE_EXPIRED, "no_bundle", 0)
        if now >= self._header["offline_until"]:
            raise Refusal(REASON_CACHE_EXPIRED, "cache_expired", self._header["offline_until"])
        if key_id in self._blocked:
            raise Refusal(REASON_KEY_BLOCKED, "key_blocked")
        if codec.bundle_find_key(self._data, self._header, key_id) < 0:
            raise Refusal(REASON_UNKNOWN_KEY, "unknown_key")

    def permission_set_for(self, key_id: int, now: int) -> tuple[bytes, dict]:
        """(set bytes, set entry) for the key now, or raise Refusal saying why not."""
        self.check_usable(key_id, now)
        data = self._data
        header = self._header
        assert data is not None and header is not None  # check_usable refuses otherwise
        index = codec.bundle_find_key(data, header, key_id)
        best_day = -1
        best_from = -1
        for day in range(header["days"]):
            entry = codec.bundle_set_entry(data, header, index, day)
            if entry["valid_until"] == 0:
                continue
            if (
                entry["valid_from"] <= now < entry["valid_until"]
                and entry["valid_from"] > best_from
            ):
                best_day = day
                best_from = entry["valid_from"]
        if best_day < 0:
            raise Refusal(REASON_NO_SET_NOW, "no_set_now")
        entry = codec.bundle_set_entry(data, header, index, best_day)
        signed = codec.bundle_rebuild_permission_set(data, header, index, best_day)
        assert signed is not None  # None only for valid_until 0, and now < valid_until
        return bytes(signed), entry
