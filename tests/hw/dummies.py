"""Stand-ins for machine.Pin, UART, I2C, PWM, network.WLAN, a clock, and an NFC key card.

Portable (CPython and the MicroPython unix port), in the manner of
micropython-lib's lora tests (DummySPI, DummyPin): they record what the driver
did and answer what a test told them to. ``DummyMachine`` and ``DummyNetwork``
stand in for whole modules (``machine``, ``network``) where code imports them
itself, as hw.board_setup does: a test puts them in ``sys.modules``.
"""

import os
import sys

from hw._port import TICKS_PERIOD, period_add, period_diff


def raises(exc_type, fn, *args, **kwargs):
    """Call ``fn`` and return the ``exc_type`` it raises; fail if it raises nothing."""
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        return exc
    raise AssertionError("%s was not raised" % exc_type.__name__)


def with_modules(modules, fn, *args):
    """``fn(*args)`` while ``sys.modules`` holds ``modules`` (name -> stand-in); put back after."""
    saved = {}
    for name in modules:
        saved[name] = sys.modules.get(name)
        sys.modules[name] = modules[name]
    try:
        return fn(*args)
    finally:
        for name in saved:
            if saved[name] is None:
                del sys.modules[name]
            else:
                sys.modules[name] = saved[name]


def with_attributes(changes, fn, *args):
    """``fn(*args)`` with ``changes`` ((object, name, value), ...) set; the old values put back."""
    saved = [(target, name, getattr(target, name)) for target, name, _ in changes]
    for target, name, value in changes:
        setattr(target, name, value)
    try:
        return fn(*args)
    finally:
        for target, name, value in saved:
            setattr(target, name, value)


def temp_folder():
    """A new empty folder under /tmp (MicroPython has no tempfile); ``remove_tree`` it after."""
    path = "/tmp/synk-test-" + "".join("%02x" % b for b in os.urandom(6))
    os.mkdir(path)
    return path


def remove_tree(path):
    for name in os.listdir(path):
        inner = path + "/" + name
        if os.stat(inner)[0] & 0x4000:  # S_IFDIR
            remove_tree(inner)
        else:
            os.remove(inner)
    os.rmdir(path)


def hexbytes(text):
    """b"..." from "00 00 FF ..." (how the manuals print frames)."""
    return bytes(int(part, 16) for part in text.split())


class FakeClock:
    """Millisecond ticks that move only when someone sleeps (or a test says so).

    ``now`` counts on without end; ``ticks_ms()`` wraps it at ``period`` as a
    board's counter does (hw._port.TICKS_PERIOD unless a test wants it sooner),
    and ``ticks_add``/``ticks_diff`` are that period's arithmetic: a ticks source.
    """

    def __init__(self, now=0, period=TICKS_PERIOD):
        self.now = now
        self.period = period

    def ticks_ms(self) -> int:
        return self.now % self.period

    def ticks_add(self, ticks: int, delta: int) -> int:
        return period_add(ticks, delta, self.period)

    def ticks_diff(self, end: int, start: int) -> int:
        return period_diff(end, start, self.period)

    def sleep_ms(self, ms: int) -> None:
        self.now += ms

    def advance(self, ms):
        self.now += ms


class DummyPin:
    """machine.Pin: ``value()`` reads, ``value(v)`` drives; every level driven is kept."""

    IN = 0
    OUT = 1
    PULL_UP = 1

    def __init__(self, level=0):
        self.level = level
        self.history = []

    def value(self, level=None):
        if level is None:
            return self.level
        self.level = 1 if level else 0
        self.history.append(self.level)
        return None

    def init(self, *args, **kwargs):
        pass


class DummyUART:
    """machine.UART: ``feed`` puts bytes on the wire towards us; ``sent`` is what we wrote.

    ``reply(data)`` queues an answer: each ``write`` releases the next one, as a
    device answers what it was sent.
    """

    def __init__(self):
        self.incoming = bytearray()
        self.sent = bytearray()
        self.replies = []
        self.inits = []
        self.flushes = 0

    def feed(self, data):
        self.incoming.extend(data)

    def reply(self, data):
        self.replies.append(bytes(data))

    def any(self):
        return len(self.incoming)

    def read(self, count=-1):
        if not self.incoming:
            return None  # as machine.UART does when nothing arrived
        if count < 0:
            count = len(self.incoming)
        data = bytes(self.incoming[:count])
        self.incoming = self.incoming[count:]
        return data

    def write(self, data):
        self.sent.extend(data)
        if self.replies:
            self.feed(self.replies.pop(0))
        return len(data)

    def flush(self):
        self.flushes += 1

    def init(self, **kwargs):
        self.inits.append(kwargs)


