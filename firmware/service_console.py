"""The station's service console: a technician's requests over the USB serial port (SPEC.md 7).

``ServiceConsole(stream, services)`` reads framed messages (SPEC.md 2, with
firmware.framing) from ``stream``, answers each with one framed response and
never blocks: the station's main loop calls ``poll()`` every turn. Reading
commands need nothing; ``SVC_SET_CLOCK``, ``SVC_CLEAR_OUTBOX``,
``SVC_FACTORY_RESET`` and ``SVC_MAINTENANCE`` need an authority-signed service
token at the start of their payload (firmware.service_token), each token good
for one command on this station.

Answers to what is not a good request (SPEC.md 3 and 10):

- a header version other than 1: ``UNSUPPORTED_VERSION``, detail 1 (in a
  version-1 header with the request's type and seq);
- a type that is not one of the ``SVC_*`` types: ``UNKNOWN_TYPE``, detail = type;
- ``MALFORMED``: detail 6 (offset of the header's length field) when the length
  disagrees with the bytes that follow, 5 when a request carries a status, 4
  when it has the ``ERROR`` flag, else the payload length the type expects;
- a token command with an empty payload (no token at all): ``AUTH_REQUIRED``,
  detail 0; any other length than its layout's: ``MALFORMED``; a refused
  token: ``TOKEN_INVALID`` with the detail of SPEC.md 7 (and nothing changes),
  8 for a token this station has taken before (firmware.service_token.UsedTokens);
- ``SVC_KEY_INFO`` with no key in the station: ``NO_KEY``;
- ``SVC_SELFTEST`` and the token commands while a key session runs (the
  station's ``may_block()`` is False): ``BUSY``, detail 0, and nothing runs.
  Their flash work (a bundle re-hashed, an outbox compacted, a cache
  discarded) must not hold up the keypad or change what the session uses
  (firmware.station's main-loop rule); the reading commands are answered;
- anything the station raises while answering: ``INTERNAL`` (logged).

Messages with the ``RESPONSE`` flag are not requests and get no answer (a
console that answered them could ping-pong with an echoing line). The request
answered last is remembered with its response: the same seq and bytes again
(a technician's retry) get the same response without running the command a
second time. Each response frame starts with an extra ``0x00``, so text the
board printed on the same port before it (the REPL, a log echo) costs the
technician's tool one discarded frame, never the response.

Every executed token command is logged (technician id, what changed) and
recorded as station event ``SERVICE_COMMAND`` (detail: the message type) after
it ran, so a cleared outbox or a factory reset starts the new outbox with its
own trace. A refused token is logged as a warning. Reads are not logged (a
``log --follow`` would otherwise feed itself).

Setting the clock when the station's clock is not set (``STATION_STATUS``
flag bit 2, e.g. after the RTC lost power): the station cannot judge the
token's window by its own time, so it judges it by the time the token
command sets; a technician can then only set a time inside the token's window.

The stream
----------
``stream.read(max_bytes) -> bytes``: what has arrived, at most ``max_bytes``,
``b""`` when nothing has; it never waits. ``stream.write(buf) -> int | None``:
takes all of ``buf`` (it may block briefly) and returns the bytes written, or
None meaning all of them (file objects that return nothing).

On a board ``main.py`` hands in ``hw.usb_serial.UsbSerial()``: the USB serial
is MicroPython's ``sys.stdin``/``sys.stdout``, read through ``select.poll``
one byte at a time (``read(n)`` on stdin would wait for all n), with Ctrl-C
turned off while the station runs, because a frame may hold the byte ``0x03``
(else KeyboardInterrupt in the main loop). ``main.py`` should not echo the
log to stdout (``Log(echo=None)``) while the console is on it; the leading
``0x00`` keeps the protocol working if it does, at the cost of discarded
frames. The emulator hands in a stream over the master side of a PTY (raw
mode, non-blocking reads).

The services
------------
``services`` is the station (firmware/station.py), seen through this
interface (``Services`` below, for mypy):

==========================================  ===========================================
``station_id`` -> int                       this station's id (tokens for it or for 0)
``authority_keys`` -> list[bytes]           authority Ed25519 public keys (32 bytes each)
``log`` -> firmware.log.Log                 the station log: tailed by SVC_LOG_TAIL,
                                            written by the console
``storage`` -> firmware.storage.DirStorage  the flash, where the console keeps the
                                            tokens it has taken (one use each)
``now()`` -> int                            station clock, seconds since 1970 UTC
``status()`` -> dict                        STATION_STATUS fields (SPEC.md 7), names as
                                            in protocol/CODEC_API.md
``cache_info()`` -> dict                    CACHE_INFO fields (BundleCache.info())
``outbox_info()`` -> dict                   OUTBOX_INFO fields (Outbox.info())
``key_info()`` -> dict | None               KEY_INFO (SPEC.md 5.1) of the key in the
                                            station, None when there is none
``audit_read(from_index, max_records)``     (total waiting, first index, encoded outbox
-> (int, int, list[bytes])                  records, consecutive), as Outbox.read()
``selftest()`` -> list[(int, int)]          (check, status) pairs, checks 1-7 of SPEC.md 7
``set_clock(t)``                            set the station clock to t
``clear_outbox(through_index)`` -> int      drop records up to through_index as if the
                                            back office had confirmed them (the
                                            technician exported them); returns how many
``factory_reset()``                         forget bundle, outbox and state, but not the
                                            outbox index (the back office drops repeated
                                            (station, index) pairs); returns (a restart,
                                            if any, after ``poll`` returns)
``enter_maintenance()``                     stop the station after ``poll`` returns and
                                            give the USB port to the REPL (SPEC.md 7);
                                            the answer OK goes out first
``record(key_id, reason, detail)`` -> bool  store a station event (SPEC.md 9.2) at the
                                            station clock; False when it could not
``may_block()`` -> bool                     False while a key session runs (then
                                            SVC_SELFTEST and token commands: BUSY)
==========================================  ===========================================

A method that raises makes the console answer ``INTERNAL`` (detail 0, the
exception's words as text) and log the error. When ``record`` fails (returns
False or raises) after a command ran, that is logged and the command still
answers ``OK``: it did run.
"""

