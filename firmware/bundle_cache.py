"""The station's cached bundle: verified as it arrives, read from flash, 8 days of use.

A bundle (SPEC.md 8.4) replaces the cached one only after every check passed:
structure, each section's SHA-256, the authority's signature, this station's
ids and a higher serial. It arrives in pieces (``begin_install()``, then
``Installation.write(piece)`` as the uplink reads the HTTP body, then
``finish()``): each piece is checked and written to ``bundle.bin.tmp`` as it
comes and is never held; the cached bundle stays in use until ``finish()``
has checked the whole and renamed the new file in (firmware.storage), so a
power cut leaves the old bundle or the new one, never a half-verified one.
The head (the first 284 bytes: header, section table, signature) is checked,
signature included, as soon as it is in, so a bundle for another station or
badly signed is refused before the rest is downloaded; each section's SHA-256
is compared where the section ends; the section counts and the serial once
all is stored.

The cache file is the bundle itself followed by a 40-byte trailer (magic
``SKCF``, u32 length, SHA-256 of the bundle), so a bundle offset is a file
offset; a file of the older layout (the same 40 bytes before the bundle) is
still read. At boot only the SHA-256 is checked, hashed from flash piece by
piece: the signature was checked when the bundle arrived.

Nothing of the bundle is kept in RAM but its parsed header: a key's entry,
its day's set, the lock list and the blocklist are read from flash at their
offsets when asked for (firmware.bundle_format's accessors with a flash reader; keys
and blocked ids by binary search over their sorted tables). For a key,
``permission_set_for`` picks the set whose window contains now (the
latest-starting one where windows overlap) and rebuilds it byte for byte, so
the station hands out only what the authority signed. When now is past the
bundle's offline limit it refuses with ``CACHE_EXPIRED``.

Buffers (bounds): an arriving piece is the caller's (hw.http_client hands
2,048 bytes at most); the head, 284 bytes; the flash write block, ``BLOCK``
= 1,024 bytes (pieces are gathered into whole blocks, so flash is written in
blocks whatever sizes the network delivers, and the last block goes with the
trailer); SHA-256 states; the boot and self-test check reads ``BLOCK`` bytes
at a time; reads while in use
are one key entry (88), a set entry (80), 4-byte ids of the binary searches,
a lock list (4 + 4n, 244 bytes for 60 locks) and the blocklist for writing
onto keys (88 + 4n: 288 bytes for 50 keys, 16,472 at the format's 4,096).
"""

import hashlib
import struct

from firmware import bundle_format, ed25519
from firmware.wire_fields import CodecError

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

    from firmware.bundle_format import BundleHeader, KeyEntry, SetEntry, Source
    from firmware.log import Log
    from firmware.storage import DirStorage, PendingFile
from firmware.protocol_constants import (
    BUNDLE_HEADER_SIZE,
    BUNDLE_MAX_SIZE,
    BUNDLE_SIGNED_SIZE,
    REASON_CACHE_EXPIRED,
    REASON_KEY_BLOCKED,
    REASON_NO_SET_NOW,
    REASON_UNKNOWN_KEY,
    SHA256_SIZE,
)

CACHE_FILE = "bundle.bin"
_CACHE_MAGIC = b"SKCF"
_TRAILER = 4 + 4 + SHA256_SIZE  # magic, u32 length, sha256 of the bundle
BLOCK = 1024  # bytes per flash write of an arriving bundle, per read of the boot check

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


def _sha256(data: "bytes | bytearray | memoryview") -> bytes:
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


