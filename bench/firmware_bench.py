"""Firmware figures: Ed25519 verify (CPython, MicroPython), bundle ingest, cache size, sync bytes.

MicroPython figures come from the unix port (`micropython` from the dev extra)
running scripts of bench/ as a station would run the code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sync_wire import typical_sync_bytes
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
# RFC 8032 section 7.1, TEST 3 (two-byte message).
RFC_TEST3 = (
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
)


def _micropython() -> str:
    found = shutil.which("micropython", path=str(Path(sys.executable).parent))
    return found or "micropython"


def _run_micropython(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [_micropython(), *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=900
    ).stdout
    figures = {}
    for line in out.splitlines():
        name, _, value = line.partition(" ")
        if value:
            figures[name] = float(value)
    return figures


def ed25519_verify_ms_cpython(rounds: int = 50) -> float:
    from firmware import ed25519

    public, message, signature = (bytes.fromhex(h) for h in RFC_TEST3)
    start = time.perf_counter()
    for _ in range(rounds):
        assert ed25519.verify(public, message, signature)
    return (time.perf_counter() - start) * 1000 / rounds


def bundle_ingest(keys: int = 100, locks: int = 60) -> dict[str, float]:
    data = factories.bundle(factories.unit_keys(keys, locks))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.bin"
        path.write_bytes(data)
        figures = _run_micropython(
            "bench/bundle_ingest.py", str(path), factories.AUTHORITY.public.hex(), "7", "3", "3"
        )
    return {
        "bundle_ingest_ms_micropython": figures["bundle_ingest_ms"],
        "cache_bytes_100_keys": int(figures["cache_bytes"]),
    }


def run() -> dict[str, float]:
    results: dict[str, float] = {
        "ed25519_verify_ms_cpython": ed25519_verify_ms_cpython(),
        "ed25519_verify_ms_micropython": _run_micropython("bench/ed25519_verify.py", "20")[
            "ed25519_verify_ms"
        ],
    }
    results.update(bundle_ingest())
    results["sync_wire_bytes_40_locks_200_events"] = typical_sync_bytes(locks=40, events=200)
    return results
