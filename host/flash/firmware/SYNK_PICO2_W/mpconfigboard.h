// synk's station firmware: RPI_PICO2_W's board header, with a ROMFS partition.
#include "../RPI_PICO2_W/mpconfigboard.h"

// 256 KiB below the file system (ports/rp2/rp2_flash.c: MICROPY_HW_ROMFS_BASE =
// MICROPY_HW_FLASH_STORAGE_BASE - MICROPY_HW_ROMFS_BYTES); with it, MICROPY_VFS_ROM
// is on (ports/rp2/mpconfigport.h) and MicroPython mounts it at /rom.
#ifndef MICROPY_HW_ROMFS_BYTES
#define MICROPY_HW_ROMFS_BYTES (256 * 1024)
#endif
