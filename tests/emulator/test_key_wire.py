"""emulator.key_wire: a virtual key on a contact port paced like a UART (protocol/SPEC.md 1.1, 2).

Time is a fake millisecond clock that only the station's `sleep_ms` moves, so
every expectation about pacing is exact arithmetic: a byte takes 10/baud s.
"""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.key_wire import BAUD_FALLBACK_MS, KeyWire, byte_ms
from emulator.virtual_key import VirtualKey, sample_events
from protocol.constants import BAUD_RATES, MsgType, ObjType, Status
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import decode_message, encode_message, encode_payload
from protocol.records import decode_record
from tests.emulator.test_virtual_key import (
    KEY_ID,
    Requester,
    make_key,
    parse_response,
    permission_set,
)
from tests.hw.dummies import FakeClock

HELLO = {"time": 1, "role": 1, "max_payload": 512, "peer_id": 7}


class Station:
    """A station's link over the wire: sends a frame, polls 1 ms at a time for the answer."""

    def __init__(self, wire: KeyWire, clock: FakeClock) -> None:
        self.wire = wire
        self.clock = clock
        self.decoder = FrameDecoder()

    def exchange(self, body: bytes, timeout_ms: int = 300, lead: bool = False) -> bytes | None:
        self.wire.write((b"\x00" if lead else b"") + encode_frame(body))
        deadline = self.clock.now + timeout_ms
        while self.clock.now < deadline:
            self.clock.sleep_ms(1)
            for answer in self.decoder.feed(self.wire.read(64)):
                return answer
        return None

    def send(self, body: bytes) -> bytes:
        """For `Requester`: up to 3 retries (with a leading 0x00, SPEC 1.3) of the same body."""
        for attempt in range(4):
            answer = self.exchange(body, lead=attempt > 0)
            if answer is not None:
                return answer
        raise AssertionError("no answer after 4 tries")


def rig(key: VirtualKey | None = None, **wire_options: Any) -> tuple[KeyWire, FakeClock, Station]:
    clock = FakeClock(1000)
    wire = KeyWire(ticks_ms=clock.ticks_ms, **wire_options)
    wire.insert(key or make_key())
    return wire, clock, Station(wire, clock)


def hello_body(seq: int = 1) -> bytes:
    return encode_message(MsgType.HELLO, seq, encode_payload(MsgType.HELLO, False, HELLO))


def test_wire_has_the_key_ports_interface() -> None:
    wire, _clock, _station = rig()
    for name in ("read", "write", "flush", "present", "set_baud"):
        assert callable(getattr(wire, name))
    assert wire.baud == 115200
    assert wire.read(10) == b"" and wire.present()


@pytest.mark.parametrize("baud", BAUD_RATES)
def test_answer_arrives_at_the_baud_rate(baud: int) -> None:
    key = make_key()
    wire, clock, _ = rig(key)
    wire.baud = wire.key_baud = baud  # both ends at this rate from the start
    request = encode_frame(hello_body())
    response = encode_frame(make_key().handle(hello_body()))  # what this key will say
    start = clock.now
    wire.write(request)
    total = len(request) + 54  # KEY_INFO frame: 8 + 40, CRC 4, COBS 1, delimiter 1
    got = b""
    arrivals = []
    while len(got) < len(response) and clock.now < start + 100:
        clock.sleep_ms(1)
        chunk = wire.read(1000)
        got += chunk
        arrivals.extend([clock.now] * len(chunk))
    per_byte = 10 * 1000 / baud  # 10 bits a byte, in ms
    assert got == response
    first = start + (len(request) + 1) * per_byte
    last = start + total * per_byte
    assert arrivals[0] == math.ceil(first - 1e-9)
    assert arrivals[-1] == math.ceil(last - 1e-9)
    assert wire.wire_ms == pytest.approx(total * per_byte)
    assert (wire.bytes_to_key, wire.bytes_to_station) == (len(request), total - len(request))
    assert (wire.frames_to_key, wire.frames_to_station) == (1, 1)


@settings(max_examples=25, deadline=None)
@given(size=st.integers(1, 4000), baud=st.sampled_from(BAUD_RATES))
def test_n_bytes_take_n_times_10_over_baud(size: int, baud: int) -> None:
    wire, clock, _ = rig()
    wire.set_baud(baud)
    wire.key_baud = baud
    wire.write(bytes([0x55]) * size)  # no delimiter: the key only collects
    assert wire.wire_ms == pytest.approx(size * 10_000 / baud)
    assert wire.bytes_to_key == 0
    elapsed = math.floor(size * byte_ms(baud))
    clock.advance(elapsed)
    wire.any()
    assert wire.bytes_to_key == min(size, math.floor(elapsed / byte_ms(baud) + 1e-9))
    clock.advance(1)
    wire.any()
    assert wire.bytes_to_key == size


def test_writes_queue_behind_each_other() -> None:
    wire, clock, _ = rig()
    wire.write(bytes([1]) * 1152)  # 100 ms at 115200
    wire.write(bytes([1]) * 1152)
    clock.advance(199)
    wire.any()
    assert wire.bytes_to_key < 2304
    clock.advance(1)
    wire.any()
    assert wire.bytes_to_key == 2304


