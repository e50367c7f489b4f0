"""firmware.service_console: every SVC_* request of SPEC.md 7 over a framed byte stream.

``FakeStation`` is the station as the console sees it (the ``services`` of
firmware/service_console.py), built from the real firmware parts: a
BundleCache with the committed fixture bundle, an Outbox and a Log on a
RamFiles flash, a ManualClock. ``Line`` is the USB serial: bytes the
technician sent wait in ``incoming``, the station's answers collect in
``outgoing``. Requests are framed and decoded with the firmware's own codec;
tests/firmware/test_service_console_cpython.py repeats the exchange with the
construct reference.
"""

import json
import struct

from firmware.bundle_cache import BundleCache
from firmware.clock import ManualClock
from firmware.framing import FrameDecoder, encode_frame
from firmware.log import Log
from firmware.outbox import Outbox, OutboxFull, split_records
from firmware.payloads import decode_payload
from firmware.protocol_constants import (
    FLAG_ERROR,
    FLAG_RESPONSE,
    MSG_HELLO,
    MSG_SVC_AUDIT_READ,
    MSG_SVC_CACHE_INFO,
    MSG_SVC_CLEAR_OUTBOX,
    MSG_SVC_FACTORY_RESET,
    MSG_SVC_KEY_INFO,
    MSG_SVC_LOG_TAIL,
    MSG_SVC_MAINTENANCE,
    MSG_SVC_OUTBOX_INFO,
    MSG_SVC_SELFTEST,
    MSG_SVC_SET_CLOCK,
    MSG_SVC_STATUS,
    REASON_SERVICE_COMMAND,
    REASON_SYNC_OK,
    ST_AUTH_REQUIRED,
    ST_BUSY,
    ST_INTERNAL,
    ST_MALFORMED,
    ST_NO_KEY,
    ST_OK,
    ST_TOKEN_INVALID,
    ST_UNKNOWN_TYPE,
    ST_UNSUPPORTED_VERSION,
    STATION_FLAG_CACHE_EXPIRED,
    STATION_FLAG_CLOCK_NOT_SET,
    STATION_FLAG_OUTBOX_FULL,
    TOKEN_BAD_SIGNATURE,
    TOKEN_EXPIRED,
    TOKEN_OTHER_STATION,
    TOKEN_PERMISSION_MISSING,
    TOKEN_UNKNOWN_AUTHORITY_KEY,
    TOKEN_USED,
)
from firmware.record_encoders import encode_record
from firmware.records import decode_record
from firmware.service_console import ServiceConsole
from firmware.station_events import lock_event, station_event
from firmware.storage import DirStorage
from firmware.wire_messages import decode_error, decode_message, encode_message
from tests.firmware import fixtures as fx
from tests.firmware.power_cut import RamFiles
from tests.firmware.test_service_token import NOT_AFTER, TOKENS

_CHECKS = (1, 2, 3, 4, 5, 6, 7)
CLOCK_SET_AFTER = 1704067200  # the double's rule: a clock before 2024 was never set


SERIAL1 = fx.read("bundle_serial1.bin")


class Line:
    """The USB serial between technician and station, delivering at most ``chunk`` bytes a read."""

    def __init__(self, chunk=4096):
        self.incoming = bytearray()
        self.outgoing = bytearray()
        self.chunk = chunk
        self.reads = 0

    def read(self, max_bytes):
        self.reads += 1
        n = min(max_bytes, self.chunk, len(self.incoming))
        data = bytes(self.incoming[:n])
        self.incoming = self.incoming[n:]
        return data

    def write(self, buf):
        self.outgoing += buf
        return len(buf)


