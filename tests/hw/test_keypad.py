"""hw.keypad: the 3×4 matrix scan and its debounce (one key per press), on DummyKeyMatrix."""

from hw.keypad import KEYS, MatrixKeypad
from tests.hw.dummies import DummyKeyMatrix, DummyPin, FakeClock, raises


def _keypad(debounce_ms=20):
    matrix = DummyKeyMatrix()
    clock = FakeClock(1000)
    keypad = MatrixKeypad(matrix.rows, matrix.cols, debounce_ms=debounce_ms, ticks=clock.ticks_ms)
    return matrix, clock, keypad


def _poll(keypad, clock, ms, step=5):
    """Every key read_key reports while ``ms`` pass, polling every ``step`` ms."""
    keys = []
    for _ in range(ms // step):
        key = keypad.read_key()
        if key is not None:
            keys.append(key)
        clock.advance(step)
    return keys


def test_rows_rest_high():
    matrix, _clock, keypad = _keypad()
    assert [row.level for row in matrix.rows] == [1, 1, 1, 1]
    matrix.press("5")
    keypad.scan()
    assert [row.level for row in matrix.rows] == [1, 1, 1, 1]


def test_scan_finds_every_key():
    matrix, _clock, keypad = _keypad()
    assert keypad.scan() is None
    for key in KEYS:
        matrix.press(key)
        assert keypad.scan() == key
        matrix.release(key)
    assert KEYS == "123456789*0#"


def test_scan_reports_nothing_for_two_keys():
    matrix, _clock, keypad = _keypad()
    matrix.press("1")
    matrix.press("9")
    assert keypad.scan() is None
    assert [row.level for row in matrix.rows] == [1, 1, 1, 1]
    matrix.release("1")
    matrix.press("3")  # same row
    assert keypad.scan() is None


def test_one_key_per_press():
    matrix, clock, keypad = _keypad()
    assert _poll(keypad, clock, 100) == []
    matrix.press("7")
    assert _poll(keypad, clock, 500) == ["7"]  # held half a second: reported once
    matrix.release()
    assert _poll(keypad, clock, 100) == []
    matrix.press("7")
    assert _poll(keypad, clock, 100) == ["7"]  # a second press counts again


def test_key_counts_only_after_debounce():
    matrix, clock, keypad = _keypad(debounce_ms=20)
    matrix.press("4")
    assert keypad.read_key() is None  # first seen
    clock.advance(19)
    assert keypad.read_key() is None
    clock.advance(1)
    assert keypad.read_key() == "4"
    clock.advance(1)
    assert keypad.read_key() is None


def test_bouncing_contact_gives_one_key():
    matrix, clock, keypad = _keypad()
    keys = []
    for bounce in range(6):  # closes and opens every 3 ms while pressed
        if bounce % 2:
            matrix.release("2")
        else:
            matrix.press("2")
        keys.append(keypad.read_key())
        clock.advance(3)
    matrix.press("2")
    keys.extend(_poll(keypad, clock, 200))
    for bounce in range(6):  # and bounces on release
        if bounce % 2:
            matrix.press("2")
        else:
            matrix.release("2")
        keys.append(keypad.read_key())
        clock.advance(3)
    matrix.release()
    keys.extend(_poll(keypad, clock, 200))
    assert [key for key in keys if key is not None] == ["2"]


def test_a_short_glitch_is_no_key():
    matrix, clock, keypad = _keypad()
    matrix.press("0")
    assert _poll(keypad, clock, 15) == []
    matrix.release()
    assert _poll(keypad, clock, 100) == []


def test_rolling_onto_another_key_counts_both():
    matrix, clock, keypad = _keypad()
    matrix.press("1")
    assert _poll(keypad, clock, 60) == ["1"]
    matrix.press("2")  # both held, briefly
    assert _poll(keypad, clock, 10) == []
    matrix.release("1")
    assert _poll(keypad, clock, 60) == ["2"]


def test_two_keys_held_give_nothing():
    matrix, clock, keypad = _keypad()
    matrix.press("*")
    matrix.press("#")
    assert _poll(keypad, clock, 200) == []


def test_key_count_must_fit_the_matrix():
    rows = [DummyPin(1) for _ in range(4)]
    cols = [DummyPin(1) for _ in range(3)]
    raises(ValueError, MatrixKeypad, rows, cols, keys="123")
    raises(ValueError, MatrixKeypad, rows, cols[:2])
    keypad = MatrixKeypad(rows[:2], cols[:2], keys="ABCD", ticks=FakeClock().ticks_ms)
    assert keypad.scan() is None
