"""A virtual lock (customer door, key box, building entrance, common area) checking a key.

The lock follows SPEC.md section 13 step by step and talks to the key only in
protocol messages (section 5), encoded with the construct reference
(`protocol/`); signatures are checked with `cryptography`'s Ed25519:

1. ``HELLO`` as role 2 with the lock's id and its own clock;
2. a key holding a newer blocklist hands it over (``OBJ_STAT``/``OBJ_READ``
   type 2); one signed by a known authority key is adopted and recorded as
   ``BLOCKLIST_UPDATED``, anything else is ignored;
3. the active permission set (type 1): none (the key answers ``OBJ_STAT``
   with an error such as ``NOT_FOUND``) is ``NO_SET``; a set that cannot
   be read intact, is malformed, names an unknown authority key or does not
   verify is ``BAD_SET``;
4. a set for another key id than the one ``KEY_INFO`` reports: ``AUTH_FAILED``;
5. ``CHALLENGE`` with a fresh nonce, verified with the set's ``key_public``:
   else ``AUTH_FAILED``;
6. the key id on the lock's blocklist: ``BLOCKED``;
7. the set's window against the lock's **own** clock: ``NOT_YET_VALID`` /
   ``EXPIRED``;
8. the lock id not in the set: ``NOT_IN_SET``; otherwise ``OPENED``.

Every outcome becomes an audit event (8.3) MACed with the lock's secret and
numbered by ``lock_seq`` with no gaps. The lock keeps its events until a key
takes them (``AUDIT_APPEND``): when a key is full, refuses the write (flat
battery) or is pulled, the rest wait for the next key, oldest first.

The bolt: an ``OPENED`` leaves the lock open (``is_open``) until someone
locks it again from the inside or the outside (``lock_again``), as staff do
when they leave a customer. Locking needs no key and makes no audit event:
the trail is who was let in (SPEC.md 8.3 has no outcome for it). Whether the
lock is open survives a restart.

A key that never answers (pulled before the lock decided, dead, or replies
that stay garbled after 3 retries of the same request, SPEC.md 1.3) gives the
result ``NO_ANSWER``: nothing was decided, so no event is made and the door
stays shut.

The key is a ``send(body) -> bytes`` callable taking one unframed message and
returning the reply, or a key object. An object with ``answer(body,
transport_payload)`` (``emulator.virtual_key.VirtualKey``) is used through it,
the lock acting as the key's transport: ``connect()`` when the key is
presented, ``disconnect()`` when it leaves, ``None`` from a dead or pulled
key; an object with only ``handle(body)`` is called through that. A send that
raises ``NoAnswer``, ``TimeoutError`` or ``OSError``, or returns ``None`` or
``b""``, is a lost frame.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from protocol import constants as k
from protocol.constants import MsgType, ObjType, Outcome, Role, Status
from protocol.errors import ProtocolError
from protocol.messages import (
    challenge_message,
    decode_error,
    decode_message,
    decode_payload,
    encode_message,
    encode_payload,
)
from protocol.records import audit_mac, authority_key_id, decode_record, encode_record

__all__ = [
    "LOCK_KINDS",
    "NO_ANSWER",
    "KeyLink",
    "NoAnswer",
    "OpenResult",
    "VirtualLock",
    "make_event",
]

# The lock types of the back office (host.backoffice.service.LOCK_TYPES; a test holds them equal).
LOCK_KINDS = ("customer_door", "key_box", "building_entrance", "common_area")
NO_ANSWER = "NO_ANSWER"
RETRIES = 3  # SPEC.md 1.3: the same frame is sent again up to 3 times
U32_MAX = 0xFFFFFFFF
MAX_SET_SIZE = k.PERMISSION_SET_BASE_SIZE + 4 * k.MAX_LOCK_IDS
MAX_BLOCKLIST_SIZE = k.BLOCKLIST_BASE_SIZE + 4 * k.MAX_BLOCKED_KEYS
READ_HEADER = 4  # OBJ_READ's answer: u32 offset before the data


class Clock(Protocol):
    def now(self) -> int: ...


class _HasHandle(Protocol):
    def handle(self, body: bytes) -> bytes: ...


Send = Callable[[bytes], "bytes | None"]
KeyLink = Send | _HasHandle


class NoAnswer(Exception):
    """The key did not answer this request (a send may raise it for a lost frame)."""


class _Failed(Exception):
    """The step could not be carried out; ``reason`` says why (English, for logs)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _ErrorAnswer(Exception):
    """The key answered with an error status."""

    def __init__(self, status: int, detail: int) -> None:
        super().__init__(f"{_status_name(status)} (detail {detail})")
        self.status = status
        self.detail = detail


