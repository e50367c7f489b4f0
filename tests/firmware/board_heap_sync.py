"""MicroPython script: a key at audit capacity syncs at a station whose outbox is at its budget.

    micropython -X heapsize=768k tests/firmware/board_heap_sync.py FOLDER

The station's flash is FOLDER (real files through ``OsFiles``, so nothing of
it sits on the heap). The outbox (256 KiB budget) is filled with lock events
until only the room the key's events need is left; then a key holding its
full 1,000 audit events syncs over its byte port. Prints ``synced <stored>
<records waiting>`` and exits 0 when the sync ended "OK" with all 1,000
events stored and acknowledged; a MemoryError (a heap too small for the
station's work) ends it non-zero. Run by tests/firmware/test_board_heap_cpython.py.

On the 64-bit unix port (objects about twice a board's size) the imports,
compiled from source, hold about 220 KiB and the key double's 1,000 events
about 125 KiB of the heap; the sync went through at 576k and not at 544k,
where the outbox that held its records in RAM needed between 4M and 6M.
"""

import gc
import struct
import sys

sys.path.insert(0, ".")

from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.code_check import CodeCheck
from firmware.log import Log
from firmware.outbox import Outbox, OutboxFull
from firmware.record_encoders import encode_record
from firmware.storage import DirStorage
from tests.firmware import fixtures as fx
from tests.firmware.key_double import KeyDouble, Ticks, audit_event
from tests.firmware.sync_rig import contact_session

KEY = 10
EVENTS = 1000
CAPACITY = 256 * 1024
ROOM = EVENTS * 42 + 64 * 1024  # the key's records, their entry heads, a few station events


def lock_record(lock_id, lock_seq, time):
    event = struct.pack("<BBHIIII", 1, 0, 0, lock_id, 77, time, lock_seq) + bytes(16)
    return bytes([1, 40]) + event + struct.pack("<I", time + 5)


def fill(outbox):
    n = 0
    while outbox.flash_bytes() + ROOM < CAPACITY:
        batch = [
            lock_record(2000 + (n + i) % 60, (n + i) // 60 + 1, fx.EPOCH + n + i) for i in range(50)
        ]
        try:
            outbox.append(batch)
        except OutboxFull:
            break
        n += 50
    return n


def main(folder):
    # The key first: the key double's own heap is not the station's to pay, nor to fragment.
    key = KeyDouble(KEY)
    for i in range(EVENTS):
        if i % 10 == 0:
            gc.collect()  # keeps the key's events together below the HMAC's garbage
        # raw bytes on the key: the key double's own heap is not the station's to pay
        key.append_event(encode_record("audit_event", audit_event(100, KEY, fx.EPOCH + i, i + 1)))
    clock = ManualClock(fx.EPOCH)
    log = Log(clock)
    storage = DirStorage(folder)
    cache = BundleCache(storage, fx.STATION_ID, fx.UNIT_ID, [fx.AUTHORITY_PUBLIC], log)
    cache.install(fx.read("bundle_serial1.bin"))
    codes = CodeCheck(storage, clock, log)
    outbox = Outbox(storage, log, capacity_bytes=CAPACITY)
    filled = fill(outbox)
    ticks = Ticks(5000)
    session = contact_session(
        key, fx.KEYS[KEY][0], cache, codes, outbox, clock, log, fx.STATION_ID, ticks
    )
    result = session.run()
    print("synced %d %d (outbox filled with %d)" % (result.events_stored, outbox.records(), filled))
    if result.outcome != "ok_until" or result.events_stored != EVENTS or key.events:
        print("sync failed: %s" % (result.outcome,))
        for line in log.tail(1, 4000)[2].splitlines():
            print(line)
        sys.exit(1)


main(sys.argv[1])
