"""A virtual synk digital key: the key side of protocol/SPEC.md, built on the construct reference.

`VirtualKey.handle(body)` takes one unframed request message (header +
payload) and returns the response message. Framing and pacing belong to the
transports: `emulator.key_wire.KeyWire` (contact key port, SPEC 2) and
`emulator.key_card.KeyCard` (NFC, SPEC 1.2).

What the key holds, as SPEC.md 5 and 6 say:

- an Ed25519 key pair (from a 32-byte seed) that answers CHALLENGE (5.2);
- a 32-byte ``pin_secret`` (5.11), known to the back office, that answers
  PIN_PROOF, and only in a session whose CHALLENGE the key has answered
  (BAD_STATE before). Given at enrolment; a virtual key made without one
  derives it from its seed (SHA-256 of ``synk virtual pin secret`` and the
  seed), so a site rebuilt from its seeds has the same keys;
- two permission-set slots, A and B. OBJ_BEGIN of a set marks the inactive
  slot incomplete and writes there; OBJ_COMMIT checks the hash, then that the
  set names this key (KEY_MISMATCH otherwise), marks the slot valid and only
  then switches `active_slot`. An incomplete slot is never presented;
- a blocklist, replaced on commit only by a higher version (else STALE);
- an audit buffer of `audit_capacity` events with key sequence numbers from 1,
  read through an OBJ_STAT snapshot (5.5) and trimmed by AUDIT_ACK (5.6);
- a battery level. At or below `BATTERY_FLAT_PERCENT` (5 %) the key sets the
  KEY_INFO battery-low flag and refuses every write (OBJ_BEGIN/WRITE/COMMIT,
  AUDIT_ACK, AUDIT_APPEND) with BATTERY_LOW; reads still work. At 0 % it is
  dead: `answer` returns None and `handle` raises `KeyDead`.

Choices where SPEC.md leaves room (each also in the module's tests):

- Checks run in the order version, type, session (BAD_STATE before HELLO),
  size (TOO_LARGE above the key's `max_payload`), payload layout (MALFORMED).
  A replay of the last request (same bytes, so the same seq) is answered from
  the cache before any of them.
- A message type the key does not serve (the service console's 0x40-0x52,
  vendor and reserved types) is UNKNOWN_TYPE.
- A request with the RESPONSE flag or a non-zero status is MALFORMED (detail
  4 or 5, the byte's offset); a fixed-size payload of the wrong length is
  MALFORMED with the expected length as detail; a field at fault (a HELLO
  role outside 1-3, an audit event's format byte) gives that field's offset.
- A committed object that does not decode as its record is MALFORMED with the
  offset of the field at fault; the transfer is discarded, a set's slot stays
  incomplete (as after KEY_MISMATCH and HASH_MISMATCH).
- OBJ_BEGIN/WRITE/COMMIT of object type 3 or an unknown type: UNSUPPORTED,
  detail = the type. OBJ_STAT/OBJ_READ of an unknown type, of an empty slot,
  of a missing blocklist, and OBJ_READ type 3 before any OBJ_STAT: NOT_FOUND.
- OBJ_STAT type 3 with no events waiting snapshots an empty batch (16 bytes,
  `first_seq` = the next sequence number).
- OBJ_READ answers at most `max_len` bytes, and never more than fits the
  smallest of the key's, the HELLO's and the transport's payload limit.
- `last_error` (KEY_INFO, DIAG) is the last non-zero status the key sent.
- STORAGE_FULL's detail is the capacity; STALE's is the version held;
  BATTERY_LOW's is the battery percentage.
- SET_BAUD to a rate the key does not have (SPEC 1.1's list, up to
  `max_baud`): UNSUPPORTED, detail = the highest it has. An OK answer leaves
  the new rate in `take_baud_change()` for the transport, which switches after
  the answer has gone out; a replayed OK answer arms the switch again.
- A transport calls `connect()` when the key arrives and `disconnect()` when
  it leaves: the session (HELLO) and the replay cache end there; slots,
  transfers in progress, blocklist, events and the audit snapshot are the
  key's storage and stay.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol import constants as k
from protocol import pin_secret
from protocol.constants import MsgType, ObjType, Role, Slot, SlotState, Status
from protocol.errors import ProtocolError
from protocol.messages import (
    challenge_message,
    decode_message,
    decode_payload,
    encode_error,
    encode_message,
    encode_payload,
)
from protocol.records import audit_mac, decode_record, encode_record

__all__ = [
    "BATTERY_FLAT_PERCENT",
    "DEFAULT_BLOCKLIST_CAPACITY",
    "DEFAULT_SET_CAPACITY",
    "KeyDead",
    "KeySlot",
    "KeyStorageFull",
    "VirtualKey",
    "sample_events",
    "virtual_pin_secret",
]

BATTERY_FLAT_PERCENT = 5
DEFAULT_SET_CAPACITY = k.PERMISSION_SET_BASE_SIZE + 4 * k.MAX_LOCK_IDS  # 4228 bytes
DEFAULT_BLOCKLIST_CAPACITY = k.BLOCKLIST_BASE_SIZE + 4 * k.MAX_BLOCKED_KEYS  # 16472 bytes

_SERVED = frozenset(
    {
        MsgType.HELLO,
        MsgType.CHALLENGE,
        MsgType.SET_BAUD,
        MsgType.PIN_PROOF,
        MsgType.OBJ_BEGIN,
        MsgType.OBJ_WRITE,
        MsgType.OBJ_COMMIT,
        MsgType.OBJ_STAT,
        MsgType.OBJ_READ,
        MsgType.AUDIT_ACK,
        MsgType.AUDIT_APPEND,
        MsgType.DIAG,
    }
)
_WRITES = frozenset(
    {
        MsgType.OBJ_BEGIN,
        MsgType.OBJ_WRITE,
        MsgType.OBJ_COMMIT,
        MsgType.AUDIT_ACK,
        MsgType.AUDIT_APPEND,
    }
)
# Payload sizes of the fixed-size requests (SPEC 5, 6).
_FIXED_SIZE = {
    MsgType.HELLO: k.HELLO_SIZE,
    MsgType.CHALLENGE: k.NONCE_SIZE,
    MsgType.SET_BAUD: 4,
    MsgType.PIN_PROOF: k.PIN_DERIVED_SIZE,
    MsgType.OBJ_BEGIN: 8 + k.SHA256_SIZE,
    MsgType.OBJ_COMMIT: 4 + k.SHA256_SIZE,
    MsgType.OBJ_STAT: 4,
    MsgType.OBJ_READ: 8,
    MsgType.AUDIT_ACK: 4,
    MsgType.AUDIT_APPEND: k.AUDIT_EVENT_SIZE,
    MsgType.DIAG: 0,
}
_MIN_WRITE = k.OBJ_WRITE_HEADER_SIZE + 1
# Offsets of record fields named in ProtocolError paths (SPEC 8.1-8.3).
_FIELD_OFFSETS = {
    "permission_set": {"magic": 0, "format": 4, "lock_count": 6, "lock_ids": 68},
    "blocklist": {"magic": 0, "format": 4, "count": 6, "key_ids": 24},
    "event": {"format": 0},
}


class KeyDead(RuntimeError):
    """The key's battery is empty: it cannot answer anything."""