import struct

from firmware import service_token
from firmware.framing import FrameDecoder, encode_frame
from firmware.payloads import encode_payload
from firmware.protocol_constants import (
    FLAG_ERROR,
    FLAG_RESPONSE,
    HEADER_SIZE,
    MAX_ERROR_TEXT,
    MAX_PAYLOAD,
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
    PERM_CLEAR_OUTBOX,
    PERM_FACTORY_RESET,
    PERM_MAINTENANCE,
    PERM_SET_CLOCK,
    PROTOCOL_VERSION,
    REASON_SERVICE_COMMAND,
    SERVICE_TOKEN_SIZE,
    ST_AUTH_REQUIRED,
    ST_BUSY,
    ST_INTERNAL,
    ST_MALFORMED,
    ST_NO_KEY,
    ST_TOKEN_INVALID,
    ST_UNKNOWN_TYPE,
    ST_UNSUPPORTED_VERSION,
    STATION_FLAG_CLOCK_NOT_SET,
)
from firmware.records import decode_outbox_record
from firmware.wire_messages import encode_error, encode_message

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Protocol  # read under TYPE_CHECKING only

    from firmware.log import Log
    from firmware.storage import DirStorage

    class Stream(Protocol):
        def read(self, max_bytes: int) -> bytes: ...

        def write(self, buf: bytes) -> "int | None": ...

    class Services(Protocol):
        @property
        def station_id(self) -> int: ...

        @property
        def authority_keys(self) -> "list[bytes]": ...

        @property
        def log(self) -> "Log": ...

        @property
        def storage(self) -> "DirStorage": ...

        def now(self) -> int: ...

        def status(self) -> dict: ...

        def cache_info(self) -> dict: ...

        def outbox_info(self) -> dict: ...

        def key_info(self) -> "dict | None": ...

        def audit_read(
            self, from_index: int, max_records: int
        ) -> "tuple[int, int, list[bytes]]": ...

        def selftest(self) -> "list[tuple[int, int]]": ...

        def set_clock(self, t: int) -> None: ...

        def clear_outbox(self, through_index: int) -> int: ...

        def factory_reset(self) -> None: ...

        def enter_maintenance(self) -> None: ...

        def record(self, key_id: int, reason: int, detail: int) -> bool: ...

        def may_block(self) -> bool: ...


