"""``synk flash`` for real: the image built, deployed by the real mpremote into a MicroPython
unix-port process on a PTY (emulator.vm_board), read back, reset, booted from what was copied.

The fake board (fake_board.py) stays for the faults a real one cannot be made to show;
this is the happy path and the read-back check against a real MicroPython file system.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from emulator.vm_board import VmBoard
from host.cli import main
from host.flash.deploy import deploy
from host.flash.image import Image, ImageDir, load_image, write_image
from host.flash.mpremote import Mpremote, Result, run_subprocess

from .conftest import with_one_file_changed

pytestmark = pytest.mark.slow  # a few hundred mpremote calls


@pytest.fixture
def image_dir(unix_image: Image, tmp_path: Path) -> ImageDir:
    write_image(unix_image, tmp_path / "image")
    return load_image(tmp_path / "image")


@pytest.fixture
def vm(tmp_path: Path) -> Iterator[VmBoard]:
    with VmBoard(tmp_path / "flash", heap_bytes=512 * 1024) as board:
        yield board


def _wait_for(vm: VmBoard, text: bytes, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in vm.output():
            return True
        time.sleep(0.1)
    return False


def _on_board(vm: VmBoard, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", vm.port, "exec", code],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_image_lands_byte_for_byte_and_the_board_boots_it(
    image_dir: ImageDir, vm: VmBoard, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flash", "deploy", "--image", str(image_dir.directory), "--port", vm.port]) == 0
    out = capsys.readouterr().out
    for entry in image_dir.entries:
        on_flash = vm.flash / entry.path.lstrip("/")
        assert hashlib.sha256(on_flash.read_bytes()).hexdigest() == entry.sha256, entry.path
        assert entry.path in out
    assert not list(vm.flash.glob("*.py")) or sorted(p.name for p in vm.flash.glob("*.py")) == [
        "boot.py",
        "main.py",
    ]
    # The reset at the end started the station from the copied files: it read its signed
    # configuration, and says this board has no station hardware (its channels: issue 11).
    assert _wait_for(vm, b"synk: station 7 configured; this board has no station hardware")
    assert vm.boots >= 2


def test_the_probe_tells_the_vm_has_no_rom_partition_and_its_heap(vm: VmBoard) -> None:
    """The unix port has vfs.VfsRom but no vfs.rom_ioctl: the VM gets the folder form."""
    info = Mpremote(vm.port).probe()
    assert (info.platform, info.rom_partitions, info.rom_bytes) == ("linux", -1, 0)
    assert 0 < info.heap_bytes <= 512 * 1024  # VmBoard(heap_bytes=512 * 1024)
    query = subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", vm.port, "romfs", "query"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "ROMFS is not enabled on this device" in query.stdout, query.stdout + query.stderr


def test_every_compiled_module_imports_on_the_vm(image_dir: ImageDir, vm: VmBoard) -> None:
    deploy(image_dir, Mpremote(vm.port), io.StringIO())
    assert _wait_for(vm, b"this board has no station hardware")  # rebooted after the deploy
    modules = sorted(
        e.path.removeprefix("/").removesuffix(".mpy").replace("/", ".")
        for e in image_dir.entries
        if e.path.endswith(".mpy") and not e.path.endswith("/__init__.mpy")
    )
    assert "firmware.station" in modules and "hw.http_client" in modules
    # hw.board_setup and hw.usb_serial import machine parts the unix port has only in part:
    # importing is what is checked here, not building a board.
    script = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "    m = sys.modules[name]\n"
        "    assert m.__file__.endswith('.mpy'), m.__file__\n"
        "print('synk-imported', len(sys.modules))\n"
    )
    assert "synk-imported" in _on_board(vm, script)


def test_a_file_spoilt_on_the_board_between_copy_and_read_back_is_copied_again(
    image_dir: ImageDir, vm: VmBoard
) -> None:
    target = "/firmware/records.mpy"
    spoilt: list[str] = []

    def runner(args: Sequence[str], timeout: float) -> Result:
        result = run_subprocess(args, timeout)
        if args[-1] == ":" + target and not spoilt:
            on_flash = vm.flash / target.lstrip("/")
            on_flash.write_bytes(on_flash.read_bytes()[:-1] + b"\x00")  # the board's flash
            spoilt.append(target)
        return result

    out = io.StringIO()
    report = deploy(image_dir, Mpremote(vm.port, runner=runner), out)
    assert spoilt == [target] and report.retried == [target]
    entry = next(e for e in image_dir.entries if e.path == target)
    assert hashlib.sha256((vm.flash / target.lstrip("/")).read_bytes()).hexdigest() == (
        entry.sha256
    )


def test_a_second_deploy_copies_only_the_changed_file(image_dir: ImageDir, vm: VmBoard) -> None:
    deploy(image_dir, Mpremote(vm.port), io.StringIO())
    assert _wait_for(vm, b"this board has no station hardware")
    changed = "/firmware/outbox.mpy"
    second = with_one_file_changed(image_dir, changed)
    (vm.flash / "firmware" / "dropped.mpy").write_bytes(b"a module the new image lacks")
    commands: list[list[str]] = []

    def runner(args: Sequence[str], timeout: float) -> Result:
        commands.append(list(args))
        return run_subprocess(args, timeout)

    out = io.StringIO()
    report = deploy(second, Mpremote(vm.port, runner=runner), out)
    copies = [c[-1] for c in commands if c[-4:-2] == ["cp", "-f"]]
    assert copies == [":" + changed] and report.copied == [changed]
    assert sorted(report.kept) == sorted(e.path for e in second.entries if e.path != changed)
    assert report.removed == ["/firmware/dropped.mpy"]
    assert not (vm.flash / "firmware" / "dropped.mpy").exists()
    for entry in second.entries:
        on_flash = vm.flash / entry.path.lstrip("/")
        assert hashlib.sha256(on_flash.read_bytes()).hexdigest() == entry.sha256, entry.path
    assert f"copied: 1, unchanged: {len(second.entries) - 1}, removed: 1" in out.getvalue()


def test_a_power_cut_then_power_up_boots_the_station_again(
    image_dir: ImageDir, vm: VmBoard
) -> None:
    deploy(image_dir, Mpremote(vm.port), io.StringIO())
    assert _wait_for(vm, b"this board has no station hardware")
    boots = vm.boots
    vm.power_cycle()
    assert vm.boots == boots + 1
    assert _wait_for(vm, b"synk: station 7 configured", 20)
    assert "linux" in _on_board(vm, "import sys; print(sys.platform)")
