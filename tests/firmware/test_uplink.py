"""firmware.uplink against a fake back office that checks every request against SPEC.md 9.

``FakeBackOffice`` is the ``http`` callable: it records each request, checks
method, path, headers and body layout (decoded with firmware.records), and
answers as section 9 says (bundle with ETag or 304, JSON acknowledgement only
for what it holds, heartbeat with ``time``), unless a test scripted other
answers or took it down. Monotonic ticks and both clocks (the station's and
the back office's) move together through ``World``; nothing sleeps.
"""

import errno
import json

from firmware.backoff import Backoff
from firmware.bundle_cache import (
    REJECT_BAD_HASH,
    REJECT_UNKNOWN_AUTHORITY,
    BundleCache,
)
from firmware.bundle_format import bundle_header
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.protocol_constants import (
    REASON_BUNDLE_INSTALLED,
    REASON_BUNDLE_REJECTED,
    REASON_SYNC_OK,
    STATION_FLAG_CACHE_EXPIRED,
    STATION_FLAG_CLOCK_NOT_SET,
    STATION_FLAG_OUTBOX_FULL,
)
from firmware.record_encoders import encode_record
from firmware.records import decode_record
from firmware.station_events import lock_event, station_event
from firmware.storage import DirStorage
from firmware.uplink import (
    BAD_ANSWER,
    BUNDLE_REJECTED,
    CREDENTIAL_REFUSED,
    NO_NETWORK,
    REFUSED,
    SERVER_ERROR,
    UNREACHABLE,
    Uplink,
)
from hw.http_client import HttpError
from tests.firmware import fixtures as fx
from tests.firmware.key_double import Ticks
from tests.firmware.power_cut import RamFiles

SERIAL1 = fx.read("bundle_serial1.bin")
SERIAL2 = fx.read("bundle_serial2.bin")
FOREIGN = fx.read("bundle_unknown_authority.bin")  # serial 3, another authority

URL = "https://bo.example"
CREDENTIAL = "c2VjcmV0LXN0YXRpb24tNw"
CONFIG = {
    "format": 1,
    "station_id": fx.STATION_ID,
    "unit_id": fx.UNIT_ID,
    "backoffice_url": URL,
    "credential": CREDENTIAL,
}
PREFIX = URL + "/api/v1/stations/%d/" % fx.STATION_ID
BUNDLE_BUDGET = 73628  # SPEC.md 8.4: 100 keys x 8 days
U32 = 0xFFFFFFFF


def _json_answer(status, fields):
    return status, {"content-type": "application/json"}, json.dumps(fields).encode()


