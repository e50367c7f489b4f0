"""What is on the port, found politely, and the one way every command asks it something.

``probe`` sends ``HELLO`` (role: technician's reader) first. A key answers
``KEY_INFO``; a USB key reader with no key (or a flat one) answers
``NO_KEY``; a station's console does not serve ``HELLO`` and answers
``UNKNOWN_TYPE`` without logging or changing anything, and is then asked
``SVC_STATUS``. HELLO goes first because a key would note an unknown service
type as its ``last_error``, and the technician is there to read that field.

``call`` sends one request built with the reference codec and returns the
decoded answer, or raises ``DeviceRefused`` with the status in words and
what the technician can do (SPEC.md 10).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from host.diag.errors import EXIT_DEVICE, DeviceRefused, DiagError
from host.diag.link import Link, Reply
from host.diag.messages import status_advice, status_name
from protocol import constants as k
from protocol.constants import MsgType, Role, Status
from protocol.messages import encode_payload

Kind = Literal["station", "key", "reader_empty"]
Expect = Literal["auto", "station", "reader"]

KIND_KEYS: dict[Kind, str] = {
    "station": "device.station",
    "key": "device.key",
    "reader_empty": "device.reader_empty",
}


@dataclass
class Device:
    """The device on the port: its kind, the link, and what it answered to the probe."""

    kind: Kind
    link: Link
    version: int
    key_info: dict[str, Any] | None = None  # HELLO's KEY_INFO, for a key in the reader
    status: dict[str, Any] | None = None  # SVC_STATUS, for a station


def refused(reply: Reply, what: str, exit_status: int = EXIT_DEVICE) -> DeviceRefused:
    """The technician's words for an error response."""
    detail, words = reply.error()
    return DeviceRefused(
        "device.refused",
        reply.status,
        detail,
        exit_status,
        what=what,
        status=status_name(reply.status),
        code=reply.status,
        detail=detail,
        text=f' "{words}"' if words else "",
        advice=status_advice(reply.status),
    )


def send(link: Link, msg_type: MsgType, fields: dict[str, Any] | None = None) -> Reply:
    """One request with its payload built by the reference codec; the raw reply."""
    return link.request(msg_type, encode_payload(msg_type, False, fields or {}))


def call(link: Link, msg_type: MsgType, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """One request; the decoded answer, or DeviceRefused."""
    reply = send(link, msg_type, fields)
    if not reply.ok:
        raise refused(reply, msg_type.name)
    return reply.fields()


def hello_fields(now: int, technician: int = 0) -> dict[str, Any]:
    """HELLO as the technician's reader says it (SPEC.md 5.1, role 3)."""
    return {
        "time": now & 0xFFFF_FFFF,
        "role": Role.READER,
        "max_payload": k.MAX_PAYLOAD,
        "peer_id": technician,
    }


def probe(link: Link, expect: Expect = "auto", clock: Callable[[], float] = time.time) -> Device:
    """Find out what answers on ``link`` (see the module docstring)."""
    if expect != "station":
        reply = send(link, MsgType.HELLO, hello_fields(int(clock())))
        if reply.ok:
            return Device("key", link, reply.version, key_info=reply.fields())
        if reply.status == Status.NO_KEY:
            return Device("reader_empty", link, reply.version)
        if reply.status != Status.UNKNOWN_TYPE:
            raise refused(reply, MsgType.HELLO.name)
        if expect == "reader":
            raise DiagError("device.not_reader", port=link.name, status=status_name(reply.status))
    reply = send(link, MsgType.SVC_STATUS)
    if reply.ok:
        return Device("station", link, reply.version, status=reply.fields())
    key = "device.not_station" if expect == "station" else "device.unknown"
    raise DiagError(key, port=link.name, status=status_name(reply.status))
