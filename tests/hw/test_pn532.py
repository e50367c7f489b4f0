"""hw.pn532 against the PN532 User Manual and against the emulated chip.

Sources of the expected bytes:
- "UM" is NXP UM0701-02 Rev. 02, PN532 User Manual (firmware V1.6): frame
  structure §6.2.1.1-§6.2.1.6 (p.28-31), dialog §6.2.2 (p.33), error codes
  §7.1 (p.67), GetFirmwareVersion §7.2.2 (p.73), SAMConfiguration §7.2.10
  (p.89), RFConfiguration §7.3.1 (p.101), InListPassiveTarget §7.3.5 (p.115),
  InDataExchange §7.3.8 (p.127), InRelease §7.3.11 (p.140).
- Whole frames whose LCS/DCS were worked out by hand from the rules of
  UM §6.2.1.1 (LEN + LCS = 0, TFI + data + DCS = 0, modulo 256); the same
  bytes appear in public PN532 drivers (Adafruit's, libnfc's) and logs.
- protocol/SPEC.md §1.2 for the SELECT APDU of the synk application.

Portable: runs under pytest and the MicroPython unix port (no pytest imports).
"""

from emulator.pn532_chip import EmulatedPN532, EmulatedPN532I2C
from hw.pn532 import (
    ACK,
    ERROR_FRAME,
    ERROR_NAMES,
    FRAME_ACK,
    FRAME_BAD,
    FRAME_ERROR,
    FRAME_INFO,
    FRAME_NACK,
    HSU_WAKEUP,
    NACK,
    PN532_I2C,
    PN532_UART,
    PN532Error,
    PN532FrameError,
    PN532TimeoutError,
    build_frame,
    checksum,
    parse_frame,
    parse_target_a,
)
from tests.hw.dummies import SELECT_SYNK, DummyUART, FakeClock, FakeKey, hexbytes, raises

# --- frames, straight from the manual ----------------------------------------------------


def test_ack_nack_error_frames_are_the_manuals():
    assert hexbytes("00 00 FF 00 FF 00") == ACK  # UM §6.2.1.3
    assert hexbytes("00 00 FF FF 00 00") == NACK  # UM §6.2.1.4
    assert hexbytes("00 00 FF 01 FF 7F 81 00") == ERROR_FRAME  # UM §6.2.1.5


def test_get_firmware_version_frame():
    # UM §7.2.2: the command is D4 02; LEN 2, LCS FE, DCS 2A (D4 + 02 + 2A = 0x100)
    assert build_frame(b"\x02") == hexbytes("00 00 FF 02 FE D4 02 2A 00")


def test_sam_configuration_normal_mode_frame():
    # UM §7.2.10: D4 14 01 (Mode 1 = normal, Timeout and IRQ left out); DCS 17
    assert build_frame(b"\x14\x01") == hexbytes("00 00 FF 03 FD D4 14 01 17 00")


def test_in_list_passive_target_frame():
    # UM §7.3.5: D4 4A MaxTg=01 BrTy=00 (106 kbps type A); D4+4A+01+00 = 0x11F, DCS E1
    assert build_frame(b"\x4a\x01\x00") == hexbytes("00 00 FF 04 FC D4 4A 01 00 E1 00")


def test_in_release_frame():
    # UM §7.3.11: D4 52 Tg=00 (all targets); D4+52 = 0x126, DCS DA
    assert build_frame(b"\x52\x00") == hexbytes("00 00 FF 03 FD D4 52 00 DA 00")


def test_in_data_exchange_select_frame():
    # UM §7.3.8: D4 40 Tg DataOut; DataOut is SPEC §1.2's SELECT (13 bytes): LEN = 16 = 0x10
    frame = build_frame(b"\x40\x01" + SELECT_SYNK)
    assert frame[:5] == hexbytes("00 00 FF 10 F0")
    assert frame[5:8] == hexbytes("D4 40 01")
    assert frame[8:21] == SELECT_SYNK
    assert (sum(frame[5:22])) & 0xFF == 0  # DCS rule of UM §6.2.1.1
    assert frame[-1] == 0x00 and len(frame) == 5 + 16 + 2


def test_firmware_version_response_parses():
    # UM §7.2.2 example answer D5 03 32 01 06 07; LEN 6, LCS FA; D5+03+32+01+06+07 = 0x118, DCS E8
    frame = hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E8 00")
    assert parse_frame(frame) == (FRAME_INFO, hexbytes("D5 03 32 01 06 07"), len(frame))
    assert build_frame(hexbytes("03 32 01 06 07"), tfi=0xD5) == frame