class FakeBackOffice:
    def __init__(self, world, bundle=SERIAL1):
        self.world = world
        self.bundle = bundle
        self.skew = 0  # seconds the back office's clock is ahead of the world's
        self.credential = CREDENTIAL
        self.down = None  # an exception every request raises
        self.script = []  # answers (tuples) or exceptions given before the routes
        self.ack_limit = None  # acknowledge at most through this index
        self.requests = []
        self.uploads = []  # decoded upload batches, in arrival order
        self.heartbeats = []
        self.station_events = {}  # outbox index -> record
        self.lock_events = {}  # (lock_id, lock_seq) -> record
        self.piece = 512  # bytes of a streamed body per piece
        self.streamed = 0  # pieces the last streamed body was handed over in

    def serial(self):
        return bundle_header(self.bundle)["serial"]

    def __call__(self, method, url, headers, body, timeout, **options):
        sink = options.pop("sink", None)
        status, answer_headers, answer = self._answer(method, url, headers, body, timeout, options)
        if sink is None or status != 200:
            return status, answer_headers, answer
        # As hw.http_client streams a 200 body: in pieces, until the sink wants no more.
        self.streamed = 0
        view = memoryview(answer)
        for at in range(0, len(view), self.piece):
            self.streamed += 1
            if sink(view[at : at + self.piece]):
                break
        return status, answer_headers, b""

    def _answer(self, method, url, headers, body, timeout, options):
        assert url.startswith(PREFIX), url
        path = url[len(PREFIX) :]
        assert 0 < timeout <= 30
        assert set(options) <= {"max_body", "ssl_context"}, options
        self.requests.append((method, path, dict(headers), bytes(body)))
        if self.down is not None:
            raise self.down
        if self.script:
            answer = self.script.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        if headers.get("Authorization") != "Bearer " + self.credential:
            return _json_answer(401, {"error": "unauthorized", "message": "Okänd / Unknown"})
        if path == "bundle":
            return self._bundle(method, headers, body, options)
        if path == "audit":
            return self._audit(method, headers, body)
        if path == "heartbeat":
            return self._heartbeat(method, headers, body)
        return _json_answer(404, {"error": "not_found", "message": "Finns inte / Not found"})

    def _bundle(self, method, headers, body, options):
        assert method == "GET" and body == b""
        assert options["max_body"] >= BUNDLE_BUDGET, "the client would refuse a full bundle"
        etag = '"%d"' % self.serial()
        answer_headers = {"etag": etag, "cache-control": "no-cache"}
        tags = [t.strip() for t in headers.get("If-None-Match", "").split(",") if t.strip()]
        for tag in tags:
            assert tag[0] == '"' and tag[-1] == '"' and tag[1:-1].isdigit(), tag
        if etag in tags:
            return 304, answer_headers, b""
        answer_headers["content-type"] = "application/octet-stream"
        return 200, answer_headers, self.bundle

    def _audit(self, method, headers, body):
        assert method == "POST"
        assert headers["Content-Type"] == "application/octet-stream"
        assert len(body) <= 64 * 1024
        batch = decode_record("upload_batch", body)
        assert batch["station_id"] == fx.STATION_ID and batch["records"]
        self.uploads.append(batch)
        stored = duplicates = 0
        for offset, record in enumerate(batch["records"]):
            if record["kind"] == 1:
                event = record["event"]
                where = (event["lock_id"], event["lock_seq"])
                table = self.lock_events
            else:
                where = batch["first_index"] + offset
                table = self.station_events
            if where in table:
                duplicates += 1
            else:
                table[where] = record
                stored += 1
        last = batch["first_index"] + len(batch["records"]) - 1
        if self.ack_limit is not None:
            last = min(last, self.ack_limit)
        return _json_answer(
            200,
            {"acked_through": last, "stored": stored, "duplicates": duplicates, "rejected": 0},
        )

    def _heartbeat(self, method, headers, body):
        assert method == "POST"
        assert headers["Content-Type"] == "application/json"
        status = json.loads(body.decode())
        for name, value in status.items():
            assert isinstance(value, int) and 0 <= value <= U32, (name, value)
        assert status["station_id"] == fx.STATION_ID
        self.heartbeats.append(status)
        return _json_answer(200, {"time": self.world.back_office.now() + self.skew})

    def paths(self):
        return [path for _, path, _, _ in self.requests]


class Network:
    def __init__(self, connected=True):
        self.connected = connected
        self.joinable = True
        self.connects = 0

    def isconnected(self) -> bool:
        return self.connected

    def connect(self, timeout_ms: int) -> bool:
        self.connects += 1
        self.connected = self.joinable
        return self.connected


class World:
    """A station (cache, outbox, uplink) and a fake back office on one time line."""

    def __init__(
        self,
        bundle=SERIAL1,
        network=None,
        random=None,
        batch_records=200,
        no_network=False,
        ticks=None,
        **uplink_options,
    ):
        self.ticks = ticks or Ticks(0)  # the station's monotonic counter; it wraps
        self.clock = ManualClock(fx.EPOCH)  # the station's; the uplink may set it
        self.back_office = ManualClock(fx.EPOCH)
        self.log = Log(self.clock, capacity=1000)
        self.files = RamFiles()
        storage = DirStorage("/flash", files=self.files)
        self.cache = BundleCache(
            storage, fx.STATION_ID, fx.UNIT_ID, [fx.AUTHORITY_PUBLIC], self.log
        )
        self.outbox = Outbox(storage, self.log)
        self.server = FakeBackOffice(self, bundle)
        self.network = None if no_network else (network or Network())
        self.uplink = Uplink(
            CONFIG,
            self.cache,
            self.outbox,
            self.clock,
            self.log,
            self.network,
            http=self.server,
            ticks=self.ticks,
            random=random or (lambda: 0.0),
            batch_records=batch_records,
            **uplink_options,
        )

    @property
    def ms(self):
        """Milliseconds since the world began (the station's ticks are these, wrapped)."""
        return self.ticks.now

    def advance(self, seconds):
        self.advance_ms(seconds * 1000)

    def advance_ms(self, ms):
        before = self.ms // 1000
        self.ticks.now += ms
        moved = self.ms // 1000 - before
        self.clock.advance(moved)
        self.back_office.advance(moved)

    def drain(self, limit=500):
        """Poll until nothing is due now; the actions taken."""
        done = []
        for _ in range(limit):
            what = self.uplink.poll()
            if what is None:
                return done
            done.append(what)
        raise AssertionError("the uplink never rests: %r" % done[-10:])

    def run_for(self, seconds, each_hour=None):
        """Let time pass, polling whenever something is due; ``each_hour()`` once an hour."""
        end = self.ms + seconds * 1000
        next_hour = self.ms + 3600 * 1000
        while True:
            self.drain()
            if each_hour is not None and self.ms >= next_hour:
                each_hour()
                next_hour += 3600 * 1000
                continue
            step = min(max(self.uplink.wait_ms(), 1), end - self.ms, next_hour - self.ms)
            if step <= 0:
                return
            self.advance_ms(step)

    def log_text(self):
        return self.log.tail(1, 100000)[2]

    def pending(self):
        return [decode_record("outbox_record", r) for r in self.outbox.pending(10000)[1]]


