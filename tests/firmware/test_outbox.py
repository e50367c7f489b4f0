"""firmware.outbox: durable, ordered, never loses or duplicates an acknowledged event.

Records are built by hand in SPEC.md 9.2's layout (kind, length, body) so the
test does not depend on the codec. The power-loss test cuts the power at every
byte, rename and remove of a run of appends and confirmations in turn.
"""

import struct

from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox, OutboxFull
from firmware.storage import DirStorage
from tests.firmware.power_cut import PowerCut, RamFiles


def lock_event(lock_id, lock_seq, time=1800000000):
    event = struct.pack("<BBHIIII", 1, 0, 0, lock_id, 77, time, lock_seq) + bytes(16)
    return bytes([1, 40]) + event + struct.pack("<I", time + 5)


def station_event(reason, time=1800000000):
    return bytes([2, 16]) + struct.pack("<IIB3xI", 77, time, reason, 0)


def _outbox(files, **kwargs):
    clock = ManualClock(1800000000)
    return Outbox(DirStorage("/flash", files=files), Log(clock), **kwargs)


def test_append_numbers_records_consecutively_and_pending_returns_them_in_order():
    box = _outbox(RamFiles())
    assert box.append([lock_event(1, 1), lock_event(1, 2)]) == 1
    assert box.append([station_event(1)]) == 3
    first, records = box.pending()
    assert first == 1
    assert records == [lock_event(1, 1), lock_event(1, 2), station_event(1)]
    assert box.records() == 3
    assert box.next_index == 4


def test_everything_survives_a_reboot():
    files = RamFiles()
    box = _outbox(files)
    box.append([lock_event(1, 1), lock_event(2, 1)])
    box.append([station_event(3)])
    again = _outbox(files)
    assert again.pending() == box.pending()
    assert again.next_index == 4


def test_confirm_removes_only_what_the_back_office_holds_and_indices_never_go_back():
    files = RamFiles()
    box = _outbox(files, segment_bytes=100)
    for seq in range(1, 7):
        box.append([lock_event(9, seq)])
    assert box.confirm(4) == 4
    assert box.pending() == (5, [lock_event(9, 5), lock_event(9, 6)])
    assert box.confirm(100) == 2  # more than there is: only what exists
    assert box.records() == 0
    rebooted = _outbox(files)
    assert rebooted.records() == 0
    assert rebooted.append([station_event(1)]) == 7
    # Confirmed segments are gone from flash.
    assert [n for n in files.files if "/ob_" in n] == ["/flash/ob_00000007"]


def test_a_lock_event_already_waiting_is_not_stored_twice():
    box = _outbox(RamFiles())
    box.append([lock_event(5, 1), lock_event(5, 2)])
    assert box.append([lock_event(5, 2), lock_event(5, 3)]) == 3
    assert box.append([lock_event(5, 3)]) is None
    assert box.records() == 3


def test_an_outbox_on_empty_flash_names_its_numbering_and_keeps_the_name():
    assert _outbox(RamFiles(), random_bytes=bytes).epoch == 1  # zero would mean "unknown"
    files = RamFiles()
    box = _outbox(files, random_bytes=lambda n: bytes([1, 2, 3, 4]))
    assert box.epoch == 0x04030201
    box.append([station_event(1)])
    rebooted = _outbox(files, random_bytes=lambda n: b"\xff" * n)
    assert rebooted.epoch == 0x04030201 and rebooted.next_index == 2
    # Reflashed (empty flash again): numbering from 1 under a new name.
    fresh = _outbox(RamFiles(), random_bytes=lambda n: b"\x07" * n)
    assert (fresh.epoch, fresh.next_index) == (0x07070707, 1)


def test_an_outbox_from_before_epochs_keeps_epoch_zero():
    files = RamFiles()
    box = _outbox(files)
    box.append([station_event(1)])
    del files.files["/flash/outbox.epoch"]
    again = _outbox(files, random_bytes=lambda n: b"\x07" * n)
    assert again.epoch == 0 and again.next_index == 2


def test_torn_tail_is_cut_at_boot():
    files = RamFiles()
    box = _outbox(files)
    box.append([lock_event(1, 1)])
    files.files["/flash/ob_00000001"] += b"\x10\x00\x01\x00garbage"
    log_clock = ManualClock(0)
    log = Log(log_clock)
    again = Outbox(DirStorage("/flash", files=files), log)
    assert again.pending() == (1, [lock_event(1, 1)])
    assert "torn" in log.tail(1, 1000)[2]
    assert again.append([lock_event(1, 2)]) == 2


def test_full_outbox_refuses_without_writing_and_recovers_after_confirmation():
    files = RamFiles()
    box = _outbox(files, capacity_bytes=200)
    box.append([lock_event(1, 1), lock_event(1, 2)])
    box.append([lock_event(1, 3), lock_event(1, 4)])
    before = dict((k, bytes(v)) for k, v in files.files.items())
    try:
        box.append([lock_event(1, 5), lock_event(1, 6)])
        raise AssertionError("append over capacity accepted")
    except OutboxFull:
        pass
    assert box.full
    assert box.info()["full"] == 1
    assert dict((k, bytes(v)) for k, v in files.files.items()) == before
    box.confirm(4)
    assert box.append([lock_event(1, 5), lock_event(1, 6)]) == 5
    assert not box.full


