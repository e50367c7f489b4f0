"""``host.secret_files``: a secret is 0600 from its first byte, in a 0700 folder, or not written."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from host.backoffice.errors import Invalid
from host.secret_files import private_folder, secret_file, write_secret


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 0: a file made without a mode of its own would be 0666, a folder 0777."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_secret_and_its_missing_folders_are_private_whatever_the_umask(
    tmp_path: Path, open_umask: None
) -> None:
    path = tmp_path / "a" / "b" / "token.bin"
    write_secret(path, b"secret")
    assert path.read_bytes() == b"secret"
    assert mode(path) == 0o600
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["token.bin"]  # no temporary file left


def test_the_file_is_private_while_it_is_being_written(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "bundle.bin"
    with secret_file(path) as handle:
        handle.write(b"half")
        (written,) = list(tmp_path.iterdir())  # the temporary file, before the rename
        assert mode(written) == 0o600
        assert not path.exists()
    assert mode(path) == 0o600


def test_replacing_a_file_others_could_read_does_not_keep_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "station.json"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_secret(path, "new")
    assert (path.read_text(), mode(path)) == ("new", 0o600)


def test_a_folder_others_may_enter_is_refused_not_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    with pytest.raises(Invalid) as refused:
        write_secret(folder / "token.bin", b"x")
    assert refused.value.key == "secret.folder_open"
    assert "chmod 700" in refused.value.text and "0755" in refused.value.text
    assert list(folder.iterdir()) == [] and mode(folder) == 0o755
    with pytest.raises(Invalid):
        private_folder(folder)


def test_a_folder_of_the_tools_own_left_open_by_an_older_version_is_tightened(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "work" / "emulator"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    assert private_folder(folder, own=True) == folder and mode(folder) == 0o700


def test_new_refuses_an_existing_file_and_append_refuses_one_others_may_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "key.pem"
    write_secret(path, b"one", "new")
    with pytest.raises(FileExistsError):
        write_secret(path, b"two", "new")
    write_secret(path, b"+", "append")
    assert path.read_bytes() == b"one+"
    path.chmod(0o644)
    for how in ("append", "truncate"):
        with pytest.raises(Invalid):
            write_secret(path, b"more", how)  # type: ignore[arg-type]
    assert path.read_bytes() == b"one+"  # left as it was


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    write_secret(path, "old")
    with pytest.raises(RuntimeError), secret_file(path, encoding="utf-8") as handle:
        handle.write("new")
        raise RuntimeError("power")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["facts.json"]
