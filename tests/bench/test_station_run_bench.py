"""bench.station_run_bench: the full run it measures really runs, the forms measured are the
images' own, and the data budget is what fails ``inv bench``."""

from pathlib import Path

import pytest

from bench.run import BUDGETS, over_budget
from bench.station_run_bench import DATA_PEAK_BUDGET, HEAP_MIN_OK_BUDGET, code_heap, data_peak
from host.flash.image import Image, build_image
from tests.host.flash.conftest import signed_config


@pytest.fixture(scope="module")
def unix_image() -> Image:
    return build_image("unix", signed_config("unix"))


@pytest.fixture(scope="module")
def pico2w_image() -> Image:
    return build_image("pico2w", signed_config("pico2w"))


def test_a_small_full_run_uploads_what_its_session_stored(
    unix_image: Image, tmp_path: Path
) -> None:
    # The script exits non-zero unless the bundle was installed, the session ended
    # "ok_until" with every event stored and the outbox was emptied; the harness then
    # checks the back office got them.
    figures = data_peak(unix_image, tmp_path, keys=5, locks=3, events=7)
    phases = [figures[f"vm_heap_data_peak_{p}"] for p in ("boot", "online", "session", "upload")]
    assert figures["vm_heap_data_peak_bytes"] == max(phases) > 0


def test_code_from_romfs_takes_less_heap_than_from_the_file_system(
    unix_image: Image, pico2w_image: Image, tmp_path: Path
) -> None:
    figures = code_heap({"unix": unix_image, "pico2w": pico2w_image}, tmp_path)
    assert 0 < figures["vm_heap_code_bytes_romfs_pico2w"] < figures["vm_heap_code_bytes"]


def test_the_data_peak_budget_is_what_fails_the_bench() -> None:
    assert BUDGETS["vm_heap_data_peak_bytes"] == DATA_PEAK_BUDGET == 96 * 1024
    assert over_budget({"vm_heap_data_peak_bytes": 96 * 1024, "other": 10**9}) == {}
    assert over_budget({"vm_heap_data_peak_bytes": 96 * 1024 + 1}) == {
        "vm_heap_data_peak_bytes": (96 * 1024 + 1, 96 * 1024)
    }


def test_the_min_ok_heap_budget_is_issue_15s_goal() -> None:
    assert BUDGETS["vm_heap_min_ok_bytes"] == HEAP_MIN_OK_BUDGET == 160 * 1024
    assert over_budget({"vm_heap_min_ok_bytes": 160 * 1024 + 4096}) == {
        "vm_heap_min_ok_bytes": (160 * 1024 + 4096, 160 * 1024)
    }