class FakeStation:
    """The console's ``services``, backed by real firmware parts on a RAM flash."""

    def __init__(self, now=fx.EPOCH, bundle=True, outbox_capacity=64 * 1024):
        self.station_id = fx.STATION_ID
        self.unit_id = fx.UNIT_ID
        self.authority_keys = [fx.AUTHORITY_PUBLIC]
        self.clock = ManualClock(now)
        self.log = Log(self.clock)
        self.files = RamFiles()
        self.storage = DirStorage("/flash", files=self.files)
        self.cache = BundleCache(
            self.storage, self.station_id, self.unit_id, self.authority_keys, self.log
        )
        if bundle:
            self.cache.install(SERIAL1)
        self.outbox_capacity = outbox_capacity
        self.outbox = Outbox(self.storage, self.log, capacity_bytes=outbox_capacity)
        self.key = None
        self.booted = now
        self.calls = []  # state-changing calls, to show nothing ran twice
        self.fail = None  # a method name that raises, to show the console survives it
        self.in_session = False  # a key session runs: may_block() is False

    def _maybe_fail(self, name):
        if self.fail == name:
            raise OSError(5, "flash read error")

    def now(self):
        return self.clock.now()

    def status(self):
        self._maybe_fail("status")
        now = self.now()
        header = self.cache.header or {}
        flags = 0
        if self.outbox.full:
            flags |= STATION_FLAG_OUTBOX_FULL
        if now >= self.cache.offline_until():
            flags |= STATION_FLAG_CACHE_EXPIRED
        if now < CLOCK_SET_AFTER:
            flags |= STATION_FLAG_CLOCK_NOT_SET
        return {
            "station_id": self.station_id,
            "unit_id": self.unit_id,
            "firmware": 0x0100,
            "online": 0,
            "last_error": 0,
            "clock": now,
            "bundle_serial": self.cache.serial,
            "bundle_issued": header.get("issued_at", 0),
            "offline_until": self.cache.offline_until(),
            "outbox_records": self.outbox.records(),
            "outbox_bytes": self.outbox.pending_bytes(),
            "flash_free": self.storage.free(),
            "last_upload": self.outbox.last_ack_time,
            "uptime_s": max(0, now - self.booted),
            "crc_errors": 0,
            "key_present": 0 if self.key is None else 1,
            "flags": flags,
        }

    def cache_info(self):
        self._maybe_fail("cache_info")
        return self.cache.info()

    def outbox_info(self):
        return self.outbox.info()

    def key_info(self):
        return self.key

    def audit_read(self, from_index, max_records):
        return self.outbox.read(from_index, max_records)

    def selftest(self):
        self.storage.write("selftest", b"synk")
        storage_ok = self.storage.read("selftest") == b"synk"
        self.storage.remove("selftest")
        results = {1: 0 if storage_ok else ST_INTERNAL, 2: 0, 3: 0 if self.cache.loaded else 9}
        return [(check, results.get(check, 0)) for check in _CHECKS]

    def set_clock(self, t):
        self.calls.append(("set_clock", t))
        self.clock.set(t)

    def clear_outbox(self, through_index):
        self.calls.append(("clear_outbox", through_index))
        return self.outbox.confirm(through_index, self.now())

    def factory_reset(self):
        self.calls.append(("factory_reset",))
        self.cache.discard()
        # Outbox indexes never go back: confirm everything, keep the ack file.
        self.outbox.confirm(self.outbox.next_index - 1, self.now())
        for name in self.storage.names():
            if name not in ("outbox.ack", "tokens_used.bin"):  # spent tokens stay spent
                self.storage.remove(name)
        self.outbox = Outbox(self.storage, self.log, capacity_bytes=self.outbox_capacity)

    def enter_maintenance(self):
        self.calls.append(("enter_maintenance",))

    def record(self, key_id, reason, detail):
        try:
            self.outbox.append([station_event(key_id, self.now(), reason, detail)])
        except OutboxFull:
            return False
        return True

    def may_block(self):
        return not self.in_session


def _station_and_console(chunk=4096, max_read=2048, **kwargs):
    station = FakeStation(**kwargs)
    line = Line(chunk)
    return station, line, ServiceConsole(line, station, max_read=max_read)


def _send(line, msg_type, seq, payload=b"", raw=None):
    body = raw if raw is not None else encode_message(msg_type, seq, payload)
    line.incoming += b"\x00" + encode_frame(body)
    return body


def _answers(line):
    decoder = FrameDecoder()
    bodies = decoder.feed(bytes(line.outgoing))
    assert decoder.crc_errors == 0
    line.outgoing = bytearray()
    return [decode_message(body) for body in bodies]


def _exchange(console, line, msg_type, payload=b"", seq=1):
    _send(line, msg_type, seq, payload)
    assert console.poll() == 1
    answers = _answers(line)
    assert len(answers) == 1
    answer = answers[0]
    assert answer["version"] == 1
    assert answer["type"] == msg_type
    assert answer["seq"] == seq
    assert answer["flags"] & FLAG_RESPONSE
    assert bool(answer["flags"] & FLAG_ERROR) == (answer["status"] != 0)
    return answer


def _ok(console, line, msg_type, payload=b"", seq=1):
    answer = _exchange(console, line, msg_type, payload, seq)
    assert answer["status"] == ST_OK, decode_error(answer["payload"])
    return decode_payload(msg_type, True, answer["payload"])


def _refused(console, line, msg_type, payload=b"", seq=1):
    """(status, detail) of an error answer."""
    answer = _exchange(console, line, msg_type, payload, seq)
    assert answer["status"] != ST_OK
    error = decode_error(answer["payload"])
    return answer["status"], error["detail"]


def _lock_records(count, first_seq=1):
    records = []
    for i in range(count):
        event = {
            "format": 1,
            "outcome": 0,
            "lock_id": 100 + i % 3,
            "key_id": 10,
            "time": fx.EPOCH - 600 + i,
            "lock_seq": first_seq + i,
            "mac": bytes(16),
        }
        records.append(lock_event(encode_record("audit_event", event), fx.EPOCH))
    return records


def _token_payload(name, argument=None):
    token = TOKENS[name]
    return token if argument is None else token + struct.pack("<I", argument)


def _events(station):
    _, records = station.outbox.pending()
    return [decode_record("outbox_record", r) for r in records]


