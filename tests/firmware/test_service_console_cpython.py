"""firmware.service_console against the construct reference, and under Hypothesis (CPython only).

The technician's side here is protocol/ (construct): requests are built and
framed with it and the station's answers decoded with it, so the console and
the reference agree on every byte of SPEC.md 7. Hypothesis then throws
arbitrary bytes, broken frames and random requests at the console: it never
raises, every answer is a well-formed response, and every intact request gets
exactly one, in order.
"""

from __future__ import annotations

import struct
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.service_console import ServiceConsole
from firmware.storage import DirStorage
from protocol import framing as ref_framing
from protocol import messages as ref
from protocol.constants import MsgType, Status, TokenRefusal
from protocol.records import encode_record
from tests import factories
from tests.firmware import fixtures as fx
from tests.firmware.power_cut import RamFiles
from tests.firmware.test_service_console import FakeStation, Line, _lock_records
from tests.firmware.test_service_token import (
    IMPOSTOR_PUBLIC,
    NOT_AFTER,
    NOT_BEFORE,
    TECHNICIAN,
    TOKEN_SPECS,
    TOKENS,
)
from tests.protocol.strategies import outbox_records, payload_fields

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SVC_TYPES = [t for t in MsgType if t.name.startswith("SVC_")]
TOKEN_TYPES = (MsgType.SVC_SET_CLOCK, MsgType.SVC_CLEAR_OUTBOX, MsgType.SVC_FACTORY_RESET)


def _signer(name: str) -> factories.Signer:
    return factories.AUTHORITY if name == "authority" else factories.Signer("not the authority")


def test_embedded_tokens_are_what_the_factories_sign() -> None:
    assert _signer("impostor").public == IMPOSTOR_PUBLIC
    assert _signer("authority").public == fx.AUTHORITY_PUBLIC
    for name, (station, permissions, signer, named, serial) in TOKEN_SPECS.items():
        fields = {
            "format": 1,
            "serial": serial,
            "station_id": station,
            "technician_id": TECHNICIAN,
            "permissions": permissions,
            "not_before": NOT_BEFORE,
            "not_after": NOT_AFTER,
            "authority_key_id": _signer(named).key_id,
        }
        assert factories.signed("service_token", fields, _signer(signer)) == TOKENS[name], name


# --- the technician's side, in construct ------------------------------------------------------


def _request(line: Line, msg_type: int, seq: int, fields: dict[str, Any]) -> None:
    payload = ref.encode_payload(msg_type, False, fields)
    line.incoming += ref_framing.encode_frame(ref.encode_message(msg_type, seq, payload))


def _responses(line: Line) -> list[dict[str, Any]]:
    decoder = ref_framing.FrameDecoder()
    bodies = decoder.feed(bytes(line.outgoing))
    assert decoder.crc_errors == 0
    assert decoder.pending == 0
    line.outgoing = bytearray()
    return [ref.decode_message(body) for body in bodies]


def _ask(
    console: ServiceConsole, line: Line, msg_type: int, fields: dict[str, Any], seq: int = 1
) -> tuple[int, dict[str, Any]]:
    """(status, decoded payload or error detail) of one exchange, decoded by the reference."""
    _request(line, msg_type, seq, fields)
    assert console.poll() == 1
    (answer,) = _responses(line)
    assert (answer["version"], answer["type"], answer["seq"]) == (1, msg_type, seq)
    assert answer["flags"] & 1
    assert bool(answer["flags"] & 2) == (answer["status"] != 0)
    if answer["status"]:
        return answer["status"], ref.decode_error(answer["payload"])
    return answer["status"], ref.decode_payload(msg_type, True, answer["payload"])


def _console(**kwargs: Any) -> tuple[FakeStation, Line, ServiceConsole]:
    station = FakeStation(**kwargs)
    line = Line()
    return station, line, ServiceConsole(line, station)


