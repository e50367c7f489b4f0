"""hw.board_setup.make_board: the real board built from a pin map, on a dummy ``machine`` module.

Portable (runs on the MicroPython unix port too, whose ``machine`` has no Pin,
I2C or UART): tests/hw/dummies.py's DummyMachine stands in for the board
port's module, so the drivers are built exactly as on a board, from the real
pin maps (hw/pins_esp32s3.py, hw/pins_pico2w.py). The parts sit where
hw/README.md wires them: the SSD1306 at I2C address 0x3C, the DS3231 at 0x68,
the PN532 at 0x24 (I2C mode, UM0701-02 §6.2.4) or on its own UART.
"""

from hw import pins_esp32s3, pins_pico2w
from hw.board_setup import make_board
from hw.display import TextDisplay
from hw.ds3231 import DS3231
from hw.key_port import KeyPort
from hw.keypad import MatrixKeypad
from hw.network import Wifi
from tests.hw.dummies import (
    DummyMachine,
    DummyNetwork,
    DummyWLAN,
    remove_tree,
    temp_folder,
    with_modules,
)

NOW = 1795000000  # 2026-11-18, tests/firmware/fixtures' EPOCH
OLED = 0x3C
RTC = 0x68
_OSF = 0x80  # DS3231 status register 0x0F bit 7: the oscillator stopped


def _machine(pins, display=True, rtc=True, flat_battery=False):
    machine = DummyMachine(keypad=(pins["keypad_rows"], pins["keypad_cols"]))
    bus = machine.I2C(pins["i2c_id"])
    if display:
        bus.add_device(OLED)
    if rtc:
        bus.add_device(RTC, 0x13)
        DS3231(bus).set(NOW)
        if flat_battery:
            bus.devices[RTC][0x0F] |= _OSF
    return machine


def _build(machine, pins, config):
    root = temp_folder()
    config = dict(config, storage_root=root + "/synk")
    try:
        board = with_modules({"machine": machine}, make_board, pins, config)
        board.storage.write("probe.bin", b"on flash")
        return board, root
    except BaseException:
        remove_tree(root)
        raise


def test_every_part_answering_makes_a_board_without_faults():
    for pins in (pins_esp32s3.PINS, pins_pico2w.PINS):
        machine = _machine(pins)
        wlan = DummyWLAN(polls_needed=0)
        config = {"nfc": "none", "wifi_ssid": "Hemtjanst", "wifi_password": "hemligt", "name": "s7"}
        board, root = _build(machine, pins, config)
        try:
            assert board.faults == [] and board.name == "s7"
            assert board.missing() == ["nfc"]
            # the key port: its UART at 115200 8N1 that never waits, the detect pin pulled up
            assert isinstance(board.key_port, KeyPort)
            uart = machine.uarts[pins["key_uart_id"]]
            assert uart.inits[0]["baudrate"] == 115200 and uart.inits[0]["timeout"] == 0
            assert not board.key_port.present()
            machine.pins[pins["key_detect"]].level = 0  # a key closes the switch to ground
            assert board.key_port.present()
            uart.feed(b"\x00hello")
            assert board.key_port.read(64) == b"\x00hello"
            # the keypad on its rows and columns
            assert isinstance(board.keypad, MatrixKeypad)
            machine.matrix.press("5")
            assert board.keypad.scan() == "5"
            machine.matrix.release()
            assert board.keypad.scan() is None
            # the display draws on the SSD1306 at 0x3C
            assert isinstance(board.display, TextDisplay)
            bus = machine.i2c[pins["i2c_id"]]
            before = len(bus.writes)
            board.display.show("Sätt i nyckeln", "Insert your key")
            assert len(bus.writes) > before and {a for a, _ in bus.writes[before:]} == {OLED}
            # the LEDs and the buzzer
            green = machine.pins[pins["led_green"]]
            red = machine.pins[pins["led_red"]]
            assert (green.level, red.level) == (0, 0)
            board.indicator.busy()
            assert (green.level, red.level) == (1, 1)
            assert machine.pwms[0].pin is machine.pins[pins["buzzer"]]
            # the RTC keeps UTC; storage is a folder on the flash
            assert board.clock.now() == NOW
            assert board.storage.read("probe.bin") == b"on flash"
            # Wi-Fi joins the configured network, through the port's network.WLAN(STA_IF)
            assert isinstance(board.network, Wifi)
            network = DummyNetwork(wlan)
            assert with_modules({"network": network}, board.network.connect, 1000)
            assert wlan.joined == ("Hemtjanst", "hemligt")
            assert network.interfaces == [DummyNetwork.STA_IF]
        finally:
            remove_tree(root)


def test_without_wifi_settings_the_board_has_no_network():
    pins = pins_esp32s3.PINS
    board, root = _build(_machine(pins), pins, {"nfc": "none"})
    try:
        assert board.network is None
        assert board.missing() == ["nfc", "network"]
    finally:
        remove_tree(root)


def test_parts_that_do_not_answer_are_faults_and_the_board_still_starts():
    pins = pins_esp32s3.PINS
    # nothing on the I2C bus, a PN532 UART that stays silent
    machine = _machine(pins, display=False, rtc=False)
    board, root = _build(machine, pins, {"nfc": "uart"})
    try:
        names = [fault.split(":")[0] for fault in board.faults]
        assert names == ["nfc", "display", "clock"], board.faults
        assert board.nfc is None
        # the PN532 was reset and spoken to on its own UART
        assert machine.uarts[pins["nfc_uart_id"]].sent
        # held high from set-up, then the reset pulse (low, high) before the first command
        assert machine.pins[pins["nfc_reset"]].history[:3] == [1, 0, 1]
        # the display that did not answer still keeps its text for the self-test and console
        board.display.show("Sätt i nyckeln", "Insert your key")
        assert board.display.swedish == "Sätt i nyckeln"
        assert board.key_port is not None and board.keypad is not None
        # a clock that did not answer: the port's counter, not set until told the time
        assert not isinstance(board.clock, DS3231) and not board.clock.is_set
        board.clock.set(NOW)
        assert board.clock.is_set and NOW <= board.clock.now() <= NOW + 5
    finally:
        remove_tree(root)


def test_a_pn532_on_i2c_that_does_not_answer_is_a_fault():
    pins = pins_pico2w.PINS
    board, root = _build(_machine(pins), pins, {"nfc": "i2c"})  # nothing at 0x24
    try:
        assert board.nfc is None
        assert [fault.split(":")[0] for fault in board.faults] == ["nfc"], board.faults
    finally:
        remove_tree(root)


def test_a_clock_that_lost_power_is_a_fault():
    pins = pins_esp32s3.PINS
    board, root = _build(_machine(pins, flat_battery=True), pins, {"nfc": "none"})
    try:
        assert board.faults == [
            "clock: the RTC lost its time (OSF set); waiting for the back office"
        ]
    finally:
        remove_tree(root)