def _lock_event(seq, lock_id=100, key_id=10, time=fx.EPOCH):
    return {
        "format": 1,
        "outcome": 0,
        "lock_id": lock_id,
        "key_id": key_id,
        "time": time,
        "lock_seq": seq,
        "mac": bytes([seq % 256]) * 16,
    }


def _sync(world, first_seq, count, key_id=10):
    """What a key session stores: the key's lock events and a SYNC_OK."""
    now = world.clock.now()
    records = [
        lock_event(encode_record("audit_event", _lock_event(s, key_id=key_id, time=now - 60)), now)
        for s in range(first_seq, first_seq + count)
    ]
    records.append(station_event(key_id, now, REASON_SYNC_OK, 1))
    world.outbox.append(records)


def _reported(world):
    """(reason, detail) of the station events: those at the back office, then those waiting."""
    held = world.server.station_events
    records = [held[i] for i in sorted(held)] + world.pending()
    return [(r["reason"], r["detail"]) for r in records if r["kind"] == 2]


# -- bundle ---------------------------------------------------------------------------


def test_first_poll_sends_a_heartbeat_then_pulls_and_installs_the_bundle():
    world = World()
    assert world.drain() == ["heartbeat", "bundle", "upload"]  # then BUNDLE_INSTALLED goes up
    (method, path, _, _), (method2, path2, headers2, _) = world.server.requests[:2]
    assert (method, path, method2, path2) == ("POST", "heartbeat", "GET", "bundle")
    assert "If-None-Match" not in headers2  # nothing cached yet
    assert world.cache.serial == 1
    assert _reported(world) == [(REASON_BUNDLE_INSTALLED, 1)]
    assert world.uplink.online and world.uplink.last_error is None
    assert world.uplink.last_success == world.clock.now()
    first = world.server.heartbeats[0]
    assert (first["unit_id"], first["online"], first["bundle_serial"]) == (fx.UNIT_ID, 0, 0)
    assert first["flags"] == 0  # no bundle yet is not an expired one; the clock is set


def test_every_request_carries_the_station_credential():
    world = World()
    _sync(world, 1, 2)
    world.run_for(900)
    assert set(world.server.paths()) == {"heartbeat", "bundle", "audit"}
    for _, _, headers, _ in world.server.requests:
        assert headers["Authorization"] == "Bearer " + CREDENTIAL


def test_the_bundle_is_asked_for_every_5_minutes_by_serial_and_304_keeps_it():
    world = World()
    world.drain()
    world.server.requests.clear()
    world.run_for(299)
    assert "bundle" not in world.server.paths()
    world.run_for(1)
    bundle_requests = [r for r in world.server.requests if r[1] == "bundle"]
    assert len(bundle_requests) == 1
    assert bundle_requests[0][2]["If-None-Match"] == '"1"'
    assert world.cache.serial == 1
    assert _reported(world) == [(REASON_BUNDLE_INSTALLED, 1)]  # no second event
    assert world.uplink.online


