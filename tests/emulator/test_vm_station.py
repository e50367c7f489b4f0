"""A station as flashed, in the emulated site: a MicroPython unix-port process deployed by mpremote.

The station's firmware runs in its own process (emulator/vm_station.py), booted
from main.py → firmware/startup.py on the files mpremote copied; its parts
reach the site's virtual hardware only through byte channels
(hw/VIRTUAL_BOARD.md). A key is put in, its code typed on the keypad, and the
key is synced: permission set written, audit trail read back and cleared,
and the events uploaded to the back office; the technician's ``synk diag`` reads
the station's log over its console PTY.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.scenario_tools import activity, sync_events
from emulator.site import EmulatedSite, VmEmulatedStation
from emulator.virtual_key import VirtualKey
from emulator.vm_board import VmBoard
from emulator.vm_station import VM_HEAP_BYTES
from host.flash.deploy import deploy
from host.flash.image import build_image, load_image, write_image
from host.flash.mpremote import Mpremote
from tests.host.flash.conftest import signed_config

pytestmark = [pytest.mark.vm, pytest.mark.slow]

START = 1_795_000_000  # Wednesday 2026-11-18, 12:06 in Stockholm
IDLE = "Sätt i nyckeln"
SYNCED = "OK, giltig till"


@pytest.fixture(scope="session")
def vm_flash(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual board's flash as an installer leaves it: the unix image, deployed by mpremote."""
    folder = tmp_path_factory.mktemp("vm-template")
    write_image(build_image("unix", signed_config("unix")), folder / "image")
    with VmBoard(folder / "flash", heap_bytes=VM_HEAP_BYTES) as board:
        deploy(load_image(folder / "image"), Mpremote(board.port), io.StringIO())
    return folder / "flash"


@pytest.fixture
def site(tmp_path: Path, vm_flash: Path) -> Iterator[EmulatedSite]:
    emulated = EmulatedSite(
        tmp_path, start=START, history_days=2, vm="micropython", vm_stations=1, vm_flash=vm_flash
    )
    try:
        yield emulated
    finally:
        emulated.stop()


def _sync(site: EmulatedSite, at: VmEmulatedStation, key: VirtualKey, code: str) -> str:
    """Key in, code typed, until the station says how it went; key out, back to idle."""
    screen = at.hardware
    site.insert_key(at.station_id, key)
    site.type_code(at.station_id, code)
    site.run_until(lambda: screen.screen_text.startswith(SYNCED) or screen.led == "röd", 60)
    said = screen.screen_text
    site.pull_key(at.station_id)
    assert site.run_until(lambda: screen.screen_text.startswith(IDLE), 30)
    return said


def test_a_key_syncs_at_a_station_running_on_the_micropython_vm(site: EmulatedSite) -> None:
    (at,) = site.vm_stations.values()
    assert not site.stations or at.station_id not in site.stations
    hardware = at.hardware
    # Booted from the deployed main.py; the bundle comes over the switched uplink.
    assert site.run_until(lambda: hardware.screen_text.startswith(IDLE), 60), hardware.screen_text
    assert hardware.uplink.connections > 0
    staff = next(s for s in site.demo.staff.values() if s.unit_id == at.unit_id and s.key_id)
    assert staff.key_id is not None
    key = site.keys[staff.key_id]

    assert _sync(site, at, key, staff.code).startswith(SYNCED)
    assert key.active_set() is not None  # the permission set written onto the key

    lock_id = next(
        lock.lock_id
        for lock in site.demo.locks.values()
        if lock.installed and lock.kind == "customer_door" and at.unit_id in lock.unit_ids
    )
    opened_at = site.clock.now()
    assert site.open_door(lock_id, key).opened
    assert key.audit_events()  # the lock's event, on the key

    assert _sync(site, at, key, staff.code).startswith(SYNCED)
    assert key.audit_events() == []  # read back, stored on the station's flash, then cleared

    def uploaded() -> bool:
        return bool(activity(site, key_id=key.key_id, lock_id=lock_id, since=opened_at - 1))

    assert site.run_until(uploaded, 120)
    assert sync_events(site, station_id=at.station_id, key_id=key.key_id, since=opened_at - 1)
    assert b"MemoryError" not in hardware.vm.output()
    assert hardware.boots_served == 1  # no crash, no reboot: the one boot did it all

    # A power cut (SIGKILL of the VM process), then power-up: the station boots from its
    # flash again, and what the back office acknowledged is not sent twice.
    events = activity(site, key_id=key.key_id, lock_id=lock_id, since=opened_at - 1)
    hardware.power_cycle()
    hardware.screen.show_lines([])
    assert site.run_until(lambda: hardware.screen_text.startswith(IDLE), 60)
    assert hardware.boots_served == 2
    site.run_for(30)
    assert activity(site, key_id=key.key_id, lock_id=lock_id, since=opened_at - 1) == events
    log = _diag(site, hardware.console_path, "log")
    assert "synk station" in log and "MemoryError" not in log


def _diag(site: EmulatedSite, port: str, verb: str) -> str:
    """``synk diag VERB`` against the station's console PTY, the world running meanwhile."""
    tool = subprocess.Popen(
        [sys.executable, "-m", "host.cli", "diag", "--port", port, verb],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert site.run_until(lambda: tool.poll() is not None, 3600)
    finally:
        if tool.poll() is None:
            tool.kill()
    out, err = tool.communicate()
    assert tool.returncode == 0, err
    return out
