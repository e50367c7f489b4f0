"""firmware.station_events: a key's events reach the outbox verbatim, a slice an entry."""

import struct

from firmware import station_events
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox, OutboxFull
from firmware.station_events import EVENTS_PER_ENTRY, STAGE_FILE, EventRecorder
from firmware.storage import DirStorage
from tests.firmware.power_cut import RamFiles


def _event(n):
    return struct.pack("<BBHIIII", 1, 0, 0, 100, 10, 1800000000 + n, n) + bytes([n & 0xFF]) * 16


def _batch(count, first_seq=1):
    head = b"SKAB" + struct.pack("<BBHII", 1, 0, count, 10, first_seq)
    return head + b"".join(_event(n) for n in range(1, count + 1))


def _recorder(files, capacity=256 * 1024):
    clock = ManualClock(1800000000)
    log = Log(clock)
    return EventRecorder(Outbox(DirStorage("/flash", files=files), log, capacity), clock, log)


def _entries(files):
    """(first index, count) of every entry on flash, from the entry heads."""
    out = []
    for name in sorted(n for n in files.files if "/ob_" in n):
        data = files.files[name]
        pos = 0
        while pos < len(data):
            length, count, first = struct.unpack_from("<HHI", data, pos)
            out.append((first, count))
            pos += 8 + length + 4
    return out


def test_a_batch_goes_in_verbatim_one_entry_per_slice():
    files = RamFiles()
    recorder = _recorder(files)
    count = 2 * EVENTS_PER_ENTRY + 5
    stage = recorder.stage(10, 1)
    stage.add(_batch(count)[16:])
    stage.keep()
    assert stage.stored == count
    records = recorder.outbox.pending(max_records=1000)[1]
    assert [r[2:38] for r in records] == [_event(n) for n in range(1, count + 1)]
    assert _entries(files) == [
        (1, EVENTS_PER_ENTRY),
        (1 + EVENTS_PER_ENTRY, EVENTS_PER_ENTRY),
        (1 + 2 * EVENTS_PER_ENTRY, 5),
    ]


def test_a_staged_batch_names_the_last_event_that_fit_when_the_outbox_fills():
    files = RamFiles()
    recorder = _recorder(files, capacity=EVENTS_PER_ENTRY * 42 + 12)  # room for one entry
    stage = recorder.stage(10, 41)
    data = _batch(EVENTS_PER_ENTRY + 3)[16:]
    stage.add(data[: 36 * 10])
    stage.add(data[36 * 10 :])
    assert stage.count == EVENTS_PER_ENTRY + 3
    try:
        stage.keep()
        raise AssertionError("an outbox over its budget took the batch")
    except OutboxFull:
        pass
    assert stage.through == 40 + EVENTS_PER_ENTRY and stage.stored == EVENTS_PER_ENTRY
    assert "/flash/" + STAGE_FILE not in files.files


def test_a_flash_without_room_for_the_stage_is_a_full_outbox_and_leaves_no_file():
    files = RamFiles(size=2000)
    recorder = _recorder(files)
    stage = recorder.stage(10, 1)
    try:
        stage.add(_batch(60)[16:])
        raise AssertionError("a stage beyond the flash accepted")
    except OutboxFull:
        pass
    assert "/flash/" + STAGE_FILE not in files.files
    assert station_events.batch_head(_batch(3)[:16], 16 + 3 * 36) == (10, 1, 3)
