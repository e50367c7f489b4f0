// synk's station firmware: ESP32_GENERIC_S3's board header, with ROMFS on.
#ifndef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME               "Generic ESP32S3 module"
#endif
#define MICROPY_HW_MCU_NAME                 "ESP32-S3"

#define MICROPY_HW_ENABLE_UART_REPL         (1)

#define MICROPY_HW_I2C0_SCL                 (9)
#define MICROPY_HW_I2C0_SDA                 (8)

// vfs.rom_ioctl over the partition labelled "romfs" (ports/esp32/esp32_partition.c);
// MicroPython mounts it at /rom at start-up and puts /rom on sys.path.
#define MICROPY_VFS_ROM                     (1)