# --- reading commands ------------------------------------------------------------------


def test_status_reports_the_station():
    station, line, console = _station_and_console()
    station.outbox.append(_lock_records(2))
    station.clock.advance(90)
    fields = _ok(console, line, MSG_SVC_STATUS)
    assert fields == station.status()
    assert fields["station_id"] == fx.STATION_ID
    assert fields["bundle_serial"] == 1
    assert fields["outbox_records"] == 2
    assert fields["uptime_s"] == 90
    assert fields["flags"] == 0


def test_cache_info_with_and_without_a_bundle():
    station, line, console = _station_and_console()
    fields = _ok(console, line, MSG_SVC_CACHE_INFO)
    assert fields == station.cache.info()
    assert fields["bundle_serial"] == 1
    assert fields["bundle_size"] == len(SERIAL1)
    assert fields["keys"] == 3
    station, line, console = _station_and_console(bundle=False)
    fields = _ok(console, line, MSG_SVC_CACHE_INFO)
    assert fields["bundle_serial"] == 0
    assert fields["header_sha256"] == bytes(32)


def test_outbox_info():
    station, line, console = _station_and_console()
    station.outbox.append(_lock_records(3))
    fields = _ok(console, line, MSG_SVC_OUTBOX_INFO)
    assert fields == station.outbox.info()
    assert fields["records"] == 3
    assert fields["next_index"] == 4


def test_key_info_or_no_key():
    station, line, console = _station_and_console()
    assert _refused(console, line, MSG_SVC_KEY_INFO) == (ST_NO_KEY, 0)
    station.key = {
        "key_id": 10,
        "firmware": 0x0102,
        "max_payload": 512,
        "active_slot": 0,
        "slot_a": 1,
        "slot_b": 2,
        "battery": 87,
        "set_serial": 5000,
        "valid_from": fx.DAY0,
        "valid_until": fx.DAY0 + fx.WINDOW,
        "lock_count": 3,
        "audit_count": 2,
        "audit_capacity": 200,
        "last_error": 0,
        "flags": 0,
        "blocklist_version": 1,
        "audit_next_seq": 17,
    }
    assert _ok(console, line, MSG_SVC_KEY_INFO, seq=2) == station.key


def test_log_tail_follows_the_log():
    station, line, console = _station_and_console()
    for i in range(5):
        station.log.info("line %d" % i)
    first = station.log.next_seq - 5
    fields = _ok(console, line, MSG_SVC_LOG_TAIL, struct.pack("<IHH", first, 400, 0))
    assert fields["first_seq"] == first
    assert fields["next_seq"] == station.log.next_seq
    assert fields["text"].endswith("\n")
    lines = fields["text"].splitlines()
    assert [entry.split(" ", 3)[3] for entry in lines] == ["line %d" % i for i in range(5)]
    assert lines[0].split(" ")[:3] == [str(first), str(fx.EPOCH), "I"]
    # Nothing new since: an empty text, the same next_seq.
    nothing = _ok(
        console, line, MSG_SVC_LOG_TAIL, struct.pack("<IHH", fields["next_seq"], 400, 0), 2
    )
    assert nothing == {"first_seq": fields["next_seq"], "next_seq": fields["next_seq"], "text": ""}


def test_log_tail_fits_one_payload_whatever_max_bytes_says():
    station, line, console = _station_and_console()
    for i in range(40):
        station.log.warn("a rather long log line number %d for the tail" % i)
    fields = _ok(console, line, MSG_SVC_LOG_TAIL, struct.pack("<IHH", 0, 0xFFFF, 0))
    assert 400 < len(fields["text"].encode()) <= 504
    assert fields["first_seq"] == 1
    # Reading on from next_seq gets the following lines, none lost, none twice.
    seen = fields["text"].splitlines()
    seq = 2
    while fields["next_seq"] < station.log.next_seq:
        request = struct.pack("<IHH", fields["next_seq"], 0xFFFF, 0)
        fields = _ok(console, line, MSG_SVC_LOG_TAIL, request, seq)
        seen += fields["text"].splitlines()
        seq += 1
    assert [int(entry.split(" ")[0]) for entry in seen] == list(range(1, station.log.next_seq))


def test_audit_read_pages_through_the_outbox_within_one_payload():
    station, line, console = _station_and_console()
    records = _lock_records(30)
    station.outbox.append(records[:10])
    station.record(10, REASON_SYNC_OK, 5000)
    station.outbox.append(records[10:])
    fields = _ok(console, line, MSG_SVC_AUDIT_READ, struct.pack("<IHH", 1, 1000, 0))
    assert fields["total"] == 31
    assert fields["first_index"] == 1
    # 12 + 10 x 42 + 18 + 42 = 492 bytes; one more lock event would pass 512.
    assert len(fields["records"]) == 12
    got = []
    seq = 2
    index = 1
    while True:
        fields = _ok(console, line, MSG_SVC_AUDIT_READ, struct.pack("<IHH", index, 1000, 0), seq)
        if not fields["records"]:
            break
        assert fields["first_index"] == index
        got += fields["records"]
        index += len(fields["records"])
        seq += 1
    expected = [decode_record("outbox_record", r) for r in station.outbox.pending()[1]]
    assert got == expected
    assert got[10] == {
        "kind": 2,
        "key_id": 10,
        "time": fx.EPOCH,
        "reason": REASON_SYNC_OK,
        "detail": 5000,
    }
    few = _ok(console, line, MSG_SVC_AUDIT_READ, struct.pack("<IHH", 5, 2, 0), seq)
    assert few["first_index"] == 5
    assert few["records"] == expected[4:6]


