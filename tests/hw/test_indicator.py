"""hw.indicator: LEDs and buzzer for done, refused and working."""

from hw.indicator import ERROR_TONES, OK_TONE, Indicator
from tests.hw.dummies import DummyPin, DummyPWM, FakeClock


def _indicator(buzzer=None, **options):
    green = DummyPin(0)
    red = DummyPin(0)
    clock = FakeClock()
    indicator = Indicator(green, red, buzzer, sleep=clock.sleep_ms, **options)
    return green, red, clock, indicator


def test_starts_off_and_quiet():
    pwm = DummyPWM()
    pwm.duty = 1000
    green, red, clock, indicator = _indicator(pwm)
    assert indicator.state == "off"
    assert (green.level, red.level) == (0, 0)
    assert pwm.duty == 0
    assert clock.now == 0


def test_ok_is_green_and_one_high_beep():
    pwm = DummyPWM()
    green, red, clock, indicator = _indicator(pwm)
    del pwm.history[:]
    indicator.ok()
    assert indicator.state == "ok"
    assert (green.level, red.level) == (1, 0)
    assert OK_TONE == (2000, 100)
    assert pwm.history == [("freq", 2000), ("duty", 32768), ("duty", 0)]
    assert clock.now == 100
    assert indicator.tones == [(2000, 100)]


def test_error_is_red_and_two_low_beeps():
    pwm = DummyPWM()
    green, red, clock, indicator = _indicator(pwm)
    del pwm.history[:]
    indicator.error()
    assert indicator.state == "error"
    assert (green.level, red.level) == (0, 1)
    assert indicator.tones == list(ERROR_TONES)
    assert pwm.history == [
        ("freq", 400),
        ("duty", 32768),
        ("duty", 0),
        ("duty", 0),  # the pause: silent
        ("freq", 400),
        ("duty", 32768),
        ("duty", 0),
    ]
    assert clock.now == 400
    assert pwm.duty == 0  # quiet afterwards


def test_busy_is_both_leds_and_silent():
    pwm = DummyPWM()
    green, red, clock, indicator = _indicator(pwm)
    del pwm.history[:]
    indicator.busy()
    assert indicator.state == "busy"
    assert (green.level, red.level) == (1, 1)
    assert pwm.history == [] and indicator.tones == [] and clock.now == 0


def test_off_after_anything():
    pwm = DummyPWM()
    green, red, _clock, indicator = _indicator(pwm)
    for show in (indicator.ok, indicator.error, indicator.busy):
        show()
        indicator.off()
        assert indicator.state == "off"
        assert (green.level, red.level) == (0, 0)
        assert pwm.duty == 0


def test_active_low_leds():
    green, red, _clock, indicator = _indicator(active_low=True)
    assert (green.level, red.level) == (1, 1)  # off is high
    indicator.ok()
    assert (green.level, red.level) == (0, 1)
    indicator.error()
    assert (green.level, red.level) == (1, 0)
    indicator.busy()
    assert (green.level, red.level) == (0, 0)


def test_active_buzzer_on_a_pin():
    buzzer = DummyPin(1)
    _green, _red, clock, indicator = _indicator(buzzer)
    assert buzzer.history == [0]
    indicator.error()
    assert buzzer.history == [0, 1, 0, 0, 1, 0]
    assert clock.now == 400


def test_sound_off_keeps_the_buzzer_quiet():
    pwm = DummyPWM()
    green, _red, _clock, indicator = _indicator(pwm, sound=False)
    indicator.ok()
    indicator.error()
    assert all(change != ("duty", 32768) for change in pwm.history)
    assert pwm.frequency == 0
    assert indicator.tones[0] == OK_TONE
    assert indicator.tones[1:] == list(ERROR_TONES)
    assert indicator.state == "error" and green.level == 0


def test_no_buzzer():
    green, red, clock, indicator = _indicator(None)
    indicator.ok()
    assert (green.level, red.level) == (1, 0)
    assert indicator.tones == [OK_TONE]
    assert clock.now == 100
