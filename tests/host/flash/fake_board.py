"""A fake board at the device boundary: takes mpremote command lines, answers as a board would.

``FakeBoard`` is a ``host.flash.mpremote.Runner``: it records every command
line and keeps a file system in a dict. It reads the commands the way
mpremote and MicroPython would (``connect PORT [resume]``, then ``exec
SCRIPT``, ``fs cp -f LOCAL :PATH`` or ``reset``); for ``exec`` it takes the
script's first line (its one literal argument) and answers with the script's
``synk-…`` line, computed from its own files. Faults a board or a cable can
have are switches: ``corrupt`` (a copy arrives with a flipped byte), ``error``
(mpremote fails with this text before reaching the board).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from host.flash.mpremote import DEFAULT_COMMAND, Result

ESP32S3 = {"platform": "esp32", "machine": "Generic ESP32S3 module with ESP32S3"}
PICO2W = {"platform": "rp2", "machine": "Raspberry Pi Pico 2 W with RP2350"}
# sys.implementation._mpy of MicroPython 1.24+: version 6, sub-version 3, native arch
MPY_ESP32S3 = 6 | 3 << 8 | 10 << 10
MPY_PICO2W = 6 | 3 << 8 | 7 << 10


def _traceback(error: str) -> Result:
    return Result(1, f"Traceback (most recent call last):\r\n{error}\r\n", "")


class FakeBoard:
    def __init__(
        self,
        platform: str = "esp32",
        machine: str = ESP32S3["machine"],
        mpy: int = MPY_ESP32S3,
        fs_total: int = 0x600000,  # ESP32_GENERIC_S3 on 8 MiB (host.flash.boards)
    ) -> None:
        self.platform = platform
        self.machine = machine
        self.mpy = mpy
        self.fs_total = fs_total
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = {"/"}
        self.commands: list[list[str]] = []
        self.corrupt: dict[str, int] = {}  # path -> how many more copies arrive damaged
        self.error: str | None = None
        self.resets = 0

    # -- the runner --------------------------------------------------------------------------

    def __call__(self, args: Sequence[str], timeout: float) -> Result:
        self.commands.append(list(args))
        if self.error is not None:
            return Result(1, "", self.error)
        rest = list(args)
        assert tuple(rest[: len(DEFAULT_COMMAND)]) == DEFAULT_COMMAND
        rest = rest[len(DEFAULT_COMMAND) :]
        assert rest[0] == "connect", rest
        rest = rest[2:]
        if rest and rest[0] == "resume":
            rest = rest[1:]
        if rest[0] == "exec":
            return self._exec(rest[1])
        if rest[:3] == ["fs", "cp", "-f"]:
            return self._copy(rest[3], rest[4])
        if rest == ["reset"]:
            self.resets += 1
            return Result(0, "", "")
        return Result(1, "", f"mpremote: '{rest[0]}' is not a command")

    # -- what the board does -----------------------------------------------------------------

    def _used(self) -> int:
        return sum(len(data) for data in self.files.values())

    def _exec(self, script: str) -> Result:
        first = script.split("\n", 1)[0]
        if "synk-probe" in script:
            free = self.fs_total - self._used()
            line = f"synk-probe {self.platform} {self.mpy} {self.fs_total} {free} {self.machine}"
            return Result(0, line + "\r\n", "")
        argument = json.loads(first.split("=", 1)[1])
        if "synk-dirs" in script:
            for folder in argument:
                if str(PurePosixPath(folder).parent) not in self.dirs:
                    return _traceback(f"OSError: [Errno 2] ENOENT: {folder}")
                self.dirs.add(folder)
            return Result(0, f"synk-dirs {len(argument)}\r\n", "")
        if "synk-sha256" in script:
            data = self.files.get(argument)
            answer = "-" if data is None else hashlib.sha256(data).hexdigest()
            return Result(0, f"synk-sha256 {answer}\r\n", "")
        if "synk-clean" in script:
            out = []
            for folder, keep in argument.items():
                for path in sorted(self.files):
                    where = PurePosixPath(path)
                    if str(where.parent) == folder and where.name not in keep:
                        del self.files[path]
                        out.append(f"synk-removed {path}")
            return Result(0, "\r\n".join([*out, "synk-clean"]) + "\r\n", "")
        return _traceback("NameError: unexpected script")

    def _copy(self, local: str, remote: str) -> Result:
        assert remote.startswith(":")
        path = remote[1:]
        if str(PurePosixPath(path).parent) not in self.dirs:
            return Result(1, "", f"mpremote: cp: No such file or directory: {path}.")
        data = Path(local).read_bytes()
        if self.corrupt.get(path, 0) > 0:
            self.corrupt[path] -= 1
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        self.files[path] = data
        return Result(0, f"cp {local} {remote}\r\n", "")
