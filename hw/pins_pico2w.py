"""Pin map of the reference station on a Raspberry Pi Pico 2 W (RP2350 + CYW43439 Wi-Fi).

GP numbers. Kept clear of (``RESERVED``) the pins the Wi-Fi chip uses: GP23
(WL_ON), GP24 (SPI data / IRQ), GP25 (SPI CS), GP29 (SPI clock, shared with
the VSYS/3 ADC). The console is USB, so both UARTs are ours: UART0 on GP0/GP1
for the key port, UART1 on GP4/GP5 for the PN532; I2C0 on GP8/GP9 for the
OLED, the DS3231 and (wired for I2C) the PN532. See hw/README.md.
"""

BOARD = "Raspberry Pi Pico 2 W"

PINS = {
    # contact key port: UART0 (TX GP0, RX GP1), contact-detect switch to GND
    "key_uart_id": 0,
    "key_tx": 0,
    "key_rx": 1,
    "key_detect": 2,
    # PN532 on HSU: UART1 (TX GP4, RX GP5)
    "nfc_uart_id": 1,
    "nfc_tx": 4,
    "nfc_rx": 5,
    "nfc_reset": 3,
    "nfc_irq": 6,
    # I2C0 (SDA GP8, SCL GP9)
    "i2c_id": 0,
    "i2c_sda": 8,
    "i2c_scl": 9,
    "i2c_freq": 400000,
    # 3x4 keypad
    "keypad_rows": (10, 11, 12, 13),
    "keypad_cols": (14, 15, 16),
    # LEDs and a passive piezo (GP20: PWM slice 2, channel A)
    "led_green": 18,
    "led_red": 19,
    "buzzer": 20,
}

RESERVED = {
    23: "CYW43439 WL_ON",
    24: "CYW43439 SPI data / IRQ",
    25: "CYW43439 SPI CS",
    29: "CYW43439 SPI clock / VSYS ADC",
}

# GPIOs brought out on the Pico 2 W's edge (GP0-GP22, GP26-GP28)
VALID = tuple(range(0, 23)) + tuple(range(26, 29))

# Which UART and I2C block each pin can serve (RP2350 datasheet, GPIO function table;
# the same as the RP2040 for these functions)
UART_TX = {0: (0, 12, 16, 28), 1: (4, 8, 20, 24)}
UART_RX = {0: (1, 13, 17, 29), 1: (5, 9, 21, 25)}
I2C_SDA = {0: (0, 4, 8, 12, 16, 20, 28), 1: (2, 6, 10, 14, 18, 22, 26)}
I2C_SCL = {0: (1, 5, 9, 13, 17, 21, 29), 1: (3, 7, 11, 15, 19, 23, 27)}