class DummyI2C:
    """machine.I2C with register-file devices (``add_device``) and a log of raw writes."""

    def __init__(self, writes_anywhere=False):
        self.devices = {}
        self.writes = []  # (address, bytes) of writeto / writevto, in order
        self.writes_anywhere = writes_anywhere  # writes to any address succeed (a display)

    def add_device(self, address, size=256):
        self.devices[address] = bytearray(size)
        return self.devices[address]

    def _device(self, address):
        if address not in self.devices and not self.writes_anywhere:
            raise OSError(19)  # ENODEV: no acknowledge
        return self.devices.get(address)

    def scan(self):
        return sorted(self.devices)

    def writeto(self, address, data, stop=True):
        self._device(address)
        self.writes.append((address, bytes(data)))
        return len(data)

    def writevto(self, address, vector, stop=True):
        self._device(address)
        data = b"".join(bytes(part) for part in vector)
        self.writes.append((address, data))
        return len(data)

    def readfrom(self, address, count):
        memory = self._device(address)
        return bytes(memory[:count])

    def readfrom_mem(self, address, register, count):
        memory = self._device(address)
        return bytes(memory[register : register + count])

    def writeto_mem(self, address, register, data):
        memory = self._device(address)
        memory[register : register + len(data)] = data


class DummyPWM:
    """machine.PWM: keeps the frequency and duty, and every change."""

    def __init__(self):
        self.frequency = 0
        self.duty = 0
        self.history = []

    def freq(self, hz=None):
        if hz is None:
            return self.frequency
        self.frequency = hz
        self.history.append(("freq", hz))
        return None

    def duty_u16(self, duty=None):
        if duty is None:
            return self.duty
        self.duty = duty
        self.history.append(("duty", duty))
        return None


class DummyMachine:
    """The ``machine`` module of a board port: ``Pin``, ``I2C``, ``UART``, ``PWM`` as
    hw.board_setup calls them, each part kept where a test finds it again: ``pins`` by GPIO
    number, ``i2c`` and ``uarts`` by bus id (a test may put a bus there first), ``pwms``.

    ``keypad`` (rows, columns: GPIO numbers) wires a DummyKeyMatrix to those pins, so a
    test can hold a key down at power-up (``matrix.press``).
    """

    def __init__(self, keypad=None):
        self.pins = {}
        self.i2c = {}
        self.uarts = {}
        self.pwms = []
        self.matrix = DummyKeyMatrix()
        if keypad is not None:
            rows, cols = keypad
            for number, pin in zip(rows, self.matrix.rows):
                self.pins[number] = pin
            for number, pin in zip(cols, self.matrix.cols):
                self.pins[number] = pin
        self.Pin = _PinMaker(self)

    def I2C(self, bus, scl=None, sda=None, freq=400000):
        if bus not in self.i2c:
            self.i2c[bus] = DummyI2C()
        self.i2c[bus].freq = freq
        return self.i2c[bus]

    def UART(self, bus, baudrate=9600, **options):
        if bus not in self.uarts:
            self.uarts[bus] = DummyUART()
        self.uarts[bus].init(baudrate=baudrate, **options)
        return self.uarts[bus]

    def PWM(self, pin, freq=0, duty_u16=0):
        pwm = DummyPWM()
        pwm.pin = pin
        pwm.freq(freq)
        pwm.duty_u16(duty_u16)
        self.pwms.append(pwm)
        return pwm


