"""The station's uplink to the back office (SPEC.md section 9): heartbeat, bundle, outbox.

The main loop calls ``poll()`` often (every pass); each call does at most one
HTTP exchange, so a key put in meanwhile waits for one request at most (the
timeout), and returns what it did: ``"connect"``, ``"heartbeat"``, ``"bundle"``,
``"upload"`` or None when nothing was due. Nothing raises out of ``poll()``.

What is due, in this order:

- **heartbeat** every minute: ``POST /api/v1/stations/{id}/heartbeat`` with the
  station's status as JSON: what the ``status`` function returns (the station's
  firmware.status.Status ``fields``; the uplink never calls into the station);
  the answer's ``time`` sets the clock
  when it differs from the station's by more than ``clock_tolerance_s``.
- **bundle** every 5 minutes: ``GET .../bundle`` with ``If-None-Match: "<serial>"``
  of the cached bundle; a 200 streams into the bundle cache, which verifies
  it piece by piece as it arrives and writes it to flash (a refused head stops
  the download); the body is never held in RAM. A refused bundle never
  replaces the cached one: it is logged, reported as a ``BUNDLE_REJECTED``
  station event, and its ETag is added to the next requests' If-None-Match
  (RFC 9110 lists), so the same bad bundle is not fetched again every 5
  minutes; a changed one is.
- **upload** while the outbox holds unconfirmed records: ``POST .../audit`` with
  the oldest batch (firmware.audit_upload); records go only up to the
  acknowledged ``acked_through``, one batch per call until the outbox is empty.

Every request carries ``Authorization: Bearer <credential>``.

Offline is a normal state. Failures that every exchange would meet (no
network, connection refused, timeout, an answer that is not HTTP or not the
back office's, HTTP 5xx) set ``online`` False and hold all exchanges back
with an exponential back-off (firmware.backoff: 5 s doubling to 10 minutes,
with jitter); a refused credential (HTTP 401/403) is logged as such and
retried at the cap. A request the back office answers with another 4xx holds
back only that exchange, with its own back-off. The scheduler runs on
monotonic ticks, not on the clock the heartbeat may set.

Status for the display and the service console: ``online``, ``last_success``
(station time, 0 never), ``last_error`` (a name in firmware.messages, or None),
``last_error_detail`` (technical text, English), ``last_error_time``,
``last_upload``, ``failures`` (failed attempts in a row), ``bundle_rejected``
(reason code of the last refused bundle, 0 none).
"""

import json

from firmware.audit_upload import apply_ack, next_batch
from firmware.backoff import Backoff
from firmware.bundle_cache import REJECT_NO_ROOM, BundleRejected
from firmware.protocol_constants import (
    BUNDLE_MAX_SIZE,
    REASON_BUNDLE_INSTALLED,
    REASON_BUNDLE_REJECTED,
)
from firmware.station_events import EventRecorder
from firmware.status import Status
from hw import _port

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Protocol  # read under TYPE_CHECKING only

    from firmware.bundle_cache import BundleCache
    from firmware.log import Log
    from firmware.outbox import Outbox
    from hw._port import TicksSource
    from hw.board import HttpTransport, NetworkPart

    class SettableClock(Protocol):
        """The station's clock: ManualClock, OffsetClock, hw.ds3231.DS3231."""

        def now(self) -> int: ...

        def set(self, __now: int) -> None: ...


HEARTBEAT = "heartbeat"
BUNDLE = "bundle"
UPLOAD = "upload"
CONNECT = "connect"

# last_error: names in firmware.messages
NO_NETWORK = "uplink_no_network"
UNREACHABLE = "uplink_unreachable"
CREDENTIAL_REFUSED = "uplink_credential_refused"
SERVER_ERROR = "uplink_server_error"
BAD_ANSWER = "uplink_bad_answer"
REFUSED = "uplink_refused"
BUNDLE_REJECTED = "bundle_rejected"

_LINK = "link"
_U32 = 0xFFFFFFFF
MIN_SERVER_TIME = 1577836800  # 2020-01-01: an earlier "time" is not the back office's clock
_MAX_ETAG = 16


def _describe(exc: BaseException) -> str:
    text = str(exc)
    name = type(exc).__name__
    return "%s: %s" % (name, text) if text else name


