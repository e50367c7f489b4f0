"""hw.ds3231: register bytes checked against the Maxim DS3231 datasheet (19-5170).

Figure 1 "Timekeeping Registers": 0x00 seconds, 0x01 minutes, 0x02 hours (bit 6
set: 12-hour mode, bit 5 then PM), 0x03 day (1-7), 0x04 date, 0x05 month with
bit 7 the century, 0x06 year 00-99, all BCD; 0x0F status with bit 7 OSF; 0x11-0x12
temperature, 10 bits two's complement in 0.25 °C steps. Expected unix times
were computed with CPython's calendar.timegm.
"""

from hw.ds3231 import (
    ADDRESS,
    DS3231,
    civil_from_days,
    datetime_from_unix,
    days_from_civil,
    decode_registers,
    encode_registers,
    from_bcd,
    to_bcd,
    unix_from_datetime,
)
from tests.hw.dummies import DummyI2C, hexbytes, raises

LEAP_DAY = 1709210096  # 2024-02-29 12:34:56 UTC, a Thursday
Y2K = 946684800  # 2000-01-01 00:00:00, a Saturday
LAST_OF_2099 = 4102444799  # 2099-12-31 23:59:59, a Thursday
FIRST_OF_2100 = 4102444800  # 2100-01-01 00:00:00, a Friday
LAST_OF_2199 = 7258118399  # 2199-12-31 23:59:59, a Tuesday


def _clock():
    i2c = DummyI2C()
    memory = i2c.add_device(ADDRESS, 0x13)
    return i2c, memory, DS3231(i2c)


def test_bcd():
    assert to_bcd(0) == 0x00
    assert to_bcd(9) == 0x09
    assert to_bcd(10) == 0x10
    assert to_bcd(59) == 0x59
    assert to_bcd(99) == 0x99
    for value in range(100):
        assert from_bcd(to_bcd(value)) == value


def test_calendar_arithmetic():
    assert days_from_civil(1970, 1, 1) == 0
    assert days_from_civil(2000, 3, 1) == 11017
    assert civil_from_days(0) == (1970, 1, 1)
    assert civil_from_days(-1) == (1969, 12, 31)
    assert unix_from_datetime(2024, 2, 29, 12, 34, 56) == LEAP_DAY
    assert unix_from_datetime(2100, 1, 1) == FIRST_OF_2100
    assert datetime_from_unix(LEAP_DAY) == (2024, 2, 29, 12, 34, 56, 4)
    assert datetime_from_unix(1704067200) == (2024, 1, 1, 0, 0, 0, 1)  # a Monday is 1
    assert datetime_from_unix(LAST_OF_2199)[6] == 2
    for days in range(10950, 11400, 7):  # 1999-2001, across a century leap year
        assert days_from_civil(*civil_from_days(days)) == days


def test_encode_is_bcd_in_datasheet_order():
    # seconds, minutes, hours (24 h), weekday, date, month, year
    assert encode_registers(LEAP_DAY) == hexbytes("56 34 12 04 29 02 24")
    assert encode_registers(Y2K) == hexbytes("00 00 00 06 01 01 00")
    assert encode_registers(LAST_OF_2099) == hexbytes("59 59 23 04 31 12 99")


def test_encode_sets_the_century_bit_from_2100():
    assert encode_registers(FIRST_OF_2100) == hexbytes("00 00 00 05 01 81 00")
    assert encode_registers(LAST_OF_2199) == hexbytes("59 59 23 02 31 92 99")


def test_encode_refuses_years_the_chip_cannot_hold():
    raises(ValueError, encode_registers, Y2K - 1)  # 1999-12-31 23:59:59
    raises(ValueError, encode_registers, LAST_OF_2199 + 1)  # 2200-01-01


def test_decode_round_trips():
    for t in (Y2K, LEAP_DAY, LAST_OF_2099, FIRST_OF_2100, LAST_OF_2199, 2147483648):
        assert decode_registers(encode_registers(t)) == t


def test_decode_reads_the_century_bit():
    assert decode_registers(hexbytes("00 00 00 05 01 81 00")) == FIRST_OF_2100
    assert decode_registers(hexbytes("00 00 00 05 01 01 00")) == Y2K