def test_slow_key_answers_later() -> None:
    key = make_key()
    key.slow_ms = 120
    _wire, clock, station = rig(key)
    assert station.exchange(hello_body()) is not None
    assert clock.now - 1000 >= 120 + 80 * byte_ms(115200)


def test_whole_sync_over_the_wire() -> None:
    key = make_key()
    key.preload_events(sample_events(KEY_ID, 200))
    wire, clock, station = rig(key)
    requester = Requester(station.send)
    requester.hello()
    assert requester.write(ObjType.PERMISSION_SET, permission_set(locks=40)) == (
        0,
        {"active_slot": 0},
    )
    batch = decode_record("audit_batch", requester.read(ObjType.AUDIT_BATCH, chunk=508))
    assert len(batch["events"]) == 200
    assert requester.call(MsgType.AUDIT_ACK, {"through_seq": 200}) == (0, {"remaining": 0})
    per_byte = byte_ms(115200)
    assert wire.wire_ms == pytest.approx((wire.bytes_to_key + wire.bytes_to_station) * per_byte)
    assert clock.now - 1000 >= wire.wire_ms  # the line is half-used: one side at a time


def test_set_baud_switches_both_after_the_answer() -> None:
    wire, clock, station = rig()
    requester = Requester(station.send)
    requester.hello()
    assert requester.call(MsgType.SET_BAUD, {"baud": 921600}) == (0, {})
    assert wire.key_baud == 921600  # the key switched when its answer had gone out
    wire.set_baud(921600)
    before = clock.now
    requester.hello()
    assert clock.now - before <= 2  # 141 bytes at 921600 take about 1.5 ms
    assert wire.key_baud == 921600
    clock.advance(5 * BAUD_FALLBACK_MS)
    assert requester.call(MsgType.DIAG)[0] == 0  # a confirmed rate stays


def test_key_falls_back_when_the_new_rate_is_not_confirmed() -> None:
    wire, clock, station = rig()
    requester = Requester(station.send)
    requester.hello()
    assert requester.call(MsgType.SET_BAUD, {"baud": 460800}) == (0, {})
    # The station forgets to switch: its frames are garbage at the key's new rate.
    body = requester.body(MsgType.DIAG, {})
    assert station.exchange(body, timeout_ms=300) is None
    assert wire.key_baud == 460800
    clock.advance(BAUD_FALLBACK_MS)
    wire.any()
    assert wire.key_baud == 115200
    assert parse_response(station.send(body))[0] == 0


def test_both_fall_back_after_two_failures() -> None:
    """SPEC 1.1: the answer to SET_BAUD is lost; the key switched, the station did not."""
    wire, clock, station = rig()
    requester = Requester(station.send)
    requester.hello()
    wire.drop_next_frames(1, "to_station")
    body = requester.body(MsgType.SET_BAUD, {"baud": 230400})
    assert station.exchange(body) is None
    assert station.exchange(body, lead=True) is None  # arrives as garbage at 230400
    clock.advance(BAUD_FALLBACK_MS)
    answer = station.exchange(body, lead=True)  # the key is back at 115200: a replay
    assert answer is not None and parse_response(answer)[0] == 0
    assert wire.key.requests == 2  # HELLO and one SET_BAUD


def test_pull_mid_write_keeps_the_old_set() -> None:
    key = make_key()
    wire, _clock, station = rig(key)
    requester = Requester(station.send)
    requester.hello()
    old, new = permission_set(serial=1), permission_set(serial=2, locks=300)
    requester.write(ObjType.PERMISSION_SET, old)
    wire.pull_after_bytes(700)
    with pytest.raises(AssertionError, match="no answer"):
        requester.write(ObjType.PERMISSION_SET, new)
    assert not wire.present()
    assert wire.key is None and not key.in_session
    assert key.active_set() == decode_record("permission_set", old)
    have = len(key.slots[1].data or b"")
    assert 0 < have < len(new)
    assert wire.read(100) == b""
    wire.insert(key)
    requester.hello()
    assert requester.write(ObjType.PERMISSION_SET, new) == (0, {"active_slot": 1})


def test_pull_cuts_an_answer_in_flight() -> None:
    wire, clock, _ = rig()
    wire.write(encode_frame(hello_body()))
    clock.advance(5)  # the 26-byte request is in (2.3 ms); the 54-byte answer half out
    partial = wire.read(100)
    assert 0 < len(partial) < 54
    wire.pull()
    clock.advance(100)
    assert wire.read(100) == b"" and not wire.present()
    wire.write(b"anything")  # harmless with nobody there
    assert wire.read(100) == b""


def test_key_leaving_by_itself() -> None:
    key = make_key()
    wire, _clock, station = rig(key)
    key.pull_after_requests(2)
    requester = Requester(station.send)
    requester.hello()
    body = requester.body(MsgType.AUDIT_APPEND, {"event": sample_events(KEY_ID, 1)[0]})
    assert station.exchange(body) is None
    assert not wire.present()
    assert len(key.audit_events()) == 1  # executed; the answer was lost


