"""MicroPython script: the heap one key sync allocates at the station (issue 15's figure).

    micropython bench/station_sync.py BUNDLE AUTHORITY_HEX STATION UNIT NOW KEY_ID CODE LOCKS EVENTS

Installs the bundle, then runs one whole key session (hello, challenge, code,
set, blocklist, audit read and store, acknowledgement) against the portable
key double over its byte port, with the collector off: the growth of
``gc.mem_alloc()`` is every byte the sync allocated. Prints
``station_sync_allocations <bytes>`` and ``station_sync_peak_live <bytes>``
(the most the session held at once, sampled between its steps with a
collection each time, measured on a second run).
"""

import gc
import sys

sys.path.insert(0, ".")

from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.code_check import CodeCheck
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.storage import DirStorage
from tests.firmware.key_double import KeyDouble, Ticks, audit_event
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


def _key(key_id, locks, events, now):
    key = KeyDouble(key_id)
    for i in range(events):
        lock_id = 1000 + i % locks
        key.append_event(audit_event(lock_id, key_id, now - 3600 + i, i // locks + 1))
    return key


def _session(parts, key, code, station_id, ticks):
    clock, log, _, cache, codes, outbox = parts
    return contact_session(key, code, cache, codes, outbox, clock, log, station_id, ticks)


def _allocated(args):
    """Every byte one sync allocates, the collector off."""
    bundle, authority, station_id, unit_id, now, key_id, code, locks, events = args
    parts = _station(bundle, authority, station_id, unit_id, now)
    key = _key(key_id, locks, events, now)
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
    key = _key(key_id, locks, events, now)
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


def main(argv):
    with open(argv[1], "rb") as f:
        bundle = f.read()
    ints = [int(a) for a in argv[3:7]]
    args = (
        bundle,
        bytes.fromhex(argv[2]),
        ints[0],
        ints[1],
        ints[2],
        ints[3],
        argv[7],
        int(argv[8]),
        int(argv[9]),
    )
    print("station_sync_allocations %d" % _allocated(args))
    gc.collect()
    print("station_sync_peak_live %d" % _peak_live(args))


main(sys.argv)
