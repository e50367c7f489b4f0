"""The emulator's front panel works with the firmware's real keypad, display and LED drivers."""

from __future__ import annotations

import pytest

from emulator.virtual_panel import (
    KeypadMatrix,
    OledPanel,
    ScreenRecorder,
    VirtualBuzzer,
    VirtualPin,
)
from hw import ssd1306
from hw.display import TextDisplay
from hw.indicator import Indicator
from hw.keypad import MatrixKeypad
from hw.ssd1306 import SSD1306_I2C


class FakeTicks:
    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> int:
        return self.ms


def _typed(matrix: KeypadMatrix, keypad: MatrixKeypad, ticks: FakeTicks, ms: int) -> str:
    typed = ""
    for _ in range(ms // 5):
        ticks.ms += 5
        key = keypad.read_key()
        if key is not None:
            typed += key
    return typed


def test_the_real_keypad_driver_reads_each_press_once() -> None:
    ticks = FakeTicks()
    matrix = KeypadMatrix(ticks)
    keypad = MatrixKeypad(matrix.rows, matrix.cols, ticks=ticks)
    matrix.press("246810#")
    assert _typed(matrix, keypad, ticks, 2000) == "246810#"
    assert matrix.idle


def test_repeated_keys_are_separate_presses() -> None:
    ticks = FakeTicks()
    matrix = KeypadMatrix(ticks)
    keypad = MatrixKeypad(matrix.rows, matrix.cols, ticks=ticks)
    matrix.press("111*")
    assert _typed(matrix, keypad, ticks, 2000) == "111*"


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="no key"):
        KeypadMatrix(FakeTicks()).press("12a")


def test_display_driver_draws_bilingual_text() -> None:
    screen = ScreenRecorder()
    display = TextDisplay(screen)
    display.show("Sätt i nyckeln", "Insert your key")
    assert screen.lines == ["Sätt i nyckeln", "", "Insert your key"]
    assert screen.changed.is_set()
    assert list(screen.history)[-1] == screen.lines


def test_indicator_lights_and_beeps() -> None:
    green, red, buzzer = VirtualPin(), VirtualPin(), VirtualBuzzer()
    indicator = Indicator(green, red, buzzer, sleep=lambda ms: None)
    indicator.ok()
    assert (green.value(), red.value()) == (1, 0)
    assert list(buzzer.played) == [2000]
    indicator.error()
    assert (green.value(), red.value()) == (0, 1)
    assert list(buzzer.played)[-2:] == [400, 400]
    indicator.busy()
    assert (green.value(), red.value()) == (1, 1)
    indicator.off()
    assert (green.value(), red.value()) == (0, 0)


# -- the OLED: the SSD1306 driver's bytes over I2C into the emulated controller's RAM ----------


def _oled() -> tuple[OledPanel, SSD1306_I2C]:
    panel = OledPanel()
    return panel, SSD1306_I2C(panel)


def test_the_panels_ram_is_the_drivers_frame_buffer() -> None:
    panel, oled = _oled()
    ScreenRecorder(oled=oled).show_lines(["Sätt i nyckeln", "", "Insert your key"])
    version, picture = panel.picture()
    assert panel.on and version > 0
    assert picture == bytes(oled.buffer)
    assert sum(bin(b).count("1") for b in picture) > 100


def test_a_window_write_wraps_inside_its_columns_and_pages() -> None:
    panel, oled = _oled()
    # columns 2..3, pages 1..2: four bytes fill the window in rows of two
    for cmd in (ssd1306.SET_COL_ADDR, 2, 3, ssd1306.SET_PAGE_ADDR, 1, 2):
        oled.write_cmd(cmd)
    oled.write_data(bytes([1, 2, 3, 4, 5]))  # the fifth wraps to the window's start
    ram = panel.ram
    assert (ram[128 + 2], ram[128 + 3], ram[256 + 2], ram[256 + 3]) == (5, 2, 3, 4)
    assert sum(ram) == 5 + 2 + 3 + 4


def test_a_panel_switched_off_or_mounted_otherwise_shows_what_a_person_would_see() -> None:
    panel, oled = _oled()
    oled.pixel(0, 0, 1)
    oled.show()
    assert panel.picture()[1][0] == 0x01
    oled.write_cmd(ssd1306.SET_SEG_REMAP)  # no remap: the picture is mirrored left to right
    assert panel.picture()[1][127] == 0x01
    oled.write_cmd(ssd1306.SET_SEG_REMAP | 1)
    oled.write_cmd(ssd1306.SET_COM_OUT_DIR)  # normal COM scan: upside down
    assert panel.picture()[1][7 * 128] == 0x80
    oled.write_cmd(ssd1306.SET_COM_OUT_DIR | 0x08)
    oled.invert(True)
    assert panel.picture()[1][0] == 0xFE
    oled.poweroff()
    assert panel.picture()[1] == bytes(1024)


def test_a_write_to_another_address_is_not_acknowledged() -> None:
    panel = OledPanel()
    with pytest.raises(OSError):
        panel.writeto(0x3D, b"\x80\xaf")
