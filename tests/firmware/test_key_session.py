"""firmware.key_session: a whole sync, every refusal, and a key pulled at every step.

The station runs on RAM flash (tests/firmware/power_cut.py) with the committed fixture bundles
(tests/firmware/make_fixtures.py; facts in tests/firmware/fixtures); the key is
tests/firmware/key_double.py's KeyDouble behind its key port or NFC reader double. Anna is key
10 with code 246810, Bertil 11 (blocked in bundle serial 2), Cilla 12 (no set on day 3).
Station reasons are SPEC.md 9.2's; the valid-until time on the display is Stockholm time.
"""

from firmware import station_events
from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.code_check import CodeCheck
from firmware.key_link import KeyLink, NfcTransport, StreamTransport
from firmware.key_session import (
    ACK,
    CODE,
    DONE,
    MAX_AUDIT_ROUNDS,
    STEPS,
    STORE_AUDIT,
    KeySession,
)
from firmware.localtime import format_local
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.protocol_constants import (
    MSG_AUDIT_ACK,
    MSG_CHALLENGE,
    MSG_HELLO,
    MSG_OBJ_BEGIN,
    MSG_OBJ_COMMIT,
    MSG_OBJ_READ,
    MSG_OBJ_STAT,
    MSG_OBJ_WRITE,
    MSG_SET_BAUD,
    REASON_CACHE_EXPIRED,
    REASON_KEY_AUTH_FAILED,
    REASON_KEY_BLOCKED,
    REASON_KEY_REMOVED,
    REASON_LOCKED_OUT,
    REASON_NO_SET_NOW,
    REASON_OUTBOX_FULL,
    REASON_SYNC_OK,
    REASON_UNKNOWN_KEY,
    REASON_WRONG_CODE,
    ST_KEY_MISMATCH,
)
from firmware.record_encoders import encode_record
from firmware.records import decode_record
from firmware.storage import DirStorage
from tests.firmware import fixtures as fx
from tests.firmware.key_double import (
    DisplayDouble,
    IndicatorDouble,
    KeyDouble,
    KeypadDouble,
    KeyPortDouble,
    NfcReaderDouble,
    Ticks,
    audit_event,
    key_seed,
)
from tests.firmware.power_cut import PowerCut, RamFiles

SUPPORT = "Support 0141-22 59 72"
ANNA = 10
ANNA_CODE = fx.KEYS[10][0]


SERIAL1 = fx.read("bundle_serial1.bin")
SERIAL2 = fx.read("bundle_serial2.bin")


class Station:
    """The station's parts around key sessions: flash, cache, code counters, outbox, board."""

    def __init__(self, bundle=SERIAL1, now=fx.EPOCH, capacity=256 * 1024, files=None):
        booted = files is not None  # the flash of a station that ran before: boot from it
        self.files = files if booted else RamFiles()
        self.clock = ManualClock(now)
        self.ticks = Ticks(5000)
        self.log = Log(self.clock)
        self.storage = DirStorage("/flash", files=self.files)
        self.cache = BundleCache(
            self.storage, fx.STATION_ID, fx.UNIT_ID, [fx.AUTHORITY_PUBLIC], self.log
        )
        if booted:
            self.cache.load()
        else:
            self.cache.install(bundle)
        self.codes = CodeCheck(self.storage, self.clock, self.log)
        self.outbox = Outbox(self.storage, self.log, capacity_bytes=capacity)
        self.keypad = KeypadDouble()
        self.display = DisplayDouble()
        self.indicator = IndicatorDouble()
        self.nonces = 0
        self.sessions = 0

    def random_bytes(self, n):
        self.nonces += 1
        return bytes([self.nonces & 0xFF]) * n

    def session(self, key, presses=ANNA_CODE, nfc=False, **options):
        self.keypad.type(presses)
        if nfc:
            self.port = NfcReaderDouble(key)
            assert self.port.find_key()
            transport = NfcTransport(self.port)
        else:
            self.port = KeyPortDouble(key, self.ticks)
            transport = StreamTransport(self.port, self.ticks.ticks_ms, self.ticks.sleep_ms)
        self.sessions += 1  # a new session starts at another seq, as a random one would
        link = KeyLink(
            transport, self.ticks.ticks_ms, self.ticks.sleep_ms, first_seq=1000 * self.sessions
        )
        return KeySession(
            link,
            self.cache,
            self.codes,
            self.outbox,
            self.clock,
            self.keypad,
            self.display,
            self.indicator,
            self.log,
            fx.STATION_ID,
            SUPPORT,
            random_bytes=self.random_bytes,
            ticks_ms=self.ticks.ticks_ms,
            sleep_ms=self.ticks.sleep_ms,
            **options,
        )

    def sync(self, key, presses=ANNA_CODE, **options):
        self.last_session = self.session(key, presses, **options)
        return self.last_session.run()

    def records(self):
        waiting = self.outbox.pending(max_records=100000, max_bytes=1 << 30)[1]
        return [decode_record("outbox_record", r) for r in waiting]

    def station_events(self):
        return [(r["reason"], r["key_id"], r["detail"]) for r in self.records() if r["kind"] == 2]

    def lock_events(self):
        return [
            (r["event"]["lock_id"], r["event"]["lock_seq"])
            for r in self.records()
            if r["kind"] == 1
        ]

    def todays_set(self, key_id):
        return self.cache.permission_set_for(key_id, self.clock.now())[0]


