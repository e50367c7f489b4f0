"""Benchmarks of issue 11 (the station on the MicroPython VM): boot to the idle screen.

``vm_boot_to_ready_ms``: wall milliseconds from the start of a station's
MicroPython process (a power-up of emulator.vm_station.VmStationBoard, after
its image was deployed by mpremote) to the station showing its idle screen
("Sätt i nyckeln"): the firmware imported from the .mpy files, the board's
channels connected, storage recovered and the bundle cached at the first boot
checked. It is the median of three power cycles (SIGKILL, start) of one
station of the demo site, the world running its stopped clock as fast as the
lock-step allows (the emulator's side included). The deploy (mpremote,
about 90 s) and the first boot, which fetches the bundle, are not counted.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

from emulator.site import EmulatedSite
from emulator.vm_board import VmBoard
from emulator.vm_station import VM_HEAP_BYTES
from host.flash.deploy import deploy
from host.flash.image import build_image, load_image, write_image
from host.flash.mpremote import Mpremote
from tests.host.flash.conftest import signed_config

START = 1_795_000_000
IDLE = "Sätt i nyckeln"


def boot_to_ready_ms(boots: int = 3) -> float:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        write_image(build_image("unix", signed_config("unix")), work / "image")
        with VmBoard(work / "flash", heap_bytes=VM_HEAP_BYTES) as board:
            deploy(load_image(work / "image"), Mpremote(board.port), io.StringIO())
        site = EmulatedSite(
            work / "site",
            start=START,
            history_days=2,
            vm="micropython",
            vm_stations=1,
            vm_flash=work / "flash",
        )
        try:
            (at,) = site.vm_stations.values()
            hardware = at.hardware
            if not site.run_until(lambda: hardware.screen_text.startswith(IDLE), 120):
                raise RuntimeError(f"the VM station did not become ready: {hardware.screen_text}")
            times = []
            for _ in range(boots):
                started = time.monotonic()
                hardware.power_cycle()
                hardware.screen.show_lines([])
                if not site.run_until(lambda: hardware.screen_text.startswith(IDLE), 120):
                    raise RuntimeError("the VM station did not come back after a power cycle")
                times.append((time.monotonic() - started) * 1000)
        finally:
            site.stop()
    return statistics.median(times)


def run() -> dict[str, float]:
    return {"vm_boot_to_ready_ms": round(boot_to_ready_ms(), 1)}
