"""MicroPython script: the heap an Outbox holds at its flash budget (issue 19.3's figure).

    micropython bench/outbox_ram.py FOLDER

Fills an outbox in FOLDER (real files, through ``OsFiles``) with lock events of
60 locks, 50 a sync, until it refuses one for its byte budget (256 KiB, about
6,200 records), then builds a second Outbox on that flash, as a station does
at boot. Prints ``outbox_ram_bytes_full <bytes>``: the growth of
``gc.mem_alloc()`` (after ``gc.collect()``) the larger of the two outboxes
holds, and ``outbox_records_full <records>``.
"""

import gc
import struct
import sys

sys.path.insert(0, ".")

from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox, OutboxFull
from firmware.storage import DirStorage

LOCKS = 60
PER_SYNC = 50


def lock_event(lock_id, lock_seq, time):
    event = struct.pack("<BBHIIII", 1, 0, 0, lock_id, 77, time, lock_seq) + bytes(16)
    return bytes([1, 40]) + event + struct.pack("<I", time + 5)


def fill(outbox):
    n = 0
    while True:
        batch = [
            lock_event(1000 + (n + i) % LOCKS, (n + i) // LOCKS + 1, 1800000000 + n + i)
            for i in range(PER_SYNC)
        ]
        try:
            outbox.append(batch)
        except OutboxFull:
            return n
        n += PER_SYNC


def held(make):
    gc.collect()
    before = gc.mem_alloc()
    box = make()
    gc.collect()
    return box, gc.mem_alloc() - before


def main(folder):
    log = Log(ManualClock(1800000000))
    storage = DirStorage(folder)
    first, grown = held(lambda: Outbox(storage, log))
    before = gc.mem_alloc()
    fill(first)
    gc.collect()
    grown += gc.mem_alloc() - before
    records = first.records()
    if records < 6000:
        raise SystemExit("outbox full at %d records, not at its byte budget" % records)
    first = None
    _, booted = held(lambda: Outbox(storage, log))
    print("outbox_ram_bytes_full %d" % max(grown, booted))
    print("outbox_records_full %d" % records)


main(sys.argv[1])
