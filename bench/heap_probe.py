"""MicroPython helper of the heap benchmarks: the most heap in use, sampled as the station works.

``start()`` makes the collector run after every ``SLACK`` bytes allocated
(``gc.threshold``), so the heap never holds more than that in garbage, and
takes the heap in use as the baseline; ``sample()`` notes the heap in use
(``gc.mem_alloc()``) and collects. The station's flash primitives (``Files``,
firmware.storage's) and the HTTP client's socket (``install_socket()``) sample
at every access and every read; a script samples between its own steps too.
``peak()`` is the largest sample less the baseline: an upper bound of the live
peak at those points, at most ``SLACK`` above it. ``next_phase()`` gives the
peak since the last phase and starts the next from the heap in use now.

``off()`` (before ``start``) makes every sample a no-op and leaves the
collector's threshold as the station set it: a run then only says whether it
succeeds, with the station's own heap policy (firmware/heap.py) and no
collections of the probe's, which would hide the heap's fragmentation.
"""

import gc

from firmware import storage
from hw import http_client

SLACK = 2048
_peak = [0, 0, 0]  # [baseline, largest sample, largest sample of this phase]
_on = [True]


def off():
    _on[0] = False


def sample():
    if not _on[0]:
        return
    used = gc.mem_alloc()
    if used > _peak[1]:
        _peak[1] = used
    if used > _peak[2]:
        _peak[2] = used
    gc.collect()


def start():
    if not _on[0]:
        return
    gc.collect()
    gc.threshold(SLACK)
    _peak[0] = _peak[1] = _peak[2] = gc.mem_alloc()


def stop():
    if _on[0]:
        gc.threshold(-1)
    return peak()


def peak():
    return _peak[1] - _peak[0]


def next_phase():
    """The peak of the phase that ends now (above the baseline); the next starts here."""
    sample()
    found = _peak[2] - _peak[0]
    _peak[2] = gc.mem_alloc()
    return found


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
        sample()
        data = self._sock.recv(size)
        sample()
        return data

    def close(self):
        self._sock.close()


class _SocketModule:
    def __init__(self, real):
        self.SOCK_STREAM = real.SOCK_STREAM

    def getaddrinfo(self, *args):
        return _real_socket.getaddrinfo(*args)

    def socket(self, *args):
        return _Socket(*args)


class Files(storage.OsFiles):
    """The flash primitives, sampling the heap at every access."""

    def read(self, path, offset=0, length=-1):
        sample()
        data = storage.OsFiles.read(self, path, offset, length)
        sample()
        return data

    def write(self, path, data, append=False):
        sample()
        storage.OsFiles.write(self, path, data, append)
        sample()


_real_socket = http_client.socket


def install_socket():
    """hw.http_client's sockets sample the heap at every read from now on."""
    http_client.socket = _SocketModule(_real_socket)
