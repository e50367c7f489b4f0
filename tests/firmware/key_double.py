"""A synk key, its contact port and NFC reader, and the station's keypad, display and indicator, as
test doubles that run under MicroPython as well as CPython (written with the firmware's codec
modules: firmware.records, firmware.record_encoders, firmware.payloads, firmware.wire_messages).

``KeyDouble`` answers the key side of protocol/SPEC.md 3, 5 and 6: HELLO, CHALLENGE, SET_BAUD,
PIN_PROOF (after this session's CHALLENGE, else BAD_STATE; with ``pin_secret(key_id)``),
OBJ_BEGIN/WRITE/COMMIT (permission set into the inactive slot, switched only at a good commit;
blocklist only if newer), OBJ_STAT/OBJ_READ (audit snapshot, active set, blocklist), AUDIT_ACK,
AUDIT_APPEND and DIAG; ``BAD_STATE`` before HELLO; the same answer again, without executing twice,
for a repeated request (same seq and bytes).

Signing CHALLENGE answers: the firmware only verifies Ed25519, and MicroPython has no
``cryptography``, so the double signs with ``sign`` below, a plain RFC 8032 (5.1.6) signer built
on the point arithmetic of firmware/ed25519.py and firmware/sha512.py. It is test-only code: slow,
not constant-time, never shipped to a station. tests/firmware/test_key_session_cpython.py checks
its signatures byte for byte against ``cryptography``. A key's seed is the one tests/factories.py
gives it (``key_seed``), so its public key is the one in the fixture bundles.

``KeyPortDouble`` (hw.key_port.KeyPort's five methods) and ``NfcReaderDouble``
(hw.nfc_reader.NfcKeyReader's) carry requests to the double at once and let a test lose frames,
add noise, or pull the key when a given request arrives (before or after the key executed it).
"""

import struct
from hashlib import sha256

from firmware import ed25519
from firmware import pin_secret as pin
from firmware.framing import FrameDecoder, encode_frame
from firmware.hmac_sha256 import hmac_sha256
from firmware.payloads import decode_payload, encode_payload
from firmware.protocol_constants import (
    AUTH_CONTEXT,
    DEFAULT_BAUD,
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
    OBJ_AUDIT,
    OBJ_BLOCKLIST,
    OBJ_PERMSET,
    ST_BAD_STATE,
    ST_BATTERY_LOW,
    ST_HASH_MISMATCH,
    ST_KEY_MISMATCH,
    ST_MALFORMED,
    ST_NOT_FOUND,
    ST_OK,
    ST_OUT_OF_ORDER,
    ST_STALE,
    ST_STORAGE_FULL,
    ST_TOO_LARGE,
    ST_UNKNOWN_TYPE,
    ST_UNSUPPORTED,
    ST_UNSUPPORTED_VERSION,
)
from firmware.record_encoders import encode_record
from firmware.records import decode_record
from firmware.wire_fields import CodecError
from firmware.wire_messages import decode_message, encode_error, encode_message
from hw._port import TICKS_PERIOD, period_add, period_diff
from hw.nfc_reader import MAX_MESSAGE, NfcError

# --- Ed25519 signing for tests (RFC 8032 5.1.5, 5.1.6) ---------------------------------

_P = ed25519._P
_L = ed25519._L
_B = [ed25519._BX, ed25519._BY, 1, ed25519._BX * ed25519._BY % ed25519._P]
_B_NIELS = ed25519._niels(_B)
_publics = {}


def _times_b(k):
    """[k]B by double-and-add with firmware.ed25519's complete formulas."""
    acc = [0, 1, 1, 0]
    for i in range(255, -1, -1):
        acc = ed25519._double(acc)
        if (k >> i) & 1:
            acc = ed25519._add(acc, _B_NIELS)
    return acc


def _encode(point):
    zinv = pow(point[2], _P - 2, _P)
    x = point[0] * zinv % _P
    y = point[1] * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _expand(seed):
    h = ed25519.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed):
    if seed not in _publics:
        _publics[seed] = _encode(_times_b(_expand(seed)[0]))
    return _publics[seed]


