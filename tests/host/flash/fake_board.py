"""A fake board at the device boundary: takes mpremote command lines, answers as a board would.

``FakeBoard`` is a ``host.flash.mpremote.Runner``: it records every command
line and keeps a file system in a dict. It reads the commands the way
mpremote and MicroPython would (``connect PORT [resume]``, then ``exec
SCRIPT``, ``fs cp -f LOCAL :PATH`` or ``reset``); for ``exec`` it takes the
script's first line (its one literal argument) and answers with the script's
``synk-…`` line, computed from its own files. Faults a board or a cable can
have are switches: ``corrupt`` (a copy arrives with a flipped byte), ``error``
(mpremote fails with this text before reaching the board).

The ROM partition (``rom_bytes``; None: a firmware without ``vfs.rom_ioctl``)
takes ``romfs deploy IMAGE`` as mpremote 1.25+ writes it (the image checked for
the ROMFS header and the partition's size, the blocks it covers erased, then
written in 4096-byte chunks padded with zeros) and answers ``romfs query``.
``corrupt_rom`` flips a byte of the next writes. What the board would do at
start-up with it is ``rom_files`` (the ROMFS image parsed by the format of
MicroPython's extmod/vfs_rom.c, written here independently of mpremote's
writer) and ``find_module`` (a module looked up along a board's ``sys.path``:
"", "/lib", then "/rom", "/rom/lib" after the ROM partition is mounted;
extmod/vfs.c).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from host.flash.mpremote import DEFAULT_COMMAND, Result

ROMFS_HEADER = b"\xd2\xcd\x31"  # extmod/vfs_rom.c
ROM_KIND_PADDING, ROM_KIND_VERBATIM, ROM_KIND_POINTER, ROM_KIND_DIR, ROM_KIND_FILE = 1, 2, 3, 4, 5
SYS_PATH = ("", "/lib", "/rom", "/rom/lib")

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
        fs_total: int = 0x5C0000,  # our ESP32-S3 build on 8 MiB (host.flash.boards)
        rom_bytes: int | None = 256 * 1024,  # its ROM partition; None: no vfs.rom_ioctl
        heap_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.platform = platform
        self.machine = machine
        self.mpy = mpy
        self.fs_total = fs_total
        self.rom = None if rom_bytes is None else bytearray(b"\xff" * rom_bytes)
        self.heap_bytes = heap_bytes
        self.corrupt_rom = 0  # how many more ROM writes arrive damaged
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
        if rest[:2] == ["romfs", "deploy"]:
            return self._romfs_deploy(rest[2])
        if rest == ["romfs", "query"]:
            return self._romfs_query()
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
            rom = "synk-rom -1 0" if self.rom is None else f"synk-rom 1 {len(self.rom)}"
            heap = f"synk-heap {self.heap_bytes}"
            return Result(0, "\r\n".join([line, rom, heap]) + "\r\n", "")
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
        if "synk-hashes" in script:
            lines = []
            for path in argument:
                data = self.files.get(path)
                digest = "-" if data is None else hashlib.sha256(data).hexdigest()
                lines.append(f"synk-hash {digest} {path}")
            return Result(0, "\r\n".join([*lines, f"synk-hashes {len(argument)}"]) + "\r\n", "")
        if "synk-romfs" in script:
            if self.rom is None or argument > len(self.rom):
                return Result(0, "synk-romfs -\r\n", "")
            digest = hashlib.sha256(bytes(self.rom[:argument])).hexdigest()
            return Result(0, f"synk-romfs {digest}\r\n", "")
        if "synk-trees" in script:
            out = []
            for tree in argument:
                for path in sorted(self.files):
                    if path.startswith(tree + "/"):
                        del self.files[path]
                        out.append(f"synk-removed {path}")
                self.dirs = {d for d in self.dirs if d != tree and not d.startswith(tree + "/")}
            return Result(0, "\r\n".join([*out, "synk-trees"]) + "\r\n", "")
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

    # -- the ROM partition (mpremote romfs, MicroPython's ROMFS) ----------------------------

    def _romfs_deploy(self, local: str) -> Result:
        if self.rom is None:
            return Result(1, "", "mpremote: ROMFS is not enabled on this device")
        if not local.endswith((".img", ".romfs")):
            raise AssertionError(f"mpremote would build a ROMFS image of the folder {local}")
        image = Path(local).read_bytes()
        said = [f"Image size is {len(image)} bytes"]
        if not image.startswith(ROMFS_HEADER):
            return Result(1, "\n".join([*said, "Invalid ROMFS image"]) + "\n", "")
        if len(image) > len(self.rom):
            said.append("ROMFS image is too big for the target partition")
            return Result(1, "\n".join(said) + "\n", "")
        block = 4096
        covered = -(-len(image) // block) * block
        self.rom[:covered] = b"\xff" * covered  # erased, block by block
        padded = image + bytes(covered - len(image))
        if self.corrupt_rom > 0:
            self.corrupt_rom -= 1
            padded = padded[:100] + bytes([padded[100] ^ 0xFF]) + padded[101:]
        self.rom[:covered] = padded
        said.append("ROMFS image deployed")
        return Result(0, "\n".join(said) + "\n", "")

    def _romfs_query(self) -> Result:
        if self.rom is None:
            return Result(0, "ROMFS is not enabled on this device\n", "")
        size = len(self.rom)
        lines = [
            f"ROMFS0 partition has size {size} bytes ({size // 4096} blocks of 4096 bytes each)"
        ]
        if not self.rom.startswith(ROMFS_HEADER):
            lines.append("  Not a valid ROMFS")
        else:
            lines.append(f"  ROMFS image size: {_uint(bytes(self.rom), 3)[0]}")
        return Result(0, "\n".join(lines) + "\n", "")

    def rom_files(self) -> dict[str, bytes]:
        """The files of the ROMFS image in the ROM partition, by path under /rom; ValueError if
        the partition holds no valid image (MicroPython would not mount it)."""
        if self.rom is None or not self.rom.startswith(ROMFS_HEADER):
            raise ValueError("no ROMFS image")
        data = bytes(self.rom)
        size, at = _uint(data, 3)
        if at + size > len(data):
            raise ValueError("ROMFS image longer than the partition")
        files: dict[str, bytes] = {}
        _records(data, at, at + size, "/rom", files)
        return files

    def find_module(self, name: str) -> str | None:
        """Where ``import name`` finds the module on this board (its file, or a package's
        folder), along sys.path; None: ImportError."""
        try:
            rom = self.rom_files()
        except ValueError:
            rom = {}
        files = set(self.files) | set(rom)
        dirs = set(self.dirs) | {str(p) for f in rom for p in PurePosixPath(f).parents}
        parts = name.split(".")
        for entry in SYS_PATH:
            base = (entry or "") + "/" + "/".join(parts)
            base = base.replace("//", "/")
            for suffix in (".py", ".mpy"):
                if base + suffix in files:
                    return base + suffix
            if base in dirs:
                return base
        return None


def _uint(data: bytes, at: int) -> tuple[int, int]:
    """A ROMFS unsigned int (7 bits a byte, most significant first, 0x80 = more) at ``at``."""
    value = 0
    while True:
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at


def _records(data: bytes, at: int, end: int, folder: str, files: dict[str, bytes]) -> None:
    while at < end:
        kind, at = _uint(data, at)
        length, at = _uint(data, at)
        payload_end = at + length
        if payload_end > end:
            raise ValueError(f"ROMFS record past its folder at {at}")
        if kind in (ROM_KIND_DIR, ROM_KIND_FILE):
            name_len, name_at = _uint(data, at)
            name = data[name_at : name_at + name_len].decode("ascii")
            inner = name_at + name_len
            if kind == ROM_KIND_DIR:
                _records(data, inner, payload_end, f"{folder}/{name}", files)
            else:
                files[f"{folder}/{name}"] = _file_data(data, inner, payload_end)
        elif kind not in (ROM_KIND_PADDING, ROM_KIND_VERBATIM):
            raise ValueError(f"ROMFS record of unknown kind {kind}")
        at = payload_end


def _file_data(data: bytes, at: int, end: int) -> bytes:
    while at < end:
        kind, at = _uint(data, at)
        length, at = _uint(data, at)
        if kind == ROM_KIND_VERBATIM:
            return data[at : at + length]
        if kind == ROM_KIND_POINTER:
            offset, inner = _uint(data, at)
            size, _ = _uint(data, inner)
            return data[offset : offset + size]
        at += length
    raise ValueError("ROMFS file without data")
