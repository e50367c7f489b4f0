"""bench.heap_bisect: the bisection finds the boundary of a fake and of a real MicroPython script
that needs a known heap, and refuses what it cannot bisect."""

from pathlib import Path

import pytest

from bench.heap_bisect import NeverOk, micropython_ok, min_ok

STEP = 4096


def test_finds_the_smallest_ok_step_of_a_fake() -> None:
    tried: list[int] = []

    def ok(heapsize: int) -> bool:
        tried.append(heapsize)
        return heapsize >= 123_457

    assert min_ok(ok, 0, 1 << 20, STEP) == 31 * STEP  # 126,976: the first step >= 123,457
    assert all(h % STEP == 0 for h in tried)
    assert len(tried) <= 10  # high checked first, then log2(256) halvings


def test_an_exact_step_boundary_is_found_and_not_overshot() -> None:
    assert min_ok(lambda h: h >= 5 * STEP, 0, 64 * STEP, STEP) == 5 * STEP
    assert min_ok(lambda h: True, 0, 64 * STEP, STEP) == STEP


def test_a_run_never_ok_and_bad_bounds_are_errors_not_figures() -> None:
    with pytest.raises(NeverOk):
        min_ok(lambda h: False, 0, 64 * STEP, STEP)
    for low, high in ((0, 1000), (STEP, STEP), (2 * STEP, STEP), (-STEP, STEP)):
        with pytest.raises(ValueError):
            min_ok(lambda h: True, low, high, STEP)


def test_a_micropython_script_failing_below_its_need_is_bisected_to_it(tmp_path: Path) -> None:
    # One 200,000-byte block: a MemoryError below that heap (plus the interpreter's own).
    script = tmp_path / "needs.py"
    script.write_text("block = bytearray(200000)\nprint(len(block))\n")

    def ok(heapsize: int) -> bool:
        return micropython_ok([str(script)], heapsize, timeout=60)

    found = min_ok(ok, 0, 1 << 20, STEP)
    assert 200_000 < found < 1 << 20
    assert ok(found) and not ok(found - STEP)


def test_a_failing_script_is_not_ok_at_any_heap(tmp_path: Path) -> None:
    script = tmp_path / "fails.py"
    script.write_text("raise SystemExit(3)\n")
    assert not micropython_ok([str(script)], 1 << 20, timeout=60)