def sign(seed, message):
    a, prefix = _expand(seed)
    r = int.from_bytes(ed25519.sha512(prefix + message).digest(), "little") % _L
    big_r = _encode(_times_b(r))
    k = int.from_bytes(ed25519.sha512(big_r + public_key(seed) + message).digest(), "little")
    s = (r + k % _L * a) % _L
    return big_r + s.to_bytes(32, "little")


def key_seed(key_id):
    """The seed tests/factories.py gives key ``key_id`` (Signer("key <id>"))."""
    return sha256(b"key %d" % key_id).digest()


def pin_secret(key_id):
    """The pin_secret tests/factories.py gives key ``key_id`` (its bundles' verifiers use it)."""
    return sha256(b"pin secret %d" % key_id).digest()


def lock_secret(lock_id):
    return sha256(b"lock %d" % lock_id).digest()


def audit_event(lock_id, key_id, time, lock_seq, outcome=0):
    """An audit event dict (SPEC 8.3) MACed with ``lock_secret(lock_id)``."""
    head = struct.pack("<BBHIIII", 1, outcome, 0, lock_id, key_id, time, lock_seq)
    return {
        "format": 1,
        "outcome": outcome,
        "lock_id": lock_id,
        "key_id": key_id,
        "time": time,
        "lock_seq": lock_seq,
        "mac": hmac_sha256(lock_secret(lock_id), head)[:16],
    }


# --- the key -------------------------------------------------------------------------

_SET_CAPACITY = 132 + 4 * 1024
_BLOCKLIST_CAPACITY = 88 + 4 * 4096
_RATES = (115200, 230400, 460800, 921600)


class _AuditSnapshot:
    """An audit batch (SPEC 8.3) of the key's events that is never joined into one buffer:
    a key at its full audit capacity must not need a block of 36 KiB on the tests' heap
    (tests/firmware/board_heap_sync.py syncs one at a board-like heap). Supports len(),
    slicing and sha256()'s bytes through ``digest``."""

    def __init__(self, key_id, events, next_seq):
        # Events are dicts or, for a lock this station does not know, raw bytes.
        self.events = [
            e if isinstance(e, bytes) else encode_record("audit_event", e) for _, e in events
        ]
        first = events[0][0] if events else next_seq
        self.head = b"SKAB" + struct.pack("<BBHII", 1, 0, len(self.events), key_id, first)
        self.size = len(self.head) + sum(len(e) for e in self.events)
        hasher = sha256(self.head)
        for e in self.events:
            hasher.update(e)
        self.digest = hasher.digest()

    def __len__(self):
        return self.size

    def __getitem__(self, span):
        start, stop = span.start or 0, min(span.stop, self.size)
        out = bytearray()
        if start < len(self.head):
            out.extend(self.head[start:stop])
        pos = len(self.head)
        for e in self.events:
            if pos >= stop:
                break
            end = pos + len(e)
            if end > start:
                out.extend(e[max(0, start - pos) : stop - pos])
            pos = end
        return bytes(out)


