"""Build the virtual board's ``Board`` from its channels (hw/pins_unix.py): the unix make_board.

``make_board(pins, config)`` connects to the emulator's channels (the panel
first: it brings the time, then the key port and the NFC reader) and puts
the drivers of hw/ on them, as hw.board_setup.make_board puts them on a real
board's pins: hw.key_port.KeyPort on the key channel, hw.pn532.PN532_UART
and hw.nfc_reader.NfcKeyReader on the NFC channel, hw.keypad.MatrixKeypad,
hw.display.TextDisplay and hw.indicator.Indicator on the panel's pins. The
board's clock is the panel link, which is also the station's ticks source
(``firmware.startup.run_board`` passes it on): the board's time is the
emulator's. Storage is the flash folder's /flash/synk, as on a board.
"""

from hw.board import Board
from hw.board_setup import STORAGE_ROOT, storage_at
from hw.display import TextDisplay
from hw.indicator import Indicator
from hw.key_port import KeyPort
from hw.keypad import MatrixKeypad
from hw.nfc_reader import NfcKeyReader
from hw.pn532 import PN532_UART, PN532Error
from hw.vm_channel import ByteChannel, ChannelUart
from hw.vm_panel import (
    DetectPin,
    KeypadPins,
    PanelBuzzer,
    PanelLink,
    PanelNetwork,
    PanelPin,
    PanelScreen,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only


def make_board(pins: "dict[str, Any]", config: "dict[str, Any] | None" = None) -> Board:
    config = config or {}
    faults: "list[str]" = []
    key = ByteChannel(pins["key"])
    nfc_channel = ByteChannel(pins["nfc"]) if "nfc" in pins else None
    link = PanelLink(ByteChannel(pins["panel"]), key, nfc_channel)

    key_port = KeyPort(ChannelUart(key, link.flush_key_port, link.set_key_baud), DetectPin(link))

    nfc = None
    if nfc_channel is not None and config.get("nfc", "uart") != "none":
        chip = PN532_UART(ChannelUart(nfc_channel), ticks_ms=link.ticks_ms, sleep_ms=link.sleep_ms)
        nfc = NfcKeyReader(chip)
        try:
            nfc.begin()
        except PN532Error as exc:
            faults.append("nfc: %s" % exc)
            nfc = None

    matrix = KeypadPins(link)
    keypad = MatrixKeypad(matrix.rows, matrix.cols, ticks=link.ticks_ms)
    indicator = Indicator(
        PanelPin(link, "green"), PanelPin(link, "red"), PanelBuzzer(link), sleep=link.sleep_ms
    )
    return Board(
        key_port,
        nfc,
        keypad,
        TextDisplay(PanelScreen(link)),
        indicator,
        link,
        storage_at(config.get("storage_root", STORAGE_ROOT)),
        PanelNetwork(link),
        config.get("name", "station"),
        faults,
    )
