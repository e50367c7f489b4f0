"""The emulator's front panel works with the firmware's real keypad, display and LED drivers."""

from __future__ import annotations

import pytest

from emulator.virtual_panel import KeypadMatrix, ScreenRecorder, VirtualBuzzer, VirtualPin
from hw.display import TextDisplay
from hw.indicator import Indicator
from hw.keypad import MatrixKeypad


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
