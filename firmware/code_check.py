"""The staff member's 6-digit code, checked with the key's help against the bundle's verifier,
with a lockout.

Wrong codes are counted per key on flash, so pulling the power does not reset
them. After ``max_failures`` (5) wrong codes in a row the key is refused at this
station for ``lockout_s`` (15 minutes) without the code even being checked; a
right code resets the count. Each wrong code and each lockout is reported
(``report``) so the station can put it in its outbox.

The bundle's verifier is the key's PIN_PROOF answer for the right code (SPEC.md
5.11, 14.1): the station derives PBKDF2 from the typed code
(firmware.pin_secret.derive), the key (``prove``) answers with an HMAC under a
secret only it and the back office hold, and the two must match. So the
station's flash alone cannot test a guess; each guess needs the key and passes
this count. A try is counted on flash *before* the key is asked and taken back
when the code is right, so pulling the key or the power between the key's
answer and the verdict cannot hide a wrong code.

The counter file is small and rewritten atomically: ``SKCC``, u16 count, then
per key ``u32 key_id, u8 failures, 3 reserved, u32 locked_until``, and a CRC-32.
"""

import struct

from firmware.framing import crc32
from firmware.pin_secret import derive
from firmware.protocol_constants import REASON_LOCKED_OUT, REASON_WRONG_CODE

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable  # read under TYPE_CHECKING only

    from firmware.clock import Clock
    from firmware.log import Log
    from firmware.storage import DirStorage

COUNTER_FILE = "codes.bin"
_MAGIC = b"SKCC"
_ENTRY = "<IB3xI"
_ENTRY_SIZE = 12
_STRUCT_ERROR = getattr(struct, "error", ValueError)  # MicroPython raises ValueError itself

OK = 0
WRONG = 1  # value: tries left before the lockout
LOCKED = 2  # value: locked until (already locked, code not checked)
LOCKED_NOW = 3  # value: locked until (this wrong code started the lockout)


def _equal(a: bytes, b: bytes) -> bool:
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0


def is_well_formed(code: str) -> bool:
    return len(code) == 6 and all("0" <= c <= "9" for c in code)


class CodeCheck:
    def __init__(
        self,
        storage: "DirStorage",
        clock: "Clock",
        log: "Log",
        max_failures: int = 5,
        lockout_s: int = 15 * 60,
        report: "Callable[[int, int, int], object] | None" = None,
    ) -> None:
        self._storage = storage
        self._report = report  # (key_id, station reason, detail): into the outbox
        self._clock = clock
        self._log = log
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self._counters = self._load()
        self._asking = 0  # the key whose try is counted on flash while it is being proved

    def _load(self) -> dict[int, list[int]]:
        raw = self._storage.read(COUNTER_FILE)
        if raw is None:
            return {}
        try:
            if raw[:4] != _MAGIC or crc32(raw[:-4]) != struct.unpack("<I", raw[-4:])[0]:
                raise ValueError("checksum")
            count = struct.unpack_from("<H", raw, 4)[0]
            if len(raw) != 6 + count * _ENTRY_SIZE + 4:
                raise ValueError("length")
            counters: dict[int, list[int]] = {}
            for i in range(count):
                key_id, failures, until = struct.unpack_from(_ENTRY, raw, 6 + i * _ENTRY_SIZE)
                counters[key_id] = [failures, until]
            return counters
        except (ValueError, _STRUCT_ERROR):
            self._log.error("code counters damaged; starting from zero")
            return {}

    def _save(self) -> None:
        parts = [_MAGIC, struct.pack("<H", len(self._counters))]
        for key_id in sorted(self._counters):
            failures, until = self._counters[key_id]
            parts.append(struct.pack(_ENTRY, key_id, failures, until))
        body = b"".join(parts)
        self._storage.write(COUNTER_FILE, body + struct.pack("<I", crc32(body)))

    def reset(self) -> None:
        """Forget every count and lockout (factory reset)."""
        self._counters = {}
        self._storage.remove(COUNTER_FILE)

    def locked_until(self, key_id: int) -> int:
        """0, or the time until which the key is refused here."""
        entry = self._counters.get(key_id)
        if entry is None or entry[1] == 0:
            return 0
        if self._clock.now() >= entry[1]:
            # The lockout is over: the key starts again with a clean count.
            del self._counters[key_id]
            self._save()
            return 0
        return entry[1]

    def failures(self, key_id: int) -> int:
        """Wrong codes in a row; a try still waiting for the key's answer is not one yet."""
        entry = self._counters.get(key_id)
        if not entry:
            return 0
        return entry[0] - 1 if key_id == self._asking else entry[0]

    def check(
        self,
        key_id: int,
        code: str,
        salt: bytes,
        verifier: bytes,
        iterations: int,
        prove: "Callable[[bytes], bytes]",
    ) -> tuple[int, int]:
        """(result, value): OK, WRONG with tries left, LOCKED or LOCKED_NOW with the end time.

        ``prove(derived)`` asks the key for its PIN_PROOF answer; whatever it raises
        (the key pulled, a refusal) goes to the caller with the try counted.
        """
        until = self.locked_until(key_id)
        if until:
            return LOCKED, until
        failures = self.failures(key_id) + 1
        self._counters[key_id] = [failures, 0]
        self._save()
        right = False
        if is_well_formed(code):
            self._asking = key_id
            try:
                answer = prove(derive(code, salt, iterations))
            finally:
                self._asking = 0
            right = _equal(bytes(answer), bytes(verifier))
        if right:
            del self._counters[key_id]
            self._save()
            return OK, 0
        if failures >= self.max_failures:
            until = self._clock.now() + self.lockout_s
            self._counters[key_id] = [failures, until]
            self._save()
            self._log.warn(
                "key %d locked out until %d after %d wrong codes" % (key_id, until, failures)
            )
            if self._report is not None:
                self._report(key_id, REASON_LOCKED_OUT, until)
            return LOCKED_NOW, until
        if self._report is not None:
            self._report(key_id, REASON_WRONG_CODE, failures)
        return WRONG, self.max_failures - failures
