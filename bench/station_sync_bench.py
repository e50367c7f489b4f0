"""The heap one key sync takes on MicroPython (issue 15): 60 locks, 200 audit events.

The bundle (100 keys of one unit, each with the same 60 locks) is built here
with tests.factories; bench/station_sync.py runs the sync on the unix port.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.firmware_bench import _run_micropython
from tests import factories

LOCKS = 60
EVENTS = 200
KEYS = 100


def station_sync(locks: int = LOCKS, events: int = EVENTS, keys: int = KEYS) -> dict[str, float]:
    staff = factories.unit_keys(keys, locks)
    data = factories.bundle(staff)
    key = staff[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.bin"
        path.write_bytes(data)
        figures = _run_micropython(
            "-X",
            "heapsize=64M",
            "bench/station_sync.py",
            str(path),
            factories.AUTHORITY.public.hex(),
            "7",
            "3",
            str(factories.EPOCH),
            str(key.key_id),
            key.code,
            str(locks),
            str(events),
        )
    return {
        "station_sync_allocations": int(figures["station_sync_allocations"]),
        "station_sync_peak_live_bytes": int(figures["station_sync_peak_live"]),
    }


def run() -> dict[str, float]:
    return station_sync()