def test_reading_commands_agree_with_the_reference() -> None:
    station, line, console = _console()
    station.outbox.append(_lock_records(3))
    station.log.info("technician connected — åäö")
    assert _ask(console, line, MsgType.SVC_STATUS, {}, 1) == (0, station.status())
    assert _ask(console, line, MsgType.SVC_CACHE_INFO, {}, 2) == (0, station.cache.info())
    assert _ask(console, line, MsgType.SVC_OUTBOX_INFO, {}, 3) == (0, station.outbox.info())
    status, error = _ask(console, line, MsgType.SVC_KEY_INFO, {}, 4)
    assert (status, error["detail"]) == (Status.NO_KEY, 0)
    status, tail = _ask(console, line, MsgType.SVC_LOG_TAIL, {"from_seq": 0, "max_bytes": 504}, 5)
    assert status == 0
    assert tail["text"].endswith("technician connected — åäö\n")
    status, audit = _ask(
        console, line, MsgType.SVC_AUDIT_READ, {"from_index": 0, "max_records": 9}, 6
    )
    assert status == 0
    assert audit["total"] == 3
    assert audit["first_index"] == 1
    assert [encode_record("outbox_record", r) for r in audit["records"]] == _lock_records(3)
    status, selftest = _ask(console, line, MsgType.SVC_SELFTEST, {}, 7)
    assert status == 0
    assert [c["check"] for c in selftest["checks"]] == [1, 2, 3, 4, 5, 6, 7]


def test_token_commands_agree_with_the_reference() -> None:
    station, line, console = _console()
    station.outbox.append(_lock_records(4))
    token = TOKENS["all"]
    assert _ask(console, line, MsgType.SVC_CLEAR_OUTBOX, {"token": token, "through_index": 3}) == (
        0,
        {"removed": 3},
    )
    clock = {"token": TOKENS["all_2"], "time": fx.EPOCH + 9}
    assert _ask(console, line, MsgType.SVC_SET_CLOCK, clock, 2) == (0, {})
    assert station.now() == fx.EPOCH + 9
    status, error = _ask(
        console, line, MsgType.SVC_FACTORY_RESET, {"token": TOKENS["clock_any_station"]}, 3
    )
    assert (status, error["detail"]) == (Status.TOKEN_INVALID, TokenRefusal.PERMISSION_MISSING)
    assert "permission missing" in error["text"]
    assert _ask(console, line, MsgType.SVC_FACTORY_RESET, {"token": TOKENS["all_3"]}, 4) == (0, {})
    assert [call[0] for call in station.calls] == ["clear_outbox", "set_clock", "factory_reset"]


@pytest.mark.parametrize("msg_type", TOKEN_TYPES)
def test_no_token_is_auth_required(msg_type: MsgType) -> None:
    _, line, console = _console()
    line.incoming += ref_framing.encode_frame(ref.encode_message(msg_type, 3, b""))
    console.poll()
    (answer,) = _responses(line)
    assert answer["status"] == Status.AUTH_REQUIRED
    assert ref.decode_error(answer["payload"])["detail"] == 0


# --- whatever the station reports, the reference reads back -------------------------------


class Scripted:
    """``services`` whose answers Hypothesis draws; the log is scripted too."""

    station_id = fx.STATION_ID
    authority_keys: ClassVar[list[bytes]] = [fx.AUTHORITY_PUBLIC]

    def __init__(self, answers: dict[int, dict[str, Any]]) -> None:
        self.answers = answers
        self.log = self
        self.storage = DirStorage("/flash", files=RamFiles())

    def tail(self, from_seq: int, max_bytes: int) -> tuple[int, int, str]:
        fields = self.answers[MsgType.SVC_LOG_TAIL]
        return fields["first_seq"], fields["next_seq"], fields["text"]

    def info(self, message: str) -> None:
        raise AssertionError("a read must not log: " + message)

    warn = error = info

    def now(self) -> int:
        return fx.EPOCH

    def status(self) -> dict[str, Any]:
        return self.answers[MsgType.SVC_STATUS]

    def cache_info(self) -> dict[str, Any]:
        return self.answers[MsgType.SVC_CACHE_INFO]

    def outbox_info(self) -> dict[str, Any]:
        return self.answers[MsgType.SVC_OUTBOX_INFO]

    def key_info(self) -> dict[str, Any]:
        return self.answers[MsgType.SVC_KEY_INFO]

    def audit_read(self, from_index: int, max_records: int) -> tuple[int, int, list[bytes]]:
        fields = self.answers[MsgType.SVC_AUDIT_READ]
        records = [encode_record("outbox_record", r) for r in fields["records"]]
        return fields["total"], fields["first_index"], records

    def selftest(self) -> list[tuple[int, int]]:
        return [(c["check"], c["status"]) for c in self.answers[MsgType.SVC_SELFTEST]["checks"]]

    def may_block(self) -> bool:
        return True


