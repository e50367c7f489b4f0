"""Collects every benchmark module's figures into one dict (metric name -> value), and the
budgets some of them must keep (``over_budget``: ``inv bench`` fails on any)."""

from __future__ import annotations

import importlib

MODULES = (
    "bench.firmware_bench",
    "bench.backoffice_bench",
    "bench.emulator_bench",
    "bench.blocklist_bench",
    "bench.retention_bench",
    "bench.station_sync_bench",
    "bench.outbox_bench",
    "bench.trainer_web_bench",
    "bench.audit_ingest_bench",
    "bench.station_run_bench",
    "bench.vm_station_bench",
    "bench.scale_bench",
)

# metric -> the most it may be: issue 17, the data a full station run holds (96 KiB);
# issue 15, the smallest heap that full run succeeds with (160 KiB)
BUDGETS: dict[str, float] = {
    "vm_heap_data_peak_bytes": 96 * 1024,
    "vm_heap_min_ok_bytes": 160 * 1024,
}


def over_budget(results: dict[str, float]) -> dict[str, tuple[float, float]]:
    """The metrics of ``results`` above their budget: name -> (value, budget)."""
    return {
        name: (results[name], limit)
        for name, limit in BUDGETS.items()
        if name in results and results[name] > limit
    }


def run_all() -> dict[str, float]:
    results: dict[str, float] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # that part of the system is not built yet
        results.update(module.run())
    return results