class KeyDouble:
    def __init__(
        self,
        key_id,
        seed=None,
        max_payload=512,
        audit_capacity=1000,
        battery_low=False,
        firmware=0x0102,
    ):
        self.key_id = key_id
        self.seed = seed if seed is not None else key_seed(key_id)
        self.pin_secret = pin_secret(key_id)
        self.challenged = False  # this session's CHALLENGE answered: PIN_PROOF allowed
        self.proofs = []  # the derived codes PIN_PROOF was asked for, in order
        self.public = public_key(self.seed)
        self.max_payload = max_payload
        self.audit_capacity = audit_capacity
        self.battery_low = battery_low
        self.firmware = firmware
        self.slots = [None, None]
        self.slot_state = [0, 0]
        self.active = 0xFF
        self.blocklist = None
        self.blocklist_version = 0
        self.events = []  # (key seq, event dict or its 36 bytes), oldest first
        self.next_seq = 1
        self.greeted = None  # (role, peer_id) of the last HELLO
        self.transfers = {}  # obj -> [size, sha256, bytearray, have]
        self.snapshot = None
        self.last = None  # (request body, answer) of the last request answered
        self.executed = []  # message types executed (a replay is not executed)
        self.pending_baud = 0  # SET_BAUD answered: the port switches after the answer left
        self.last_error = 0

    # -- for tests -------------------------------------------------------------

    def add_events(self, count, lock_id=100, time=1795000000, first_lock_seq=1):
        for i in range(count):
            self.append_event(audit_event(lock_id, self.key_id, time + i, first_lock_seq + i))

    def append_event(self, event):
        if len(self.events) >= self.audit_capacity:
            return False
        self.events.append((self.next_seq, event))
        self.next_seq += 1
        return True

    def active_set(self):
        return None if self.active == 0xFF else self.slots[self.active]

    def active_set_fields(self):
        data = self.active_set()
        return None if data is None else decode_record("permission_set", data)

    def seqs(self):
        return [seq for seq, _ in self.events]

    # -- the protocol ----------------------------------------------------------

    def handle(self, body):
        """One request message in, its answer out (None: nothing to answer, e.g. a response)."""
        try:
            msg = decode_message(body)
        except CodecError:
            return None
        if msg["flags"] & 1:
            return None
        if msg["version"] != 1:
            return self._answer(msg, ST_UNSUPPORTED_VERSION, encode_error(1, "1"))
        if self.last is not None and self.last[0] == bytes(body):
            return self.last[1]
        status, payload = self._execute(msg)
        answer = self._answer(msg, status, payload)
        self.last = (bytes(body), answer)
        self.last_error = status
        return answer

    def _answer(self, msg, status, payload):
        return encode_message(msg["type"], msg["seq"], payload, True, status)

    def _execute(self, msg):
        msg_type = msg["type"]
        handler = {
            MSG_HELLO: self._hello,
            MSG_CHALLENGE: self._challenge,
            MSG_SET_BAUD: self._set_baud,
            MSG_PIN_PROOF: self._pin_proof,
            MSG_OBJ_BEGIN: self._begin,
            MSG_OBJ_WRITE: self._write,
            MSG_OBJ_COMMIT: self._commit,
            MSG_OBJ_STAT: self._stat,
            MSG_OBJ_READ: self._read,
            MSG_AUDIT_ACK: self._ack,
            MSG_AUDIT_APPEND: self._append,
            MSG_DIAG: self._diag,
        }.get(msg_type)
        if handler is None:
            return ST_UNKNOWN_TYPE, encode_error(msg_type)
        if len(msg["payload"]) > self.max_payload:
            return ST_TOO_LARGE, encode_error(self.max_payload)
        if msg_type != MSG_HELLO and self.greeted is None:
            return ST_BAD_STATE, encode_error(0, "HELLO first")
        try:
            fields = decode_payload(msg_type, False, msg["payload"])
        except CodecError:
            return ST_MALFORMED, encode_error(0)
        self.executed.append(msg_type)
        status, answer = handler(fields)
        if status != ST_OK:
            return status, encode_error(answer)
        return ST_OK, encode_payload(msg_type, True, answer)

    def _hello(self, f):
        self.greeted = (f["role"], f["peer_id"])
        self.challenged = False
        active = self.active_set_fields()
        return ST_OK, {
            "key_id": self.key_id,
            "firmware": self.firmware,
            "max_payload": self.max_payload,
            "active_slot": self.active,
            "slot_a": self.slot_state[0],
            "slot_b": self.slot_state[1],
            "battery": 10 if self.battery_low else 90,
            "set_serial": active["serial"] if active else 0,
            "valid_from": active["valid_from"] if active else 0,
            "valid_until": active["valid_until"] if active else 0,
            "lock_count": len(active["lock_ids"]) if active else 0,
            "audit_count": len(self.events),
            "audit_capacity": self.audit_capacity,
            "last_error": self.last_error,
            "flags": 1 if self.battery_low else 0,
            "blocklist_version": self.blocklist_version,
            "audit_next_seq": self.next_seq,
        }

    def _challenge(self, f):
        role, peer_id = self.greeted
        signed = AUTH_CONTEXT + f["nonce"] + struct.pack("<BII", role, peer_id, self.key_id)
        self.challenged = True
        return ST_OK, {"signature": self._sign(signed)}

    def _sign(self, message):
        return sign(self.seed, message)

    def _pin_proof(self, f):
        if not self.challenged:
            return ST_BAD_STATE, 0
        self.proofs.append(f["derived"])
        return ST_OK, {"proof": pin.proof(self.pin_secret, f["derived"])}

    def _set_baud(self, f):
        if f["baud"] not in _RATES:
            return ST_UNSUPPORTED, _RATES[-1]
        self.pending_baud = f["baud"]
        return ST_OK, {}

    def _inactive(self):
        return 0 if self.active == 1 or self.active == 0xFF else 1

    def _begin(self, f):
        obj = f["obj"]
        if obj not in (OBJ_PERMSET, OBJ_BLOCKLIST):
            return ST_BAD_STATE, 0
        if self.battery_low:
            return ST_BATTERY_LOW, 0
        capacity = _SET_CAPACITY if obj == OBJ_PERMSET else _BLOCKLIST_CAPACITY
        if f["size"] > capacity:
            return ST_TOO_LARGE, capacity
        held = self.transfers.get(obj)
        if held is not None and held[0] == f["size"] and held[1] == f["sha256"]:
            return ST_OK, {"have": held[3]}
        self.transfers[obj] = [f["size"], f["sha256"], bytearray(f["size"]), 0]
        if obj == OBJ_PERMSET:
            slot = self._inactive()
            self.slots[slot] = None
            self.slot_state[slot] = 2
        return ST_OK, {"have": 0}

    def _write(self, f):
        held = self.transfers.get(f["obj"])
        if held is None:
            return ST_BAD_STATE, 0
        offset = f["offset"]
        data = f["data"]
        if offset > held[3]:
            return ST_OUT_OF_ORDER, held[3]
        if offset + len(data) > held[0]:
            return ST_TOO_LARGE, held[0]
        held[2][offset : offset + len(data)] = data
        held[3] = max(held[3], offset + len(data))
        return ST_OK, {"have": held[3]}

    def _commit(self, f):
        obj = f["obj"]
        held = self.transfers.get(obj)
        if held is None:
            return ST_BAD_STATE, 0
        if held[3] < held[0]:
            return ST_BAD_STATE, held[3]
        data = bytes(held[2])
        if sha256(data).digest() != held[1] or f["sha256"] != held[1]:
            del self.transfers[obj]
            return ST_HASH_MISMATCH, 0
        if obj == OBJ_PERMSET:
            try:
                fields = decode_record("permission_set", data)
            except CodecError:
                return ST_MALFORMED, 0
            if fields["key_id"] != self.key_id or fields["key_public"] != self.public:
                return ST_KEY_MISMATCH, fields["key_id"]
            slot = self._inactive()
            self.slots[slot] = data
            self.slot_state[slot] = 1
            self.active = slot
            del self.transfers[obj]
            return ST_OK, {"active_slot": slot}
        try:
            fields = decode_record("blocklist", data)
        except CodecError:
            return ST_MALFORMED, 0
        del self.transfers[obj]
        if fields["version"] <= self.blocklist_version:
            return ST_STALE, self.blocklist_version
        self.blocklist = data
        self.blocklist_version = fields["version"]
        return ST_OK, {}

    def _object(self, obj, fresh):
        if obj == OBJ_AUDIT:
            if fresh or self.snapshot is None:
                # Events are dicts or, for a lock this station does not know, raw bytes.
                self.snapshot = _AuditSnapshot(self.key_id, self.events, self.next_seq)
            return self.snapshot
        if obj == OBJ_PERMSET:
            return self.active_set()
        if obj == OBJ_BLOCKLIST:
            return self.blocklist
        return None

    def _stat(self, f):
        data = self._object(f["obj"], True)
        if data is None:
            return ST_NOT_FOUND, 0
        digest = data.digest if isinstance(data, _AuditSnapshot) else sha256(data).digest()
        return ST_OK, {"size": len(data), "sha256": digest}

    def _read(self, f):
        data = self._object(f["obj"], False)
        if data is None:
            return ST_NOT_FOUND, 0
        offset = f["offset"]
        if offset > len(data):
            return ST_OUT_OF_ORDER, len(data)
        n = min(f["max_len"], self.max_payload - 4)
        return ST_OK, {"offset": offset, "data": data[offset : offset + n]}

    def _ack(self, f):
        self.events = [(seq, e) for seq, e in self.events if seq > f["through_seq"]]
        self.snapshot = None
        return ST_OK, {"remaining": len(self.events)}

    def _append(self, f):
        if not self.append_event(f["event"]):
            return ST_STORAGE_FULL, 0
        return ST_OK, {"count": len(self.events)}

    def _diag(self, f):
        return ST_OK, {
            "uptime_s": 1,
            "write_cycles": 0,
            "battery_mv": 3000,
            "temperature_c": 20,
            "last_error": self.last_error,
            "crc_errors": 0,
        }


