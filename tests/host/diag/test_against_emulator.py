"""`synk diag` against the whole emulator: the station's console and the USB key reader on PTYs.

The answers must be what the back office holds: the station's bundle serial is
the one the back office delivered, the key in the reader is the staff member's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.site import EmulatedSite


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatedSite]:
    emulated = EmulatedSite(tmp_path_factory.mktemp("emulator"), history_days=3)
    emulated.run_for(2)  # the stations fetch their bundles
    emulated.start()  # the world loop answers the PTYs while the tool runs
    yield emulated
    emulated.stop()


def _diag(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "host.cli", "diag", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert isinstance(answer, dict)
    return answer


def test_station_status_matches_the_back_office(site: EmulatedSite) -> None:
    station_id, emulated = next(iter(site.stations.items()))
    status = _diag("status", "--port", emulated.console.path)
    text = json.dumps(status)
    held = site.office.show_station(site.admin, station_id)
    assert str(station_id) in text
    serial = emulated.station.cache.serial
    assert serial > 0
    assert held["bundle_serial"] == serial
    assert f'"bundle_serial": {serial}' in text


def test_key_in_the_usb_reader(site: EmulatedSite) -> None:
    staff = next(s for s in site.demo.staff.values() if s.key_id is not None)
    assert staff.key_id is not None
    with site.lock:
        site.reader.insert(site.keys[staff.key_id])
    try:
        answer = json.dumps(_diag("key", "--port", site.reader.path))
    finally:
        with site.lock:
            site.reader.remove()
    assert f'"key_id": {staff.key_id}' in answer
