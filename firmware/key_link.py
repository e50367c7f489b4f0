"""Requests to a key and its answers, over the contact key port or NFC (protocol/SPEC.md 1-3, 5, 6).

``KeyLink(transport)`` is the station's side of one key session's wire:

- ``StreamTransport(port)``: the contact key port (hw.key_port.KeyPort: ``read``,
  ``write``, ``flush``, ``present``, ``set_baud``) carrying COBS + CRC frames
  (firmware.framing); the receiver resynchronises on the next ``0x00`` after
  noise and counts the frames it dropped (``crc_errors``).
- ``NfcTransport(reader)``: hw.nfc_reader.NfcKeyReader (``exchange``,
  ``release``), one message per APDU, no framing, messages of at most 240 bytes.

``request(msg_type, fields)`` sends one request and returns ``(status,
fields)``: the decoded OK payload, or ``{"detail", "text"}`` of an error
answer. Sequence numbers follow SPEC 3: a new request takes the next one, a
retry reuses it, an answer with another one is a late answer to an earlier try
and is dropped. A link starts at a random seq: a key replays its last answer to
a repeated request, so a new session must not repeat the last one's first
request, seq and bytes alike. Every wait is bounded (SPEC 1.3: 250 ms plus the
transmission time of the request and of the expected reply, measured with the
injected ``ticks_ms``); a lost frame is sent again up to ``retries`` (3) times.
Then ``KeyGone`` is raised (``removed`` tells a key that left the slot from one
that stopped answering). An answer that cannot be right (it does not decode,
or an object's hash is wrong) raises ``LinkError``, whose ``reason`` says which;
``status``/``detail`` carry the key's status code when it refused.

On top: ``hello`` (negotiates the payload size: the smallest of ours, the
key's and the transport's), ``set_baud`` (SPEC 5.9, with the fall back to
115200 when the new rate fails twice), ``pin_proof`` (SPEC 5.11: the key's
HMAC of a derived code), ``write_object`` (OBJ_BEGIN, OBJ_WRITE
chunks, OBJ_COMMIT; resumes from the key's ``have`` after OUT_OF_ORDER, a
commit before all bytes, or a lost frame) and ``read_object`` (OBJ_STAT, then
OBJ_READ chunks, checked against the SHA-256 the key announced). An object too
large for the heap at once (a key's audit batch) is read with ``stat_object``
and ``read_range`` piece by piece, the caller hashing the pieces.
"""

import os
from hashlib import sha256

from firmware.framing import MAX_BODY, FrameDecoder, encode_frame
from firmware.payloads import decode_payload, encode_payload
from firmware.protocol_constants import (
    BAUD_FALLBACK_MS,
    DEFAULT_BAUD,
    DIAG_SIZE,
    FLAG_RESPONSE,
    HEADER_SIZE,
    KEY_INFO_SIZE,
    MAX_ERROR_TEXT,
    MAX_PAYLOAD,
    MSG_AUDIT_ACK,
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
    NFC_MAX_PAYLOAD,
    OBJ_READ_HEADER_SIZE,
    OBJ_WRITE_HEADER_SIZE,
    PIN_PROOF_SIZE,
    PROTOCOL_VERSION,
    REPLY_TIMEOUT_MS,
    RETRIES,
    ROLE_STATION,
    SHA256_SIZE,
    SIGNATURE_SIZE,
    ST_BAD_STATE,
    ST_HASH_MISMATCH,
    ST_NOT_FOUND,
    ST_OK,
    ST_OUT_OF_ORDER,
    ST_UNSUPPORTED_VERSION,
)
from firmware.wire_fields import CodecError
from firmware.wire_messages import decode_error, decode_message, encode_message
from hw import _port
from hw.nfc_reader import NfcError

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

    from hw.board import KeyPortPart, NfcPart