_HEADER = "<BBHBBH"
_READ_CHUNK = 256
_MAX_STALLS = 50  # writes in a row that take nothing before a response is given up
_AUDIT_READ_HEAD = 12
_MIN_OUTBOX_RECORD = 18  # a station event: u8 kind, u8 length, 16 bytes
_MAX_LOG_TEXT = MAX_PAYLOAD - 8

# type -> (permission bit, payload length)
_TOKEN_COMMANDS = {
    MSG_SVC_SET_CLOCK: (PERM_SET_CLOCK, SERVICE_TOKEN_SIZE + 4),
    MSG_SVC_CLEAR_OUTBOX: (PERM_CLEAR_OUTBOX, SERVICE_TOKEN_SIZE + 4),
    MSG_SVC_FACTORY_RESET: (PERM_FACTORY_RESET, SERVICE_TOKEN_SIZE),
    MSG_SVC_MAINTENANCE: (PERM_MAINTENANCE, SERVICE_TOKEN_SIZE),
}
_NAMES = {
    MSG_SVC_SET_CLOCK: "SVC_SET_CLOCK",
    MSG_SVC_CLEAR_OUTBOX: "SVC_CLEAR_OUTBOX",
    MSG_SVC_FACTORY_RESET: "SVC_FACTORY_RESET",
    MSG_SVC_MAINTENANCE: "SVC_MAINTENANCE",
}


