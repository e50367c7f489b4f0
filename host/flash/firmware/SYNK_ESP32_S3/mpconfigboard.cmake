# synk's station firmware for the ESP32-S3-DevKitC-1 N8R8 (hw/README.md, "Firmware"):
# MicroPython's ESP32_GENERIC_S3 with its SPIRAM_OCT variant (octal PSRAM: the
# module's 8 MiB become heap) and a ROMFS partition the station's code runs from.
# Copy this folder to ports/esp32/boards/SYNK_ESP32_S3 and run
#   make -C ports/esp32 BOARD=SYNK_ESP32_S3
include(boards/mpconfigboard_esp32s3_common.cmake)

list(APPEND SDKCONFIG_DEFAULTS
    boards/sdkconfig.flash_qio_80m
    boards/sdkconfig.csi
    # as boards/ESP32_GENERIC_S3/mpconfigvariant_SPIRAM_OCT.cmake
    boards/sdkconfig.240mhz
    boards/sdkconfig.spiram_oct
    # the partition table with the romfs partition
    boards/SYNK_ESP32_S3/sdkconfig.board
)

list(APPEND MICROPY_DEF_BOARD
    MICROPY_HW_BOARD_NAME="Generic ESP32S3 module with Octal-SPIRAM"
)
