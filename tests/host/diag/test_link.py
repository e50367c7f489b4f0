"""host.diag.link: the requester's rules of SPEC.md 1.3, 2 and 3, and faults injected on a PTY.

The first half drives a ``Link`` over an in-process port whose answers a test
writes, with a clock that moves 10 ms per look, so silence costs no time. The
second half injects the same faults on a real PTY between ``synk diag`` and
the firmware's service console, and checks what the technician is told.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from firmware.service_console import ServiceConsole
from host.diag.errors import NoAnswer, VersionMismatch
from host.diag.link import Link
from protocol.constants import MsgType, Status
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import decode_message, encode_error, encode_message
from tests.firmware.test_service_console import FakeStation

from .conftest import FAST, Run, Scripted

Answer = Callable[[bytes], bytes]


class FakePort:
    """A port whose device answers each written frame at once through ``answer(body)``."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.writes: list[bytes] = []
        self.bodies: list[bytes] = []
        self._decoder = FrameDecoder()
        self._pending = bytearray()

    def write(self, data: bytes, /) -> int:
        self.writes.append(bytes(data))
        for body in self._decoder.feed(data):
            self.bodies.append(body)
            self._pending += self.answer(body)
        return len(data)

    def read(self, size: int = 1, /) -> bytes:
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    @property
    def in_waiting(self) -> int:
        return len(self._pending)


class Ticks:
    """A clock that moves 10 ms every time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.01
        return self.now


def _ok(body: bytes, payload: bytes = b"", **header: Any) -> bytes:
    request = decode_message(body)
    fields = {"msg_type": request["type"], "seq": request["seq"]} | header
    return encode_frame(encode_message(fields["msg_type"], fields["seq"], payload, True))


def _link(answer: Answer, **options: Any) -> tuple[Link, FakePort]:
    port = FakePort(answer)
    return Link(port, "fake", clock=Ticks(), seq=options.pop("seq", 100), **options), port


def test_seq_grows_per_request_and_wraps() -> None:
    link, port = _link(_ok, seq=0xFFFE)
    for _ in range(3):
        assert link.request(MsgType.SVC_STATUS).ok
    assert [decode_message(b)["seq"] for b in port.bodies] == [0xFFFF, 0, 1]
    assert link.counters.requests == 3 and link.counters.retries == 0


def test_a_retry_is_the_same_request_after_an_extra_zero() -> None:
    calls = []

    def answer(body: bytes) -> bytes:
        calls.append(body)
        return b"" if len(calls) == 1 else _ok(body)

    retried: list[tuple[int, int]] = []
    link, port = _link(answer, on_retry=lambda attempt, of: retried.append((attempt, of)))
    assert link.request(MsgType.SVC_SELFTEST).ok
    assert calls[0] == calls[1]
    assert port.writes[1] == b"\x00" + port.writes[0]
    assert retried == [(1, 3)]
    assert (link.counters.retries, link.counters.timeouts) == (1, 1)


def test_late_answers_and_other_types_are_dropped() -> None:
    def answer(body: bytes) -> bytes:
        seq = decode_message(body)["seq"]
        late = _ok(body, seq=seq - 1)
        other = _ok(body, msg_type=MsgType.SVC_STATUS)
        broken = encode_frame(body[:8] + b"\x01")  # intact frame, length field wrong
        return late + other + broken + _ok(body, b"\x07")

    link, _ = _link(answer)
    reply = link.request(MsgType.SVC_CACHE_INFO)
    assert reply.payload == b"\x07"
    assert (link.counters.stale, link.counters.undecodable) == (2, 1)


def test_silence_is_no_answer_after_every_retry() -> None:
    link, port = _link(lambda body: b"", retries=2, timeout=0.1)
    with pytest.raises(NoAnswer) as raised:
        link.request(MsgType.SVC_STATUS)
    assert len(port.writes) == 3
    assert len(set(port.bodies)) == 1
    assert "efter 3 försök (2 omsändningar" in raised.value.text
    assert raised.value.exit_status == 6
    assert link.counters.timeouts == 3


def test_an_echoing_line_is_named() -> None:
    link, _ = _link(lambda body: encode_frame(body), retries=1)
    with pytest.raises(NoAnswer) as raised:
        link.request(MsgType.SVC_STATUS)
    assert raised.value.key == "link.no_answer_echo"
    assert link.counters.echoes == 2


def test_damaged_answers_are_counted_and_named() -> None:
    def answer(body: bytes) -> bytes:
        frame = bytearray(_ok(body, b"\x01\x02"))
        frame[3] ^= 0x40
        return bytes(frame)

    link, _ = _link(answer, retries=3)
    with pytest.raises(NoAnswer) as raised:
        link.request(MsgType.SVC_STATUS)
    assert raised.value.key == "link.no_answer_noise"
    assert link.counters.crc_errors == 4
    assert "4 skadade ramar" in raised.value.text


def test_another_protocol_version_says_which_side_to_update() -> None:
    def newer(body: bytes) -> bytes:
        request = decode_message(body)
        reply = bytearray(
            encode_message(
                request["type"],
                request["seq"],
                encode_error(2, "versions: 2"),
                True,
                Status.UNSUPPORTED_VERSION,
            )
        )
        reply[0] = 2
        return encode_frame(bytes(reply))

    link, _ = _link(newer)
    with pytest.raises(VersionMismatch) as raised:
        link.request(MsgType.SVC_STATUS)
    assert (raised.value.ours, raised.value.theirs) == (1, 2)
    assert "uppdatera synk på datorn" in raised.value.text
    assert raised.value.exit_status == 7

    def older(body: bytes) -> bytes:
        reply = bytearray(decode_frame_body(_ok(body)))
        reply[0] = 0
        return encode_frame(bytes(reply))

    link, _ = _link(older)
    with pytest.raises(VersionMismatch) as raised:
        link.request(MsgType.SVC_STATUS)
    assert raised.value.theirs == 0
    assert "uppdatera enhetens firmware" in raised.value.text


def decode_frame_body(frame: bytes) -> bytes:
    (body,) = FrameDecoder().feed(frame)
    return body


# -- on a PTY, through the command line ------------------------------------------------------------


def _console_answers(
    fault: Callable[[int, bytes], bytes | None],
) -> tuple[Answer, ServiceConsole]:
    """The service console's answers, each passed through ``fault(n, frame)`` (n from 0)."""
    console = ServiceConsole(None, FakeStation())  # type: ignore[arg-type]  # handle() only
    count = [0]

    def answer(body: bytes) -> bytes:
        response = console.handle(body)
        if response is None:
            return b""
        frame = b"\x00" + encode_frame(response)
        n = count[0]
        count[0] += 1
        changed = fault(n, frame)
        return frame if changed is None else changed

    return answer, console


