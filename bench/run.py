"""Collects every benchmark module's figures into one dict (metric name -> value)."""

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
    "bench.scale_bench",
)


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