def test_a_newer_bundle_replaces_the_cached_one():
    world = World()
    world.drain()
    world.server.bundle = SERIAL2
    world.run_for(300)
    assert world.cache.serial == 2
    assert _reported(world)[-1] == (REASON_BUNDLE_INSTALLED, 2)


def test_a_rejected_bundle_keeps_the_old_one_is_reported_once_and_not_fetched_again():
    world = World()
    world.drain()
    world.server.bundle = FOREIGN
    world.run_for(300)
    assert world.cache.serial == 1
    assert world.uplink.bundle_rejected == REJECT_UNKNOWN_AUTHORITY
    assert world.uplink.last_error == BUNDLE_REJECTED
    assert world.uplink.online  # the back office answered: not an outage
    assert _reported(world)[-1] == (REASON_BUNDLE_REJECTED, REJECT_UNKNOWN_AUTHORITY)
    assert "rejected" in world.log_text()
    downloads = [r for r in world.server.requests if r[1] == "bundle"]
    world.run_for(3 * 300)
    later = [r for r in world.server.requests if r[1] == "bundle"][len(downloads) :]
    assert len(later) == 3
    assert all(r[2]["If-None-Match"] == '"1", "3"' for r in later)  # answered 304
    assert [r for r in _reported(world) if r[0] == REASON_BUNDLE_REJECTED] == [
        (REASON_BUNDLE_REJECTED, REJECT_UNKNOWN_AUTHORITY)
    ]
    assert world.uplink.last_error == BUNDLE_REJECTED  # a 304 for the bad one cures nothing
    world.server.bundle = SERIAL2
    world.run_for(300)
    assert world.cache.serial == 2
    assert (world.uplink.bundle_rejected, world.uplink.last_error) == (0, None)


def test_a_damaged_bundle_is_rejected_and_the_cached_one_stays_in_use():
    world = World()
    world.drain()
    damaged = bytearray(SERIAL2)
    damaged[-5] ^= 0xFF
    world.server.bundle = bytes(damaged)
    world.run_for(300)
    assert world.cache.serial == 1
    assert world.uplink.bundle_rejected == REJECT_BAD_HASH
    world.cache.permission_set_for(10, world.clock.now())  # still serving keys


def test_the_bundle_streams_to_flash_in_pieces():
    world = World()
    world.server.piece = 100
    world.drain()
    assert world.cache.serial == 1
    assert world.server.streamed == (len(SERIAL1) + 99) // 100  # all of it, piece by piece
    assert not [p for p in world.files.files if p.endswith(".tmp")]


def test_a_bundle_refused_by_its_head_is_not_downloaded_further():
    world = World()
    world.drain()
    world.server.bundle = FOREIGN
    world.server.piece = 300  # the head (284 bytes) is in the first piece
    world.run_for(300)
    assert world.uplink.bundle_rejected == REJECT_UNKNOWN_AUTHORITY
    assert world.server.streamed == 1
    assert world.cache.serial == 1
    assert not [p for p in world.files.files if p.endswith(".tmp")]


def test_a_download_cut_short_leaves_the_old_bundle_and_nothing_else():
    world = World()
    world.drain()
    real = world.server

    def cut_short(method, url, headers, body, timeout, **options):
        sink = options.get("sink")
        if sink is None:
            return real(method, url, headers, body, timeout, **options)
        real.requests.append((method, "bundle", dict(headers), b""))
        sink(memoryview(SERIAL2)[:1000])
        raise HttpError("response cut short: 1000 of %d bytes" % len(SERIAL2))

    world.uplink._http = cut_short
    world.run_for(300)
    assert world.cache.serial == 1
    assert world.uplink.last_error == BAD_ANSWER
    assert not [p for p in world.files.files if p.endswith(".tmp")]
    world.uplink._http = real
    world.server.bundle = SERIAL2
    world.run_for(600)
    assert world.cache.serial == 2


# -- outbox ---------------------------------------------------------------------------


