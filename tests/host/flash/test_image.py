"""The station image, file by file: every firmware/ and hw/ file compiled or kept as a boot file,
nothing else, the signed configuration readable by the firmware's own loader, and the size check;
in the romfs form the compiled files in one ROMFS image that MicroPython mounts and imports from."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from firmware import station_config as station_loader
from host.flash.boards import BOARDS, STATION_DATA_RESERVE, board
from host.flash.errors import FlashError
from host.flash.image import (
    KIND_CONFIG,
    KIND_MPY,
    KIND_SOURCE,
    REPO_ROOT,
    ROMFS_FILE,
    Image,
    build_image,
    check_fits,
    directories,
    footprint,
    load_image,
    write_image,
)
from host.flash.mpy import MpyCross, read_header

from .conftest import signed_config

ARCH = {"xtensawin": 10, "armv7emsp": 7, "x64": 2}  # MicroPython's MPY_FEATURE_ARCH numbers


def _sources() -> list[Path]:
    return sorted(
        p
        for d in ("firmware", "hw")
        for p in (REPO_ROOT / d).rglob("*.py")
        if "__pycache__" not in p.parts
    )


def _expected_path(source: Path, board_name: str, form: str = "folder") -> str | None:
    """Where ``source`` must be on ``board_name``'s image in ``form``; None: left out."""
    relative = source.relative_to(REPO_ROOT)
    if (
        relative.parts[0] == "firmware"
        and len(relative.parts) == 2
        and source.name
        in (
            "main.py",
            "boot.py",
        )
    ):
        return "/" + source.name
    if source.name.endswith(("_cpython.py", "_encoders.py")):
        return None
    if source.name.startswith("pins_") and source.stem != f"pins_{board_name}":
        return None
    return ("/rom/" if form == "romfs" else "/") + relative.with_suffix(".mpy").as_posix()


@pytest.fixture(params=sorted(BOARDS))
def image(request: pytest.FixtureRequest) -> Image:
    built: Image = request.getfixturevalue(f"{request.param}_image")
    return built


def test_every_file_is_compiled_or_a_boot_file_and_nothing_else(image: Image) -> None:
    files = {entry.path: (entry, data) for entry, data in image.files}
    expected = {}
    assert image.form == image.board.code_form
    for source in _sources():
        path = _expected_path(source, image.board.name, image.form)
        if path is not None:
            expected[path] = source
    config_paths = {"/flash/synk/station.json", "/flash/synk/station.sig"}
    assert set(files) == set(expected) | config_paths
    for path, source in expected.items():
        entry, data = files[path]
        assert entry.source == source.relative_to(REPO_ROOT).as_posix()
        assert entry.size == len(data)
        assert entry.sha256 == hashlib.sha256(data).hexdigest()
        if path in ("/main.py", "/boot.py"):
            assert entry.kind == KIND_SOURCE
            assert data == source.read_bytes()
        else:
            assert entry.kind == KIND_MPY
            assert data[0] == ord("M"), path
            assert data[1] == 6, path  # .mpy version of MicroPython 1.19 and later
            header = read_header(data, path)
            assert header.arch in (0, ARCH[image.board.march])
    assert {e.kind for e in image.entries if e.path in config_paths} == {KIND_CONFIG}


def test_pin_maps_and_board_only_code(esp32s3_image: Image, pico2w_image: Image) -> None:
    esp = {e.path for e in esp32s3_image.entries}
    pico = {e.path for e in pico2w_image.entries}
    assert "/rom/hw/pins_esp32s3.mpy" in esp and "/rom/hw/pins_pico2w.mpy" not in esp
    assert "/rom/hw/pins_pico2w.mpy" in pico and "/rom/hw/pins_esp32s3.mpy" not in pico
    assert "/rom/hw/board_setup.mpy" in esp and "/rom/hw/board_setup.mpy" in pico
    assert [(e.source, e.reason) for e in esp32s3_image.excluded] == [
        ("firmware/record_encoders.py", "encoders"),
        ("hw/pins_pico2w.py", "other_board"),
        ("hw/pins_unix.py", "other_board"),
    ]


