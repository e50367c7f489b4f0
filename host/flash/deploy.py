"""Deploying an image folder onto a board with mpremote, file by file, with read-back checks.

Steps (``deploy``):

1. the port checked (a device file that is not there is refused at once), then
   the board probed: it must be the image's board (``sys.platform`` and the
   chip in ``sys.implementation._machine``), load .mpy files of the image's
   version, and have a file system big enough for the image and the station's
   data reserve;
2. the image's directories made;
3. each file copied, then read back on the board and its SHA-256 compared
   with the manifest's; a mismatch (or a file not there) is copied once more,
   and a second mismatch stops the deploy. Code first, then the
   configuration, ``boot.py`` and ``main.py`` last, so a board reset half-way
   does not start a half-copied station;
4. files in the image's code folders that the image does not hold removed
   (an old ``records.py`` would be imported instead of the new ``records.mpy``);
   the station's data in /flash/synk is never touched, only its two
   configuration files are replaced;
5. the board reset: it starts the new station.

Progress goes to ``out``, one line per step and per file. With ``dry_run``
every step is printed with the exact mpremote command line and nothing runs.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TextIO

from host.flash.boards import Board
from host.flash.errors import INVALID, FlashError
from host.flash.image import KIND_MPY, MAIN, Entry, ImageDir, directories, footprint
from host.flash.messages import text
from host.flash.mpremote import DeviceInfo, Mpremote
from host.flash.mpy import MPY_VERSION

ATTEMPTS = 2  # a file is copied at most twice


@dataclass
class Report:
    device: DeviceInfo | None = None
    copied: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def check_device(target: Board, info: DeviceInfo, needed: int) -> None:
    """Refuse a board that is not ``target``, loads other .mpy files, or is too small."""
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
            firmware=target.firmware,
        )
    if info.fs_total < needed + target.reserve:
        raise FlashError(
            "device.fs_small",
            INVALID,
            total=info.fs_total // 1024,
            need=(needed + target.reserve) // 1024,
        )


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
        entries = self.image.entries
        paths = [e.path for e in entries]
        if MAIN not in paths:
            raise FlashError("deploy.no_main", INVALID, image=self.image.directory)
        needed = footprint(paths, (e.size for e in entries), self.image.board)
        dirs = directories(paths)
        total = len(entries)
        if self.dry_run:
            self._say("deploy.dry_run")
        self._say(
            "deploy.start",
            board=self.image.board.title,
            files=total,
            kib=sum(e.size for e in entries) // 1024,
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
            check_device(self.image.board, info, needed)
        self._say("deploy.step_dirs", dirs=", ".join(dirs))
        self._show(self.device.make_dirs_command(dirs))
        if not self.dry_run:
            self.device.make_dirs(dirs)
        width = len(str(total))
        for number, entry in enumerate(entries, 1):
            counter = f"[{number:>{width}}/{total}]"
            self._file(counter, entry)
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
            self._say("deploy.done", files=total, retried=len(self.report.retried))
        return self.report

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
