"""Peak heap while a station downloads and installs a bundle, on the MicroPython unix port.

    micropython -X heapsize=4M bench/bundle_install_peak.py URL AUTHORITY_HEX STATION UNIT

Run from the repository root (or with the firmware to measure as the working
directory), against an HTTP server that answers ``GET URL`` with the bundle.
Prints ``bundle_install_peak_bytes <n>``: the most heap in use, above what was
in use before the download, at any sample point of one download + install as
the uplink does it (hw.http_client.request, then BundleCache: streamed through
``begin_install()`` where the firmware has it, else the whole body to
``install()``).

How the peak is found: bench/heap_probe.py (the collector run after every
``SLACK`` bytes, the heap sampled at every socket read, every flash access,
every streamed piece and before and after the install). Ed25519's tables of
the base point are built before the baseline: a station builds them once per
boot, not per bundle.
"""

import os
import sys

sys.path.insert(0, ".")

from bench import heap_probe
from bench.heap_probe import sample as _sample
from firmware import ed25519, storage
from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.protocol_constants import BUNDLE_MAX_SIZE
from hw import http_client

heap_probe.install_socket()


def _clear(root):
    try:
        for name in os.listdir(root):
            os.remove(root + "/" + name)
        os.rmdir(root)
    except OSError:
        pass


def _install(cache, url):
    if hasattr(cache, "begin_install"):  # the streamed install
        installation = cache.begin_install()

        def sink(piece):
            _sample()
            installation.write(piece)
            _sample()
            return False

        status = http_client.request("GET", url, {}, b"", 30, None, BUNDLE_MAX_SIZE, sink)[0]
        if status != 200:
            raise SystemExit("HTTP %d" % status)
        _sample()
        header = installation.finish()
    else:  # the code before streaming: the whole body, then install()
        status, _, body = http_client.request("GET", url, {}, b"", 30, None, BUNDLE_MAX_SIZE)
        if status != 200:
            raise SystemExit("HTTP %d" % status)
        _sample()
        header = cache.install(body)
        _sample()
        body = None
    _sample()
    return header


def main(argv):
    url, authority_hex, station, unit = argv[1], argv[2], int(argv[3]), int(argv[4])
    authority = bytes.fromhex(authority_hex)
    root = "/tmp/synk-bench-peak-%d" % (os.getpid() if hasattr(os, "getpid") else 0)
    _clear(root)
    flash = storage.DirStorage(root, files=heap_probe.Files())
    cache = BundleCache(flash, station, unit, [authority], Log(ManualClock(0)))
    ed25519._fixed_tables()  # the base-point tables: built once per boot
    heap_probe.start()
    header = _install(cache, url)
    peak = heap_probe.stop()
    _clear(root)
    if cache.serial != header["serial"]:
        raise SystemExit("not installed")
    print("bundle_install_peak_bytes %d" % peak)


main(sys.argv)