def test_the_outbox_goes_up_in_the_upload_layout_and_only_acknowledged_records_leave():
    world = World()
    world.drain()  # outbox index 1 (BUNDLE_INSTALLED) is up already
    world.advance(30)
    _sync(world, 1, 4)  # indexes 2-5 lock events, 6 SYNC_OK
    sent = world.outbox.pending()[1]
    world.server.ack_limit = 3
    assert world.drain() == ["upload", "upload"]
    first, second = world.server.uploads[1:]
    assert (first["first_index"], len(first["records"])) == (2, 5)
    assert [encode_record("outbox_record", r) for r in first["records"]] == sent
    assert (second["first_index"], len(second["records"])) == (4, 3)  # the rest, again
    assert world.outbox.acked_through == 3
    assert world.outbox.records() == 3
    assert world.uplink.last_upload == world.clock.now()
    assert world.uplink.last_error == REFUSED  # the second confirmed nothing: it waits
    world.server.ack_limit = None
    world.run_for(10)
    assert world.outbox.records() == 0
    assert world.outbox.acked_through == 6
    assert world.uplink.last_error is None


def test_an_acknowledgement_that_is_garbage_or_confirms_nothing_removes_nothing():
    world = World()
    world.drain()
    _sync(world, 1, 2)  # indexes 2-4
    world.server.script = [
        (200, {}, b"<html>proxy login</html>"),
        _json_answer(200, {"acked_through": 1, "stored": 0}),
        _json_answer(200, {"acked_through": "4"}),
    ]
    assert world.drain() == ["upload"]
    assert world.outbox.records() == 3
    assert (world.uplink.online, world.uplink.last_error) == (False, BAD_ANSWER)
    world.advance(5)
    assert world.drain() == ["upload"]
    assert world.outbox.records() == 3
    assert (world.uplink.online, world.uplink.last_error) == (True, REFUSED)
    world.advance(5)
    assert world.drain() == ["upload"]
    assert world.outbox.records() == 3
    assert world.uplink.last_error == BAD_ANSWER
    world.advance(5)
    assert world.drain() == ["upload"]
    assert world.outbox.records() == 0
    assert world.uplink.online and world.uplink.last_error is None


def test_a_refused_upload_holds_back_only_the_upload():
    world = World()
    world.drain()
    world.server.requests.clear()
    _sync(world, 1, 1)
    refusal = _json_answer(400, {"error": "invalid", "message": "Felaktig / Malformed"})
    world.server.script = [refusal, refusal, refusal]
    world.run_for(60)
    assert world.server.paths() == ["audit"] * 4 + ["heartbeat"]  # at 0, 5, 15, 35 s; 60 s
    assert world.uplink.online  # the back office is there
    assert world.outbox.records() == 0  # the fourth went through
    assert "Malformed" in world.log_text()


def test_a_repeated_upload_after_a_lost_acknowledgement_is_stored_once():
    world = World()
    world.drain()
    _sync(world, 1, 3)
    real = world.server
    lose = [True]

    def lossy(method, url, headers, body, timeout, **options):
        answer = real(method, url, headers, body, timeout, **options)
        if url.endswith("/audit") and lose[0]:
            lose[0] = False
            raise OSError(errno.ETIMEDOUT, "timed out")  # stored there, answer lost
        return answer

    world.uplink._http = lossy
    world.run_for(30)
    assert len(real.uploads) == 3  # BUNDLE_INSTALLED, then the sync twice
    assert real.uploads[1] == real.uploads[2]
    assert len(real.lock_events) == 3 and len(real.station_events) == 2
    assert world.outbox.records() == 0


# -- back-off and errors -----------------------------------------------------------------


def test_back_off_doubles_from_5_seconds_to_10_minutes_and_resets_after_success():
    world = World()
    world.drain()
    world.server.down = OSError(errno.ECONNREFUSED, "refused")
    waits = []
    for _ in range(10):
        world.advance_ms(world.uplink.wait_ms())
        before = len(world.server.requests)
        assert world.drain() == ["heartbeat"]
        assert len(world.server.requests) == before + 1  # one attempt, then quiet
        waits.append(world.uplink.wait_ms())
        world.advance_ms(waits[-1] - 1)
        assert world.drain() == []
    assert waits == [5000, 10000, 20000, 40000, 80000, 160000, 320000, 600000, 600000, 600000]
    assert world.uplink.failures == 10
    assert (world.uplink.online, world.uplink.last_error) == (False, UNREACHABLE)
    world.server.down = None
    world.advance_ms(1)
    assert world.drain() == ["heartbeat", "bundle"]
    assert world.uplink.failures == 0 and world.uplink.online
    assert world.uplink.last_error is None
    assert "reachable again after 10 failed attempts" in world.log_text()
    world.server.down = OSError(errno.ECONNREFUSED, "refused")
    world.run_for(60)
    assert world.uplink.wait_ms() <= 5000  # starts from 5 s again


