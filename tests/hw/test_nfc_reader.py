"""hw.nfc_reader: SELECT and message APDUs of protocol/SPEC.md §1.2 through the emulated PN532.

Expected APDU bytes come from SPEC §1.2 (SELECT 00 A4 04 00 07 F0 53 59 4E 4B 30
31 00; request 80 53 00 00 Lc <message> 00; answer <reply> 90 00) and status
words from ISO/IEC 7816-4 (6A 82 application not found). PN532 error codes
are UM0701-02 §7.1 (0x01: the target has not answered).
"""

from emulator.pn532_chip import EmulatedPN532
from hw.nfc_reader import MAX_MESSAGE, SELECT_SYNK, NfcError, NfcKeyReader, build_apdu
from hw.pn532 import PN532_UART
from tests.hw.dummies import FakeClock, FakeKey, hexbytes, raises

HELLO = hexbytes("01 01 00 00 00 00 0C 00") + bytes(12)  # an 8-byte header + 12-byte HELLO


def _reader(key):
    clock = FakeClock()
    chip = EmulatedPN532(key)
    reader = NfcKeyReader(PN532_UART(chip, ticks_ms=clock.ticks_ms, sleep_ms=clock.sleep_ms))
    assert reader.begin() == (0x32, 1, 6, 7)
    return chip, reader


def test_select_apdu_is_specs():
    assert hexbytes("00 A4 04 00 07 F0 53 59 4E 4B 30 31 00") == SELECT_SYNK


def test_message_apdu_is_specs():
    assert build_apdu(b"\x01\x02\x03") == hexbytes("80 53 00 00 03 01 02 03 00")
    assert build_apdu(bytes(240))[4] == 240  # Lc of the largest message (SPEC §1.2)
    assert MAX_MESSAGE == 240
    raises(ValueError, build_apdu, bytes(241))
    raises(ValueError, build_apdu, b"")


def test_find_key_selects_the_synk_application():
    key = FakeKey()
    _chip, reader = _reader(key)
    assert reader.find_key()
    assert key.apdus == [SELECT_SYNK]
    assert reader.target.uid == key.uid


def test_exchange_wraps_and_unwraps():
    key = FakeKey()
    _chip, reader = _reader(key)
    assert reader.find_key()
    assert reader.exchange(HELLO) == b"re:" + HELLO  # FakeKey answers "re:" + message
    assert key.apdus[1] == b"\x80\x53\x00\x00" + bytes([len(HELLO)]) + HELLO + b"\x00"


def test_largest_message_fits_one_frame():
    key = FakeKey(answer=lambda message: message)  # echo: 240 + 90 00 back
    _chip, reader = _reader(key)
    assert reader.find_key()
    message = bytes(range(240))
    assert reader.exchange(message) == message


def test_no_key_in_the_field():
    key = FakeKey()
    key.present = False
    _chip, reader = _reader(key)
    assert not reader.find_key()
    assert reader.target is None
    raises(NfcError, reader.exchange, HELLO)


def test_other_application_is_not_a_key():
    key = FakeKey()
    key.select_sw = b"\x6a\x82"  # ISO/IEC 7816-4: application not found
    chip, reader = _reader(key)
    assert not reader.find_key()
    assert chip.active_tg == 0  # released again


def test_iso14443_3_card_is_not_a_key():
    key = FakeKey(uid=b"\xde\xad\xbe\xef")
    key.sel_res = 0x08  # a MIFARE Classic 1K's SAK: no ISO/IEC 14443-4
    _chip, reader = _reader(key)
    assert not reader.find_key()
    assert key.apdus == []


def test_bad_status_word_is_a_transport_failure():
    key = FakeKey(sw=b"\x6f\x00")
    _chip, reader = _reader(key)
    assert reader.find_key()
    error = raises(NfcError, reader.exchange, HELLO)
    assert error.sw == b"\x6f\x00"


def test_key_pulled_mid_exchange():
    key = FakeKey()
    _chip, reader = _reader(key)
    assert reader.find_key()
    assert reader.exchange(HELLO) == b"re:" + HELLO
    key.present = False  # out of the field between two APDUs
    error = raises(NfcError, reader.exchange, HELLO)
    assert error.code == 0x01  # PN532: the target has not answered
    reader.release()
    assert reader.target is None
    assert not reader.find_key()


def test_key_leaving_during_select():
    key = FakeKey()
    key.leave_after = 1  # answers the SELECT, then it is gone
    _chip, reader = _reader(key)
    assert reader.find_key()
    error = raises(NfcError, reader.exchange, HELLO)
    assert error.code == 0x01


def test_release_twice_is_harmless():
    key = FakeKey()
    chip, reader = _reader(key)
    reader.release()
    assert reader.find_key()
    reader.release()
    reader.release()
    assert chip.active_tg == 0