def test_checksum_rule():
    # UM §6.2.1.1: the low byte of LEN + LCS, and of TFI + PD0..PDn + DCS, is zero
    assert checksum(b"\x02") == 0xFE
    assert checksum(hexbytes("D4 02")) == 0x2A
    assert checksum(b"") == 0x00
    assert checksum(b"\x00") == 0x00
    for length in (1, 2, 100, 254, 255):
        assert (length + checksum(bytes([length]))) & 0xFF == 0


def test_extended_frame_layout_and_round_trip():
    # UM §6.2.1.2: 00 00 FF FF FF LENM LENL LCS TFI PD.. DCS 00, LENM + LENL + LCS = 0
    data = bytes(range(256)) + bytes(3)  # 259 bytes + TFI = LEN 260 = 0x0104
    frame = build_frame(data)
    assert frame[:8] == hexbytes("00 00 FF FF FF 01 04 FB")  # 0x01 + 0x04 + 0xFB = 0x100
    assert parse_frame(frame) == (FRAME_INFO, b"\xd4" + data, len(frame))
    # the host may use the extended form for short frames too (UM §6.2.1.2)
    short = build_frame(b"\x02", extended=True)
    assert short == hexbytes("00 00 FF FF FF 00 02 FE D4 02 2A 00")
    assert parse_frame(short) == (FRAME_INFO, b"\xd4\x02", len(short))


def test_frame_size_limits():
    # UM §6.2.1.1: normal frames carry up to 255 bytes with TFI; §6.2.1.2: extended up to 265
    assert build_frame(bytes(254))[3] == 255  # still a normal frame
    assert build_frame(bytes(255))[3:5] == b"\xff\xff"  # needs the extended form
    assert len(build_frame(bytes(264))) == 8 + 265 + 2
    raises(ValueError, build_frame, bytes(265))


def test_parse_kinds_and_preamble():
    assert parse_frame(ACK) == (FRAME_ACK, b"", 6)
    assert parse_frame(NACK) == (FRAME_NACK, b"", 6)
    assert parse_frame(ERROR_FRAME) == (FRAME_ERROR, b"\x7f", 8)
    # UM §6.2.1.6: preamble and postamble may be any number of 00 bytes; noise before
    # the start code is skipped too
    padded = b"\x55\x00\x00\x00" + ACK + hexbytes("00 00 FF 02 FE D5 15 16 00")
    kind, _, end = parse_frame(padded)
    assert kind == FRAME_ACK
    assert parse_frame(padded, end) == (FRAME_INFO, b"\xd5\x15", len(padded))


def test_parse_incomplete_and_corrupt():
    frame = hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E8 00")
    for cut in range(len(frame) - 1):
        assert parse_frame(frame[:cut]) is None, cut
    # without its postamble the frame is complete at the DCS
    assert parse_frame(frame[:-1]) == (FRAME_INFO, frame[5:11], len(frame) - 1)
    bad_lcs = hexbytes("00 00 FF 06 FB D5 03 32 01 06 07 E8 00")
    assert parse_frame(bad_lcs)[0] == FRAME_BAD
    bad_dcs = hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E9 00")
    kind, _, end = parse_frame(bad_dcs)
    assert kind == FRAME_BAD and end == len(bad_dcs) - 1
    bad_extended = hexbytes("00 00 FF FF FF 01 2C D4")  # LCS does not fit
    assert parse_frame(bad_extended)[0] == FRAME_BAD


def test_target_data_of_a_mifare_classic():
    # UM §7.3.5 answer for a 4-byte-UID MIFARE Classic: NbTg 01, Tg 01, SENS_RES 00 04,
    # SEL_RES 08, NFCIDLength 04, NFCID1
    target = parse_target_a(hexbytes("01 01 00 04 08 04 DE AD BE EF"))
    assert target.tg == 1
    assert target.sens_res == b"\x00\x04"
    assert target.sel_res == 0x08
    assert target.uid == hexbytes("DE AD BE EF")
    assert target.ats == b""
    assert not target.iso14443_4()  # SEL_RES bit 5 clear (ISO/IEC 14443-3)
    assert parse_target_a(b"\x00") is None  # NbTg = 0


def test_error_names_follow_the_manual():
    # UM §7.1 table: 0x01 time out, 0x02 CRC, 0x14 Mifare authentication, 0x2B card gone
    assert ERROR_NAMES[0x01] == "TIMEOUT"
    assert ERROR_NAMES[0x02] == "CRC_ERROR"
    assert ERROR_NAMES[0x14] == "AUTHENTICATION_ERROR"
    assert ERROR_NAMES[0x2B] == "CARD_DISAPPEARED"


# --- the driver on a scripted UART -----------------------------------------------------------


