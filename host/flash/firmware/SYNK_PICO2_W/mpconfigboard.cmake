# synk's station firmware for the Raspberry Pi Pico 2 W (hw/README.md, "Firmware"):
# MicroPython's RPI_PICO2_W with a 256 KiB ROMFS partition just below the file
# system, which the station's code runs from.
# Copy this folder to ports/rp2/boards/SYNK_PICO2_W, copy pins.csv from
# ports/rp2/boards/RPI_PICO2_W beside this file, and run
#   make -C ports/rp2 BOARD=SYNK_PICO2_W
include(${MICROPY_PORT_DIR}/boards/RPI_PICO2_W/mpconfigboard.cmake)
set(MICROPY_FROZEN_MANIFEST ${MICROPY_PORT_DIR}/boards/RPI_PICO2_W/manifest.py)

# MicroPython after 1.29-preview takes the size from CMake (and keeps the firmware
# out of it in the linker script); 1.25 to 1.29-preview read it from mpconfigboard.h.
set(MICROPY_HW_ROMFS_BYTES 262144)
