"""firmware/heap.py's policy on the MicroPython unix port: what it prevents, on a small heap.

tests/firmware/heap_pattern.py keeps small objects made between garbage, then
asks for 1 KiB buffers. Without the policy the collector runs only when the
heap is full, the kept objects lie strewn across it and no 1 KiB hole is
left although most of the heap is free; with it they pack low and the
buffers fit.
"""

import subprocess
from pathlib import Path

from tests.test_on_micropython import micropython_command

ROOT = Path(__file__).resolve().parents[2]


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [micropython_command(), "-X", "heapsize=160k", "tests/firmware/heap_pattern.py", mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_the_policy_the_buffers_fit_on_a_small_heap() -> None:
    done = _run("policy")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")


def test_without_it_the_same_heap_fails_with_most_of_it_free() -> None:
    done = _run("none")
    assert done.returncode != 0
    assert "MemoryError" in done.stderr + done.stdout
