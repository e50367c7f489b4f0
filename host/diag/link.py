"""The technician's framed link to a station console or a USB key reader (SPEC.md 1.3, 2, 3).

``Link.request(type, payload)`` sends one request and returns the device's
response, following the requester's rules:

- frames are COBS + CRC-32 with the reference ``protocol.framing``; a retry
  resends the same bytes (the same ``seq``) after an extra ``0x00``, so noise
  the device may still be collecting cannot swallow it;
- ``seq`` starts at a random value per link (a restarted tool is then not
  answered from the station's memory of an earlier request) and grows by one
  per new request;
- each try waits 250 ms plus the time the request and the largest answer
  take on the line at the port's baud rate (``timeout`` replaces the 250 ms),
  and a request is tried ``1 + retries`` times (3 retries by default);
- a response is taken only when it has the ``RESPONSE`` flag and the request's
  type and seq; other responses (late answers to an earlier try) are dropped
  and counted; messages without the flag are our own request coming back
  from an echoing line or a loopback, and are counted too;
- an answer in another protocol version, or status ``UNSUPPORTED_VERSION``,
  raises ``VersionMismatch`` ("update needed", and which side).

``counters`` keep what happened on the line (requests, retries, timeouts,
CRC errors, late answers, echoes), for the technician to see.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import serial

from host.diag.errors import EXIT_NO_ANSWER, DiagError, NoAnswer, PortError, VersionMismatch
from protocol import constants as k
from protocol.constants import Status
from protocol.errors import ProtocolError
from protocol.framing import FrameDecoder, encode_frame
from protocol.messages import decode_error, decode_message, decode_payload, encode_message

BASE_WAIT = 0.25  # SPEC.md 1.3: 250 ms plus the transmission time
RETRIES = 3
BITS_PER_BYTE = 10  # 8N1
_LARGEST_ANSWER = k.MAX_ENCODED_FRAME + 2  # a leading 0x00, the block, the delimiter


class Port(Protocol):
    """What the link needs of a pyserial port (``serial.SerialBase``); ``in_waiting`` is used
    when the port has it."""

    def read(self, size: int = 1, /) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...


@dataclass
class Counters:
    requests: int = 0
    retries: int = 0
    timeouts: int = 0
    crc_errors: int = 0
    overlong: int = 0
    stale: int = 0  # responses with another seq or type: late answers to an earlier try
    echoes: int = 0  # messages without the RESPONSE flag: our own requests coming back
    undecodable: int = 0  # intact frames whose header is broken
    bytes_out: int = 0
    bytes_in: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def troubled(self) -> bool:
        """Something went wrong on the line that the technician should hear about."""
        return bool(self.retries or self.crc_errors or self.overlong or self.stale)


@dataclass(frozen=True)
class Reply:
    """One response: its header fields and the payload bytes."""

    msg_type: int
    seq: int
    version: int
    status: int
    payload: bytes

    @property
    def ok(self) -> bool:
        return self.status == Status.OK

    def fields(self) -> dict[str, Any]:
        """The payload decoded with the reference codec; DiagError when it breaks SPEC.md."""
        try:
            return decode_payload(self.msg_type, True, self.payload)
        except ProtocolError as err:
            raise DiagError("link.bad_answer", field=err.field, reason=err.message) from None

    def error(self) -> tuple[int, str]:
        """(detail, text) of an error response (SPEC.md 3); a broken detail reads as (0, "")."""
        try:
            detail = decode_error(self.payload)
        except ProtocolError:
            return 0, ""
        return int(detail["detail"]), str(detail["text"])


class Link:
    def __init__(
        self,
        port: Port,
        name: str,
        *,
        timeout: float | None = None,
        retries: int = RETRIES,
        baud: int = 115200,
        seq: int | None = None,
        on_retry: Callable[[int, int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.port = port
        self.name = name
        self.base_wait = BASE_WAIT if timeout is None else timeout
        self.retries = retries
        self.baud = baud
        self.on_retry = on_retry
        self._clock = clock
        self._seq = random.randrange(0x10000) if seq is None else seq & 0xFFFF
        self._decoder = FrameDecoder()
        self._bodies: deque[bytes] = deque()
        self.counters = Counters()
        self.last_version = k.PROTOCOL_VERSION

    def wait_for(self, frame_size: int) -> float:
        """Seconds one try waits: the base wait and the line time of request and answer."""
        return self.base_wait + (frame_size + _LARGEST_ANSWER) * BITS_PER_BYTE / self.baud

    def request(self, msg_type: int, payload: bytes = b"") -> Reply:
        """Send one request, retrying as SPEC.md 1.3 says, and return its response."""
        self._seq = (self._seq + 1) & 0xFFFF
        seq = self._seq
        body = encode_message(msg_type, seq, payload)
        frame = encode_frame(body)
        self.counters.requests += 1
        crc_before = self.counters.crc_errors
        echoes_before = self.counters.echoes
        wait = self.wait_for(len(frame) + 1)
        tries = self.retries + 1
        for attempt in range(tries):
            if attempt:
                self.counters.retries += 1
                if self.on_retry is not None:
                    self.on_retry(attempt, self.retries)
            self._write(frame if attempt == 0 else b"\x00" + frame)
            reply = self._await(msg_type, seq, self._clock() + wait)
            if reply is not None:
                return reply
            self.counters.timeouts += 1
        values = {"port": self.name, "tries": tries, "retries": self.retries}
        if self.counters.echoes > echoes_before:
            raise NoAnswer("link.no_answer_echo", **values)
        crc_errors = self.counters.crc_errors - crc_before
        if crc_errors:
            raise NoAnswer("link.no_answer_noise", crc_errors=crc_errors, **values)
        raise NoAnswer("link.no_answer", timeout=f"{wait:.2f}", **values)

    # -- the line ---------------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except (serial.SerialException, OSError) as err:
            raise PortError("port.lost", EXIT_NO_ANSWER, port=self.name, reason=err) from None
        self.counters.bytes_out += len(data)

    def _read(self) -> bytes:
        try:
            waiting = int(getattr(self.port, "in_waiting", 0))
            data = self.port.read(max(1, waiting))
        except (serial.SerialException, OSError) as err:
            raise PortError("port.lost", EXIT_NO_ANSWER, port=self.name, reason=err) from None
        self.counters.bytes_in += len(data)
        return data

    def _await(self, msg_type: int, seq: int, deadline: float) -> Reply | None:
        while True:
            while self._bodies:
                reply = self._match(self._bodies.popleft(), msg_type, seq)
                if reply is not None:
                    return reply
            if self._clock() >= deadline:
                return None
            data = self._read()
            if data:
                self._bodies.extend(self._decoder.feed(data))
                self.counters.crc_errors = self._decoder.crc_errors
                self.counters.overlong = self._decoder.overlong

    def _match(self, body: bytes, msg_type: int, seq: int) -> Reply | None:
        try:
            message = decode_message(body)
        except ProtocolError:
            self.counters.undecodable += 1
            return None
        if not message["flags"] & k.FLAG_RESPONSE:
            self.counters.echoes += 1
            return None
        if message["seq"] != seq or message["type"] != msg_type:
            self.counters.stale += 1
            return None
        reply = Reply(msg_type, seq, message["version"], message["status"], message["payload"])
        if reply.status == Status.UNSUPPORTED_VERSION or reply.version != k.PROTOCOL_VERSION:
            theirs = reply.version
            if reply.status == Status.UNSUPPORTED_VERSION:
                theirs = reply.error()[0] or reply.version
            self.last_version = theirs
            key = "link.update_tool" if theirs > k.PROTOCOL_VERSION else "link.update_device"
            raise VersionMismatch(key, ours=k.PROTOCOL_VERSION, theirs=theirs)
        return reply