def _status_name(status: int) -> str:
    try:
        return Status(status).name
    except ValueError:
        return f"status {status}"


@dataclass(frozen=True)
class OpenResult:
    """What one presentation of a key came to.

    ``outcome`` is an ``Outcome`` name (``OPENED``, ``NOT_IN_SET``, ...) or
    ``NO_ANSWER``; ``events`` are the events this session made (a
    ``BLOCKLIST_UPDATED`` before the outcome's own); ``delivered`` counts the
    events the key took, older waiting ones included; ``pending`` those still
    waiting in the lock. ``reason`` is a short English explanation for logs.
    """

    outcome: str
    opened: bool
    key_id: int | None
    events: tuple[dict[str, Any], ...]
    delivered: int
    pending: int
    reason: str


def make_event(
    lock_id: int,
    secret: bytes,
    lock_seq: int,
    outcome: int,
    key_id: int,
    time: int,
    blocklist_version: int = 0,
) -> dict[str, Any]:
    """An audit event (SPEC.md 8.3) as a dict, with its MAC.

    ``blocklist_version`` is the lock's own (after this event), kept modulo 2**16.
    """
    event: dict[str, Any] = {
        "format": k.RECORD_FORMAT,
        "outcome": int(outcome),
        "blocklist_version": blocklist_version & 0xFFFF,
        "lock_id": lock_id,
        "key_id": key_id,
        "time": time,
        "lock_seq": lock_seq,
    }
    event["mac"] = audit_mac(secret, event)
    return event


