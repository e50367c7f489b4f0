"""One key at the station, from HELLO to "OK, valid until ...": the key session's state machine.

The station's main loop makes a ``KeySession`` when the key port reports a key
present (with ``key_link.stream_link(board.key_port)``) or the NFC reader finds
one (``key_link.nfc_link(board.nfc)``), then calls ``step()`` until ``state`` is
``DONE`` (``run()`` does exactly that). Each ``step()`` runs the handler of the
current state once and returns the next state:

    hello            HELLO; is the bundle usable, the key known and not blocked?
    authenticate     CHALLENGE with a fresh nonce, verified with the key's public
                     key from the bundle (never one the key offers); is there a
                     set for now? is the key locked out here?
    code             one look at the keypad (never waits): 6 digits, ``*`` clears,
                     ``#`` confirms, a sixth digit checks it (PBKDF2 here, then
                     PIN_PROOF: the key's HMAC of it must equal the bundle's
                     verifier); a wrong code asks again until the lockout; no key
                     press for ``code_timeout_ms`` ends the session
    speed            SET_BAUD to ``baud`` (only when one is given)
    write_set        today's permission set into the key's inactive slot, commit
    write_blocklist  the bundle's blocklist, unless the key has that version or newer
    read_audit       the key's audit snapshot, AUDIT_PIECE_EVENTS at a time through
                     its SHA-256, up to ``max_audit_events`` of it staged on flash
    store_audit      the checked events into the outbox, a slice an entry
    ack              AUDIT_ACK through the last key sequence number stored; a key
                     with events left goes round again (read, store, ack), at
                     most MAX_AUDIT_ROUNDS times
    finish           SYNC_OK, "OK, valid until ..."

Every state but ``code`` does its exchanges with the key at once (each wait is
bounded by the link's timeouts); ``code`` returns at once, so the main loop can
do other work in between. Call ``step()`` every 5-10 ms while ``state`` is
``code`` (the keypad wants scanning that often).

Whatever goes wrong ends the session with the display saying why, the
indicator red, a station event in the outbox where SPEC 9.2 has a reason for
it, and ``result.outcome`` set to the name of the message shown
(firmware.messages). A key pulled or silent at any step gives ``KEY_REMOVED``
with the step's number (``STEPS``) as detail; the key keeps its old set unless
it executed the commit; nothing is acknowledged to the key before it is on
flash; a full outbox still writes set and blocklist but leaves the events on
the key. An unexpected error of the station's own (flash, say) ends the
session the same way with ``station_fault``. The main loop waits for the key to
leave before the next session.

``WRONG_CODE`` and ``LOCKED_OUT`` are recorded here from what ``CodeCheck.check``
answers, so the CodeCheck handed in must be built without its ``report``
callback (else they would be recorded twice). ``LOCKED_OUT`` is recorded when a
wrong code starts the lockout; a key that comes back while locked out is
refused without a new event.
"""

import os
import struct
from hashlib import sha256

from firmware import ed25519, localtime, messages, station_events
from firmware.bundle_cache import Refusal
from firmware.code_check import LOCKED_NOW, OK, WRONG
from firmware.key_link import HASH, MALFORMED, KeyGone, LinkError
from firmware.outbox import OutboxFull
from firmware.protocol_constants import (
    AUDIT_BATCH_HEADER_SIZE,
    AUDIT_EVENT_SIZE,
    AUTH_CONTEXT,
    CODE_DIGITS,
    MSG_AUDIT_ACK,
    MSG_CHALLENGE,
    NONCE_SIZE,
    OBJ_AUDIT,
    OBJ_BLOCKLIST,
    OBJ_PERMSET,
    REASON_KEY_AUTH_FAILED,
    REASON_KEY_REMOVED,
    REASON_LOCKED_OUT,
    REASON_OUTBOX_FULL,
    REASON_SYNC_OK,
    REASON_WRONG_CODE,
    ROLE_STATION,
    ST_BATTERY_LOW,
    ST_KEY_MISMATCH,
    ST_OK,
    ST_STALE,
)
from hw import _port

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable  # read under TYPE_CHECKING only

    from firmware.bundle_cache import BundleCache
    from firmware.bundle_format import KeyEntry
    from firmware.clock import Clock
    from firmware.code_check import CodeCheck
    from firmware.key_link import KeyLink
    from firmware.log import Log
    from firmware.outbox import Outbox
    from firmware.station_events import EventRecorder, KeyEventStage
    from hw.board import DisplayPart, IndicatorPart, KeypadPart

