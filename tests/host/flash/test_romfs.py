"""The romfs form: the code in one ROMFS image, deployed with ``mpremote romfs deploy``.

Checked three ways: the image is byte for byte what mpremote's own ``romfs
build`` makes of the files it lists; MicroPython (the unix port, which has
``vfs.VfsRom`` but no ROM partition) mounts it at /rom and imports every module
from it; and for each board with a ROM partition the deploy, against the fake
board, writes it, reads it back and leaves a board whose start-up finds the
station's code in /rom and nothing on the file system shadowing it.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from host.cli import main
from host.flash.boards import BOARDS
from host.flash.deploy import deploy, fs_code_trees
from host.flash.errors import FlashError
from host.flash.image import (
    REPO_ROOT,
    ROMFS_FILE,
    Image,
    ImageDir,
    build_image,
    load_image,
    write_image,
)
from host.flash.mpremote import Mpremote
from tests.test_on_micropython import micropython_command

from .conftest import signed_config
from .fake_board import MPY_PICO2W, PICO2W, FakeBoard

ROMFS_BOARDS = sorted(name for name, b in BOARDS.items() if b.code_form == "romfs")


def _fake_board(name: str) -> FakeBoard:
    target = BOARDS[name]
    if name == "pico2w":
        return FakeBoard(
            platform=PICO2W["platform"],
            machine=PICO2W["machine"],
            mpy=MPY_PICO2W,
            fs_total=target.fs_bytes,
            rom_bytes=target.romfs_bytes,
            heap_bytes=480 * 1024,
        )
    return FakeBoard(fs_total=target.fs_bytes, rom_bytes=target.romfs_bytes)


@pytest.fixture(params=ROMFS_BOARDS)
def romfs_image(request: pytest.FixtureRequest) -> Image:
    built: Image = request.getfixturevalue(f"{request.param}_image")
    return built


def _written(image: Image, tmp_path: Path) -> ImageDir:
    write_image(image, tmp_path / "image")
    return load_image(tmp_path / "image")


def test_both_station_boards_get_the_romfs_form() -> None:
    assert ROMFS_BOARDS == ["esp32s3", "pico2w"]


def test_the_image_is_what_mpremote_romfs_build_makes(romfs_image: Image, tmp_path: Path) -> None:
    loaded = _written(romfs_image, tmp_path)
    out = tmp_path / "mpremote.romfs"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mpremote",
            "romfs",
            "--no-mpy",
            "--output",
            str(out),
            "build",
            str(tmp_path / "image" / "files" / "rom"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes() == loaded.romfs_path.read_bytes() == romfs_image.romfs
    row = loaded.romfs
    assert row is not None
    assert row["size"] == len(romfs_image.romfs)
    assert row["sha256"] == hashlib.sha256(romfs_image.romfs).hexdigest()
    assert row["partition"] == romfs_image.board.romfs_bytes
    manifest = json.loads((tmp_path / "image" / "manifest.json").read_text())
    assert manifest["form"] == "romfs" and manifest["romfs"]["file"] == ROMFS_FILE


def test_only_boot_files_and_configuration_on_the_file_system(romfs_image: Image) -> None:
    assert sorted(e.path for e in romfs_image.fs_entries) == [
        "/boot.py",
        "/flash/synk/station.json",
        "/flash/synk/station.sig",
        "/main.py",
    ]
    assert romfs_image.flash_bytes == len(romfs_image.romfs) + sum(
        e.size for e in romfs_image.fs_entries
    )
    assert len(romfs_image.romfs) <= romfs_image.board.romfs_bytes


def test_micropython_mounts_the_image_and_imports_every_module_from_rom(
    romfs_image: Image, tmp_path: Path
) -> None:
    """As a board does at start-up (extmod/vfs.c: VfsRom mounted at /rom, on sys.path), with
    the image in a buffer, since the unix port has no ROM partition."""
    loaded = _written(romfs_image, tmp_path)
    modules = sorted(
        e.path.removeprefix("/rom/").removesuffix(".mpy").replace("/", ".")
        for e in romfs_image.entries
        if e.path.startswith("/rom/") and not e.path.endswith("/__init__.mpy")
    )
    files = tmp_path / "image" / "files"
    script = (
        "import sys, vfs, os\n"
        f"image = open({str(loaded.romfs_path)!r}, 'rb').read()\n"
        "vfs.mount(vfs.VfsRom(image), '/rom')\n"
        "sys.path[:] = ['/rom']\n"
        f"os.chdir({str(files)!r})\n"
        "bad = []\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "    if not sys.modules[name].__file__.startswith('/rom/'):\n"
        "        bad.append(name)\n"
        "from firmware import station_config\n"
        "from firmware.storage import DirStorage\n"
        f"config = station_config.load(DirStorage({str(files / 'flash' / 'synk')!r}))\n"
        "print('synk-rom-imported', len(bad), config['station_id'], config['board'])\n"
    )
    done = subprocess.run(
        [micropython_command(), "-X", "heapsize=8M", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["synk-rom-imported", "0", "7", romfs_image.board.name]
    assert "hw.board_setup" in modules and "firmware.startup" in modules


# -- the deploy, against the fake board ----------------------------------------------------------


def test_each_board_ends_up_with_the_image_and_boots_its_code_from_rom(
    romfs_image: Image, tmp_path: Path
) -> None:
    loaded = _written(romfs_image, tmp_path)
    board = _fake_board(romfs_image.board.name)
    # a folder-form image was there before: its code would shadow /rom's
    board.dirs |= {"/firmware", "/firmware/sub", "/hw", "/flash", "/flash/synk"}
    board.files["/firmware/station.mpy"] = b"M\x06 old"
    board.files["/firmware/sub/x.mpy"] = b"M\x06 old"
    board.files["/hw/display.mpy"] = b"M\x06 old"
    board.files["/flash/synk/bundle.bin"] = b"the station's cached bundle"
    out = io.StringIO()
    report = deploy(loaded, Mpremote(runner=board), out)
    rom = board.rom_files()
    assert rom == {e.path: data for e, data in romfs_image.files if e.path.startswith("/rom/")}
    for entry in loaded.fs_entries:
        assert hashlib.sha256(board.files[entry.path]).hexdigest() == entry.sha256
    assert set(board.files) == {e.path for e in loaded.fs_entries} | {"/flash/synk/bundle.bin"}
    assert "/firmware" not in board.dirs and "/hw" not in board.dirs
    assert sorted(report.removed) == [
        "/firmware/station.mpy",
        "/firmware/sub/x.mpy",
        "/hw/display.mpy",
    ]
    assert report.copied[0] == "/rom" and report.copied[-1] == "/main.py"
    assert board.resets == 1
    # start-up: main.py's import, and every module, found in /rom
    assert "from firmware import startup" in board.files["/main.py"].decode()
    assert board.find_module("firmware.startup") == "/rom/firmware/startup.mpy"
    for path in rom:
        name = path.removeprefix("/rom/").removesuffix(".mpy").replace("/", ".")
        name = name.removesuffix(".__init__")
        found = board.find_module(name)
        assert found is not None and found.startswith("/rom/"), (name, found)
    for data in rom.values():  # what the board's loader checks first (py/persistentcode.c)
        assert data[0] == ord("M") and data[1] == 6 and data[3] <= 31
    text = out.getvalue()
    assert "ROM-partition: 256 KiB / ROM partition: 256 KiB" in text
    assert "/rom (" in text and "SHA-256 stämmer" in text


def test_the_mpremote_commands_in_order(romfs_dir: ImageDir) -> None:
    board = FakeBoard()
    deploy(romfs_dir, Mpremote("/dev/null", runner=board), io.StringIO())
    device = Mpremote("/dev/null")
    romfs = romfs_dir.romfs
    assert romfs is not None
    expected = [
        device.probe_command(),
        device.romfs_deploy_command(str(romfs_dir.romfs_path)),
        device.romfs_sha256_command(romfs["size"]),
        device.make_dirs_command(["/flash", "/flash/synk"]),
        device.hashes_command([e.path for e in romfs_dir.fs_entries]),
    ]
    for entry in romfs_dir.fs_entries:
        expected.append(device.copy_command(str(romfs_dir.local(entry)), entry.path))
        expected.append(device.sha256_command(entry.path))
    expected += [device.remove_trees_command(["/firmware", "/hw"]), device.reset_command()]
    assert board.commands == expected
    assert board.commands[1][-3:] == ["romfs", "deploy", str(romfs_dir.romfs_path)]
    assert fs_code_trees() == ["/firmware", "/hw"]


def test_a_bad_rom_write_is_written_again_once(romfs_dir: ImageDir) -> None:
    board = FakeBoard()
    board.corrupt_rom = 1
    out = io.StringIO()
    report = deploy(romfs_dir, Mpremote(runner=board), out)
    assert report.retried == ["/rom"]
    assert sum(1 for c in board.commands if "romfs" in c) == 2
    assert board.rom_files()  # the second write is whole
    assert "skriver igen" in out.getvalue() and "writing again" in out.getvalue()


def test_a_second_bad_rom_write_stops_the_deploy(romfs_dir: ImageDir) -> None:
    board = FakeBoard()
    board.corrupt_rom = 2
    with pytest.raises(FlashError) as refused:
        deploy(romfs_dir, Mpremote(runner=board), io.StringIO())
    assert refused.value.key == "deploy.hash_mismatch"
    assert refused.value.values["path"] == "/rom"
    assert "/main.py" not in board.files and board.resets == 0


def test_a_firmware_without_rom_partition_is_refused_naming_the_build(
    romfs_dir: ImageDir,
) -> None:
    stock = FakeBoard(rom_bytes=None)
    with pytest.raises(FlashError) as refused:
        deploy(romfs_dir, Mpremote(runner=stock), io.StringIO())
    assert refused.value.key == "device.no_romfs"
    assert "SYNK_ESP32_S3" in refused.value.text and "--form folder" in refused.value.text
    assert len(stock.commands) == 1 and not stock.files
    small = FakeBoard(rom_bytes=64 * 1024)
    with pytest.raises(FlashError) as refused:
        deploy(romfs_dir, Mpremote(runner=small), io.StringIO())
    assert refused.value.key == "device.romfs_small"
    assert refused.value.values["size"] == 64


def test_the_fake_board_refuses_what_mpremote_would(tmp_path: Path) -> None:
    board = FakeBoard(rom_bytes=8192)
    device = Mpremote(runner=board)
    bad = tmp_path / "bad.romfs"
    bad.write_bytes(b"not a romfs image")
    with pytest.raises(FlashError, match="Invalid ROMFS image"):
        device.romfs_deploy(str(bad))
    big = tmp_path / "big.romfs"
    big.write_bytes(b"\xd2\xcd\x31" + bytes(9000))
    with pytest.raises(FlashError, match="too big"):
        device.romfs_deploy(str(big))
    with pytest.raises(ValueError):
        board.rom_files()  # erased: nothing MicroPython would mount
    assert "Not a valid ROMFS" in board(device._line("romfs", "query"), 1).stdout


def test_dry_run_shows_the_romfs_deploy(romfs_dir: ImageDir) -> None:
    out = io.StringIO()
    deploy(romfs_dir, Mpremote("/dev/ttyACM0", runner=FakeBoard()), out, dry_run=True)
    text = out.getvalue()
    romfs = romfs_dir.romfs
    assert romfs is not None
    assert f"romfs deploy {romfs_dir.romfs_path}" in text and romfs["sha256"] in text
    assert text.count(" fs cp -f ") == len(romfs_dir.fs_entries)


def test_cli_build_romfs_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    config.mkdir()
    for name, data in signed_config("pico2w").items():
        (config / name).write_bytes(data)
    image = tmp_path / "image"
    argv = ["flash", "build", "--board", "pico2w", "--config", str(config), "--out", str(image)]
    assert main(argv) == 0
    out, _err = capsys.readouterr()
    assert "code.romfs" in out and "SYNK_PICO2_W" in out
    assert load_image(image).form == "romfs"
    assert main([*argv, "--form", "folder"]) == 0
    assert load_image(image).form == "folder"
    unix_config = tmp_path / "unix"
    unix_config.mkdir()
    for name, data in signed_config("unix").items():
        (unix_config / name).write_bytes(data)
    unix = ["flash", "build", "--board", "unix", "--config", str(unix_config)]
    assert main([*unix, "--out", str(tmp_path / "u"), "--form", "romfs"]) == 2
    _out, err = capsys.readouterr()
    assert "romfs" in err and "ROM-partition" in err


def test_the_frozen_manifest_lists_the_same_modules_with_their_sources(
    romfs_image: Image, unix_image: Image, tmp_path: Path
) -> None:
    """The other way to keep the code in flash: the same modules, frozen into a firmware."""
    write_image(romfs_image, tmp_path / "image")
    frozen = tmp_path / "image" / "frozen"
    manifest = (frozen / "manifest.py").read_text()
    assert f'include("{romfs_image.board.port_manifest}")' in manifest
    listed = []
    for call in ast.parse(manifest).body:
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        name = call.value.func
        assert isinstance(name, ast.Name) and name.id in ("include", "package")
        if name.id == "package":
            top = ast.literal_eval(call.value.args[0])
            options = {k.arg: ast.literal_eval(k.value) for k in call.value.keywords}
            assert options["base_path"] == "sources"
            listed += [f"{top}/{file}" for file in options["files"]]
    compiled = sorted(e.source for e in romfs_image.entries if e.kind == "mpy")
    assert sorted(listed) == compiled
    for source in compiled:
        assert (frozen / "sources" / source).read_bytes() == (REPO_ROOT / source).read_bytes()
    write_image(unix_image, tmp_path / "unix")
    assert not (tmp_path / "unix" / "frozen").exists()  # the unix port's is not ours to build


def test_the_frozen_form_deploys_configuration_and_boot_files_alone(tmp_path: Path) -> None:
    image = build_image("pico2w", signed_config("pico2w"), form="frozen")
    assert sorted(e.path for e in image.entries) == [
        "/boot.py",
        "/flash/synk/station.json",
        "/flash/synk/station.sig",
        "/main.py",
    ]
    loaded = _written(image, tmp_path)
    assert loaded.form == "frozen" and (tmp_path / "image" / "frozen" / "manifest.py").is_file()
    board = _fake_board("pico2w")
    board.dirs |= {"/firmware"}
    board.files["/firmware/station.mpy"] = b"M\x06 old"  # would be imported before .frozen
    report = deploy(loaded, Mpremote(runner=board), io.StringIO())
    assert report.removed == ["/firmware/station.mpy"]
    assert not any(c[-3:-1] == ["romfs", "deploy"] for c in board.commands)
    with pytest.raises(FlashError) as refused:
        build_image("unix", signed_config("unix"), form="frozen")
    assert refused.value.key == "image.form"