def _driver(uart, clock=None):
    clock = clock or FakeClock()
    return PN532_UART(uart, ticks_ms=clock.ticks_ms, sleep_ms=clock.sleep_ms)


def test_driver_writes_the_manuals_bytes_and_reads_ack_then_response():
    uart = DummyUART()
    uart.reply(ACK + hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E8 00"))  # UM §7.2.2
    assert _driver(uart).firmware_version() == (0x32, 0x01, 0x06, 0x07)
    assert bytes(uart.sent) == hexbytes("00 00 FF 02 FE D4 02 2A 00")


def test_wake_sends_the_hsu_wakeup_then_sam_configuration():
    # HSU wake-up 55 55 00 .. (as Adafruit's uart.py sends it), then SAMConfiguration first
    uart = DummyUART()
    uart.reply(b"")  # the wake-up sequence gets no answer
    uart.reply(ACK + hexbytes("00 00 FF 02 FE D5 15 16 00"))  # D5 15: SAMConfiguration done
    uart.reply(ACK + hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E8 00"))
    assert _driver(uart).begin() == (0x32, 1, 6, 7)
    sent = bytes(uart.sent)
    assert sent.startswith(HSU_WAKEUP) and HSU_WAKEUP[:2] == b"\x55\x55"
    rest = sent[len(HSU_WAKEUP) :]
    sam = hexbytes("00 00 FF 03 FD D4 14 01 17 00")
    assert rest == sam + hexbytes("00 00 FF 02 FE D4 02 2A 00")


def test_no_ack_means_resend_then_timeout():
    clock = FakeClock()
    uart = DummyUART()
    error = raises(PN532TimeoutError, _driver(uart, clock).firmware_version)
    assert not error.acked
    # first try and 2 retries (PN532Base.retries), each waiting ack_timeout_ms = 50
    assert bytes(uart.sent) == hexbytes("00 00 FF 02 FE D4 02 2A 00") * 3
    assert clock.now >= 150


def test_error_frame_raises():
    uart = DummyUART()
    uart.reply(ACK + ERROR_FRAME)
    error = raises(PN532Error, _driver(uart).firmware_version)
    assert "syntax" in str(error)


def test_response_to_another_command_raises():
    uart = DummyUART()
    uart.reply(ACK + hexbytes("00 00 FF 02 FE D5 15 16 00"))  # SAMConfiguration's answer
    raises(PN532Error, _driver(uart).firmware_version)


def test_bad_response_is_asked_for_again_with_nack():
    uart = DummyUART()
    good = hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E8 00")
    bad = hexbytes("00 00 FF 06 FA D5 03 32 01 06 07 E9 00")
    uart.reply(ACK + bad)
    uart.reply(good)  # after the NACK the chip sends the response again (UM §6.2.1.4)
    assert _driver(uart).firmware_version() == (0x32, 1, 6, 7)
    assert bytes(uart.sent) == hexbytes("00 00 FF 02 FE D4 02 2A 00") + NACK


# --- the driver against the emulated chip ------------------------------------------------


def _station(card=None, clock=None):
    clock = clock or FakeClock()
    chip = EmulatedPN532(card)
    return chip, PN532_UART(chip, ticks_ms=clock.ticks_ms, sleep_ms=clock.sleep_ms)


def test_emulated_chip_reports_a_pn532_v16():
    chip, pn532 = _station()
    # UM §7.2.2: IC 0x32 (PN532), Ver 1, Rev 6, Support 7 (ISO 14443 A, B, ISO 18092)
    assert pn532.begin() == (0x32, 1, 6, 7)
    assert chip.sam_mode == 1
    assert chip.commands == [0x14, 0x02]


def test_emulated_chip_sleeps_until_woken():
    chip, pn532 = _station()
    raises(PN532TimeoutError, pn532.firmware_version)  # no wake-up: not a byte back
    assert chip.asleep
    assert pn532.begin() == (0x32, 1, 6, 7)
    assert not chip.asleep


def test_list_target_with_a_key_in_the_field():
    key = FakeKey()
    _chip, pn532 = _station(key)
    pn532.begin()
    target = pn532.list_passive_target(100)
    assert target.tg == 1
    assert target.uid == key.uid
    assert target.sens_res == b"\x00\x44"  # the emulator's ATQA for a 7-byte UID
    assert target.sel_res == 0x20 and target.iso14443_4()
    assert target.ats[0] == len(target.ats)  # TL counts the whole ATS (ISO/IEC 14443-4)


def test_list_target_without_a_card_aborts_after_the_timeout():
    clock = FakeClock()
    key = FakeKey()
    key.present = False
    chip, pn532 = _station(key, clock)
    pn532.begin()
    start = clock.now
    assert pn532.list_passive_target(250) is None
    assert clock.now - start >= 250
    assert chip.aborts == 1  # the host's ACK ended the search (UM §6.2.1.3)
    key.present = True  # a later search finds the key
    assert pn532.list_passive_target(250).uid == key.uid


def test_list_target_without_a_card_with_few_retries():
    clock = FakeClock()
    key = FakeKey()
    key.present = False
    chip, pn532 = _station(key, clock)
    pn532.begin()
    pn532.set_max_retries(passive_activation=2)  # RFConfiguration item 5 (UM §7.3.1)
    assert chip.max_retries_passive == 2
    assert pn532.list_passive_target(1000) is None
    assert chip.aborts == 0  # the chip said NbTg = 0 itself


def test_data_exchange_carries_apdus():
    key = FakeKey()
    _chip, pn532 = _station(key)
    pn532.begin()
    pn532.list_passive_target()
    assert pn532.data_exchange(SELECT_SYNK) == b"\x90\x00"
    assert key.apdus == [SELECT_SYNK]


def test_data_exchange_after_the_card_left():
    key = FakeKey()
    _chip, pn532 = _station(key)
    pn532.begin()
    pn532.list_passive_target()
    key.present = False
    error = raises(PN532Error, pn532.data_exchange, SELECT_SYNK)
    assert error.code == 0x01 and error.name == "TIMEOUT"  # UM §7.1
    assert "TIMEOUT" in str(error)


def test_release():
    key = FakeKey()
    chip, pn532 = _station(key)
    pn532.begin()
    pn532.list_passive_target()
    assert chip.active_tg == 1
    pn532.release()
    assert chip.active_tg == 0
    assert chip.commands[-1] == 0x52


def test_rf_field():
    chip, pn532 = _station()
    pn532.begin()
    pn532.rf_field(True)
    assert chip.rf_on
    pn532.rf_field(False)
    assert not chip.rf_on


def test_corrupted_command_is_not_acked_and_sent_again():
    clock = FakeClock()
    chip, pn532 = _station(None, clock)
    pn532.begin()
    chip.corrupt_next_commands = 1
    before = clock.now
    assert pn532.firmware_version() == (0x32, 1, 6, 7)
    assert chip.bad_frames == 1  # dropped without an ACK, as the chip does
    assert clock.now - before >= pn532.ack_timeout_ms  # the host waited for the ACK in vain


def test_corrupted_response_is_fetched_again_with_nack():
    chip, pn532 = _station()
    pn532.begin()
    chip.corrupt_next_responses = 1
    assert pn532.firmware_version() == (0x32, 1, 6, 7)
    assert chip.nacks == 1


def test_response_corrupt_every_time_gives_up():
    chip, pn532 = _station()
    pn532.begin()
    # noise on the line breaks every response, the copies sent again after NACK too
    original_read = chip.read

    def noisy_read(count=-1):
        data = bytearray(original_read(count))
        if len(data) > 8:
            data[-2] ^= 0x01
        return bytes(data)

    chip.read = noisy_read
    raises(PN532FrameError, pn532.firmware_version)
    assert chip.nacks == pn532.retries


def test_unknown_command_gets_the_error_frame():
    _chip, pn532 = _station()
    pn532.begin()
    error = raises(PN532Error, pn532.call, 0x58)  # RFRegulationTest: not emulated
    assert "syntax" in str(error)


def test_i2c_transport_against_the_emulated_chip():
    clock = FakeClock()
    key = FakeKey()
    chip = EmulatedPN532(key)
    bus = EmulatedPN532I2C(chip)
    pn532 = PN532_I2C(bus, ticks_ms=clock.ticks_ms, sleep_ms=clock.sleep_ms)
    assert pn532.begin() == (0x32, 1, 6, 7)
    assert pn532.list_passive_target().uid == key.uid
    assert pn532.data_exchange(SELECT_SYNK) == b"\x90\x00"
    chip.corrupt_next_responses = 1
    assert pn532.firmware_version() == (0x32, 1, 6, 7)
    assert chip.nacks == 1


def test_i2c_status_byte():
    chip = EmulatedPN532(None, asleep=False)
    bus = EmulatedPN532I2C(chip)
    assert bus.readfrom(0x24, 1) == b"\x00"  # nothing to read: status 0 (not ready)
    bus.writeto(0x24, build_frame(b"\x02"))
    assert bus.readfrom(0x24, 1) == b"\x01"  # ready (UM §6.2.4: status byte 0x01)
    assert bus.readfrom(0x24, 7) == b"\x01" + ACK
    raises(OSError, bus.readfrom, 0x3C, 1)  # no such device