def _anna(events=0):
    key = KeyDouble(ANNA)
    key.add_events(events)
    return key


# --- the whole sync -------------------------------------------------------------------


def test_full_sync_writes_set_and_blocklist_stores_and_acks_the_audit():
    station = Station()
    key = _anna(12)
    result = station.sync(key)
    assert result.outcome == "ok_until" and station.last_session.state == DONE
    assert key.active_set() == station.todays_set(ANNA)
    assert key.blocklist == station.cache.blocklist() and key.blocklist_version == 1
    assert key.events == []  # acknowledged: the key forgot them
    assert station.lock_events() == [(100, i) for i in range(1, 13)]
    assert station.station_events() == [(REASON_SYNC_OK, ANNA, 1)]  # detail: set serial
    assert result.valid_until == fx.DAY0 + fx.WINDOW and result.events_acked == 12
    until = format_local(fx.DAY0 + fx.WINDOW)
    assert until == "2026-11-19 13:00"  # 12:00 UTC is 13:00 in Stockholm in November (CET)
    assert station.display.english == "OK, valid until " + until
    assert station.display.swedish == "OK, giltig till " + until
    assert station.indicator.state == "ok"
    assert station.display.shown[0][1] == "Reading key ..."
    assert station.display.shown[1][1] == "Hello Anna! Enter your code"


def test_the_challenge_is_fresh_and_checked_with_the_bundles_public_key():
    station = Station()
    station.sync(_anna())
    station.sync(_anna())
    assert station.nonces == 2  # one nonce per session from random_bytes


def test_a_key_with_the_bundles_blocklist_is_not_written_again():
    station = Station()
    key = _anna()
    station.sync(key)
    before = key.executed.count(MSG_OBJ_BEGIN)
    result = station.sync(key)
    assert result.outcome == "ok_until"
    assert key.executed.count(MSG_OBJ_BEGIN) - before == 1  # only the set this time
    assert MSG_OBJ_STAT not in key.executed  # no events waiting: no audit read


def test_sync_over_nfc_in_240_byte_messages():
    station = Station()
    key = _anna(30)
    result = station.sync(key, nfc=True)
    assert result.outcome == "ok_until"
    assert key.active_set() == station.todays_set(ANNA) and key.events == []
    assert station.port.largest <= 240
    assert len(station.lock_events()) == 30


def test_sync_at_a_faster_baud_rate():
    station = Station()
    key = _anna(5)
    result = station.sync(key, baud=921600)
    assert result.outcome == "ok_until"
    assert MSG_SET_BAUD in key.executed and station.port.baud == 921600


def test_noise_and_lost_frames_do_not_disturb_a_sync():
    station = Station()
    key = _anna(20)
    session = station.session(key)
    port = station.port
    while session.state != DONE:
        port.noise = b"\x01\x02\x03\x00\xff\xfe"
        port.drop_responses = 1
        session.step()
    assert session.result.outcome == "ok_until"
    assert key.executed.count(MSG_OBJ_COMMIT) == 2  # set and blocklist, each executed once
    assert key.events == [] and len(station.lock_events()) == 20
    assert session.link.crc_errors > 0 and session.link.resent > 0