def test_garbage_before_an_answer_costs_one_retry(
    scripted: Callable[[Answer], Scripted], run: Run
) -> None:
    # Noise with no 0x00 after it, glued to the answer's block: the frame is lost.
    answer, console = _console_answers(lambda n, f: b"\x55\xaa" + f[1:] if n == 0 else None)
    rig = scripted(answer)
    status, _, err = run("status", "--port", rig.path, "--device", "station")
    assert status == 0, err
    assert "inget svar, försöker igen (1/3)" in err
    assert "1 CRC-fel" in err and "1 CRC errors" in err
    assert console.replays >= 1  # the retry was the same request: answered, not run again
    assert rig.received[1].startswith(b"\x00")


def test_a_broken_crc_is_counted_and_retried(
    scripted: Callable[[Answer], Scripted], run: Run
) -> None:
    def flip(n: int, frame: bytes) -> bytes | None:
        if n != 0:
            return None
        broken = bytearray(frame)
        broken[-3] = broken[-3] ^ 0x01 or 0x01
        return bytes(broken)

    answer, _ = _console_answers(flip)
    rig = scripted(answer)
    status, out, err = run("info", "--port", rig.path, "--json")
    assert status == 0, err
    link = json.loads(out)["link"]
    assert link["crc_errors"] == 1 and link["retries"] >= 1
    assert "1 CRC-fel" in err


def test_a_late_answer_is_dropped(scripted: Callable[[Answer], Scripted], run: Run) -> None:
    def late_first(n: int, frame: bytes) -> bytes | None:
        if n != 1:
            return None
        (body,) = FrameDecoder().feed(frame)
        earlier = bytearray(body)
        earlier[2] ^= 0x01  # another seq
        return encode_frame(bytes(earlier)) + frame

    answer, _ = _console_answers(late_first)
    rig = scripted(answer)
    args = ("--json", "--device", "station", "--timeout", "5")  # an answer always comes
    status, out, err = run("selftest", "--port", rig.path, *args)
    assert status == 0, err
    assert '"stale": 1' in out
    assert "1 sena svar / " in err


def test_wrong_version_is_update_needed(scripted: Callable[[Answer], Scripted], run: Run) -> None:
    def version_2(body: bytes) -> bytes:
        request = decode_message(body)
        error = encode_error(2, "supported versions: 2")
        reply = bytearray(
            encode_message(request["type"], request["seq"], error, True, Status.UNSUPPORTED_VERSION)
        )
        reply[0] = 2
        return b"\x00" + encode_frame(bytes(reply))

    rig = scripted(version_2)
    status, _, err = run("info", "--port", rig.path)
    assert status == 7
    assert "protokollversion 2, det här verktyget 1: uppdatering behövs" in err
    assert "update needed" in err


def test_silence_is_reported_with_the_tries(
    scripted: Callable[[Answer], Scripted], run: Run
) -> None:
    rig = scripted(lambda body: b"")
    status, _, err = run("info", "--port", rig.path, *FAST)
    assert status == 6
    assert f"Inget svar på {rig.path} efter 3 försök (2 omsändningar" in err
    assert "(1/2)" in err and "(2/2)" in err
    assert "3 tidsgränser" in err
    assert len(rig.requests) == 3 and len(set(rig.requests)) == 1


def test_noise_only_is_reported_as_noise(scripted: Callable[[Answer], Scripted], run: Run) -> None:
    rig = scripted(lambda body: b"\x00\x13\x37\x42\x00")
    status, _, err = run("info", "--port", rig.path, *FAST)
    assert status == 6
    assert "3 skadade ramar togs emot" in err
