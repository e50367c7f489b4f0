"""Pin map of the reference station on an Espressif ESP32-S3-DevKitC-1 (N8R8 or N16R8 module).

GPIO numbers. Kept clear of (``RESERVED``): the strapping pins 0, 3, 45, 46;
USB D-/D+ 19, 20; the module's SPI flash 26-32 and octal PSRAM 33-37; UART0 on
43/44 (the USB-UART bridge and REPL); the board's RGB LED (48 on v1.0, 38 on
v1.1). UART0 stays the console; UART1 serves the PN532, UART2 the key port.
One I2C bus carries the OLED (0x3C), the DS3231 (0x68) and, when wired for
I2C, the PN532 (0x24). See hw/README.md for the wiring table.
"""

BOARD = "ESP32-S3-DevKitC-1"

PINS = {
    # contact key port: UART2, 115200 8N1, contact-detect switch to GND
    "key_uart_id": 2,
    "key_tx": 4,
    "key_rx": 5,
    "key_detect": 6,
    # PN532 on HSU (its DIP switches SEL0 = SEL1 = 0): UART1
    "nfc_uart_id": 1,
    "nfc_tx": 17,  # to the PN532's RXD
    "nfc_rx": 18,  # from the PN532's TXD
    "nfc_reset": 16,  # RSTPDN, low = reset / power down
    "nfc_irq": 15,  # P70_IRQ, low when a response is ready (not needed, wired for later)
    # I2C0: SSD1306, DS3231 (and the PN532 when SEL0 = 1, SEL1 = 0)
    "i2c_id": 0,
    "i2c_sda": 8,
    "i2c_scl": 9,
    "i2c_freq": 400000,  # the fast mode all three chips support
    # 3x4 keypad: rows are outputs, columns inputs with pull-ups
    "keypad_rows": (10, 11, 12, 13),
    "keypad_cols": (14, 21, 47),
    # LEDs (through 330 ohm to GND) and a passive piezo on LEDC PWM
    "led_green": 1,
    "led_red": 2,
    "buzzer": 7,
}

RESERVED = {
    0: "strapping (boot mode)",
    3: "strapping (JTAG source)",
    19: "USB D-",
    20: "USB D+",
    26: "SPI flash",
    27: "SPI flash",
    28: "SPI flash",
    29: "SPI flash",
    30: "SPI flash",
    31: "SPI flash",
    32: "SPI flash",
    33: "octal PSRAM",
    34: "octal PSRAM",
    35: "octal PSRAM",
    36: "octal PSRAM",
    37: "octal PSRAM",
    38: "RGB LED (DevKitC-1 v1.1)",
    43: "UART0 TX (USB-UART bridge, REPL)",
    44: "UART0 RX (USB-UART bridge, REPL)",
    45: "strapping (VDD_SPI voltage)",
    46: "strapping (boot mode, ROM messages)",
    48: "RGB LED (DevKitC-1 v1.0)",
}

# GPIOs that exist on the chip (0-21, 26-48)
VALID = tuple(range(0, 22)) + tuple(range(26, 49))
