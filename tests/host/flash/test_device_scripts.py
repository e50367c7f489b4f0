"""The scripts mpremote runs on the board, run on the MicroPython unix port instead.

A runner that executes each ``exec`` script with the ``micropython`` command
checks the scripts' MicroPython and the way ``Mpremote`` reads their answers,
on files in a temporary folder (the scripts take absolute paths).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from host.flash.errors import FlashError
from host.flash.mpremote import Mpremote, Result
from host.flash.mpy import MPY_VERSION

MICROPYTHON = str(Path(sys.executable).parent / "micropython")


def unix_port(args: Sequence[str], timeout: float) -> Result:
    script = args[list(args).index("exec") + 1]
    done = subprocess.run(
        [MICROPYTHON, "-c", script], capture_output=True, text=True, timeout=timeout, check=False
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def device() -> Mpremote:
    return Mpremote(runner=unix_port)


def test_probe(device: Mpremote) -> None:
    info = device.probe()
    assert info.platform == "linux"
    assert info.mpy_version == MPY_VERSION
    assert info.fs_total >= info.fs_free > 0


def test_make_dirs_parents_first_and_again(device: Mpremote, tmp_path: Path) -> None:
    dirs = [str(tmp_path / "firmware"), str(tmp_path / "flash"), str(tmp_path / "flash" / "synk")]
    device.make_dirs(dirs)
    device.make_dirs(dirs)  # already there: fine
    assert all(Path(d).is_dir() for d in dirs)


def test_make_dirs_that_cannot_be_made(device: Mpremote, tmp_path: Path) -> None:
    with pytest.raises(FlashError) as failed:
        device.make_dirs([str(tmp_path / "no" / "parent")])
    assert failed.value.key == "device.failed"
    assert "OSError" in failed.value.text


def test_sha256_of_files_read_back(device: Mpremote, tmp_path: Path) -> None:
    data = bytes(range(256)) * 9 + b"tail"  # several 1024-byte reads
    path = tmp_path / "rå.mpy"  # a name outside ASCII goes through the literal unharmed
    path.write_bytes(data)
    assert device.sha256(str(path)) == hashlib.sha256(data).hexdigest()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert device.sha256(str(empty)) == hashlib.sha256(b"").hexdigest()
    assert device.sha256(str(tmp_path / "not-there")) is None


def test_hashes_of_many_files_in_one_call(device: Mpremote, tmp_path: Path) -> None:
    big = bytes(range(256)) * 9 + b"tail"  # several 1024-byte reads
    (tmp_path / "big.mpy").write_bytes(big)
    (tmp_path / "empty.py").write_bytes(b"")
    paths = [str(tmp_path / "big.mpy"), str(tmp_path / "empty.py"), str(tmp_path / "gone.py")]
    assert device.hashes(paths) == {
        paths[0]: hashlib.sha256(big).hexdigest(),
        paths[1]: hashlib.sha256(b"").hexdigest(),
        paths[2]: None,
    }


def test_clean_removes_only_what_the_image_does_not_hold(device: Mpremote, tmp_path: Path) -> None:
    code = tmp_path / "firmware"
    (code / "sub").mkdir(parents=True)
    for name in ("bundle_format.mpy", "bundle_format.py", "old.mpy"):
        (code / name).write_bytes(b"x")
    (tmp_path / "bundle.bin").write_bytes(b"data")
    removed = device.clean({str(code): ("bundle_format.mpy", "sub")})
    assert sorted(removed) == [str(code / "bundle_format.py"), str(code / "old.mpy")]
    assert sorted(p.name for p in code.iterdir()) == ["bundle_format.mpy", "sub"]
    assert (tmp_path / "bundle.bin").exists()