READ_TYPES = (
    MsgType.SVC_STATUS,
    MsgType.SVC_CACHE_INFO,
    MsgType.SVC_OUTBOX_INFO,
    MsgType.SVC_KEY_INFO,
    MsgType.SVC_LOG_TAIL,
    MsgType.SVC_AUDIT_READ,
    MsgType.SVC_SELFTEST,
)


@st.composite
def scripted_answers(draw: st.DrawFn) -> dict[int, dict[str, Any]]:
    return {int(t): draw(payload_fields(t, True)) for t in READ_TYPES}


@FAST
@given(scripted_answers(), st.integers(0, 0xFFFF))
def test_every_reported_value_reaches_the_technician_unchanged(
    answers: dict[int, dict[str, Any]], seq: int
) -> None:
    line = Line()
    console = ServiceConsole(line, Scripted(answers))
    for offset, msg_type in enumerate(READ_TYPES):
        request: dict[str, Any] = {}
        if msg_type == MsgType.SVC_LOG_TAIL:
            request = {"from_seq": 1, "max_bytes": 504}
        elif msg_type == MsgType.SVC_AUDIT_READ:
            request = {"from_index": 1, "max_records": 27}
        status, fields = _ask(console, line, msg_type, request, (seq + offset) & 0xFFFF)
        assert status == 0
        assert fields == answers[msg_type]


@FAST
@given(st.lists(outbox_records, max_size=40), st.integers(0, 40))
def test_audit_read_sends_a_prefix_that_fits(records: list[dict[str, Any]], asked: int) -> None:
    answers = {int(MsgType.SVC_AUDIT_READ): {"total": 99, "first_index": 7, "records": records}}
    line = Line()
    console = ServiceConsole(line, Scripted(answers))
    status, fields = _ask(
        console, line, MsgType.SVC_AUDIT_READ, {"from_index": 7, "max_records": asked}
    )
    assert status == 0
    sent = fields["records"]
    assert sent == records[: len(sent)]
    size = 12 + sum(len(encode_record("outbox_record", r)) for r in sent)
    assert size <= 512
    if len(sent) < len(records):
        assert size + len(encode_record("outbox_record", records[len(sent)])) > 512


# --- noise and random requests ------------------------------------------------------------------


def _check_response(body: bytes) -> dict[str, Any]:
    message = ref.decode_message(body)
    assert message["version"] == 1
    assert message["flags"] & 1
    if message["status"]:
        assert message["flags"] & 2
        ref.decode_error(message["payload"])
    else:
        assert not message["flags"] & 2
        ref.decode_payload(message["type"], True, message["payload"])
    return message


@FAST
@given(st.lists(st.binary(max_size=700), max_size=12))
def test_arbitrary_bytes_never_crash_it(chunks: list[bytes]) -> None:
    station, line, console = _console(bundle=False)
    for chunk in chunks:
        line.incoming += chunk
        console.poll()
    decoder = ref_framing.FrameDecoder()
    for body in decoder.feed(bytes(line.outgoing)):
        _check_response(body)
    assert decoder.crc_errors == 0
    assert station.calls == []


def _token_payload(draw: st.DrawFn, msg_type: int) -> bytes:
    token = draw(st.sampled_from(sorted(TOKENS.values())) | st.binary(min_size=100, max_size=100))
    if msg_type == MsgType.SVC_FACTORY_RESET:
        return token
    return token + struct.pack("<I", draw(st.integers(0, 0xFFFFFFFF)))