class Installation:
    """One bundle arriving in pieces: ``write(piece)`` each, then ``finish()`` -> header.

    Made by ``BundleCache.begin_install()``. ``write`` raises BundleRejected as
    soon as the bytes so far show the bundle will be refused (then nothing
    more is wanted); ``finish`` raises it for what only the whole shows, else
    installs the bundle and returns its header. ``abort()`` drops what was
    written (harmless after ``finish``). With no storage (``verify``) the
    pieces are checked and not written. ``received``: bytes taken so far.
    """

    def __init__(self, cache: "BundleCache", storage: "DirStorage | None") -> None:
        self._cache = cache
        self._storage = storage
        self._file: "PendingFile | None" = None
        self._head = bytearray(BUNDLE_HEADER_SIZE)
        self._block = bytearray(BLOCK) if storage is not None else bytearray(0)
        self._filled = 0  # bytes of self._block not yet written
        self.received = 0
        self.header: "BundleHeader | None" = None
        self._size = 0  # the bundle's length, from its section table
        self._section = 0  # the section the next bytes belong to
        self._section_end = 0
        self._section_hash: "Any" = None
        self._whole = hashlib.sha256()
        self._failed: "BundleRejected | None" = None
        self._done = False

    def write(self, piece: "bytes | bytearray | memoryview") -> None:
        if self._failed is not None:
            raise self._failed
        if self._done:
            raise ValueError("installation finished")
        try:
            self._take(memoryview(piece))
        except BundleRejected as rejected:
            self._fail(rejected)
            raise

    def _fail(self, rejected: BundleRejected) -> None:
        self._failed = rejected
        self.abort()

    def _take(self, piece: memoryview) -> None:
        n = len(piece)
        if self.received + n > (self._size if self.header is not None else BUNDLE_MAX_SIZE):
            raise BundleRejected(REJECT_MALFORMED)  # more than the section table says
        at = 0
        if self.received < BUNDLE_HEADER_SIZE:
            at = min(BUNDLE_HEADER_SIZE - self.received, n)
            self._head[self.received : self.received + at] = piece[:at]
            self.received += at
            if self.received == BUNDLE_HEADER_SIZE:
                self._check_head()
        while at < n:
            self._close_empty_sections()
            if self._section >= 4:
                raise BundleRejected(REJECT_MALFORMED)  # bytes after the last section
            take = min(n - at, self._section_end - self.received)
            part = piece[at : at + take]
            self._section_hash.update(part)
            self.received += take
            at += take
            self._close_empty_sections()
        self._whole.update(piece)
        self._store(piece)

    def _store(self, piece: memoryview) -> None:
        if self._storage is None:
            return
        try:
            if self._file is None:
                self._file = self._storage.create(CACHE_FILE)
            block = self._block
            at = 0
            while at < len(piece):
                take = min(BLOCK - self._filled, len(piece) - at)
                block[self._filled : self._filled + take] = piece[at : at + take]
                self._filled += take
                at += take
                if self._filled == BLOCK:
                    self._file.write(block)
                    self._filled = 0
        except OSError:
            raise BundleRejected(REJECT_NO_ROOM)

    def _check_head(self) -> None:
        cache = self._cache
        try:
            header = bundle_format.bundle_head(self._head)
        except CodecError:
            raise BundleRejected(REJECT_MALFORMED)
        size = bundle_format.bundle_size(header)
        if size > BUNDLE_MAX_SIZE:
            raise BundleRejected(REJECT_MALFORMED)
        if header["station_id"] != cache._station_id or header["unit_id"] != cache._unit_id:
            raise BundleRejected(REJECT_OTHER_STATION)
        public_key = cache._authorities.get(bytes(header["authority_key_id"]))
        if public_key is None:
            raise BundleRejected(REJECT_UNKNOWN_AUTHORITY)
        verifier = ed25519.Verifier(public_key, header["signature"])
        verifier.update(memoryview(self._head)[:BUNDLE_SIGNED_SIZE])
        if not verifier.verify():
            raise BundleRejected(REJECT_BAD_SIGNATURE)
        self.header = header
        self._size = size
        self._open_section(0)

    def _open_section(self, index: int) -> None:
        self._section = index
        if index < 4:
            section = self.header["sections"][index]  # type: ignore[index]  # head checked
            self._section_end = section["offset"] + section["length"]
            self._section_hash = hashlib.sha256()

    def _close_empty_sections(self) -> None:
        # A section is compared with its table entry where it ends, before more is taken.
        while self._section < 4 and self.received == self._section_end:
            section = self.header["sections"][self._section]  # type: ignore[index]
            if self._section_hash.digest() != section["sha256"]:
                raise BundleRejected(REJECT_BAD_HASH)
            self._open_section(self._section + 1)

    def check_whole(self, data: "Source | None") -> "BundleHeader":
        """The checks that need the whole bundle: its length, then (unless ``data`` is None) the
        section counts read from ``data``, and the serial."""
        if self._failed is not None:
            raise self._failed
        header = self.header
        if header is None or self.received != self._size:
            raise BundleRejected(REJECT_MALFORMED)  # cut short
        if data is None:
            return header
        try:
            bundle_format.bundle_check_sections(data, header)
        except CodecError:
            raise BundleRejected(REJECT_MALFORMED)
        cached = self._cache._header
        if cached is not None and header["serial"] <= cached["serial"]:
            raise BundleRejected(REJECT_NOT_NEWER)  # last, as SPEC.md 8.4 lists the checks
        return header

    def finish(self) -> "BundleHeader":
        """Check the whole, store the trailer, rename the new bundle in and start using it."""
        try:
            return self._finish()
        except BundleRejected as rejected:
            self._fail(rejected)
            raise

    def _finish(self) -> "BundleHeader":
        if self._done:
            raise ValueError("installation finished")
        header = self.check_whole(None)  # the length; the section counts once on flash
        file = self._file
        if file is None:  # nothing was stored: no storage (verify() checks, never installs)
            raise ValueError("an installation without storage cannot finish")
        trailer = _CACHE_MAGIC + struct.pack("<I", self._size) + self._whole.digest()
        try:
            file.write(bytes(memoryview(self._block)[: self._filled]) + trailer)
        except OSError:
            raise BundleRejected(REJECT_NO_ROOM)

        def read(offset: int, length: int) -> bytes:
            return _exact(file.read_at(offset, length), length)

        self.check_whole(read)
        try:
            file.commit()
        except OSError:
            raise BundleRejected(REJECT_NO_ROOM)
        self._done = True
        self._cache._adopt(header, 0)
        self._cache._log.info("bundle serial %d installed" % header["serial"])
        return header

    def abort(self) -> None:
        if self._file is not None and not self._done:
            self._file.discard()
            self._file = None


