"""hw.key_port: the contact key port's channel (protocol/SPEC.md §1.1, 115200 8N1 and the
faster rates after HELLO) and its detect pin."""

from hw.key_port import BAUD_RATES, DEFAULT_BAUD, KeyPort
from tests.hw.dummies import DummyPin, DummyUART, raises


class StrictUART(DummyUART):
    """A UART whose read would wait: asking for more than has arrived is a test failure."""

    def read(self, count=-1):
        if count < 0 or count > len(self.incoming):
            raise AssertionError("read(%d) with %d bytes waiting would block" % (count, self.any()))
        return super().read(count)


class BabblingUART(DummyUART):
    """A key that never stops sending."""

    def any(self):
        return 8

    def read(self, count=-1):
        return b"\x55" * (8 if count < 0 else count)


class NoneWriteUART(DummyUART):
    def write(self, data):
        self.sent.extend(data)
        return None  # some ports return None for a non-blocking write


def test_spec_rates():
    assert DEFAULT_BAUD == 115200
    assert BAUD_RATES == (115200, 230400, 460800, 921600)


def test_read_never_blocks():
    uart = StrictUART()
    port = KeyPort(uart, DummyPin(1))
    assert port.read(64) == b""  # nothing arrived: at once, no read at all
    uart.feed(b"\x00\x01\x02")
    assert port.read(64) == b"\x00\x01\x02"  # only what is there
    assert port.read(64) == b""


def test_read_at_most_max_bytes():
    uart = StrictUART()
    port = KeyPort(uart, DummyPin(1))
    uart.feed(bytes(range(10)))
    assert port.read(4) == bytes(range(4))
    assert port.read(0) == b""
    assert port.read(-1) == b""
    assert port.read(100) == bytes(range(4, 10))


def test_read_copes_with_a_uart_that_returns_none():
    class NoneUART(DummyUART):
        def any(self):
            return 3  # claims bytes that read() then does not give

        def read(self, count=-1):
            return None

    assert KeyPort(NoneUART(), DummyPin(1)).read(8) == b""


def test_write_returns_what_the_uart_took():
    uart = DummyUART()
    port = KeyPort(uart, DummyPin(1))
    assert port.write(b"\x00abc\x00") == 5
    assert bytes(uart.sent) == b"\x00abc\x00"
    other = NoneWriteUART()
    assert KeyPort(other, DummyPin(1)).write(b"xy") == 2
    assert bytes(other.sent) == b"xy"


def test_flush_waits_for_sending_and_drops_input():
    uart = DummyUART()
    port = KeyPort(uart, DummyPin(1))
    uart.feed(b"late answer")
    port.flush()
    assert uart.flushes == 1
    assert uart.any() == 0
    assert port.read(64) == b""


def test_flush_without_uart_flush():
    class OldUART(DummyUART):
        flush = None

    uart = OldUART()
    uart.feed(b"noise")
    KeyPort(uart, DummyPin(1)).flush()
    assert uart.any() == 0


def test_flush_is_bounded_against_a_babbling_key():
    port = KeyPort(BabblingUART(), DummyPin(1))
    port.flush()  # returns


def test_present_active_low():
    pin = DummyPin(1)
    port = KeyPort(DummyUART(), pin)
    assert not port.present()  # pulled up: empty slot
    pin.level = 0
    assert port.present()
    assert pin.history == []  # the detect pin is only read


def test_present_active_high():
    pin = DummyPin(0)
    port = KeyPort(DummyUART(), pin, active_low=False)
    assert not port.present()
    pin.level = 1
    assert port.present()


def test_set_baud_reinits_8n1_and_drops_input():
    uart = DummyUART()
    port = KeyPort(uart, DummyPin(1))
    assert port.baud == 115200
    uart.feed(b"old")
    port.set_baud(921600)
    assert uart.inits == [{"baudrate": 921600, "bits": 8, "parity": None, "stop": 1}]
    assert port.baud == 921600
    assert uart.any() == 0
    port.set_baud(115200)
    assert uart.inits[-1]["baudrate"] == 115200
    assert port.baud == 115200


def test_set_baud_refuses_other_rates():
    uart = DummyUART()
    port = KeyPort(uart, DummyPin(1))
    for rate in (9600, 57600, 1000000, 0):
        raises(ValueError, port.set_baud, rate)
    assert uart.inits == []
    assert port.baud == 115200
