"""Deploying an image folder onto a board with mpremote, with read-back checks.

Steps (``deploy``):

1. the port checked (a device file that is not there is refused at once), then
   the board probed: it must be the image's board (``sys.platform`` and the
   chip in ``sys.implementation._machine``), load .mpy files of the image's
   version, and have a file system big enough for the image and the station's
   data reserve; for the romfs form also a ROM partition the ROMFS image fits
   (a firmware without one is refused, naming the firmware to build);
2. romfs form: the ROMFS image written with ``mpremote romfs deploy``, then the
   partition read back on the board and its SHA-256 compared with the
   manifest's; a mismatch is written once more, a second one stops the deploy;
3. the image's directories made, and the SHA-256 of every file of the image
   read on the board in one call (``Mpremote.hashes``);
4. each file of the file system whose SHA-256 on the board is not the
   manifest's copied, then read back on the board and its SHA-256 compared
   with the manifest's, retried once as above; a file the board already holds
   byte for byte is kept (a second deploy copies only what changed). Code
   first, then the configuration, ``boot.py`` and ``main.py`` last, so a board
   reset half-way does not start a half-copied station;
5. folder form: files in the image's code folders that the image does not hold
   removed (an old ``records.py`` would be imported instead of the new
   ``records.mpy``); romfs form: the code folders of a folder-form image
   (``/firmware``, ``/hw``) removed from the file system, as they would be
   imported instead of /rom's (frozen form: instead of the firmware's). The
   station's data in /flash/synk is never touched, only its two configuration
   files are replaced;
6. the board reset: it mounts /rom again and starts the new station.

The last line says how many files were copied, kept and removed.

Progress goes to ``out``, one line per step and per file. With ``dry_run``
every step is printed with the exact mpremote command line and nothing runs.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TextIO

from host.flash.boards import FORM_FOLDER, FORM_ROMFS, Board
from host.flash.errors import INVALID, FlashError
from host.flash.image import (
    CODE_DIRS,
    KIND_MPY,
    MAIN,
    ROM,
    Entry,
    ImageDir,
    directories,
    footprint,
)
from host.flash.messages import text
from host.flash.mpremote import DeviceInfo, Mpremote
from host.flash.mpy import MPY_VERSION

ATTEMPTS = 2  # a file is copied at most twice


@dataclass
class Report:
    device: DeviceInfo | None = None
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already on the board, byte for byte
    retried: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def check_device(target: Board, info: DeviceInfo, needed: int, romfs_size: int = 0) -> None:
    """Refuse a board that is not ``target``, loads other .mpy files, or is too small (its
    file system for ``needed`` bytes, its ROM partition for a ``romfs_size`` image)."""
    if info.platform != target.platform or target.machine not in info.machine.upper():
        raise FlashError(
            "device.wrong_board",
            INVALID,
            board=target.title,
            platform=info.platform,
            machine=info.machine,
        )
    if info.mpy_version != MPY_VERSION:
        raise FlashError(
            "device.mpy_version",
            INVALID,
            version=info.mpy_version,
            expected=MPY_VERSION,
            firmware=target.firmware_title,
        )
    if romfs_size and info.rom_partitions < 1:
        raise FlashError(
            "device.no_romfs",
            INVALID,
            board=target.title,
            firmware=target.firmware_title,
            build=target.build,
        )
    if romfs_size > info.rom_bytes:
        raise FlashError(
            "device.romfs_small",
            INVALID,
            size=info.rom_bytes // 1024,
            need=-(-romfs_size // 1024),
            build=target.build,
        )
    if info.fs_total < needed + target.reserve:
        raise FlashError(
            "device.fs_small",
            INVALID,
            total=info.fs_total // 1024,
            need=(needed + target.reserve) // 1024,
        )


def fs_code_trees() -> list[str]:
    """The folders a folder-form image's code is in on the file system ("/firmware", "/hw")."""
    return ["/" + top for top in CODE_DIRS]


def code_folders(entries: list[Entry]) -> dict[str, tuple[str, ...]]:
    """For each folder holding compiled code: the names (files and folders) the image puts there."""
    code_dirs = {str(PurePosixPath(e.path).parent) for e in entries if e.kind == KIND_MPY}
    keep: dict[str, set[str]] = {d: set() for d in code_dirs}
    for entry in entries:
        path = PurePosixPath(entry.path)
        for child, parent in zip((path, *path.parents), path.parents, strict=False):
            if str(parent) in keep:
                keep[str(parent)].add(child.name)
    return {d: tuple(sorted(names)) for d, names in sorted(keep.items())}


