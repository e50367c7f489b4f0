"""Peak heap while a station downloads and installs a bundle, on the MicroPython unix port.

    micropython -X heapsize=4M bench/bundle_install_peak.py URL AUTHORITY_HEX STATION UNIT

Run from the repository root (or with the firmware to measure as the working
directory), against an HTTP server that answers ``GET URL`` with the bundle.
Prints ``bundle_install_peak_bytes <n>``: the most heap in use, above what was
in use before the download, at any sample point of one download + install as
the uplink does it (hw.http_client.request, then BundleCache: streamed through
``begin_install()`` where the firmware has it, else the whole body to
``install()``).

How the peak is found: ``gc.threshold(_SLACK)`` makes the collector run after
every ``_SLACK`` bytes allocated, so the heap never holds more than that in
garbage; the heap in use (``gc.mem_alloc()``) is sampled, then collected, at
every socket read, every flash access (the file primitives of
firmware.storage), every streamed piece and before and after the install. The
figure is the largest sample less the baseline: an upper bound of the live
peak at those points, at most ``_SLACK`` above it. Ed25519's tables of the base
point are built before the baseline: a station builds them once per boot, not
per bundle.
"""

import gc
import os
import sys

sys.path.insert(0, ".")

from firmware import ed25519, storage
from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.protocol_constants import BUNDLE_MAX_SIZE
from hw import http_client

_SLACK = 2048
_peak = [0, 0]  # [baseline, largest sample]


def _sample():
    used = gc.mem_alloc()
    if used > _peak[1]:
        _peak[1] = used
    gc.collect()


class _Socket:
    """The port's socket, sampling the heap at every read."""

    def __init__(self, *args):
        self._sock = _real_socket.socket(*args)

    def settimeout(self, timeout):
        self._sock.settimeout(timeout)

    def connect(self, address):
        self._sock.connect(address)

    def write(self, data):
        return self._sock.write(data)

    def recv(self, size):
        _sample()
        data = self._sock.recv(size)
        _sample()
        return data

    def close(self):
        self._sock.close()


class _SocketModule:
    SOCK_STREAM = 1

    def __init__(self, real):
        self.SOCK_STREAM = real.SOCK_STREAM

    def getaddrinfo(self, *args):
        return _real_socket.getaddrinfo(*args)

    def socket(self, *args):
        return _Socket(*args)


class _Files(storage.OsFiles):
    """The flash primitives, sampling the heap at every access."""

    def read(self, path, offset=0, length=-1):
        _sample()
        data = storage.OsFiles.read(self, path, offset, length)
        _sample()
        return data

    def write(self, path, data, append=False):
        _sample()
        storage.OsFiles.write(self, path, data, append)
        _sample()


_real_socket = http_client.socket
http_client.socket = _SocketModule(_real_socket)


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
    flash = storage.DirStorage(root, files=_Files())
    cache = BundleCache(flash, station, unit, [authority], Log(ManualClock(0)))
    ed25519._fixed_tables()  # the base-point tables: built once per boot
    gc.collect()
    gc.threshold(_SLACK)
    _peak[0] = _peak[1] = gc.mem_alloc()
    header = _install(cache, url)
    gc.threshold(-1)
    _clear(root)
    if cache.serial != header["serial"]:
        raise SystemExit("not installed")
    print("bundle_install_peak_bytes %d" % (_peak[1] - _peak[0]))


main(sys.argv)
