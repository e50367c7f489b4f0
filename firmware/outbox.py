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

RAM holds no record: only a summary of each segment (its name, first and
last index, size, what of it waits, and per lock the lowest and highest
lock_seq it holds). Everything else is read from flash in pieces of at most
``_PIECE`` bytes: ``pending``, ``read``, ``oldest_time`` and the duplicate check
of lock events, which reads a segment only when its lock ranges could hold
one of the events offered. So the heap an outbox needs grows with its
segments (a few dozen bytes and 12 per lock each), not with its records.

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
    from typing import Callable, Iterator  # read under TYPE_CHECKING only

    from firmware.log import Log
    from firmware.storage import DirStorage

_HEAD = "<HHI"
_RANGE = "<III"  # lock_id, lowest lock_seq, highest lock_seq
_RANGE_SIZE = 12
_PIECE = 1024  # flash is read this many bytes at a time
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


class _Segment:
    """What RAM keeps of one segment file: never its records, only their summary.

    ``first``/``last``: outbox indexes of its first and last record; ``size``: its
    bytes on flash; ``waiting``/``waiting_bytes``: its records above the
    acknowledgement and their bytes; ``locks``: packed ``<III`` triples (lock_id,
    lowest lock_seq, highest lock_seq) of its lock events, for the duplicate check.
    """

    __slots__ = ("first", "last", "locks", "name", "size", "waiting", "waiting_bytes")

    def __init__(self, name: str, first: int) -> None:
        self.name = name
        self.first = first
        self.last = first - 1
        self.size = 0
        self.waiting = 0
        self.waiting_bytes = 0
        self.locks = bytearray()

    def may_hold(self, lock_id: int, lock_seq: int) -> bool:
        locks = self.locks
        for pos in range(0, len(locks), _RANGE_SIZE):
            lid, low, high = struct.unpack_from(_RANGE, locks, pos)
            if lid == lock_id:
                return low <= lock_seq <= high
        return False

    def ranges(self) -> dict:
        """lock_id -> (lowest, highest lock_seq) of the segment, unpacked for one look-up round."""
        out = {}
        locks = self.locks
        for pos in range(0, len(locks), _RANGE_SIZE):
            lid, low, high = struct.unpack_from(_RANGE, locks, pos)
            out[lid] = (low, high)
        return out

    def add_locks(self, ranges: dict) -> None:
        """Widen the lock ranges by ``ranges`` (lock_id -> [low, high]), in place: the
        summary of a segment stays where it is on the heap instead of leaving a copy
        behind at every append (which would cut the free heap into small pieces)."""
        if not ranges:
            return
        locks = self.locks
        for pos in range(0, len(locks), _RANGE_SIZE):
            lid, low, high = struct.unpack_from(_RANGE, locks, pos)
            extra = ranges.pop(lid, None)
            if extra is not None and (extra[0] < low or extra[1] > high):
                struct.pack_into(_RANGE, locks, pos, lid, min(low, extra[0]), max(high, extra[1]))
        for lid in ranges:
            locks.extend(struct.pack(_RANGE, lid, ranges[lid][0], ranges[lid][1]))