# --- faults shared by the port and the reader ---------------------------------------


class _Faults:
    """Lost frames and pulled keys, decided per request reaching the key."""

    def _init_faults(self, key):
        self.key = key
        self.inserted = True
        self.drop_requests = 0  # the next N requests vanish on the way to the key
        self.drop_responses = 0  # the next N answers vanish on the way back
        self.seen = []  # message type of every request that reached the key
        self._pulls = []  # [msg_type, nth, executed]

    def pull_at(self, msg_type, nth=1, executed=False):
        """Pull the key when its ``nth`` request of ``msg_type`` arrives, before the key executes
        it, or (``executed``) after it did but before the answer leaves."""
        self._pulls.append([msg_type, nth, executed])

    def _carry(self, body):
        """The key's answer to ``body`` as it arrives back, or None (lost, or key gone)."""
        if not self.inserted:
            return None
        if self.drop_requests:
            self.drop_requests -= 1
            return None
        msg_type = body[1] if len(body) > 1 else -1
        self.seen.append(msg_type)
        nth = self.seen.count(msg_type)
        pull = None
        for p in self._pulls:
            if p[0] == msg_type and p[1] == nth:
                pull = p
        if pull is not None and not pull[2]:
            self.inserted = False
            return None
        answer = self.key.handle(body)
        if pull is not None:
            self.inserted = False
            return None
        if answer is None:
            return None
        if self.drop_responses:
            self.drop_responses -= 1
            return None
        return answer


