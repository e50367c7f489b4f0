"""Every payload of SPEC.md 5–7 (key link, objects, service console) as a dict, both ways.

Mirrors the payload half of ``protocol/messages.py``: ``encode_payload`` and
``decode_payload`` pick a request's or an OK response's layout by message type
and direction. Two encoders need a record encoder, AUDIT_APPEND's request (a
lock's audit event) and SVC_AUDIT_READ's response (outbox records): only locks,
test doubles and tools encode those (the station's console copies stored
records itself), so they import ``firmware.record_encoders``, which is not on
the board, when called.
"""

from firmware.protocol_constants import (
    MAX_CHUNK,
    MAX_PAYLOAD,
    MSG_AUDIT_ACK,
    MSG_AUDIT_APPEND,
    MSG_CHALLENGE,
    MSG_DIAG,
    MSG_HELLO,
    MSG_OBJ_BEGIN,
    MSG_OBJ_COMMIT,
    MSG_OBJ_READ,
    MSG_OBJ_STAT,
    MSG_OBJ_WRITE,
    MSG_PIN_PROOF,
    MSG_SET_BAUD,
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
    NONCE_SIZE,
    OBJ_READ_HEADER_SIZE,
    PIN_DERIVED_SIZE,
    PIN_PROOF_SIZE,
    SERVICE_TOKEN_SIZE,
    SHA256_SIZE,
    SIGNATURE_SIZE,
)
from firmware.record_layouts import decode_audit_event, decode_outbox_list
from firmware.wire_fields import (
    CodecError,
    as_list,
    check_bytes,
    check_int,
    count_of,
    decode_exact,
    decode_text,
    encode_text,
    get_field,
    guard,
    known,
    layout,
    layout_names,
    pack,
    prefixed,
    unpack,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol  # read under TYPE_CHECKING only

    from firmware.wire_fields import Buf, Fields, Layout

    class _Payload(Protocol):
        def encode(self, fields: Fields) -> bytes: ...

        def decode(self, data: Buf) -> Fields: ...


_EMPTY = layout(())
_HELLO = layout((("time", "I"), ("role", "B"), (None, -1), ("max_payload", "H"), ("peer_id", "I")))
_KEY_INFO = layout(
    (
        ("key_id", "I"),
        ("firmware", "H"),
        ("max_payload", "H"),
        ("active_slot", "B"),
        ("slot_a", "B"),
        ("slot_b", "B"),
        ("battery", "B"),
        ("set_serial", "I"),
        ("valid_from", "I"),
        ("valid_until", "I"),
        ("lock_count", "H"),
        ("audit_count", "H"),
        ("audit_capacity", "H"),
        ("last_error", "B"),
        ("flags", "B"),
        ("blocklist_version", "I"),
        ("audit_next_seq", "I"),
    )
)
_DIAG = layout(
    (
        ("uptime_s", "I"),
        ("write_cycles", "I"),
        ("battery_mv", "H"),
        ("temperature_c", "b"),
        ("last_error", "B"),
        ("crc_errors", "H"),
        (None, -2),
    )
)
_STATION_STATUS = layout(
    (
        ("station_id", "I"),
        ("unit_id", "I"),
        ("firmware", "H"),
        ("online", "B"),
        ("last_error", "B"),
        ("clock", "I"),
        ("bundle_serial", "I"),
        ("bundle_issued", "I"),
        ("offline_until", "I"),
        ("outbox_records", "I"),
        ("outbox_bytes", "I"),
        ("flash_free", "I"),
        ("last_upload", "I"),
        ("uptime_s", "I"),
        ("crc_errors", "H"),
        ("key_present", "B"),
        ("flags", "B"),
    )
)
_CACHE_INFO = layout(
    (
        ("bundle_serial", "I"),
        ("bundle_size", "I"),
        ("header_sha256", SHA256_SIZE),
        ("keys", "H"),
        ("lock_lists", "H"),
        ("days", "H"),
        (None, -2),
        ("blocklist_version", "I"),
        ("day0_start", "I"),
    )
)
_OUTBOX_INFO = layout(
    (
        ("records", "I"),
        ("bytes", "I"),
        ("capacity_bytes", "I"),
        ("oldest_time", "I"),
        ("next_index", "I"),
        ("last_ack_time", "I"),
        ("full", "B"),
        (None, -3),
    )
)
_OBJ_WRITE_HEAD = layout((("obj", "B"), (None, -3), ("offset", "I")))
_OBJ_READ_HEAD = layout((("offset", "I"),))
_LOG_TAIL_HEAD = layout((("first_seq", "I"), ("next_seq", "I")))
_AUDIT_READ_HEAD = layout((("total", "I"), ("first_index", "I"), ("count", "H"), (None, -2)))


class _Fixed:
    """A payload of one fixed layout."""

    def __init__(self, lay: "Layout") -> None:
        self.lay = lay

    def encode(self, fields: "Fields") -> bytes:
        known(fields, layout_names(self.lay))
        return pack(self.lay, fields)

    def decode(self, data: "Buf") -> "Fields":
        out: "Fields" = decode_exact(self.lay, data)
        return out


class _WithData:
    """A fixed head, then ``data`` of ``minimum`` to ``maximum`` bytes (OBJ_WRITE, OBJ_READ)."""

    def __init__(self, lay: "Layout", minimum: int, maximum: int) -> None:
        self.lay = lay
        self.minimum = minimum
        self.maximum = maximum
        keys = list(layout_names(lay))
        keys.append("data")
        self.keys = tuple(keys)

    def _check(self, n: int) -> None:
        if n < self.minimum or n > self.maximum:
            raise CodecError("data", "%d bytes, not %d to %d" % (n, self.minimum, self.maximum))

    def encode(self, fields: "Fields") -> bytes:
        known(fields, self.keys)
        data = check_bytes(get_field(fields, "data"), None, "data")
        self._check(len(data))
        return pack(self.lay, fields) + data

    def decode(self, data: "Buf") -> "Fields":
        out: "Fields" = unpack(self.lay, data)
        self._check(len(data) - self.lay[1])
        out["data"] = bytes(memoryview(data)[self.lay[1] :])
        return out


class _CommitResponse:
    """OBJ_COMMIT's answer: ``u8 active_slot`` for a permission set, else empty."""

    def encode(self, fields: "Fields") -> bytes:
        known(fields, ("active_slot",))
        if "active_slot" in fields:
            return bytes((check_int(fields["active_slot"], "B", "active_slot"),))
        return b""

    def decode(self, data: "Buf") -> "Fields":
        if len(data) == 0:
            return {}
        if len(data) == 1:
            return {"active_slot": data[0]}
        raise CodecError("length", "must be 0 or 1 bytes")


def _record_encoders(field: str) -> "Any":
    """firmware.record_encoders, which tests and tools have and the board does not."""
    try:
        from firmware import record_encoders
    except ImportError:
        raise CodecError(field, "no record encoder on this board")
    return record_encoders


class _AuditAppend:
    def encode(self, fields: "Fields") -> bytes:
        known(fields, ("event",))
        event = get_field(fields, "event")
        encoders = _record_encoders("event")
        try:
            return encoders.encode_event(event)
        except CodecError as exc:
            raise prefixed("event", exc)

    def decode(self, data: "Buf") -> "Fields":
        try:
            return {"event": decode_audit_event(data)}
        except CodecError as exc:
            raise prefixed("event", exc)


class _LogTail:
    def encode(self, fields: "Fields") -> bytes:
        known(fields, ("first_seq", "next_seq", "text"))
        text = encode_text(get_field(fields, "text"), "text")
        limit = MAX_PAYLOAD - _LOG_TAIL_HEAD[1]
        if len(text) > limit:
            raise CodecError("text", "longer than %d bytes" % limit)
        return pack(_LOG_TAIL_HEAD, fields) + text

    def decode(self, data: "Buf") -> "Fields":
        out: "Fields" = unpack(_LOG_TAIL_HEAD, data)
        out["text"] = decode_text(memoryview(data)[_LOG_TAIL_HEAD[1] :], "text")
        return out


class _AuditRead:
    def encode(self, fields: "Fields") -> bytes:
        known(fields, ("total", "first_index", "records"))
        records = as_list(get_field(fields, "records"), "records")
        head = dict(fields)
        head["count"] = count_of(records, "records")
        encoders = _record_encoders("records")
        return pack(_AUDIT_READ_HEAD, head) + encoders.encode_outbox_list(records, "records")

    def decode(self, data: "Buf") -> "Fields":
        out: "Fields" = unpack(_AUDIT_READ_HEAD, data)
        n = out.pop("count")
        out["records"] = decode_outbox_list(data, _AUDIT_READ_HEAD[1], n, "records")
        return out


class _Selftest:
    def encode(self, fields: "Fields") -> bytes:
        known(fields, ("checks",))
        checks = as_list(get_field(fields, "checks"), "checks")
        parts = [bytes((count_of(checks, "checks", 255),))]
        for i, check in enumerate(checks):
            field = "checks[%d]" % i
            if not isinstance(check, dict):
                raise CodecError(field, "not a dict")
            try:
                known(check, ("check", "status"))
            except CodecError as exc:
                raise prefixed(field, exc)
            parts.append(
                bytes(
                    (
                        check_int(get_field(check, "check"), "B", field + ".check"),
                        check_int(get_field(check, "status"), "B", field + ".status"),
                    )
                )
            )
        return b"".join(parts)

    def decode(self, data: "Buf") -> "Fields":
        if len(data) < 1:
            raise CodecError("count", "truncated")
        count = data[0]
        if len(data) < 1 + 2 * count:
            raise CodecError("checks[%d]" % ((len(data) - 1) // 2), "truncated")
        if len(data) != 1 + 2 * count:
            raise CodecError("length", "must be %d bytes" % (1 + 2 * count))
        checks = []
        for i in range(count):
            checks.append({"check": data[1 + 2 * i], "status": data[2 + 2 * i]})
        return {"checks": checks}


def _fixed(pairs: "Any") -> "_Fixed":
    return _Fixed(layout(pairs))


_EMPTY_P = _Fixed(_EMPTY)
_KEY_INFO_P = _Fixed(_KEY_INFO)
_HAVE = _fixed((("have", "I"),))
_TOKEN_ONLY = _fixed((("token", SERVICE_TOKEN_SIZE),))
# type -> (request, response)
_PAYLOADS: "dict[int, tuple[_Payload, _Payload]]" = {
    MSG_HELLO: (_Fixed(_HELLO), _KEY_INFO_P),
    MSG_CHALLENGE: (_fixed((("nonce", NONCE_SIZE),)), _fixed((("signature", SIGNATURE_SIZE),))),
    MSG_SET_BAUD: (_fixed((("baud", "I"),)), _EMPTY_P),
    MSG_PIN_PROOF: (_fixed((("derived", PIN_DERIVED_SIZE),)), _fixed((("proof", PIN_PROOF_SIZE),))),
    MSG_OBJ_BEGIN: (
        _fixed((("obj", "B"), (None, -3), ("size", "I"), ("sha256", SHA256_SIZE))),
        _HAVE,
    ),
    MSG_OBJ_WRITE: (_WithData(_OBJ_WRITE_HEAD, 1, MAX_CHUNK), _HAVE),
    MSG_OBJ_COMMIT: (
        _fixed((("obj", "B"), (None, -3), ("sha256", SHA256_SIZE))),
        _CommitResponse(),
    ),
    MSG_OBJ_STAT: (
        _fixed((("obj", "B"), (None, -3))),
        _fixed((("size", "I"), ("sha256", SHA256_SIZE))),
    ),
    MSG_OBJ_READ: (
        _fixed((("obj", "B"), (None, -1), ("max_len", "H"), ("offset", "I"))),
        _WithData(_OBJ_READ_HEAD, 0, MAX_PAYLOAD - OBJ_READ_HEADER_SIZE),
    ),
    MSG_AUDIT_ACK: (_fixed((("through_seq", "I"),)), _fixed((("remaining", "H"),))),
    MSG_AUDIT_APPEND: (_AuditAppend(), _fixed((("count", "H"),))),
    MSG_DIAG: (_EMPTY_P, _Fixed(_DIAG)),
    MSG_SVC_STATUS: (_EMPTY_P, _Fixed(_STATION_STATUS)),
    MSG_SVC_CACHE_INFO: (_EMPTY_P, _Fixed(_CACHE_INFO)),
    MSG_SVC_OUTBOX_INFO: (_EMPTY_P, _Fixed(_OUTBOX_INFO)),
    MSG_SVC_KEY_INFO: (_EMPTY_P, _KEY_INFO_P),
    MSG_SVC_LOG_TAIL: (_fixed((("from_seq", "I"), ("max_bytes", "H"), (None, -2))), _LogTail()),
    MSG_SVC_AUDIT_READ: (
        _fixed((("from_index", "I"), ("max_records", "H"), (None, -2))),
        _AuditRead(),
    ),
    MSG_SVC_SELFTEST: (_EMPTY_P, _Selftest()),
    MSG_SVC_SET_CLOCK: (_fixed((("token", SERVICE_TOKEN_SIZE), ("time", "I"))), _EMPTY_P),
    MSG_SVC_CLEAR_OUTBOX: (
        _fixed((("token", SERVICE_TOKEN_SIZE), ("through_index", "I"))),
        _fixed((("removed", "I"),)),
    ),
    MSG_SVC_FACTORY_RESET: (_TOKEN_ONLY, _EMPTY_P),
    MSG_SVC_MAINTENANCE: (_TOKEN_ONLY, _EMPTY_P),
}


def _payload(msg_type: int, response: bool) -> "_Payload":
    if not isinstance(response, bool):
        raise CodecError("response", "must be a bool")
    if isinstance(msg_type, bool):
        raise CodecError("type", "not a message type")
    try:
        pair = _PAYLOADS[msg_type]
    except (KeyError, TypeError):
        raise CodecError("type", "unknown message type %r" % (msg_type,))
    return pair[1] if response else pair[0]


def _payload_encode(msg_type: int, response: bool, fields: "Fields") -> bytes:
    if not isinstance(fields, dict):
        raise CodecError("", "fields must be a dict")
    data = _payload(msg_type, response).encode(fields)
    if len(data) > MAX_PAYLOAD:
        raise CodecError("length", "payload over %d bytes" % MAX_PAYLOAD)
    return data


def _payload_decode(msg_type: int, response: bool, data: "Buf") -> "Fields":
    lay = _payload(msg_type, response)
    check_bytes(data, None, "data")
    if len(data) > MAX_PAYLOAD:
        raise CodecError("length", "payload over %d bytes" % MAX_PAYLOAD)
    return lay.decode(data)


def encode_payload(msg_type: int, response: bool, fields: "Fields") -> bytes:
    """The payload of a request (``response`` false) or an OK response, from its dict."""
    return guard(_payload_encode, (msg_type, response, fields), "payload")


def decode_payload(msg_type: int, response: bool, data: "Buf") -> "Fields":
    """Decode and check a request's or an OK response's payload."""
    return guard(_payload_decode, (msg_type, response, data), "payload")