def _check_u32(value: object, what: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= U32_MAX:
        raise ValueError(f"{what}: expected an integer {low}..{U32_MAX}, got {value!r}")
    return value


def _authority_table(keys: Mapping[bytes, bytes] | Iterable[bytes]) -> dict[bytes, bytes]:
    """authority key id -> public key, checking that each id belongs to its key."""
    pairs = list(keys.items()) if isinstance(keys, Mapping) else [(None, p) for p in keys]
    table: dict[bytes, bytes] = {}
    for given_id, public in pairs:
        if not isinstance(public, bytes | bytearray) or len(public) != k.PUBLIC_KEY_SIZE:
            raise ValueError("authority_keys: each public key must be 32 bytes")
        key_id = authority_key_id(bytes(public))
        if given_id is not None and bytes(given_id) != key_id:
            raise ValueError(f"authority_keys: id {bytes(given_id).hex()} is not that key's id")
        table[key_id] = bytes(public)
    if not table:
        raise ValueError("authority_keys: a lock needs at least one authority public key")
    return table


def _verifies(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


class VirtualLock:
    """One lock: id, kind, trusted authority keys, MAC secret, own clock, counter and memory.

    ``authority_keys`` maps 8-byte authority key ids to 32-byte public keys,
    or is a list of public keys (during a rotation a lock trusts several).
    ``seq_start`` is the ``lock_seq`` the next event gets; ``blocklist`` a
    signed blocklist installed with the lock; ``pending`` events made earlier
    and not yet taken by a key (restoring a lock, see ``saved_state``).
    ``nonce`` makes the challenge nonces (random unless a test fixes them).
    ``max_payload`` is the largest reply the lock accepts (232 over NFC).
    """

    def __init__(
        self,
        lock_id: int,
        kind: str,
        authority_keys: Mapping[bytes, bytes] | Iterable[bytes],
        mac_secret: bytes,
        clock: Clock,
        seq_start: int = 1,
        blocklist: bytes | None = None,
        pending: Sequence[dict[str, Any]] = (),
        nonce: Callable[[int], bytes] = secrets.token_bytes,
        max_payload: int = k.MAX_PAYLOAD,
    ) -> None:
        self.lock_id = _check_u32(lock_id, "lock_id")
        if kind not in LOCK_KINDS:
            raise ValueError(f"kind: {kind!r} is not one of {', '.join(LOCK_KINDS)}")
        self.kind = kind
        self._authority = _authority_table(authority_keys)
        if not isinstance(mac_secret, bytes | bytearray) or len(mac_secret) != k.LOCK_SECRET_SIZE:
            raise ValueError(f"mac_secret: expected {k.LOCK_SECRET_SIZE} bytes")
        self._secret = bytes(mac_secret)
        self.clock = clock
        self._next_seq = _check_u32(seq_start, "seq_start")
        self._nonce = nonce
        self.max_payload = _check_u32(max_payload, "max_payload", READ_HEADER + 1)
        self._msg_seq = 0
        self._blocklist: bytes | None = None
        self._blocklist_version = 0
        self._blocked: frozenset[int] = frozenset()
        if blocklist is not None and not self.offer_blocklist(blocklist):
            raise ValueError(
                "blocklist: not a blocklist signed by one of the lock's authority keys"
            )
        self._pending: list[dict[str, Any]] = []
        for event in pending:
            self._pending.append(self._checked_pending(event))
        self.events_log: list[dict[str, Any]] = []
        self.openings = 0
        self.is_open = False

    # -- state ------------------------------------------------------------------------------

    @property
    def next_seq(self) -> int:
        """The ``lock_seq`` the next event will get."""
        return self._next_seq

    @property
    def pending_events(self) -> list[dict[str, Any]]:
        """Events made and not yet taken by a key, oldest first (copies)."""
        return [dict(event) for event in self._pending]

    @property
    def blocklist_version(self) -> int:
        return self._blocklist_version

    @property
    def blocked_keys(self) -> frozenset[int]:
        return self._blocked

    @property
    def authority_keys(self) -> dict[bytes, bytes]:
        return dict(self._authority)

    def saved_state(self) -> dict[str, Any]:
        """What survives a restart (JSON-ready): counter, blocklist and waiting events."""
        return {
            "lock_id": self.lock_id,
            "kind": self.kind,
            "next_seq": self._next_seq,
            "blocklist": self._blocklist.hex() if self._blocklist else None,
            "pending": [encode_record("audit_event", e).hex() for e in self._pending],
            "open": self.is_open,
        }

    @classmethod
    def from_saved(
        cls,
        state: Mapping[str, Any],
        authority_keys: Mapping[bytes, bytes] | Iterable[bytes],
        mac_secret: bytes,
        clock: Clock,
        **options: Any,
    ) -> VirtualLock:
        """A lock as ``saved_state`` left it."""
        try:
            blocklist = bytes.fromhex(state["blocklist"]) if state["blocklist"] else None
            pending = [decode_record("audit_event", bytes.fromhex(e)) for e in state["pending"]]
            lock = cls(
                state["lock_id"],
                state["kind"],
                authority_keys,
                mac_secret,
                clock,
                seq_start=state["next_seq"],
                blocklist=blocklist,
                pending=pending,
                **options,
            )
        except (KeyError, TypeError, ProtocolError) as err:
            raise ValueError(f"saved lock state is not usable: {err}") from None
        lock.is_open = state.get("open") is True  # saved before the bolt was kept: locked
        return lock

    def _checked_pending(self, event: Mapping[str, Any]) -> dict[str, Any]:
        names = ("format", "outcome", "blocklist_version", "lock_id", "key_id")
        fields = {key: event.get(key, 0 if key == "blocklist_version" else None) for key in names}
        fields.update(time=event.get("time"), lock_seq=event.get("lock_seq"))
        try:
            mac = audit_mac(self._secret, fields)
        except ProtocolError as err:
            raise ValueError(f"pending: malformed event: {err}") from None
        if event.get("lock_id") != self.lock_id or event.get("mac") != mac:
            raise ValueError("pending: an event this lock did not make")
        if event["lock_seq"] >= self._next_seq:
            raise ValueError("pending: an event numbered at or past seq_start")
        return {**fields, "mac": mac}

    def new_request_seq(self) -> int:
        """The header ``seq`` of the lock's next request (mod 65536, across sessions)."""
        self._msg_seq = (self._msg_seq + 1) & 0xFFFF
        return self._msg_seq

    # -- the blocklist ----------------------------------------------------------------------

    def offer_blocklist(self, data: bytes) -> bool:
        """Adopt a signed blocklist newer than the one held; False (nothing changes) otherwise."""
        try:
            fields = decode_record("blocklist", data)
        except ProtocolError:
            return False
        public = self._authority.get(fields["authority_key_id"])
        if public is None or not _verifies(public, fields["signature"], bytes(data[:-64])):
            return False
        if fields["version"] <= self._blocklist_version:
            return False
        self._blocklist = bytes(data)
        self._blocklist_version = fields["version"]
        self._blocked = frozenset(fields["key_ids"])
        return True

    # -- one key ----------------------------------------------------------------------------

    def try_open(self, key: KeyLink) -> OpenResult:
        """Check a presented key (SPEC.md 13); record the outcome; hand waiting events over."""
        send, connect, disconnect = self._link(key)
        if connect is not None:
            connect()
        try:
            return self._session_with(_Session(self, send))
        finally:
            if disconnect is not None:
                disconnect()

    def lock_again(self) -> bool:
        """Shoot the bolt (no key needed); False when the lock was not open."""
        was_open = self.is_open
        self.is_open = False
        return was_open

    def _link(
        self, key: object
    ) -> tuple[Send, Callable[[], None] | None, Callable[[], None] | None]:
        """How to talk to ``key``: its send function, and what to call when it comes and goes."""
        answer = getattr(key, "answer", None)
        if callable(answer):

            def send(body: bytes) -> bytes | None:
                reply = answer(body, self.max_payload)
                return None if reply is None else bytes(reply)

            return send, getattr(key, "connect", None), getattr(key, "disconnect", None)
        handle = getattr(key, "handle", None)
        if callable(handle):
            return handle, None, None
        if callable(key):
            return key, None, None
        raise TypeError(f"not a key: {type(key).__name__} has no answer/handle and is not callable")

    def _session_with(self, session: _Session) -> OpenResult:
        made: list[dict[str, Any]] = []
        try:
            info = session.hello()
        except _Failed as failed:
            return self._result(NO_ANSWER, None, made, 0, failed.reason)
        key_id = info["key_id"]
        try:
            outcome, reason = self._check(session, info, made)
        except _Failed as failed:
            # The key went away before the lock could decide: what was made stays pending.
            return self._result(NO_ANSWER, key_id, made, 0, failed.reason)
        made.append(self._record(outcome, key_id))
        if outcome == Outcome.OPENED:
            self.openings += 1
            self.is_open = True
        delivered = self._deliver(session)
        return self._result(outcome.name, key_id, made, delivered, reason)

    def _result(
        self,
        outcome: str,
        key_id: int | None,
        made: list[dict[str, Any]],
        delivered: int,
        reason: str,
    ) -> OpenResult:
        return OpenResult(
            outcome=outcome,
            opened=outcome == Outcome.OPENED.name,
            key_id=key_id,
            events=tuple(dict(e) for e in made),
            delivered=delivered,
            pending=len(self._pending),
            reason=reason,
        )

    def _check(
        self, session: _Session, info: dict[str, Any], made: list[dict[str, Any]]
    ) -> tuple[Outcome, str]:
        key_id: int = info["key_id"]
        # 2. a newer blocklist travels from key to lock
        if info["blocklist_version"] > self._blocklist_version:
            data = session.read_object(ObjType.BLOCKLIST, MAX_BLOCKLIST_SIZE)
            if isinstance(data, bytes) and self.offer_blocklist(data):
                made.append(self._record(Outcome.BLOCKLIST_UPDATED, key_id))
        # 3. the active permission set
        data = session.read_object(ObjType.PERMISSION_SET, MAX_SET_SIZE)
        if isinstance(data, _ErrorAnswer):
            return Outcome.NO_SET, f"the key presents no permission set ({data})"
        if isinstance(data, str):
            return Outcome.BAD_SET, data
        try:
            permission_set = decode_record("permission_set", data)
        except ProtocolError as err:
            return Outcome.BAD_SET, f"malformed permission set: {err}"
        public = self._authority.get(permission_set["authority_key_id"])
        if public is None:
            return Outcome.BAD_SET, "the set is signed by an authority key this lock does not know"
        if not _verifies(public, permission_set["signature"], data[: -k.SIGNATURE_SIZE]):
            return Outcome.BAD_SET, "the set's signature does not verify"
        # 4. the set belongs to this key
        if permission_set["key_id"] != key_id:
            return Outcome.AUTH_FAILED, (
                f"the set is for key {permission_set['key_id']}, the key says it is {key_id}"
            )
        # 5. the key proves it holds the set's private key
        nonce = self._nonce(k.NONCE_SIZE)
        try:
            answer = session.request(MsgType.CHALLENGE, {"nonce": nonce})
        except _ErrorAnswer as err:
            return Outcome.AUTH_FAILED, f"the key refused the challenge: {err}"
        signed = challenge_message(nonce, Role.LOCK, self.lock_id, key_id)
        if not _verifies(permission_set["key_public"], answer["signature"], signed):
            return Outcome.AUTH_FAILED, "the challenge answer does not verify with the set's key"
        # 6. blocklist
        if key_id in self._blocked:
            return (
                Outcome.BLOCKED,
                f"key {key_id} is on blocklist version {self._blocklist_version}",
            )
        # 7. window, by the lock's own clock
        now = self.clock.now()
        if now < permission_set["valid_from"]:
            return Outcome.NOT_YET_VALID, "the set's window has not begun by the lock's clock"
        if now >= permission_set["valid_until"]:
            return Outcome.EXPIRED, "the set's window has ended by the lock's clock"
        # 8. this lock listed
        if self.lock_id not in permission_set["lock_ids"]:
            return Outcome.NOT_IN_SET, f"lock {self.lock_id} is not in the key's set"
        return Outcome.OPENED, "opened"

    def _record(self, outcome: Outcome, key_id: int) -> dict[str, Any]:
        if self._next_seq > U32_MAX:
            raise RuntimeError(f"lock {self.lock_id}: lock_seq exhausted")
        event = make_event(
            self.lock_id,
            self._secret,
            self._next_seq,
            outcome,
            key_id,
            self.clock.now(),
            self._blocklist_version,
        )
        self._next_seq += 1
        self._pending.append(event)
        self.events_log.append(dict(event))
        return event

    def _deliver(self, session: _Session) -> int:
        """AUDIT_APPEND waiting events, oldest first, until the key stops taking them."""
        delivered = 0
        while self._pending:
            try:
                session.request(MsgType.AUDIT_APPEND, {"event": self._pending[0]})
            except (_ErrorAnswer, _Failed):
                break  # STORAGE_FULL, BATTERY_LOW, pulled: the next key gets them
            self._pending.pop(0)
            delivered += 1
        return delivered


class _Session:
    """One exchange with a key: request numbering, retries, replies checked against requests."""

    def __init__(self, lock: VirtualLock, send: Send) -> None:
        self._lock = lock
        self._send = send
        self._chunk = lock.max_payload - READ_HEADER

    def request(self, msg_type: MsgType, fields: dict[str, Any]) -> dict[str, Any]:
        """The decoded answer; _ErrorAnswer for an error status; _Failed when none came."""
        seq = self._lock.new_request_seq()
        body = encode_message(msg_type, seq, encode_payload(msg_type, False, fields))
        last = "no answer"
        for _attempt in range(1 + RETRIES):
            try:
                raw = self._send(body)
            except (NoAnswer, TimeoutError, OSError) as err:
                last = f"no answer to {msg_type.name}: {err or type(err).__name__}"
                continue
            if not raw:
                last = f"no answer to {msg_type.name}"
                continue
            try:
                reply = decode_message(raw)
            except ProtocolError as err:
                last = f"garbled answer to {msg_type.name}: {err}"
                continue
            if (
                reply["type"] != msg_type
                or reply["seq"] != seq
                or not reply["flags"] & k.FLAG_RESPONSE
            ):
                last = f"an answer that is not to this {msg_type.name}"
                continue
            if reply["status"] != Status.OK:
                try:
                    detail = decode_error(reply["payload"])["detail"]
                except ProtocolError:
                    detail = 0
                raise _ErrorAnswer(reply["status"], detail)
            try:
                return decode_payload(msg_type, True, reply["payload"])
            except ProtocolError as err:
                last = f"malformed answer to {msg_type.name}: {err}"
                continue
        raise _Failed(last)

    def hello(self) -> dict[str, Any]:
        fields = {
            "time": self._lock.clock.now(),
            "role": Role.LOCK,
            "max_payload": min(self._lock.max_payload, 0xFFFF),
            "peer_id": self._lock.lock_id,
        }
        try:
            info = self.request(MsgType.HELLO, fields)
        except _ErrorAnswer as err:
            raise _Failed(f"the key refused HELLO: {err}") from None
        self._chunk = max(1, min(self._lock.max_payload, info["max_payload"]) - READ_HEADER)
        return info

    def read_object(self, obj: ObjType, limit: int) -> bytes | str | _ErrorAnswer:
        """The object's bytes; the key's refusal; or a str saying why the read came out wrong.

        _Failed (no answer) propagates.
        """
        try:
            stat = self.request(MsgType.OBJ_STAT, {"obj": obj})
        except _ErrorAnswer as err:
            return err
        size: int = stat["size"]
        if size > limit:
            return f"the key offers a {obj.name.lower()} of {size} bytes, at most {limit} exist"
        data = bytearray()
        while len(data) < size:
            try:
                chunk = self.request(
                    MsgType.OBJ_READ,
                    {"obj": obj, "max_len": min(self._chunk, 0xFFFF), "offset": len(data)},
                )
            except _ErrorAnswer as err:
                return f"the key stopped handing over its {obj.name.lower()}: {err}"
            if chunk["offset"] != len(data) or not chunk["data"]:
                return f"the key's {obj.name.lower()} ends before its size"
            data += chunk["data"]
        if len(data) != size or hashlib.sha256(data).digest() != stat["sha256"]:
            return f"the {obj.name.lower()} read differs from its SHA-256"
        return bytes(data)