# --- the code -------------------------------------------------------------------------


def test_wrong_codes_are_counted_and_a_right_one_still_syncs():
    station = Station()
    key = _anna()
    result = station.sync(key, "111111" + "000000" + ANNA_CODE)
    assert result.outcome == "ok_until"
    assert station.station_events() == [
        (REASON_WRONG_CODE, ANNA, 1),
        (REASON_WRONG_CODE, ANNA, 2),
        (REASON_SYNC_OK, ANNA, 1),
    ]
    assert "Wrong code, 4 tries left" in [en for _, en in station.display.shown]
    assert station.codes.failures(ANNA) == 0  # a right code resets the count


def test_star_clears_and_hash_confirms():
    station = Station()
    result = station.sync(_anna(), "#12*" + ANNA_CODE[:3] + "*" + ANNA_CODE + "#")
    assert result.outcome == "ok_until"
    assert station.station_events() == [(REASON_SYNC_OK, ANNA, 1)]
    assert ("Ange din kod: **", "Enter your code: **") in station.display.shown
    result = station.sync(_anna(), "12#")  # a short code is a wrong code
    assert station.station_events()[-1] == (REASON_WRONG_CODE, ANNA, 1)


def test_five_wrong_codes_lock_the_key_out_and_it_stays_refused():
    station = Station()
    key = _anna(3)
    result = station.sync(key, "000000" * 5)
    assert result.outcome == "locked_out"
    until = fx.EPOCH + 15 * 60
    assert station.station_events()[-1] == (REASON_LOCKED_OUT, ANNA, until)
    assert [e[0] for e in station.station_events()] == [REASON_WRONG_CODE] * 4 + [REASON_LOCKED_OUT]
    assert key.active_set() is None and len(key.events) == 3  # nothing written, nothing read
    assert station.display.english.startswith("Too many wrong codes")
    assert station.indicator.state == "error"
    result = station.sync(key, ANNA_CODE)  # even the right code: refused, no new event
    assert result.outcome == "locked_out" and len(station.station_events()) == 5
    station.keypad.presses = []
    station.clock.advance(15 * 60)
    result = station.sync(key, ANNA_CODE)
    assert result.outcome == "ok_until"


def test_no_code_typed_times_out():
    station = Station()
    key = _anna()
    result = station.sync(key, "12", code_timeout_ms=2000)
    assert result.outcome == "code_timeout" and result.step == STEPS[CODE]
    assert key.active_set() is None
    assert station.ticks.now >= 5000 + 2000


# --- refusals -------------------------------------------------------------------------


def test_unknown_key_is_refused_before_any_challenge():
    station = Station()
    key = KeyDouble(99)
    result = station.sync(key)
    assert result.outcome == "unknown_key" and result.key_id == 99
    assert station.station_events() == [(REASON_UNKNOWN_KEY, 99, 0)]
    assert key.executed == [MSG_HELLO]
    assert SUPPORT in station.display.english and SUPPORT in station.display.swedish
    assert station.keypad.presses  # the code was never asked for


def test_blocked_key_is_refused():
    station = Station(SERIAL2)
    key = KeyDouble(11)
    result = station.sync(key, fx.KEYS[11][0])
    assert result.outcome == "key_blocked"
    assert station.station_events() == [(REASON_KEY_BLOCKED, 11, 0)]
    assert key.active_set() is None


def test_expired_cache_refuses_and_says_whom_to_call():
    station = Station(now=fx.OFFLINE_UNTIL)
    key = _anna(4)
    result = station.sync(key)
    assert result.outcome == "cache_expired"
    assert station.station_events() == [(REASON_CACHE_EXPIRED, ANNA, fx.OFFLINE_UNTIL)]
    assert "8 days" in station.display.english and SUPPORT in station.display.english
    assert key.active_set() is None and len(key.events) == 4


def test_no_set_today_is_refused_before_the_code():
    station = Station(now=fx.DAY0 + 3 * fx.DAY + fx.WINDOW - fx.DAY + 60)  # day 3, after day 2's
    key = KeyDouble(12)
    result = station.sync(key, fx.KEYS[12][0])
    assert result.outcome == "no_set_now"
    assert station.station_events() == [(REASON_NO_SET_NOW, 12, 0)]
    assert MSG_CHALLENGE in key.executed and key.active_set() is None