HELLO = "hello"
AUTHENTICATE = "authenticate"
CODE = "code"
SPEED = "speed"
WRITE_SET = "write_set"
WRITE_BLOCKLIST = "write_blocklist"
READ_AUDIT = "read_audit"
STORE_AUDIT = "store_audit"
ACK = "ack"
FINISH = "finish"
DONE = "done"

# The detail of KEY_REMOVED: where the session lost the key.
STEPS = {
    HELLO: 1,
    AUTHENTICATE: 2,
    CODE: 3,
    SPEED: 4,
    WRITE_SET: 5,
    WRITE_BLOCKLIST: 6,
    READ_AUDIT: 7,
    STORE_AUDIT: 8,
    ACK: 9,
    FINISH: 10,
}

SYNCED = "ok_until"  # the outcome of a sync that went through

CODE_TIMEOUT_MS = 30000
MAX_AUDIT_EVENTS = 2048  # the most audit events one round stores (~72 KiB staged on flash)
MAX_AUDIT_ROUNDS = 8  # rounds of read, store, ack in one sync: a key's 16,384 events
AUDIT_PIECE_EVENTS = 64  # events read (and held in RAM) at a time: ~2.3 KiB

# --- the session -----------------------------------------------------------------


class SessionResult:
    """How the session ended (``outcome`` None while it runs), for the console and the tests.

    ``outcome`` is the name of the message the display shows at the end;
    ``reason``/``detail`` the station event recorded for it (0 if none).
    """

    def __init__(self) -> None:
        self.outcome: "str | None" = None
        self.key_id = 0
        self.valid_until = 0  # of the set written in this session
        self.set_serial = 0
        self.set_written = False  # the key answered the commit: it uses the new set
        self.reason = 0
        self.detail = 0
        self.step = 0  # STEPS number of the state that ended the session
        self.events_read = 0
        self.events_stored = 0  # new in the outbox (a repeat of an earlier read is not)
        self.events_acked = 0

    def __repr__(self) -> str:
        return "SessionResult(%r, key %d, until %d, reason %d)" % (
            self.outcome,
            self.key_id,
            self.valid_until,
            self.reason,
        )


