"""The sync station: one object that owns the station's state and runs its main loop.

``Station(board, config, ...)`` is given everything it touches: the board's
parts (hw.board.Board: key port, NFC reader, keypad, display, indicator,
clock, storage, network), the checked configuration (firmware.station_config),
and the collaborators that talk to the outside: the uplink to the back office
and the service console on the USB port (both optional: a station without
them still syncs keys from its cache). The same object runs on a board
(firmware/main.py) and in the emulator. ``ticks`` is the monotonic counter
(hw._port on a board, the emulator's virtual clock or a test clock): it wraps
every 12.4 days on a board, so the station reads it only through its
``ticks_add``/``ticks_diff`` and firmware.clock's ``ticks_since`` and
``Uptime``; key sessions count with hw._port's period and are given the
counter so (firmware.clock.board_ticks_ms).

``boot()`` recovers storage, checks the cached bundle (a damaged one is
discarded with its reason logged and reported), notes the boot in the outbox
and shows the idle screen. ``tick()`` is one pass of the main loop: the
service console is served, a key session is started when a key arrives
(contact port first, then NFC) and stepped while it runs, and between
sessions the uplink is given its turn. ``run_forever()`` repeats ``tick()``.

The main-loop rule (``may_block()``, the one place that says it): while a key
session runs, nothing else may block. The uplink is not polled at all then,
not even while the session waits for the code: one exchange can take a Wi-Fi
join or an HTTP timeout (seconds), and the keypad must be scanned every pass
so that no press is missed. So no network, and none of what the uplink does
to flash (installing a bundle, dropping confirmed outbox segments), happens
during a session: a bundle the back office has meanwhile is fetched and
installed after the session, which checks the code with the bundle it
started with. The console is served during a session: each pass reads a
bounded number of bytes and its answers take milliseconds.

Status has one model, firmware.status.Status (``status_model``): the
console's ``status()``, the uplink's heartbeat and the idle screen read it.
The station implements the ``services`` the service console asks for
(status, cache and outbox info, current key, log tail, audit read, self-test,
and the token-guarded set clock, clear outbox and factory reset).
"""

from firmware import key_link, localtime, messages, station_config, station_events
from firmware.bundle_cache import BundleCache
from firmware.clock import board_ticks_ms, ticks_period, ticks_since
from firmware.code_check import CodeCheck
from firmware.key_session import DONE, KeySession
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.protocol_constants import (
    REASON_BOOT,
    REASON_CACHE_DISCARDED,
)
from firmware.status import FIRMWARE_VERSION, Status
from hw import _port

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

    from hw._port import TicksSource
    from hw.board import Board

NFC_POLL_MS = 500  # how often an idle station looks for a key in the NFC field

# Self-test checks and their numbers (SPEC.md section 7).
CHECK_STORAGE = 1
CHECK_CLOCK = 2
CHECK_BUNDLE = 3
CHECK_KEY_PORT = 4
CHECK_NFC = 5
CHECK_DISPLAY = 6
CHECK_KEYPAD = 7

STATUS_OK = 0
STATUS_INTERNAL = 14
STATUS_NOT_FOUND = 9


