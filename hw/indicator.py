"""The station's LEDs and buzzer: green for done, red for refused, both for working.

``Indicator(green_pin, red_pin, buzzer)``: the pins are machine.Pin outputs
driving the LEDs through resistors (lit at 1 unless ``active_low``). The
buzzer is either a machine.PWM on a passive piezo (``freq`` and ``duty_u16``:
tones of our choosing) or a machine.Pin on an active buzzer (on/off, its own
pitch), or None. ``state`` says what is shown: "off", "ok", "error", "busy".

Sounds are short and block for their length (about 0.1 s for OK, 0.4 s for an
error), the way a person at the station expects to hear them.
"""

from hw._port import sleep_ms

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

OK_TONE = (2000, 100)  # Hz, ms: one short high beep
ERROR_TONES = ((400, 150), (0, 100), (400, 150))  # two low beeps; 0 Hz is a pause
_HALF_DUTY = 32768  # duty_u16 for a square wave: the loudest a piezo gets


class Indicator:
    def __init__(
        self,
        green_pin: "Any",
        red_pin: "Any",
        buzzer: "Any" = None,
        active_low: bool = False,
        sleep: "Callable[[int], None] | None" = None,
        sound: bool = True,
    ) -> None:
        self._green = green_pin
        self._red = red_pin
        self._buzzer = buzzer
        self._on = 0 if active_low else 1
        self._sleep = sleep or sleep_ms
        self.sound = sound  # False keeps the buzzer quiet (night mode, tests)
        self.state = "off"
        self.tones: "list[tuple[int, int]]" = []  # every tone played, (Hz, ms): for tests
        self._quiet()
        self._leds(False, False)

    def _leds(self, green: bool, red: bool) -> None:
        self._green.value(self._on if green else 1 - self._on)
        self._red.value(self._on if red else 1 - self._on)

    def _quiet(self) -> None:
        if self._buzzer is None:
            return
        if hasattr(self._buzzer, "duty_u16"):
            self._buzzer.duty_u16(0)
        else:
            self._buzzer.value(0)

    def _tone(self, hz: int, ms: int) -> None:
        self.tones.append((hz, ms))
        if self._buzzer is not None and self.sound and hz:
            if hasattr(self._buzzer, "duty_u16"):
                self._buzzer.freq(hz)
                self._buzzer.duty_u16(_HALF_DUTY)
            else:
                self._buzzer.value(1)
        self._sleep(ms)
        self._quiet()

    def ok(self) -> None:
        """Green on, one short beep: the key is synced."""
        self._leds(True, False)
        self.state = "ok"
        self._tone(OK_TONE[0], OK_TONE[1])

    def error(self) -> None:
        """Red on, two low beeps: refused or failed (the display says why)."""
        self._leds(False, True)
        self.state = "error"
        for hz, ms in ERROR_TONES:
            self._tone(hz, ms)

    def busy(self) -> None:
        """Both LEDs on (amber on a two-colour LED), silent: working, keep the key in."""
        self._leds(True, True)
        self.state = "busy"

    def off(self) -> None:
        self._quiet()
        self._leds(False, False)
        self.state = "off"