def test_jitter_shortens_a_wait_by_at_most_a_quarter_and_never_passes_the_cap():
    for fraction in (0.0, 0.3, 0.999999):
        backoff = Backoff(5000, 600000, lambda fraction=fraction: fraction)
        for failures in range(1, 15):
            delay = backoff.failure()
            full = min(600000, 5000 * 2 ** (failures - 1))
            assert full * 3 // 4 <= delay <= full, (fraction, failures, delay)
    world = World(random=lambda: 0.5)
    world.drain()
    world.server.down = OSError(errno.ECONNREFUSED, "refused")
    world.advance(60)
    world.drain()
    assert world.uplink.wait_ms() == 4375


def test_back_off_counts_and_cap():
    backoff = Backoff(5000, 600000, lambda: 0.0)
    assert [backoff.delay_ms(n) for n in (0, 1, 2, 8, 9, 1000)] == [
        0,
        5000,
        10000,
        600000,
        600000,
        600000,
    ]
    assert backoff.failure_at_cap() == 600000 and backoff.failures == 1
    backoff.reset()
    assert backoff.failure() == 5000
    try:
        Backoff(0, 10)
        raise AssertionError("a zero base accepted")
    except ValueError:
        pass


def test_a_refused_credential_is_logged_as_such_and_retried_at_the_cap():
    world = World()
    world.server.credential = "the new one"
    assert world.drain() == ["heartbeat"]
    assert (world.uplink.online, world.uplink.last_error) == (False, CREDENTIAL_REFUSED)
    assert "credential" in world.uplink.last_error_detail
    assert "credential" in world.log_text() and " E " in world.log_text()
    assert world.uplink.wait_ms() == 600000
    world.advance(599)
    assert world.drain() == []
    world.advance(1)
    assert world.drain() == ["heartbeat"]
    world.server.credential = CREDENTIAL
    world.run_for(600)
    assert world.uplink.online and world.cache.serial == 1


def test_server_errors_timeouts_and_garbage_are_outages_that_nothing_escapes():
    answers = [
        ((503, {}, b"Service Unavailable"), SERVER_ERROR),
        (OSError(errno.ETIMEDOUT, "timed out"), UNREACHABLE),
        (OSError(errno.EHOSTUNREACH, "cannot resolve"), UNREACHABLE),
        (HttpError("not an HTTP/1.x status line"), BAD_ANSWER),
        (ValueError("something odd"), BAD_ANSWER),
        ((200, {}, b"\xff\xfe not json"), BAD_ANSWER),
        (_json_answer(200, {"time": "soon"}), BAD_ANSWER),
        (_json_answer(200, {"time": 12}), BAD_ANSWER),
        (_json_answer(200, [1, 2]), BAD_ANSWER),
        ((302, {"location": "http://portal/"}, b""), BAD_ANSWER),
    ]
    for answer, error in answers:
        world = World()
        world.server.script = [answer]
        assert world.drain() == ["heartbeat"], answer
        assert (world.uplink.online, world.uplink.last_error) == (False, error), answer
        assert world.clock.now() == fx.EPOCH
        world.run_for(5)
        assert world.uplink.online and world.cache.serial == 1, answer


def test_a_fault_while_storing_is_logged_and_retried_later():
    world = World()
    world.drain()
    _sync(world, 1, 1)
    files = world.files
    original = files.write

    def broken(path, data, append=False):
        raise OSError(errno.EIO, "flash")

    files.write = broken
    world.drain()  # the acknowledgement cannot be written: the records stay
    assert world.outbox.records() == 2
    assert "flash" in world.log_text()
    files.write = original
    world.run_for(10)
    assert world.outbox.records() == 0
    assert len(world.server.lock_events) == 1  # sent twice, held once


# -- clock -------------------------------------------------------------------------------


