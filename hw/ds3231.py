"""DS3231 real-time clock on I2C: the station's time in UTC across power cuts (coin cell backup).

Registers (Maxim DS3231 datasheet, 19-5170, Figure 1 "Timekeeping
Registers"): seven BCD registers from 0x00: seconds, minutes, hours,
day of week (1-7, meaning ours: 1 = Monday), date, month (bit 7: century),
year (00-99). Hours bit 6 set means 12-hour mode (bit 5 then PM); we write
24-hour mode but read either. The century bit flips when the year rolls from
99 to 00, so years 2000-2199 are told apart. Status register 0x0F bit 7
(OSF, oscillator stop flag) is set when the oscillator stopped (the coin cell
ran out): then the time is not to be trusted until ``set`` clears it.

The station keeps UTC on the chip (protocol/SPEC.md: times are u32 seconds
since 1970-01-01 UTC) and converts with its own calendar arithmetic
(``days_from_civil``, H. Hinnant's algorithm), so no port's ``time.mktime``
or epoch (2000 on some MicroPython ports, 1970 on others) is involved.
"""

from hw._port import const

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

ADDRESS = const(0x68)
REG_SECONDS = const(0x00)  # 0x00-0x06: seconds .. year
REG_CONTROL = const(0x0E)
REG_STATUS = const(0x0F)
REG_TEMP_MSB = const(0x11)  # temperature, 0.25 °C steps, two's complement (0x11-0x12)
_STATUS_OSF = const(0x80)
_MONTH_CENTURY = const(0x80)
_HOURS_12H = const(0x40)
_HOURS_PM = const(0x20)

FIRST_YEAR = 2000  # the registers cover 2000-2199 (year 00-99 and the century bit)
LAST_YEAR = 2199


def to_bcd(value: int) -> int:
    return ((value // 10) << 4) | (value % 10)


def from_bcd(value: int) -> int:
    return (value >> 4) * 10 + (value & 0x0F)


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible
    Low-Level Date Algorithms", days_from_civil)."""
    if month <= 2:
        year -= 1
    era = year // 400
    yoe = year - era * 400  # 0..399
    doy = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1  # 0..365
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy  # 0..146096
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> "tuple[int, int, int]":
    """(year, month, day) of a count of days since 1970-01-01 (Hinnant, civil_from_days)."""
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def unix_from_datetime(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> int:
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second


def datetime_from_unix(t: int) -> "tuple[int, int, int, int, int, int, int]":
    """(year, month, day, hour, minute, second, weekday) with weekday 1 = Monday .. 7 = Sunday."""
    days = t // 86400
    rest = t - days * 86400
    year, month, day = civil_from_days(days)
    weekday = (days + 3) % 7 + 1  # 1970-01-01 was a Thursday (4)
    return year, month, day, rest // 3600, rest // 60 % 60, rest % 60, weekday


def encode_registers(t: int) -> bytes:
    """The seven time registers (0x00-0x06) for unix time ``t``."""
    year, month, day, hour, minute, second, weekday = datetime_from_unix(t)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError("the DS3231 holds years %d-%d, not %d" % (FIRST_YEAR, LAST_YEAR, year))
    century = _MONTH_CENTURY if year >= 2100 else 0
    return bytes(
        (
            to_bcd(second),
            to_bcd(minute),
            to_bcd(hour),  # bit 6 clear: 24-hour mode
            weekday,
            to_bcd(day),
            to_bcd(month) | century,
            to_bcd(year % 100),
        )
    )


def decode_registers(regs: "bytes | bytearray") -> int:
    """Unix time from the seven time registers; ValueError when they hold no valid time."""
    second = from_bcd(regs[0] & 0x7F)
    minute = from_bcd(regs[1] & 0x7F)
    raw_hour = regs[2]
    if raw_hour & _HOURS_12H:  # 12-hour mode: 12 AM is 0 h, 12 PM is 12 h
        hour = from_bcd(raw_hour & 0x1F) % 12 + (12 if raw_hour & _HOURS_PM else 0)
    else:
        hour = from_bcd(raw_hour & 0x3F)
    day = from_bcd(regs[4] & 0x3F)
    month = from_bcd(regs[5] & 0x1F)
    year = FIRST_YEAR + from_bcd(regs[6]) + (100 if regs[5] & _MONTH_CENTURY else 0)
    if not (
        second < 60
        and minute < 60
        and hour < 24
        and 1 <= month <= 12
        and 1 <= day <= _days_in_month(year, month)
    ):
        raise ValueError("the DS3231 registers hold no valid time: %r" % (bytes(regs),))
    return unix_from_datetime(year, month, day, hour, minute, second)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return days_from_civil(year, month + 1, 1) - days_from_civil(year, month, 1)


class DS3231:
    """The clock at ``address`` on ``i2c`` (a machine.I2C: ``readfrom_mem``, ``writeto_mem``).

    It is a firmware clock: ``now()`` -> int seconds since 1970-01-01 UTC.
    """

    def __init__(self, i2c: "Any", address: int = ADDRESS) -> None:
        self.i2c = i2c
        self.address = address

    def now(self) -> int:
        return decode_registers(self.i2c.readfrom_mem(self.address, REG_SECONDS, 7))

    def set(self, t: int) -> None:
        """Set the clock to unix time ``t`` and clear the oscillator-stop flag."""
        self.i2c.writeto_mem(self.address, REG_SECONDS, encode_registers(int(t)))
        status = self.i2c.readfrom_mem(self.address, REG_STATUS, 1)[0]
        self.i2c.writeto_mem(self.address, REG_STATUS, bytes([status & ~_STATUS_OSF & 0xFF]))

    def datetime(self) -> "tuple[int, int, int, int, int, int, int]":
        """(year, month, day, hour, minute, second, weekday), UTC."""
        return datetime_from_unix(self.now())

    def lost_power(self) -> bool:
        """True when the oscillator stopped since the last ``set`` (OSF): the time is unknown."""
        return bool(self.i2c.readfrom_mem(self.address, REG_STATUS, 1)[0] & _STATUS_OSF)

    def temperature(self) -> float:
        """The chip's temperature sensor in °C (0.25 °C steps): for the self-test."""
        msb, lsb = self.i2c.readfrom_mem(self.address, REG_TEMP_MSB, 2)
        raw = (msb << 2) | (lsb >> 6)
        if raw & 0x200:
            raw -= 0x400
        return raw / 4
