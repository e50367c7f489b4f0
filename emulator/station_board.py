"""A sync station's hardware in the emulator: every part of hw/'s interface, virtual.

``StationFront`` holds the parts a person and the world touch (below); both
``VirtualStationBoard`` (firmware in this process) and
emulator.vm_station.VmStationBoard (firmware on the MicroPython VM) build on it.

``VirtualStationBoard`` builds a ``hw.board.Board`` the firmware cannot tell from
a real one at the level the drivers speak:

- key port: ``emulator.key_wire.KeyWire``, frames paced at the baud rate;
- NFC: the real ``hw.pn532.PN532_UART`` and ``hw.nfc_reader.NfcKeyReader``
  driving ``emulator.pn532_chip.EmulatedPN532`` byte by byte, a
  ``emulator.key_card.KeyCard`` in its field when a key is held to it;
- keypad, display, LEDs and buzzer: the real drivers on
  ``emulator.virtual_panel`` pins and screen; the screen's lines also go
  through the real ``hw.ssd1306.SSD1306_I2C`` driver to ``oled_panel``, an
  emulated SSD1306 on I2C whose display RAM the training page draws;
- clock: the station's RTC, a ``DriftingClock`` on the world clock (setting it
  moves this station only);
- storage: ``firmware.storage.DirStorage`` in a folder, through ``FlakyFiles``
  so a scenario can cut the power at any byte;
- network: ``emulator.network_switch.NetworkSwitch``.
"""

from __future__ import annotations

from pathlib import Path

from emulator.flash_dir import FlakyFiles
from emulator.key_card import KeyCard
from emulator.key_wire import KeyWire
from emulator.network_switch import NetworkSwitch
from emulator.pn532_chip import EmulatedPN532
from emulator.virtual_clock import DriftingClock, VirtualClock
from emulator.virtual_key import VirtualKey
from emulator.virtual_panel import (
    KeypadMatrix,
    OledPanel,
    ScreenRecorder,
    VirtualBuzzer,
    VirtualPin,
)
from firmware.storage import DirStorage
from host.secret_files import private_folder
from hw._port import TICKS_PERIOD
from hw.board import Board
from hw.display import TextDisplay
from hw.indicator import Indicator
from hw.keypad import MatrixKeypad
from hw.nfc_reader import NfcKeyReader
from hw.pn532 import PN532_UART
from hw.ssd1306 import SSD1306_I2C


class StationFront:
    """The parts of a station a person and the world touch, shared by both kinds of station.

    The key port's line, the PN532 chip, the keypad matrix, the screen with its
    OLED, the LEDs and buzzer, the station's RTC and its network switch: on
    ``VirtualStationBoard`` the firmware's drivers in this process drive them;
    on ``emulator.vm_station.VmStationBoard`` a MicroPython process does,
    through byte channels.
    """

    def __init__(
        self, name: str, world: VirtualClock, nfc: bool = True, baud: int = 115200
    ) -> None:
        if world.ticks_period != TICKS_PERIOD:
            # The board's drivers (PN532, keypad) count with the board's period.
            raise ValueError(f"a station board needs a clock wrapping at {TICKS_PERIOD} ms")
        self.name = name
        self.world = world
        self.rtc = DriftingClock(world)
        self.wire = KeyWire(ticks_ms=world.monotonic_ms, baud=baud, sleep_ms=world.sleep_ms)
        self.chip = EmulatedPN532() if nfc else None
        self.matrix = KeypadMatrix(world.monotonic_ms)
        self.oled_panel = OledPanel()
        self.oled = SSD1306_I2C(self.oled_panel)  # the board's display driver
        self.screen = ScreenRecorder(oled=self.oled)
        self.green = VirtualPin()
        self.red = VirtualPin()
        self.buzzer = VirtualBuzzer()
        self.network = NetworkSwitch()
        self._card: KeyCard | None = None

    # -- what a person does at the station -------------------------------------------

    def insert_key(self, key: VirtualKey) -> None:
        """Put a key in the contact port."""
        self.wire.insert(key)

    def pull_key(self) -> None:
        self.wire.pull()

    def hold_key_to_reader(self, key: VirtualKey, uid: bytes) -> None:
        if self.chip is None:
            raise RuntimeError(f"{self.name} has no NFC reader")
        self._card = KeyCard(key, uid)
        self.chip.card = self._card

    def take_key_from_reader(self) -> None:
        if self._card is not None:
            self._card.pull()
        if self.chip is not None:
            self.chip.card = None
        self._card = None

    def press(self, keys: str) -> None:
        self.matrix.press(keys)

    @property
    def screen_text(self) -> str:
        return "\n".join(self.screen.lines)

    @property
    def led(self) -> str:
        """'grön', 'röd', 'gul' (both) or 'av': what the LEDs show."""
        green, red = self.green.level, self.red.level
        return {(1, 0): "grön", (0, 1): "röd", (1, 1): "gul"}.get((green, red), "av")


class VirtualStationBoard(StationFront):
    def __init__(
        self,
        name: str,
        world: VirtualClock,
        storage_dir: Path,
        nfc: bool = True,
        baud: int = 115200,
        flash_bytes: int | None = None,
    ) -> None:
        super().__init__(name, world, nfc, baud)
        self.storage_dir = storage_dir
        self.flash_bytes = flash_bytes
        self.files = FlakyFiles()
        # The board's display as what it is (the text shown), for the trainer and scenarios;
        # firmware/ sees only hw.board's DisplayPart.
        self.display = TextDisplay(self.screen)
        self.board = self._build()

    def _build(self) -> Board:
        ticks, sleep = self.world.ticks_ms, self.world.sleep_ms
        reader = None
        faults: list[str] = []
        if self.chip is not None:
            pn532 = PN532_UART(self.chip, ticks_ms=ticks, sleep_ms=sleep)
            reader = NfcKeyReader(pn532, search_ms=50)
            reader.begin()
        private_folder(self.storage_dir, own=True)  # the flash: the credential, the code verifiers
        return Board(
            key_port=self.wire,
            nfc=reader,
            keypad=MatrixKeypad(self.matrix.rows, self.matrix.cols, ticks=ticks),
            display=self.display,
            indicator=Indicator(self.green, self.red, self.buzzer, sleep=sleep),
            clock=self.rtc,
            storage=self.storage(),
            network=self.network,
            name=self.name,
            faults=faults,
        )

    def storage(self) -> DirStorage:
        """The flash as the station finds it now (after a power cut: what survived)."""
        return DirStorage(str(self.storage_dir), self.flash_bytes, files=self.files)