def test_dropped_request_is_retried_and_executed_once() -> None:
    key = make_key()
    wire, _clock, station = rig(key)
    requester = Requester(station.send)
    requester.hello()
    wire.drop_next_frames(2)
    event = sample_events(KEY_ID, 1)[0]
    assert requester.call(MsgType.AUDIT_APPEND, {"event": event}) == (0, {"count": 1})
    assert wire.frames_to_key == 2 and key.crc_errors == 0
    assert len(key.audit_events()) == 1


def test_dropped_answer_is_replayed_not_reexecuted() -> None:
    key = make_key()
    wire, _clock, station = rig(key)
    requester = Requester(station.send)
    requester.hello()
    wire.drop_next_frames(1, "to_station")
    event = sample_events(KEY_ID, 1)[0]
    assert requester.call(MsgType.AUDIT_APPEND, {"event": event}) == (0, {"count": 1})
    assert wire.frames_to_key == 3 and wire.frames_to_station == 2
    assert len(key.audit_events()) == 1 and key.requests == 2
    with pytest.raises(ValueError):
        wire.drop_next_frames(1, "sideways")  # type: ignore[arg-type]


def test_noise_costs_the_next_answer() -> None:
    wire, _clock, station = rig()
    wire.add_noise(b"\x13\x37\xff")
    assert station.exchange(hello_body()) is None
    assert station.decoder.crc_errors == 1
    answer = station.exchange(hello_body(), lead=True)  # the retry: a replay
    assert answer is not None and decode_message(answer)["status"] == 0


def test_noise_ending_in_a_delimiter_is_harmless() -> None:
    wire, _clock, station = rig()
    wire.add_noise(b"\x13\x37\x00")
    assert station.exchange(hello_body()) is not None
    assert station.decoder.crc_errors == 1  # the noise itself was a bad frame


def test_flipped_bit_is_a_crc_error() -> None:
    for seed in range(20):
        wire, _clock, station = rig(seed=seed)
        wire.flip_bit_in_next_answer()
        assert station.exchange(hello_body()) is None
        assert station.decoder.crc_errors + station.decoder.overlong >= 1
        assert station.exchange(hello_body(), lead=True) is not None


def test_noisy_key_costs_frames_that_do_not_start_with_a_delimiter() -> None:
    key = make_key()
    key.noisy = 1.0
    wire, _clock, station = rig(key)
    assert station.exchange(hello_body()) is None  # garbage glued to the request
    assert key.crc_errors == 1 and wire.frames_to_key == 0
    wire.key.noisy = 0.0
    assert station.exchange(hello_body(), lead=True) is not None


def test_noisy_key_with_retries_still_syncs() -> None:
    key = make_key()
    key.noisy = 0.2
    _wire, _clock, station = rig(key, seed=3)
    requester = Requester(station.send)
    requester.hello()
    assert requester.write(ObjType.PERMISSION_SET, permission_set(locks=100)) == (
        0,
        {"active_slot": 0},
    )
    assert key.crc_errors + station.decoder.crc_errors > 0


def test_dead_key_is_present_and_silent() -> None:
    key = make_key()
    key.battery = 0
    wire, _clock, station = rig(key)
    assert wire.present()
    assert station.exchange(hello_body()) is None
    assert wire.frames_to_key == 1 and wire.frames_to_station == 0


def test_flush_drops_what_came_in() -> None:
    wire, clock, _ = rig()
    wire.write(encode_frame(hello_body()))
    clock.advance(50)
    assert wire.any() == 54
    wire.flush()
    assert wire.read(100) == b""


def test_flush_waits_with_a_sleep() -> None:
    clock = FakeClock(0)
    wire = KeyWire(ticks_ms=clock.ticks_ms, sleep_ms=clock.sleep_ms)
    wire.insert(make_key())
    wire.write(bytes([1]) * 1152)
    wire.flush()
    assert clock.now == 100


def test_set_baud_refuses_other_rates() -> None:
    wire, _clock, _ = rig()
    with pytest.raises(ValueError):
        wire.set_baud(9600)
    with pytest.raises(ValueError):
        wire.pull_after_bytes(0)


def test_status_of_requests_over_the_wire() -> None:
    _wire, _clock, station = rig()
    requester = Requester(station.send)
    assert requester.call(MsgType.DIAG)[0] == Status.BAD_STATE


def test_real_time_by_default() -> None:
    wire = KeyWire()
    wire.insert(make_key())
    wire.write(encode_frame(hello_body()))
    decoder = FrameDecoder()
    answers: list[bytes] = []
    for _ in range(2000):  # up to about 2 s of wall time; it takes about 7 ms
        answers = decoder.feed(wire.read(100))
        if answers:
            break
        time.sleep(0.001)
    assert answers and parse_response(answers[0])[0] == 0
    wire.write(bytes(1152))  # 100 ms of line
    wire.flush()  # sleeps until it has gone
    assert wire.bytes_to_key == 26 + 1152