def test_a_key_that_cannot_sign_for_its_id_is_refused():
    station = Station()
    impostor = KeyDouble(ANNA, seed=key_seed(11))  # claims Anna's id, holds Bertil's key
    result = station.sync(impostor)
    assert result.outcome == "key_auth_failed"
    assert station.station_events() == [(REASON_KEY_AUTH_FAILED, ANNA, 0)]
    assert impostor.active_set() is None and station.keypad.presses


def test_a_key_refusing_the_set_as_not_its_own():
    class Picky(KeyDouble):
        def _commit(self, f):
            return ST_KEY_MISMATCH, 0

    station = Station()
    key = Picky(ANNA)
    result = station.sync(key)
    assert result.outcome == "key_auth_failed"
    assert station.station_events() == [(REASON_KEY_AUTH_FAILED, ANNA, ST_KEY_MISMATCH)]
    assert key.active_set() is None


def test_a_key_with_a_low_battery_is_told_so():
    station = Station()
    key = KeyDouble(ANNA, battery_low=True)
    result = station.sync(key)
    assert result.outcome == "key_battery_low"
    assert station.display.english == "Key battery low. Replace the key"


# --- a key pulled at every step -------------------------------------------------------

# (request type, nth of that type, executed by the key before it left, state it ends in)
PULLS = [
    (MSG_HELLO, 1, False, "hello"),
    (MSG_HELLO, 1, True, "hello"),
    (MSG_CHALLENGE, 1, False, "authenticate"),
    (MSG_OBJ_BEGIN, 1, False, "write_set"),
    (MSG_OBJ_WRITE, 1, True, "write_set"),
    (MSG_OBJ_COMMIT, 1, False, "write_set"),
    (MSG_OBJ_COMMIT, 1, True, "write_set"),
    (MSG_OBJ_BEGIN, 2, False, "write_blocklist"),
    (MSG_OBJ_COMMIT, 2, True, "write_blocklist"),
    (MSG_OBJ_STAT, 1, False, "read_audit"),
    (MSG_OBJ_READ, 3, True, "read_audit"),
    (MSG_AUDIT_ACK, 1, False, "ack"),
    (MSG_AUDIT_ACK, 1, True, "ack"),
]


def test_a_key_pulled_at_any_step_leaves_key_and_station_consistent():
    for msg_type, nth, executed, state in PULLS:
        station = Station()
        key = _anna(30)
        session = station.session(key)
        station.port.pull_at(msg_type, nth, executed)
        result = session.run()
        where = (msg_type, nth, executed)
        assert result.outcome == "key_removed", where
        assert result.step == STEPS[state], where
        known = 0 if state == "hello" else ANNA  # no KEY_INFO, no key id
        assert station.station_events()[-1] == (REASON_KEY_REMOVED, known, STEPS[state]), where
        assert station.display.english == "Key removed too early. Insert it again", where
        assert station.indicator.state == "error"
        committed = MSG_OBJ_COMMIT in key.executed
        assert key.active_set() == (station.todays_set(ANNA) if committed else None), where
        # the session counts the set as written only once the commit was answered
        assert result.set_written == (state not in ("hello", "authenticate", "write_set")), where
        stored = station.lock_events()
        acked = MSG_AUDIT_ACK in key.executed
        assert len(key.events) == (0 if acked else 30), where
        assert stored == ([(100, i) for i in range(1, 31)] if state == "ack" else []), where
        # The key comes back: the sync completes and no event is stored twice.
        station.keypad.presses = []
        key.greeted = None
        result = station.sync(key)
        assert result.outcome == "ok_until", where
        assert key.active_set() == station.todays_set(ANNA) and key.events == [], where
        assert station.lock_events() == [(100, i) for i in range(1, 31)], where


def test_a_key_pulled_while_the_code_is_typed():
    station = Station()
    key = _anna(2)
    session = station.session(key, "24")
    while session.state != CODE:
        session.step()
    session.step()
    station.port.inserted = False
    session.run()
    assert session.result.outcome == "key_removed"
    assert station.station_events() == [(REASON_KEY_REMOVED, ANNA, STEPS[CODE])]
    assert key.active_set() is None and len(key.events) == 2


