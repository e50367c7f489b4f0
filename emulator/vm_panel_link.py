"""The emulator's end of a virtual board's panel channel (hw/VIRTUAL_BOARD.md), in lock-step.

``PanelEnd(front, panel, key, nfc)`` serves one virtual board: ``front`` is
its emulator.station_board.StationFront (key wire, PN532 chip, keypad matrix,
screen, LEDs, buzzer, RTC, network switch, the world clock), ``panel``,
``key`` and ``nfc`` the emulator.vm_channels.ChannelEnd of each channel.

The board's time is the world's: ``step()``, called once per pass of the
world loop (emulator.site), wakes the board when the world clock has reached
the end of its sleep, sending the ``T`` line, and then reads the board's
lines until it sleeps again. Bytes the board wrote on the key and NFC
channels are put on the key wire and into the chip at the moment the sync
line that counts them arrives; what the wire and the chip have for the board
goes out just before each ``T``, counted in it. So the firmware on the VM
sees the paced KeyWire and the byte-level PN532 exactly as the firmware in
the emulator's process does, at the same virtual moments.
"""

from __future__ import annotations

import json
from typing import Protocol

from emulator.key_wire import KeyWire
from emulator.network_switch import NetworkSwitch
from emulator.pn532_chip import EmulatedPN532
from emulator.virtual_clock import DriftingClock, VirtualClock
from emulator.virtual_panel import KeypadMatrix, ScreenRecorder, VirtualBuzzer, VirtualPin
from emulator.vm_channels import ChannelEnd

PROTOCOL_VERSION = 1  # hw.vm_panel.PROTOCOL_VERSION


class PanelProtocolError(ValueError):
    """The board sent a line that is not in the protocol."""


class Front(Protocol):
    world: VirtualClock
    rtc: DriftingClock
    wire: KeyWire
    chip: EmulatedPN532 | None
    matrix: KeypadMatrix
    screen: ScreenRecorder
    green: VirtualPin
    red: VirtualPin
    buzzer: VirtualBuzzer
    network: NetworkSwitch


class PanelEnd:
    def __init__(
        self, front: Front, panel: ChannelEnd, key: ChannelEnd, nfc: ChannelEnd | None
    ) -> None:
        self.front = front
        self.panel = panel
        self.key = key
        self.nfc = nfc
        self.hello = False  # the board has said H since it connected
        self.wake_at: int | None = None  # world monotonic ms the board sleeps until
        self.lines = 0  # lines served, for the tests and the bench
        self._scanned = False  # the board read its keypad before its last sync line

    def reset(self) -> None:
        """The board lost power or booted again: it starts from its H line."""
        self.hello = False
        self.wake_at = None

    def step(self) -> None:
        """Wake the board if its sleep is over, then serve it until it sleeps again."""
        if self.wake_at is not None:
            if self.front.world.monotonic_ms() < self.wake_at:
                return
            self.wake_at = None
            self._send_time()
        while self.wake_at is None:
            self._serve(self.panel.readline())

    # -- the lines -------------------------------------------------------------------
    def _serve(self, line: bytes) -> None:
        self.lines += 1
        kind, _, rest = line.decode("utf-8", "replace").partition(" ")
        front = self.front
        if kind == "D":
            lines = json.loads(rest)
            if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
                raise PanelProtocolError(f"D: expected a list of lines, got {rest!r}")
            front.screen.show_lines(lines)
            return
        fields = rest.split(" ") if rest else []
        name = fields.pop(0) if kind == "P" and fields else ""
        try:
            numbers = [int(field) for field in fields]
        except ValueError:
            raise PanelProtocolError(f"{kind}: bad numbers in {line!r}") from None
        if kind != "H" and not self.hello:
            raise PanelProtocolError(f"{line!r} before the board's H line")
        if kind == "H" and numbers == [PROTOCOL_VERSION]:
            self.hello = True
            self._send_time()
        elif kind == "S" and len(numbers) == 4:
            self._take(numbers[1], numbers[2])
            self._scanned = numbers[3] == 1
            self.wake_at = front.world.monotonic_ms() + numbers[0]
            if numbers[0] == 0:
                self.wake_at = None
                self._send_time()
        elif kind == "F" and len(numbers) == 3:
            self._take(numbers[0], numbers[1])
            self._scanned = numbers[2] == 1
            front.wire.flush()
            self._send_time()
        elif kind == "B" and len(numbers) == 3:
            self._take(numbers[1], numbers[2])
            front.wire.set_baud(numbers[0])
        elif kind == "P" and len(numbers) == 1 and name in ("green", "red"):
            pin = front.green if name == "green" else front.red
            pin.value(numbers[0])
        elif kind == "Z" and len(numbers) == 2:
            front.buzzer.freq(numbers[0])
            front.buzzer.duty_u16(numbers[1])
        elif kind == "R" and len(numbers) == 1:
            front.rtc.set(numbers[0])
        else:
            raise PanelProtocolError(f"not a panel line: {line!r}")

    def _take(self, key_total: int, nfc_total: int) -> None:
        """What the board wrote on the key and NFC channels up to this line, onto the parts."""
        data = self.key.drain_to(key_total)
        if data:
            self.front.wire.write(data)
        chip = self.front.chip
        if self.nfc is not None and chip is not None:
            data = self.nfc.drain_to(nfc_total)
            if data:
                chip.write(data)

    def _send_time(self) -> None:
        front = self.front
        self.key.send(front.wire.read(65536))
        chip = front.chip
        if self.nfc is not None and chip is not None:
            self.nfc.send(chip.read())
        # Presses wait in the matrix until the board looks, as when the drivers scan
        # the emulator's matrix in this process.
        held = front.matrix.held() if self._scanned else front.matrix.peek()
        self.panel.send(
            b"T %d %d %d %d %d %s %d\n"
            % (
                front.world.ticks_ms(),
                front.rtc.now(),
                self.key.sent,
                self.nfc.sent if self.nfc is not None else 0,
                front.wire.present(),
                (held or "-").encode(),
                front.network.online,
            )
        )
