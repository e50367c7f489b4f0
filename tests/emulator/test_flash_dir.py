"""The emulator's flash directory loses power at any byte and DirStorage still keeps old or new."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.flash_dir import FlakyFiles, PowerLost
from firmware.storage import DirStorage

OLD = b"old bundle " * 20
NEW = b"the new bundle " * 30


def test_replace_is_atomic_at_every_cut(tmp_path: Path) -> None:
    units = 0
    while True:
        root = tmp_path / f"cut{units}"
        files = FlakyFiles()
        DirStorage(str(root), files=files).write("bundle.bin", OLD)
        files.cut_after(units)
        try:
            DirStorage(str(root), files=files).write("bundle.bin", NEW)
            finished = True
        except PowerLost:
            finished = False
        files.restore_power()
        assert DirStorage(str(root), files=files).read("bundle.bin") in (OLD, NEW)
        if finished:
            break
        units += 1
    assert units > len(NEW)


def test_torn_append_keeps_the_bytes_written(tmp_path: Path) -> None:
    files = FlakyFiles()
    storage = DirStorage(str(tmp_path), files=files)
    storage.write("outbox", b"")
    files.cut_after(5)
    with pytest.raises(PowerLost):
        storage.append("outbox", b"0123456789")
    files.restore_power()
    assert DirStorage(str(tmp_path), files=files).read("outbox") == b"0123"
