"""firmware.uplink against the real back office (FastAPI + SQLite) over real sockets on loopback.

The back office's fixtures (tests/host/backoffice/conftest.py: a site, a
populated world with units, staff, keys and locks with their secrets, a
movable clock) are reused; the server here can be stopped and started again
on the same port, so that the station sees it go away for days and come
back. The station's HTTP client is hw.http_client.request. Its ticks and
both clocks move by hand; nothing waits for real time except the sockets.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from firmware.bundle_cache import REJECT_UNKNOWN_AUTHORITY, BundleCache
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.protocol_constants import (
    REASON_BUNDLE_INSTALLED,
    REASON_BUNDLE_REJECTED,
    REASON_SYNC_OK,
)
from firmware.record_encoders import encode_record
from firmware.station_events import lock_event, station_event
from firmware.storage import DirStorage
from firmware.uplink import CREDENTIAL_REFUSED, UNREACHABLE, Uplink
from host.backoffice.models import AuditEvent, SyncEvent
from host.backoffice.models import Station as StationRow
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site
from host.backoffice.threaded_server import ThreadedServer
from hw.http_client import request
from tests.firmware.key_double import Ticks
from tests.host.backoffice import conftest as backoffice_fixtures
from tests.host.backoffice.builders import lock_event as maced_event
from tests.host.backoffice.conftest import Clock, World
from tests.tls_pki import HOST as TLS_HOST
from tests.tls_pki import ServerFiles

# The back office's fixtures, by the names the tests ask for.


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

DAY = 86_400


class LiveBackOffice:
    """The station API in uvicorn on 127.0.0.1; ``stop()`` and ``start()`` keep the port."""

    def __init__(self, site: Site, clock: Clock, tls: ServerFiles | None = None) -> None:
        self.site = site
        self.clock = clock
        self.port = 0
        self._tls = tls
        self._server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        if self._tls is not None:
            return f"https://{TLS_HOST}:{self.port}"
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Serve (again) on the same port as before, once it has one."""
        files = self._tls
        self._server = ThreadedServer(
            self.site,
            self.clock,
            port=self.port,
            ssl_certfile=str(files.certfile) if files else None,
            ssl_keyfile=str(files.keyfile) if files else None,
        )
        self._server.start()
        self.port = self._server.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = None


@pytest.fixture
def backoffice(site: Site, clock: Clock, world: World) -> Iterator[LiveBackOffice]:
    live = LiveBackOffice(site, clock)
    live.start()
    yield live
    live.stop()


class AlwaysJoined:
    """The host's network: there is nothing to join (the server going away is the outage)."""

    def isconnected(self) -> bool:
        return True

    def connect(self, timeout_ms: int) -> bool:
        return True


class Station:
    """A station's storage, bundle cache, outbox and uplink on the back office's time line."""

    def __init__(
        self,
        root: Path,
        url: str,
        world: World,
        authority_keys: list[bytes],
        server_clock: Clock,
        credential: str | None = None,
        http: Callable[..., tuple[int, dict[str, str], bytes]] = request,
        ssl_context: Any = None,
    ) -> None:
        self.ticks = Ticks(0)
        self.server_clock = server_clock
        self.clock = ManualClock(server_clock.now - 5_000)  # wrong until the back office says
        self.log = Log(self.clock, capacity=1000)
        storage = DirStorage(str(root))
        self.cache = BundleCache(storage, world.station_a, world.unit_a, authority_keys, self.log)
        self.outbox = Outbox(storage, self.log)
        config = {
            "format": 1,
            "station_id": world.station_a,
            "unit_id": world.unit_a,
            "backoffice_url": url,
            "credential": credential or world.credential_a,
        }
        self.uplink = Uplink(
            config,
            self.cache,
            self.outbox,
            self.clock,
            self.log,
            AlwaysJoined(),
            http=http,
            ticks=self.ticks,
            random=lambda: 0.5,
            timeout_s=5,
            ssl_context=ssl_context,
        )
        self.world = world
        self.next_seq = {1: 1, 2: 1, 4: 1}

    @property
    def ms(self) -> int:
        return self.ticks.now

    def advance(self, ms: int) -> None:
        before = self.ms // 1000
        self.ticks.now += ms
        moved = self.ms // 1000 - before
        self.clock.advance(moved)
        self.server_clock.advance(moved)

    def drain(self) -> list[str]:
        done = []
        for _ in range(200):
            what = self.uplink.poll()
            if what is None:
                return done
            done.append(what)
        raise AssertionError(f"the uplink never rests: {done[-10:]}")

    def run_for(self, seconds: int, each_hour: Callable[[], None] | None = None) -> None:
        end = self.ms + seconds * 1000
        next_hour = self.ms + 3_600_000
        while True:
            self.drain()
            if each_hour is not None and self.ms >= next_hour:
                each_hour()
                next_hour += 3_600_000
                continue
            step = min(max(self.uplink.wait_ms(), 1), end - self.ms, next_hour - self.ms)
            if step <= 0:
                return
            self.advance(step)

    def sync(self, key_id: int = 101) -> list[tuple[int, int]]:
        """What a key session stores: lock events MACed by unit A's locks, then SYNC_OK."""
        now = self.clock.now()
        made = []
        records = []
        for lock_id in (1, 2, 4):
            seq = self.next_seq[lock_id]
            self.next_seq[lock_id] += 1
            event = maced_event(self.world.secrets[lock_id], lock_id, key_id, seq, now - 600)
            records.append(lock_event(encode_record("audit_event", event), now))
            made.append((lock_id, seq))
        records.append(station_event(key_id, now, REASON_SYNC_OK, self.cache.serial))
        self.outbox.append(records)
        return made

    def log_text(self) -> str:
        return self.log.tail(1, 1_000_000)[2]