def test_selftest_reports_every_check():
    station, line, console = _station_and_console()
    fields = _ok(console, line, MSG_SVC_SELFTEST)
    assert fields["checks"] == [{"check": c, "status": 0} for c in _CHECKS]
    station.cache.discard()
    fields = _ok(console, line, MSG_SVC_SELFTEST, seq=2)
    assert fields["checks"][2] == {"check": 3, "status": 9}


def test_reading_commands_are_not_logged_and_record_nothing():
    station, line, console = _station_and_console()
    before = station.log.next_seq
    for seq, msg_type in enumerate((MSG_SVC_STATUS, MSG_SVC_CACHE_INFO, MSG_SVC_SELFTEST)):
        _ok(console, line, msg_type, seq=seq)
    assert station.log.next_seq == before
    assert station.outbox.records() == 0


def test_during_a_key_session_selftest_and_token_commands_are_busy():
    # The main-loop rule: their flash work would hold up the keypad or change the bundle
    # the session uses. Reading commands are answered; a retry after the session runs.
    station, line, console = _station_and_console()
    station.in_session = True
    assert _refused(console, line, MSG_SVC_SELFTEST, seq=1) == (ST_BUSY, 0)
    payload = _token_payload("all", fx.EPOCH + 300)
    assert _refused(console, line, MSG_SVC_SET_CLOCK, payload, seq=2) == (ST_BUSY, 0)
    assert _refused(console, line, MSG_SVC_FACTORY_RESET, _token_payload("all"), seq=3) == (
        ST_BUSY,
        0,
    )
    assert station.calls == [] and station.now() == fx.EPOCH and station.cache.loaded
    assert _ok(console, line, MSG_SVC_STATUS, seq=4)["station_id"] == fx.STATION_ID
    station.in_session = False
    _ok(console, line, MSG_SVC_SET_CLOCK, payload, seq=5)
    assert station.calls == [("set_clock", fx.EPOCH + 300)]


# --- token commands --------------------------------------------------------------------


def test_set_clock_with_a_token_sets_it_logs_and_records_it():
    station, line, console = _station_and_console()
    assert _ok(console, line, MSG_SVC_SET_CLOCK, _token_payload("all", fx.EPOCH + 300)) == {}
    assert station.now() == fx.EPOCH + 300
    assert station.calls == [("set_clock", fx.EPOCH + 300)]
    assert _events(station) == [
        {
            "kind": 2,
            "key_id": 0,
            "time": fx.EPOCH + 300,
            "reason": REASON_SERVICE_COMMAND,
            "detail": MSG_SVC_SET_CLOCK,
        }
    ]
    _, _, text = station.log.tail(0, 504)
    assert "clock set from %d to %d" % (fx.EPOCH, fx.EPOCH + 300) in text
    assert "technician 501" in text


def test_a_set_clock_token_works_once_then_is_refused_as_used():
    # issue 14.6: a token was accepted twice with new request numbers
    station, line, console = _station_and_console()
    payload = _token_payload("all", fx.EPOCH + 300)
    assert _ok(console, line, MSG_SVC_SET_CLOCK, payload, seq=1) == {}
    # the very same request again is a retry: the remembered answer, nothing runs
    assert _ok(console, line, MSG_SVC_SET_CLOCK, payload, seq=1) == {}
    replay = _token_payload("all", fx.EPOCH + 600)
    answer = _exchange(console, line, MSG_SVC_SET_CLOCK, replay, seq=2)
    assert answer["status"] == ST_TOKEN_INVALID
    error = decode_error(answer["payload"])
    assert error == {"detail": TOKEN_USED, "text": "token already used on this station"}
    assert _refused(console, line, MSG_SVC_FACTORY_RESET, _token_payload("all"), seq=3) == (
        ST_TOKEN_INVALID,
        TOKEN_USED,
    )
    assert station.calls == [("set_clock", fx.EPOCH + 300)]
    assert station.now() == fx.EPOCH + 300 and station.cache.loaded
    _, _, text = station.log.tail(0, 504)
    assert "already used on this station" in text
    # another token works; the memory is on flash, so a restarted console knows both
    _ok(console, line, MSG_SVC_SET_CLOCK, _token_payload("all_2", fx.EPOCH + 900), seq=4)
    console = ServiceConsole(line, station)
    assert _refused(console, line, MSG_SVC_SET_CLOCK, payload, seq=5) == (
        ST_TOKEN_INVALID,
        TOKEN_USED,
    )
    assert _refused(console, line, MSG_SVC_SET_CLOCK, _token_payload("all_2", 1), seq=6) == (
        ST_TOKEN_INVALID,
        TOKEN_USED,
    )