def test_flash_full_during_append_leaves_nothing_half_written():
    files = RamFiles(size=150)
    box = _outbox(files)
    box.append([lock_event(1, 1)])
    try:
        box.append([lock_event(1, n) for n in range(2, 6)])
        raise AssertionError("append beyond the flash accepted")
    except OutboxFull:
        pass
    again = _outbox(files)
    assert again.pending() == (1, [lock_event(1, 1)])


def test_read_for_the_service_console_does_not_remove_anything():
    box = _outbox(RamFiles())
    box.append([lock_event(1, n) for n in range(1, 6)])
    total, first, records = box.read(2, 2)
    assert (total, first) == (5, 2)
    assert records == [lock_event(1, 2), lock_event(1, 3)]
    assert box.records() == 5


def _script():
    """Appends and confirmations of a day: (op, argument)."""
    return [
        ("append", [lock_event(1, 1), lock_event(2, 1)]),
        ("append", [station_event(1)]),
        ("confirm", 2),
        ("append", [lock_event(1, 2), lock_event(1, 3), lock_event(2, 2)]),
        ("confirm", 6),
        ("append", [lock_event(3, 1)]),
    ]


def test_power_cut_at_every_unit_loses_and_duplicates_nothing_acknowledged():
    cut = 0
    while True:
        files = RamFiles()
        box = _outbox(files, segment_bytes=120)
        stored = []  # records whose append returned: acknowledged to the key
        confirmed = 0
        in_flight = None
        finished = True
        files.cut_after(cut)
        try:
            for op, arg in _script():
                in_flight = (op, arg)
                if op == "append":
                    box.append(arg)
                    stored.extend(arg)
                else:
                    box.confirm(arg)
                    confirmed = arg
                in_flight = None
        except PowerCut:
            finished = False
        files.restore_power()
        again = _outbox(files, segment_bytes=120)
        first, pending = again.pending()
        expected = stored[confirmed:]
        if in_flight is None:
            assert pending == expected, (cut, pending)
        elif in_flight[0] == "append":
            assert pending in (expected, expected + in_flight[1]), (cut, pending)
        else:
            assert pending in (expected, stored[in_flight[1] :]), (cut, pending)
        assert len(set(pending)) == len(pending)
        if pending:
            assert first >= confirmed + 1
        # The station carries on after the reboot with fresh, higher indices.
        assert again.append([station_event(9)]) == again.next_index - 1
        if finished:
            break
        cut += 1
    assert cut > 300


class _CountingFiles(RamFiles):
    """RamFiles that remember the length of every read of an outbox segment (-1: whole)."""

    def __init__(self):
        RamFiles.__init__(self)
        self.reads = []

    def read(self, path, offset=0, length=-1):
        if "/ob_" in path:
            self.reads.append(length)
        return RamFiles.read(self, path, offset, length)


def test_the_outbox_reads_its_segments_in_bounded_pieces_and_keeps_no_record_in_ram():
    files = _CountingFiles()
    box = _outbox(files, segment_bytes=4096)
    for n in range(40):
        box.append([lock_event(1 + i % 7, n * 10 + i + 1) for i in range(10)])
    again = _outbox(files, segment_bytes=4096)
    assert again.records() == 400
    again.pending(max_records=300)
    again.read(150, 20)
    again.contains(3, 55)
    again.append([lock_event(3, 52), lock_event(3, 9999)])
    again.confirm(250)
    again.oldest_time()
    assert files.reads and min(files.reads) > 0 and max(files.reads) <= 1024
    # What RAM keeps per segment is a summary: no list of records anywhere in it.
    for value in again.__dict__.values():
        assert not (isinstance(value, list) and value and isinstance(value[0], bytes))


def test_duplicates_are_found_on_flash_after_a_reboot_and_figures_follow_a_partial_confirm():
    files = RamFiles()
    box = _outbox(files, segment_bytes=300)
    box.append([lock_event(5, n) for n in range(1, 6)])
    box.append([station_event(1, time=1800000100)])
    box.append([lock_event(6, n) for n in range(1, 4)])
    again = _outbox(files, segment_bytes=300)
    assert again.contains(5, 3) and again.contains(6, 1)
    assert not again.contains(5, 6) and not again.contains(7, 1)
    assert again.append([lock_event(5, 4), lock_event(6, 3), lock_event(5, 6)]) == 10
    assert again.records() == 10
    again.confirm(3)
    assert again.records() == 7
    assert again.pending_bytes() == 2 * 42 + 18 + 4 * 42
    assert again.oldest_time() == 1800000000
    again.confirm(5)
    assert again.oldest_time() == 1800000100
    assert again.read(1, 3) == (
        5,
        6,
        [station_event(1, time=1800000100), lock_event(6, 1), lock_event(6, 2)],
    )
    rebooted = _outbox(files, segment_bytes=300)
    assert (rebooted.records(), rebooted.pending_bytes()) == (5, again.pending_bytes())
