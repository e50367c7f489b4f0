"""The station's uplink over TLS to the real back office, with a test CA.

The back office serves https on loopback with a certificate from the test CA
(tests/tls_pki.py); the station's signed configuration carries that CA
(``backoffice_ca``) and ``firmware.startup.uplink_tls_context`` turns it into
the context the uplink uses. Trusted: heartbeat, bundle and upload go through.
A station configured with another CA refuses the certificate, stays offline
and says why. The same run is made on the MicroPython unix port, whose TLS
(mbedTLS) is the one boards have.
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware import station_config
from firmware.startup import uplink_tls_context
from firmware.uplink import BAD_ANSWER
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site
from tests.firmware.test_uplink_cpython import LiveBackOffice, Station, _authority_keys
from tests.host.backoffice import conftest as backoffice_fixtures
from tests.host.backoffice.conftest import Clock, World
from tests.test_on_micropython import ROOT, micropython_command
from tests.tls_pki import Pki, make_pki


@pytest.fixture
def database() -> None:
    """The back office on SQLite only: these test the station's side of the uplink; the
    back office's own tests run it on both engines (tests/host/conftest.py)."""
    return None


clock = backoffice_fixtures.clock
site = backoffice_fixtures.site
office = backoffice_fixtures.office
admin = backoffice_fixtures.admin
world = backoffice_fixtures.world


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_backoffice(site: Site, clock: Clock, world: World, pki: Pki) -> Iterator[LiveBackOffice]:
    live = LiveBackOffice(site, clock, tls=pki.server)
    live.start()
    yield live
    live.stop()


def _config(url: str, world: World, ca_der: bytes) -> dict[str, object]:
    """What the uplink reads of station.json, checked by the station's own loader."""
    return station_config.check_fields(
        {
            "format": 1,
            "station_id": world.station_a,
            "unit_id": world.unit_a,
            "backoffice_url": url,
            "credential": world.credential_a,
            "authority_keys": ["00" * 32],
            "support_contact": "Bemanningen 010-123",
            "backoffice_ca": base64.b64encode(ca_der).decode(),
        }
    )


def _tls_station(
    tmp_path: Path,
    backoffice: LiveBackOffice,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
    context: object,
) -> Station:
    return Station(
        tmp_path / "flash",
        backoffice.url,
        world,
        _authority_keys(office, admin),
        clock,
        ssl_context=context,
    )


def test_the_uplink_trusts_the_configured_ca(
    tmp_path: Path,
    tls_backoffice: LiveBackOffice,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
    pki: Pki,
) -> None:
    assert tls_backoffice.url.startswith("https://")
    context = uplink_tls_context(_config(tls_backoffice.url, world, pki.ca_der))
    station = _tls_station(tmp_path, tls_backoffice, office, admin, world, clock, context)
    assert station.drain() == ["heartbeat", "bundle", "upload"]
    assert station.uplink.online and station.uplink.last_error is None
    assert station.cache.serial >= 1


def test_a_certificate_from_another_ca_is_refused(
    tmp_path: Path,
    tls_backoffice: LiveBackOffice,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
    pki: Pki,
) -> None:
    context = uplink_tls_context(_config(tls_backoffice.url, world, pki.stranger_ca_der))
    station = _tls_station(tmp_path, tls_backoffice, office, admin, world, clock, context)
    station.drain()
    assert not station.uplink.online
    assert station.uplink.last_error == BAD_ANSWER
    assert "TLS handshake" in station.uplink.last_error_detail
    assert station.cache.header is None  # nothing fetched from a server it cannot trust


_MICROPYTHON_STATION = """
import json, sys
sys.path.insert(0, ".")
from firmware import station_config
from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.startup import uplink_tls_context
from firmware.storage import DirStorage
from firmware.uplink import Uplink

class Joined:
    def isconnected(self):
        return True
    def connect(self, timeout_ms):
        return True

given = json.loads(open(sys.argv[1]).read())
for name in ("trusted", "stranger"):
    config = station_config.check_fields(given[name])
    clock = ManualClock(given["now"])
    log = Log(clock, 100)
    storage = DirStorage(given["flash"] + "/" + name)
    keys = [bytes.fromhex(k) for k in given["authority_keys"]]
    cache = BundleCache(storage, config["station_id"], config["unit_id"], keys, log)
    uplink = Uplink(config, cache, Outbox(storage, log), clock, log, Joined(),
                    random=lambda: 0.5, timeout_s=5,
                    ssl_context=uplink_tls_context(config))
    done = []
    for _ in range(10):
        what = uplink.poll()
        if what is None:
            break
        done.append(what)
    print(name, uplink.online, cache.serial >= 1, uplink.last_error)
"""


def test_the_uplink_over_tls_on_micropython(
    tmp_path: Path,
    tls_backoffice: LiveBackOffice,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
    pki: Pki,
) -> None:
    flash = tmp_path / "flash"
    for name in ("trusted", "stranger"):
        (flash / name).mkdir(parents=True)
    given = {
        "trusted": _config(tls_backoffice.url, world, pki.ca_der),
        "stranger": _config(tls_backoffice.url, world, pki.stranger_ca_der),
        "authority_keys": [key.hex() for key in _authority_keys(office, admin)],
        "now": clock.now,
        "flash": str(flash),
    }
    (tmp_path / "given.json").write_text(json.dumps(given))
    script = tmp_path / "station.py"
    script.write_text(_MICROPYTHON_STATION)
    result = subprocess.run(
        [micropython_command(), str(script), str(tmp_path / "given.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [
        line for line in result.stdout.splitlines() if line.startswith(("trusted", "stranger"))
    ]
    assert lines == ["trusted True True None", f"stranger False False {BAD_ANSWER}"], result.stdout