def test_a_refused_token_is_not_spent():
    station, line, console = _station_and_console()
    station.clock.set(NOT_AFTER + 1)
    payload = _token_payload("all", NOT_AFTER - 10)
    assert _refused(console, line, MSG_SVC_SET_CLOCK, payload, seq=1) == (
        ST_TOKEN_INVALID,
        TOKEN_EXPIRED,
    )
    station.clock.set(fx.EPOCH)
    assert _ok(console, line, MSG_SVC_SET_CLOCK, payload, seq=2) == {}


def test_a_token_for_any_station_sets_the_clock_here():
    station, line, console = _station_and_console()
    payload = _token_payload("clock_any_station", fx.EPOCH - 30)
    _ok(console, line, MSG_SVC_SET_CLOCK, payload)
    assert station.now() == fx.EPOCH - 30


def test_clear_outbox_removes_what_was_exported_then_records_itself():
    station, line, console = _station_and_console()
    station.outbox.append(_lock_records(5))
    fields = _ok(console, line, MSG_SVC_CLEAR_OUTBOX, _token_payload("all", 3))
    assert fields == {"removed": 3}
    assert station.calls == [("clear_outbox", 3)]
    events = _events(station)
    assert [e["kind"] for e in events] == [1, 1, 2]
    assert events[2]["reason"] == REASON_SERVICE_COMMAND
    assert events[2]["detail"] == MSG_SVC_CLEAR_OUTBOX
    assert station.outbox.acked_through == 3


def test_factory_reset_forgets_the_bundle_and_keeps_its_own_trace():
    station, line, console = _station_and_console()
    station.outbox.append(_lock_records(4))
    assert _ok(console, line, MSG_SVC_FACTORY_RESET, _token_payload("all")) == {}
    assert station.calls == [("factory_reset",)]
    assert not station.cache.loaded
    events = _events(station)
    assert len(events) == 1
    assert events[0]["detail"] == MSG_SVC_FACTORY_RESET
    assert station.outbox.pending()[0] == 5  # indexes go on after the reset
    assert "factory reset by technician 501" in station.log.tail(0, 504)[2]


def test_without_a_token_auth_is_required_and_a_wrong_length_is_malformed():
    station, line, console = _station_and_console()
    for seq, msg_type in enumerate(
        (MSG_SVC_SET_CLOCK, MSG_SVC_CLEAR_OUTBOX, MSG_SVC_FACTORY_RESET)
    ):
        assert _refused(console, line, msg_type, b"", seq) == (ST_AUTH_REQUIRED, 0)
    # Only the time, no token: malformed, detail the expected length.
    assert _refused(console, line, MSG_SVC_SET_CLOCK, struct.pack("<I", fx.EPOCH), 10) == (
        ST_MALFORMED,
        104,
    )
    too_long = _token_payload("all") + b"\x00"
    assert _refused(console, line, MSG_SVC_FACTORY_RESET, too_long, 11) == (ST_MALFORMED, 100)
    assert _refused(console, line, MSG_SVC_CLEAR_OUTBOX, _token_payload("all"), 12) == (
        ST_MALFORMED,
        104,
    )
    assert station.calls == []
    assert station.outbox.records() == 0


def test_refused_tokens_change_nothing_and_say_why():
    station, line, console = _station_and_console()
    station.outbox.append(_lock_records(2))
    cases = (
        (MSG_SVC_SET_CLOCK, _token_payload("other_station", 1), TOKEN_OTHER_STATION),
        (MSG_SVC_SET_CLOCK, _token_payload("impostor", 1), TOKEN_UNKNOWN_AUTHORITY_KEY),
        (MSG_SVC_SET_CLOCK, _token_payload("forged", 1), TOKEN_BAD_SIGNATURE),
        (MSG_SVC_CLEAR_OUTBOX, _token_payload("clock_any_station", 2), TOKEN_PERMISSION_MISSING),
        (MSG_SVC_FACTORY_RESET, _token_payload("clock_any_station"), TOKEN_PERMISSION_MISSING),
        (MSG_SVC_FACTORY_RESET, b"SKST" + bytes(96), 7),
    )
    for seq, (msg_type, payload, detail) in enumerate(cases):
        assert _refused(console, line, msg_type, payload, seq) == (ST_TOKEN_INVALID, detail)
    station.clock.set(NOT_AFTER + 1)
    expired = _refused(console, line, MSG_SVC_SET_CLOCK, _token_payload("all", fx.EPOCH), 20)
    assert expired == (ST_TOKEN_INVALID, TOKEN_EXPIRED)
    assert station.calls == []
    assert station.now() == NOT_AFTER + 1
    assert station.cache.loaded
    assert [e["kind"] for e in _events(station)] == [1, 1]
    text = station.log.tail(0, 504)[2]
    assert "SVC_FACTORY_RESET refused, token of technician 501: permission missing" in text