class KeyStorageFull(RuntimeError):
    """The key's audit buffer is full (what AUDIT_APPEND answers with STORAGE_FULL)."""


class _Refusal(Exception):
    """A request refused with `status` and `detail` (an error response)."""

    def __init__(self, status: int, detail: int, text: str = "") -> None:
        super().__init__(text)
        self.status = status
        self.detail = detail
        self.text = text


@dataclass(frozen=True)
class KeySlot:
    """One permission-set slot as the key's storage has it.

    `data` is the set when `state` is VALID, the bytes written so far (or
    those of a refused commit) when INCOMPLETE, None when EMPTY.
    """

    state: SlotState
    data: bytes | None


class _Transfer:
    """An object being written (SPEC 6) straight into `storage`."""

    def __init__(self, size: int, sha256: bytes, storage: bytearray) -> None:
        self.size = size
        self.sha256 = sha256
        self.storage = storage

    @property
    def have(self) -> int:
        return len(self.storage)


def _offset(path: str, table: str) -> int:
    offsets = _FIELD_OFFSETS.get(table, {})
    for part in path.split("."):
        if part in offsets:
            return offsets[part]
    return 0


def sample_events(
    key_id: int,
    count: int,
    *,
    lock_id: int = 100,
    lock_secret: bytes = bytes(range(32)),
    start_time: int = 1_795_000_000,
    first_lock_seq: int = 1,
    outcome: int = 0,
) -> list[dict[str, Any]]:
    """`count` audit events of one lock, MACed with `lock_secret`, one a minute (tests, demos)."""
    events = []
    for i in range(count):
        event: dict[str, Any] = {
            "format": k.RECORD_FORMAT,
            "outcome": outcome,
            "blocklist_version": 0,
            "lock_id": lock_id,
            "key_id": key_id,
            "time": start_time + 60 * i,
            "lock_seq": first_lock_seq + i,
        }
        event["mac"] = audit_mac(lock_secret, event)
        events.append(event)
    return events


