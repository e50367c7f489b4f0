"""The station's hardware in one object: what firmware/ is given instead of reaching for pins.

``Board`` only bundles parts made elsewhere: ``hw.board_setup.make_board`` on a
real board, the emulator with virtual parts, tests with dummies. Each part is
described in hw/README.md ("The interface firmware/ uses"):

- ``key_port``: hw.key_port.KeyPort (read, write, flush, present, set_baud)
- ``nfc``: hw.nfc_reader.NfcKeyReader (find_key, exchange, release) or None
- ``keypad``: hw.keypad.MatrixKeypad (read_key)
- ``display``: hw.display.TextDisplay (show(swedish, english), lines)
- ``indicator``: hw.indicator.Indicator (ok, error, busy, off, state)
- ``clock``: hw.ds3231.DS3231 or any clock with now() -> int
- ``storage``: firmware.storage.DirStorage on "/flash/synk"
- ``network``: hw.network.Wifi (connect, isconnected) or None (no uplink)
- ``faults``: what failed while the board was set up, for the self-test
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

PARTS = ("key_port", "nfc", "keypad", "display", "indicator", "clock", "storage", "network")


class Board:
    def __init__(
        self,
        key_port: "Any",
        nfc: "Any",
        keypad: "Any",
        display: "Any",
        indicator: "Any",
        clock: "Any",
        storage: "Any",
        network: "Any" = None,
        name: str = "station",
        faults: "list[str] | None" = None,
    ) -> None:
        self.key_port = key_port
        self.nfc = nfc
        self.keypad = keypad
        self.display = display
        self.indicator = indicator
        self.clock = clock
        self.storage = storage
        self.network = network
        self.name = name
        self.faults = faults if faults is not None else []

    def missing(self) -> "list[str]":
        """The parts this board does not have (None), in PARTS order."""
        return [part for part in PARTS if getattr(self, part) is None]

    def __repr__(self) -> str:
        return "Board(%r, missing=%r, faults=%r)" % (self.name, self.missing(), self.faults)
