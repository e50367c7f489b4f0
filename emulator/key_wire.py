"""The contact key port with a virtual key in it, paced like a real UART.

`KeyWire` is the station's side of the port, with hw.key_port.KeyPort's
interface (`read`, `write`, `flush`, `present`, `set_baud`, `baud`), so the
firmware's key link runs on it unchanged. On the other end sits a
`VirtualKey` behind the framing of SPEC.md 2 (protocol.framing's
`FrameDecoder` and `encode_frame`: the reference, not the firmware's).

Timing (8N1: 10 bits a byte). Time is `ticks_ms()`, injected (a test's fake
clock that the station's `sleep_ms` advances) or real monotonic milliseconds.
A byte the station writes arrives at the key 10/baud seconds after the one
before it (the station's line is busy until all earlier bytes have gone). When
a frame's delimiter arrives, the key executes the request at once; its answer
starts `key.slow_ms` later (or when the key's line is free) and becomes
readable byte by byte at the key's rate. Nothing happens between calls: every
method first brings the line up to `ticks_ms()`.

Rates (SPEC 1.1, 5.9). Each side has its own rate: `baud` (the station's,
changed by `set_baud`) and `key_baud`. When the key answers SET_BAUD with OK,
it switches to the new rate the moment the last byte of that answer has left
it; the station switches when it calls `set_baud` (after reading the answer).
A byte sent at one rate and received at another arrives as a random byte.
While the key is at a new rate that no valid frame has confirmed yet, it falls
back to 115200 after 1 s without one. A key put into the port starts at
115200.

Faults:

- `pull()`: the key is gone at once: `present()` is False, nothing more
  arrives either way, and the key keeps what it had executed (frames whose
  delimiter arrived before the pull); `pull_after_bytes(n)`: the key receives
  n more of the station's bytes and is pulled as the n-th arrives (a request
  that byte completes is executed, its answer lost).
- `key.pull_after_requests(n)`: the key leaves as it executes the n-th request.
- `key.battery == 0`: present (the contacts close) but silent.
- `drop_next_frames(n, direction)`: the next n frames are lost on the line.
  "to_key" (the default): the key never sees the requests (the bytes still take
  their time on the line, the key counts no CRC error), so no answer comes;
  "to_station": the key executes the requests but its answers never arrive.
- `add_noise(data)`: `data` goes on the line in front of the key's next
  answer. Without a 0x00 at its end it lands in the same collection as the
  answer, which the station's receiver then discards: noise costs that answer.
- `flip_bit_in_next_answer()`: one bit of the next answer frame flips (never
  in its delimiter, never turning a byte into 0x00): the station sees a
  CRC error and drops that answer.
- `key.noisy` (0.0-1.0): the chance that each of the station's writes and
  each of the key's answers is preceded by 1-8 random non-zero bytes (which
  cost that frame unless it begins with an extra 0x00).

All public methods hold one lock, so a trainer's thread may pull or insert a
key while the station's thread polls.

Counters: `bytes_to_key`, `bytes_to_station`, `frames_to_key` (intact frames
the key's receiver delivered), `frames_to_station` (answers the key put on
the line), `wire_ms` (line time used, both directions, in ms).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, Literal, ParamSpec, TypeVar

from emulator.virtual_key import VirtualKey
from protocol import constants as k
from protocol.framing import FrameDecoder, encode_frame

__all__ = ["BAUD_FALLBACK_MS", "KeyWire", "byte_ms"]

BITS_PER_BYTE = 10  # 8N1: start bit, 8 data bits, stop bit
BAUD_FALLBACK_MS = 1000  # SPEC 1.1: the key's fall back after 1 s without a valid frame

Direction = Literal["to_key", "to_station"]


def byte_ms(baud: int) -> float:
    """How long one byte takes on the line at `baud`, in milliseconds."""
    return BITS_PER_BYTE * 1000.0 / baud


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(
    method: Callable[Concatenate[KeyWire, _P], _R],
) -> Callable[Concatenate[KeyWire, _P], _R]:
    def run(self: KeyWire, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run


def _monotonic_ms() -> int:
    return int(time.monotonic() * 1000)


@dataclass
class _Segment:
    """Bytes on the line: byte i arrives at `start + (i + 1) * per_byte`, sent at `rate`."""

    start: float
    per_byte: float
    data: bytes
    rate: int
    pos: int = 0

    def arrival(self, index: int) -> float:
        return self.start + (index + 1) * self.per_byte

    def arrived_by(self, t: float) -> int:
        """How many bytes (from the first) have arrived by time `t`."""
        if t < self.arrival(0):
            return 0
        count = math.floor((t - self.start) / self.per_byte + 1e-9)
        return max(0, min(len(self.data), count))

    def first_at_or_after(self, t: float) -> int:
        """Index of the first byte arriving at or after `t`."""
        index = math.ceil((t - self.start) / self.per_byte - 1e-9) - 1
        return max(0, min(len(self.data), index))


class KeyWire:
    """Station side of the contact key port; see the module docstring for the model."""

    def __init__(
        self,
        ticks_ms: Callable[[], int] | None = None,
        baud: int = k.DEFAULT_BAUD,
        seed: int = 0,
        sleep_ms: Callable[[int], None] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._ticks_ms = ticks_ms or _monotonic_ms
        if sleep_ms is None and ticks_ms is None:
            sleep_ms = _real_sleep_ms
        self._sleep_ms = sleep_ms
        self._rng = random.Random(seed)
        self.baud = baud
        self.key: VirtualKey | None = None
        self.key_baud = k.DEFAULT_BAUD
        self.bytes_to_key = 0
        self.bytes_to_station = 0
        self.frames_to_key = 0
        self.frames_to_station = 0
        self.wire_ms = 0.0
        self._to_key: deque[_Segment] = deque()
        self._to_station: deque[_Segment] = deque()
        self._rx = bytearray()
        self._tx_free = 0.0
        self._key_tx_free = 0.0
        self._decoder = FrameDecoder()
        self._key_switch: tuple[float, int] | None = None  # (when, rate) after SET_BAUD OK
        self._fallback_at: float | None = None  # unconfirmed new rate: back to 115200 then
        self._pull_at: float | None = None
        self._pull_after: int | None = None
        self._drop: dict[Direction, int] = {"to_key": 0, "to_station": 0}
        self._noise = bytearray()
        self._flip_next = False

    # --- the key in the port --------------------------------------------------------
    @_locked
    def insert(self, key: VirtualKey) -> None:
        """Put `key` on the contacts (pulling any key already there)."""
        if self.key is not None:
            self.pull()
        now = float(self._ticks_ms())
        self.key = key
        key.connect()
        self.key_baud = k.DEFAULT_BAUD
        self._decoder = FrameDecoder()
        self._key_switch = None
        self._fallback_at = None
        self._key_tx_free = now

    @_locked
    def pull(self) -> None:
        """Take the key out now: in-flight bytes are lost; the key keeps what it executed."""
        self._advance()
        self._disconnect()

    @_locked
    def pull_after_bytes(self, n: int) -> None:
        """Pull the key as the n-th byte the station writes from now arrives at it."""
        if n < 1:
            raise ValueError("n must be at least 1")
        self._pull_after = n

    @_locked
    def drop_next_frames(self, n: int, direction: Direction = "to_key") -> None:
        """Lose the next `n` frames going `direction` (see the module docstring)."""
        if direction not in self._drop:
            raise ValueError(f"direction must be 'to_key' or 'to_station', not {direction!r}")
        self._drop[direction] += n

    @_locked
    def add_noise(self, data: bytes) -> None:
        """Garbage the station reads just before the key's next answer."""
        self._noise += data

    @_locked
    def flip_bit_in_next_answer(self) -> None:
        self._flip_next = True

    # --- hw.key_port.KeyPort's interface -----------------------------------------------
    @_locked
    def present(self) -> bool:
        """True while a key sits on the contacts."""
        self._advance()
        return self.key is not None

    @_locked
    def any(self) -> int:
        """Bytes readable now."""
        self._advance()
        return len(self._rx)

    @_locked
    def read(self, max_bytes: int) -> bytes:
        """What has arrived, at most `max_bytes`; b"" at once if nothing has."""
        self._advance()
        if max_bytes <= 0 or not self._rx:
            return b""
        data = bytes(self._rx[:max_bytes])
        del self._rx[:max_bytes]
        return data

    @_locked
    def write(self, buf: bytes) -> int:
        """Put `buf` on the line towards the key; returns len(buf)."""
        self._advance()
        data = bytes(buf)
        if not data:
            return 0
        now = float(self._ticks_ms())
        per_byte = byte_ms(self.baud)
        garbage = b""
        if self.key is not None and self.key.noisy and self._rng.random() < self.key.noisy:
            garbage = self._garbage()
        line = garbage + data
        start = max(now, self._tx_free)
        self._tx_free = start + len(line) * per_byte
        self.wire_ms += len(line) * per_byte
        if self.key is None:
            return len(data)  # nobody listens: the bytes go nowhere
        if self._pull_after is not None:
            if len(data) >= self._pull_after:
                line = line[: len(garbage) + self._pull_after]
                self._pull_at = start + len(line) * per_byte
                self._pull_after = None
            else:
                self._pull_after -= len(data)
        if self._pull_at is not None and start >= self._pull_at:
            return len(data)  # sent after the pull: lost
        self._to_key.append(_Segment(start, per_byte, line, self.baud))
        return len(data)

    @_locked
    def flush(self) -> None:
        """Wait until everything written has left (with a sleep to wait with), drop unread input."""
        self._advance()
        if self._sleep_ms is not None:
            for _ in range(100):  # a sleep may end a little early; a fake one may not move time
                remaining = self._tx_free - self._ticks_ms()
                if remaining <= 0:
                    break
                self._sleep_ms(max(1, math.ceil(remaining)))
            self._advance()
        self._rx.clear()

    @_locked
    def set_baud(self, rate: int) -> None:
        """Switch the station's side to `rate` (SPEC 1.1's rates); unread input is dropped."""
        if rate not in k.BAUD_RATES:
            raise ValueError(f"baud rate {rate} is not one of {k.BAUD_RATES}")
        self.flush()
        self.baud = rate

    # --- the line ------------------------------------------------------------------
    def _garbage(self) -> bytes:
        return bytes(self._rng.randrange(1, 256) for _ in range(self._rng.randrange(1, 9)))

    def _disconnect(self) -> None:
        if self.key is not None:
            self.key.disconnect()
        self.key = None
        self._to_key.clear()
        self._to_station.clear()
        self._pull_at = None
        self._pull_after = None
        self._key_switch = None
        self._fallback_at = None
        self._decoder = FrameDecoder()

    def _advance(self) -> None:
        now = float(self._ticks_ms())
        target = now
        if self._pull_at is not None:
            target = min(target, self._pull_at)
        pulled_at = self._run_key(target)
        if pulled_at is not None:
            target = min(target, pulled_at)
        self._deliver_to_station(target)
        if self.key is not None and (
            pulled_at is not None or (self._pull_at is not None and now >= self._pull_at)
        ):
            self._disconnect()

    def _next_key_event(self) -> float | None:
        times = [t for t in (self._fallback_at,) if t is not None]
        if self._key_switch is not None:
            times.append(self._key_switch[0])
        return min(times) if times else None

    def _apply_key_event(self) -> None:
        if self._key_switch is not None and (
            self._fallback_at is None or self._key_switch[0] <= self._fallback_at
        ):
            when, rate = self._key_switch
            self._key_switch = None
            self._set_key_rate(rate)
            self._fallback_at = when + BAUD_FALLBACK_MS if rate != k.DEFAULT_BAUD else None
        else:
            self._fallback_at = None
            self._set_key_rate(k.DEFAULT_BAUD)

    def _set_key_rate(self, rate: int) -> None:
        self.key_baud = rate
        self._decoder.reset()

    def _run_key(self, target: float) -> float | None:
        """Feed the key what arrived by `target`; returns the time it left, if it did."""
        while self.key is not None:
            event = self._next_key_event()
            segment = self._to_key[0] if self._to_key else None
            arrived = segment.arrived_by(target) if segment is not None else 0
            if segment is None or segment.pos >= arrived:
                if segment is not None and segment.pos >= len(segment.data):
                    self._to_key.popleft()
                    continue
                if event is not None and event <= target:
                    self._apply_key_event()
                    continue
                return None
            if event is not None and event <= segment.arrival(segment.pos):
                self._apply_key_event()
                continue
            end = arrived
            if event is not None:
                end = min(end, max(segment.pos + 1, segment.first_at_or_after(event)))
            chunk = segment.data[segment.pos : end]
            if segment.rate != self.key_baud:
                chunk = bytes(self._rng.randrange(256) for _ in chunk)
            zero = chunk.find(0)
            if zero >= 0:
                chunk = chunk[: zero + 1]
            first = segment.pos
            segment.pos += len(chunk)
            self.bytes_to_key += len(chunk)
            errors = self._decoder.crc_errors
            bodies = self._decoder.feed(chunk)
            self.key.crc_errors += self._decoder.crc_errors - errors
            when = segment.arrival(first + len(chunk) - 1)
            for body in bodies:
                if self._key_hears(body, when):
                    return when
        return None

    def _key_hears(self, body: bytes, when: float) -> bool:
        """The key executes one request arriving at `when`; True if it left the port doing so."""
        key = self.key
        assert key is not None
        if self._drop["to_key"] > 0:
            self._drop["to_key"] -= 1
            return False
        self.frames_to_key += 1
        if self._fallback_at is not None:
            self._fallback_at = None  # a valid frame at the new rate confirms it
        response = key.answer(body)
        rate = key.take_baud_change()
        if key.pulled:
            return True
        if response is None:
            return False  # dead battery: silence
        per_byte = byte_ms(self.key_baud)
        start = max(when + key.slow_ms, self._key_tx_free)
        frame = encode_frame(response)
        if self._flip_next:
            self._flip_next = False
            frame = self._flip_bit(frame)
        prefix = bytes(self._noise)
        self._noise.clear()
        if key.noisy and self._rng.random() < key.noisy:
            prefix += self._garbage()
        if self._drop["to_station"] > 0:
            self._drop["to_station"] -= 1
            frame = b""
        else:
            self.frames_to_station += 1
        line = prefix + frame
        if line:
            self._to_station.append(_Segment(start, per_byte, line, self.key_baud))
            self.wire_ms += len(line) * per_byte
        self._key_tx_free = start + len(line) * per_byte
        if rate is not None:
            self._key_switch = (self._key_tx_free, rate)
        return False

    def _flip_bit(self, frame: bytes) -> bytes:
        flipped = bytearray(frame)
        while True:
            index = self._rng.randrange(len(frame) - 1)  # never the delimiter
            value = flipped[index] ^ (1 << self._rng.randrange(8))
            if value:
                flipped[index] = value
                return bytes(flipped)

    def _deliver_to_station(self, target: float) -> None:
        while self._to_station:
            segment = self._to_station[0]
            arrived = segment.arrived_by(target)
            if arrived > segment.pos:
                chunk = segment.data[segment.pos : arrived]
                if segment.rate != self.baud:
                    chunk = bytes(self._rng.randrange(256) for _ in chunk)
                self._rx += chunk
                self.bytes_to_station += len(chunk)
                segment.pos = arrived
            if segment.pos < len(segment.data):
                return
            self._to_station.popleft()


def _real_sleep_ms(ms: int) -> None:
    time.sleep(ms / 1000)