def test_clock_not_set_judges_the_token_by_the_time_it_sets():
    station, line, console = _station_and_console(now=1000, bundle=False)
    assert station.status()["flags"] & STATION_FLAG_CLOCK_NOT_SET
    too_late = _token_payload("all", NOT_AFTER + 1)
    assert _refused(console, line, MSG_SVC_SET_CLOCK, too_late, 1) == (
        ST_TOKEN_INVALID,
        TOKEN_EXPIRED,
    )
    assert station.now() == 1000
    _ok(console, line, MSG_SVC_SET_CLOCK, _token_payload("all", fx.EPOCH), 2)
    assert station.now() == fx.EPOCH
    # Once set, the window is judged by the station's own clock again.
    station.clock.set(NOT_AFTER + 5)
    assert _refused(console, line, MSG_SVC_SET_CLOCK, _token_payload("all", fx.EPOCH), 3) == (
        ST_TOKEN_INVALID,
        TOKEN_EXPIRED,
    )


def test_a_command_that_ran_answers_ok_even_when_the_outbox_is_full():
    station, line, console = _station_and_console(outbox_capacity=60)
    station.outbox.append(_lock_records(1))
    payload = _token_payload("all", fx.EPOCH + 60)
    _ok(console, line, MSG_SVC_SET_CLOCK, payload)
    assert station.now() == fx.EPOCH + 60
    assert "SVC_SET_CLOCK not recorded in the outbox" in station.log.tail(0, 504)[2]


# --- the header, retries, noise ------------------------------------------------------------


def test_a_retried_request_gets_the_same_answer_without_running_twice():
    station, line, console = _station_and_console()
    station.outbox.append(_lock_records(5))
    payload = _token_payload("all", 2)
    first = _exchange(console, line, MSG_SVC_CLEAR_OUTBOX, payload, seq=7)
    station.outbox.append(_lock_records(1, first_seq=50))
    again = _exchange(console, line, MSG_SVC_CLEAR_OUTBOX, payload, seq=7)
    assert again == first
    assert station.calls == [("clear_outbox", 2)]
    assert console.replays == 1
    # A new seq is a new request: it runs (and finds nothing more up to index 2).
    payload = _token_payload("all_2", 2)
    assert _ok(console, line, MSG_SVC_CLEAR_OUTBOX, payload, seq=8) == {"removed": 0}
    assert len(station.calls) == 2
    # The same seq with other bytes is new too (and needs a token not used before).
    assert _ok(console, line, MSG_SVC_CLEAR_OUTBOX, _token_payload("all_3", 4), seq=8) == {
        "removed": 2
    }
    assert len(station.calls) == 3


def test_a_retried_read_is_answered_from_memory():
    station, line, console = _station_and_console()
    first = _exchange(console, line, MSG_SVC_STATUS, seq=3)
    station.clock.advance(10)
    assert _exchange(console, line, MSG_SVC_STATUS, seq=3) == first
    fresh = _ok(console, line, MSG_SVC_STATUS, seq=4)
    assert fresh["clock"] == fx.EPOCH + 10


def test_unknown_version_is_answered_in_version_1():
    _, line, console = _station_and_console()
    body = bytes((2, MSG_SVC_STATUS)) + struct.pack("<HBBH", 0x1234, 0, 0, 3) + b"abc"
    _send(line, 0, 0, raw=body)
    assert console.poll() == 1
    (answer,) = _answers(line)
    assert answer["version"] == 1
    assert (answer["type"], answer["seq"]) == (MSG_SVC_STATUS, 0x1234)
    assert answer["status"] == ST_UNSUPPORTED_VERSION
    error = decode_error(answer["payload"])
    assert error["detail"] == 1
    assert "1" in error["text"]


def test_unknown_types_are_named_back():
    _, line, console = _station_and_console()
    for seq, msg_type in enumerate((MSG_HELLO, 0x47, 0x54, 0x60, 0xFF, 0)):
        assert _refused(console, line, msg_type, b"", seq) == (ST_UNKNOWN_TYPE, msg_type)


