"""firmware.codec / firmware.framing against the reference protocol/ package (CPython only).

The two codecs are written independently from SPEC.md; Hypothesis holds them
together: every record and payload the shared strategies draw
(tests/protocol/strategies.py) encodes to the same bytes with both and decodes
to the same dict with both, in both directions. Beyond valid values, both must
accept and refuse the same inputs: arbitrary bytes and mutated encodings (with
bundle section hashes recomputed, so the contents are judged) are accepted by
both with equal dicts or refused by both, and the firmware raises only
CodecError. Framing: the same frames, and the same noisy streams fed in the
same chunks give the same bodies and counters.
"""

import hashlib
import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware import codec, pin_secret
from firmware import framing as fw_framing
from firmware.protocol_constants import MSG_PIN_PROOF
from protocol import framing as ref_framing
from protocol import messages as ref_messages
from protocol import records as ref_records
from protocol.errors import ProtocolError
from tests.protocol.strategies import error_details, payloads, record_fields, records

SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = tuple(ref_records.RECORD_KINDS)
PAYLOAD_KEYS = tuple(
    (int(t), r) for (t, r) in sorted(ref_messages.PAYLOADS, key=lambda k: (int(k[0]), k[1]))
)


class _Firmware:
    """The firmware's codec, with PIN_PROOF's payloads from firmware/pin_secret.py (its home)."""

    def __getattr__(self, name):
        return getattr(codec, name)

    CodecError = (codec.CodecError, pin_secret.PinError)

    @staticmethod
    def encode_payload(msg_type, response, fields):
        if msg_type == MSG_PIN_PROOF:
            return pin_secret.encode_payload(response, fields)
        return codec.encode_payload(msg_type, response, fields)

    @staticmethod
    def decode_payload(msg_type, response, data):
        if msg_type == MSG_PIN_PROOF:
            return pin_secret.decode_payload(response, data)
        return codec.decode_payload(msg_type, response, data)


fw = _Firmware()


def _without_sections(fields):
    return {name: value for name, value in fields.items() if name != "sections"}


# --- the two decoders as one "outcome" each, for agreement checks -----------------------


def _fw_outcome(func, *args):
    try:
        return ("ok", func(*args))
    except fw.CodecError as exc:
        return ("refused", exc.field)


def _ref_outcome(func, *args):
    try:
        return ("ok", func(*args))
    except ProtocolError as exc:
        return ("refused", exc.field)


def _agree(fw_func, ref_func, *args):
    mine = _fw_outcome(fw_func, *args)
    theirs = _ref_outcome(ref_func, *args)
    assert mine[0] == theirs[0], (mine, theirs)
    if mine[0] == "ok":
        assert mine[1] == theirs[1]
    return mine


# --- records -----------------------------------------------------------------------------


@SLOW
@given(records())
def test_records_encode_alike_and_decode_across(kind_fields):
    kind, fields = kind_fields
    mine = fw.encode_record(kind, fields)
    theirs = ref_records.encode_record(kind, fields)
    assert mine == theirs
    decoded_by_fw = fw.decode_record(kind, theirs)
    decoded_by_ref = ref_records.decode_record(kind, mine)
    assert decoded_by_fw == decoded_by_ref
    assert _without_sections(decoded_by_fw) == fields
    # what one decoder gives, the other encoder takes back to the same bytes
    assert fw.encode_record(kind, decoded_by_ref) == theirs
    assert ref_records.encode_record(kind, decoded_by_fw) == mine
    if kind in ref_records.SIGNED_KINDS:
        assert fw.signed_part(kind, mine) == ref_records.signed_part(kind, theirs)


@SLOW
@given(record_fields("bundle"), st.booleans())
def test_bundle_lazy_accessors_match_the_reference_decoder(fields, as_view):
    data = ref_records.encode_record("bundle", fields)
    decoded = ref_records.decode_record("bundle", data)
    buf = memoryview(data) if as_view else data
    header = fw.bundle_header(buf)
    assert fw.bundle_check(buf) == header
    for name in ("lock_lists", "keys", "sets", "blocklist"):
        del decoded[name]
    assert header == decoded
    assert fw.bundle_blocklist(buf, header) == fields["blocklist"]
    assert fw.bundle_key_count(buf, header) == len(fields["keys"])
    for index, ids in enumerate(fields["lock_lists"]):
        assert fw.bundle_lock_list(buf, header, index) == ids
    present = set()
    for k, key in enumerate(fields["keys"]):
        present.add(key["key_id"])
        assert fw.bundle_find_key(buf, header, key["key_id"]) == k
        assert fw.bundle_key_at(buf, header, k) == key
        for d, entry in enumerate(fields["sets"][k]):
            assert fw.bundle_set_entry(buf, header, k, d) == entry
            if entry["valid_until"] == 0:
                assert fw.bundle_rebuild_permission_set(buf, header, k, d) is None
            elif entry["lock_list"] < len(fields["lock_lists"]):
                expected = ref_records.rebuild_permission_set(fields, k, d)
                assert fw.bundle_rebuild_permission_set(buf, header, k, d) == expected
            else:
                try:
                    fw.bundle_rebuild_permission_set(buf, header, k, d)
                except fw.CodecError:
                    pass
                else:
                    raise AssertionError("dangling lock_list accepted")
    for probe in (0, 1, 0x7FFFFFFF, 0xFFFFFFFF):
        if probe not in present:
            assert fw.bundle_find_key(buf, header, probe) == -1