def test_a_key_that_stops_answering_is_reported_as_lost_contact():
    station = Station()
    key = _anna()
    session = station.session(key)
    while session.state != CODE:
        session.step()
    station.port.drop_requests = 100
    session.run()
    assert session.result.outcome == "comm_error"
    assert station.display.english == "Lost contact with the key. Try again"
    # Silent from the code's check on: PIN_PROOF (SPEC 5.11) is the first request unanswered.
    assert station.station_events() == [(REASON_KEY_REMOVED, ANNA, STEPS[CODE])]


# --- a full outbox --------------------------------------------------------------------


def test_full_outbox_still_writes_set_and_blocklist_but_leaves_the_events_on_the_key():
    station = Station(capacity=400)  # room for a few station events, not for 20 lock events
    key = _anna(20)
    result = station.sync(key)
    assert result.outcome == "outbox_full" and result.step == STEPS[STORE_AUDIT]
    assert key.active_set() == station.todays_set(ANNA) and key.blocklist_version == 1
    assert MSG_AUDIT_ACK not in key.executed and len(key.events) == 20
    assert station.lock_events() == []
    assert station.station_events() == [(REASON_OUTBOX_FULL, ANNA, 20)]
    assert SUPPORT in station.display.english and "Memory full" in station.display.english
    assert station.indicator.state == "error"


def test_the_keys_events_go_into_the_outbox_byte_for_byte():
    # A lock of a newer kind (format 2, an outcome this station has no name for) and a
    # lock that fills every field: the station relays what it cannot read, unchanged,
    # because the lock's MAC covers the bytes; the back office judges them.
    station = Station()
    key = _anna()
    newer = bytes([2, 0x7F, 0xEF, 0xBE]) + bytes(range(100, 132))
    full = encode_record("audit_event", audit_event(0xFFFFFFFE, ANNA, 0xFFFFFFF0, 9, 4))
    key.append_event(newer)
    key.append_event(full)
    result = station.sync(key)
    assert result.outcome == "ok_until" and result.events_stored == 2 and key.events == []
    stored = [r for r in station.outbox.pending()[1] if r[0] == 1]
    assert [r[2:38] for r in stored] == [newer, full]


def test_a_batch_with_a_wrong_length_is_a_key_fault_and_nothing_is_stored():
    station = Station()
    key = _anna(2)
    key.events[1] = (key.events[1][0], bytes(35))  # one byte short
    result = station.sync(key)
    assert result.outcome == "key_fault" and station.lock_events() == []
    assert len(key.events) == 2  # not acknowledged: the key keeps them


def test_events_stored_before_a_lost_ack_are_not_stored_again():
    station = Station()
    key = _anna(10)
    session = station.session(key)
    station.port.pull_at(MSG_AUDIT_ACK, 1, False)
    while session.state != ACK:
        session.step()
    assert len(station.lock_events()) == 10  # on flash before the ack is even sent
    session.run()
    station.keypad.presses = []
    result = station.sync(key)
    assert result.outcome == "ok_until" and result.events_read == 10
    assert result.events_stored == 0 and result.events_acked == 10
    assert len(station.lock_events()) == 10


def test_result_and_key_info_for_the_console():
    station = Station()
    key = _anna(3)
    session = station.session(key)
    assert session.key_info is None and session.result.outcome is None
    session.step()
    assert session.key_info["key_id"] == ANNA and session.key_info["audit_count"] == 3
    session.run()
    result = session.result
    assert (result.outcome, result.key_id, result.valid_until, result.reason) == (
        "ok_until",
        ANNA,
        fx.DAY0 + fx.WINDOW,
        REASON_SYNC_OK,
    )
    assert session.step() == DONE  # stepping a finished session does nothing


def test_a_station_fault_ends_the_session_cleanly():
    class BrokenCodes(CodeCheck):
        def check(self, key_id, code, salt, verifier, iterations):
            raise OSError(5)  # the counter file cannot be written

    station = Station()
    station.codes = BrokenCodes(station.storage, station.clock, station.log)
    key = _anna(3)
    result = station.sync(key)
    assert result.outcome == "station_fault" and result.step == STEPS[CODE]
    assert SUPPORT in station.display.english and station.indicator.state == "error"
    assert key.active_set() is None and len(key.events) == 3