def _authority_keys(office: BackOffice, admin: Actor) -> list[bytes]:
    return [bytes.fromhex(k["public_key"]) for k in office.list_authority_keys(admin)]


def _audit_events(site: Site, station_id: int) -> list[tuple[int, int]]:
    with site.sessions() as session:
        rows = session.execute(
            select(AuditEvent.lock_id, AuditEvent.lock_seq).where(
                AuditEvent.station_id == station_id
            )
        )
        return sorted((lock, seq) for lock, seq in rows)


def _sync_events(site: Site, station_id: int) -> list[tuple[int, int, int]]:
    with site.sessions() as session:
        rows = session.execute(
            select(SyncEvent.outbox_index, SyncEvent.reason, SyncEvent.detail)
            .where(SyncEvent.station_id == station_id)
            .order_by(SyncEvent.outbox_index)
        )
        return [(index, reason, detail) for index, reason, detail in rows]


def _last_status(site: Site, station_id: int) -> dict[str, Any]:
    with site.sessions() as session:
        station = session.get(StationRow, station_id)
        assert station is not None and station.last_status is not None
        return dict(station.last_status)


def test_bundle_verifies_and_lock_events_reach_the_database(
    tmp_path: Path,
    backoffice: LiveBackOffice,
    site: Site,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
) -> None:
    station = Station(
        tmp_path / "flash", backoffice.url, world, _authority_keys(office, admin), clock
    )
    assert station.drain() == ["heartbeat", "bundle", "upload"]
    assert station.uplink.online and station.uplink.last_error is None
    assert station.clock.now() == clock.now  # set from the heartbeat's time
    header = station.cache.header
    assert header is not None and station.cache.serial >= 1
    assert station.cache.key(world.key_a1) is not None  # unit A's staff, nobody else's
    assert station.cache.key(world.key_b1) is None
    station.cache.permission_set_for(world.key_a1, station.clock.now())
    serial = station.cache.serial

    made = station.sync() + station.sync(world.key_a2)
    assert station.drain() == ["upload"]
    assert _audit_events(site, world.station_a) == sorted(made)
    assert _sync_events(site, world.station_a) == [
        (1, REASON_BUNDLE_INSTALLED, serial),
        (5, REASON_SYNC_OK, serial),
        (9, REASON_SYNC_OK, serial),
    ]
    assert station.outbox.records() == 0
    assert station.uplink.last_upload == station.clock.now()

    station.run_for(300)  # heartbeats, then the bundle asked for by serial: unchanged
    assert station.cache.serial == serial
    assert [r[1] for r in _sync_events(site, world.station_a)].count(REASON_BUNDLE_INSTALLED) == 1
    status = _last_status(site, world.station_a)
    assert (status["station_id"], status["unit_id"]) == (world.station_a, world.unit_a)
    assert status["bundle_serial"] == serial and status["online"] == 1
    assert status["outbox_records"] == 0


