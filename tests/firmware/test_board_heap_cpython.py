"""A key at audit capacity syncs at a station whose outbox is at its budget, on a small heap.

Issue 19.3: the outbox kept every record in RAM (about 770 KB at its budget) and
a key's 1,000 audit events were read into one buffer. tests/firmware/board_heap_sync.py
runs the whole thing on the MicroPython unix port with a fixed, small heap; a
MemoryError there fails this test.
"""

import subprocess
from pathlib import Path

from tests.test_on_micropython import micropython_command

ROOT = Path(__file__).resolve().parents[2]
HEAP = "768k"


def test_a_full_key_syncs_into_a_full_outbox_at_a_small_heap(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            micropython_command(),
            "-X",
            "heapsize=" + HEAP,
            "tests/firmware/board_heap_sync.py",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout.startswith("synced 1000 ")