def test_boot_files_go_last_main_at_the_very_end(image: Image) -> None:
    paths = [e.path for e in image.entries]
    assert paths[-1] == "/main.py"
    assert paths[-2] == "/boot.py"
    kinds = [e.kind for e in image.entries]
    assert kinds == sorted(kinds, key=[KIND_MPY, KIND_CONFIG, KIND_SOURCE].index)


def test_the_config_in_the_image_is_signed_and_the_firmware_reads_it(image: Image) -> None:
    files = {e.path: data for e, data in image.files}
    config = station_loader.parse(
        files["/flash/synk/station.json"], files["/flash/synk/station.sig"]
    )
    assert config["station_id"] == 7
    assert config["board"] == image.board.name
    assert config["credential"] == "hemlig-inloggning"
    damaged = files["/flash/synk/station.json"].replace(b"Bemanningen", b"Bemanningex")
    with pytest.raises(station_loader.ConfigError, match="signature"):
        station_loader.parse(damaged, files["/flash/synk/station.sig"])


def test_the_compiled_image_runs_the_loader_under_micropython(
    esp32s3_folder_image: Image, tmp_path: Path
) -> None:
    """The image's own .mpy files (no .py beside them) load the image's config on MicroPython."""
    write_image(esp32s3_folder_image, tmp_path / "image")
    root = tmp_path / "image" / "files"
    script = (
        "import sys\n"
        f"sys.path[:] = [{str(root)!r}]\n"
        "from firmware import station_config\n"
        "from firmware.storage import DirStorage\n"
        f"config = station_config.load(DirStorage({str(root / 'flash' / 'synk')!r}))\n"
        "print(station_config.__file__, config['station_id'], config['board'])\n"
    )
    done = _micropython(script, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    module_file, station_id, board_name = done.stdout.split()
    assert module_file.endswith("firmware/station_config.mpy")
    assert (station_id, board_name) == ("7", "esp32s3")


def test_a_config_the_station_would_refuse_is_refused() -> None:
    files = signed_config()
    files["station.json"] = files["station.json"].replace(b'"station_id": 7', b'"station_id": 8')
    with pytest.raises(FlashError) as refused:
        build_image("esp32s3", files)
    assert refused.value.key == "config.invalid"
    assert "signature" in refused.value.text


def test_a_config_for_the_other_board_is_refused() -> None:
    with pytest.raises(FlashError) as refused:
        build_image("pico2w", signed_config("esp32s3"))
    assert refused.value.key == "image.config_board"


def test_unknown_board() -> None:
    with pytest.raises(FlashError) as refused:
        board("esp8266")
    assert refused.value.key == "board.unknown"
    assert refused.value.status == 2


# -- size -----------------------------------------------------------------------------------------


def test_footprint_counts_whole_blocks_and_directories() -> None:
    esp = BOARDS["esp32s3"]
    paths = ["/main.py", "/firmware/a.mpy", "/firmware/b.mpy", "/flash/synk/station.json"]
    # root pair + 3 directories × 2, then 1 + 1 + 2 + 1 blocks
    sizes = [10, 4088, 4089, 300]
    assert directories(paths) == ["/firmware", "/flash", "/flash/synk"]
    assert footprint(paths, sizes, esp) == (2 + 6 + 5) * 4096


def test_budgets_documented_per_board() -> None:
    # Our ESP32-S3 build (host/flash/firmware/SYNK_ESP32_S3/partitions-synk.csv): romfs
    # 0x40000 at 0x200000, and the port's main.c makes vfs from there to the end of 8 MiB.
    esp = BOARDS["esp32s3"]
    assert esp.fs_bytes == 0x800000 - 0x240000
    assert [esp.fs_bytes_for(r) for r in ((1, 25), (1, 26), (1, 28))] == [0x5C0000] * 3
    table = (REPO_ROOT / "host/flash/firmware/SYNK_ESP32_S3/partitions-synk.csv").read_text()
    assert "romfs,    data, 0x8f,    0x200000, 0x40000," in table
    assert esp.romfs_bytes == 0x40000
    # ports/rp2: MICROPY_HW_ROMFS_BYTES of our build, below the 2.5 MiB file system
    assert BOARDS["pico2w"].fs_bytes == 2560 * 1024
    header = (REPO_ROOT / "host/flash/firmware/SYNK_PICO2_W/mpconfigboard.h").read_text()
    assert "#define MICROPY_HW_ROMFS_BYTES (256 * 1024)" in header
    assert BOARDS["pico2w"].romfs_bytes == 256 * 1024
    assert BOARDS["unix"].romfs_bytes == 0 and BOARDS["unix"].code_form == "folder"
    for known in BOARDS.values():
        assert known.fs_bytes == min(size for _, size in known.fs_by_release)
    for known in BOARDS.values():
        assert known.image_budget == known.fs_bytes - STATION_DATA_RESERVE


def test_the_real_image_fits_both_boards(image: Image) -> None:
    assert 0 < image.footprint <= image.board.image_budget


def test_fits_check_refuses_an_oversized_image(esp32s3_folder_image: Image) -> None:
    small = replace(BOARDS["esp32s3"], fs_bytes=STATION_DATA_RESERVE + 64 * 1024)
    with pytest.raises(FlashError) as refused:
        check_fits(small, esp32s3_folder_image.footprint)
    assert refused.value.key == "image.too_large"
    assert "får inte plats" in refused.value.text and "does not fit" in refused.value.text
    check_fits(small, 64 * 1024)  # exactly the budget is fine


def _copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for top in ("firmware", "hw"):
        shutil.copytree(REPO_ROOT / top, root / top, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_build_refuses_code_too_big_for_the_pico(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    budget = BOARDS["pico2w"].image_budget
    part = 450_000  # one string constant each: mpy-cross's own heap is 2 MiB
    font = root / "hw" / "font5x7.py"
    for number in range(budget // part + 1):
        (root / "hw" / f"glyphs_{number}.py").write_text(f"GLYPHS = {'x' * part!r}\n")
        font.write_text(font.read_text() + f"from hw import glyphs_{number}\n")  # used
    with pytest.raises(FlashError) as refused:
        build_image("pico2w", signed_config("pico2w"), root=root, form="folder")
    assert refused.value.key == "image.too_large"
    assert refused.value.values["budget"] == budget // 1024
    with pytest.raises(FlashError) as refused:
        build_image("pico2w", signed_config("pico2w"), root=root)
    assert refused.value.key == "image.romfs_too_large"
    assert refused.value.values["partition"] == 256
    assert "ROM-partitionen har 256 KiB" in refused.value.text


def test_missing_boot_files_are_listed(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    (root / "firmware" / "main.py").unlink()
    (root / "firmware" / "boot.py").unlink()
    built = build_image("esp32s3", signed_config(), root=root)
    assert built.missing == ["firmware/boot.py", "firmware/main.py"]
    assert not any(e.kind == KIND_SOURCE for e in built.entries)


def test_modules_the_station_never_imports_stay_out(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    (root / "firmware" / "scenario_helper.py").write_text("HELP = 1\n")  # imported by no one
    (root / "firmware" / "typing_only.py").write_text("class Shape: ...\n")
    (root / "firmware" / "chained.py").write_text("VALUE = 2\n")
    (root / "firmware" / "used.py").write_text("from firmware import chained\n")
    status = root / "firmware" / "status.py"
    status.write_text(
        status.read_text()
        + "\nif TYPE_CHECKING:\n    from firmware.typing_only import Shape\n"
        + "from firmware import used\n"
    )
    built = build_image("esp32s3", signed_config(), root=root)
    unused = sorted(e.source for e in built.excluded if e.reason == "unused")
    assert unused == ["firmware/scenario_helper.py", "firmware/typing_only.py"]
    paths = {e.path for e in built.entries}
    assert {"/rom/firmware/used.mpy", "/rom/firmware/chained.mpy"} <= paths
    assert "/rom/firmware/__init__.mpy" in paths  # the package's own, imported first


def test_docstrings_are_not_in_the_image(image: Image) -> None:
    files = {e.source: data for e, data in image.files if e.kind == KIND_MPY}
    doc = b"Putting a station together: the same wiring on a board"  # firmware/startup.py's
    assert doc in (REPO_ROOT / "firmware" / "startup.py").read_bytes()
    assert doc not in files["firmware/startup.py"] and doc not in image.romfs


def test_cpython_only_modules_stay_out(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    (root / "hw" / "serial_bridge_cpython.py").write_text("import termios\n")
    built = build_image("esp32s3", signed_config(), root=root)
    assert ("hw/serial_bridge_cpython.py", "cpython") in [
        (e.source, e.reason) for e in built.excluded
    ]
    assert not any("serial_bridge" in e.path for e in built.entries)


# What only tests, test doubles and tools encode: the record encoders' module and the names
# that module alone defines (qstrs of an .mpy keep them; none may be in a board's image).
ENCODER_MODULES = ("firmware/record_encoders.py",)
ENCODER_NAMES = (
    b"encode_record",
    b"_permset_encode",
    b"_blocklist_encode",
    b"_audit_batch_encode",
    b"_token_encode",
    b"_outbox_encode",
    b"_upload_encode",
    b"_bundle_encode",
    b"_key_entry_encode",
)


def test_the_test_only_encoders_stay_out_of_every_image(image: Image) -> None:
    for module in ENCODER_MODULES:
        assert (REPO_ROOT / module).is_file(), module
        assert (module, "encoders") in [(e.source, e.reason) for e in image.excluded]
    assert not any(e.source in ENCODER_MODULES for e in image.entries)
    assert not any("_encoders." in e.path for e in image.entries)
    for entry, data in image.files:
        for name in ENCODER_NAMES:
            assert name not in data, (entry.path, name)


def test_the_station_imports_without_the_encoders(
    esp32s3_folder_image: Image, tmp_path: Path
) -> None:
    """On the image's own files, the station's codec loads and the encoders are not there."""
    write_image(esp32s3_folder_image, tmp_path / "image")
    root = tmp_path / "image" / "files"
    script = (
        "import sys\n"
        f"sys.path[:] = [{str(root)!r}]\n"
        "from firmware import bundle_cache, key_link, payloads, records, service_console\n"
        "from firmware.wire_fields import CodecError\n"
        "try:\n"
        "    import firmware.record_encoders\n"
        "    print('encoders present')\n"
        "except ImportError:\n"
        "    print('no encoders')\n"
        "try:\n"
        "    payloads.encode_payload(0x21, False, {'event': {}})\n"
        "except CodecError as exc:\n"
        "    print(exc.field)\n"
    )
    done = _micropython(script, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["no", "encoders", "event"]


def test_native_code_is_compiled_for_the_boards_cpu(tmp_path: Path) -> None:
    source = tmp_path / "fast.py"
    source.write_text("import micropython\n@micropython.native\ndef f(x):\n    return x + 1\n")
    for known in BOARDS.values():
        data = MpyCross().compile(source, "firmware/fast.py", known.march)
        assert read_header(data, "fast").arch == ARCH[known.march]


# -- mpy-cross errors -----------------------------------------------------------------------------


def test_no_mpy_cross(tmp_path: Path) -> None:
    with pytest.raises(FlashError) as refused:
        MpyCross(str(tmp_path / "mpy-cross")).compile(tmp_path / "x.py", "x.py", "xtensawin")
    assert refused.value.key == "mpy.missing"
    assert "mpy-cross saknas" in refused.value.text


def test_a_file_mpy_cross_cannot_compile(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    with pytest.raises(FlashError) as refused:
        MpyCross().compile(broken, "firmware/broken.py", "xtensawin")
    assert refused.value.key == "mpy.failed"
    assert "firmware/broken.py" in refused.value.text


def test_not_an_mpy_file() -> None:
    with pytest.raises(FlashError) as refused:
        read_header(b"print(1)\n", "x")
    assert refused.value.key == "mpy.not_mpy"
    with pytest.raises(FlashError) as refused:
        read_header(b"M\x05\x00\x1f", "x")
    assert refused.value.key == "mpy.version"


# -- the folder -----------------------------------------------------------------------------------


def test_folder_round_trip(esp32s3_image: Image, tmp_path: Path) -> None:
    manifest = write_image(esp32s3_image, tmp_path / "image")
    loaded = load_image(tmp_path / "image")
    assert loaded.entries == esp32s3_image.entries
    assert loaded.board == esp32s3_image.board
    listed = json.loads(manifest.read_text())
    assert listed["station_id"] == 7 and listed["board"] == "esp32s3"
    assert "hemlig-inloggning" not in manifest.read_text()
    config = tmp_path / "image" / "files" / "flash" / "synk" / "station.json"
    assert config.stat().st_mode & 0o077 == 0
    on_disk = sorted(
        "/" + p.relative_to(tmp_path / "image" / "files").as_posix()
        for p in (tmp_path / "image" / "files").rglob("*")
        if p.is_file()
    )
    assert on_disk == sorted(e.path for e in esp32s3_image.entries)


def test_rewriting_an_image_folder_replaces_it(
    esp32s3_image: Image, esp32s3_folder_image: Image, tmp_path: Path
) -> None:
    write_image(esp32s3_image, tmp_path / "image")
    stale = tmp_path / "image" / "files" / "rom" / "firmware" / "old.mpy"
    stale.write_bytes(b"M\x06")
    write_image(esp32s3_image, tmp_path / "image")
    assert not stale.exists()
    load_image(tmp_path / "image")
    write_image(esp32s3_folder_image, tmp_path / "image")  # the other form: no code.romfs left
    assert not (tmp_path / "image" / ROMFS_FILE).exists()
    assert load_image(tmp_path / "image").form == "folder"


def test_a_changed_file_in_the_folder_is_refused(
    esp32s3_folder_image: Image, tmp_path: Path
) -> None:
    write_image(esp32s3_folder_image, tmp_path / "image")
    codec = tmp_path / "image" / "files" / "firmware" / "records.mpy"
    codec.write_bytes(codec.read_bytes()[:-1] + b"\x00")
    with pytest.raises(FlashError) as refused:
        load_image(tmp_path / "image")
    assert refused.value.key == "image.corrupt"
    assert refused.value.values["path"] == "/firmware/records.mpy"


def test_a_romfs_image_that_is_not_the_files_listed_is_refused(
    esp32s3_image: Image, pico2w_image: Image, tmp_path: Path
) -> None:
    write_image(esp32s3_image, tmp_path / "image")
    romfs = tmp_path / "image" / ROMFS_FILE
    romfs.write_bytes(romfs.read_bytes()[:-1] + b"\x00")
    with pytest.raises(FlashError) as refused:
        load_image(tmp_path / "image")
    assert refused.value.key == "image.corrupt" and refused.value.values["path"] == "/rom"
    # the manifest made to agree with another board's code.romfs: the files listed say no
    write_image(esp32s3_image, tmp_path / "image")
    romfs.write_bytes(pico2w_image.romfs)
    manifest = tmp_path / "image" / "manifest.json"
    listed = json.loads(manifest.read_text())
    listed["romfs"]["sha256"] = hashlib.sha256(pico2w_image.romfs).hexdigest()
    manifest.write_text(json.dumps(listed))
    with pytest.raises(FlashError) as refused:
        load_image(tmp_path / "image")
    assert refused.value.key == "image.corrupt" and refused.value.values["path"] == "/rom"


def test_a_manifest_pointing_outside_the_folder_is_refused(
    esp32s3_image: Image, tmp_path: Path
) -> None:
    manifest = write_image(esp32s3_image, tmp_path / "image")
    listed = json.loads(manifest.read_text())
    listed["files"][0]["path"] = "/../../etc/passwd"
    manifest.write_text(json.dumps(listed))
    with pytest.raises(FlashError) as refused:
        load_image(tmp_path / "image")
    assert refused.value.key == "image.bad_manifest"


def test_no_image_and_not_an_image(esp32s3_image: Image, tmp_path: Path) -> None:
    with pytest.raises(FlashError) as refused:
        load_image(tmp_path)
    assert refused.value.key == "image.no_manifest"
    assert refused.value.status == 3
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FlashError) as refused:
        write_image(esp32s3_image, tmp_path)
    assert refused.value.key == "image.out_not_image"
    assert (tmp_path / "notes.txt").read_text() == "mine"


def _micropython(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` run by the MicroPython unix port (8 MB heap), its output captured."""
    micropython = Path(sys.executable).parent / "micropython"
    return subprocess.run(
        [str(micropython), "-X", "heapsize=8M", "-c", script],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
