"""Records of SPEC.md sections 8 and 9: encode, decode, and what is signed or MACed.

`encode_record(kind, fields)` and `decode_record(kind, data)` take the kinds of
CODEC_API.md (`permission_set`, `blocklist`, `audit_event`, `audit_batch`,
`service_token`, `bundle`, `upload_batch`, `outbox_record`). The layouts are
in `record_layouts.py` and `bundle.py`; this module is the public face.

Signing is the back office's business; the helpers here only say which bytes
a signature or MAC covers, so that signers and verifiers agree.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from protocol import constants as k
from protocol._construct import build, parse_exact
from protocol.bundle import decode_bundle, encode_bundle, rebuild_permission_set
from protocol.errors import ProtocolError
from protocol.record_layouts import (
    AUDIT_BATCH,
    AUDIT_EVENT,
    BLOCKLIST,
    LAYOUTS,
    OUTBOX_RECORD,
    PERMISSION_SET,
    SERVICE_TOKEN,
    UPLOAD_BATCH,
)

__all__ = [
    "AUDIT_BATCH",
    "AUDIT_EVENT",
    "BLOCKLIST",
    "OUTBOX_RECORD",
    "PERMISSION_SET",
    "RECORD_KINDS",
    "SERVICE_TOKEN",
    "SIGNED_KINDS",
    "UPLOAD_BATCH",
    "audit_mac",
    "authority_key_id",
    "decode_record",
    "encode_record",
    "rebuild_permission_set",
    "signed_part",
]

RECORD_KINDS = (
    "permission_set",
    "blocklist",
    "audit_event",
    "audit_batch",
    "service_token",
    "bundle",
    "upload_batch",
    "outbox_record",
)
SIGNED_KINDS = ("permission_set", "blocklist", "service_token", "bundle")


def _check_kind(kind: object, kinds: tuple[str, ...]) -> str:
    if not isinstance(kind, str) or kind not in kinds:
        raise ProtocolError("kind", f"unknown record kind {kind!r}")
    return kind


def encode_record(kind: str, fields: Any) -> bytes:
    """The bytes of record `kind` with the values in `fields` (CODEC_API.md)."""
    if _check_kind(kind, RECORD_KINDS) == "bundle":
        return encode_bundle(fields)
    return build(LAYOUTS[kind], fields, kind)


def decode_record(kind: str, data: Any) -> dict[str, Any]:
    """The fields of record `kind`; ProtocolError unless `data` is exactly one such record."""
    if _check_kind(kind, RECORD_KINDS) == "bundle":
        return decode_bundle(data)
    fields: dict[str, Any] = parse_exact(LAYOUTS[kind], data, kind)
    return fields


def signed_part(kind: str, data: Any) -> bytes:
    """The bytes the signature of a well-formed signed record covers."""
    decode_record(_check_kind(kind, SIGNED_KINDS), data)
    raw = bytes(data)
    if kind == "bundle":
        return raw[: k.BUNDLE_SIGNED_SIZE]
    return raw[: -k.SIGNATURE_SIZE]


def authority_key_id(public_key: Any) -> bytes:
    """The first 8 bytes of SHA-256 of a 32-byte Ed25519 public key."""
    if not isinstance(public_key, bytes | bytearray) or len(public_key) != k.PUBLIC_KEY_SIZE:
        raise ProtocolError("public_key", f"expected {k.PUBLIC_KEY_SIZE} bytes")
    return hashlib.sha256(public_key).digest()[: k.AUTHORITY_KEY_ID_SIZE]


def audit_mac(lock_secret: Any, event: Any) -> bytes:
    """The `mac` of an audit event (8.3): HMAC-SHA-256 over its first 20 bytes, cut to 16.

    `event` is an audit_event dict (its `mac` may be absent) or the event's
    bytes (36, or just the first 20).
    """
    if not isinstance(lock_secret, bytes | bytearray) or len(lock_secret) != k.LOCK_SECRET_SIZE:
        raise ProtocolError("lock_secret", f"expected {k.LOCK_SECRET_SIZE} bytes")
    if isinstance(event, dict):
        if "mac" not in event:
            event = {**event, "mac": bytes(k.MAC_SIZE)}
        covered = encode_record("audit_event", event)[: k.AUDIT_MAC_INPUT_SIZE]
    elif isinstance(event, bytes | bytearray):
        if len(event) == k.AUDIT_EVENT_SIZE:
            decode_record("audit_event", event)
        elif len(event) != k.AUDIT_MAC_INPUT_SIZE:
            raise ProtocolError("audit_event", f"expected 20 or 36 bytes, got {len(event)}")
        covered = bytes(event[: k.AUDIT_MAC_INPUT_SIZE])
    else:
        raise ProtocolError("audit_event", f"expected a dict or bytes, got {type(event).__name__}")
    return hmac.new(bytes(lock_secret), covered, hashlib.sha256).digest()[: k.MAC_SIZE]
