"""The station's flash in the emulator: a real directory whose power can be cut at a chosen byte.

``FlakyFiles`` is firmware.storage.OsFiles with a power budget, like the RAM
double of the firmware tests: every byte written, every rename and remove
costs one unit; when it runs out mid-operation the bytes written so far stay
on disk (a torn write) and ``PowerLost`` is raised. A new DirStorage on the
same directory is what the station finds when power returns.

The flash holds the station's bearer credential (``station.json``) and the
bundle's code verifiers, so on the laptop every file of it is created 0600
in a 0700 folder (``host.secret_files``), as a real board's flash is out of
other users' reach.
"""

from __future__ import annotations

from pathlib import Path

from firmware.storage import OsFiles
from host.secret_files import private_folder, secret_file


class PowerLost(Exception):
    """The emulated station lost power in the middle of a flash operation."""


class FlakyFiles(OsFiles):
    def __init__(self) -> None:
        self.budget = -1  # -1: power never fails
        self.spent = 0

    def cut_after(self, units: int) -> None:
        self.budget = units
        self.spent = 0

    def restore_power(self) -> None:
        self.budget = -1

    @property
    def cut(self) -> bool:
        return self.budget >= 0 and self.spent >= self.budget

    def _spend(self, units: int) -> int:
        """How many of `units` fit in the budget (all when power never fails)."""
        if self.budget < 0:
            return units
        allowed = min(units, self.budget - self.spent)
        self.spent += allowed
        return allowed

    def write(self, path: str, data: bytes, append: bool = False) -> None:
        if self._spend(1) < 1:
            raise PowerLost(path)
        kept = self._spend(len(data))
        with secret_file(Path(path), "append" if append else "truncate") as handle:
            handle.write(data[:kept])
        if kept < len(data):
            raise PowerLost(path)

    def mkdir(self, path: str) -> None:
        private_folder(Path(path), own=True)

    def rename(self, src: str, dst: str) -> None:
        if self._spend(1) < 1:
            raise PowerLost(src)
        super().rename(src, dst)

    def remove(self, path: str) -> None:
        if self._spend(1) < 1:
            raise PowerLost(path)
        super().remove(path)