class _PinMaker:
    """``machine.Pin(id, mode, pull, value=)``: the same DummyPin for the same GPIO number."""

    IN = DummyPin.IN
    OUT = DummyPin.OUT
    PULL_UP = DummyPin.PULL_UP

    def __init__(self, machine):
        self._machine = machine

    def __call__(self, number, mode=-1, pull=-1, value=None):
        pins = self._machine.pins
        if number not in pins:
            pins[number] = DummyPin(1 if pull == self.PULL_UP else 0)
        pin = pins[number]
        if value is not None:
            pin.value(value)
        return pin


class DummyNetwork:
    """The ``network`` module of a board port with Wi-Fi: ``WLAN(STA_IF)`` is ``wlan``."""

    STA_IF = 0

    def __init__(self, wlan):
        self.wlan = wlan
        self.interfaces = []

    def WLAN(self, interface):
        self.interfaces.append(interface)
        return self.wlan


class DummyWLAN:
    """network.WLAN(STA_IF) that gets connected after ``polls_needed`` isconnected() calls."""

    def __init__(self, polls_needed=3, reachable=True):
        self.polls_needed = polls_needed
        self.reachable = reachable
        self.is_active = False
        self.joined = None
        self.polls = 0
        self.disconnects = 0

    def active(self, on=None):
        if on is None:
            return self.is_active
        self.is_active = bool(on)
        return None

    def connect(self, ssid, password):
        self.joined = (ssid, password)
        self.polls = 0

    def isconnected(self):
        if self.joined is None or not self.reachable:
            return False
        self.polls += 1
        return self.polls > self.polls_needed

    def disconnect(self):
        self.disconnects += 1
        self.joined = None

    def ifconfig(self):
        return ("192.168.4.20", "255.255.255.0", "192.168.4.1", "192.168.4.1")


class DummyKeyMatrix:
    """A 3×4 keypad's wiring: rows are driven by the driver, columns read low on a pressed key.

    ``press("5")`` closes the contact of key 5 until ``release("5")``.
    """

    LAYOUT = "123456789*0#"

    def __init__(self):
        self.rows = [DummyPin(1) for _ in range(4)]
        self.cols = [_ColumnPin(self, c) for c in range(3)]
        self.pressed = set()

    def press(self, key):
        self.pressed.add(key)

    def release(self, key=None):
        if key is None:
            self.pressed = set()
        else:
            self.pressed.discard(key)

    def column_level(self, column):
        for key in self.pressed:
            at = self.LAYOUT.index(key)
            if at % 3 == column and self.rows[at // 3].level == 0:
                return 0  # the key joins this column to a row driven low
        return 1  # pulled up


class _ColumnPin(DummyPin):
    def __init__(self, matrix, column):
        super().__init__(1)
        self._matrix = matrix
        self._column = column

    def value(self, level=None):
        if level is not None:
            raise AssertionError("a column is an input; the driver must not drive it")
        return self._matrix.column_level(self._column)


SELECT_SYNK = hexbytes("00 A4 04 00 07 F0 53 59 4E 4B 30 31 00")  # protocol/SPEC.md §1.2


class FakeKey:
    """An NFC synk key: answers SELECT of AID F0 'SYNK01' with 90 00 (SPEC §1.2) and each
    message APDU (80 53 00 00 Lc msg 00) with ``answer(msg)`` + 90 00.

    ``leave_after`` > 0: the key leaves the field after that many APDUs were answered.
    """

    def __init__(self, uid=b"\x04\x52\x6a\x32\xd1\x5e\x80", answer=None, sw=b"\x90\x00"):
        self.uid = uid
        self.present = True
        self.apdus = []
        self.answer = answer or (lambda message: b"re:" + message)
        self.sw = sw
        self.select_sw = b"\x90\x00"
        self.leave_after = 0

    def apdu(self, data):
        self.apdus.append(bytes(data))
        if self.leave_after and len(self.apdus) >= self.leave_after:
            self.present = False
        if data == SELECT_SYNK:
            return self.select_sw
        if data[:2] == b"\x00\xa4":
            return b"\x6a\x82"  # file or application not found (ISO/IEC 7816-4)
        if data[:4] == b"\x80\x53\x00\x00" and len(data) == data[4] + 6:
            return self.answer(bytes(data[5:-1])) + self.sw
        return b"\x6d\x00"  # instruction not supported (ISO/IEC 7816-4)