def test_malformed_requests_say_where():
    _, line, console = _station_and_console()
    assert _refused(console, line, MSG_SVC_STATUS, b"\x00", 1) == (ST_MALFORMED, 0)
    assert _refused(console, line, MSG_SVC_LOG_TAIL, bytes(7), 2) == (ST_MALFORMED, 8)
    assert _refused(console, line, MSG_SVC_AUDIT_READ, bytes(9), 3) == (ST_MALFORMED, 8)
    cases = (
        # length says 4, 3 bytes follow
        (struct.pack("<BBHBBH", 1, MSG_SVC_STATUS, 4, 0, 0, 4) + b"abc", 6),
        # a request carrying a status
        (struct.pack("<BBHBBH", 1, MSG_SVC_STATUS, 5, 0, 3, 0), 5),
        # a request with the ERROR flag
        (struct.pack("<BBHBBH", 1, MSG_SVC_STATUS, 6, FLAG_ERROR, 0, 0), 4),
    )
    for body, detail in cases:
        _send(line, 0, 0, raw=body)
        assert console.poll() == 1
        (answer,) = _answers(line)
        assert answer["status"] == ST_MALFORMED
        assert answer["seq"] == body[2]
        assert decode_error(answer["payload"])["detail"] == detail
    # Reserved bits and the reserved u16 of SVC_LOG_TAIL are ignored.
    flags_body = struct.pack("<BBHBBH", 1, MSG_SVC_STATUS, 7, 0xFC, 0, 0)
    _send(line, 0, 0, raw=flags_body)
    assert console.poll() == 1
    assert _answers(line)[0]["status"] == ST_OK
    _ok(console, line, MSG_SVC_LOG_TAIL, struct.pack("<IHH", 1, 10, 0xBEEF), 8)


def test_responses_are_not_answered():
    _, line, console = _station_and_console()
    response = encode_message(MSG_SVC_STATUS, 1, b"", True, 0)
    _send(line, 0, 0, raw=response)
    assert console.poll() == 0
    assert line.outgoing == b""
    assert console.ignored == 1


def test_noise_costs_no_intact_request():
    _, line, console = _station_and_console()
    line.incoming += b"\x01\x02\xff noise on the line \x03"
    good = encode_message(MSG_SVC_STATUS, 1, b"")
    broken = bytearray(encode_frame(encode_message(MSG_SVC_STATUS, 2, b"")))
    broken[3] ^= 0x40
    line.incoming += b"\x00" + bytes(broken)
    line.incoming += b"\x00" * 3 + encode_frame(good)
    line.incoming += b"\x55" * 700 + b"\x00"  # an overlong collection is skipped
    _send(line, MSG_SVC_OUTBOX_INFO, 3)
    assert console.poll() == 2
    answers = _answers(line)
    assert [(a["type"], a["seq"], a["status"]) for a in answers] == [
        (MSG_SVC_STATUS, 1, ST_OK),
        (MSG_SVC_OUTBOX_INFO, 3, ST_OK),
    ]
    assert console.crc_errors == 2  # the noise before the first 0x00 and the broken frame
    assert console.overlong == 1


def test_every_response_frame_starts_with_a_flushing_zero():
    _, line, console = _station_and_console()
    _send(line, MSG_SVC_STATUS, 1)
    _send(line, MSG_SVC_KEY_INFO, 2)
    console.poll()
    out = bytes(line.outgoing)
    assert out[0] == 0
    frames = out[1:].split(b"\x00\x00")
    assert len(frames) == 2


def test_a_request_trickling_in_byte_by_byte_is_answered_once_whole():
    station, line, console = _station_and_console(chunk=1, max_read=16)
    _send(line, MSG_SVC_SET_CLOCK, 9, _token_payload("all", fx.EPOCH + 1))
    polls = 0
    answered = 0
    while line.incoming:
        answered += console.poll()
        polls += 1
    assert answered == 1
    assert polls >= 100 // 16
    assert station.now() == fx.EPOCH + 1


def test_poll_never_waits_and_reads_a_bounded_amount():
    _, line, console = _station_and_console(max_read=64)
    assert console.poll() == 0
    for seq in range(20):
        _send(line, MSG_SVC_STATUS, seq)
    first = console.poll()
    assert 0 < first < 20
    total = first
    while line.incoming:
        total += console.poll()
    assert total == 20
    assert [a["seq"] for a in _answers(line)] == list(range(20))


def test_a_station_fault_is_answered_internal_and_logged():
    station, line, console = _station_and_console()
    station.fail = "cache_info"
    status, detail = _refused(console, line, MSG_SVC_CACHE_INFO)
    assert (status, detail) == (ST_INTERNAL, 0)
    assert "flash read error" in station.log.tail(0, 504)[2]
    # A status dict the codec refuses is a fault too, not a crash.
    station.fail = None
    station.status = lambda: {"station_id": -1}
    assert _refused(console, line, MSG_SVC_STATUS, seq=2)[0] == ST_INTERNAL
    # A fault while judging a token command changes nothing either.
    assert _refused(console, line, MSG_SVC_SET_CLOCK, _token_payload("all", 5), 3)[0] == (
        ST_INTERNAL
    )
    assert station.calls == []


def test_a_stream_that_takes_bytes_slowly_still_gets_the_whole_response():
    class Slow(Line):
        def __init__(self):
            super().__init__()
            self.turn = 0

        def write(self, buf):
            self.turn += 1
            if self.turn % 2:
                return 0
            self.outgoing += buf[:7]
            return len(buf[:7])

    station = FakeStation()
    line = Slow()
    console = ServiceConsole(line, station)
    _send(line, MSG_SVC_STATUS, 1)
    assert console.poll() == 1
    (answer,) = _answers(line)
    assert decode_payload(MSG_SVC_STATUS, True, answer["payload"]) == station.status()
    assert console.write_errors == 0


