"""The durable audit outbox: every event a key hands over is on flash before the key may forget it.

Records (SPEC.md 9.2, already encoded) are numbered with a station-wide outbox
index that never goes back, not even across reboots: the back office drops
duplicate station events by (station, index).

On flash: segment files ``ob_<first index, 8 hex digits>`` holding entries

    u16 body length, u16 record count, u32 first index, body (the records), u32 CRC-32

where the CRC covers everything before it. One ``append`` is one entry, so the
records of one sync land together or not at all: a power cut leaves a torn last
entry, which ``recover`` (run at construction) cuts off. ``outbox.ack`` holds
the highest index the back office confirmed (written atomically); whole
segments at or below it are deleted, and nothing else is ever removed.

``outbox.epoch`` names this numbering (SPEC.md 9.1): a random non-zero u32
chosen when the outbox starts on empty flash. A station reflashed or replaced
under the same id starts its indexes at 1 again, under a new epoch, so the back
office never takes its new events for duplicates of the old ones. An outbox
found without the file (but with records or an ack) keeps epoch 0, "unknown".

When the outbox's byte budget or the flash is full, ``append`` raises
``OutboxFull`` and writes nothing: the station then stops acknowledging to
keys, which keep their events until there is room again.
"""

import os
import struct

from firmware.framing import crc32
from firmware.storage import StorageFull

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import (
        Callable,
        Iterator,  # read under TYPE_CHECKING only
    )

    from firmware.log import Log
    from firmware.storage import DirStorage

_HEAD = "<HHI"
_HEAD_SIZE = 8
_CRC_SIZE = 4
_PREFIX = "ob_"
ACK_FILE = "outbox.ack"
EPOCH_FILE = "outbox.epoch"

KIND_LOCK_EVENT = 1
KIND_STATION_EVENT = 2


class OutboxFull(Exception):
    pass


def _record_time(record: bytes) -> int:
    kind = record[0]
    if kind == KIND_LOCK_EVENT:
        return struct.unpack_from("<I", record, 2 + 12)[0]
    if kind == KIND_STATION_EVENT:
        return struct.unpack_from("<I", record, 2 + 4)[0]
    return 0


def _lock_event_id(record: bytes) -> tuple[int, int] | None:
    """(lock_id, lock_seq) of a lock-event record, else None."""
    if record[0] != KIND_LOCK_EVENT:
        return None
    return struct.unpack_from("<I", record, 2 + 4)[0], struct.unpack_from("<I", record, 2 + 16)[0]


def split_records(body: bytes) -> list[bytes]:
    """The records of an entry body: each is u8 kind, u8 length, then length bytes."""
    records = []
    pos = 0
    while pos < len(body):
        if pos + 2 > len(body):
            raise ValueError("record header cut at %d" % pos)
        end = pos + 2 + body[pos + 1]
        if end > len(body):
            raise ValueError("record cut at %d" % pos)
        records.append(bytes(body[pos:end]))
        pos = end
    return records


class _Entry:
    __slots__ = ("count", "first", "records", "segment", "size")

    def __init__(
        self, segment: str, first: int, count: int, size: int, records: list[bytes]
    ) -> None:
        self.segment = segment
        self.first = first
        self.count = count
        self.size = size
        self.records = records