class _Refuse(Exception):
    """Answer the request with an error status (raised inside a handler)."""

    def __init__(self, status: int, detail: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.detail = detail
        self.text = text


def _fit(text: str) -> str:
    """``text`` cut to the 64 UTF-8 bytes an error detail may carry, at a character boundary."""
    while len(text.encode("utf-8")) > MAX_ERROR_TEXT:
        text = text[:-1]
    return text


def _expect(payload: bytes, size: int) -> None:
    if len(payload) != size:
        raise _Refuse(ST_MALFORMED, size, "payload must be %d bytes" % size)


class ServiceConsole:
    """Answers service requests arriving on ``stream`` (see the module docstring).

    Counters: ``requests`` answered (replays included), ``replays`` answered
    from the remembered response, ``ignored`` messages that were no request,
    ``write_errors`` responses the stream would not take; ``crc_errors`` and
    ``overlong`` are the frame decoder's (SPEC.md 2).
    """

    def __init__(self, stream: "Stream", services: "Services", max_read: int = 2048) -> None:
        self._stream = stream
        self._services = services
        self._used_tokens = service_token.UsedTokens(services.storage)
        self._max_read = max_read
        self._decoder = FrameDecoder()
        self._last_request = b""
        self._last_response = b""
        self.requests = 0
        self.replays = 0
        self.ignored = 0
        self.write_errors = 0
        self._handlers: "dict[int, Callable[[int, bytes], bytes]]" = {
            MSG_SVC_STATUS: self._status,
            MSG_SVC_CACHE_INFO: self._cache_info,
            MSG_SVC_OUTBOX_INFO: self._outbox_info,
            MSG_SVC_KEY_INFO: self._key_info,
            MSG_SVC_LOG_TAIL: self._log_tail,
            MSG_SVC_AUDIT_READ: self._audit_read,
            MSG_SVC_SELFTEST: self._selftest,
            MSG_SVC_SET_CLOCK: self._token_command,
            MSG_SVC_CLEAR_OUTBOX: self._token_command,
            MSG_SVC_FACTORY_RESET: self._token_command,
            MSG_SVC_MAINTENANCE: self._token_command,
        }

    @property
    def crc_errors(self) -> int:
        return self._decoder.crc_errors

    @property
    def overlong(self) -> int:
        return self._decoder.overlong

    # -- the main loop's side ---------------------------------------------------

    def poll(self) -> int:
        """Answer every request that has arrived; returns how many. Never waits for input.

        At most ``max_read`` bytes are taken per call, so a flood on the line
        cannot starve the station's main loop."""
        answered = 0
        budget = self._max_read
        while budget > 0:
            data = self._stream.read(min(budget, _READ_CHUNK))
            if not data:
                break
            budget -= len(data)
            for body in self._decoder.feed(data):
                response = self.handle(body)
                if response is not None:
                    self._send(response)
                    answered += 1
        return answered

    def _send(self, body: bytes) -> None:
        frame = b"\x00" + encode_frame(body)
        stalls = 0
        while frame:
            try:
                written = self._stream.write(frame)
            except OSError:
                self.write_errors += 1
                return
            if written is None:
                return
            if written <= 0:
                stalls += 1
                if stalls > _MAX_STALLS:
                    self.write_errors += 1
                    return
                continue
            stalls = 0
            frame = frame[written:]

    # -- one message ------------------------------------------------------------

    def handle(self, body: bytes) -> "bytes | None":
        """The response body for one received message body, or None when it is no request."""
        body = bytes(body)
        if len(body) < HEADER_SIZE:
            self.ignored += 1
            return None
        if body == self._last_request:
            self.replays += 1
            self.requests += 1
            return self._last_response
        response = self._respond(body)
        if response is None:
            self.ignored += 1
            return None
        self.requests += 1
        self._last_request = body
        self._last_response = response
        return response

    def _respond(self, body: bytes) -> "bytes | None":
        version, msg_type, seq, flags, status, length = struct.unpack_from(_HEADER, body, 0)
        if version != PROTOCOL_VERSION:
            return self._error(
                msg_type,
                seq,
                _Refuse(ST_UNSUPPORTED_VERSION, PROTOCOL_VERSION, "supported versions: 1"),
            )
        if flags & FLAG_RESPONSE:
            return None
        payload = body[HEADER_SIZE:]
        try:
            if length != len(payload) or length > MAX_PAYLOAD:
                raise _Refuse(
                    ST_MALFORMED, 6, "header length %d, %d bytes follow" % (length, len(payload))
                )
            if status:
                raise _Refuse(ST_MALFORMED, 5, "a request carries status 0")
            if flags & FLAG_ERROR:
                raise _Refuse(ST_MALFORMED, 4, "a request has no ERROR flag")
            handler = self._handlers.get(msg_type)
            if handler is None:
                raise _Refuse(ST_UNKNOWN_TYPE, msg_type, "unknown type 0x%02x" % msg_type)
            answer = handler(msg_type, payload)
            return encode_message(msg_type, seq, answer, True, 0)
        except _Refuse as refusal:
            return self._error(msg_type, seq, refusal)
        except Exception as exc:  # a station fault must still get an answer
            words = "%s: %s" % (type(exc).__name__, exc)
            self._log().error("service: 0x%02x failed: %s" % (msg_type, words))
            return self._error(msg_type, seq, _Refuse(ST_INTERNAL, 0, words))

    def _error(self, msg_type: int, seq: int, refusal: _Refuse) -> bytes:
        payload = encode_error(refusal.detail, _fit(refusal.text))
        return encode_message(msg_type, seq, payload, True, refusal.status)

    def _clock_not_set(self) -> bool:
        return bool(self._services.status()["flags"] & STATION_FLAG_CLOCK_NOT_SET)

    def _log(self) -> "Log":
        return self._services.log

    # -- reading commands -------------------------------------------------------

    def _status(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 0)
        return encode_payload(msg_type, True, self._services.status())

    def _cache_info(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 0)
        return encode_payload(msg_type, True, self._services.cache_info())

    def _outbox_info(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 0)
        return encode_payload(msg_type, True, self._services.outbox_info())

    def _key_info(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 0)
        info = self._services.key_info()
        if info is None:
            raise _Refuse(ST_NO_KEY, 0, "no key in the station")
        return encode_payload(msg_type, True, info)

    def _log_tail(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 8)
        from_seq, max_bytes = struct.unpack_from("<IH", payload, 0)
        first_seq, next_seq, text = self._log().tail(from_seq, min(max_bytes, _MAX_LOG_TEXT))
        fields = {"first_seq": first_seq, "next_seq": next_seq, "text": text}
        return encode_payload(msg_type, True, fields)

    def _audit_read(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 8)
        from_index, max_records = struct.unpack_from("<IH", payload, 0)
        wanted = min(max_records, (MAX_PAYLOAD - _AUDIT_READ_HEAD) // _MIN_OUTBOX_RECORD)
        total, first_index, records = self._services.audit_read(from_index, wanted)
        parts = []
        used = _AUDIT_READ_HEAD
        for record in records:
            record = bytes(record)
            decode_outbox_record(record)  # nothing malformed goes on the wire
            if used + len(record) > MAX_PAYLOAD:
                break  # the rest are for the next request, from first_index + count
            parts.append(record)
            used += len(record)
        head = struct.pack("<IIHH", total, first_index, len(parts), 0)
        return head + b"".join(parts)

    def _not_during_a_session(self, name: str) -> None:
        if not self._services.may_block():
            raise _Refuse(ST_BUSY, 0, "%s: a key session is running; retry in a second" % name)

    def _selftest(self, msg_type: int, payload: bytes) -> bytes:
        _expect(payload, 0)
        self._not_during_a_session("selftest")
        checks = [{"check": check, "status": status} for check, status in self._services.selftest()]
        return encode_payload(msg_type, True, {"checks": checks})

    # -- token commands ---------------------------------------------------------

    def _token_command(self, msg_type: int, payload: bytes) -> bytes:
        permission, size = _TOKEN_COMMANDS[msg_type]
        name = _NAMES[msg_type]
        if not payload:
            raise _Refuse(ST_AUTH_REQUIRED, 0, "%s needs a service token" % name)
        _expect(payload, size)
        self._not_during_a_session(name)
        services = self._services
        token = payload[:SERVICE_TOKEN_SIZE]
        argument = 0
        if size > SERVICE_TOKEN_SIZE:
            argument = struct.unpack_from("<I", payload, SERVICE_TOKEN_SIZE)[0]
        when = services.now()
        if msg_type == MSG_SVC_SET_CLOCK and self._clock_not_set():
            when = argument
        fields = service_token.decode(token)
        technician = fields["technician_id"] if fields is not None else 0
        detail = service_token.check(
            token, services.authority_keys, services.station_id, when, permission
        )
        if not detail and fields is not None:  # one use per station, stored before it runs
            detail = self._used_tokens.spend(token, fields["not_after"], when)
        if detail:
            words = service_token.reason(detail)
            self._log().warn(
                "service: %s refused, token of technician %d: %s" % (name, technician, words)
            )
            raise _Refuse(ST_TOKEN_INVALID, detail, "token " + words)
        answer = b""
        if msg_type == MSG_SVC_SET_CLOCK:
            before = services.now()
            services.set_clock(argument)
            done = "clock set from %d to %d" % (before, argument)
        elif msg_type == MSG_SVC_CLEAR_OUTBOX:
            removed = services.clear_outbox(argument)
            answer = struct.pack("<I", removed)
            done = "outbox cleared through index %d, %d records removed" % (argument, removed)
        elif msg_type == MSG_SVC_MAINTENANCE:
            services.enter_maintenance()
            done = "maintenance mode entered"
        else:
            services.factory_reset()
            done = "factory reset"
        self._log().info("service: %s by technician %d" % (done, technician))
        try:
            recorded = services.record(0, REASON_SERVICE_COMMAND, msg_type)
        except Exception as exc:  # the command ran; its answer must say so
            recorded = False
            self._log().error("service: %s event failed: %s" % (name, exc))
        if not recorded:
            self._log().error("service: %s not recorded in the outbox" % name)
        return answer
