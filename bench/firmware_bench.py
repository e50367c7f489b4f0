"""Firmware figures: Ed25519 verify (CPython, MicroPython), bundle ingest and its peak heap,
cache size, sync bytes.

MicroPython figures come from the unix port (`micropython` from the dev extra)
running scripts of bench/ as a station would run the code.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.sync_wire import typical_sync_bytes
from emulator.vm_board import micropython_command
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
# RFC 8032 section 7.1, TEST 3 (two-byte message).
RFC_TEST3 = (
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
)


def _run_micropython(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [micropython_command(), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
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


def bundle_install_peak(keys: int = 100, locks: int = 60) -> dict[str, float]:
    """Peak heap of one bundle download + install on the MicroPython unix port (bytes).

    The bundle (SPEC.md 8.4's budget: 100 keys, 8 days, 60 locks) is served over
    loopback HTTP with a Content-Length, as the back office serves it; see
    bench/bundle_install_peak.py for how the peak is sampled.
    """
    data = factories.bundle(factories.unit_keys(keys, locks))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/bundle"
        figures = _run_micropython(
            "-X",
            "heapsize=4M",
            "bench/bundle_install_peak.py",
            url,
            factories.AUTHORITY.public.hex(),
            "7",
            "3",
        )
    finally:
        server.shutdown()
        server.server_close()
    return {"bundle_install_peak_bytes_micropython": int(figures["bundle_install_peak_bytes"])}


def run() -> dict[str, float]:
    results: dict[str, float] = {
        "ed25519_verify_ms_cpython": ed25519_verify_ms_cpython(),
        "ed25519_verify_ms_micropython": _run_micropython("bench/ed25519_verify.py", "20")[
            "ed25519_verify_ms"
        ],
    }
    results.update(bundle_ingest())
    results.update(bundle_install_peak())
    results["sync_wire_bytes_40_locks_200_events"] = typical_sync_bytes(locks=40, events=200)
    return results
