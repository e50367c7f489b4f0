"""A station as flashed: a MicroPython unix-port process on the emulator's virtual hardware.

``VmStationBoard(name, world, flash_dir, backoffice)`` is a station's
hardware (emulator.station_board.StationFront: key wire, PN532 chip, keypad,
screen, LEDs, buzzer, RTC, network switch) with no firmware in this process:
the station runs in an emulator.vm_board.VmBoard, booting the image that
``deploy`` copied onto its flash folder with the real mpremote, at a board's
heap (``VM_HEAP_BYTES``). Its parts reach the hardware only through byte
channels (hw/VIRTUAL_BOARD.md), whose addresses the process finds in its
environment (hw/pins_unix.py):

- the key port and the NFC reader: an emulator.vm_channels.ChannelEnd each,
  relayed to the paced KeyWire and the byte-level EmulatedPN532;
- keypad, display, LEDs, buzzer, RTC and the world's time: the panel
  channel, served in lock-step by emulator.vm_panel_link.PanelEnd;
- the uplink: emulator.vm_uplink.SwitchedUplink, a TCP relay to the back
  office that the network switch cuts (the station's configuration names it
  as the back office);
- the service console: the process's own PTY (``console_path``), as a
  board's USB port, where ``synk diag`` connects;
- storage: the flash folder; a power cut (``power_cycle``) is a SIGKILL.

``step()`` is one pass of the world loop for this station (emulator.site).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
from pathlib import Path

from emulator.station_board import StationFront
from emulator.virtual_clock import VirtualClock
from emulator.vm_board import VmBoard
from emulator.vm_channels import ChannelEnd, ChannelLost
from emulator.vm_panel_link import PanelEnd
from emulator.vm_uplink import SwitchedUplink
from firmware.storage import DirStorage
from host.flash.deploy import Report, deploy
from host.flash.image import MAIN, ImageDir
from host.flash.mpremote import Mpremote
from hw.board_setup import STORAGE_ROOT
from hw.pins_unix import WIRING_VARIABLE

# The heap a station's VM gets: hw/VIRTUAL_BOARD.md says where the figure comes from.
VM_HEAP_BYTES = 768 * 1024
ACCEPT_S = 5.0  # how long a board that connected one channel may take for the next


class VmStationBoard(StationFront):
    def __init__(
        self,
        name: str,
        world: VirtualClock,
        flash_dir: Path,
        backoffice: tuple[str, int],
        *,
        heap_bytes: int = VM_HEAP_BYTES,
        nfc: bool = True,
        micropython: str | None = None,
    ) -> None:
        super().__init__(name, world, nfc)
        self.flash_dir = Path(flash_dir)
        self.panel = ChannelEnd(f"{name}: panel")
        self.key = ChannelEnd(f"{name}: key port")
        self.nfc = ChannelEnd(f"{name}: NFC") if nfc else None
        self.uplink = SwitchedUplink(backoffice, self.network)
        self.link = PanelEnd(self, self.panel, self.key, self.nfc)
        wiring = [f"panel={self.panel.address}", f"key={self.key.address}"]
        if self.nfc is not None:
            wiring.append(f"nfc={self.nfc.address}")
        self.vm = VmBoard(
            self.flash_dir, heap_bytes, micropython, env={WIRING_VARIABLE: ",".join(wiring)}
        )
        self.boots_served = 0  # boots whose channels this side took

    # -- the flash --------------------------------------------------------------------

    @property
    def storage_dir(self) -> Path:
        """The station's storage folder as the host sees it (the board's /flash/synk)."""
        return self.flash_dir / STORAGE_ROOT.lstrip("/")

    def storage(self) -> DirStorage:
        """The station's flash, read from outside (what a technician's tools could read)."""
        return DirStorage(str(self.storage_dir))

    def missing(self, image: ImageDir) -> ImageDir:
        """The part of ``image`` the flash does not hold as built (SHA-256), with main.py.

        Read from the host's side of the flash folder: the emulator's shortcut
        for what a full deploy's read-back would find. main.py comes along so
        the deploy's order (main.py last) and its reset hold.
        """
        entries = []
        for entry in image.entries:
            path = self.flash_dir / entry.path.lstrip("/")
            same = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
            if not same or entry.path == MAIN:
                entries.append(entry)
        return dataclasses.replace(image, entries=entries)

    # -- power ------------------------------------------------------------------------

    def flash_and_start(self, image: ImageDir, out: io.StringIO | None = None) -> Report | None:
        """Boot ``image``: deployed first with mpremote, of it what the flash lacks.

        The board is powered up at its REPL (as in maintenance mode), the
        files copied and read back, and the deploy's reset boots the station.
        A flash that holds the whole image is only powered up (None).
        """
        needed = self.missing(image)
        if [entry.path for entry in needed.entries] == [MAIN]:
            self.vm.start("run")
            return None
        self.vm.start("repl")
        return deploy(needed, Mpremote(self.vm.port), out or io.StringIO())

    def power_cycle(self) -> None:
        """A power cut (SIGKILL), then power-up."""
        self._lost()
        self.vm.power_cycle()

    def stop(self) -> None:
        self.vm.stop()
        for end in (self.panel, self.key, self.nfc):
            if end is not None:
                end.close()
        self.uplink.close()

    @property
    def console_path(self) -> str:
        """The station's USB port: its REPL, and the service console while the station runs."""
        return self.vm.port

    # -- the world loop -----------------------------------------------------------------

    def step(self) -> None:
        """One pass: take a (re)booted board's channels, wake it when its sleep is over."""
        if self.panel.accept(0):
            self._booted()
        if not self.panel.connected:
            return
        try:
            self.link.step()
        except ChannelLost:
            self._lost()

    def _booted(self) -> None:
        for end in (self.key, self.nfc):
            if end is not None and not end.accept(ACCEPT_S):
                self._lost()
                return
        self.link.reset()
        self.boots_served += 1

    def _lost(self) -> None:
        for end in (self.panel, self.key, self.nfc):
            if end is not None:
                with contextlib.suppress(OSError):
                    end.drop()
        self.link.reset()
