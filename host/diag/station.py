"""Asking a station's service console (SPEC.md 7): reads, the whole log and outbox, and the
token-carrying commands.

Reads are plain ``call``s. ``log_lines`` and ``outbox_records`` page through
the log ring and the outbox, request by request, until the station has
nothing more. ``token_command`` sends ``SVC_SET_CLOCK``, ``SVC_CLEAR_OUTBOX``
or ``SVC_FACTORY_RESET`` with the token in front, and turns the station's
``TOKEN_INVALID`` detail and ``AUTH_REQUIRED`` into words.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from host.diag.device import call, refused, send
from host.diag.errors import EXIT_REFUSED, DeviceRefused, DiagError
from host.diag.link import Link
from host.diag.messages import token_reason, token_reason_name
from protocol import constants as k
from protocol.constants import MsgType, Status
from protocol.errors import ProtocolError
from protocol.records import decode_record

LOG_BYTES = k.MAX_PAYLOAD - 8  # the most log text one SVC_LOG_TAIL answer carries
AUDIT_RECORDS = 255  # ask for many; the station sends what fits in one payload
MAX_PAGES = 10_000  # a station that never stops answering "more" is a broken station
_AUDIT_HEAD = struct.Struct("<IIHH")


@dataclass(frozen=True)
class LogLine:
    """One log line ``seq time level message`` (a line cut to fit keeps what it has)."""

    seq: int
    time: int
    level: str
    message: str

    @classmethod
    def parse(cls, line: str, fallback_seq: int) -> LogLine:
        parts = line.split(" ", 3)
        try:
            seq, when = int(parts[0]), int(parts[1])
            level = parts[2]
            message = parts[3] if len(parts) > 3 else ""
        except (IndexError, ValueError):
            return cls(fallback_seq, 0, "", line)
        return cls(seq, when, level, message)


@dataclass(frozen=True)
class LogPage:
    first_seq: int
    next_seq: int
    lines: list[LogLine]


@dataclass(frozen=True)
class OutboxRecord:
    """One outbox record (SPEC.md 9.2) at ``index``: its bytes and the decoded fields."""

    index: int
    raw: bytes
    fields: dict[str, Any]


def log_page(link: Link, from_seq: int, max_bytes: int = LOG_BYTES) -> LogPage:
    """One SVC_LOG_TAIL answer as lines."""
    answer = call(link, MsgType.SVC_LOG_TAIL, {"from_seq": from_seq, "max_bytes": max_bytes})
    first, next_seq = int(answer["first_seq"]), int(answer["next_seq"])
    lines = [
        LogLine.parse(line, first + i) for i, line in enumerate(str(answer["text"]).splitlines())
    ]
    return LogPage(first, next_seq, lines)


def log_pages(link: Link, from_seq: int = 0) -> Iterator[LogPage]:
    """Pages from ``from_seq`` until the station has no more lines."""
    seq = from_seq
    for _ in range(MAX_PAGES):
        page = log_page(link, seq)
        yield page
        if not page.lines or page.next_seq <= seq:
            return
        seq = page.next_seq


def outbox_records(link: Link, from_index: int = 0) -> tuple[int, list[OutboxRecord]]:
    """(total the station reports, every record from ``from_index`` on), nothing removed."""
    records: list[OutboxRecord] = []
    index = from_index
    total = 0
    for _ in range(MAX_PAGES):
        reply = send(
            link, MsgType.SVC_AUDIT_READ, {"from_index": index, "max_records": AUDIT_RECORDS}
        )
        if not reply.ok:
            raise refused(reply, MsgType.SVC_AUDIT_READ.name)
        reply.fields()  # the whole answer must match SPEC.md before its bytes are sliced
        total, first, count, _ = _AUDIT_HEAD.unpack_from(reply.payload, 0)
        if count == 0:
            break
        if first < index:
            raise DiagError("link.bad_answer", field="svc_audit_read.first_index", reason=first)
        for i, raw in enumerate(_split_records(reply.payload[_AUDIT_HEAD.size :])):
            records.append(OutboxRecord(first + i, raw, decode_record("outbox_record", raw)))
        index = first + count
        if len(records) >= total:
            break
    return total, records


def _split_records(data: bytes) -> list[bytes]:
    out = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise DiagError("link.bad_answer", field="svc_audit_read.records", reason=pos)
        end = pos + 2 + data[pos + 1]
        out.append(data[pos:end])
        pos = end
    return out


def token_command(
    link: Link, msg_type: MsgType, token: bytes, station_id: int, argument: int | None = None
) -> dict[str, Any]:
    """A state-changing command with ``token`` in front; DeviceRefused in words when refused."""
    fields: dict[str, Any] = {"token": token}
    if msg_type == MsgType.SVC_SET_CLOCK:
        fields["time"] = argument
    elif msg_type == MsgType.SVC_CLEAR_OUTBOX:
        fields["through_index"] = argument
    try:
        reply = send(link, msg_type, fields)
    except ProtocolError as err:
        raise DiagError("token.not_a_token", path="--token", reason=err.message) from None
    command = msg_type.name
    if reply.status == Status.TOKEN_INVALID:
        detail, _ = reply.error()
        raise DeviceRefused(
            "token.refused",
            reply.status,
            detail,
            EXIT_REFUSED,
            command=command,
            reason=token_reason(detail),
            detail=detail,
            name=token_reason_name(detail),
            station=station_id,
        )
    if reply.status == Status.AUTH_REQUIRED:
        raise DeviceRefused("token.auth_required", reply.status, 0, EXIT_REFUSED, command=command)
    if not reply.ok:
        raise refused(reply, command)
    return reply.fields()
