"""firmware.key_link: requests and answers over the key port and NFC, retries, chunked objects.

The key is tests/firmware/key_double.py's KeyDouble; time is a fake millisecond clock that
moves only when the link sleeps, so waits cost nothing. Expected numbers come from
protocol/SPEC.md: 250 ms plus transmission time per try and 3 retries (1.3), 240-byte NFC
messages (1.2), the sequence-number rules (3) and the object transfer rules (6).
"""

from hashlib import sha256

from firmware.framing import encode_frame
from firmware.key_link import (
    HASH,
    NO_PROGRESS,
    STATUS,
    TOO_LARGE,
    VERSION,
    KeyGone,
    KeyLink,
    LinkError,
    NfcTransport,
    StreamTransport,
    frame_size,
)
from firmware.protocol_constants import (
    MSG_AUDIT_ACK,
    MSG_DIAG,
    MSG_HELLO,
    MSG_OBJ_BEGIN,
    MSG_OBJ_COMMIT,
    MSG_OBJ_READ,
    MSG_OBJ_STAT,
    MSG_OBJ_WRITE,
    OBJ_AUDIT,
    OBJ_BLOCKLIST,
    OBJ_PERMSET,
    ST_BAD_STATE,
    ST_HASH_MISMATCH,
    ST_NOT_FOUND,
    ST_OK,
    ST_OUT_OF_ORDER,
)
from firmware.record_encoders import encode_record
from firmware.records import decode_record
from firmware.wire_messages import encode_message
from tests.firmware.key_double import KeyDouble, KeyPortDouble, NfcReaderDouble, Ticks

NOW = 1795000000


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as exc:
        return exc
    raise AssertionError("%s was not raised" % exc_type.__name__)


def _stream(key=None, **options):
    key = key or KeyDouble(10)
    ticks = Ticks(1000)
    port = KeyPortDouble(key, ticks)
    link = KeyLink(StreamTransport(port, ticks.ticks_ms, ticks.sleep_ms), **options)
    return key, port, link, ticks


def _nfc(key=None):
    key = key or KeyDouble(10)
    reader = NfcReaderDouble(key)
    assert reader.find_key()
    return key, reader, KeyLink(NfcTransport(reader), Ticks().ticks_ms, Ticks().sleep_ms)


