"""MicroPython script: the heap one key sync allocates at the station (issue 15's figure).

    micropython bench/station_sync.py BUNDLE AUTHORITY_HEX STATION UNIT NOW KEY_ID CODE LOCKS EVENTS

Installs the bundle, then runs one whole key session (hello, challenge, code,
set, blocklist, audit read and store, acknowledgement) against the portable
key double over its byte port, with the collector off: the growth of
``gc.mem_alloc()`` is every byte the sync allocated. Prints
``station_sync_allocations <bytes>`` and ``station_sync_peak_live <bytes>``
(the most the session held at once, sampled between its steps with a
collection each time, measured on a second run).

    micropython bench/station_sync.py --wall ROUNDS BUNDLE AUTHORITY_HEX ...  (the same)
    python bench/station_sync.py --wall ROUNDS BUNDLE AUTHORITY_HEX ...

Issue 11's figures, the same script on MicroPython and on CPython: the heap
policy the station boots with (firmware/heap.py), the station and the key
made, then ``ROUNDS`` syncs, each on a fresh station and key, timed from the
first step to the last: prints ``sync_wall_us <median>``, and on MicroPython
``sync_heap_peak <bytes>``, the most ``gc.mem_alloc()`` rose above the heap in
use at the sync's start, sampled after every step (garbage included, as the
collector leaves it: that is what must fit). The key answers in the same
process (no wire and no pacing: the wire's own time is sync_wire_s_115200).
"""

import gc
import sys

sys.path.insert(0, ".")

from firmware import heap

heap.collect_early()

from bench import bench_key
from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.code_check import CodeCheck
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.storage import DirStorage
from tests.firmware.key_double import Ticks
from tests.firmware.power_cut import RamFiles
from tests.firmware.sync_rig import contact_session


def _station(bundle, authority, station_id, unit_id, now):
    clock = ManualClock(now)
    log = Log(clock)
    storage = DirStorage("/flash", files=RamFiles())
    cache = BundleCache(storage, station_id, unit_id, [authority], log)
    cache.install(bundle)  # raises if the bundle is refused
    outbox = Outbox(storage, log, capacity_bytes=512 * 1024)
    return clock, log, storage, cache, CodeCheck(storage, clock, log), outbox


def _key(key_id, locks, events, now, station_id):
    return bench_key.with_events(key_id, locks, events, now, station_id)


def _session(parts, key, code, station_id, ticks):
    clock, log, _, cache, codes, outbox = parts
    return contact_session(key, code, cache, codes, outbox, clock, log, station_id, ticks)


def _allocated(args):
    """Every byte one sync allocates, the collector off."""
    bundle, authority, station_id, unit_id, now, key_id, code, locks, events = args
    parts = _station(bundle, authority, station_id, unit_id, now)
    key = _key(key_id, locks, events, now, station_id)
    ticks = Ticks(5000)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    result = _session(parts, key, code, station_id, ticks).run()
    allocated = gc.mem_alloc() - before
    gc.enable()
    if result.outcome != "ok_until" or result.events_stored != events:
        raise SystemExit("sync failed: %s, %d stored" % (result.outcome, result.events_stored))
    return allocated


def _peak_live(args):
    """The most the session holds at once: a collection after every step."""
    bundle, authority, station_id, unit_id, now, key_id, code, locks, events = args
    parts = _station(bundle, authority, station_id, unit_id, now)
    key = _key(key_id, locks, events, now, station_id)
    ticks = Ticks(5000)
    gc.collect()
    base = gc.mem_alloc()
    session = _session(parts, key, code, station_id, ticks)
    peak = 0
    while not session.done:
        session.step()
        gc.collect()
        peak = max(peak, gc.mem_alloc() - base)
    return peak


def _now_us():
    import time

    if hasattr(time, "ticks_us"):
        return time.ticks_us()
    return time.perf_counter_ns() // 1000


def _since_us(start):
    import time

    if hasattr(time, "ticks_diff"):
        return time.ticks_diff(time.ticks_us(), start)
    return time.perf_counter_ns() // 1000 - start


def _timed(args):
    """One sync's wall microseconds and its heap peak (0 where the port cannot say)."""
    bundle, authority, station_id, unit_id, now, key_id, code, locks, events = args
    parts = _station(bundle, authority, station_id, unit_id, now)
    key = _key(key_id, locks, events, now, station_id)
    ticks = Ticks(5000)
    alloc = getattr(gc, "mem_alloc", None)
    gc.collect()
    base = alloc() if alloc else 0
    peak = 0
    start = _now_us()
    session = _session(parts, key, code, station_id, ticks)
    while not session.done:
        session.step()
        if alloc:
            peak = max(peak, alloc() - base)
    wall = _since_us(start)
    result = session.result
    if result.outcome != "ok_until" or result.events_stored != events:
        raise SystemExit("sync failed: %s, %d stored" % (result.outcome, result.events_stored))
    return wall, peak


def _args(argv):
    with open(argv[0], "rb") as f:
        bundle = f.read()
    ints = [int(a) for a in argv[2:6]]
    return (
        bundle,
        bytes.fromhex(argv[1]),
        ints[0],
        ints[1],
        ints[2],
        ints[3],
        argv[6],
        int(argv[7]),
        int(argv[8]),
    )


def main(argv):
    if argv[1] == "--wall":
        args = _args(argv[3:])
        runs = [_timed(args) for _ in range(int(argv[2]))]
        walls = sorted(wall for wall, _ in runs)
        print("sync_wall_us %d" % walls[len(walls) // 2])
        if hasattr(gc, "mem_alloc"):
            print("sync_heap_peak %d" % max(peak for _, peak in runs))
        return
    args = _args(argv[1:])
    print("station_sync_allocations %d" % _allocated(args))
    gc.collect()
    print("station_sync_peak_live %d" % _peak_live(args))


main(sys.argv)
