"""The golden vectors of `protocol/vectors/*.json`: loading them and checking
them against the codec in both directions.

JSON convention (also stated in every file's "about" and in
protocol/vectors/README.md): a vector is an object with "name", either
"kind" (a record kind, or "message", "error_detail", "crc32", "cobs",
"frame") or "msg_type" (integer) and "response" (boolean), "hex" (the
encoded bytes), and "fields" (the decoded value) or, for an input that
must be refused, "rejects_field" (the field the reference implementation
names). Inside "fields", a string under a key listed in `BYTES_FIELDS` is
hex-encoded bytes; every other string is text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocol.constants import MsgType
from protocol.errors import ProtocolError
from protocol.framing import cobs_decode, cobs_encode, crc32, decode_frame, encode_frame
from protocol.messages import (
    decode_error,
    decode_message,
    decode_payload,
    encode_error,
    encode_message,
    encode_payload,
)
from protocol.records import RECORD_KINDS, decode_record, encode_record

VECTOR_DIR = Path(__file__).resolve().parent / "vectors"

BYTES_FIELDS = frozenset(
    {
        "authority_key_id",
        "blocklist",
        "body",
        "code_salt",
        "code_verifier",
        "data",
        "derived",
        "header_sha256",
        "key_public",
        "mac",
        "nonce",
        "payload",
        "proof",
        "sha256",
        "signature",
        "token",
    }
)

CONVENTION = (
    'Each vector has "name"; "kind" (a record kind, or message, error_detail, crc32, cobs, '
    'frame) or "msg_type" (integer) and "response" (boolean); "hex", the encoded bytes; and '
    '"fields", the decoded value, or "rejects_field" for input that must be refused (the '
    "field the reference implementation names; others may name it differently). In "
    '"fields", a string under one of the keys in "bytes_fields" is hex-encoded bytes; every '
    "other string is UTF-8 text. Integers are JSON numbers. Checking a vector means "
    "decode(hex) == fields and encode(fields) == hex (crc32: crc32(hex) == fields.crc32)."
)


@dataclass(frozen=True)
class Vector:
    family: str  # the file's stem, e.g. "records_bundle"
    name: str
    hex: str
    kind: str | None = None
    msg_type: int | None = None
    response: bool | None = None
    fields: Any = None  # JSON form; see from_json
    rejects_field: str | None = None

    @property
    def data(self) -> bytes:
        return bytes.fromhex(self.hex)

    @property
    def label(self) -> str:
        if self.kind is not None:
            return self.kind
        known = {int(member): member.name for member in MsgType}
        name = known.get(self.msg_type or 0, f"type {self.msg_type}")
        return f"{name} {'response' if self.response else 'request'}"


def to_json(value: Any) -> Any:
    """Python value -> JSON value: bytes become hex strings."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {name: to_json(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def from_json(value: Any, key: str | None = None) -> Any:
    """JSON value -> Python value: strings under a `BYTES_FIELDS` key become bytes."""
    if isinstance(value, dict):
        return {name: from_json(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [from_json(item, key) for item in value]
    if isinstance(value, str) and key in BYTES_FIELDS:
        return bytes.fromhex(value)
    return value


def load_family(path: Path) -> list[Vector]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        Vector(
            family=path.stem,
            name=item["name"],
            hex=item["hex"],
            kind=item.get("kind"),
            msg_type=item.get("msg_type"),
            response=item.get("response"),
            fields=item.get("fields"),
            rejects_field=item.get("rejects_field"),
        )
        for item in document["vectors"]
    ]


def family_paths(directory: Path = VECTOR_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def load_vectors(directory: Path = VECTOR_DIR) -> list[Vector]:
    return [vector for path in family_paths(directory) for vector in load_family(path)]


def _message_encoder(fields: dict[str, Any]) -> bytes:
    return encode_message(
        fields["type"],
        fields["seq"],
        fields["payload"],
        response=bool(fields["flags"] & 1),
        status=fields["status"],
    )


_DECODERS: dict[str, Callable[[bytes], Any]] = {
    "message": decode_message,
    "error_detail": decode_error,
    "crc32": lambda data: {"crc32": crc32(data)},
    "cobs": lambda data: {"data": cobs_decode(data)},
    "frame": lambda data: {"body": decode_frame(data)},
}
_ENCODERS: dict[str, Callable[[Any], bytes]] = {
    "message": _message_encoder,
    "error_detail": lambda fields: encode_error(fields["detail"], fields["text"]),
    "cobs": lambda fields: cobs_encode(fields["data"]),
    "frame": lambda fields: encode_frame(fields["body"]),
}


def decode_vector(vector: Vector) -> Any:
    """What the codec decodes the vector's bytes to (Python values)."""
    if vector.kind is None:
        if vector.msg_type is None or vector.response is None:
            raise ProtocolError("vector", f"{vector.name}: no kind and no msg_type/response")
        return decode_payload(vector.msg_type, vector.response, vector.data)
    if vector.kind in RECORD_KINDS:
        return decode_record(vector.kind, vector.data)
    return _DECODERS[vector.kind](vector.data)


def encode_vector(vector: Vector) -> bytes | None:
    """What the codec encodes the vector's fields to; None for one-way kinds (crc32)."""
    fields = from_json(vector.fields)
    if vector.kind is None:
        assert vector.msg_type is not None and vector.response is not None
        return encode_payload(vector.msg_type, vector.response, fields)
    if vector.kind in RECORD_KINDS:
        return encode_record(vector.kind, fields)
    encoder = _ENCODERS.get(vector.kind)
    return None if encoder is None else encoder(fields)


def check_vector(vector: Vector) -> list[str]:
    """Problems with one vector; an empty list when it matches in both directions."""
    if vector.rejects_field is not None:
        try:
            decoded = decode_vector(vector)
        except ProtocolError as err:
            if err.field != vector.rejects_field:
                return [f"refused at {err.field!r}, expected {vector.rejects_field!r}"]
            return []
        return [f"decoded to {decoded!r} instead of being refused"]
    problems = []
    try:
        decoded = to_json(decode_vector(vector))
        if decoded != vector.fields:
            problems.append(f"decodes to {decoded!r}, expected {vector.fields!r}")
    except ProtocolError as err:
        problems.append(f"decoding failed: {err}")
    try:
        encoded = encode_vector(vector)
        if encoded is not None and encoded != vector.data:
            problems.append(f"encodes to {encoded.hex()}, expected {vector.hex}")
    except ProtocolError as err:
        problems.append(f"encoding failed: {err}")
    return problems
