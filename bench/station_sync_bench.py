"""One key sync at the station, 60 locks and 200 audit events: its heap and its time.

The bundle (100 keys of one unit, each with the same 60 locks) is built here
with tests.factories; bench/station_sync.py runs the sync on the unix port.

* ``station_sync_allocations``, ``station_sync_peak_live_bytes`` (issue 15): every
  byte one sync allocates (the collector off), and the most it holds at once.
* ``vm_sync_wall_ms``, ``cpython_sync_wall_ms`` (issue 11): the station's side of one
  sync, wall time from its first step to its last, the median of ``ROUNDS``; the same
  script on the unix port (at the VM stations' heap, ``VM_HEAP_BYTES``, with the
  station's heap policy, firmware/heap.py) and on CPython, in the same run. The key
  double answers in the same process: no wire, no pacing (the wire's part of a sync is
  ``sync_wire_s_115200``), and no code typed (the code is given).
* ``vm_heap_peak_bytes_sync`` (issue 11, goal <= 64 KiB): the most ``gc.mem_alloc()``
  rose during those syncs above the heap in use at their start, sampled after every
  step, garbage included as the threshold leaves it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.firmware_bench import ROOT, _run_micropython
from emulator.vm_station import VM_HEAP_BYTES
from tests import factories

LOCKS = 60
EVENTS = 200
KEYS = 100
ROUNDS = 5


def _script_args(path: Path, key: factories.KeySpec, locks: int, events: int) -> list[str]:
    return [
        str(path),
        factories.AUTHORITY.public.hex(),
        "7",
        "3",
        str(factories.EPOCH),
        str(key.key_id),
        key.code,
        str(locks),
        str(events),
    ]


def station_sync(locks: int = LOCKS, events: int = EVENTS, keys: int = KEYS) -> dict[str, float]:
    staff = factories.unit_keys(keys, locks)
    data = factories.bundle(staff)
    key = staff[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.bin"
        path.write_bytes(data)
        figures = _run_micropython(
            "-X", "heapsize=64M", "bench/station_sync.py", *_script_args(path, key, locks, events)
        )
    return {
        "station_sync_allocations": int(figures["station_sync_allocations"]),
        "station_sync_peak_live_bytes": int(figures["station_sync_peak_live"]),
    }


def sync_wall(
    locks: int = LOCKS, events: int = EVENTS, keys: int = KEYS, rounds: int = ROUNDS
) -> dict[str, float]:
    """Issue 11's ``vm_sync_wall_ms`` and ``cpython_sync_wall_ms`` (the median of ``rounds``
    syncs, the same script on each) and ``vm_heap_peak_bytes_sync``, on the unix port at the
    heap a VM station gets."""
    staff = factories.unit_keys(keys, locks)
    data = factories.bundle(staff)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.bin"
        path.write_bytes(data)
        args = ["bench/station_sync.py", "--wall", str(rounds)]
        args += _script_args(path, staff[0], locks, events)
        vm = _run_micropython("-X", f"heapsize={VM_HEAP_BYTES}", *args)
        cpython = subprocess.run(
            [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    return {
        "vm_sync_wall_ms": vm["sync_wall_us"] / 1000,
        "cpython_sync_wall_ms": int(cpython[cpython.index("sync_wall_us") + 1]) / 1000,
        "vm_heap_peak_bytes_sync": int(vm["sync_heap_peak"]),
    }


def run() -> dict[str, float]:
    return {**station_sync(), **sync_wall()}