class Deployer:
    """One deploy of ``image`` through ``device``; progress to ``out``."""

    def __init__(self, image: ImageDir, device: Mpremote, out: TextIO, dry_run: bool = False):
        self.image = image
        self.device = device
        self.out = out
        self.dry_run = dry_run
        self.report = Report()

    def _say(self, key: str, **values: object) -> None:
        print(text(key, **values), file=self.out, flush=True)

    def _show(self, command: list[str]) -> None:
        if self.dry_run:
            print(f"    $ {shlex.join(command)}", file=self.out)

    def run(self) -> Report:
        romfs = self.image.romfs if self.image.form == FORM_ROMFS else None
        entries = self.image.fs_entries
        paths = [e.path for e in entries]
        if MAIN not in paths:
            raise FlashError("deploy.no_main", INVALID, image=self.image.directory)
        needed = footprint(paths, (e.size for e in entries), self.image.board)
        romfs_size = int(romfs["size"]) if romfs else 0
        dirs = directories(paths)
        total = len(entries)
        if self.dry_run:
            self._say("deploy.dry_run")
        self._say(
            "deploy.start",
            board=self.image.board.title,
            files=total,
            kib=(sum(e.size for e in entries) + romfs_size) // 1024,
            port=self.device.port,
        )
        self._say("deploy.step_probe")
        self._show(self.device.probe_command())
        if not self.dry_run:
            self.device.check_port()
            info = self.device.probe()
            self.report.device = info
            self._say(
                "deploy.found",
                machine=info.machine,
                total=info.fs_total // 1024,
                free=info.fs_free // 1024,
            )
            if info.rom_partitions > 0:
                self._say("deploy.found_rom", rom=info.rom_bytes // 1024)
            if info.heap_bytes:
                self._say("deploy.found_heap", heap=info.heap_bytes // 1024)
            check_device(self.image.board, info, needed, romfs_size)
        if romfs:
            self._romfs(str(romfs["sha256"]), romfs_size)
        self._say("deploy.step_dirs", dirs=", ".join(dirs))
        self._show(self.device.make_dirs_command(dirs))
        on_board: dict[str, str | None] = {}
        self._say("deploy.step_hashes")
        self._show(self.device.hashes_command(paths))
        if not self.dry_run:
            self.device.make_dirs(dirs)
            on_board = self.device.hashes(paths)
        width = len(str(total))
        for number, entry in enumerate(entries, 1):
            counter = f"[{number:>{width}}/{total}]"
            if on_board.get(entry.path) == entry.sha256:
                head = f"{counter} {entry.path} ({entry.size} B)"
                print(f"{head}: {text('deploy.file_kept')}", file=self.out, flush=True)
                self.report.kept.append(entry.path)
            else:
                self._file(counter, entry)
        if self.image.form != FORM_FOLDER:  # the code is in /rom or frozen: none on the fs
            trees = fs_code_trees()
            self._say("deploy.step_trees", dirs=", ".join(trees))
            self._show(self.device.remove_trees_command(trees))
            if not self.dry_run:
                self.report.removed = self.device.remove_trees(trees)
        else:
            keep = code_folders(entries)
            self._say("deploy.step_clean", dirs=", ".join(keep))
            self._show(self.device.clean_command(keep))
            if not self.dry_run:
                self.report.removed = self.device.clean(keep)
        for path in self.report.removed:
            print(f"    {path}: {text('deploy.removed')}", file=self.out)
        self._say("deploy.step_reset")
        self._show(self.device.reset_command())
        if not self.dry_run:
            self.device.reset()
            self._say(
                "deploy.done",
                files=total,
                copied=len([p for p in self.report.copied if p != ROM]),
                kept=len(self.report.kept),
                removed=len(self.report.removed),
                retried=len(self.report.retried),
            )
        return self.report

    def _romfs(self, sha256: str, size: int) -> None:
        """The ROMFS image into ROM partition 0, read back; written at most twice."""
        local = str(self.image.romfs_path)
        self._say("deploy.step_romfs", kib=-(-size // 1024), file=local)
        if self.dry_run:
            self._show(self.device.romfs_deploy_command(local))
            self._show(self.device.romfs_sha256_command(size))
            print(f"    {text('deploy.expect')}: {sha256}", file=self.out)
            return
        for attempt in range(1, ATTEMPTS + 1):
            self.device.romfs_deploy(local)
            found = self.device.romfs_sha256(size)
            if found == sha256:
                print(f"{ROM} ({size} B): {text('deploy.romfs_ok')}", file=self.out, flush=True)
                self.report.copied.append(ROM)
                return
            if attempt < ATTEMPTS:
                retry = text("deploy.romfs_retry", found=found or "-")
                print(f"{ROM} ({size} B): {retry}", file=self.out, flush=True)
                self.report.retried.append(ROM)
        raise FlashError("deploy.hash_mismatch", path=ROM, expected=sha256, found=found or "-")

    def _file(self, counter: str, entry: Entry) -> None:
        local = str(self.image.local(entry))
        head = f"{counter} {entry.path} ({entry.size} B)"
        if self.dry_run:
            print(f"{head}: {text('deploy.file_plan')}", file=self.out)
            self._show(self.device.copy_command(local, entry.path))
            self._show(self.device.sha256_command(entry.path))
            print(f"    {text('deploy.expect')}: {entry.sha256}", file=self.out)
            return
        for attempt in range(1, ATTEMPTS + 1):
            self.device.copy(local, entry.path)
            found = self.device.sha256(entry.path)
            if found == entry.sha256:
                print(f"{head}: {text('deploy.file_ok')}", file=self.out, flush=True)
                self.report.copied.append(entry.path)
                return
            if attempt < ATTEMPTS:
                retry = text("deploy.file_retry", found=found or "-")
                print(f"{head}: {retry}", file=self.out, flush=True)
                self.report.retried.append(entry.path)
        raise FlashError(
            "deploy.hash_mismatch", path=entry.path, expected=entry.sha256, found=found or "-"
        )


def deploy(image: ImageDir, device: Mpremote, out: TextIO, *, dry_run: bool = False) -> Report:
    """Copy ``image`` onto the board behind ``device`` (or, with ``dry_run``, print how)."""
    return Deployer(image, device, out, dry_run).run()
