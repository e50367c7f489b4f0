"""The station's hardware in one object: what firmware/ is given instead of reaching for pins.

``Board`` only bundles parts made elsewhere: ``hw.board_setup.make_board`` on a
real board, the emulator with virtual parts, tests with dummies. Each part has
an interface, declared below as a ``typing.Protocol`` for the type checker only
(MicroPython has no typing: the block under ``TYPE_CHECKING`` never runs on a
board). ``Board``'s arguments are typed with them, so mypy (``inv lint``)
checks every part handed to a ``Board`` against what firmware/ calls: the
real drivers, the emulator's virtual parts (emulator/station_board.py) and
the test doubles (tests/hw/part_contracts.py). hw/README.md ("The interface
firmware/ uses") describes them:

- ``key_port``: ``KeyPortPart``, hw.key_port.KeyPort (read, write, flush, present, set_baud)
- ``nfc``: ``NfcPart``, hw.nfc_reader.NfcKeyReader (find_key, exchange, release, target),
  or None
- ``keypad``: ``KeypadPart``, hw.keypad.MatrixKeypad (read_key, scan)
- ``display``: ``DisplayPart``, hw.display.TextDisplay (show(swedish, english))
- ``indicator``: ``IndicatorPart``, hw.indicator.Indicator (ok, error, busy, off)
- ``clock``: ``ClockPart``, hw.ds3231.DS3231 or any clock with now() and set(t)
- ``storage``: firmware.storage.DirStorage on "/flash/synk", over the flash's file
  primitives ``FlashFiles`` (firmware.storage.OsFiles on a board)
- ``network``: ``NetworkPart``, hw.network.Wifi (connect, isconnected), or None (no uplink);
  the requests through it are an ``HttpTransport`` (hw.http_client.request), given to
  firmware.startup.build_station beside the board
- ``faults``: what failed while the board was set up, for the self-test
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Protocol  # read under TYPE_CHECKING only

    from firmware.storage import DirStorage

    class KeyPortPart(Protocol):
        """The contact key port: a byte channel that never waits, and the key-detect switch."""

        def read(self, max_bytes: int) -> bytes: ...

        def write(self, buf: bytes) -> int: ...

        def flush(self) -> None: ...

        def present(self) -> bool: ...

        def set_baud(self, rate: int) -> None: ...

    class NfcPart(Protocol):
        """The NFC reader: a key found and selected (``target``), one message per exchange."""

        @property
        def target(self) -> object: ...  # None while no key is selected

        def find_key(self) -> bool: ...

        def exchange(self, message: bytes) -> bytes: ...

        def release(self) -> None: ...

    class KeypadPart(Protocol):
        """The keypad: each press once (``read_key``), the key held now (``scan``, at power-up)."""

        def read_key(self) -> "str | None": ...

        def scan(self) -> "str | None": ...

    class DisplayPart(Protocol):
        """The screen: a message in Swedish, English under it; ``language`` the station's
        setting (hw.display.LANGUAGES)."""

        language: str

        def show(self, swedish: str, english: str = "", contact: str = "") -> None: ...

    class IndicatorPart(Protocol):
        """The LEDs and the buzzer."""

        def ok(self) -> None: ...

        def error(self) -> None: ...

        def busy(self) -> None: ...

        def off(self) -> None: ...

    class ClockPart(Protocol):
        """The real-time clock: UTC seconds since 1970, set by the back office or a technician."""

        def now(self) -> int: ...

        def set(self, __t: int) -> None: ...

    class NetworkPart(Protocol):
        """The way to the back office (Wi-Fi): joining it may take up to ``timeout_ms``."""

        def connect(self, timeout_ms: int) -> bool: ...

        def isconnected(self) -> bool: ...

    class HttpTransport(Protocol):
        """The uplink's way through the network: one HTTP request, as hw.http_client.request.

        Returns (status, headers with lower-case names, body); a 200 body goes to ``sink``
        piece by piece when one is given. Raises OSError when the network fails.
        """

        def __call__(
            self,
            method: str,
            url: str,
            headers: "dict[str, str]",
            body: bytes,
            timeout: float,
            *,
            max_body: int = ...,
            ssl_context: "Any" = ...,
            sink: "Callable[[memoryview], bool] | None" = ...,
        ) -> "tuple[int, dict[str, str], bytes]": ...

    class FlashFiles(Protocol):
        """The flash's file primitives under firmware.storage.DirStorage (paths, not names)."""

        def listdir(self, path: str) -> "list[str]": ...

        def size(self, path: str) -> int: ...

        def read(self, path: str, offset: int = 0, length: int = -1) -> "bytes | None": ...

        def write(
            self, path: str, data: "bytes | bytearray | memoryview", append: bool = False
        ) -> None: ...

        def rename(self, src: str, dst: str) -> None: ...

        def remove(self, path: str) -> None: ...

        def mkdir(self, path: str) -> None: ...

        def free(self, path: str) -> int: ...


PARTS = ("key_port", "nfc", "keypad", "display", "indicator", "clock", "storage", "network")


class Board:
    def __init__(
        self,
        key_port: "KeyPortPart",
        nfc: "NfcPart | None",
        keypad: "KeypadPart",
        display: "DisplayPart",
        indicator: "IndicatorPart",
        clock: "ClockPart",
        storage: "DirStorage",
        network: "NetworkPart | None" = None,
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