class KeyPortDouble(_Faults):
    """hw.key_port.KeyPort over a KeyDouble: ``read``, ``write``, ``flush``, ``present``,
    ``set_baud``. ``clock`` (a Ticks: its ``now``) lets the key fall back to 115200 after 1 s
    without a valid frame (SPEC 1.1). ``noise`` is put on the line before the next answer."""

    def __init__(self, key, clock=None):
        self._init_faults(key)
        self.clock = clock
        self.baud = DEFAULT_BAUD
        self.key_baud = DEFAULT_BAUD
        self.noise = b""
        self.garbled = 0  # frames the key could not read (rates differ)
        self.sent_bytes = 0
        self.received_bytes = 0
        self._decoder = FrameDecoder()
        self._rx = bytearray()
        self._last_valid = 0

    def present(self) -> bool:
        return self.inserted

    def write(self, buf: bytes) -> int:
        self.sent_bytes += len(buf)
        if not self.inserted:
            return len(buf)
        for body in self._decoder.feed(buf):
            self._frame(body)
        return len(buf)

    def _frame(self, body):
        now = self.clock.now if self.clock is not None else 0  # the key's time: no wrap
        if self.key_baud != DEFAULT_BAUD and now - self._last_valid >= 1000:
            self.key_baud = DEFAULT_BAUD
        if self.baud != self.key_baud:
            self.garbled += 1
            return
        self._last_valid = now
        answer = self._carry(body)
        if answer is None:
            return
        self._rx.extend(self.noise + encode_frame(answer))
        self.noise = b""
        if self.key.pending_baud:
            self.key_baud = self.key.pending_baud
            self.key.pending_baud = 0

    def read(self, max_bytes: int) -> bytes:
        data = bytes(self._rx[:max_bytes])
        self._rx = self._rx[max_bytes:]
        self.received_bytes += len(data)
        return data

    def flush(self) -> None:
        self._rx = bytearray()

    def set_baud(self, rate: int) -> None:
        self.baud = rate
        self._rx = bytearray()