def test_the_clock_is_set_when_it_is_off_by_more_than_a_few_seconds():
    world = World()
    world.server.skew = 4
    world.drain()
    assert world.clock.now() == fx.EPOCH  # within the tolerance: left alone
    world.server.skew = 3600
    world.run_for(60)
    assert world.clock.now() == world.back_office.now() + 3600
    assert world.uplink.clock_step == 3600
    assert "clock set by the back office" in world.log_text()
    world.server.skew = -7200
    world.run_for(60)
    assert world.clock.now() == world.back_office.now() - 7200
    # Setting the clock does not disturb the schedule (it runs on ticks).
    world.server.requests.clear()
    world.run_for(300)
    assert world.server.paths().count("heartbeat") == 5


# -- network -----------------------------------------------------------------------------


def test_no_network_is_an_ordinary_offline_state():
    network = Network(connected=False)
    network.joinable = False
    world = World(network=network)
    assert world.drain() == ["connect"]
    assert (world.uplink.online, world.uplink.last_error) == (False, NO_NETWORK)
    assert world.server.requests == []
    world.run_for(3600)
    assert world.server.requests == []
    # at 0, 5, 15, 35, 75, 155, 315, 635 s, then every 600 s: 1235, ..., 3035
    assert network.connects == 12
    network.joinable = True
    world.uplink.retry_now()
    assert world.drain() == ["connect", "heartbeat", "bundle", "upload"]
    assert world.uplink.online


def test_a_station_without_network_never_tries():
    world = World(no_network=True)
    assert world.drain() == []
    assert world.uplink.last_error == NO_NETWORK
    world.run_for(3600)
    assert world.server.requests == []


# -- offline for days ----------------------------------------------------------------------


def test_offline_for_days_then_everything_queued_goes_up_once():
    world = World(batch_records=25)
    world.drain()
    world.server.down = OSError(errno.ECONNREFUSED, "refused")
    seq = [1]

    def shift():
        _sync(world, seq[0], 3)
        seq[0] += 3

    world.run_for(5 * 86400, each_hour=shift)
    assert world.outbox.records() == 120 * 4  # 120 syncs, nothing lost
    assert not world.uplink.online
    attempts = len(world.server.requests)
    assert attempts < 5 * 86400 / 600 + 20  # the cap holds them to one in 10 minutes
    assert world.uplink.wait_ms() <= 600000
    assert world.log_text().count("refused") < 20  # days offline do not flush the log
    world.server.down = None
    world.server.bundle = SERIAL2
    world.server.skew = 90  # the station's clock drifted meanwhile
    world.run_for(600)
    assert world.uplink.online and world.uplink.last_error is None
    assert world.outbox.records() == 0
    assert world.cache.serial == 2
    assert world.clock.now() == world.back_office.now() + 90
    assert len(world.server.lock_events) == 360
    assert sorted(s for _, s in world.server.lock_events) == list(range(1, 361))
    indexes = sorted(world.server.station_events)
    assert indexes[0] == 1 and len(indexes) == 1 + 120 + 1  # + BUNDLE_INSTALLED serial 2
    assert len(world.server.uploads) >= 481 // 25


def test_status_fields_are_the_heartbeat_body_from_the_status_function():
    world = World()
    world.drain()
    _sync(world, 1, 2)
    fields = world.uplink.status_fields()  # the uplink's own Status: no board parts
    assert fields["online"] == 1 and fields["bundle_serial"] == 1
    assert fields["offline_until"] == fx.OFFLINE_UNTIL
    assert fields["outbox_records"] == world.outbox.records()
    assert (fields["firmware"], fields["key_present"], fields["flash_free"]) == (0x0100, 0, 0)
    assert fields["flags"] == 0
    assert fields["clock"] == world.clock.now()
    world.outbox.full = True
    world.clock.set(fx.OFFLINE_UNTIL)
    assert world.uplink.status_fields()["flags"] == (
        STATION_FLAG_OUTBOX_FULL | STATION_FLAG_CACHE_EXPIRED
    )
    world.clock.set(1000)
    assert world.uplink.status_fields()["flags"] & STATION_FLAG_CLOCK_NOT_SET


def test_the_heartbeat_posts_what_the_status_function_returns():
    given = {"station_id": fx.STATION_ID, "unit_id": fx.UNIT_ID, "flags": 4, "uptime_s": -3}
    world = World(status=lambda: dict(given))
    assert world.drain()[0] == "heartbeat"
    assert world.server.heartbeats[0] == dict(given, uptime_s=0)  # each field a u32
