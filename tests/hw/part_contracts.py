"""The test doubles fit hw.board's part interfaces: a module for mypy (`inv lint`), not for pytest.

Every double a test hands to a ``hw.board.Board``, or to a firmware part that
takes one of a board's parts (a key session's keypad, a link's port, the
uplink's network), is assigned below to the interface it stands for. A double
that lacks a method, or has one with another signature, then fails the type
check, as a real driver would (hw/board_setup.py builds the board) and as the
emulator's virtual parts would (emulator/station_board.py). The doubles are
portable code, so this is checked with MicroPython's stubs, as firmware/ and hw/
are. Nothing here runs: the functions below are never called.
"""

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from firmware.clock import ManualClock
    from hw._port import TicksSource
    from hw.board import (
        ClockPart,
        DisplayPart,
        FlashFiles,
        HttpTransport,
        IndicatorPart,
        KeypadPart,
        KeyPortPart,
        NetworkPart,
        NfcPart,
    )
    from tests.firmware.key_double import (
        DisplayDouble,
        IndicatorDouble,
        KeyDouble,
        KeypadDouble,
        KeyPortDouble,
        NfcReaderDouble,
        Ticks,
    )
    from tests.firmware.power_cut import RamFiles
    from tests.firmware.test_station import ContactSlot
    from tests.firmware.test_ticks_wrap import NfcCounter
    from tests.firmware.test_uplink import FakeBackOffice, Network
    from tests.hw.dummies import FakeClock

    def key_ports(key: KeyDouble, ticks: Ticks) -> "list[KeyPortPart]":
        return [KeyPortDouble(key, ticks), ContactSlot(ticks)]

    def nfc_readers(key: KeyDouble, ticks: Ticks) -> "list[NfcPart]":
        return [NfcReaderDouble(key), NfcCounter(ticks)]

    def keypads() -> "list[KeypadPart]":
        return [KeypadDouble()]

    def displays() -> "list[DisplayPart]":
        return [DisplayDouble()]

    def indicators() -> "list[IndicatorPart]":
        return [IndicatorDouble()]

    def clocks() -> "list[ClockPart]":
        return [ManualClock(0)]

    def networks() -> "list[NetworkPart]":
        return [Network()]

    def http_transports(world: object) -> "list[HttpTransport]":
        return [FakeBackOffice(world)]

    def flash_files() -> "list[FlashFiles]":
        return [RamFiles()]

    def ticks_sources(ticks: Ticks) -> "list[TicksSource]":
        return [ticks, FakeClock()]
