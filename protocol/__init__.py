"""synk wire protocol, version 1: the normative reference implementation of SPEC.md.

Everything is plain Python values in and out (dicts, lists, ints, bytes, str;
the shape is CODEC_API.md's), and every malformed input raises
`ProtocolError` naming the field at fault.

- `protocol.records`: records of sections 8 and 9 (permission set, blocklist,
  audit event and batch, station bundle, service token, upload batch, outbox
  record) and the bytes their signatures and MACs cover.
- `protocol.messages`: the message header, every payload, error details.
- `protocol.framing`: CRC-32, COBS, frames and the resynchronising receiver.
- `protocol.chunked`: the chunked object transfer of section 6.
- `protocol.vectors`: the golden vectors in `protocol/vectors/`;
  `python -m protocol.show_vectors` prints them.
"""

from protocol.chunked import ChunkReceiver, read_chunk, split_chunks
from protocol.constants import (
    MAX_BODY,
    MAX_ENCODED_FRAME,
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
    MsgType,
    ObjType,
    OutboxKind,
    Outcome,
    Role,
    SectionId,
    StationReason,
    Status,
    TokenPermission,
    TokenRefusal,
)
from protocol.errors import ProtocolError, TransferError
from protocol.framing import (
    FrameDecoder,
    cobs_decode,
    cobs_encode,
    crc32,
    decode_frame,
    encode_frame,
)
from protocol.messages import (
    challenge_message,
    decode_error,
    decode_message,
    decode_payload,
    encode_error,
    encode_message,
    encode_payload,
)
from protocol.records import (
    RECORD_KINDS,
    audit_mac,
    authority_key_id,
    decode_record,
    encode_record,
    rebuild_permission_set,
    signed_part,
)

__all__ = [
    "MAX_BODY",
    "MAX_ENCODED_FRAME",
    "MAX_PAYLOAD",
    "PROTOCOL_VERSION",
    "RECORD_KINDS",
    "ChunkReceiver",
    "FrameDecoder",
    "MsgType",
    "ObjType",
    "OutboxKind",
    "Outcome",
    "ProtocolError",
    "Role",
    "SectionId",
    "StationReason",
    "Status",
    "TokenPermission",
    "TokenRefusal",
    "TransferError",
    "audit_mac",
    "authority_key_id",
    "challenge_message",
    "cobs_decode",
    "cobs_encode",
    "crc32",
    "decode_error",
    "decode_frame",
    "decode_message",
    "decode_payload",
    "decode_record",
    "encode_error",
    "encode_frame",
    "encode_message",
    "encode_payload",
    "encode_record",
    "read_chunk",
    "rebuild_permission_set",
    "signed_part",
    "split_chunks",
]