class Station:
    def __init__(
        self,
        board: "Board",
        config: "dict[str, Any]",
        ticks: "TicksSource | None" = None,
        random_bytes: "Callable[[int], bytes] | None" = None,
        log_echo: "Callable[[str], object] | None" = None,
        key_baud: int = 0,
        outbox_capacity: int = 256 * 1024,
    ) -> None:
        self.board = board
        self.config = config
        self.station_id = config["station_id"]
        self.unit_id = config["unit_id"]
        self.support = config["support_contact"]
        # The station's language setting is the display's (hw.display.LANGUAGES).
        board.display.language = config.get("language", "both")
        self.authority_keys = station_config.authority_keys(config)
        self.clock = board.clock
        self.storage = board.storage
        if ticks is None:
            ticks = _port
        self.ticks = ticks
        self.ticks_ms = board_ticks_ms(ticks)  # for the key sessions, which count with hw._port
        self.sleep_ms = self.ticks.sleep_ms
        self._ticks_period = ticks_period(self.ticks)
        self.random_bytes = random_bytes
        self.key_baud = key_baud
        self.log = Log(self.clock, echo=log_echo)
        self.cache = BundleCache(
            self.storage, self.station_id, self.unit_id, self.authority_keys, self.log
        )
        # The key session records WRONG_CODE and LOCKED_OUT itself: no report callback here.
        self.codes = CodeCheck(self.storage, self.clock, self.log)
        self.outbox = Outbox(
            self.storage, self.log, capacity_bytes=outbox_capacity, random_bytes=random_bytes
        )
        self.events = station_events.EventRecorder(self.outbox, self.clock, self.log)
        # The one status model: console, heartbeat and idle screen (firmware.status).
        self.status_model = Status(
            self.station_id,
            self.unit_id,
            self.clock,
            self.cache,
            self.outbox,
            self.ticks,
            storage=self.storage,
            key_port=board.key_port,
            support=self.support,
        )
        self._uplink: "Any" = None
        self.console: "Any" = None
        self.session: "KeySession | None" = None
        self.last_result: "Any" = None
        self._waiting_for_removal = False
        self._nfc_polled = self.ticks.ticks_add(self.ticks.ticks_ms(), -NFC_POLL_MS)  # look at once
        self._last_was_nfc = False
        self._last_key_info: "dict[str, Any] | None" = None
        self._idle_shown: "tuple[str, str, str] | None" = None
        self.maintenance = False  # SVC_MAINTENANCE: the station has stopped (SPEC.md 7)

    @property
    def uplink(self) -> "Any":
        """The uplink to the back office (firmware.uplink), None without one."""
        return self._uplink

    @uplink.setter
    def uplink(self, uplink: "Any") -> None:
        self._uplink = uplink
        self.status_model.link = uplink  # the status' "online"

    # -- start -------------------------------------------------------------------

    def boot(self) -> None:
        """Recover storage and cache, record the boot, show the idle screen."""
        self.log.info("synk station %d (unit %d) starting" % (self.station_id, self.unit_id))
        problem = self.cache.load()
        if problem is not None:
            self.log.error("cached bundle discarded: %s" % problem)
            self.record(0, REASON_CACHE_DISCARDED, 0)
        if station_events.STAGE_FILE in self.storage.names():
            # A power cut during a key's audit read: the key was not acknowledged and still
            # holds those events, so the half-read copy only takes flash.
            self.storage.remove(station_events.STAGE_FILE)
            self.log.warn("half-read audit of a key removed (the key keeps its events)")
        self.record(0, REASON_BOOT, FIRMWARE_VERSION)
        if not self.status_model.clock_set():
            self.log.warn("clock not set: waiting for the back office")
        self.show_idle(force=True)

    def record(self, key_id: int, reason: int, detail: int) -> bool:
        """A station event into the outbox; False (and logged) when the outbox is full."""
        return self.events.record(key_id, reason, detail)

    # -- the main loop -------------------------------------------------------------

    def tick(self) -> None:
        if self.maintenance:
            return  # stopped for a technician: the USB port is the REPL's now
        self.status_model.tick()  # counts the uptime across the ticks' wraps
        if self.console is not None:
            self.console.poll()
        if self.session is not None:
            self._step_session()
        else:
            self._look_for_key()
        if self.may_block():
            if self.uplink is not None:
                self.uplink.poll()
            if not self._waiting_for_removal:
                self.show_idle()

    def run_forever(self, poll_ms: int = 5) -> None:
        """The main loop; it returns only when a technician's SVC_MAINTENANCE stopped it."""
        while not self.maintenance:
            self.tick()
            self.sleep_ms(poll_ms)

    def may_block(self) -> bool:
        """The main-loop rule: only between key sessions may anything wait on the world."""
        return self.session is None

    def _look_for_key(self) -> None:
        port = self.board.key_port
        if self._waiting_for_removal:
            if self._key_gone():
                self._waiting_for_removal = False
                self.show_idle(force=True)
            return
        if port is not None and port.present():
            self._start(key_link.stream_link(port, self.ticks_ms, self.sleep_ms))
            return
        nfc = self.board.nfc
        if nfc is not None and ticks_since(self.ticks, self._nfc_polled, self._ticks_period) >= (
            NFC_POLL_MS
        ):
            self._nfc_polled = self.ticks.ticks_ms()
            try:
                found = nfc.find_key()
            except Exception as exc:  # a reader fault must not stop the station
                self.log.error("nfc: %s" % exc)
                found = False
            if found:
                self._start(key_link.nfc_link(nfc))

    def _key_gone(self) -> bool:
        port = self.board.key_port
        if port is not None and port.present():
            return False
        nfc = self.board.nfc
        if nfc is not None and self.last_result is not None and self._last_was_nfc:
            try:
                return not nfc.find_key()
            except Exception:
                return True
        return True

    def _start(self, link: "Any") -> None:
        self._last_was_nfc = not isinstance(link.transport, key_link.StreamTransport)
        self._idle_shown = None
        self.session = KeySession(
            link,
            self.cache,
            self.codes,
            self.outbox,
            self.clock,
            self.board.keypad,
            self.board.display,
            self.board.indicator,
            self.log,
            self.station_id,
            self.support,
            random_bytes=self.random_bytes,
            ticks_ms=self.ticks_ms,
            sleep_ms=self.sleep_ms,
            baud=self.key_baud if not self._last_was_nfc else 0,
            format_time=localtime.format_local,
            events=self.events,
        )
        self.status_model.session_link = link  # its CRC errors count while it runs

    def _step_session(self) -> None:
        session = self.session
        if session is None:
            return
        if session.step() == DONE:
            self.last_result = session.result
            self._last_key_info = session.key_info
            self.status_model.session_ended(session.result, session.link)
            self.session = None
            self._waiting_for_removal = True
            if self._last_was_nfc and self.board.nfc is not None:
                self.board.nfc.release()

    # -- idle screen ---------------------------------------------------------------

    def idle_message(self) -> "tuple[str, str, str]":
        return self.status_model.idle_text()

    def show_idle(self, force: bool = False) -> None:
        """The idle screen, redrawn only when its text changes (or when forced)."""
        shown = self.idle_message()
        if force or shown != self._idle_shown:
            self._idle_shown = shown
            self.board.display.show(shown[0], shown[1], shown[2])
            self.board.indicator.off()

    # -- services for the service console (firmware.service_console.Services) -------

    def now(self) -> int:
        return self.clock.now()

    def status(self) -> "dict[str, Any]":
        """STATION_STATUS for the console: the status model's fields, as the heartbeat's."""
        return self.status_model.fields()

    def cache_info(self) -> "dict[str, Any]":
        return self.cache.info()

    def outbox_info(self) -> "dict[str, Any]":
        return self.outbox.info()

    def key_info(self) -> "dict[str, Any] | None":
        if self.session is not None:
            return self.session.key_info
        if self._waiting_for_removal:
            return self._last_key_info
        return None

    def audit_read(self, from_index: int, max_records: int) -> "tuple[int, int, list[bytes]]":
        return self.outbox.read(from_index, max_records)

    def selftest(self) -> "list[tuple[int, int]]":
        faults = " ".join(self.board.faults)
        results = [
            (CHECK_STORAGE, self._check_storage()),
            (CHECK_CLOCK, STATUS_OK if self.status_model.clock_set() else STATUS_INTERNAL),
            (CHECK_BUNDLE, self._check_bundle()),
        ]
        parts = (
            (CHECK_KEY_PORT, "key_port", "key port"),
            (CHECK_NFC, "nfc", "nfc"),
            (CHECK_DISPLAY, "display", "display"),
            (CHECK_KEYPAD, "keypad", "keypad"),
        )
        for check, part, fault_name in parts:
            if getattr(self.board, part) is None:
                results.append((check, STATUS_NOT_FOUND))
            elif fault_name + ":" in faults:
                results.append((check, STATUS_INTERNAL))
            else:
                results.append((check, STATUS_OK))
        return results

    def _check_storage(self) -> int:
        probe = b"synk selftest %d" % self.clock.now()
        try:
            self.storage.write("selftest.bin", probe)
            read = self.storage.read("selftest.bin")
            self.storage.remove("selftest.bin")
        except OSError as exc:
            self.log.error("selftest storage: %s" % exc)
            return STATUS_INTERNAL
        return STATUS_OK if read == probe else STATUS_INTERNAL

    def _check_bundle(self) -> int:
        if not self.cache.loaded:
            return STATUS_NOT_FOUND
        problem = self.cache.check_stored()
        if problem is not None:
            self.log.error("selftest bundle: %s" % problem)
            return STATUS_INTERNAL
        return STATUS_OK

    def set_clock(self, t: int) -> None:
        before = self.clock.now()
        self.clock.set(t)
        self.log.info("clock set from %d to %d by a technician" % (before, t))

    def clear_outbox(self, through_index: int) -> int:
        return self.outbox.confirm(through_index, self.clock.now())

    def enter_maintenance(self) -> None:
        """SVC_MAINTENANCE (SPEC.md 7): stop after this turn, show "Underhållsläge"."""
        self.maintenance = True
        sv, en = messages.text("maintenance")
        self.board.display.show(sv, en)
        self.board.indicator.off()
        self.log.warn("maintenance mode: station stopped by a technician")

    def factory_reset(self) -> None:
        """Back to as provisioned: no bundle, no code counters. The configuration stays, and so
        do audit records not yet uploaded (an event is never dropped)."""
        self.cache.discard()
        self.codes.reset()
        self.status_model.reset()
        self.last_result = None
        self.log.warn("factory reset: bundle and code counters removed")
        self.show_idle(force=True)