# --- audit batches larger than a heap or a round (issues 19.3, 14.16) ------------------


def test_a_key_holding_more_events_than_one_round_takes_is_synced_in_several_rounds():
    station = Station()
    key = KeyDouble(ANNA, audit_capacity=2500)
    key.add_events(2500)
    result = station.sync(key)
    assert result.outcome == "ok_until"
    assert key.executed.count(MSG_AUDIT_ACK) == 2  # 2,048 events, then the other 452
    assert key.events == [] and result.events_acked == 2500
    assert result.events_read == 2500 and result.events_stored == 2500
    assert station.lock_events() == [(100, i) for i in range(1, 2501)]
    assert "audit.stage" not in station.storage.names()


def test_rounds_are_bounded_and_what_is_left_waits_on_the_key_for_the_next_sync():
    station = Station()
    key = _anna(1000)
    result = station.sync(key, max_audit_events=100)
    assert result.outcome == "ok_until"
    assert key.executed.count(MSG_AUDIT_ACK) == MAX_AUDIT_ROUNDS
    assert len(key.events) == 1000 - 100 * MAX_AUDIT_ROUNDS
    assert key.events[0][0] == 100 * MAX_AUDIT_ROUNDS + 1
    assert result.events_stored == result.events_acked == 100 * MAX_AUDIT_ROUNDS
    station.keypad.presses = []
    assert station.sync(key, max_audit_events=100).outcome == "ok_until" and key.events == []
    assert station.lock_events() == [(100, i) for i in range(1, 1001)]


def test_an_outbox_that_fills_mid_batch_lets_the_key_forget_only_what_fit():
    station = Station(capacity=6000)  # two entries of 64 lock events, not a third
    key = _anna(200)
    result = station.sync(key)
    assert result.outcome == "outbox_full"
    assert station.lock_events() == [(100, i) for i in range(1, 129)]
    assert [seq for seq, _ in key.events] == list(range(129, 201))
    assert result.events_acked == 128
    assert (REASON_OUTBOX_FULL, ANNA, 72) in station.station_events()
    assert "audit.stage" not in station.storage.names()


def _wrong_hash_once(key, times=1):
    real = key._stat
    left = [times]

    def stat(fields):
        status, answer = real(fields)
        if fields["obj"] == 3 and left[0] > 0:
            left[0] -= 1
            answer = {"size": answer["size"], "sha256": bytes(32)}
        return status, answer

    key._stat = stat


def test_an_audit_batch_that_misses_its_hash_is_read_again_and_stored_once():
    station = Station()
    key = _anna(150)
    _wrong_hash_once(key)
    result = station.sync(key)
    assert result.outcome == "ok_until" and key.events == []
    assert key.executed.count(MSG_OBJ_STAT) == 2
    assert station.lock_events() == [(100, i) for i in range(1, 151)]


def test_an_audit_batch_that_misses_its_hash_twice_stores_nothing():
    station = Station()
    key = _anna(150)
    _wrong_hash_once(key, times=2)
    result = station.sync(key)
    assert result.outcome == "key_fault"
    assert station.lock_events() == [] and len(key.events) == 150
    assert MSG_AUDIT_ACK not in key.executed
    assert "audit.stage" not in station.storage.names()


def test_a_power_cut_anywhere_in_a_sync_of_several_entries_loses_and_duplicates_nothing():
    # Entries of 4 events: a batch of 10 is staged, then stored as 3 entries.
    saved = station_events.EVENTS_PER_ENTRY
    station_events.EVENTS_PER_ENTRY = 4
    try:
        cut = 0
        while True:
            station = Station()
            key = _anna(10)
            station.files.cut_after(cut)
            try:
                station.sync(key)  # a cut the session catches ends it as a station fault
            except PowerCut:
                pass
            finished = station.files.spent < cut  # the power held to the end
            station.files.restore_power()
            again = Station(files=station.files)
            result = again.sync(key)
            assert result.outcome == "ok_until", (cut, result)
            assert key.events == [], cut
            assert again.lock_events() == [(100, i) for i in range(1, 11)], cut
            assert "audit.stage" not in again.storage.names(), cut
            if finished:
                break
            cut += 5
        assert cut > 800
    finally:
        station_events.EVENTS_PER_ENTRY = saved