# --- payloads, messages, error details ------------------------------------------------------


@SLOW
@given(payloads())
def test_payloads_encode_alike_and_decode_across(payload):
    msg_type, response, fields = payload
    mine = fw.encode_payload(msg_type, response, fields)
    theirs = ref_messages.encode_payload(msg_type, response, fields)
    assert mine == theirs
    assert fw.decode_payload(msg_type, response, theirs) == fields
    assert ref_messages.decode_payload(msg_type, response, mine) == fields


@SLOW
@given(
    st.integers(0, 255),
    st.integers(0, 0xFFFF),
    st.binary(max_size=512),
    st.booleans(),
    st.integers(0, 255),
)
def test_messages_encode_alike_and_decode_across(msg_type, seq, payload, response, status):
    if not response:
        status = 0
    mine = fw.encode_message(msg_type, seq, payload, response, status)
    theirs = ref_messages.encode_message(msg_type, seq, payload, response, status)
    assert mine == theirs
    assert fw.decode_message(theirs) == ref_messages.decode_message(mine)


@SLOW
@given(error_details())
def test_error_details_encode_alike_and_decode_across(detail):
    mine = fw.encode_error(detail["detail"], detail["text"])
    assert mine == ref_messages.encode_error(detail["detail"], detail["text"])
    assert fw.decode_error(mine) == ref_messages.decode_error(mine) == detail


# --- the same inputs accepted and refused ------------------------------------------------------


@SLOW
@given(st.binary(max_size=600))
def test_arbitrary_bytes_judged_alike(data):
    for kind in KINDS:
        _agree(fw.decode_record, ref_records.decode_record, kind, data)
    for msg_type, response in PAYLOAD_KEYS:
        _agree(fw.decode_payload, ref_messages.decode_payload, msg_type, response, data)
    _agree(fw.decode_message, ref_messages.decode_message, data)
    _agree(fw.decode_error, ref_messages.decode_error, data)


def _rehash(data):
    """Recompute a bundle's section hashes where its table still points inside the data."""
    if len(data) < 284 or data[:4] != b"SKSB":
        return data
    out = bytearray(data)
    for i in range(4):
        entry = 44 + 44 * i
        offset, length = struct.unpack_from("<II", out, entry + 4)
        if offset + length <= len(out):
            out[entry + 12 : entry + 44] = hashlib.sha256(out[offset : offset + length]).digest()
    return bytes(out)