class NfcReaderDouble(_Faults):
    """hw.nfc_reader.NfcKeyReader over a KeyDouble: a lost frame or a pulled key is an NfcError."""

    def __init__(self, key):
        self._init_faults(key)
        self.target = None
        self.largest = 0  # the longest message carried, either way

    def find_key(self) -> bool:
        self.target = "key" if self.inserted else None
        return self.target is not None

    def exchange(self, message: bytes) -> bytes:
        if not 0 < len(message) <= MAX_MESSAGE:
            raise ValueError("an NFC message is 1..%d bytes, not %d" % (MAX_MESSAGE, len(message)))
        if self.target is None:
            raise NfcError("no key selected")
        self.largest = max(self.largest, len(message))
        answer = self._carry(bytes(message))
        if answer is None:
            raise NfcError("NFC exchange failed: timeout", None, 0x01)
        if len(answer) > MAX_MESSAGE:
            raise NfcError("answer over %d bytes" % MAX_MESSAGE, b"\x67\x00")
        self.largest = max(self.largest, len(answer))
        return answer

    def release(self) -> None:
        self.target = None


# --- the station's other parts --------------------------------------------------------


class Ticks:
    """Millisecond ticks that move only when someone sleeps: a ticks source (hw._port).

    ``now`` counts on; ``ticks_ms()`` wraps it at ``period`` as a board does
    (2**30 unless a test wants several wraps soon), ``ticks_add``/``ticks_diff``
    are that period's arithmetic.
    """

    def __init__(self, now=0, period=TICKS_PERIOD):
        self.now = now
        self.period = period

    def ticks_ms(self) -> int:
        return self.now % self.period

    def ticks_add(self, ticks: int, delta: int) -> int:
        return period_add(ticks, delta, self.period)

    def ticks_diff(self, end: int, start: int) -> int:
        return period_diff(end, start, self.period)

    def sleep_ms(self, ms: int) -> None:
        self.now += ms


class KeypadDouble:
    """Hands out the keys of ``presses`` one per ``read_key``; a space is a look with no press.

    ``held`` is the key held down now, what ``scan`` sees (the power-up check for maintenance).
    """

    def __init__(self, presses="", held=None):
        self.presses = list(presses)
        self.held = held
        self.scans = 0

    def type(self, presses):
        self.presses.extend(presses)

    def read_key(self) -> "str | None":
        if not self.presses:
            return None
        key = self.presses.pop(0)
        return None if key == " " else key

    def scan(self) -> "str | None":
        self.scans += 1
        return self.held


class DisplayDouble:
    def __init__(self):
        self.shown = []
        self.swedish = ""
        self.english = ""
        self.language = "both"

    def show(self, swedish: str, english: str = "", contact: str = "") -> None:
        # As hw.display.TextDisplay remembers it: each text read in full, the contact after it.
        if contact:
            swedish = swedish + " " + contact
            english = english + " " + contact
        self.swedish = swedish
        self.english = english
        self.shown.append((swedish, english))


class IndicatorDouble:
    def __init__(self):
        self.state = "off"
        self.history = []

    def _set(self, state):
        self.state = state
        self.history.append(state)

    def ok(self) -> None:
        self._set("ok")

    def error(self) -> None:
        self._set("error")

    def busy(self) -> None:
        self._set("busy")

    def off(self) -> None:
        self._set("off")