def _u32(value: int) -> int:
    return max(0, min(int(value), _U32))


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def _server_message(body: bytes) -> str:
    """The ``message`` of a back-office error body, else the body's start."""
    try:
        data = json.loads(bytes(body).decode("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            return str(data["message"])[:160]
    except (ValueError, UnicodeError):
        pass
    return repr(bytes(body[:60]))


def _json(body: bytes, what: str) -> "Any":
    try:
        return json.loads(bytes(body).decode("utf-8"))
    except (ValueError, UnicodeError):
        raise _LinkDown(BAD_ANSWER, "%s: answer is not JSON: %r" % (what, bytes(body[:40])))


def _usable_etag(value: "str | None") -> "str | None":
    """The ETag if it has the form SPEC.md section 9 gives it ("<serial>"), else None."""
    if value is None or len(value) > _MAX_ETAG or len(value) < 3:
        return None
    if value[0] != '"' or value[-1] != '"' or not value[1:-1].isdigit():
        return None
    return value


class _LinkDown(Exception):
    """An exchange failed the way every other exchange would: hold them all back."""

    def __init__(self, error: str, detail: str, at_cap: bool = False) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
        self.at_cap = at_cap


class _Refused(Exception):
    """The back office answered and refused this request: hold back only this exchange."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Job:
    __slots__ = ("backoff", "due", "interval_ms", "name")

    def __init__(self, name: str, interval_ms: int, due: int, backoff: Backoff) -> None:
        self.name = name
        self.interval_ms = interval_ms
        self.due = due
        self.backoff = backoff


class Uplink:
    """``Uplink(config, bundle_cache, outbox, clock, log, network)``.

    ``config``: the station configuration (firmware.station_config): ``station_id``,
    ``unit_id``, ``backoffice_url``, ``credential``. ``network``: hw.network.Wifi or
    anything with ``isconnected()`` and ``connect(timeout_ms)``; None means the
    station has no uplink (offline for good). ``http``: a function
    ``(method, url, headers, body, timeout_s, max_body=..., [ssl_context=...],
    [sink=...])`` returning ``(status, headers with lower-case names, body)``,
    handing a 200 body to ``sink`` piece by piece when one is given (as
    hw.http_client.request does; the bundle streams to flash so), and raising
    OSError for network failures (default hw.http_client.request). ``ticks``:
    the monotonic counter with its arithmetic (hw._port, the default, or a test
    clock): every due time is ``ticks_add``-ed and compared with ``ticks_diff``,
    so the schedule keeps its rate across the counter's wraps; ``random``: floats in
    [0, 1) for the back-off's jitter; ``status``: a function returning the
    heartbeat's fields (STATION_STATUS of SPEC.md section 7: the station's
    firmware.status.Status ``fields``); without one the uplink keeps a Status of
    its own over the cache, outbox and clock it was given (no board parts).
    """

    def __init__(
        self,
        config: "dict[str, Any]",
        bundle_cache: "BundleCache",
        outbox: "Outbox",
        clock: "SettableClock",
        log: "Log",
        network: "NetworkPart | None",
        http: "HttpTransport | None" = None,
        ticks: "TicksSource | None" = None,
        random: "Callable[[], float] | None" = None,
        status: "Callable[[], dict[str, int]] | None" = None,
        ssl_context: "Any" = None,
        timeout_s: float = 10,
        connect_timeout_ms: int = 10000,
        heartbeat_interval_s: int = 60,
        bundle_interval_s: int = 300,
        backoff_base_s: int = 5,
        backoff_cap_s: int = 600,
        clock_tolerance_s: int = 5,
        batch_records: int = 200,
        events: "EventRecorder | None" = None,
    ) -> None:
        if http is None:
            from hw.http_client import request

            http = request
        self._station_id = int(config["station_id"])
        self._unit_id = int(config["unit_id"])
        self._base = str(config["backoffice_url"]).rstrip("/") + "/api/v1/stations/%d" % (
            self._station_id
        )
        self._auth = "Bearer " + str(config["credential"])
        self._cache = bundle_cache
        self._outbox = outbox
        self._events = events or EventRecorder(outbox, clock, log)
        self._clock = clock
        self._log = log
        self._network = network
        self._http = http
        if ticks is None:
            ticks = _port
        self._ticks = ticks
        if status is None:
            own = Status(self._station_id, self._unit_id, clock, bundle_cache, outbox, ticks)
            own.link = self
            status = own.fields
        self._status = status
        self._ssl_context = ssl_context
        self._timeout_s = timeout_s
        self._connect_timeout_ms = connect_timeout_ms
        self._clock_tolerance_s = clock_tolerance_s
        self._batch_records = batch_records
        base_ms = backoff_base_s * 1000
        cap_ms = backoff_cap_s * 1000
        self._link = Backoff(base_ms, cap_ms, random)
        now = self._ticks.ticks_ms()
        self._link_next = now
        self._heartbeat = _Job(
            HEARTBEAT, heartbeat_interval_s * 1000, now, Backoff(base_ms, cap_ms, random)
        )
        self._bundle = _Job(BUNDLE, bundle_interval_s * 1000, now, Backoff(base_ms, cap_ms, random))
        self._upload = _Job(UPLOAD, 0, now, Backoff(base_ms, cap_ms, random))
        # A due time further ahead than anything we schedule means the counter jumped past
        # it by more than half a period (the emulator's fast-forward): it is due.
        self._max_ahead_ms = 2 * max(cap_ms, heartbeat_interval_s * 1000, bundle_interval_s * 1000)
        if self._max_ahead_ms >= self._ticks.ticks_add(0, -1) // 2:
            raise ValueError("intervals too long for this ticks counter's period")
        self._rejected_etag: "str | None" = None
        self._error_source: "str | None" = None
        self.online = False
        self.last_success = 0
        self.last_error: "str | None" = None
        self.last_error_detail = ""
        self.last_error_time = 0
        self.last_upload = 0
        self.bundle_rejected = 0
        self.clock_step = 0  # the last correction of the clock, seconds

    # -- status ------------------------------------------------------------------

    @property
    def failures(self) -> int:
        """Failed attempts in a row to reach the back office (0 while it answers)."""
        return self._link.failures

    def status_fields(self) -> "dict[str, int]":
        """The heartbeat's JSON body: the status function's fields, each a u32."""
        fields = self._status()
        return {name: _u32(fields[name]) for name in fields}

    def retry_now(self) -> None:
        """Try the back office at the next poll, back-off or not (network back, technician)."""
        now = self._ticks.ticks_ms()
        self._link_next = now
        for job in (self._heartbeat, self._bundle, self._upload):
            if job.backoff.failures:
                job.due = now

    def wait_ms(self) -> int:
        """Milliseconds until something may be due (0: poll now), for a main loop that sleeps."""
        if self._network is None:
            return self._max_ahead_ms  # nothing will ever be due
        now = self._ticks.ticks_ms()
        left = self._left(now, self._link_next)
        if left > 0:
            return left
        waits = [self._left(now, self._heartbeat.due), self._left(now, self._bundle.due)]
        if self._outbox_waiting():
            waits.append(self._left(now, self._upload.due))
        return min(waits)

    # -- the main loop's call ------------------------------------------------------

    def poll(self) -> "str | None":
        """Do the one exchange that is due, if any; returns its name. Never raises."""
        try:
            return self._poll()
        except Exception as exc:  # a fault of ours must not stop the station
            self._log.error("uplink: %s" % _describe(exc))
            self._link_next = self._after(self._link.failure())
            return None

    def _poll(self) -> "str | None":
        now = self._ticks.ticks_ms()
        if self._network is None:
            if self.last_error != NO_NETWORK:
                self.online = False
                self._note_error(NO_NETWORK, "no network interface configured", _LINK, 1)
            return None
        if not self._is_due(now, self._link_next):
            return None
        if not self._network.isconnected():
            try:
                joined = bool(self._network.connect(self._connect_timeout_ms))
                why = "network not joined within %d ms" % self._connect_timeout_ms
            except Exception as exc:
                joined = False
                why = "network: %s" % _describe(exc)
            if not joined:
                self._link_failed(_LinkDown(NO_NETWORK, why))
                return CONNECT
            self._log.info("uplink: network joined")
            return CONNECT
        job = self._next_job(now)
        if job is None:
            return None
        self._run(job)
        return job.name

    def _next_job(self, now: int) -> "_Job | None":
        for job in (self._heartbeat, self._bundle):
            if self._is_due(now, job.due):
                return job
        if self._outbox_waiting() and self._is_due(now, self._upload.due):
            return self._upload
        return None

    def _run(self, job: _Job) -> None:
        try:
            if job is self._heartbeat:
                clean = self._do_heartbeat()
            elif job is self._bundle:
                clean = self._do_bundle()
            else:
                clean = self._do_upload()
        except _LinkDown as down:
            self._link_failed(down)
            return
        except _Refused as refused:
            self._link_ok()
            job.due = self._after(job.backoff.failure())
            self._note_error(
                REFUSED, "%s: %s" % (job.name, refused.detail), job.name, job.backoff.failures
            )
            return
        except Exception as exc:  # e.g. flash trouble storing what came; nothing is lost
            job.due = self._after(job.backoff.failure())
            self._log.error("uplink %s: %s" % (job.name, _describe(exc)))
            return
        self._link_ok()
        job.backoff.reset()
        if clean and self._error_source == job.name:
            self._clear_error()

    # -- exchanges -----------------------------------------------------------------

    def _exchange(
        self,
        method: str,
        what: str,
        headers: "dict[str, str]",
        body: bytes = b"",
        max_body: int = 64 * 1024,
        sink: "Callable[[memoryview], bool] | None" = None,
    ) -> "tuple[int, dict[str, str], bytes]":
        url = self._base + "/" + what
        sent = {"Authorization": self._auth}
        for name in headers:
            sent[name] = headers[name]
        options: "dict[str, Any]" = {"max_body": max_body}
        if sink is not None:
            options["sink"] = sink
        if self._ssl_context is not None:
            options["ssl_context"] = self._ssl_context
        try:
            status, answer_headers, answer = self._http(
                method, url, sent, body, self._timeout_s, **options
            )
        except OSError as exc:
            raise _LinkDown(UNREACHABLE, "%s %s: %s" % (method, what, _describe(exc)))
        except MemoryError:
            raise
        except Exception as exc:  # hw.http_client.HttpError: not HTTP, cut short, too big
            raise _LinkDown(BAD_ANSWER, "%s %s: %s" % (method, what, _describe(exc)))
        if status in (401, 403):
            raise _LinkDown(
                CREDENTIAL_REFUSED,
                "%s %s: HTTP %d, the back office refuses this station's credential: %s"
                % (method, what, status, _server_message(answer)),
                at_cap=True,
            )
        if status >= 500:
            raise _LinkDown(SERVER_ERROR, "%s %s: HTTP %d" % (method, what, status))
        return status, answer_headers, answer

    def _unexpected(self, status: int, answer: bytes, what: str) -> Exception:
        if 400 <= status < 500:
            return _Refused("HTTP %d: %s" % (status, _server_message(answer)))
        return _LinkDown(BAD_ANSWER, "%s: unexpected HTTP %d" % (what, status))

    def _do_heartbeat(self) -> bool:
        body = json.dumps(self.status_fields()).encode()
        started = self._ticks.ticks_ms()
        status, _, answer = self._exchange(
            "POST", HEARTBEAT, {"Content-Type": "application/json"}, body
        )
        if status != 200:
            raise self._unexpected(status, answer, HEARTBEAT)
        data = _json(answer, HEARTBEAT)
        server_time = data.get("time") if isinstance(data, dict) else None
        if (
            not isinstance(server_time, int)
            or isinstance(server_time, bool)
            or not MIN_SERVER_TIME <= server_time <= _U32
        ):
            raise _LinkDown(BAD_ANSWER, "heartbeat: no usable time in %r" % (bytes(answer[:60]),))
        # The back office read its clock about half-way through the exchange.
        self._set_clock(
            server_time + self._ticks.ticks_diff(self._ticks.ticks_ms(), started) // 2000
        )
        self._heartbeat.due = self._after(self._heartbeat.interval_ms)
        return True

    def _set_clock(self, server_time: int) -> None:
        local = self._clock.now()
        step = server_time - local
        if abs(step) <= self._clock_tolerance_s:
            return
        self._clock.set(server_time)
        self.clock_step = step
        self._log.warn(
            "clock set by the back office: %d -> %d (%+d s)" % (local, server_time, step)
        )

    def _do_bundle(self) -> bool:
        tags = []
        if self._cache.loaded:
            tags.append('"%d"' % self._cache.serial)
        if self._rejected_etag is not None:
            tags.append(self._rejected_etag)
        headers = {"If-None-Match": ", ".join(tags)} if tags else {}
        # The body goes to flash piece by piece as it arrives (firmware.bundle_cache).
        installation = self._cache.begin_install()
        refused: "list[BundleRejected]" = []

        def sink(piece: "Any") -> bool:
            try:
                installation.write(piece)
            except BundleRejected as rejected:
                refused.append(rejected)
                return True  # the rest is not wanted
            return False

        try:
            status, answer_headers, body = self._exchange(
                "GET", BUNDLE, headers, b"", max_body=BUNDLE_MAX_SIZE, sink=sink
            )
            if status == 304:
                self._bundle.due = self._after(self._bundle.interval_ms)
                return self._rejected_etag is None
            if status != 200:
                raise self._unexpected(status, body, BUNDLE)
            self._bundle.due = self._after(self._bundle.interval_ms)
            etag = _usable_etag(answer_headers.get("etag"))
            try:
                if refused:
                    raise refused[0]
                header = installation.finish()
            except BundleRejected as rejected:
                self._reject_bundle(rejected, etag, installation.received)
                return False
        finally:
            installation.abort()  # a download cut short leaves nothing behind
        self._rejected_etag = None
        self.bundle_rejected = 0
        self._report(REASON_BUNDLE_INSTALLED, header["serial"])
        return True

    def _reject_bundle(self, rejected: BundleRejected, etag: "str | None", size: int) -> None:
        if rejected.code != REJECT_NO_ROOM and etag is not None:
            self._rejected_etag = etag  # ask for it again only once it has changed
        self.bundle_rejected = rejected.code
        detail = "bundle %s (%d bytes) rejected: %s; serial %d stays in use" % (
            etag or "without ETag",
            size,
            rejected,
            self._cache.serial,
        )
        self._report(REASON_BUNDLE_REJECTED, rejected.code)
        self._note_error(BUNDLE_REJECTED, detail, BUNDLE, 1)

    def _do_upload(self) -> bool:
        batch = next_batch(self._outbox, self._station_id, self._batch_records)
        if batch is None:
            return True
        status, _, answer = self._exchange(
            "POST", "audit", {"Content-Type": "application/octet-stream"}, batch.body
        )
        if status != 200:
            raise self._unexpected(status, answer, UPLOAD)
        ack = _json(answer, UPLOAD)
        now = self._clock.now()
        try:
            removed = apply_ack(self._outbox, batch, ack, now)
        except ValueError as exc:
            raise _LinkDown(BAD_ANSWER, "upload: %s" % exc)
        if removed == 0:
            raise _Refused("records %d-%d sent, none acknowledged" % (batch.first, batch.last))
        self.last_upload = now
        figures = [batch.first, batch.first + removed - 1, removed]
        for name in ("stored", "duplicates", "rejected"):
            value = ack.get(name)
            figures.append(value if isinstance(value, int) else -1)
        line = "uploaded records %d-%d: %d confirmed, stored %d, duplicates %d, rejected %d" % (
            tuple(figures)
        )
        if figures[5] > 0:
            self._log.warn(line + " (the back office recorded them as anomalies)")
        else:
            self._log.info(line)
        self._upload.due = self._ticks.ticks_ms()  # the rest, if any, at the next poll
        return True

    # -- bookkeeping ---------------------------------------------------------------

    def _report(self, reason: int, detail: int) -> None:
        self._events.record(0, reason, detail)

    def _link_ok(self) -> None:
        if not self.online:
            if self._link.failures:
                self._log.info(
                    "uplink: back office reachable again after %d failed attempts"
                    % self._link.failures
                )
            else:
                self._log.info("uplink: back office reachable")
        self.online = True
        self.last_success = self._clock.now()
        self._link.reset()
        self._link_next = self._ticks.ticks_ms()
        if self._error_source == _LINK:
            self._clear_error()

    def _link_failed(self, down: _LinkDown) -> None:
        self.online = False
        delay = self._link.failure_at_cap() if down.at_cap else self._link.failure()
        self._link_next = self._after(delay)
        self._note_error(down.error, down.detail, _LINK, self._link.failures, delay)

    def _note_error(
        self, error: str, detail: str, source: str, failures: int, delay_ms: int = 0
    ) -> None:
        changed = error != self.last_error or detail != self.last_error_detail
        self.last_error = error
        self.last_error_detail = detail
        self.last_error_time = self._clock.now()
        self._error_source = source
        # Offline for days must not flush the log: say it when it changes, then less and less.
        if not (changed or _is_power_of_two(failures)):
            return
        line = "uplink: %s" % detail
        if delay_ms:
            line += " (attempt %d, next in %d s)" % (failures, delay_ms // 1000)
        if error in (CREDENTIAL_REFUSED, BUNDLE_REJECTED, REFUSED):
            self._log.error(line)
        else:
            self._log.warn(line)

    def _clear_error(self) -> None:
        self.last_error = None
        self.last_error_detail = ""
        self._error_source = None

    def _outbox_waiting(self) -> bool:
        return self._outbox.next_index - 1 > self._outbox.acked_through

    def _after(self, delay_ms: int) -> int:
        """The ticks ``delay_ms`` from now (wrapping as the counter does)."""
        return self._ticks.ticks_add(self._ticks.ticks_ms(), delay_ms)

    def _left(self, now: int, due: int) -> int:
        return 0 if self._is_due(now, due) else -self._ticks.ticks_diff(now, due)

    def _is_due(self, now: int, due: int) -> bool:
        late = self._ticks.ticks_diff(now, due)
        return late >= 0 or late < -self._max_ahead_ms