_ERROR_PAYLOAD = 4 + MAX_ERROR_TEXT  # u32 detail + up to 64 bytes of text (SPEC 3)
_PN532_TIMEOUT = 0x01  # PN532 error code: the target has not answered
_MIN_KEY_PAYLOAD = 16  # a key that cannot take this much cannot take an OBJ_WRITE worth sending
# OK answer sizes (SPEC 5, 6) for the reply part of the wait; OBJ_READ is computed per request.
_REPLY_SIZE = {
    MSG_HELLO: KEY_INFO_SIZE,
    MSG_CHALLENGE: SIGNATURE_SIZE,
    MSG_SET_BAUD: 0,
    MSG_OBJ_BEGIN: 4,
    MSG_OBJ_WRITE: 4,
    MSG_OBJ_COMMIT: 1,
    MSG_OBJ_STAT: 4 + SHA256_SIZE,
    MSG_AUDIT_ACK: 2,
    MSG_DIAG: DIAG_SIZE,
}

# LinkError reasons
STATUS = "status"  # the key refused: status and detail say how
MALFORMED = "malformed"  # an answer that does not decode or does not fit the request
VERSION = "version"  # the key speaks another protocol version
HASH = "hash"  # an object read twice did not match the SHA-256 the key announced
TOO_LARGE = "too_large"  # an object larger than the station takes
NO_PROGRESS = "no_progress"  # a transfer that does not move forward


class KeyGone(Exception):
    """The key is not there: it left the slot (``removed``) or did not answer any try."""

    def __init__(self, removed: bool, message: str) -> None:
        super().__init__(message)
        self.removed = removed