class KeySession:
    """One session with the key behind ``link`` (a firmware.key_link.KeyLink).

    ``cache``, ``codes``, ``outbox``, ``clock`` and ``log`` are the station's
    (BundleCache, CodeCheck without ``report``, Outbox, a clock, Log);
    ``keypad``, ``display`` and ``indicator`` the board's. ``support`` is whom
    to call (the station's configuration). ``random_bytes(n)`` makes nonces;
    ``ticks_ms``/``sleep_ms`` time the code entry; ``baud`` a faster contact
    rate to propose before the writes (0: stay at 115200); ``format_time`` turns
    a time into display text (default: Stockholm time, firmware.localtime).
    """

    def __init__(
        self,
        link: "KeyLink",
        cache: "BundleCache",
        codes: "CodeCheck",
        outbox: "Outbox",
        clock: "Clock",
        keypad: "KeypadPart",
        display: "DisplayPart",
        indicator: "IndicatorPart",
        log: "Log",
        station_id: int,
        support: str,
        random_bytes: "Callable[[int], bytes] | None" = None,
        ticks_ms: "Callable[[], int] | None" = None,
        sleep_ms: "Callable[[int], None] | None" = None,
        code_timeout_ms: int = CODE_TIMEOUT_MS,
        baud: int = 0,
        format_time: "Callable[[int], str] | None" = None,
        max_audit_events: int = MAX_AUDIT_EVENTS,
        events: "EventRecorder | None" = None,
    ) -> None:
        self.link = link
        self.cache = cache
        self.codes = codes
        self.outbox = outbox
        self.clock = clock
        self.keypad = keypad
        self.display = display
        self.indicator = indicator
        self.log = log
        self.station_id = station_id
        self.support = support
        self.random_bytes = random_bytes or os.urandom
        self.ticks_ms = ticks_ms or _port.ticks_ms
        self.sleep_ms = sleep_ms or _port.sleep_ms
        self.code_timeout_ms = code_timeout_ms
        self.baud = baud
        self.format_time = format_time or localtime.format_local
        self.max_audit_events = max_audit_events
        self.events = events or station_events.EventRecorder(outbox, clock, log)
        self.state = HELLO
        self.result = SessionResult()
        self._typed = ""  # digits typed so far (private: it is the code)
        self._code_since = 0
        self._entry: "KeyEntry | None" = None  # the bundle's KEYS entry for this key
        self._iterations = 0  # the code_iterations of the bundle _entry came from
        self._stage: "KeyEventStage | None" = None  # this round's audit events, on flash
        self._rounds = 0  # audit rounds begun (a key over max_audit_events takes several)
        self._outbox_full = False
        self._handlers: "dict[str, Callable[[], str]]" = {
            HELLO: self._hello,
            AUTHENTICATE: self._authenticate,
            CODE: self._code,
            SPEED: self._speed,
            WRITE_SET: self._write_set,
            WRITE_BLOCKLIST: self._write_blocklist,
            READ_AUDIT: self._read_audit,
            STORE_AUDIT: self._store_audit,
            ACK: self._ack,
            FINISH: self._finish,
        }

    # -- driving ---------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def key_info(self) -> "dict | None":
        """The key's KEY_INFO from HELLO (SVC_KEY_INFO), None before it answered."""
        return self.link.key_info

    def step(self) -> str:
        """Run the current state's handler once; returns the next state (DONE at the end)."""
        state = self.state
        if state == DONE:
            return DONE
        try:
            following = self._handlers[state]()
        except KeyGone as gone:
            following = self._lost(state, gone)
        except LinkError as error:
            following = self._link_failed(state, error)
        except Exception as exc:  # the station's own fault (flash, say): end cleanly, tell why
            self.log.error("key session at %s: %r" % (state, exc))
            following = self._end("station_fault", state, 0, 0, self.support)
        self.state = following
        return following

    def run(self, poll_ms: int = 10) -> SessionResult:
        """Step until done (waiting ``poll_ms`` between keypad looks); returns ``result``."""
        while self.state != DONE:
            if self.step() == CODE:
                self.sleep_ms(poll_ms)
        return self.result

    # -- the states ------------------------------------------------------------

    def _hello(self) -> str:
        self._show("reading_key")
        self.indicator.busy()
        info = self.link.hello(self.clock.now(), self.station_id)
        key_id = info["key_id"]
        self.result.key_id = key_id
        self.log.info(
            "key %d: firmware %04x, %d events waiting"
            % (key_id, info["firmware"], info["audit_count"])
        )
        try:
            self.cache.check_usable(key_id, self.clock.now())
        except Refusal as refusal:
            return self._refused(refusal, HELLO)
        self._entry = self.cache.key(key_id)
        # The entry's verifier goes with this bundle's iterations, whatever is installed later.
        self._iterations = self.cache.header["code_iterations"] if self.cache.header else 0
        return AUTHENTICATE

    def _authenticate(self) -> str:
        entry = self._entry
        key_id = self.result.key_id
        nonce = bytes(self.random_bytes(NONCE_SIZE))
        if len(nonce) != NONCE_SIZE:
            raise ValueError("random_bytes gave %d bytes, not %d" % (len(nonce), NONCE_SIZE))
        status, answer = self.link.request(MSG_CHALLENGE, {"nonce": nonce})
        signed = AUTH_CONTEXT + nonce + struct.pack("<BII", ROLE_STATION, self.station_id, key_id)
        if (
            entry is None
            or status != ST_OK
            or not ed25519.verify(entry["key_public"], signed, answer["signature"])
        ):
            self.log.warn("key %d failed the challenge (status %d)" % (key_id, status))
            return self._end(
                "key_auth_failed", AUTHENTICATE, REASON_KEY_AUTH_FAILED, status, self.support
            )
        try:
            # Before the code is typed: is there anything to hand out now?
            self.cache.permission_set_for(key_id, self.clock.now())
        except Refusal as refusal:
            return self._refused(refusal, AUTHENTICATE)
        until = self.codes.locked_until(key_id)
        if until:
            return self._end("locked_out", AUTHENTICATE, 0, until, self.format_time(until))
        name = entry["display_name"]
        if name:
            self._show("hello_name", name)
        else:
            self._show("enter_code")
        self._typed = ""
        self._code_since = self.ticks_ms()
        return CODE

    def _code(self) -> str:
        if not self.link.present():
            raise KeyGone(True, "key removed during code entry")
        pressed = self.keypad.read_key()
        now = self.ticks_ms()
        if pressed is None:
            if _port.ticks_diff(now, self._code_since) >= self.code_timeout_ms:
                return self._end("code_timeout", CODE)
            return CODE
        self._code_since = now
        if pressed == "*":
            self._typed = ""
            self._show("enter_code")
            return CODE
        if pressed == "#":
            if not self._typed:
                return CODE  # nothing typed yet: a stray press is not a wrong code
            return self._check_code()
        if "0" <= pressed <= "9":
            self._typed += pressed
            if len(self._typed) >= CODE_DIGITS:
                return self._check_code()
            self._show("code_entry", "*" * len(self._typed))
        return CODE

    def _check_code(self) -> str:
        entry = self._entry
        if entry is None or not self._iterations:
            raise ValueError("code check without a bundle entry")
        key_id = self.result.key_id
        code = self._typed
        self._typed = ""
        # The key proves the derived code with its pin_secret (SPEC 5.11); the try is
        # counted before it is asked, so a key pulled now still costs one.
        verdict, value = self.codes.check(
            key_id,
            code,
            entry["code_salt"],
            entry["code_verifier"],
            self._iterations,
            self.link.pin_proof,
        )
        self._code_since = self.ticks_ms()
        if verdict == OK:
            self._show("syncing")
            return SPEED if self.baud else WRITE_SET
        if verdict == WRONG:
            self._record(REASON_WRONG_CODE, self.codes.failures(key_id))
            self._show("wrong_code", messages.counted("tries", value))
            self.indicator.error()
            self.indicator.busy()
            return CODE
        if verdict == LOCKED_NOW:
            return self._end("locked_out", CODE, REASON_LOCKED_OUT, value, self.format_time(value))
        return self._end("locked_out", CODE, 0, value, self.format_time(value))

    def _speed(self) -> str:
        if self.link.set_baud(self.baud):
            self.log.info("key port at %d baud" % self.baud)
        return WRITE_SET

    def _write_set(self) -> str:
        key_id = self.result.key_id
        try:
            data, entry = self.cache.permission_set_for(key_id, self.clock.now())
        except Refusal as refusal:  # the window closed or the cache expired while typing
            return self._refused(refusal, WRITE_SET)
        self._show("syncing")
        answer = self.link.write_object(OBJ_PERMSET, data)
        self.result.set_written = True
        self.result.valid_until = entry["valid_until"]
        self.result.set_serial = entry["serial"]
        self.log.info(
            "key %d: set serial %d until %d in slot %d"
            % (key_id, entry["serial"], entry["valid_until"], answer.get("active_slot", 255))
        )
        return WRITE_BLOCKLIST

    def _write_blocklist(self) -> str:
        blocklist = self.cache.blocklist()
        version = struct.unpack_from("<I", blocklist, 8)[0]
        info = self.link.key_info or {}
        if info.get("blocklist_version", 0) >= version:
            return READ_AUDIT
        try:
            self.link.write_object(OBJ_BLOCKLIST, blocklist)
        except LinkError as error:
            if error.status != ST_STALE:
                raise
            # The key took a newer one from elsewhere in the meantime: it keeps that.
        return READ_AUDIT

    def _read_audit(self) -> str:
        if self._rounds == 0:
            info = self.link.key_info or {}
            if not info.get("audit_count", 0):
                return FINISH
        self._rounds += 1
        stage = None
        for _ in range(2):  # a hash mismatch reads it once more, from a fresh snapshot
            stat = self.link.stat_object(OBJ_AUDIT)
            if stat is None:
                return FINISH
            stage = self._read_snapshot(stat[0], stat[1])
            if stage is not None:
                break
        if stage is None:
            raise LinkError(HASH, "audit batch does not match its SHA-256 twice")
        if not stage.count:
            stage.discard()
            return FINISH
        self.result.events_read += stage.count
        self._stage = stage
        return STORE_AUDIT

    def _read_snapshot(self, size: int, digest: bytes) -> "KeyEventStage | None":
        """The key's audit snapshot, read AUDIT_PIECE_EVENTS at a time through its SHA-256,
        its first ``max_audit_events`` events staged on flash; None when the hash does not
        match (the stage is then dropped). Events past the limit are read for the hash
        only: the next round takes them."""
        head = self.link.read_range(OBJ_AUDIT, 0, min(size, AUDIT_BATCH_HEADER_SIZE))
        try:
            key_id, first_seq, count = station_events.batch_head(head, size)
        except station_events.BadBatch as exc:
            raise LinkError(MALFORMED, str(exc))
        if key_id != self.result.key_id:
            raise LinkError(MALFORMED, "audit batch of key %d" % key_id)
        hasher = sha256(head)
        stage = self.events.stage(key_id, first_seq)
        keep = min(count, self.max_audit_events)
        done = 0
        try:
            while done < count:
                n = min(AUDIT_PIECE_EVENTS, count - done)
                offset = AUDIT_BATCH_HEADER_SIZE + AUDIT_EVENT_SIZE * done
                piece = self.link.read_range(OBJ_AUDIT, offset, AUDIT_EVENT_SIZE * n)
                hasher.update(piece)
                if done < keep:
                    stage.add(piece[: AUDIT_EVENT_SIZE * min(n, keep - done)])
                done += n
        except Exception:
            stage.discard()
            raise
        if hasher.digest() != digest:
            stage.discard()
            self.log.warn("key %d: audit batch does not match its SHA-256" % key_id)
            return None
        return stage

    def _store_audit(self) -> str:
        stage = self._stage
        if stage is None:
            return FINISH
        try:
            self.result.events_stored += stage.keep()
        except OutboxFull:
            self._outbox_full = True
            if stage.through:
                return ACK  # what did fit may leave the key
            return self._outbox_full_end()
        return ACK

    def _ack(self) -> str:
        # Only reached after the stage's keep stored them: the events are on flash.
        stage = self._stage
        if stage is None or not stage.through:
            return FINISH
        answer = self.link.expect(MSG_AUDIT_ACK, {"through_seq": stage.through})
        self._stage = None  # the key may forget them now; so may we
        acked = stage.through - stage.first_seq + 1
        self.result.events_acked += acked
        remaining = answer["remaining"]
        self.log.info(
            "key %d: %d events stored, %d acknowledged, %d left"
            % (self.result.key_id, stage.stored, acked, remaining)
        )
        if self._outbox_full:
            return self._outbox_full_end()
        if remaining and self._rounds < MAX_AUDIT_ROUNDS:
            return READ_AUDIT  # more than one read takes: another round
        if remaining:
            self.log.warn(
                "key %d: %d events left after %d rounds"
                % (self.result.key_id, remaining, self._rounds)
            )
        return FINISH

    def _outbox_full_end(self) -> str:
        count = self.result.events_read - self.result.events_acked
        self._show("outbox_full", self.support)
        self.indicator.error()
        self._record(REASON_OUTBOX_FULL, count)
        self._finish_result("outbox_full", STORE_AUDIT, REASON_OUTBOX_FULL, count)
        return DONE

    def _finish(self) -> str:
        self._record(REASON_SYNC_OK, self.result.set_serial)
        self._show(SYNCED, self.format_time(self.result.valid_until))
        self.indicator.ok()
        self._finish_result(SYNCED, FINISH, REASON_SYNC_OK, self.result.set_serial)
        return DONE

    # -- endings ---------------------------------------------------------------

    def _refused(self, refusal: Refusal, state: str) -> str:
        """A refusal of the bundle cache: its reason, its message, whom to call."""
        return self._end(refusal.message, state, refusal.reason, refusal.detail, self.support)

    def _end(
        self, message: str, state: str, reason: int = 0, detail: int = 0, *args: object
    ) -> str:
        """Stop here: say ``message`` (with ``args``), record ``reason`` if any, red light."""
        self._show(message, *args)
        self.indicator.error()
        if reason:
            self._record(reason, detail)
        self.log.warn("key %d: %s at %s" % (self.result.key_id, message, state))
        self._finish_result(message, state, reason, detail)
        return DONE

    def _lost(self, state: str, gone: KeyGone) -> str:
        step = STEPS.get(state, 0)
        self.log.warn("key %d lost at %s: %s" % (self.result.key_id, state, gone))
        message = "key_removed" if gone.removed else "comm_error"
        return self._end(message, state, REASON_KEY_REMOVED, step)

    def _link_failed(self, state: str, error: LinkError) -> str:
        self.log.error("key %d at %s: %s" % (self.result.key_id, state, error))
        if error.status == ST_KEY_MISMATCH:
            # The bundle's set names another key than this one: bundle or key is wrong.
            return self._end(
                "key_auth_failed", state, REASON_KEY_AUTH_FAILED, error.status, self.support
            )
        if error.status == ST_BATTERY_LOW:
            return self._end("key_battery_low", state)
        return self._end("key_fault", state, 0, 0, self.support)

    def _finish_result(self, outcome: str, state: str, reason: int, detail: int) -> None:
        self.result.outcome = outcome
        self.result.step = STEPS.get(state, 0)
        self.result.reason = reason
        self.result.detail = detail

    # -- helpers ---------------------------------------------------------------

    def _show(self, name: str, *args: object) -> None:
        swedish, english, contact = messages.screen(name, *args)
        self.display.show(swedish, english, contact)

    def _record(self, reason: int, detail: int) -> None:
        """A station event about this key into the outbox (a full outbox loses it, logged)."""
        self.events.record(self.result.key_id, reason, detail)
