"""Build the real ``Board`` from a pin map and the station's configuration (MicroPython only).

::

    from hw import pins_esp32s3
    from hw.board_setup import make_board
    config = {"nfc": "uart", "wifi_ssid": "Hemtjanst", "wifi_password": "..."}
    board = make_board(pins_esp32s3.PINS, config)

``config`` keys (all optional): ``nfc`` "uart" (default), "i2c" or "none";
``wifi_ssid`` and ``wifi_password`` (no uplink without them); ``storage_root``
(default "/flash/synk"); ``display_address`` (default 0x3C).

A part that does not answer at start-up (no OLED on the bus, a PN532 that does
not wake, no RTC) is noted in ``board.faults`` and replaced by nothing (NFC), by
a display that only remembers its text, or by a clock on the port's own
counter that counts as not set until the back office gives the time
(firmware.clock.OffsetClock), so the station still serves contact keys and
the self-test can say what is wrong. Nothing here runs under CPython.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

    from hw.board import ClockPart

from hw.board import Board
from hw.display import TextDisplay
from hw.ds3231 import DS3231
from hw.indicator import Indicator
from hw.key_port import DEFAULT_BAUD, KeyPort
from hw.keypad import MatrixKeypad
from hw.network import Wifi
from hw.nfc_reader import NfcKeyReader
from hw.pn532 import PN532_I2C, PN532_UART, PN532Error

STORAGE_ROOT = "/flash/synk"


class _NoPanel:
    """Stands in for a display that did not answer: TextDisplay still keeps the lines."""

    def show_lines(self, lines: "list[str]") -> None:
        pass


def storage_at(root: str) -> "Any":
    import os

    from firmware.storage import DirStorage

    # littlefs on ESP32 and RP2 is mounted at "/", so "/flash" may not exist yet
    parent = root.rsplit("/", 1)[0]
    if parent:
        try:
            os.mkdir(parent)
        except OSError:
            pass  # there already
    return DirStorage(root)


def _unset_clock() -> "ClockPart":
    import time

    from firmware.clock import OffsetClock

    return OffsetClock(time.time)


def make_board(pins: "dict[str, Any]", config: "dict[str, Any] | None" = None) -> Board:
    import machine
    from machine import I2C, UART

    # The type check runs against the unix port's stubs, whose Pin and PWM lack the
    # constructors and constants of the board ports.
    Pin: "Any" = machine.Pin
    PWM: "Any" = machine.PWM

    config = config or {}
    faults: "list[str]" = []
    i2c = I2C(
        pins["i2c_id"], scl=Pin(pins["i2c_scl"]), sda=Pin(pins["i2c_sda"]), freq=pins["i2c_freq"]
    )

    key_uart = UART(
        pins["key_uart_id"],
        baudrate=DEFAULT_BAUD,
        bits=8,
        parity=None,
        stop=1,
        tx=Pin(pins["key_tx"]),
        rx=Pin(pins["key_rx"]),
        timeout=0,  # read() never waits: the firmware polls
        rxbuf=1024,  # a whole frame (528 bytes + delimiter, SPEC §2) fits
    )
    key_port = KeyPort(key_uart, Pin(pins["key_detect"], Pin.IN, Pin.PULL_UP))

    nfc = None
    mode = config.get("nfc", "uart")
    if mode != "none":
        reset = Pin(pins["nfc_reset"], Pin.OUT, value=1)
        if mode == "i2c":
            chip: "Any" = PN532_I2C(i2c, reset_pin=reset)
        else:
            nfc_uart = UART(
                pins["nfc_uart_id"],
                baudrate=115200,  # the PN532's HSU rate after reset
                tx=Pin(pins["nfc_tx"]),
                rx=Pin(pins["nfc_rx"]),
                timeout=0,
                rxbuf=512,  # an extended frame is at most 275 bytes
            )
            chip = PN532_UART(nfc_uart, reset_pin=reset)
        nfc = NfcKeyReader(chip)
        try:
            nfc.begin()
        except (PN532Error, OSError) as exc:  # OSError: no PN532 acknowledges on the I2C bus
            faults.append("nfc: %s" % exc)
            nfc = None

    keypad = MatrixKeypad(
        [Pin(n, Pin.OUT, value=1) for n in pins["keypad_rows"]],
        [Pin(n, Pin.IN, Pin.PULL_UP) for n in pins["keypad_cols"]],
    )

    try:
        from hw.ssd1306 import SSD1306_I2C

        panel: "Any" = SSD1306_I2C(i2c, 128, 64, config.get("display_address", 0x3C))
    except OSError as exc:
        faults.append("display: %s" % exc)
        panel = _NoPanel()
    display = TextDisplay(panel)

    indicator = Indicator(
        Pin(pins["led_green"], Pin.OUT, value=0),
        Pin(pins["led_red"], Pin.OUT, value=0),
        PWM(Pin(pins["buzzer"]), freq=2000, duty_u16=0),
    )

    rtc = DS3231(i2c)
    clock: "ClockPart" = rtc
    try:
        if rtc.lost_power():
            faults.append("clock: the RTC lost its time (OSF set); waiting for the back office")
    except OSError as exc:
        # Every read of a clock that does not answer would raise: the station keeps time
        # from the port's own counter instead, not set until the back office tells it.
        faults.append("clock: %s" % exc)
        clock = _unset_clock()

    network = None
    if config.get("wifi_ssid"):
        network = Wifi(config["wifi_ssid"], config.get("wifi_password", ""))

    return Board(
        key_port,
        nfc,
        keypad,
        display,
        indicator,
        clock,
        storage_at(config.get("storage_root", STORAGE_ROOT)),
        network,
        config.get("name", "station"),
        faults,
    )