def test_an_upload_repeated_after_a_lost_acknowledgement_is_stored_once(
    tmp_path: Path,
    backoffice: LiveBackOffice,
    site: Site,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
) -> None:
    lost = []

    def loses_one_answer(
        method: str, url: str, headers: dict[str, str], body: bytes, timeout: float, **kw: Any
    ) -> tuple[int, dict[str, str], bytes]:
        answer = request(method, url, headers, body, timeout, **kw)
        if url.endswith("/audit") and not lost:
            lost.append(answer)
            raise OSError(errno.ETIMEDOUT, "timed out after the back office committed")
        return answer

    station = Station(
        tmp_path / "flash",
        backoffice.url,
        world,
        _authority_keys(office, admin),
        clock,
        http=loses_one_answer,
    )
    made = station.sync() + station.sync()
    station.drain()
    assert lost and not station.uplink.online
    assert station.outbox.records() == 9  # the acknowledgement never came: all kept
    assert _audit_events(site, world.station_a) == sorted(made)  # but they were stored
    station.run_for(30)
    assert station.outbox.records() == 0
    assert _audit_events(site, world.station_a) == sorted(made)  # once
    assert len(_sync_events(site, world.station_a)) == 3  # two syncs, the bundle installed
    assert "duplicates 9" in station.log_text()  # the repeat: 6 lock events, 3 station events


def test_server_away_for_days_then_everything_queued_goes_up(
    tmp_path: Path,
    backoffice: LiveBackOffice,
    site: Site,
    office: BackOffice,
    admin: Actor,
    world: World,
    clock: Clock,
) -> None:
    station = Station(
        tmp_path / "flash", backoffice.url, world, _authority_keys(office, admin), clock
    )
    station.drain()
    first_serial = station.cache.serial
    made = station.sync()
    station.drain()

    backoffice.stop()
    made += station.sync()
    station.run_for(3 * DAY, each_hour=lambda: made.extend(station.sync()))
    assert not station.uplink.online
    assert station.uplink.last_error == UNREACHABLE
    assert station.outbox.records() == (1 + 72) * 4  # every sync kept, nothing lost
    assert station.uplink.wait_ms() <= 600_000
    assert station.uplink.failures > 400  # one attempt per 10 minutes, not a flood
    assert station.uplink.failures < 3 * DAY // 450  # waits of 10 minutes less jitter
    assert station.cache.margin_s(station.clock.now()) > 0  # still serving keys
    assert len(_audit_events(site, world.station_a)) == 3

    backoffice.start()
    station.run_for(600)
    assert station.uplink.online and station.uplink.last_error is None
    assert station.outbox.records() == 0
    assert _audit_events(site, world.station_a) == sorted(made)
    assert station.cache.serial > first_serial  # three days on: a new bundle, verified
    assert station.clock.now() == clock.now
    reasons = [reason for _, reason, _ in _sync_events(site, world.station_a)]
    assert reasons.count(REASON_SYNC_OK) == 1 + 1 + 72
    assert reasons.count(REASON_BUNDLE_INSTALLED) == 2
    assert "reachable again after" in station.log_text()


def test_a_bundle_from_an_unknown_authority_is_refused_reported_and_not_fetched_again(
    tmp_path: Path,
    backoffice: LiveBackOffice,
    site: Site,
    world: World,
    clock: Clock,
) -> None:
    station = Station(tmp_path / "flash", backoffice.url, world, [bytes(range(32))], clock)
    assert station.drain() == ["heartbeat", "bundle", "upload"]
    assert not station.cache.loaded
    assert station.uplink.bundle_rejected == REJECT_UNKNOWN_AUTHORITY
    assert _sync_events(site, world.station_a) == [
        (1, REASON_BUNDLE_REJECTED, REJECT_UNKNOWN_AUTHORITY)
    ]
    station.run_for(600)  # asked twice more with the refused ETag: 304, no second report
    assert len(_sync_events(site, world.station_a)) == 1
    assert "rejected" in station.log_text()


def test_a_wrong_credential_is_named_and_retried_at_the_cap(
    tmp_path: Path, backoffice: LiveBackOffice, world: World, clock: Clock
) -> None:
    station = Station(
        tmp_path / "flash", backoffice.url, world, [], clock, credential="not-the-credential"
    )
    assert station.drain() == ["heartbeat"]
    assert station.uplink.last_error == CREDENTIAL_REFUSED
    assert "HTTP 401" in station.uplink.last_error_detail
    assert station.uplink.wait_ms() == 600_000 - 75_000  # the cap, less the jitter
