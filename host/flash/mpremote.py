"""mpremote, MicroPython's remote-control tool, as subprocess calls: the device boundary.

``Mpremote`` builds one mpremote command line per device step and hands it to
a ``Runner`` (``run_subprocess`` by default; tests pass a fake board that
records the commands and answers as a board would). Every command starts with
``connect <port>`` (``auto``: the first USB serial device); the first one (the
probe) lets mpremote interrupt the running program and soft-reset the board,
the later ones ``resume`` that session without another reset.

Steps and what the board runs for them (small MicroPython scripts through
``exec``; each prints one ``synk-…`` line the answer is read from):

- ``probe``: ``sys.platform``, ``sys.implementation._mpy`` (the .mpy version
  it loads), ``sys.implementation._machine`` and the size and free space of the
  file system at "/" (``os.statvfs``); the ROM partitions
  (``vfs.rom_ioctl(1)``, -1 when the firmware has no ``vfs.rom_ioctl``) and the
  size of the first (``len(memoryview(vfs.rom_ioctl(2, 0)))``, as ``mpremote
  romfs query`` reads it); the heap (``gc.mem_free() + gc.mem_alloc()``);
- ``make_dirs``: ``os.mkdir`` for each directory, an existing one is fine;
- ``copy``: ``fs cp -f LOCAL :PATH`` (mpremote's own copy);
- ``romfs_deploy``: ``romfs deploy LOCAL.romfs`` (mpremote 1.25 and later: the
  image written to ROM partition 0, which it unmounts first);
- ``romfs_sha256``: the first N bytes of ROM partition 0 read back on the
  board through ``hashlib.sha256``;
- ``remove_trees``: folders of the file system removed with all they hold
  (code of a folder-form image, which would shadow /rom: "" is before /rom on
  ``sys.path``);
- ``sha256``: the file read back on the board through ``hashlib.sha256``;
- ``hashes``: the same for many files in one call (what is on the board before
  a deploy, so files it already holds are not copied again), "-" for a file
  that is not there;
- ``clean``: files in the image's code folders that the image does not hold
  (an old ``.py`` would shadow the new ``.mpy``), removed;
- ``reset``: mpremote's ``reset`` (``machine.reset()``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from host.flash.errors import NOT_FOUND, FlashError

DEFAULT_COMMAND = (sys.executable, "-m", "mpremote")
AUTO = "auto"
TIMEOUT = 60.0
COPY_TIMEOUT = 180.0


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


Runner = Callable[[Sequence[str], float], Result]


def run_subprocess(args: Sequence[str], timeout: float) -> Result:
    """Run one mpremote command line and collect what it printed."""
    try:
        done = subprocess.run(
            list(args), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise FlashError("device.timeout", seconds=int(timeout)) from None
    except OSError:
        raise FlashError("mpremote.missing", command=args[0]) from None
    return Result(done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class DeviceInfo:
    """What the probe found on the board."""

    platform: str
    mpy: int  # sys.implementation._mpy: version in the low byte, native arch above
    fs_total: int
    fs_free: int
    machine: str
    rom_partitions: int = -1  # vfs.rom_ioctl(1); -1: the firmware has no vfs.rom_ioctl
    rom_bytes: int = 0  # ROM partition 0's size
    heap_bytes: int = 0  # the GC heap, free and used, at the probe

    @property
    def mpy_version(self) -> int:
        return self.mpy & 0xFF


# -- the scripts the board runs; each starts with its one literal argument ---------------------

PROBE_SCRIPT = (
    "import os,sys\n"
    's=os.statvfs("/")\n'
    "i=sys.implementation\n"
    'print("synk-probe",sys.platform,getattr(i,"_mpy",0),s[0]*s[2],s[0]*s[3],'
    'getattr(i,"_machine","?"))\n'
    "try:\n"
    " import vfs\n"
    " r=vfs.rom_ioctl\n"
    "except (ImportError,AttributeError):\n"
    ' print("synk-rom",-1,0)\n'
    "else:\n"
    " n=r(1)\n"
    ' print("synk-rom",n,len(memoryview(r(2,0))) if n>0 else 0)\n'
    "import gc\n"
    "gc.collect()\n"
    'print("synk-heap",gc.mem_free()+gc.mem_alloc())\n'
)

MKDIR_SCRIPT = (
    "d={dirs}\n"
    "import os\n"
    "for p in d:\n"
    " try:os.mkdir(p)\n"
    " except OSError:os.stat(p)\n"
    'print("synk-dirs",len(d))\n'
)

SHA256_SCRIPT = (
    "p={path}\n"
    "import hashlib,binascii\n"
    "h=hashlib.sha256()\n"
    "try:\n"
    ' with open(p,"rb") as f:\n'
    "  while 1:\n"
    "   b=f.read(1024)\n"
    "   if not b:break\n"
    "   h.update(b)\n"
    ' print("synk-sha256",binascii.hexlify(h.digest()).decode())\n'
    "except OSError:\n"
    ' print("synk-sha256","-")\n'
)

HASHES_SCRIPT = (
    "t={paths}\n"
    "import hashlib,binascii\n"
    "for p in t:\n"
    " h=hashlib.sha256()\n"
    " try:\n"
    '  with open(p,"rb") as f:\n'
    "   while 1:\n"
    "    b=f.read(1024)\n"
    "    if not b:break\n"
    "    h.update(b)\n"
    "  d=binascii.hexlify(h.digest()).decode()\n"
    " except OSError:\n"
    '  d="-"\n'
    ' print("synk-hash",d,p)\n'
    'print("synk-hashes",len(t))\n'
)

ROMFS_SHA256_SCRIPT = (
    "n={size}\n"
    "import vfs,hashlib,binascii\n"
    "h=hashlib.sha256()\n"
    "try:\n"
    " d=memoryview(vfs.rom_ioctl(2,0))\n"
    "except Exception:\n"
    ' print("synk-romfs","-")\n'
    "else:\n"
    " for i in range(0,min(n,len(d)),1024):h.update(d[i:min(i+1024,n)])\n"
    ' print("synk-romfs",binascii.hexlify(h.digest()).decode() if len(d)>=n else "-")\n'
)

REMOVE_TREES_SCRIPT = (
    "t={trees}\n"
    "import os\n"
    "def rm(p):\n"
    " try:s=os.stat(p)\n"
    " except OSError:return\n"
    " if s[0]&0x4000:\n"
    "  for n in os.listdir(p):rm(p+'/'+n)\n"
    "  os.rmdir(p)\n"
    " else:\n"
    "  os.remove(p)\n"
    '  print("synk-removed",p)\n'
    "for p in t:rm(p)\n"
    'print("synk-trees")\n'
)

CLEAN_SCRIPT = (
    "k={keep}\n"
    "import os\n"
    "for d in k:\n"
    " for n in os.listdir(d):\n"
    "  if n not in k[d]:\n"
    '   p=d+"/"+n\n'
    "   try:os.remove(p)\n"
    '   except OSError:print("synk-kept",p)\n'
    '   else:print("synk-removed",p)\n'
    'print("synk-clean")\n'
)


def literal(value: object) -> str:
    """``value`` (text, lists, dicts) as a literal both Pythons read, in double quotes."""
    return json.dumps(value)


def _answer(stdout: str, tag: str) -> list[str] | None:
    """The words after ``tag`` on the first line that starts with it."""
    for line in stdout.splitlines():
        words = line.strip().split(" ", 6)
        if words and words[0] == tag:
            return words[1:]
    return None


def _tagged(stdout: str, tag: str) -> list[str]:
    """What follows ``tag`` on every line that starts with it."""
    found = []
    for line in stdout.splitlines():
        first, _, rest = line.strip().partition(" ")
        if first == tag:
            found.append(rest)
    return found


def _port_path(port: str) -> str | None:
    """The device file behind ``port`` when it names one ("/dev/ttyACM0", "port:/dev/…")."""
    path = port.removeprefix("port:")
    return path if path.startswith("/") else None


class Mpremote:
    """mpremote commands for one board on ``port``, run through ``runner``."""

    def __init__(
        self,
        port: str = AUTO,
        runner: Runner = run_subprocess,
        command: Sequence[str] = DEFAULT_COMMAND,
        timeout: float = TIMEOUT,
    ) -> None:
        self.port = port
        self.runner = runner
        self.command = tuple(command)
        self.timeout = timeout

    # -- command lines ---------------------------------------------------------------------------

    def _line(self, *args: str, resume: bool = True) -> list[str]:
        return [*self.command, "connect", self.port, *(["resume"] if resume else []), *args]

    def probe_command(self) -> list[str]:
        return self._line("exec", PROBE_SCRIPT, resume=False)

    def make_dirs_command(self, dirs: Sequence[str]) -> list[str]:
        return self._line("exec", MKDIR_SCRIPT.format(dirs=literal(list(dirs))))

    def copy_command(self, local: str, path: str) -> list[str]:
        return self._line("fs", "cp", "-f", local, ":" + path)

    def sha256_command(self, path: str) -> list[str]:
        return self._line("exec", SHA256_SCRIPT.format(path=literal(path)))

    def hashes_command(self, paths: Sequence[str]) -> list[str]:
        return self._line("exec", HASHES_SCRIPT.format(paths=literal(list(paths))))

    def romfs_deploy_command(self, local: str) -> list[str]:
        return self._line("romfs", "deploy", local)

    def romfs_sha256_command(self, size: int) -> list[str]:
        return self._line("exec", ROMFS_SHA256_SCRIPT.format(size=literal(size)))

    def remove_trees_command(self, trees: Sequence[str]) -> list[str]:
        return self._line("exec", REMOVE_TREES_SCRIPT.format(trees=literal(list(trees))))

    def clean_command(self, keep: dict[str, tuple[str, ...]]) -> list[str]:
        return self._line("exec", CLEAN_SCRIPT.format(keep=literal(keep)))

    def reset_command(self) -> list[str]:
        return self._line("reset")

    # -- running them ----------------------------------------------------------------------------

    def check_port(self) -> None:
        """Refuse a port that names a device file that is not there."""
        path = _port_path(self.port)
        if path is not None and not os.path.exists(path):
            raise FlashError("port.missing", NOT_FOUND, port=self.port)

    def _run(self, args: list[str], timeout: float | None = None) -> str:
        result = self.runner(args, timeout or self.timeout)
        if result.returncode != 0:
            raise self._error(result)
        return result.stdout

    def _error(self, result: Result) -> FlashError:
        said = "\n".join(part.strip() for part in (result.stderr, result.stdout) if part.strip())
        if "failed to access" in said:
            path = _port_path(self.port)
            if path is not None and not os.path.exists(path):
                return FlashError("port.missing", NOT_FOUND, port=self.port)
            return FlashError("port.busy", port=self.port)
        if "no device found" in said:
            return FlashError("port.none", NOT_FOUND)
        if "could not enter raw repl" in said:
            return FlashError("device.no_repl", port=self.port)
        last = said.splitlines()[-3:] if said else [f"exit {result.returncode}"]
        return FlashError("device.failed", port=self.port, error=" | ".join(last))

    def _expect(self, stdout: str, tag: str) -> list[str]:
        words = _answer(stdout, tag)
        if words is None:
            raise FlashError("device.no_answer", port=self.port, step=tag)
        return words

    def probe(self) -> DeviceInfo:
        stdout = self._run(self.probe_command())
        words = self._expect(stdout, "synk-probe")
        rom = _answer(stdout, "synk-rom") or ["-1", "0"]
        heap = _answer(stdout, "synk-heap") or ["0"]
        try:
            platform, mpy, total, free = words[0], int(words[1]), int(words[2]), int(words[3])
            partitions, rom_bytes, heap_bytes = int(rom[0]), int(rom[1]), int(heap[0])
        except (IndexError, ValueError):
            raise FlashError("device.no_answer", port=self.port, step="synk-probe") from None
        machine = " ".join(words[4:]) or "?"
        return DeviceInfo(
            platform, mpy, total, free, machine, partitions, max(rom_bytes, 0), heap_bytes
        )

    def make_dirs(self, dirs: Sequence[str]) -> None:
        self._expect(self._run(self.make_dirs_command(dirs)), "synk-dirs")

    def copy(self, local: str, path: str) -> None:
        self._run(self.copy_command(local, path), COPY_TIMEOUT)

    def sha256(self, path: str) -> str | None:
        """The hex SHA-256 of the file at ``path`` on the board; None if it is not there."""
        words = self._expect(self._run(self.sha256_command(path)), "synk-sha256")
        return None if words == ["-"] else words[0]

    def hashes(self, paths: Sequence[str]) -> dict[str, str | None]:
        """The hex SHA-256 of each file of ``paths`` on the board (None: not there), in one
        call; a board that does not answer for every path is an error."""
        stdout = self._run(self.hashes_command(paths))
        count = self._expect(stdout, "synk-hashes")
        found: dict[str, str | None] = {}
        for rest in _tagged(stdout, "synk-hash"):
            digest, _, path = rest.partition(" ")
            found[path] = None if digest == "-" else digest
        if count != [str(len(paths))] or set(found) != set(paths):
            raise FlashError("device.no_answer", port=self.port, step="synk-hashes")
        return found

    def romfs_deploy(self, local: str) -> None:
        stdout = self._run(self.romfs_deploy_command(local), COPY_TIMEOUT)
        if "ROMFS image deployed" not in stdout:  # mpremote's last line when it wrote it all
            last = stdout.strip().splitlines()[-1:] or ["-"]
            raise FlashError("device.failed", port=self.port, error=last[0])

    def romfs_sha256(self, size: int) -> str | None:
        """The hex SHA-256 of the first ``size`` bytes of ROM partition 0; None: no such."""
        words = self._expect(self._run(self.romfs_sha256_command(size)), "synk-romfs")
        return None if words == ["-"] else words[0]

    def remove_trees(self, trees: Sequence[str]) -> list[str]:
        """Remove the folders ``trees`` with all they hold; returns the files removed."""
        stdout = self._run(self.remove_trees_command(trees))
        self._expect(stdout, "synk-trees")
        return _tagged(stdout, "synk-removed")

    def clean(self, keep: dict[str, tuple[str, ...]]) -> list[str]:
        """Remove the files of ``keep``'s folders not listed there; returns their paths."""
        stdout = self._run(self.clean_command(keep))
        self._expect(stdout, "synk-clean")
        return _tagged(stdout, "synk-removed")

    def reset(self) -> None:
        self._run(self.reset_command())