def virtual_pin_secret(seed: bytes) -> bytes:
    """The pin_secret of a virtual key made from ``seed`` without one (its enrolment's)."""
    return hashlib.sha256(b"synk virtual pin secret" + bytes(seed)).digest()


class VirtualKey:
    """The key side of SPEC.md 5 and 6. See the module docstring for the rules it follows."""

    def __init__(
        self,
        key_id: int,
        seed: bytes,
        audit_capacity: int = 500,
        battery: int = 100,
        firmware: int = 0x0100,
        max_payload: int = k.MAX_PAYLOAD,
        blocklist_capacity: int = DEFAULT_BLOCKLIST_CAPACITY,
        set_capacity: int = DEFAULT_SET_CAPACITY,
        max_baud: int = k.BAUD_RATES[-1],
        monotonic: Callable[[], float] = time.monotonic,
        pin_secret: bytes | None = None,
    ) -> None:
        if not 1 <= key_id <= 0xFFFF_FFFF:
            raise ValueError(f"key_id must be 1..2**32-1, got {key_id}")
        if len(seed) != 32:
            raise ValueError(f"seed must be 32 bytes, got {len(seed)}")
        if not 0 <= audit_capacity <= 0xFFFF:
            raise ValueError(f"audit_capacity must fit a u16, got {audit_capacity}")
        if pin_secret is None:
            pin_secret = virtual_pin_secret(seed)
        if len(pin_secret) != k.PIN_SECRET_SIZE:
            raise ValueError(f"pin_secret must be {k.PIN_SECRET_SIZE} bytes, got {len(pin_secret)}")
        if not k.HEADER_SIZE <= max_payload <= k.MAX_PAYLOAD:
            raise ValueError(f"max_payload must be 8..{k.MAX_PAYLOAD}, got {max_payload}")
        self.key_id = key_id
        self._private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        self._public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._pin_secret = bytes(pin_secret)
        self.audit_capacity = audit_capacity
        self.battery = battery
        self.firmware = firmware
        self.max_payload = max_payload
        self.blocklist_capacity = blocklist_capacity
        self.set_capacity = set_capacity
        self.baud_rates = tuple(rate for rate in k.BAUD_RATES if rate <= max_baud)
        self._monotonic = monotonic
        self._born = monotonic()

        # Faults and conditions a test or the trainer sets.
        self.slow_ms = 0  # the transport delays each answer by this much
        self.noisy = 0.0  # chance per frame that the contact line adds garbage (KeyWire)
        self.temperature_c = 21

        # Storage.
        self._slot_state = [SlotState.EMPTY, SlotState.EMPTY]
        self._slot_data: list[bytearray] = [bytearray(), bytearray()]
        self._active = Slot.NONE
        self._set_transfer: _Transfer | None = None
        self._set_transfer_slot = 0
        self._blocklist: bytes | None = None
        self._blocklist_transfer: _Transfer | None = None
        self._events: list[tuple[int, bytes]] = []
        self._next_seq = 1
        self._snapshot: bytes | None = None
        self.write_cycles = 0

        # Counters and the session.
        self.last_error = 0
        self.crc_errors = 0  # frames the key's receiver discarded (transports add to it)
        self.requests = 0  # requests executed (replays not counted)
        self._session: dict[str, int] | None = None
        self._challenged = False  # this session's CHALLENGE answered: PIN_PROOF allowed
        self.pin_proofs = 0  # PIN_PROOF requests answered (tests count guesses with it)
        self._last_request: bytes | None = None
        self._last_response = b""
        self._last_baud: int | None = None
        self._baud_change: int | None = None
        self._pull_countdown: int | None = None
        self.pulled = False
        self._baud_pending: int | None = None  # set by SET_BAUD while answering
        self._transport_payload = k.MAX_PAYLOAD

    # --- identity and state ------------------------------------------------------
    @property
    def key_public(self) -> bytes:
        """The key's 32-byte Ed25519 public key."""
        return self._public

    @property
    def pin_secret(self) -> bytes:
        """The 32-byte secret the back office registers with the key (enrolment)."""
        return self._pin_secret

    @property
    def alive(self) -> bool:
        return self.battery > 0

    @property
    def battery_low(self) -> bool:
        return self.battery <= BATTERY_FLAT_PERCENT

    @property
    def active_slot(self) -> int:
        """0 (A), 1 (B) or 0xFF (none), as KEY_INFO says."""
        return int(self._active)

    @property
    def slots(self) -> tuple[KeySlot, KeySlot]:
        def view(i: int) -> KeySlot:
            state = self._slot_state[i]
            data = None if state == SlotState.EMPTY else bytes(self._slot_data[i])
            return KeySlot(state, data)

        return view(0), view(1)

    def active_set(self) -> dict[str, Any] | None:
        """The active permission set, decoded; None when no slot is active."""
        if self._active == Slot.NONE:
            return None
        return decode_record("permission_set", bytes(self._slot_data[self._active]))

    def active_set_bytes(self) -> bytes | None:
        if self._active == Slot.NONE:
            return None
        return bytes(self._slot_data[self._active])

    @property
    def blocklist(self) -> bytes | None:
        return self._blocklist

    @property
    def blocklist_version(self) -> int:
        if self._blocklist is None:
            return 0
        return int(decode_record("blocklist", self._blocklist)["version"])

    @property
    def audit_next_seq(self) -> int:
        return self._next_seq

    def audit_events(self) -> list[dict[str, Any]]:
        """Events waiting on the key, oldest first, decoded (CODEC_API.md audit_event dicts)."""
        return [decode_record("audit_event", raw) for _seq, raw in self._events]

    def audit_entries(self) -> list[tuple[int, bytes]]:
        """Events waiting on the key as (key sequence number, 36 bytes), oldest first."""
        return list(self._events)

    @property
    def in_session(self) -> bool:
        """True once a HELLO has been answered, until the key leaves its reader."""
        return self._session is not None

    @property
    def session(self) -> dict[str, int] | None:
        """The HELLO of the current session (time, role, max_payload, peer_id)."""
        return None if self._session is None else dict(self._session)

    # --- what tests and scenarios do to the key -----------------------------------
    def record_event(self, event: dict[str, Any] | bytes) -> int:
        """Store one audit event as AUDIT_APPEND would; returns its key sequence number.

        Raises KeyStorageFull when the buffer is full (nothing changes then).
        """
        if isinstance(event, bytes | bytearray):
            raw = bytes(event)
            decode_record("audit_event", raw)
        else:
            raw = encode_record("audit_event", event)
        if len(self._events) >= self.audit_capacity:
            raise KeyStorageFull(f"{self.audit_capacity} events held")
        seq = self._next_seq
        self._events.append((seq, raw))
        self._next_seq += 1
        self.write_cycles += 1
        return seq

    def preload_events(self, events: Iterable[dict[str, Any] | bytes]) -> list[int]:
        """Store several events (see `record_event`); returns their key sequence numbers."""
        return [self.record_event(event) for event in events]

    def saved_state(self) -> dict[str, Any]:
        """What the key's storage holds (JSON-ready), so the emulator keeps keys across runs."""
        return {
            "key_id": self.key_id,
            "slots": [
                [int(state), bytes(data).hex()]
                for state, data in zip(self._slot_state, self._slot_data, strict=True)
            ],
            "active": int(self._active),
            "blocklist": self._blocklist.hex() if self._blocklist is not None else None,
            "events": [[seq, raw.hex()] for seq, raw in self._events],
            "next_seq": self._next_seq,
            "battery": self.battery,
            "write_cycles": self.write_cycles,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Put back what ``saved_state`` gave (a key of the same id); refuses another key's."""
        if state.get("key_id") != self.key_id:
            raise ValueError(f"saved state of key {state.get('key_id')}, not of {self.key_id}")
        self._slot_state = [SlotState(slot[0]) for slot in state["slots"]]
        self._slot_data = [bytearray.fromhex(slot[1]) for slot in state["slots"]]
        self._active = Slot(state["active"])
        blocklist = state["blocklist"]
        self._blocklist = bytes.fromhex(blocklist) if blocklist is not None else None
        self._events = [(int(seq), bytes.fromhex(raw)) for seq, raw in state["events"]]
        self._next_seq = int(state["next_seq"])
        self.battery = int(state["battery"])
        self.write_cycles = int(state["write_cycles"])

    def pull_after_requests(self, n: int) -> None:
        """Leave the reader right after executing the n-th request from now; its answer is lost."""
        if n < 1:
            raise ValueError("n must be at least 1")
        self._pull_countdown = n

    def connect(self) -> None:
        """A transport has the key (inserted, or in the NFC field): no session yet."""
        self.pulled = False
        self._end_session()

    def disconnect(self) -> None:
        """The key left its transport: the session ends, the storage stays."""
        self._end_session()

    def take_baud_change(self) -> int | None:
        """The rate the last answer agreed to switch to (SET_BAUD OK), once."""
        rate, self._baud_change = self._baud_change, None
        return rate

    def _end_session(self) -> None:
        self._session = None
        self._challenged = False
        self._last_request = None
        self._last_response = b""
        self._last_baud = None
        self._baud_change = None

    # --- requests -------------------------------------------------------------------
    def answer(self, body: bytes, transport_payload: int = k.MAX_PAYLOAD) -> bytes | None:
        """What a transport hears back: the response, or None from a dead or departing key.

        A key armed with `pull_after_requests` executes the request that ends
        the countdown, then leaves (`pulled` turns True) without answering.
        """
        if not self.alive or self.pulled:
            return None
        response = self.handle(body, transport_payload)
        if self._pull_countdown is not None:
            self._pull_countdown -= 1
            if self._pull_countdown <= 0:
                self._pull_countdown = None
                self.pulled = True
                self._end_session()
                return None
        return response

    def handle(self, body: bytes, transport_payload: int = k.MAX_PAYLOAD) -> bytes:
        """The response message to one request message (SPEC 3); raises KeyDead at 0 %.

        `transport_payload` is the transport's payload limit (232 over NFC),
        which bounds OBJ_READ answers.
        """
        if not self.alive:
            raise KeyDead(f"key {self.key_id}: battery empty")
        raw = bytes(body)
        if raw == self._last_request:
            self._baud_change = self._last_baud
            return self._last_response
        response, baud = self._respond(raw, transport_payload)
        self.requests += 1
        self._last_request, self._last_response, self._last_baud = raw, response, baud
        self._baud_change = baud
        return response

    def _respond(self, raw: bytes, transport_payload: int) -> tuple[bytes, int | None]:
        msg_type = raw[1] if len(raw) > 1 else 0
        seq = int.from_bytes(raw[2:4], "little") if len(raw) >= 4 else 0
        self._baud_pending = None
        self._transport_payload = transport_payload
        try:
            payload = self._dispatch(raw, msg_type)
        except _Refusal as refusal:
            self.last_error = refusal.status
            error = encode_error(refusal.detail & 0xFFFF_FFFF, refusal.text[: k.MAX_ERROR_TEXT])
            return encode_message(msg_type, seq, error, response=True, status=refusal.status), None
        return encode_message(msg_type, seq, payload, response=True), self._baud_pending

    def _dispatch(self, raw: bytes, msg_type: int) -> bytes:
        if len(raw) < k.HEADER_SIZE:
            raise _Refusal(Status.MALFORMED, k.HEADER_SIZE, "shorter than a header")
        if raw[0] != k.PROTOCOL_VERSION:
            raise _Refusal(
                Status.UNSUPPORTED_VERSION, k.PROTOCOL_VERSION, f"versions: {k.PROTOCOL_VERSION}"
            )
        if msg_type not in _SERVED:
            raise _Refusal(Status.UNKNOWN_TYPE, msg_type, f"type {msg_type:#04x} unknown to a key")
        kind = MsgType(msg_type)
        if kind != MsgType.HELLO and self._session is None:
            raise _Refusal(Status.BAD_STATE, 0, "HELLO first")
        try:
            message = decode_message(raw)
        except ProtocolError:
            raise _Refusal(Status.MALFORMED, 6, "length does not match the payload") from None
        if message["flags"] & k.FLAG_RESPONSE:
            raise _Refusal(Status.MALFORMED, 4, "a request without the RESPONSE flag")
        if message["status"] != 0:
            raise _Refusal(Status.MALFORMED, 5, "a request has status 0")
        payload: bytes = message["payload"]
        if len(payload) > self.max_payload:
            raise _Refusal(Status.TOO_LARGE, self.max_payload, f"payload over {self.max_payload}")
        fields = self._decode_request(kind, payload)
        if kind in _WRITES and self.battery_low:
            raise _Refusal(Status.BATTERY_LOW, self.battery, "battery low: no writes")
        handler = self._HANDLERS[kind]
        answer: dict[str, Any] = handler(self, fields)
        return encode_payload(kind, True, answer)

    def _decode_request(self, kind: MsgType, payload: bytes) -> dict[str, Any]:
        expected = _FIXED_SIZE.get(kind)
        if expected is not None and len(payload) != expected:
            raise _Refusal(Status.MALFORMED, expected, f"payload of {expected} bytes expected")
        if kind == MsgType.OBJ_WRITE and len(payload) < _MIN_WRITE:
            raise _Refusal(Status.MALFORMED, _MIN_WRITE, "a chunk has at least 1 byte")
        try:
            fields = decode_payload(kind, False, payload)
        except ProtocolError as err:
            raise _Refusal(Status.MALFORMED, _offset(err.field, "event"), err.message) from None
        if kind == MsgType.HELLO and fields["role"] not in Role.__members__.values():
            raise _Refusal(Status.MALFORMED, 4, f"role {fields['role']} unknown")
        return fields

    # --- handlers ---------------------------------------------------------------------
    def _hello(self, fields: dict[str, Any]) -> dict[str, Any]:
        self._challenged = False
        self._session = {
            "time": fields["time"],
            "role": fields["role"],
            "max_payload": fields["max_payload"],
            "peer_id": fields["peer_id"],
        }
        return self.key_info()

    def key_info(self) -> dict[str, Any]:
        """KEY_INFO (5.1) as the key would answer HELLO now."""
        active = self.active_set()
        return {
            "key_id": self.key_id,
            "firmware": self.firmware,
            "max_payload": self.max_payload,
            "active_slot": self.active_slot,
            "slot_a": int(self._slot_state[0]),
            "slot_b": int(self._slot_state[1]),
            "battery": max(0, min(100, self.battery)),
            "set_serial": active["serial"] if active else 0,
            "valid_from": active["valid_from"] if active else 0,
            "valid_until": active["valid_until"] if active else 0,
            "lock_count": len(active["lock_ids"]) if active else 0,
            "audit_count": len(self._events),
            "audit_capacity": self.audit_capacity,
            "last_error": self.last_error,
            "flags": int(k.KeyInfoFlag.BATTERY_LOW) if self.battery_low else 0,
            "blocklist_version": self.blocklist_version,
            "audit_next_seq": self._next_seq,
        }

    def _challenge(self, fields: dict[str, Any]) -> dict[str, Any]:
        assert self._session is not None
        signed = challenge_message(
            fields["nonce"], self._session["role"], self._session["peer_id"], self.key_id
        )
        self._challenged = True
        return {"signature": self._private.sign(signed)}

    def _pin_proof(self, fields: dict[str, Any]) -> dict[str, Any]:
        if not self._challenged:
            raise _Refusal(Status.BAD_STATE, 0, "CHALLENGE first")
        self.pin_proofs += 1
        return {"proof": pin_secret.proof(self._pin_secret, fields["derived"])}

    def _set_baud(self, fields: dict[str, Any]) -> dict[str, Any]:
        rate = fields["baud"]
        if rate not in self.baud_rates:
            top = self.baud_rates[-1]
            raise _Refusal(Status.UNSUPPORTED, top, f"rates up to {top}")
        self._baud_pending = rate
        return {}

    def _writable(self, obj: int) -> ObjType:
        if obj not in (ObjType.PERMISSION_SET, ObjType.BLOCKLIST):
            raise _Refusal(Status.UNSUPPORTED, obj, f"object type {obj} is not written to a key")
        return ObjType(obj)

    def _inactive_slot(self) -> int:
        return 1 if self._active == Slot.A else 0

    def _obj_begin(self, fields: dict[str, Any]) -> dict[str, Any]:
        obj = self._writable(fields["obj"])
        size, sha256 = fields["size"], fields["sha256"]
        capacity = self.set_capacity if obj == ObjType.PERMISSION_SET else self.blocklist_capacity
        if size > capacity:
            raise _Refusal(Status.TOO_LARGE, capacity, f"{size} bytes, capacity {capacity}")
        current = self._set_transfer if obj == ObjType.PERMISSION_SET else self._blocklist_transfer
        if current is not None and current.size == size and current.sha256 == sha256:
            return {"have": current.have}
        self.write_cycles += 1
        if obj == ObjType.PERMISSION_SET:
            slot = self._inactive_slot()
            storage = self._slot_data[slot] = bytearray()
            self._slot_state[slot] = SlotState.INCOMPLETE
            self._set_transfer = _Transfer(size, sha256, storage)
            self._set_transfer_slot = slot
        else:
            self._blocklist_transfer = _Transfer(size, sha256, bytearray())
        return {"have": 0}

    def _transfer(self, obj: ObjType) -> _Transfer:
        transfer = self._set_transfer if obj == ObjType.PERMISSION_SET else self._blocklist_transfer
        if transfer is None:
            raise _Refusal(Status.BAD_STATE, 0, "no transfer in progress")
        return transfer

    def _obj_write(self, fields: dict[str, Any]) -> dict[str, Any]:
        transfer = self._transfer(self._writable(fields["obj"]))
        offset, data = fields["offset"], fields["data"]
        if offset > transfer.have:
            raise _Refusal(Status.OUT_OF_ORDER, transfer.have, f"resume at {transfer.have}")
        end = offset + len(data)
        if end > transfer.size:
            raise _Refusal(Status.TOO_LARGE, transfer.size, f"data past the size {transfer.size}")
        transfer.storage[offset:end] = data
        self.write_cycles += 1
        return {"have": transfer.have}

    def _obj_commit(self, fields: dict[str, Any]) -> dict[str, Any]:
        obj = self._writable(fields["obj"])
        transfer = self._transfer(obj)
        if transfer.have < transfer.size:
            raise _Refusal(Status.BAD_STATE, transfer.have, f"{transfer.have} of {transfer.size}")
        data = bytes(transfer.storage)
        if obj == ObjType.PERMISSION_SET:
            self._set_transfer = None
        else:
            self._blocklist_transfer = None
        actual = hashlib.sha256(data).digest()
        if not actual == transfer.sha256 == fields["sha256"]:
            raise _Refusal(Status.HASH_MISMATCH, 0, "SHA-256 differs; transfer discarded")
        kind = "permission_set" if obj == ObjType.PERMISSION_SET else "blocklist"
        try:
            record = decode_record(kind, data)
        except ProtocolError as err:
            raise _Refusal(Status.MALFORMED, _offset(err.field, kind), err.message) from None
        self.write_cycles += 1
        if obj == ObjType.BLOCKLIST:
            held = self.blocklist_version
            if self._blocklist is not None and record["version"] <= held:
                raise _Refusal(Status.STALE, held, f"version {held} held")
            self._blocklist = data
            return {}
        if record["key_id"] != self.key_id or record["key_public"] != self._public:
            raise _Refusal(Status.KEY_MISMATCH, record["key_id"], "the set names another key")
        slot = self._set_transfer_slot
        self._slot_state[slot] = SlotState.VALID
        self._active = Slot(slot)
        return {"active_slot": slot}

    def _stored_object(self, obj: int, take_snapshot: bool) -> bytes:
        if obj == ObjType.PERMISSION_SET:
            data = self.active_set_bytes()
        elif obj == ObjType.BLOCKLIST:
            data = self._blocklist
        elif obj == ObjType.AUDIT_BATCH:
            if take_snapshot:
                self._snapshot = self._audit_batch()
            data = self._snapshot
        else:
            data = None
        if data is None:
            raise _Refusal(Status.NOT_FOUND, obj, f"no object of type {obj}")
        return data

    def _audit_batch(self) -> bytes:
        first = self._events[0][0] if self._events else self._next_seq
        return encode_record(
            "audit_batch",
            {
                "format": k.RECORD_FORMAT,
                "flags": 0,
                "key_id": self.key_id,
                "first_seq": first,
                "events": [decode_record("audit_event", raw) for _seq, raw in self._events],
            },
        )

    def _obj_stat(self, fields: dict[str, Any]) -> dict[str, Any]:
        data = self._stored_object(fields["obj"], take_snapshot=True)
        return {"size": len(data), "sha256": hashlib.sha256(data).digest()}

    def _obj_read(self, fields: dict[str, Any]) -> dict[str, Any]:
        data = self._stored_object(fields["obj"], take_snapshot=False)
        offset = fields["offset"]
        if offset > len(data):
            raise _Refusal(Status.OUT_OF_ORDER, len(data), f"size is {len(data)}")
        limits = [self.max_payload, self._transport_payload]
        if self._session is not None:
            limits.append(self._session["max_payload"])
        room = max(0, min(limits) - 4)
        length = min(fields["max_len"], room)
        return {"offset": offset, "data": data[offset : offset + length]}

    def _audit_ack(self, fields: dict[str, Any]) -> dict[str, Any]:
        through = fields["through_seq"]
        self._events = [(seq, raw) for seq, raw in self._events if seq > through]
        self._snapshot = None
        self.write_cycles += 1
        return {"remaining": len(self._events)}

    def _audit_append(self, fields: dict[str, Any]) -> dict[str, Any]:
        try:
            self.record_event(fields["event"])
        except KeyStorageFull:
            raise _Refusal(
                Status.STORAGE_FULL, self.audit_capacity, f"{self.audit_capacity} events held"
            ) from None
        return {"count": len(self._events)}

    def _diag(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "uptime_s": int(self._monotonic() - self._born) & 0xFFFF_FFFF,
            "write_cycles": self.write_cycles & 0xFFFF_FFFF,
            "battery_mv": self.battery_mv,
            "temperature_c": max(-128, min(127, self.temperature_c)),
            "last_error": self.last_error,
            "crc_errors": min(self.crc_errors, 0xFFFF),
        }

    @property
    def battery_mv(self) -> int:
        """A lithium coin cell: 3000 mV full, 2000 mV empty, linear in between."""
        return 2000 + 10 * max(0, min(100, self.battery))

    _HANDLERS: ClassVar[dict[MsgType, Callable[[VirtualKey, dict[str, Any]], dict[str, Any]]]] = {
        MsgType.HELLO: _hello,
        MsgType.CHALLENGE: _challenge,
        MsgType.SET_BAUD: _set_baud,
        MsgType.PIN_PROOF: _pin_proof,
        MsgType.OBJ_BEGIN: _obj_begin,
        MsgType.OBJ_WRITE: _obj_write,
        MsgType.OBJ_COMMIT: _obj_commit,
        MsgType.OBJ_STAT: _obj_stat,
        MsgType.OBJ_READ: _obj_read,
        MsgType.AUDIT_ACK: _audit_ack,
        MsgType.AUDIT_APPEND: _audit_append,
        MsgType.DIAG: _diag,
    }
