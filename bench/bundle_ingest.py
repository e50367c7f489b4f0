"""Time a station taking in a bundle (verify + store), under MicroPython or CPython.

    micropython bench/bundle_ingest.py BUNDLE AUTHORITY_HEX STATION UNIT [REPEAT]

Run from the repository root. Prints ``bundle_ingest_ms <mean>`` and
``cache_bytes <size of the stored cache file>``.
"""

import os
import sys

sys.path.insert(0, ".")

from firmware.bundle_cache import CACHE_FILE, BundleCache
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.storage import DirStorage

try:
    from time import ticks_diff, ticks_us
except ImportError:  # CPython
    from time import perf_counter

    def ticks_us():
        return int(perf_counter() * 1_000_000)

    def ticks_diff(a, b):
        return a - b


def _clear(root):
    try:
        for name in os.listdir(root):
            os.remove(root + "/" + name)
        os.rmdir(root)
    except OSError:
        pass


def main(argv):
    path, authority_hex, station, unit = argv[1], argv[2], int(argv[3]), int(argv[4])
    repeat = int(argv[5]) if len(argv) > 5 else 3
    with open(path, "rb") as f:
        data = f.read()
    authority = bytes.fromhex(authority_hex)
    root = "/tmp/synk-bench-ingest-%d" % os.getpid() if hasattr(os, "getpid") else "/tmp/synk-bi"
    total = 0
    size = 0
    for _ in range(repeat):
        _clear(root)
        storage = DirStorage(root)
        cache = BundleCache(storage, station, unit, [authority], Log(ManualClock(0)))
        start = ticks_us()
        cache.install(data)
        total += ticks_diff(ticks_us(), start)
        size = storage.size(CACHE_FILE)
    _clear(root)
    print("bundle_ingest_ms %.3f" % (total / repeat / 1000))
    print("cache_bytes %d" % size)


main(sys.argv)
