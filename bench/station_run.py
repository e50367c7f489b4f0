"""MicroPython script: the most live data one full station run holds (issue 17's data figure).

    micropython -X heapsize=4M bench/station_run.py CODE FLASH URL AUTHORITY_HEX STATION UNIT
        NOW KEY_ID PIN LOCKS EVENTS [--plain]

CODE is where the firmware is imported from, put first on ``sys.path``: a folder
(the unix image's files/, the folder form the virtual board runs: every .mpy
read into the heap), or a ``.romfs`` image, read into one buffer before
anything else and mounted at /rom with ``vfs.VfsRom``, as a board mounts its
ROM partition: the bytecode then runs in place (on a board the buffer is
flash; here it is the first block of the heap, one piece, which the caller
subtracts). The repository (the working directory) comes after it for the key
double and bench/heap_probe.
FLASH is an empty folder: the station's flash (real files, so nothing of it sits
on the heap). URL is the back office of bench/station_run_bench.py.

The run, as a station does it after power-up, each part a phase:

1. ``boot``: the parts firmware.station.Station makes over its flash (log,
   bundle cache, code check, outbox, station events, status) and the uplink;
2. ``heartbeat``, ``bundle``, ``upload``: ``Uplink.poll()`` until nothing is
   due: the heartbeat, the bundle streamed into the cache, the outbox's
   station events uploaded;
3. ``session``: one key session over the contact port (tests/firmware/sync_rig.py)
   with EVENTS audit events on the key;
4. ``upload``: ``poll()`` again until the outbox is empty.

The station's heap policy (firmware/heap.py) is set first, as firmware/main.py
does. Everything is imported, and the key (another device: its own memory and
work, bench/bench_key.py) made, before the baseline; the figure is the data
alone. Ed25519's base-point
tables are built at boot, so they count. Sampling: bench/heap_probe.py, plus a
sample after every session step and every poll. Prints ``<phase>_peak <bytes>``
per phase and ``vm_heap_data_peak_bytes <bytes>``. With ``--plain`` there is no
probe (``heap_probe.off``): the run only succeeds or fails, under the station's
own heap policy, which is what the heap bisection asks.
"""

import sys


def _mount_rom(path):
    import os

    import vfs

    rom = bytearray(os.stat(path)[6])  # its size known first: one block, never regrown
    with open(path, "rb") as f:
        f.readinto(rom)
    vfs.mount(vfs.VfsRom(rom), "/rom")
    return rom


if sys.argv[1].endswith(".romfs"):
    _rom = _mount_rom(sys.argv[1])
    sys.path[:] = ["/rom", "."]
else:
    sys.path[:] = [sys.argv[1], "."]

import gc

from firmware import heap

heap.collect_early()  # as firmware/main.py does, before the firmware's imports
from bench import bench_key, heap_probe
from firmware import ed25519
from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.code_check import CodeCheck
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.station_events import EventRecorder
from firmware.status import Status
from firmware.storage import DirStorage
from firmware.uplink import Uplink
from hw import _port
from tests.firmware.key_double import Ticks
from tests.firmware.sync_rig import contact_session

heap_probe.install_socket()


class _Network:
    def isconnected(self):
        return True

    def connect(self, timeout_ms):
        return True


def _poll_until_idle(uplink, done):
    for _ in range(50):
        did = uplink.poll()
        heap_probe.sample()
        if did is None:
            return
        done.append(did)
    raise SystemExit("the uplink never went idle: %s" % done[-5:])


def main(argv):
    flash_root, url, authority = argv[2], argv[3], bytes.fromhex(argv[4])
    station_id, unit_id, now, key_id = (int(a) for a in argv[5:9])
    code, locks, events = argv[9], int(argv[10]), int(argv[11])
    if argv[12:] == ["--plain"]:
        heap_probe.off()
    config = {
        "station_id": station_id,
        "unit_id": unit_id,
        "backoffice_url": url,
        "credential": "station-run-bench",
    }
    key = bench_key.with_events(key_id, locks, events, now, station_id)
    phases = []
    heap_probe.start()
    # 1. boot
    ed25519._fixed_tables()  # built once per boot, on the first verification
    clock = ManualClock(now)
    log = Log(clock)
    storage = DirStorage(flash_root, files=heap_probe.Files())
    cache = BundleCache(storage, station_id, unit_id, [authority], log)
    codes = CodeCheck(storage, clock, log)
    outbox = Outbox(storage, log)
    recorder = EventRecorder(outbox, clock, log)
    status = Status(station_id, unit_id, clock, cache, outbox, _port, storage=storage)
    uplink = Uplink(
        config, cache, outbox, clock, log, _Network(), status=status.fields, events=recorder
    )
    status.link = uplink
    phases.append(("boot", heap_probe.next_phase()))
    # 2. heartbeat, bundle, upload
    done = []
    _poll_until_idle(uplink, done)
    if done[:2] != ["heartbeat", "bundle"] or cache.serial == 0:
        raise SystemExit("no bundle installed: %s" % done)
    phases.append(("online", heap_probe.next_phase()))
    # 3. the key session
    session = contact_session(key, code, cache, codes, outbox, clock, log, station_id, Ticks(5000))
    while not session.done:
        session.step()
        heap_probe.sample()
    result = session.result
    if result.outcome != "ok_until" or result.events_stored != events:
        raise SystemExit("sync failed: %s, %d stored" % (result.outcome, result.events_stored))
    session = None
    phases.append(("session", heap_probe.next_phase()))
    # 4. upload what the session stored
    uploaded = []
    _poll_until_idle(uplink, uploaded)
    if "upload" not in uploaded or outbox.pending(max_records=1)[1]:
        raise SystemExit("the outbox was not emptied: %s" % uploaded)
    phases.append(("upload", heap_probe.next_phase()))
    peak = heap_probe.stop()
    for name, value in phases:
        print("%s_peak %d" % (name, value))
    gc.collect()
    print("vm_heap_data_peak_bytes %d" % peak)


main(sys.argv)