def test_a_stream_that_takes_nothing_costs_the_response_not_the_station():
    class Stuck(Line):
        def write(self, buf):
            return 0

    station = FakeStation()
    line = Stuck()
    console = ServiceConsole(line, station)
    _send(line, MSG_SVC_STATUS, 1)
    assert console.poll() == 1
    assert console.write_errors == 1


# --- the golden exchanges of protocol/vectors/service_console.json ----------------------------


class _VectorLog:
    def __init__(self, tail):
        self._tail = tail
        self.lines = []

    def tail(self, from_seq, max_bytes):
        assert (from_seq, max_bytes) == (120, 400)
        return self._tail

    def info(self, message):
        self.lines.append(message)

    warn = info
    error = info


class _VectorStation:
    """Answers with the golden vectors' values; the console must make the vectors' bytes."""

    def __init__(self, answers, authority):
        self.answers = answers
        self.station_id = 42
        self.authority_keys = [authority]
        self.clock = answers[MSG_SVC_STATUS]["clock"]
        response = answers[MSG_SVC_LOG_TAIL]
        self.log = _VectorLog((response["first_seq"], response["next_seq"], response["text"]))
        self.storage = DirStorage("/flash", files=RamFiles())
        self.calls = []

    def now(self):
        return self.clock

    def status(self):
        return self.answers[MSG_SVC_STATUS]

    def cache_info(self):
        return self.answers[MSG_SVC_CACHE_INFO]

    def outbox_info(self):
        return self.answers[MSG_SVC_OUTBOX_INFO]

    def key_info(self):
        return self.answers[MSG_SVC_KEY_INFO]

    def audit_read(self, from_index, max_records):
        self.calls.append(("audit_read", from_index, max_records))
        fields = self.answers[MSG_SVC_AUDIT_READ]
        return fields["total"], fields["first_index"], fields["raw_records"]

    def selftest(self):
        return [(c["check"], c["status"]) for c in self.answers[MSG_SVC_SELFTEST]["checks"]]

    def set_clock(self, t):
        self.calls.append(("set_clock", t))

    def clear_outbox(self, through_index):
        self.calls.append(("clear_outbox", through_index))
        return self.answers[MSG_SVC_CLEAR_OUTBOX]["removed"]

    def factory_reset(self):
        self.calls.append(("factory_reset",))

    def enter_maintenance(self):
        self.calls.append(("enter_maintenance",))

    def record(self, key_id, reason, detail):
        self.calls.append(("record", key_id, reason, detail))
        return True

    def may_block(self):
        return True


def test_golden_service_console_exchanges_come_out_byte_for_byte():
    with open(__file__.rsplit("/", 1)[0] + "/../../protocol/vectors/service_console.json") as f:
        family = json.load(f)
    requests = {}
    responses = {}
    answers = {}
    for vector in family["vectors"]:
        msg_type = vector["msg_type"]
        if vector["response"]:
            responses[msg_type] = bytes.fromhex(vector["hex"])
            answers[msg_type] = decode_payload(msg_type, True, responses[msg_type])
        else:
            requests[msg_type] = bytes.fromhex(vector["hex"])
    raw = responses[MSG_SVC_AUDIT_READ][12:]
    answers[MSG_SVC_AUDIT_READ]["raw_records"] = split_records(raw)
    station = _VectorStation(answers, bytes.fromhex(family["keys"]["authority_public"]))
    line = Line()
    console = ServiceConsole(line, station)
    assert len(requests) == 11
    for seq, msg_type in enumerate(sorted(requests)):
        answer = _exchange(console, line, msg_type, requests[msg_type], seq)
        assert answer["status"] == ST_OK, decode_error(answer["payload"])
        assert answer["payload"] == responses[msg_type], hex(msg_type)
    clock = decode_payload(MSG_SVC_SET_CLOCK, False, requests[MSG_SVC_SET_CLOCK])["time"]
    clear = decode_payload(MSG_SVC_CLEAR_OUTBOX, False, requests[MSG_SVC_CLEAR_OUTBOX])
    assert station.calls == [
        ("audit_read", 40, 10),
        ("set_clock", clock),
        ("record", 0, REASON_SERVICE_COMMAND, MSG_SVC_SET_CLOCK),
        ("clear_outbox", clear["through_index"]),
        ("record", 0, REASON_SERVICE_COMMAND, MSG_SVC_CLEAR_OUTBOX),
        ("factory_reset",),
        ("record", 0, REASON_SERVICE_COMMAND, MSG_SVC_FACTORY_RESET),
        ("enter_maintenance",),
        ("record", 0, REASON_SERVICE_COMMAND, MSG_SVC_MAINTENANCE),
    ]