class LinkError(Exception):
    """The key answered, but not so that the exchange can go on (``reason``: see above)."""

    def __init__(self, reason: str, message: str, status: int = 0, detail: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.detail = detail


def frame_size(body_len: int) -> int:
    """Bytes on the wire for a body of ``body_len`` bytes: COBS(body + CRC) and the 0x00."""
    n = body_len + 4
    return n + 1 + n // 254 + 1


class StreamTransport:
    """Framed messages on the contact key port (or any port with its five methods)."""

    limit = MAX_PAYLOAD

    def __init__(
        self,
        port: "KeyPortPart",
        ticks_ms: "Callable[[], int] | None" = None,
        sleep_ms: "Callable[[int], None] | None" = None,
        poll_ms: int = 1,
    ) -> None:
        self.port = port
        self.ticks_ms = ticks_ms or _port.ticks_ms
        self.sleep_ms = sleep_ms or _port.sleep_ms
        self.poll_ms = poll_ms
        self.decoder = FrameDecoder()
        self._bodies: "list[bytes]" = []

    @property
    def crc_errors(self) -> int:
        return int(self.decoder.crc_errors)

    @property
    def baud(self) -> int:
        return int(getattr(self.port, "baud", DEFAULT_BAUD))

    def present(self) -> bool:
        return bool(self.port.present())

    def lost(self) -> bool:
        """After a request went unanswered: was it because the key left?"""
        return not self.present()

    def transfer_ms(self, request_len: int, reply_len: int) -> int:
        """Time on the wire for a request body and a reply body, 10 bits a byte (8N1)."""
        bits = 10 * (frame_size(request_len) + frame_size(reply_len))
        return (bits * 1000 + self.baud - 1) // self.baud

    def send(self, body: bytes, fresh: bool) -> None:
        if fresh:
            # A new request: whatever is still on the line answers something older.
            self.port.flush()
            self.decoder.reset()
            self._bodies = []
        frame = encode_frame(body)
        if not fresh:
            # SPEC 2: a leading 0x00 flushes the key's receiver after noise that ate our last try.
            frame = b"\x00" + frame
        sent = 0
        stuck = 0
        while sent < len(frame):
            n = self.port.write(frame[sent:])
            if n:
                sent += n
                stuck = 0
            else:
                stuck += 1
                if stuck > 100:
                    raise KeyGone(not self.present(), "the key port takes no bytes")
                self.sleep_ms(self.poll_ms)

    def receive(self, start: int, timeout_ms: int) -> "bytes | None":
        """The next intact body that arrives before ``timeout_ms`` after ``start``, or None."""
        while True:
            if self._bodies:
                return self._bodies.pop(0)
            data = self.port.read(MAX_BODY + 16)
            if data:
                self._bodies = self.decoder.feed(data)
                if self._bodies:
                    continue
            elif not self.present():
                raise KeyGone(True, "key removed")
            # checked while bytes flow too: a babbling line must not hold us here
            if _port.ticks_diff(self.ticks_ms(), start) >= timeout_ms:
                return None
            if not data:
                self.sleep_ms(self.poll_ms)

    def set_baud(self, rate: int) -> None:
        self.port.set_baud(rate)
        self.decoder.reset()
        self._bodies = []


class NfcTransport:
    """One message per APDU through hw.nfc_reader.NfcKeyReader; its PN532 bounds each wait."""

    limit = NFC_MAX_PAYLOAD
    crc_errors = 0  # ISO/IEC 14443 checks its own CRC; failed exchanges are counted in ``failures``
    baud = 0

    def __init__(self, reader: "NfcPart") -> None:
        self.reader = reader
        self.failures = 0
        self._pending: "bytes | None" = None
        self._last_code: "int | None" = None

    def present(self) -> bool:
        return self.reader.target is not None

    def lost(self) -> bool:
        # UM0701 7.1 error 0x01: the target has not answered, i.e. it left the field.
        return not self.present() or self._last_code == _PN532_TIMEOUT

    def transfer_ms(self, request_len: int, reply_len: int) -> int:
        return 0

    def send(self, body: bytes, fresh: bool) -> None:
        self._pending = body

    def receive(self, start: int, timeout_ms: int) -> "bytes | None":
        message = self._pending
        if message is None:
            return None
        self._pending = None
        try:
            answer = bytes(self.reader.exchange(message))
        except NfcError as exc:
            self.failures += 1
            self._last_code = exc.code
            return None
        self._last_code = None
        return answer

    def set_baud(self, rate: int) -> None:
        raise ValueError("NFC has no baud rate")


class KeyLink:
    """Request/response with one key over ``transport`` (StreamTransport or NfcTransport).

    ``max_payload`` is what the station accepts; after ``hello`` the link uses the
    smallest of it, the key's and the transport's limit. ``ticks_ms``/``sleep_ms``
    default to the transport's (stream) or hw._port's.
    """

    def __init__(
        self,
        transport: "Any",
        ticks_ms: "Callable[[], int] | None" = None,
        sleep_ms: "Callable[[int], None] | None" = None,
        max_payload: int = MAX_PAYLOAD,
        retries: int = RETRIES,
        reply_timeout_ms: int = REPLY_TIMEOUT_MS,
        first_seq: "int | None" = None,
    ) -> None:
        self.transport = transport
        self.ticks_ms = ticks_ms or getattr(transport, "ticks_ms", None) or _port.ticks_ms
        self.sleep_ms = sleep_ms or getattr(transport, "sleep_ms", None) or _port.sleep_ms
        self.own_max_payload = min(max_payload, transport.limit)
        self.max_payload = self.own_max_payload
        self.retries = retries
        self.reply_timeout_ms = reply_timeout_ms
        if first_seq is None:
            # A key keeps its last answer for a repeated request (SPEC 3): a new session
            # starting at a fixed seq could meet the last one's and get a stale answer.
            first_seq = int.from_bytes(os.urandom(2), "little")
        self.seq = (first_seq - 1) & 0xFFFF
        self.key_info: "dict | None" = None
        # figures for the service console and the tests
        self.requests = 0
        self.resent = 0  # tries after the first, over all requests
        self.dropped = 0  # answers dropped: another seq or type, not an answer, undecodable
        self._probation_rate = 0  # a new baud rate not yet proven by an answer

    # -- one request -----------------------------------------------------------

    @property
    def crc_errors(self) -> int:
        return int(self.transport.crc_errors)

    def present(self) -> bool:
        return bool(self.transport.present())

    def request(self, msg_type: int, fields: "dict | bytes | None" = None) -> "tuple[int, dict]":
        """Send a request, wait for its answer: (status, OK payload fields or error detail)."""
        if fields is None:
            payload = b""
        elif isinstance(fields, dict):
            payload = encode_payload(msg_type, False, fields)
        else:
            payload = bytes(fields)
        if len(payload) > self.max_payload:
            raise ValueError(
                "payload of %d bytes over the link's %d" % (len(payload), self.max_payload)
            )
        reply_len = _REPLY_SIZE.get(msg_type, self.max_payload)
        if msg_type == MSG_OBJ_READ and isinstance(fields, dict):
            reply_len = OBJ_READ_HEADER_SIZE + int(fields["max_len"])
        message = self._send(msg_type, payload, reply_len)
        status = message["status"]
        try:
            if status == ST_OK:
                return status, decode_payload(msg_type, True, message["payload"])
            return status, decode_error(message["payload"])
        except CodecError as exc:
            raise LinkError(
                MALFORMED, "answer to type 0x%02x does not decode: %s" % (msg_type, exc)
            )

    def _send(self, msg_type: int, payload: bytes, reply_len: int) -> dict:
        """One request with the next seq; the decoded answer message (header and payload)."""
        self.seq = (self.seq + 1) & 0xFFFF
        self.requests += 1
        body = encode_message(msg_type, self.seq, payload)
        return self._exchange(msg_type, body, HEADER_SIZE + max(reply_len, _ERROR_PAYLOAD))

    def _exchange(self, msg_type: int, body: bytes, reply_len: int) -> dict:
        transport = self.transport
        timeout = self.reply_timeout_ms + transport.transfer_ms(len(body), reply_len)
        tries = 1 + self.retries
        for attempt in range(tries):
            if attempt:
                self.resent += 1
            if self._probation_rate and attempt == 2:
                # SPEC 5.9: two failures at the new rate: both sides go back to 115200
                # (the key after 1 s without a valid frame).
                self._probation_rate = 0
                transport.set_baud(DEFAULT_BAUD)
                self.sleep_ms(BAUD_FALLBACK_MS)
                timeout = self.reply_timeout_ms + transport.transfer_ms(len(body), reply_len)
            if not transport.present():
                raise KeyGone(True, "key removed")
            transport.send(body, attempt == 0)
            start = self.ticks_ms()
            while True:
                reply = transport.receive(start, timeout)
                if reply is None:
                    break
                message = self._match(reply, msg_type)
                if message is not None:
                    self._probation_rate = 0
                    return message
        raise KeyGone(
            transport.lost(),
            "no answer to type 0x%02x after %d tries" % (msg_type, tries),
        )

    def _match(self, reply: bytes, msg_type: int) -> "dict | None":
        """The decoded answer if it answers the request in flight, else None (dropped)."""
        try:
            message = decode_message(reply)
        except CodecError:
            self.dropped += 1
            return None
        if (
            message["seq"] != self.seq
            or message["type"] != msg_type
            or not message["flags"] & FLAG_RESPONSE
        ):
            self.dropped += 1
            return None
        if message["version"] != PROTOCOL_VERSION:
            raise LinkError(
                VERSION,
                "the key speaks protocol version %d" % message["version"],
                ST_UNSUPPORTED_VERSION,
                message["version"],
            )
        return message

    def expect(self, msg_type: int, fields: "dict | bytes | None" = None) -> dict:
        """``request`` that raises LinkError unless the key answers OK."""
        status, answer = self.request(msg_type, fields)
        if status != ST_OK:
            raise _refused(msg_type, status, answer)
        return answer

    # -- session set-up ----------------------------------------------------------

    def hello(self, now: int, peer_id: int, role: int = ROLE_STATION) -> dict:
        """HELLO (SPEC 5.1): returns KEY_INFO and settles the payload size for what follows."""
        info = self.expect(
            MSG_HELLO,
            {"time": now, "role": role, "max_payload": self.own_max_payload, "peer_id": peer_id},
        )
        if info["max_payload"] < _MIN_KEY_PAYLOAD:
            raise LinkError(MALFORMED, "the key takes payloads of %d bytes" % info["max_payload"])
        self.max_payload = min(self.own_max_payload, info["max_payload"])
        self.key_info = info
        return info

    def set_baud(self, rate: int) -> bool:
        """Propose ``rate`` (SPEC 5.9); True when both sides switched. Stream transport only."""
        if not isinstance(self.transport, StreamTransport) or rate == self.transport.baud:
            return False
        status, _ = self.request(MSG_SET_BAUD, {"baud": rate})
        if status != ST_OK:
            return False
        self.transport.set_baud(rate)
        self._probation_rate = rate
        return True

    def pin_proof(self, derived: bytes) -> bytes:
        """PIN_PROOF (SPEC 5.11): the key's proof for ``derived``; LinkError if it refuses."""
        message = self._send(
            MSG_PIN_PROOF,
            encode_payload(MSG_PIN_PROOF, False, {"derived": derived}),
            PIN_PROOF_SIZE,
        )
        status = message["status"]
        try:
            if status == ST_OK:
                return decode_payload(MSG_PIN_PROOF, True, message["payload"])["proof"]
            answer = decode_error(message["payload"])
        except CodecError as exc:
            raise LinkError(MALFORMED, "answer to PIN_PROOF does not decode: %s" % exc)
        raise _refused(MSG_PIN_PROOF, status, answer)

    # -- objects (SPEC 6) --------------------------------------------------------

    def write_object(self, obj: int, data: bytes, resumes: int = 1) -> dict:
        """Write ``data`` as object ``obj`` and commit it; returns the commit's answer.

        Raises LinkError with the key's status when it refuses (STALE, KEY_MISMATCH,
        TOO_LARGE, BATTERY_LOW, ...). A hash mismatch at commit restarts the
        transfer once; an exchange without any answer resumes from ``have`` with a
        new OBJ_BEGIN ``resumes`` times, then raises KeyGone.
        """
        data = bytes(data)
        size = len(data)
        digest = sha256(data).digest()
        chunk = self.max_payload - OBJ_WRITE_HEADER_SIZE
        restarted = False
        stalls = 0
        have = -1  # unknown: OBJ_BEGIN first
        while True:
            try:
                if have < 0:
                    have = self._begin(obj, size, digest)
                if have < size:
                    status, answer = self.request(
                        MSG_OBJ_WRITE,
                        {"obj": obj, "offset": have, "data": data[have : have + chunk]},
                    )
                    if status == ST_OK:
                        now_have = answer["have"]
                    elif status == ST_OUT_OF_ORDER:
                        now_have = answer["detail"]
                    else:
                        raise _refused(MSG_OBJ_WRITE, status, answer)
                else:
                    status, answer = self.request(MSG_OBJ_COMMIT, {"obj": obj, "sha256": digest})
                    if status == ST_OK:
                        return answer
                    if status == ST_BAD_STATE:
                        now_have = answer["detail"]  # the key holds fewer bytes than we thought
                    elif status == ST_HASH_MISMATCH and not restarted:
                        restarted = True
                        have = -1  # the key discarded the transfer: begin afresh
                        continue
                    else:
                        raise _refused(MSG_OBJ_COMMIT, status, answer)
            except KeyGone as gone:
                if gone.removed or resumes <= 0:
                    raise
                resumes -= 1
                have = -1
                continue
            if now_have > size:
                raise LinkError(MALFORMED, "key holds %d of a %d-byte object" % (now_have, size))
            stalls = stalls + 1 if now_have <= have else 0
            if stalls > RETRIES:
                raise LinkError(
                    NO_PROGRESS, "object %d stuck at %d of %d bytes" % (obj, have, size)
                )
            have = now_have

    def _begin(self, obj: int, size: int, digest: bytes) -> int:
        answer = self.expect(MSG_OBJ_BEGIN, {"obj": obj, "size": size, "sha256": digest})
        have = int(answer["have"])
        if have > size:
            raise LinkError(MALFORMED, "OBJ_BEGIN says the key holds %d of %d bytes" % (have, size))
        return have

    def stat_object(self, obj: int) -> "tuple[int, bytes] | None":
        """OBJ_STAT: (size, SHA-256) of object ``obj``, None when the key has none.

        For the audit batch (object 3) this takes the key's snapshot (SPEC 5.5)."""
        status, stat = self.request(MSG_OBJ_STAT, {"obj": obj})
        if status == ST_NOT_FOUND:
            return None
        if status != ST_OK:
            raise _refused(MSG_OBJ_STAT, status, stat)
        return int(stat["size"]), bytes(stat["sha256"])

    def read_range(self, obj: int, offset: int, length: int, resumes: int = 1) -> bytes:
        """``length`` bytes of object ``obj`` from ``offset`` (after ``stat_object``), in
        OBJ_READ chunks; an exchange without any answer is asked again ``resumes`` times."""
        chunk = self.max_payload - OBJ_READ_HEADER_SIZE
        buf = bytearray()
        while len(buf) < length:
            at = offset + len(buf)
            want = min(chunk, length - len(buf))
            try:
                answer = self.expect(MSG_OBJ_READ, {"obj": obj, "max_len": want, "offset": at})
            except KeyGone as gone:
                if gone.removed or resumes <= 0:
                    raise
                resumes -= 1
                continue
            part = answer["data"]
            if answer["offset"] != at or not part or len(part) > want:
                raise LinkError(
                    MALFORMED,
                    "OBJ_READ at %d answered %d bytes at %d" % (at, len(part), answer["offset"]),
                )
            buf.extend(part)
        return bytes(buf)

    def read_object(self, obj: int, max_size: int, resumes: int = 1) -> "bytes | None":
        """Read object ``obj`` whole (None when the key has none), checked against its SHA-256.

        A hash mismatch reads it once more from a fresh OBJ_STAT; an exchange
        without any answer is asked again ``resumes`` times before KeyGone. An
        object too large to hold at once is read in pieces with ``stat_object``
        and ``read_range`` instead (the key session does so for the audit batch).
        """
        for _ in range(2):
            stat = self.stat_object(obj)
            if stat is None:
                return None
            size, digest = stat
            if size > max_size:
                raise LinkError(
                    TOO_LARGE, "object %d has %d bytes, over %d" % (obj, size, max_size)
                )
            data = self.read_range(obj, 0, size, resumes)
            if sha256(data).digest() == digest:
                return data
        raise LinkError(HASH, "object %d does not match its SHA-256 twice" % obj)


def _refused(msg_type: int, status: int, answer: dict) -> LinkError:
    detail = int(answer.get("detail", 0))
    return LinkError(
        STATUS,
        "key refused type 0x%02x: status %d, detail %d" % (msg_type, status, detail),
        status,
        detail,
    )


def stream_link(
    port: "KeyPortPart",
    ticks_ms: "Callable[[], int] | None" = None,
    sleep_ms: "Callable[[int], None] | None" = None,
    **options: "Any",
) -> KeyLink:
    """A KeyLink on the contact key port."""
    return KeyLink(StreamTransport(port, ticks_ms, sleep_ms), **options)


def nfc_link(reader: "NfcPart", **options: "Any") -> KeyLink:
    """A KeyLink on an NFC key reader whose ``find_key`` just found a key."""
    return KeyLink(NfcTransport(reader), **options)