def test_decode_reads_12_hour_mode():
    # hours register: bit 6 = 12-hour mode, bit 5 = PM, bit 4 = 10 hours
    def at(hours):
        return decode_registers(bytes((0x00, 0x00, hours, 0x01, 0x01, 0x01, 0x24)))

    midnight = unix_from_datetime(2024, 1, 1)
    assert at(0x52) == midnight  # 12 AM is 0 h
    assert at(0x41) == midnight + 1 * 3600  # 1 AM
    assert at(0x51) == midnight + 11 * 3600  # 11 AM
    assert at(0x72) == midnight + 12 * 3600  # 12 PM is noon
    assert at(0x61) == midnight + 13 * 3600  # 1 PM
    assert at(0x71) == midnight + 23 * 3600  # 11 PM
    assert at(0x23) == midnight + 23 * 3600  # 24-hour mode, bit 5 is 20 hours


def test_decode_refuses_impossible_times():
    for regs in (
        "60 00 00 01 01 01 24",  # second 60
        "00 60 00 01 01 01 24",  # minute 60
        "00 00 24 01 01 01 24",  # hour 24
        "00 00 00 01 00 01 24",  # date 0
        "00 00 00 01 01 00 24",  # month 0
        "00 00 00 01 01 13 24",  # month 13
        "00 00 00 01 30 02 24",  # 30 February
        "00 00 00 01 29 02 23",  # 29 February of a common year
        "00 00 00 01 31 04 24",  # 31 April
    ):
        raises(ValueError, decode_registers, hexbytes(regs))
    assert decode_registers(hexbytes("00 00 00 04 29 02 24")) == unix_from_datetime(2024, 2, 29)


def test_now_reads_seven_registers_from_0x00():
    _i2c, memory, clock = _clock()
    memory[0:7] = hexbytes("56 34 12 04 29 02 24")
    assert clock.now() == LEAP_DAY
    assert clock.datetime() == (2024, 2, 29, 12, 34, 56, 4)


def test_set_writes_the_registers_and_clears_only_osf():
    _i2c, memory, clock = _clock()
    memory[0x0E] = 0x1C  # control register: its reset value, untouched by set
    memory[0x0F] = 0x88  # OSF and EN32kHz set
    assert clock.lost_power()
    clock.set(FIRST_OF_2100)
    assert bytes(memory[0:7]) == hexbytes("00 00 00 05 01 81 00")
    assert memory[0x0F] == 0x08  # OSF cleared, EN32kHz kept
    assert memory[0x0E] == 0x1C
    assert not clock.lost_power()
    assert clock.now() == FIRST_OF_2100


def test_set_refuses_out_of_range_and_writes_nothing():
    _i2c, memory, clock = _clock()
    memory[0x0F] = 0x80
    raises(ValueError, clock.set, LAST_OF_2199 + 1)
    assert bytes(memory[0:7]) == bytes(7)
    assert clock.lost_power()  # the time is still not to be trusted


def test_lost_power_is_the_osf_bit_alone():
    _i2c, memory, clock = _clock()
    memory[0x0F] = 0x0F  # every other status bit set
    assert not clock.lost_power()
    memory[0x0F] = 0x80
    assert clock.lost_power()


def test_temperature_in_quarter_degrees():
    _i2c, memory, clock = _clock()
    memory[0x11:0x13] = hexbytes("19 40")  # datasheet example: +25.25 °C
    assert clock.temperature() == 25.25
    memory[0x11:0x13] = hexbytes("FF C0")  # -0.25 °C
    assert clock.temperature() == -0.25
    memory[0x11:0x13] = hexbytes("E7 00")  # -25 °C
    assert clock.temperature() == -25.0


def test_a_missing_chip_is_an_oserror():
    clock = DS3231(DummyI2C())
    raises(OSError, clock.now)
    raises(OSError, clock.lost_power)


def test_another_address():
    i2c = DummyI2C()
    memory = i2c.add_device(0x57)
    clock = DS3231(i2c, address=0x57)
    clock.set(Y2K)
    assert bytes(memory[0:7]) == hexbytes("00 00 00 06 01 01 00")