@st.composite
def _mutations(draw, data):
    """A few edits of ``data``: flipped, replaced, inserted or deleted bytes, or a cut."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("flip", "set", "insert", "delete", "cut")))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if op == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and out:
            out[at] = draw(st.sampled_from((0, 1, 2, 0x7F, 0x80, 0xC0, 0xED, 0xFF)))
        elif op == "insert":
            out.insert(at, draw(st.integers(0, 255)))
        elif op == "delete" and out:
            del out[at]
        elif op == "cut":
            del out[at:]
    return bytes(out)


@SLOW
@given(st.data())
def test_mutated_records_judged_alike(data):
    kind, fields = data.draw(records())
    mutated = data.draw(_mutations(ref_records.encode_record(kind, fields)))
    if kind == "bundle":
        mutated = _rehash(mutated)
    _agree(fw.decode_record, ref_records.decode_record, kind, mutated)
    if kind == "bundle":
        outcome = _fw_outcome(fw.bundle_check, mutated)
        assert outcome[0] == _fw_outcome(fw.decode_record, kind, mutated)[0]


@SLOW
@given(st.data())
def test_mutated_bundle_sections_judged_alike(data):
    # same-length edits inside the sections, hashes recomputed: only the contents are judged
    # (key order, display names, lock-list order, counts, the blocklist record)
    fields = data.draw(record_fields("bundle"))
    out = bytearray(ref_records.encode_record("bundle", fields))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(284, len(out) - 1))
        if data.draw(st.booleans()):
            out[at] ^= 1 << data.draw(st.integers(0, 7))
        else:
            out[at] = data.draw(st.sampled_from((0, 1, 0x80, 0xC0, 0xC3, 0xED, 0xF4, 0xFF)))
    mutated = _rehash(bytes(out))
    mine = _agree(fw.decode_record, ref_records.decode_record, "bundle", mutated)
    assert _fw_outcome(fw.bundle_check, mutated)[0] == mine[0]


@SLOW
@given(st.data())
def test_mutated_payloads_judged_alike(data):
    msg_type, response, fields = data.draw(payloads())
    mutated = data.draw(_mutations(ref_messages.encode_payload(msg_type, response, fields)))
    _agree(fw.decode_payload, ref_messages.decode_payload, msg_type, response, mutated)


@SLOW
@given(st.data())
def test_mutated_messages_and_errors_judged_alike(data):
    detail = data.draw(error_details())
    error = ref_messages.encode_error(detail["detail"], detail["text"])
    _agree(fw.decode_error, ref_messages.decode_error, data.draw(_mutations(error)))
    body = ref_messages.encode_message(
        data.draw(st.integers(0, 255)), data.draw(st.integers(0, 0xFFFF)), error, True, 3
    )
    _agree(fw.decode_message, ref_messages.decode_message, data.draw(_mutations(body)))


# --- framing --------------------------------------------------------------------------------

bodies = st.binary(min_size=8, max_size=520)


@SLOW
@given(st.binary(max_size=700))
def test_crc_and_cobs_alike(data):
    assert fw_framing.crc32(data) == ref_framing.crc32(data)
    assert fw_framing.crc32_table(data) == ref_framing.crc32(data)
    encoded = fw_framing.cobs_encode(data)
    assert encoded == ref_framing.cobs_encode(data)
    assert fw_framing.cobs_decode(encoded) == data
    # arbitrary blocks: the same ones decode, to the same bytes
    try:
        theirs = ("ok", ref_framing.cobs_decode(data))
    except ProtocolError:
        theirs = ("refused", None)
    try:
        mine = ("ok", fw_framing.cobs_decode(data))
    except fw_framing.CobsError:
        mine = ("refused", None)
    assert mine == theirs


@SLOW
@given(bodies)
def test_frames_encode_alike_and_decode_across(body):
    frame = fw_framing.encode_frame(body)
    assert frame == ref_framing.encode_frame(body)
    assert ref_framing.decode_frame(frame) == body
    decoder = fw_framing.FrameDecoder()
    assert decoder.feed(ref_framing.encode_frame(body)) == [body]
    assert (decoder.frames, decoder.crc_errors, decoder.overlong) == (1, 0, 0)


@st.composite
def _noisy_stream(draw):
    """Frames with noise, damage, truncation, overlong runs and spare delimiters between."""
    out = bytearray()
    for _ in range(draw(st.integers(1, 8))):
        piece = draw(
            st.sampled_from(("frame", "frame", "noise", "damaged", "cut", "long", "zeros"))
        )
        if piece == "frame":
            out += fw_framing.encode_frame(draw(bodies))
        elif piece == "noise":
            out += draw(st.binary(max_size=40))
        elif piece == "damaged":
            frame = bytearray(fw_framing.encode_frame(draw(bodies)))
            at = draw(st.integers(0, len(frame) - 2))
            frame[at] = draw(st.integers(0, 255))
            out += frame
        elif piece == "cut":
            frame = fw_framing.encode_frame(draw(bodies))
            out += frame[: draw(st.integers(0, len(frame) - 1))]
        elif piece == "long":
            out += draw(st.binary(min_size=1, max_size=4)).replace(b"\x00", b"\x01") * draw(
                st.integers(130, 400)
            )
        else:
            out += bytes(draw(st.integers(1, 3)))
    cuts = sorted(draw(st.lists(st.integers(0, len(out)), max_size=6)))
    chunks = []
    last = 0
    for cut in [*cuts, len(out)]:
        chunks.append(bytes(out[last:cut]))
        last = cut
    return chunks


@SLOW
@given(_noisy_stream())
def test_noisy_streams_decode_alike(chunks):
    mine = fw_framing.FrameDecoder()
    theirs = ref_framing.FrameDecoder()
    got_mine = []
    got_theirs = []
    for chunk in chunks:
        got_mine += mine.feed(chunk)
        got_theirs += theirs.feed(chunk)
    assert got_mine == got_theirs
    assert (mine.frames, mine.crc_errors, mine.overlong) == (
        theirs.frames,
        theirs.crc_errors,
        theirs.overlong,
    )