class Outbox:
    def __init__(
        self,
        storage: "DirStorage",
        log: "Log",
        capacity_bytes: int = 256 * 1024,
        segment_bytes: int = 16 * 1024,
        random_bytes: "Callable[[int], bytes] | None" = None,
    ) -> None:
        self._storage = storage
        self._random_bytes = random_bytes or os.urandom
        self.epoch = 0
        self._log = log
        self.capacity_bytes = capacity_bytes
        self._segment_bytes = segment_bytes
        self._entries: list[_Entry] = []
        self._segment_sizes: dict[str, int] = {}
        self._acked = 0
        self._next = 1
        self._scan_next = 1
        self._seen: set[tuple[int, int]] = set()
        self.last_ack_time = 0
        self.full = False
        self.recover()

    # -- boot ------------------------------------------------------------------

    def recover(self) -> None:
        """Rebuild the index from flash, cutting a torn tail and dropping confirmed segments."""
        raw = self._storage.read(ACK_FILE)
        self._acked = struct.unpack("<I", raw)[0] if raw is not None and len(raw) == 4 else 0
        self._next = self._acked + 1
        self._entries = []
        self._segment_sizes = {}
        self._seen = set()
        self._scan_next = 1
        segments = sorted(n for n in self._storage.names() if n.startswith(_PREFIX))
        self.epoch = self._load_epoch(fresh=raw is None and not segments)
        for name in segments:
            self._scan_segment(name)
        self._next = max(self._next, self._scan_next)
        self._drop_confirmed_segments()

    def _load_epoch(self, fresh: bool) -> int:
        raw = self._storage.read(EPOCH_FILE)
        if raw is not None and len(raw) == 4:
            return struct.unpack("<I", raw)[0]
        if not fresh:
            return 0  # records numbered before epochs existed: their numbering has no name
        epoch = struct.unpack("<I", self._random_bytes(4))[0] or 1  # 0 means "unknown"
        try:
            self._storage.write(EPOCH_FILE, struct.pack("<I", epoch))
        except (StorageFull, OSError) as exc:
            # Still a new name for this boot's numbering; the next boot picks another.
            self._log.error("outbox epoch not stored: %r" % (exc,))
        return epoch

    def _scan_segment(self, name: str) -> None:
        data = self._storage.read(name) or b""
        pos = 0
        while pos < len(data):
            entry = self._parse_entry(name, data, pos)
            if entry is None:
                self._log.warn(
                    "outbox: cut torn entry in %s at byte %d of %d" % (name, pos, len(data))
                )
                self._storage.truncate(name, pos)
                break
            pos += entry.size
            self._scan_next = entry.first + entry.count
            if entry.first + entry.count - 1 <= self._acked:
                continue
            self._add_entry(entry)
        if pos == 0:
            self._storage.remove(name)
        else:
            self._segment_sizes[name] = pos

    def _parse_entry(self, name: str, data: bytes, pos: int) -> _Entry | None:
        if pos + _HEAD_SIZE + _CRC_SIZE > len(data):
            return None
        length, count, first = struct.unpack_from(_HEAD, data, pos)
        end = pos + _HEAD_SIZE + length
        if end + _CRC_SIZE > len(data):
            return None
        if crc32(data[pos:end]) != struct.unpack_from("<I", data, end)[0]:
            return None
        try:
            records = split_records(data[pos + _HEAD_SIZE : end])
        except ValueError:
            return None
        if len(records) != count or first < self._scan_next:
            return None
        return _Entry(name, first, count, end + _CRC_SIZE - pos, records)

    def _add_entry(self, entry: _Entry) -> None:
        self._entries.append(entry)
        self._next = entry.first + entry.count
        for record in entry.records:
            event_id = _lock_event_id(record)
            if event_id is not None:
                self._seen.add(event_id)

    def _drop_confirmed_segments(self) -> None:
        live = set(e.segment for e in self._entries)
        for name in list(self._segment_sizes):
            if name not in live:
                self._storage.remove(name)
                del self._segment_sizes[name]

    def _last_segment(self) -> str | None:
        return max(self._segment_sizes) if self._segment_sizes else None

    # -- writing ---------------------------------------------------------------

    def contains(self, lock_id: int, lock_seq: int) -> bool:
        return (lock_id, lock_seq) in self._seen

    def append(self, records: list[bytes]) -> int | None:
        """Store encoded records as one entry; returns the index of the first, or None if all
        were lock events already waiting here. Raises OutboxFull (nothing written)."""
        fresh: list[bytes] = []
        for record in records:
            event_id = _lock_event_id(record)
            if event_id is not None and event_id in self._seen:
                continue  # the key gave us this before its last acknowledgement was lost
            fresh.append(bytes(record))
        if not fresh:
            return None
        body = b"".join(fresh)
        first = self._next
        head = struct.pack(_HEAD, len(body), len(fresh), first)
        entry = head + body
        entry += struct.pack("<I", crc32(entry))
        if self.flash_bytes() + len(entry) > self.capacity_bytes:
            self._mark_full(len(entry))
        segment = self._last_segment()
        if segment is None or self._segment_sizes[segment] + len(entry) > self._segment_bytes:
            segment = _PREFIX + "%08x" % first
            self._segment_sizes[segment] = 0
        try:
            self._storage.append(segment, entry)
        except (StorageFull, OSError):
            # A partial write may sit on flash: cut it so RAM and flash agree.
            if self._segment_sizes[segment] == 0:
                self._storage.remove(segment)
                del self._segment_sizes[segment]
            else:
                self._storage.truncate(segment, self._segment_sizes[segment])
            self._mark_full(len(entry))
        self._segment_sizes[segment] += len(entry)
        self._add_entry(_Entry(segment, first, len(fresh), len(entry), fresh))
        self.full = False
        return first

    def _mark_full(self, needed: int) -> None:
        if not self.full:
            self._log.error("outbox full: %d bytes needed, keys keep their events" % needed)
        self.full = True
        raise OutboxFull()

    # -- reading and confirming ------------------------------------------------

    def pending(
        self, max_records: int = 500, max_bytes: int = 60 * 1024
    ) -> tuple[int, list[bytes]]:
        """(first index, records) of the oldest unconfirmed records, consecutive."""
        out: list[bytes] = []
        used = 0
        first = 0
        for entry in self._entries:
            for i, record in enumerate(entry.records):
                index = entry.first + i
                if index <= self._acked:
                    continue
                if len(out) >= max_records or used + len(record) > max_bytes:
                    return first, out
                if not out:
                    first = index
                out.append(record)
                used += len(record)
        return first, out

    def read(self, from_index: int, max_records: int) -> tuple[int, int, list[bytes]]:
        """(total waiting, first index, records) from from_index on, for the service console."""
        start = max(from_index, self._acked + 1)
        out: list[bytes] = []
        first = 0
        for entry in self._entries:
            for i, record in enumerate(entry.records):
                index = entry.first + i
                if index < start or len(out) >= max_records:
                    continue
                if not out:
                    first = index
                out.append(record)
        return self.records(), first, out

    def confirm(self, through_index: int, now: int = 0) -> int:
        """The back office (or a technician's export) holds everything up to through_index."""
        through_index = min(through_index, self._next - 1)
        if through_index <= self._acked:
            return 0
        before = self.records()
        self._storage.write(ACK_FILE, struct.pack("<I", through_index))
        self._acked = through_index
        self.last_ack_time = now
        kept: list[_Entry] = []
        for entry in self._entries:
            if entry.first + entry.count - 1 <= through_index:
                for record in entry.records:
                    event_id = _lock_event_id(record)
                    if event_id is not None:
                        self._seen.discard(event_id)
            else:
                kept.append(entry)
        self._entries = kept
        self._drop_confirmed_segments()
        self.full = False
        return before - self.records()

    # -- figures ---------------------------------------------------------------

    @property
    def next_index(self) -> int:
        return self._next

    @property
    def acked_through(self) -> int:
        return self._acked

    def records(self) -> int:
        return sum(1 for _ in self._iter_pending())

    def pending_bytes(self) -> int:
        return sum(len(r) for _, r in self._iter_pending())

    def flash_bytes(self) -> int:
        return sum(self._segment_sizes.values())

    def oldest_time(self) -> int:
        for _, record in self._iter_pending():
            return _record_time(record)
        return 0

    def _iter_pending(self) -> "Iterator[tuple[int, bytes]]":
        for entry in self._entries:
            for i, record in enumerate(entry.records):
                if entry.first + i > self._acked:
                    yield entry.first + i, record

    def info(self) -> dict:
        """What SVC_OUTBOX_INFO reports (SPEC.md section 7)."""
        return {
            "records": self.records(),
            "bytes": self.pending_bytes(),
            "capacity_bytes": self.capacity_bytes,
            "oldest_time": self.oldest_time(),
            "next_index": self._next,
            "last_ack_time": self.last_ack_time,
            "full": 1 if self.full else 0,
        }
