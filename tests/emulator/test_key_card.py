"""emulator.key_card: a virtual key as an NFC card (protocol/SPEC.md 1.2), alone and end to end
through hw.nfc_reader.NfcKeyReader, hw.pn532.PN532_UART and emulator.pn532_chip.EmulatedPN532.

Status words are ISO/IEC 7816-4's: 6E 00 class not supported, 6D 00
instruction not supported, 6A 86 incorrect P1-P2, 6A 82 application not
found, 69 85 conditions of use not satisfied, 67 00 wrong length.
"""

from __future__ import annotations

import pytest

from emulator.key_card import KeyCard
from emulator.pn532_chip import EmulatedPN532
from emulator.virtual_key import sample_events
from hw.nfc_reader import NfcError, NfcKeyReader
from hw.pn532 import PN532_UART
from protocol.constants import MsgType, ObjType, Status
from protocol.messages import decode_message
from tests.emulator.test_virtual_key import (
    KEY_ID,
    Requester,
    make_key,
    parse_response,
    permission_set,
)
from tests.hw.dummies import FakeClock

UID = bytes.fromhex("04526a32d15e80")
SELECT = bytes.fromhex("00A4040007F053594E4B303100")
HELLO_FIELDS = {"time": 1, "role": 1, "max_payload": 232, "peer_id": 7}


def apdu(message: bytes) -> bytes:
    return b"\x80\x53\x00\x00" + bytes([len(message)]) + message + b"\x00"


def hello() -> bytes:
    return Requester(lambda body: body).body(MsgType.HELLO, HELLO_FIELDS)


def reader_for(card: KeyCard) -> tuple[EmulatedPN532, NfcKeyReader]:
    clock = FakeClock()
    chip = EmulatedPN532(card)
    reader = NfcKeyReader(PN532_UART(chip, ticks_ms=clock.ticks_ms, sleep_ms=clock.sleep_ms))
    assert reader.begin() == (0x32, 1, 6, 7)
    return chip, reader


def test_hello_end_to_end_through_the_pn532() -> None:
    card = KeyCard(make_key(), UID)
    _chip, reader = reader_for(card)
    assert reader.find_key()
    assert reader.target is not None and reader.target.uid == UID
    status, info = parse_response(reader.exchange(hello()), MsgType.HELLO)
    assert status == 0 and info["key_id"] == KEY_ID
    assert card.selected and card.messages == 1


def test_sync_end_to_end_over_nfc() -> None:
    key = make_key()
    key.preload_events(sample_events(KEY_ID, 20))
    card = KeyCard(key, UID)
    _chip, reader = reader_for(card)
    assert reader.find_key()
    station = Requester(reader.exchange)
    station.hello(max_payload=232)
    data = permission_set(locks=100)
    assert station.write(ObjType.PERMISSION_SET, data, chunk=224) == (0, {"active_slot": 0})
    assert station.read(ObjType.PERMISSION_SET, chunk=228) == data
    assert station.call(MsgType.AUDIT_ACK, {"through_seq": 20}) == (0, {"remaining": 0})


def test_reads_fit_an_nfc_message_whatever_is_asked() -> None:
    key = make_key()
    card = KeyCard(key, UID)
    station = Requester(lambda body: card.apdu(apdu(body))[:-2])
    assert card.apdu(SELECT) == b"\x90\x00"
    station.hello(max_payload=512)  # a careless reader asking for more than NFC carries
    station.write(ObjType.PERMISSION_SET, permission_set(locks=200), chunk=200)
    reply = card.apdu(apdu(station.body(MsgType.OBJ_READ, {"obj": 1, "max_len": 500, "offset": 0})))
    assert reply[-2:] == b"\x90\x00" and len(reply) - 2 == 240


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        (b"\x80\x53\x00", "6700"),
        (b"\x90\x53\x00\x00\x01\x01\x00", "6E00"),
        (b"\x80\x54\x00\x00\x01\x01\x00", "6D00"),
        (b"\x80\x53\x01\x00\x01\x01\x00", "6A86"),
        (b"\x80\x53\x00\x00\x02\x01\x00", "6700"),  # Lc 2, one byte follows
        (b"\x80\x53\x00\x00\x01\x01", "6700"),  # Le missing
        (b"\x80\x53\x00\x00\x00\x00", "6700"),  # empty message
        (b"\x80\x53\x00\x00\xf1" + bytes(241) + b"\x00", "6700"),  # over 240 bytes
        (bytes.fromhex("00A4040007F053594E4B303200"), "6A82"),  # another application
        (bytes.fromhex("00A4000007F053594E4B303100"), "6A86"),
        (bytes.fromhex("00A4040008F053594E4B3031"), "6700"),
    ],
)
def test_apdus_that_do_not_fit_reach_no_key(command: bytes, sw: str) -> None:
    key = make_key()
    card = KeyCard(key, UID)
    card.selected = True
    assert card.apdu(command) == bytes.fromhex(sw)
    assert key.requests == 0


def test_message_before_select_is_refused() -> None:
    key = make_key()
    card = KeyCard(key, UID)
    assert card.apdu(apdu(hello())) == bytes.fromhex("6985")
    assert card.apdu(SELECT) == b"\x90\x00"
    assert card.apdu(apdu(hello()))[-2:] == b"\x90\x00"
    assert card.apdu(bytes.fromhex("00A4040007F053594E4B303200")) == bytes.fromhex("6A82")
    assert card.apdu(apdu(hello())) == bytes.fromhex("6985")  # deselected
    assert key.requests == 1
    assert card.apdu(SELECT[:-1]) == b"\x90\x00"  # SELECT without Le


def test_protocol_errors_travel_with_90_00() -> None:
    card = KeyCard(make_key(), UID)
    card.apdu(SELECT)
    reply = card.apdu(apdu(Requester(lambda b: b).body(MsgType.DIAG, {})))
    assert reply[-2:] == b"\x90\x00"
    assert decode_message(reply[:-2])["status"] == Status.BAD_STATE


def test_pulled_card_leaves_the_field() -> None:
    key = make_key()
    card = KeyCard(key, UID)
    _chip, reader = reader_for(card)
    assert reader.find_key()
    Requester(reader.exchange).hello(max_payload=232)
    card.pull()
    assert not card.present and not key.in_session
    with pytest.raises(NfcError):
        reader.exchange(hello())
    reader.release()
    assert not reader.find_key()
    card.insert()
    assert reader.find_key()
    assert parse_response(reader.exchange(hello()))[0] == 0


def test_key_leaving_during_an_apdu() -> None:
    key = make_key()
    card = KeyCard(key, UID)
    card.apdu(SELECT)
    key.pull_after_requests(1)
    assert card.apdu(apdu(hello())) == b""
    assert not card.present and not card.selected
    card.present = True
    assert card.present and card.apdu(apdu(hello())) == bytes.fromhex("6985")


def test_dead_key_is_not_in_the_field() -> None:
    key = make_key()
    key.battery = 0
    card = KeyCard(key, UID)
    _chip, reader = reader_for(card)
    assert not reader.find_key()


def test_set_baud_over_nfc_changes_nothing() -> None:
    key = make_key()
    card = KeyCard(key, UID)
    card.apdu(SELECT)
    station = Requester(lambda body: card.apdu(apdu(body))[:-2])
    station.hello()
    assert station.call(MsgType.SET_BAUD, {"baud": 921600}) == (0, {})
    assert key.take_baud_change() is None


def test_uid_length() -> None:
    with pytest.raises(ValueError):
        KeyCard(make_key(), b"\x01\x02\x03")
