"""The heap an Outbox holds at its flash budget on MicroPython (issue 19.3).

bench/outbox_ram.py fills a 256 KiB outbox (about 6,200 records) in a
temporary folder on the unix port and measures what the Outbox object holds.
"""

from __future__ import annotations

import tempfile

from bench.firmware_bench import _run_micropython


def outbox_ram() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        figures = _run_micropython("-X", "heapsize=64M", "bench/outbox_ram.py", tmp)
    return {"outbox_ram_bytes_full": int(figures["outbox_ram_bytes_full"])}


def run() -> dict[str, float]:
    return outbox_ram()