@st.composite
def messages(draw: st.DrawFn) -> tuple[bytes, bool]:
    """(message body, is it a request the console must answer)."""
    kind = draw(st.sampled_from(["svc", "token", "random", "response", "version"]))
    seq = draw(st.integers(0, 0xFFFF))
    if kind == "svc":
        msg_type = draw(st.sampled_from(SVC_TYPES))
        fields = draw(payload_fields(msg_type, False))
        body = ref.encode_message(msg_type, seq, ref.encode_payload(msg_type, False, fields))
        return body, True
    if kind == "token":
        msg_type = draw(st.sampled_from(TOKEN_TYPES))
        return ref.encode_message(msg_type, seq, _token_payload(draw, msg_type)), True
    if kind == "random":
        msg_type = draw(st.integers(0, 255))
        flags = draw(st.integers(0, 255)) & ~1
        status = draw(st.integers(0, 255))
        payload = draw(st.binary(max_size=120))
        length = draw(st.sampled_from([len(payload), len(payload), draw(st.integers(0, 0xFFFF))]))
        head = struct.pack("<BBHBBH", 1, msg_type, seq, flags, status, length)
        return head + payload, True
    if kind == "response":
        msg_type = draw(st.integers(0, 255))
        flags = draw(st.integers(0, 255)) | 1
        payload = draw(st.binary(max_size=40))
        head = struct.pack("<BBHBBH", 1, msg_type, seq, flags, 0, len(payload))
        return head + payload, False
    version = draw(st.integers(0, 255).filter(lambda v: v != 1))
    head = struct.pack("<BBHBBH", version, draw(st.integers(0, 255)), seq, 0, 0, 0)
    return head + draw(st.binary(max_size=30)), True


@FAST
@given(
    st.lists(st.tuples(st.binary(max_size=80), messages()), min_size=1, max_size=10),
    st.integers(1, 600),
)
def test_every_intact_request_gets_one_answer_in_order(
    traffic: list[tuple[bytes, tuple[bytes, bool]]], chunk: int
) -> None:
    station, line, console = _console()
    station.outbox.append(_lock_records(3))
    expected = []
    for garbage, (body, is_request) in traffic:
        line.incoming += garbage + b"\x00" + ref_framing.encode_frame(body)
        if is_request:
            expected.append((body[1], body[2] | body[3] << 8))
    line.chunk = chunk
    while line.incoming:
        console.poll()
    decoder = ref_framing.FrameDecoder()
    answers = [_check_response(body) for body in decoder.feed(bytes(line.outgoing))]
    assert [(a["type"], a["seq"]) for a in answers] == expected
    assert console.requests == len(expected)


@FAST
@given(st.sampled_from(TOKEN_TYPES), st.integers(0, 0xFFFF), st.integers(2, 4))
def test_retries_never_run_a_command_twice(msg_type: MsgType, seq: int, tries: int) -> None:
    station, line, console = _console()
    station.outbox.append(_lock_records(5))
    argument = {"time": fx.EPOCH + 60, "through_index": 2}
    fields = {"token": TOKENS["all"]}
    if msg_type == MsgType.SVC_SET_CLOCK:
        fields["time"] = argument["time"]
    elif msg_type == MsgType.SVC_CLEAR_OUTBOX:
        fields["through_index"] = argument["through_index"]
    frame = ref_framing.encode_frame(
        ref.encode_message(msg_type, seq, ref.encode_payload(msg_type, False, fields))
    )
    for _ in range(tries):
        line.incoming += b"\x00" + frame
        console.poll()
    bodies = ref_framing.FrameDecoder().feed(bytes(line.outgoing))
    assert len(bodies) == tries
    assert len(set(bodies)) == 1
    assert _check_response(bodies[0])["status"] == 0
    assert len(station.calls) == 1
    # The five lock events, less those cleared or reset, and one SERVICE_COMMAND event.
    left = {MsgType.SVC_SET_CLOCK: 5, MsgType.SVC_CLEAR_OUTBOX: 3, MsgType.SVC_FACTORY_RESET: 0}
    assert station.outbox.records() == left[msg_type] + 1