def _widen(ranges: dict, record: bytes) -> None:
    event_id = _lock_event_id(record)
    if event_id is None:
        return
    lock_id, seq = event_id
    have = ranges.get(lock_id)
    if have is None:
        ranges[lock_id] = [seq, seq]
    elif seq < have[0]:
        have[0] = seq
    elif seq > have[1]:
        have[1] = seq


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
        self._segments: list[_Segment] = []
        self._acked = 0
        self._next = 1
        self._scan_next = 1
        self._oldest: "int | None" = None  # time of the oldest waiting record, once read
        self.last_ack_time = 0
        self.full = False
        self.recover()

    # -- boot ------------------------------------------------------------------

    def recover(self) -> None:
        """Rebuild the summaries from flash, cutting a torn tail and dropping confirmed segments."""
        raw = self._storage.read(ACK_FILE)
        self._acked = struct.unpack("<I", raw)[0] if raw is not None and len(raw) == 4 else 0
        self._next = self._acked + 1
        self._segments = []
        self._scan_next = 1
        self._oldest = None
        names = sorted(n for n in self._storage.names() if n.startswith(_PREFIX))
        self.epoch = self._load_epoch(fresh=raw is None and not names)
        for name in names:
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
        size = self._storage.size(name)
        segment: "_Segment | None" = None
        pos = 0
        while pos < size:
            checked = self._check_entry(name, pos, size)
            if checked is None:
                self._log.warn("outbox: cut torn entry in %s at byte %d of %d" % (name, pos, size))
                self._storage.truncate(name, pos)
                break
            entry_size, first, count, ranges, waiting, waiting_bytes = checked
            if segment is None:
                segment = _Segment(name, first)
            pos += entry_size
            self._scan_next = first + count
            segment.last = first + count - 1
            segment.size = pos
            segment.waiting += waiting
            segment.waiting_bytes += waiting_bytes
            segment.add_locks(ranges)
        if segment is None:
            self._storage.remove(name)
            return
        self._segments.append(segment)
        if segment.last > self._acked:
            self._next = segment.last + 1

    def _check_entry(self, name: str, pos: int, size: int) -> "tuple | None":
        """(size, first, count, lock ranges, waiting records, their bytes) of the intact entry
        at ``pos``, or None for a torn or foreign one. Reads it in pieces of _PIECE bytes."""
        if pos + _HEAD_SIZE + _CRC_SIZE > size:
            return None
        head = self._storage.read_at(name, pos, _HEAD_SIZE)
        if head is None or len(head) != _HEAD_SIZE:
            return None
        length, count, first = struct.unpack(_HEAD, head)
        end = pos + _HEAD_SIZE + length
        if end + _CRC_SIZE > size or first < self._scan_next:
            return None
        tail = self._storage.read_at(name, end, _CRC_SIZE)
        if tail is None or len(tail) != _CRC_SIZE:
            return None
        crc = crc32(head)
        ranges: dict = {}
        seen = 0
        waiting = 0
        waiting_bytes = 0
        buf = b""
        at = 0  # start of the next record in buf
        offset = 0  # body bytes read so far
        while True:
            if len(buf) - at >= 2 and len(buf) - at >= 2 + buf[at + 1]:
                n = 2 + buf[at + 1]
                record = buf[at : at + n]
                at += n
                if first + seen > self._acked:
                    waiting += 1
                    waiting_bytes += n
                seen += 1
                _widen(ranges, record)
                continue
            if offset >= length:
                break
            want = min(_PIECE, length - offset)
            piece = self._storage.read_at(name, pos + _HEAD_SIZE + offset, want)
            if piece is None or len(piece) != want:
                return None
            crc = crc32(piece, crc)
            offset += want
            buf = buf[at:] + piece
            at = 0
        if at != len(buf) or seen != count:
            return None  # a record cut, or not the count the head says
        if crc != struct.unpack("<I", tail)[0]:
            return None
        return end + _CRC_SIZE - pos, first, count, ranges, waiting, waiting_bytes

    def _drop_confirmed_segments(self) -> None:
        kept = []
        for segment in self._segments:
            if segment.last <= self._acked:
                self._storage.remove(segment.name)
            else:
                kept.append(segment)
        self._segments = kept

    # -- reading flash in pieces -------------------------------------------------

    def _segment_records(self, segment: _Segment, from_index: int) -> "Iterator[tuple[int, bytes]]":
        """(index, record) of ``segment`` from ``from_index`` on, read _PIECE bytes at a time;
        entries wholly before ``from_index`` are skipped by their head alone."""
        name = segment.name
        pos = 0
        while pos < segment.size:
            head = self._storage.read_at(name, pos, _HEAD_SIZE)
            if head is None or len(head) != _HEAD_SIZE:
                raise OSError("outbox segment %s unreadable at %d" % (name, pos))
            length, count, first = struct.unpack(_HEAD, head)
            body = pos + _HEAD_SIZE
            pos = body + length + _CRC_SIZE
            if first + count <= from_index:
                continue
            index = first
            buf = b""
            at = 0
            offset = 0
            while True:
                if len(buf) - at >= 2 and len(buf) - at >= 2 + buf[at + 1]:
                    n = 2 + buf[at + 1]
                    if index >= from_index:
                        yield index, buf[at : at + n]
                    at += n
                    index += 1
                    continue
                if offset >= length:
                    break
                want = min(_PIECE, length - offset)
                piece = self._storage.read_at(name, body + offset, want)
                if piece is None or len(piece) != want:
                    raise OSError("outbox segment %s unreadable at %d" % (name, body + offset))
                offset += want
                buf = buf[at:] + piece
                at = 0

    def _iter_from(self, from_index: int) -> "Iterator[tuple[int, bytes]]":
        for segment in self._segments:
            if segment.last >= from_index:
                yield from self._segment_records(segment, from_index)

    def _iter_pending(self) -> "Iterator[tuple[int, bytes]]":
        return self._iter_from(self._acked + 1)

    # -- writing ---------------------------------------------------------------

    def contains(self, lock_id: int, lock_seq: int) -> bool:
        for segment in self._segments:
            if segment.may_hold(lock_id, lock_seq):
                for _, record in self._segment_records(segment, 0):
                    if _lock_event_id(record) == (lock_id, lock_seq):
                        return True
        return False

    def _already_here(self, records: list) -> dict:
        """The positions in ``records`` of lock events already stored here, as a dict.

        A segment is read from flash only when its lock ranges could hold one of them."""
        offered = []  # (position, (lock_id, lock_seq))
        for i, record in enumerate(records):
            event_id = _lock_event_id(record)
            if event_id is not None:
                offered.append((i, event_id))
        found: dict = {}
        if not offered:
            return found
        for segment in self._segments:
            ranges = segment.ranges()
            candidates: dict = {}  # (lock_id, lock_seq) -> position in records
            for i, event_id in offered:
                span = ranges.get(event_id[0])
                if span is not None and span[0] <= event_id[1] <= span[1] and i not in found:
                    candidates[event_id] = i
            del ranges
            if not candidates:
                continue
            for _, record in self._segment_records(segment, 0):
                event_id = _lock_event_id(record)
                if event_id is not None and event_id in candidates:
                    found[candidates.pop(event_id)] = True
                    if not candidates:
                        break
        return found

    def append(self, records: list[bytes]) -> int | None:
        """Store encoded records as one entry; returns the index of the first, or None if all
        were lock events already waiting here. Raises OutboxFull (nothing written)."""
        known = self._already_here(records)
        fresh: list[bytes] = []
        for i, record in enumerate(records):
            if i in known:
                continue  # the key gave us this before its last acknowledgement was lost
            fresh.append(bytes(record))
        if not fresh:
            return None
        if not self._oldest:
            self._oldest = None  # was empty: the oldest record is one of these
        body = b"".join(fresh)
        first = self._next
        head = struct.pack(_HEAD, len(body), len(fresh), first)
        entry = b"".join((head, body, struct.pack("<I", crc32(body, crc32(head)))))
        del body
        if self.flash_bytes() + len(entry) > self.capacity_bytes:
            self._mark_full(len(entry))
        segment = self._segments[-1] if self._segments else None
        new = segment is None or segment.size + len(entry) > self._segment_bytes
        name = _PREFIX + "%08x" % first if new or segment is None else segment.name
        try:
            self._storage.append(name, entry)
        except (StorageFull, OSError):
            # A partial write may sit on flash: cut it so RAM and flash agree.
            if new or segment is None:
                self._storage.remove(name)
            else:
                self._storage.truncate(name, segment.size)
            self._mark_full(len(entry))
        if new or segment is None:
            segment = _Segment(name, first)
            self._segments.append(segment)
        ranges: dict = {}
        for record in fresh:
            _widen(ranges, record)
        segment.add_locks(ranges)
        segment.size += len(entry)
        segment.last = first + len(fresh) - 1
        segment.waiting += len(fresh)
        segment.waiting_bytes += len(entry) - _HEAD_SIZE - _CRC_SIZE
        self._next = first + len(fresh)
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
        for index, record in self._iter_pending():
            if len(out) >= max_records or used + len(record) > max_bytes:
                break
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
        if max_records > 0:
            for index, record in self._iter_from(start):
                if not out:
                    first = index
                out.append(record)
                if len(out) >= max_records:
                    break
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
        self._oldest = None
        self._drop_confirmed_segments()
        if self._segments and self._segments[0].first <= through_index:
            # Partly confirmed: count what is left of it, reading it in pieces.
            segment = self._segments[0]
            segment.waiting = 0
            segment.waiting_bytes = 0
            for _, record in self._segment_records(segment, through_index + 1):
                segment.waiting += 1
                segment.waiting_bytes += len(record)
        self.full = False
        return before - self.records()

    # -- figures ---------------------------------------------------------------

    @property
    def storage(self) -> "DirStorage":
        """The flash the outbox lives on (the key session stages a key's events there too)."""
        return self._storage

    @property
    def next_index(self) -> int:
        return self._next

    @property
    def acked_through(self) -> int:
        return self._acked

    def records(self) -> int:
        return sum(s.waiting for s in self._segments)

    def pending_bytes(self) -> int:
        return sum(s.waiting_bytes for s in self._segments)

    def flash_bytes(self) -> int:
        return sum(s.size for s in self._segments)

    def oldest_time(self) -> int:
        if self._oldest is None:
            self._oldest = 0
            for _, record in self._iter_pending():
                self._oldest = _record_time(record)
                break
        return self._oldest

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