def _exact(data: "bytes | None", length: int) -> bytes:
    if data is None or len(data) != length:
        raise OSError(5, "bundle cache file: short read")  # EIO
    return data


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
        self._header: "BundleHeader | None" = None
        self._base = 0  # where the bundle starts in the cache file (40: the older layout)
        self._blocklist_version = 0

    # -- state ---------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._header is not None

    @property
    def header(self) -> "BundleHeader | None":
        return self._header

    @property
    def serial(self) -> int:
        return self._header["serial"] if self._header else 0

    def offline_until(self) -> int:
        return self._header["offline_until"] if self._header else 0

    def margin_s(self, now: int) -> int:
        """Seconds of offline use left (0 when expired or no bundle)."""
        return max(0, self.offline_until() - now)

    def _read(self, offset: int, length: int) -> bytes:
        """``length`` bytes of the cached bundle from ``offset`` (the accessors' flash reader)."""
        return _exact(self._storage.read_at(CACHE_FILE, self._base + offset, length), length)

    def info(self) -> dict:
        """What SVC_CACHE_INFO reports (SPEC.md section 7)."""
        header = self._header
        if header is None:
            return {
                "bundle_serial": 0,
                "bundle_size": 0,
                "header_sha256": bytes(SHA256_SIZE),
                "keys": 0,
                "lock_lists": 0,
                "days": 0,
                "blocklist_version": 0,
                "day0_start": 0,
            }
        return {
            "bundle_serial": header["serial"],
            "bundle_size": bundle_format.bundle_size(header),
            "header_sha256": _sha256(self._read(0, BUNDLE_HEADER_SIZE)),
            "keys": bundle_format.bundle_key_count(self._read, header),
            "lock_lists": bundle_format.bundle_lock_list_count(self._read, header),
            "days": header["days"],
            "blocklist_version": self._blocklist_version,
            "day0_start": header["day0_start"],
        }

    # -- boot ----------------------------------------------------------------

    def load(self) -> str | None:
        """Load the stored bundle, discarding a damaged one; returns None or why it was dropped."""
        if self._storage.size(CACHE_FILE) < 0:
            self._log.info("no cached bundle")
            return None
        why, base, header = self._examine()
        if header is None:
            self._storage.remove(CACHE_FILE)
            self._log.error("cached bundle discarded: " + why)
            return why
        self._adopt(header, base)
        self._log.info("cached bundle serial %d loaded" % header["serial"])
        return None

    def check_stored(self) -> str | None:
        """Re-check the cache file on flash (self-test): None when whole, else what is wrong."""
        if self._storage.size(CACHE_FILE) < 0:
            return "no cached bundle" if self.loaded else None
        header = self._examine()[2]
        return None if header is not None else self._examine()[0]

    def _examine(self) -> "tuple[str, int, BundleHeader | None]":
        """(why it is unusable, where the bundle starts, its header or None) of the cache file."""
        storage = self._storage
        size = storage.size(CACHE_FILE)
        first = storage.read_at(CACHE_FILE, 0, _TRAILER) if size >= _TRAILER else None
        if first is None or len(first) != _TRAILER:
            return "not a bundle cache file", 0, None
        base = _TRAILER if first[:4] == _CACHE_MAGIC else 0  # 40: the older layout
        record = first if base else storage.read_at(CACHE_FILE, size - _TRAILER, _TRAILER)
        if record is None or record[:4] != _CACHE_MAGIC:
            return "not a bundle cache file", 0, None
        length = struct.unpack_from("<I", record, 4)[0]
        if length != size - _TRAILER:
            return "truncated (%d of %d bytes)" % (size - _TRAILER, length), 0, None
        digest = hashlib.sha256()
        at = 0
        while at < length:
            piece = storage.read_at(CACHE_FILE, base + at, min(BLOCK, length - at))
            if not piece:
                return "unreadable at byte %d" % at, 0, None
            digest.update(piece)
            at += len(piece)
        if digest.digest() != record[8:_TRAILER]:
            return "checksum mismatch", 0, None

        def read(offset: int, n: int) -> bytes:
            return _exact(storage.read_at(CACHE_FILE, base + offset, n), n)

        try:
            header = bundle_format.bundle_head(read(0, min(BUNDLE_HEADER_SIZE, length)), length)
            bundle_format.bundle_check_sections(read, header)
        except CodecError as exc:
            return "unreadable: %s" % exc.field, 0, None
        if header["station_id"] != self._station_id or header["unit_id"] != self._unit_id:
            return "belongs to another station", 0, None
        return "", base, header

    # -- arrival -------------------------------------------------------------

    def begin_install(self) -> Installation:
        """Start taking in a bundle that arrives in pieces (see Installation)."""
        return Installation(self, self._storage)

    def verify(self, data: "bytes | bytearray | memoryview") -> "BundleHeader":
        """All checks of SPEC.md 8.4 for a whole bundle in RAM; returns its header or raises."""
        check = Installation(self, None)
        view = memoryview(data)
        for at in range(0, len(view), BLOCK):
            check.write(view[at : at + BLOCK])
        return check.check_whole(view)

    def install(self, data: "bytes | bytearray | memoryview") -> "BundleHeader":
        """Take in a whole bundle, as the uplink does piece by piece; the cached one stays in
        use until this returns."""
        installation = self.begin_install()
        view = memoryview(data)
        try:
            for at in range(0, len(view), BLOCK):
                installation.write(view[at : at + BLOCK])
            return installation.finish()
        finally:
            installation.abort()

    def _adopt(self, header: "BundleHeader", base: int) -> None:
        self._header = header
        self._base = base
        self._blocklist_version = bundle_format.bundle_blocklist_version(self._read, header)

    def discard(self) -> None:
        """Forget the cached bundle (factory reset)."""
        self._storage.remove(CACHE_FILE)
        self._header = None
        self._base = 0
        self._blocklist_version = 0

    # -- use -----------------------------------------------------------------

    def blocklist(self) -> bytes:
        """The signed blocklist, verbatim, for writing onto keys."""
        if self._header is None:
            raise CodecError("blocklist", "no bundle loaded")
        return bundle_format.bundle_blocklist(self._read, self._header)

    def key(self, key_id: int) -> "KeyEntry | None":
        """The bundle's entry for a key (public key, code salt and verifier, name) or None."""
        if self._header is None:
            return None
        index = bundle_format.bundle_find_key(self._read, self._header, key_id)
        if index < 0:
            return None
        return bundle_format.bundle_key_at(self._read, self._header, index)

    def is_blocked(self, key_id: int) -> bool:
        if self._header is None:
            return False
        return bundle_format.bundle_blocklist_has(self._read, self._header, key_id)

    def check_usable(self, key_id: int, now: int) -> None:
        """Raise Refusal unless this station may serve this key now (before asking for the code)."""
        self._usable_index(key_id, now)

    def _usable_index(self, key_id: int, now: int) -> int:
        header = self._header
        if header is None:
            raise Refusal(REASON_CACHE_EXPIRED, "no_bundle", 0)
        if now >= header["offline_until"]:
            raise Refusal(REASON_CACHE_EXPIRED, "cache_expired", header["offline_until"])
        if self.is_blocked(key_id):
            raise Refusal(REASON_KEY_BLOCKED, "key_blocked")
        index = bundle_format.bundle_find_key(self._read, header, key_id)
        if index < 0:
            raise Refusal(REASON_UNKNOWN_KEY, "unknown_key")
        return index

    def permission_set_for(self, key_id: int, now: int) -> "tuple[bytes, SetEntry]":
        """(set bytes, set entry) for the key now, or raise Refusal saying why not."""
        index = self._usable_index(key_id, now)
        header = self._header
        assert header is not None  # _usable_index refuses otherwise
        read = self._read
        best: "SetEntry | None" = None
        best_day = -1
        for day in range(header["days"]):
            entry = bundle_format.bundle_set_entry(read, header, index, day)
            if entry["valid_until"] == 0:
                continue
            if entry["valid_from"] <= now < entry["valid_until"] and (
                best is None or entry["valid_from"] > best["valid_from"]
            ):
                best = entry
                best_day = day
        if best is None:
            raise Refusal(REASON_NO_SET_NOW, "no_set_now")
        signed = bundle_format.bundle_rebuild_permission_set(read, header, index, best_day)
        assert signed is not None  # None only for valid_until 0, and now < valid_until
        return signed, best
