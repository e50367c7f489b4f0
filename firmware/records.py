"""The record API of the station's codec: decoding records of SPEC.md 8 and 9, signed parts.

Mirrors ``protocol/records.py`` (CODEC_API.md): ``decode_record(kind, data)``
for any kind, or the typed decoder of one kind (``decode_service_token`` ...),
and ``signed_part``, the bytes a record's signature covers. The layouts and
decoders are ``firmware.record_layouts`` and ``firmware.bundle_format``;
``encode_record`` is ``firmware.record_encoders`` (tests and tools only, not
on the board).
"""

import struct

from firmware import record_layouts as _layouts
from firmware.bundle_format import bundle_header
from firmware.bundle_format import decode_bundle as _decode_bundle
from firmware.protocol_constants import (
    BLOCKLIST_SIGNED_BASE,
    BUNDLE_SIGNED_SIZE,
    PERMISSION_SET_SIGNED_BASE,
    SERVICE_TOKEN_SIGNED_SIZE,
)
from firmware.wire_fields import MAGIC_SIZE, CodecError, check_bytes, guard

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

    from firmware.bundle_format import Bundle
    from firmware.record_layouts import (
        AuditBatch,
        AuditEvent,
        Blocklist,
        OutboxRecord,
        PermissionSet,
        ServiceToken,
        UploadBatch,
    )
    from firmware.wire_fields import Buf

# kind -> decoder; every decoder returns its kind's TypedDict
_DECODERS: "dict[str, Callable[[Buf], Any]]" = {
    "permission_set": _layouts.decode_permission_set,
    "blocklist": _layouts.decode_blocklist,
    "audit_event": _layouts.decode_audit_event,
    "audit_batch": _layouts.decode_audit_batch,
    "service_token": _layouts.decode_service_token,
    "bundle": _decode_bundle,
    "upload_batch": _layouts.decode_upload_batch,
    "outbox_record": _layouts.decode_outbox_record,
}
# Bytes the signature covers: [0, end) where end is computed from the data.
_COUNT_AT = MAGIC_SIZE + 2  # the u16 count of a permission set's locks, a blocklist's keys
_SIGNED_END: "dict[str, Callable[[Buf], int]]" = {
    "permission_set": lambda data: (
        PERMISSION_SET_SIGNED_BASE + 4 * struct.unpack_from("<H", data, _COUNT_AT)[0]
    ),
    "blocklist": lambda data: (
        BLOCKLIST_SIGNED_BASE + 4 * struct.unpack_from("<H", data, _COUNT_AT)[0]
    ),
    "service_token": lambda data: SERVICE_TOKEN_SIGNED_SIZE,
    "bundle": lambda data: BUNDLE_SIGNED_SIZE,
}


def _where(kind: object) -> str:
    return kind if isinstance(kind, str) else "kind"


def _decoder(kind: str) -> "Callable[[Buf], Any]":
    try:
        return _DECODERS[kind]
    except (KeyError, TypeError):
        raise CodecError("kind", "unknown record kind %r" % (kind,))


def decode_record(kind: str, data: "Buf") -> "Any":
    """Decode and check a record (``kind`` as in CODEC_API.md); CodecError on anything malformed.

    The dict is the kind's TypedDict (the typed decoders below say which).
    """
    return guard(_decode, (kind, data), _where(kind))


def _decode(kind: str, data: "Buf") -> "Any":
    decoder = _decoder(kind)
    check_bytes(data, None, "data")
    return decoder(data)


def decode_permission_set(data: "Buf") -> "PermissionSet":
    """A permission set (8.1)."""
    return guard(_decode, ("permission_set", data), "permission_set")


def decode_blocklist(data: "Buf") -> "Blocklist":
    """A blocklist (8.2)."""
    return guard(_decode, ("blocklist", data), "blocklist")


def decode_audit_event(data: "Buf") -> "AuditEvent":
    """One audit event (8.3)."""
    return guard(_decode, ("audit_event", data), "audit_event")


def decode_audit_batch(data: "Buf") -> "AuditBatch":
    """A key's audit batch (8.3)."""
    return guard(_decode, ("audit_batch", data), "audit_batch")


def decode_service_token(data: "Buf") -> "ServiceToken":
    """A service token (8.5)."""
    return guard(_decode, ("service_token", data), "service_token")


def decode_outbox_record(data: "Buf") -> "OutboxRecord":
    """One outbox record (9.2)."""
    return guard(_decode, ("outbox_record", data), "outbox_record")


def decode_upload_batch(data: "Buf") -> "UploadBatch":
    """An upload batch (9.1)."""
    return guard(_decode, ("upload_batch", data), "upload_batch")


def decode_bundle(data: "Buf") -> "Bundle":
    """A whole station bundle (8.4), every entry as dicts (tests and tools; the station reads
    its bundle with ``firmware.bundle_format``'s accessors)."""
    return guard(_decode, ("bundle", data), "bundle")


def signed_part(kind: str, data: "Buf") -> bytes:
    """The bytes a record's signature covers (the record is checked first)."""
    return guard(_signed_part, (kind, data), _where(kind))


def _signed_part(kind: str, data: "Buf") -> bytes:
    if kind not in _SIGNED_END:
        raise CodecError("kind", "%r is not signed" % (kind,))
    if kind == "bundle":
        bundle_header(data)
    else:
        _decode(kind, data)
    return bytes(memoryview(data)[0 : _SIGNED_END[kind](data)])
