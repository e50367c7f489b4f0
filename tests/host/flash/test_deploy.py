"""Deploying with mpremote, checked up to the device boundary against a fake board."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from host.cli import main
from host.flash.deploy import code_folders, deploy
from host.flash.errors import FlashError
from host.flash.image import Entry, ImageDir, directories
from host.flash.mpremote import DEFAULT_COMMAND, Mpremote, Result
from host.flash.mpy import MPY_VERSION

from .conftest import signed_config, with_one_file_changed
from .fake_board import MPY_PICO2W, PICO2W, FakeBoard


def _deploy(image: ImageDir, board: FakeBoard, port: str = "auto") -> tuple[str, FakeBoard]:
    out = io.StringIO()
    deploy(image, Mpremote(port, runner=board), out)
    return out.getvalue(), board


def _connect(port: str = "auto", resume: bool = True) -> list[str]:
    return [*DEFAULT_COMMAND, "connect", port, *(["resume"] if resume else [])]


def test_the_mpremote_commands_in_order(image_dir: ImageDir, board: FakeBoard) -> None:
    _deploy(image_dir, board, "/dev/null")
    commands = board.commands
    entries = image_dir.entries
    device = Mpremote("/dev/null")
    expected = [
        device.probe_command(),
        device.make_dirs_command(directories(e.path for e in entries)),
        device.hashes_command([e.path for e in entries]),
    ]
    for entry in entries:
        expected.append(device.copy_command(str(image_dir.local(entry)), entry.path))
        expected.append(device.sha256_command(entry.path))
    expected += [device.clean_command(code_folders(entries)), device.reset_command()]
    assert commands == expected
    # the probe interrupts the running program; everything after resumes that session
    assert commands[0][: len(_connect("/dev/null", False)) + 1] == [
        *_connect("/dev/null", False),
        "exec",
    ]
    assert all(c[: len(_connect("/dev/null"))] == _connect("/dev/null") for c in commands[1:])
    copy = commands[3]
    assert copy[len(_connect("/dev/null")) :] == [
        "fs",
        "cp",
        "-f",
        str(image_dir.local(entries[0])),
        ":" + entries[0].path,
    ]
    assert commands[-1][-1] == "reset"


def test_the_board_ends_up_with_exactly_the_image(image_dir: ImageDir, board: FakeBoard) -> None:
    board.dirs |= {"/firmware", "/flash", "/flash/synk"}
    board.files["/firmware/records.py"] = b"# an old source that would shadow records.mpy"
    board.files["/flash/synk/bundle.bin"] = b"the station's cached bundle"
    board.files["/flash/synk/station.json"] = b"{}"
    out, _ = _deploy(image_dir, board)
    for entry in image_dir.entries:
        assert hashlib.sha256(board.files[entry.path]).hexdigest() == entry.sha256
    assert "/firmware/records.py" not in board.files
    assert board.files["/flash/synk/bundle.bin"] == b"the station's cached bundle"
    assert set(board.files) == {e.path for e in image_dir.entries} | {"/flash/synk/bundle.bin"}
    assert board.resets == 1
    assert "/firmware/records.py" in out
    assert "Klart" in out and "Done" in out


def test_progress_line_per_file(image_dir: ImageDir, board: FakeBoard) -> None:
    out, _ = _deploy(image_dir, board)
    total = len(image_dir.entries)
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert len(lines) == total
    assert lines[0].startswith(f"[ 1/{total}] /firmware/__init__.mpy")
    assert lines[-1].startswith(f"[{total}/{total}] /main.py")
    assert all("SHA-256 stämmer / copied, SHA-256 matches" in line for line in lines)


def _copied(board: FakeBoard) -> list[str]:
    """The board paths ``fs cp`` wrote, in order."""
    return [c[-1].removeprefix(":") for c in board.commands if "cp" in c and "fs" in c]


def test_a_second_deploy_copies_only_the_changed_file_and_removes_the_dropped_one(
    image_dir: ImageDir, board: FakeBoard
) -> None:
    first, _ = _deploy(image_dir, board)
    assert len(_copied(board)) == len(image_dir.entries)
    # the next image: one module changed, one the image no longer has (left on the board
    # as a previous image would have left it)
    changed = "/firmware/records.mpy"
    second = with_one_file_changed(image_dir, changed)
    board.files["/firmware/dropped.mpy"] = b"a module the new image does not hold"
    board.commands.clear()
    out = io.StringIO()
    report = deploy(second, Mpremote(runner=board), out)
    assert _copied(board) == [changed] == report.copied
    assert sorted(report.kept) == sorted(e.path for e in second.entries if e.path != changed)
    assert report.removed == ["/firmware/dropped.mpy"]
    assert set(board.files) == {e.path for e in second.entries}
    for entry in second.entries:
        assert hashlib.sha256(board.files[entry.path]).hexdigest() == entry.sha256
    kept = len(second.entries) - 1
    assert f"kopierade: 1, oförändrade: {kept}, borttagna: 1" in out.getvalue()
    assert f"copied: 1, unchanged: {kept}, removed: 1" in out.getvalue()
    assert out.getvalue().count("oförändrad, samma SHA-256 på kortet") == kept
    assert board.resets == 2
    assert f"kopierade: {len(second.entries)}, oförändrade: 0" in first


def test_a_file_spoilt_on_the_board_since_the_last_deploy_is_copied_again(
    image_dir: ImageDir, board: FakeBoard
) -> None:
    _deploy(image_dir, board)
    board.files["/firmware/outbox.mpy"] = b"\xff" + board.files["/firmware/outbox.mpy"][1:]
    del board.files["/main.py"]
    board.commands.clear()
    report = deploy(image_dir, Mpremote(runner=board), io.StringIO())
    assert _copied(board) == report.copied == ["/firmware/outbox.mpy", "/main.py"]
    for entry in image_dir.entries:
        assert hashlib.sha256(board.files[entry.path]).hexdigest() == entry.sha256


def test_a_board_that_does_not_answer_for_every_file_is_an_error() -> None:
    def short(args: object, timeout: float) -> Result:
        return Result(0, "synk-hash - /main.py\r\nsynk-hashes 2\r\n", "")

    with pytest.raises(FlashError) as refused:
        Mpremote(runner=short).hashes(["/main.py", "/boot.py"])
    assert refused.value.key == "device.no_answer"


def test_a_bad_copy_is_copied_again_once(image_dir: ImageDir, board: FakeBoard) -> None:
    board.corrupt["/firmware/records.mpy"] = 1
    out = io.StringIO()
    report = deploy(image_dir, Mpremote(runner=board), out)
    assert report.retried == ["/firmware/records.mpy"]
    copies = [c for c in board.commands if c[-1] == ":/firmware/records.mpy"]
    assert len(copies) == 2
    entry = next(e for e in image_dir.entries if e.path == "/firmware/records.mpy")
    assert hashlib.sha256(board.files[entry.path]).hexdigest() == entry.sha256
    assert "kopierar igen" in out.getvalue()


def test_a_second_bad_copy_stops_the_deploy(image_dir: ImageDir, board: FakeBoard) -> None:
    board.corrupt["/firmware/records.mpy"] = 2
    with pytest.raises(FlashError) as refused:
        deploy(image_dir, Mpremote(runner=board), io.StringIO())
    assert refused.value.key == "deploy.hash_mismatch"
    assert refused.value.values["path"] == "/firmware/records.mpy"
    assert "/main.py" not in board.files  # the station does not start half-copied
    assert board.resets == 0


def test_wrong_board_is_refused_before_anything_is_copied(image_dir: ImageDir) -> None:
    pico = FakeBoard(platform=PICO2W["platform"], machine=PICO2W["machine"], mpy=MPY_PICO2W)
    with pytest.raises(FlashError) as refused:
        _deploy(image_dir, pico)
    assert refused.value.key == "device.wrong_board"
    assert len(pico.commands) == 1 and not pico.files
    plain_esp32 = FakeBoard(machine="Generic ESP32 module with ESP32")
    with pytest.raises(FlashError) as refused:
        _deploy(image_dir, plain_esp32)
    assert refused.value.key == "device.wrong_board"


def test_old_micropython_is_refused(image_dir: ImageDir) -> None:
    old = FakeBoard(mpy=5 | 10 << 10)
    with pytest.raises(FlashError) as refused:
        _deploy(image_dir, old)
    assert refused.value.key == "device.mpy_version"
    assert refused.value.values == {
        "version": 5,
        "expected": MPY_VERSION,
        "firmware": "ESP32_GENERIC_S3 (SPIRAM_OCT)",
    }


def test_a_small_file_system_is_refused(image_dir: ImageDir) -> None:
    small = FakeBoard(fs_total=512 * 1024)
    with pytest.raises(FlashError) as refused:
        _deploy(image_dir, small)
    assert refused.value.key == "device.fs_small"
    assert not small.files


def test_an_image_without_main_is_refused(image_dir: ImageDir, board: FakeBoard) -> None:
    without = ImageDir(
        image_dir.directory,
        image_dir.board,
        [e for e in image_dir.entries if e.path != "/main.py"],
        image_dir.manifest,
    )
    with pytest.raises(FlashError) as refused:
        _deploy(without, board)
    assert refused.value.key == "deploy.no_main"
    assert board.commands == []


@pytest.mark.parametrize(
    ("said", "key"),
    [
        ("mpremote: failed to access /dev/null (it may be in use by another program)", "port.busy"),
        ("mpremote: no device found", "port.none"),
        ("mpremote: could not enter raw repl", "device.no_repl"),
        ("mpremote: cp: [Errno 28] ENOSPC", "device.failed"),
    ],
)
def test_mpremote_errors_are_told_apart(
    image_dir: ImageDir, board: FakeBoard, said: str, key: str
) -> None:
    board.error = said
    with pytest.raises(FlashError) as refused:
        _deploy(image_dir, board, "/dev/null")
    assert refused.value.key == key
    assert len(board.commands) == 1


def test_a_port_that_is_not_there(image_dir: ImageDir, board: FakeBoard, tmp_path: Path) -> None:
    port = str(tmp_path / "ttyACM9")
    with pytest.raises(FlashError) as refused:
        _deploy(image_dir, board, port)
    assert refused.value.key == "port.missing"
    assert refused.value.status == 3
    assert board.commands == []


def test_a_board_that_answers_nonsense(image_dir: ImageDir) -> None:
    def garbled(args: object, timeout: float) -> Result:
        return Result(0, "MicroPython v1.24.0\r\n>>> ", "")

    with pytest.raises(FlashError) as refused:
        deploy(image_dir, Mpremote(runner=garbled), io.StringIO())
    assert refused.value.key == "device.no_answer"


def test_code_folders_keep_lists() -> None:
    entries = [
        Entry(path, 1, "", kind, "")
        for path, kind in (
            ("/firmware/a.mpy", "mpy"),
            ("/firmware/sub/b.mpy", "mpy"),
            ("/hw/c.mpy", "mpy"),
            ("/flash/synk/station.json", "config"),
            ("/main.py", "source"),
        )
    ]
    assert code_folders(entries) == {
        "/firmware": ("a.mpy", "sub"),
        "/firmware/sub": ("b.mpy",),
        "/hw": ("c.mpy",),
    }


# -- dry run --------------------------------------------------------------------------------------


def test_dry_run_prints_every_step_and_touches_no_board(image_dir: ImageDir) -> None:
    def no_board(args: object, timeout: float) -> Result:
        raise AssertionError("a dry run ran a command")

    out = io.StringIO()
    device = Mpremote("/dev/ttyACM0", runner=no_board)
    report = deploy(image_dir, device, out, dry_run=True)
    text = out.getvalue()
    assert report.copied == [] and report.device is None
    assert text.startswith("Torrkörning")
    for entry in image_dir.entries:
        assert f"{entry.path} ({entry.size} B)" in text
        assert f":{entry.path}" in text
        assert entry.sha256 in text
    assert "connect /dev/ttyACM0 exec" in text  # the probe
    assert text.rstrip().endswith("connect /dev/ttyACM0 resume reset")
    assert text.count(" fs cp -f ") == len(image_dir.entries)


def test_cli_dry_run_and_errors(
    image_dir: ImageDir, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["flash", "deploy", "--image", str(image_dir.directory), "--dry-run"]) == 0
    out, _err = capsys.readouterr()
    assert "/main.py" in out and "mpremote connect auto" in out
    assert main(["flash", "deploy", "--image", str(tmp_path / "nothing")]) == 3
    _out, err = capsys.readouterr()
    assert err.startswith("synk: ") and "manifest.json" in err


def test_cli_build_then_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    config.mkdir()
    for name, data in signed_config("pico2w").items():
        (config / name).write_bytes(data)
    image = tmp_path / "image"
    assert (
        main(["flash", "build", "--board", "pico2w", "--config", str(config), "--out", str(image)])
        == 0
    )
    out, _err = capsys.readouterr()
    assert "Raspberry Pi Pico 2 W" in out and "hw/pins_esp32s3.py" in out
    assert (
        main(["flash", "build", "--board", "esp32s3", "--config", str(config), "--out", str(image)])
        == 2
    )
    _out, err = capsys.readouterr()
    assert "pico2w" in err
    assert main(["flash", "deploy", "--image", str(image), "--dry-run", "--port", "id:E661"]) == 0
    out, _err = capsys.readouterr()
    assert "connect id:E661" in out and "romfs deploy" in out and "code.romfs" in out