def _set_bytes(size):
    """A blocklist-shaped object of about ``size`` bytes that the double accepts."""
    count = max(0, (size - 88) // 4)
    return encode_record(
        "blocklist",
        {
            "format": 1,
            "flags": 0,
            "version": 5,
            "issued_at": NOW,
            "authority_key_id": bytes(8),
            "key_ids": list(range(1, count + 1)),
            "signature": bytes(64),
        },
    )


# --- requests ---------------------------------------------------------------------


def test_hello_settles_the_smallest_payload():
    key, _port, link, _ = _stream(KeyDouble(10, max_payload=100))
    info = link.hello(NOW, 7)
    assert info["key_id"] == 10
    assert link.max_payload == 100
    assert key.greeted == (1, 7)  # SPEC 5.1: role 1 station, peer id = station id
    _, _, link, _ = _stream()
    link.hello(NOW, 7)
    assert link.max_payload == 512


def test_seq_goes_up_by_one_per_request_and_wraps():
    _key, _port, link, _ = _stream(first_seq=0xFFFF)
    link.hello(NOW, 7)
    assert link.seq == 0xFFFF
    link.request(MSG_DIAG)
    assert link.seq == 0  # mod 65536 (SPEC 3)
    link.request(MSG_DIAG)
    assert link.seq == 1


def test_a_lost_answer_is_asked_for_again_with_the_same_seq_and_executed_once():
    key, port, link, ticks = _stream()
    link.hello(NOW, 7)
    key.add_events(3)
    port.drop_responses = 1
    start = ticks.now
    status, answer = link.request(MSG_AUDIT_ACK, {"through_seq": 2})
    assert status == ST_OK and answer == {"remaining": 1}
    assert key.executed.count(MSG_AUDIT_ACK) == 1  # the retry got the stored answer
    assert link.resent == 1
    # one try waited 250 ms plus the request's and the reply's time at 115200 baud
    wire = (10 * (frame_size(12) + frame_size(8 + 68)) * 1000 + 115199) // 115200
    assert ticks.now - start >= 250 + wire


def test_late_answer_with_another_seq_and_noise_are_dropped():
    _key, port, link, _ = _stream()
    link.hello(NOW, 7)
    stale = encode_message(MSG_DIAG, (link.seq - 5) & 0xFFFF, bytes(16), True)
    port.noise = b"\x13\x37garbage\x00" + encode_frame(stale)
    status, answer = link.request(MSG_DIAG)
    assert status == ST_OK and answer["battery_mv"] == 3000
    assert link.crc_errors == 1  # the garbage frame (SPEC 2, rule 3)
    assert link.dropped == 1  # the stale answer (SPEC 3)


def test_error_answers_come_back_as_status_and_detail():
    _key, _port, link, _ = _stream()
    status, answer = link.request(MSG_OBJ_BEGIN, {"obj": 1, "size": 10, "sha256": bytes(32)})
    assert status == ST_BAD_STATE  # before HELLO (SPEC 5)
    assert answer["detail"] == 0 and answer["text"] == "HELLO first"
    error = _raises(
        LinkError, link.expect, MSG_OBJ_BEGIN, {"obj": 1, "size": 1, "sha256": bytes(32)}
    )
    assert error.reason == STATUS and error.status == ST_BAD_STATE


def test_no_answer_after_three_retries_is_key_gone_but_not_removed():
    _key, port, link, ticks = _stream()
    link.hello(NOW, 7)
    port.drop_requests = 4
    start = ticks.now
    gone = _raises(KeyGone, link.request, MSG_DIAG)
    assert not gone.removed
    assert ticks.now - start >= 4 * 250
    assert link.resent == 3


def test_a_pulled_key_is_noticed_without_waiting_out_the_retries():
    _key, port, link, ticks = _stream()
    link.hello(NOW, 7)
    port.pull_at(MSG_DIAG)
    start = ticks.now
    gone = _raises(KeyGone, link.request, MSG_DIAG)
    assert gone.removed
    assert ticks.now - start < 250


def test_another_protocol_version_is_a_link_error():
    class NewKey(KeyDouble):
        def handle(self, body):
            answer = bytearray(KeyDouble.handle(self, body))
            answer[0] = 2
            return bytes(answer)

    _key, _port, link, _ = _stream(NewKey(10))
    assert _raises(LinkError, link.hello, NOW, 7).reason == VERSION


# --- objects ----------------------------------------------------------------------


def test_write_object_in_chunks_of_the_negotiated_payload():
    key, _port, link, _ = _stream(KeyDouble(10, max_payload=64))
    link.hello(NOW, 7)
    data = _set_bytes(600)
    link.write_object(OBJ_BLOCKLIST, data)
    assert key.blocklist == data
    writes = key.executed.count(MSG_OBJ_WRITE)
    assert writes == (len(data) + 55) // 56  # 64 - 8 bytes of OBJ_WRITE head per chunk


def test_write_object_resumes_where_the_key_is_after_out_of_order():
    class Forgetful(KeyDouble):
        writes = 0

        def _write(self, f):
            self.writes += 1
            if self.writes == 3:
                self.transfers[f["obj"]][3] = 56  # lost what came after the first chunk
            return KeyDouble._write(self, f)

    key, _port, link, _ = _stream(Forgetful(10, max_payload=64))
    link.hello(NOW, 7)
    data = _set_bytes(400)
    link.write_object(OBJ_BLOCKLIST, data)
    assert key.blocklist == data
    assert len(data) == 400 and key.writes == 8 + 2  # chunks 2 and 3 again after OUT_OF_ORDER


def test_write_object_resumes_with_obj_begin_after_a_frame_lost_for_good():
    key, port, link, _ = _stream(KeyDouble(10, max_payload=64))
    link.hello(NOW, 7)
    data = _set_bytes(300)
    carry = port._carry
    writes = [0]

    def lossy(body):
        if body[1] == MSG_OBJ_WRITE:
            writes[0] += 1
            if 3 <= writes[0] <= 6:
                return None  # the third chunk is lost on all four tries
        return carry(body)

    port._carry = lossy
    link.write_object(OBJ_BLOCKLIST, data)
    assert key.blocklist == data
    assert key.executed.count(MSG_OBJ_BEGIN) == 2  # SPEC 6: OBJ_BEGIN again, on from `have`
    assert key.executed.count(MSG_OBJ_WRITE) == (len(data) + 55) // 56


def test_commit_before_all_bytes_resumes_at_have_and_a_hash_mismatch_restarts_once():
    class Odd(KeyDouble):
        commits = 0

        def _commit(self, f):
            self.commits += 1
            if self.commits == 1:
                self.transfers[f["obj"]][3] = 100
            if self.commits == 2:
                del self.transfers[f["obj"]]
                return ST_HASH_MISMATCH, 0
            return KeyDouble._commit(self, f)

    key, _port, link, _ = _stream(Odd(10, max_payload=128))
    link.hello(NOW, 7)
    data = _set_bytes(500)
    link.write_object(OBJ_BLOCKLIST, data)
    assert key.blocklist == data and key.commits == 3


def test_write_object_gives_up_when_the_key_makes_no_progress():
    class Stuck(KeyDouble):
        def _write(self, f):
            return ST_OUT_OF_ORDER, 0

    _key, _port, link, _ = _stream(Stuck(10))
    link.hello(NOW, 7)
    error = _raises(LinkError, link.write_object, OBJ_BLOCKLIST, _set_bytes(300))
    assert error.reason == NO_PROGRESS


def test_read_object_in_chunks_checks_the_hash():
    key, _port, link, _ = _stream(KeyDouble(10, max_payload=100))
    link.hello(NOW, 7)
    key.add_events(40)
    data = link.read_object(OBJ_AUDIT, 100000)
    batch = decode_record("audit_batch", data)
    assert [e["lock_seq"] for e in batch["events"]] == list(range(1, 41))
    assert key.executed.count(MSG_OBJ_READ) == (len(data) + 95) // 96
    assert link.read_object(OBJ_PERMSET, 10000) is None  # NOT_FOUND: nothing there


def test_read_object_reads_again_after_a_bad_hash_and_then_gives_up():
    class Liar(KeyDouble):
        lies = 1

        def _read(self, f):
            status, answer = KeyDouble._read(self, f)
            if self.lies and f["offset"] == 0:
                self.lies -= 1
                answer = {"offset": 0, "data": b"X" + answer["data"][1:]}
            return status, answer

    key, _port, link, _ = _stream(Liar(10))
    link.hello(NOW, 7)
    key.add_events(5)
    assert decode_record("audit_batch", link.read_object(OBJ_AUDIT, 10000))["key_id"] == 10
    key.lies = 2
    assert _raises(LinkError, link.read_object, OBJ_AUDIT, 10000).reason == HASH


def test_read_object_refuses_an_object_larger_than_allowed():
    key, _port, link, _ = _stream()
    link.hello(NOW, 7)
    key.add_events(10)
    assert _raises(LinkError, link.read_object, OBJ_AUDIT, 100).reason == TOO_LARGE


# --- NFC --------------------------------------------------------------------------


def test_nfc_messages_stay_within_240_bytes():
    key, reader, link = _nfc()
    link.hello(NOW, 7)
    assert link.max_payload == 232  # SPEC 1: NFC payload 232
    data = _set_bytes(1000)
    link.write_object(OBJ_BLOCKLIST, data)
    key.add_events(30)
    assert len(link.read_object(OBJ_AUDIT, 100000)) == 16 + 30 * 36
    assert key.blocklist == data
    assert reader.largest == 240


def test_nfc_lost_exchange_is_retried_with_the_same_seq():
    key, reader, link = _nfc()
    link.hello(NOW, 7)
    reader.drop_responses = 2
    status, _ = link.request(MSG_AUDIT_ACK, {"through_seq": 0})
    assert status == ST_OK and key.executed.count(MSG_AUDIT_ACK) == 1 and link.resent == 2


def test_nfc_key_gone_after_retries():
    _key, reader, link = _nfc()
    link.hello(NOW, 7)
    reader.inserted = False
    gone = _raises(KeyGone, link.request, MSG_DIAG)
    assert link.resent == 3 and gone.removed  # the PN532 said: the target has not answered


# --- baud rate --------------------------------------------------------------------


def test_set_baud_switches_both_sides():
    _key, port, link, _ = _stream()
    link.hello(NOW, 7)
    assert link.set_baud(921600)
    assert port.baud == 921600 and port.key_baud == 921600
    assert link.request(MSG_DIAG)[0] == ST_OK
    assert link.set_baud(921600) is False  # already there


def test_set_baud_falls_back_to_115200_when_the_new_rate_fails_twice():
    _key, port, link, _ticks = _stream()
    link.hello(NOW, 7)
    assert link.set_baud(460800)
    port.key_baud = 115200  # the key did not switch after all
    status, _ = link.request(MSG_DIAG)
    assert status == ST_OK
    assert port.baud == 115200 and port.garbled == 2  # SPEC 5.9: two tries, then back


def test_request_refuses_a_payload_over_the_negotiated_size():
    _key, _port, link, _ = _stream(KeyDouble(10, max_payload=16))
    link.hello(NOW, 7)
    _raises(ValueError, link.request, MSG_OBJ_WRITE, {"obj": 2, "offset": 0, "data": bytes(20)})


def test_key_double_keeps_old_set_until_commit():
    # the double's own contract, which the session tests rely on (SPEC 5.3)
    key, _port, link, _ = _stream()
    link.hello(NOW, 7)
    data = _set_bytes(200)
    digest = sha256(data).digest()
    link.expect(MSG_OBJ_BEGIN, {"obj": OBJ_PERMSET, "size": len(data), "sha256": digest})
    assert key.slot_state[0] == 2 and key.active == 0xFF
    status, _ = link.request(MSG_OBJ_COMMIT, {"obj": OBJ_PERMSET, "sha256": digest})
    assert status == ST_BAD_STATE
    assert key.active == 0xFF
    assert link.request(MSG_HELLO, {"time": 0, "role": 1, "max_payload": 512, "peer_id": 7})[0] == 0
    assert link.request(MSG_OBJ_STAT, {"obj": OBJ_PERMSET})[0] == ST_NOT_FOUND


def test_a_babbling_line_does_not_hold_the_link_past_its_timeouts():
    class Babbler(KeyPortDouble):
        def read(self, max_bytes):
            self.clock.sleep_ms(1)  # bytes keep coming, one millisecond's worth a read
            return b"\x55" * 11

    ticks = Ticks()
    port = Babbler(KeyDouble(10), ticks)
    link = KeyLink(StreamTransport(port, ticks.ticks_ms, ticks.sleep_ms))
    gone = _raises(KeyGone, link.hello, NOW, 7)
    assert not gone.removed and link.resent == 3
    assert link.crc_errors == 0 and port.key.greeted == (1, 7)  # answers drowned in the noise
