"""The panel channel's two ends over real loopback sockets: hw.vm_panel (the board's, run here in
a thread) against emulator.vm_panel_link (the emulator's), on a StationFront's parts.

hw/VIRTUAL_BOARD.md is the protocol; these check its promises: the board's time is
the world clock's and moves only when the board sleeps, key presses wait until the
board reads its keypad, bytes on the key channel cross at the moment of the sync
line that counts them, and the screen, LEDs, buzzer, RTC and network follow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from emulator.station_board import StationFront
from emulator.virtual_clock import VirtualClock
from emulator.vm_channels import ChannelEnd, ChannelLost
from emulator.vm_panel_link import PanelEnd, PanelProtocolError
from hw.keypad import MatrixKeypad
from hw.vm_channel import ByteChannel
from hw.vm_panel import KeypadPins, PanelLink

START = 1_795_000_000


class Rig:
    """A front, the emulator's channel ends, and a board thread that runs ``script(link)``."""

    def __init__(self) -> None:
        self.world = VirtualClock(START)
        self.front = StationFront("test", self.world, nfc=False)
        self.panel = ChannelEnd("panel", timeout_s=10)
        self.key = ChannelEnd("key", timeout_s=10)
        self.end = PanelEnd(self.front, self.panel, self.key, None)
        self.board_key: ByteChannel | None = None
        self.error: BaseException | None = None
        self.results: list[Any] = []

    def run_board(self, script: Callable[[PanelLink, ByteChannel], Any]) -> threading.Thread:
        def board() -> None:
            try:
                key = ByteChannel(self.key.address)
                link = PanelLink(ByteChannel(self.panel.address), key, None)
                self.results.append(script(link, key))
            except BaseException as exc:  # reported by the test's thread
                self.error = exc

        thread = threading.Thread(target=board, daemon=True)
        thread.start()
        assert self.key.accept(10) and self.panel.accept(10)
        return thread

    def world_until_done(self, thread: threading.Thread, seconds: float = 10) -> None:
        end = self.world.monotonic_ms() + int(seconds * 1000)
        while thread.is_alive() and self.world.monotonic_ms() < end:
            try:
                self.end.step()
            except ChannelLost:
                thread.join(5)  # the board's script ended: its channels closed
                break
            self.world.advance_ms(5)
        thread.join(5)
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.panel.close()
        self.key.close()


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.close()


def test_the_boards_time_is_the_world_clocks_and_moves_when_it_sleeps(rig: Rig) -> None:
    def script(link: PanelLink, key: ByteChannel) -> tuple[int, int, int, int]:
        first = link.ticks_ms()
        same = link.ticks_ms()  # no sleep between: the same instant
        link.sleep_ms(100)
        return first, same, link.ticks_ms(), link.now()

    rig.world.advance(7)
    rig.world_until_done(rig.run_board(script))
    first, same, after, rtc = rig.results[0]
    assert first == same == 7000
    assert rig.world.ticks_diff(after, first) >= 100
    assert after <= rig.world.ticks_ms()
    assert START + 7 <= rtc <= rig.world.now()


def test_a_code_typed_before_the_board_looks_waits_in_the_matrix(rig: Rig) -> None:
    def script(link: PanelLink, key: ByteChannel) -> str:
        link.sleep_ms(2000)  # busy elsewhere: the keypad not read for two seconds
        pins = KeypadPins(link)
        keypad = MatrixKeypad(pins.rows, pins.cols, ticks=link.ticks_ms)
        typed = ""
        while len(typed) < 4:
            pressed = keypad.read_key()
            if pressed is not None:
                typed += pressed
            link.sleep_ms(5)
        return typed

    thread = rig.run_board(script)
    rig.front.press("1234")
    rig.world_until_done(thread)
    assert rig.results == ["1234"]


def test_key_port_bytes_cross_at_the_sync_line_that_counts_them(rig: Rig) -> None:
    def script(link: PanelLink, key: ByteChannel) -> tuple[bool, bool]:
        in_before = link.detect
        key.send(b"\x00hello\x00")  # not a valid frame: the key ignores it
        link.sleep_ms(50)
        return in_before, link.detect

    rig.world_until_done(rig.run_board(script))
    assert rig.results == [(False, False)]
    assert rig.front.wire.bytes_to_key == 0  # no key in the port: the bytes went nowhere
    assert rig.key.received == len(b"\x00hello\x00")


def test_outputs_reach_the_front(rig: Rig) -> None:
    def script(link: PanelLink, key: ByteChannel) -> bool:
        link.show_lines(["Sätt i nyckeln", "", "Insert your key"])
        link.pin("green", 1)
        link.tone(2000, 32768)
        link.set(START + 3600)
        link.sleep_ms(10)
        return link.online

    rig.front.network.online = False
    rig.world_until_done(rig.run_board(script))
    assert rig.results == [False]
    assert rig.front.screen_text == "Sätt i nyckeln\n\nInsert your key"
    assert rig.front.led == "grön"
    assert rig.front.buzzer.played[-1] == 2000
    assert rig.front.rtc.now() >= START + 3600


def test_a_line_outside_the_protocol_is_an_error(rig: Rig) -> None:
    def script(link: PanelLink, key: ByteChannel) -> None:
        link._say("X 1 2")  # a line no board of ours sends

    thread = rig.run_board(script)
    with pytest.raises(PanelProtocolError):
        for _ in range(100):
            rig.end.step()
    thread.join(5)
