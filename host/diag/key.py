"""Reading a key in the technician's USB key reader (SPEC.md 5, 6), without changing it.

After ``HELLO`` the tool reads: ``DIAG``; the active permission set
(``OBJ_STAT``/``OBJ_READ`` of object type 1); and the audit trail
(``OBJ_STAT`` type 3 takes the key's snapshot, ``OBJ_READ`` reads it). It
never sends ``AUDIT_ACK``, so every event stays on the key for the next
station; taking a snapshot changes nothing a station relies on (a station
takes its own before it acknowledges).

Objects are read in chunks as large as the key and the tool allow, and
checked against the SHA-256 that ``OBJ_STAT`` announced.
"""

from __future__ import annotations

import hashlib
from typing import Any

from host.diag.device import call, refused, send
from host.diag.errors import DiagError
from host.diag.link import Link
from protocol import constants as k
from protocol.constants import MsgType, ObjType, Status
from protocol.errors import ProtocolError
from protocol.records import decode_record


def read_object(link: Link, obj: ObjType, key_max_payload: int) -> bytes | None:
    """The object's bytes, checked against its SHA-256; None when the key has none (NOT_FOUND)."""
    reply = send(link, MsgType.OBJ_STAT, {"obj": obj})
    if reply.status == Status.NOT_FOUND:
        return None
    if not reply.ok:
        raise refused(reply, MsgType.OBJ_STAT.name)
    stat = reply.fields()
    size, sha256 = int(stat["size"]), bytes(stat["sha256"])
    chunk = max(1, min(key_max_payload, k.MAX_PAYLOAD) - 4)
    data = bytearray()
    while len(data) < size:
        answer = call(link, MsgType.OBJ_READ, {"obj": obj, "max_len": chunk, "offset": len(data)})
        piece = bytes(answer["data"])
        if answer["offset"] != len(data) or not piece:
            raise DiagError("device.object_short", have=len(data), size=size)
        data += piece
    if len(data) != size or hashlib.sha256(data).digest() != sha256:
        raise DiagError("device.object_changed")
    return bytes(data)


def _decoded(kind: str, data: bytes) -> dict[str, Any]:
    try:
        return decode_record(kind, data)
    except ProtocolError as err:
        raise DiagError("link.bad_answer", field=err.field, reason=err.message) from None


def active_set(link: Link, key_max_payload: int) -> dict[str, Any] | None:
    """The active permission set (SPEC.md 8.1), decoded; None when no slot is active."""
    data = read_object(link, ObjType.PERMISSION_SET, key_max_payload)
    return None if data is None else _decoded("permission_set", data)


def audit_batch(link: Link, key_max_payload: int) -> dict[str, Any]:
    """The key's waiting audit events as an audit batch (SPEC.md 8.3); none are acknowledged."""
    data = read_object(link, ObjType.AUDIT_BATCH, key_max_payload)
    if data is None:
        return {"key_id": 0, "first_seq": 0, "events": []}
    return _decoded("audit_batch", data)


def diag(link: Link) -> dict[str, Any]:
    return call(link, MsgType.DIAG)
