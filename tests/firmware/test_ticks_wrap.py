"""The ticks counter wraps (every 2**30 ms = 12.4 days on a board): nothing may stop at the wrap.

Portable (runs on the MicroPython unix port too, where hw._port reduces the
64-bit port's counter to a board's period). The station runs on a test clock
that wraps like a board's, at a period a test chooses (2**18 ms here, so
several wraps pass in minutes of virtual time); its NFC reader, uplink and
uptime must keep their rates across every wrap.
"""

from firmware import station_config
from firmware.clock import ManualClock, Uptime, ticks_since
from firmware.station import Station
from firmware.storage import DirStorage
from firmware.uplink import Uplink
from hw import _port
from hw.board import Board
from hw.nfc_reader import NfcError
from tests.firmware import fixtures as fx
from tests.firmware.key_double import (
    DisplayDouble,
    IndicatorDouble,
    KeyDouble,
    KeypadDouble,
    Ticks,
)
from tests.firmware.power_cut import RamFiles
from tests.firmware.test_station import ANNA, ANNA_CODE, ContactSlot
from tests.firmware.test_uplink import FakeBackOffice, Network, World

SMALL = 1 << 18  # 262.144 s


class NfcCounter:
    """An NFC reader with no key in its field that counts how often it was asked."""

    def __init__(self, ticks):
        self.ticks = ticks
        self.polls = []  # ticks.now at each look
        self.target = None  # never a key selected

    def find_key(self) -> bool:
        self.polls.append(self.ticks.now)
        return False

    def exchange(self, message: bytes) -> bytes:
        raise NfcError("no key selected")

    def release(self) -> None:
        pass


class WrapRig:
    """A station with an NFC reader and an uplink to a fake back office, on wrapping ticks."""

    def __init__(self, period, start, clock=None, keypad=None, http=None):
        """``http(rig)`` makes the uplink's http callable (default: the fake back office)."""
        self.ticks = Ticks(start, period)
        self.clock = clock or ManualClock(fx.EPOCH)
        self.back_office = ManualClock(fx.EPOCH)  # FakeBackOffice answers with this time
        self.nfc = NfcCounter(self.ticks)
        self.slot = ContactSlot(self.ticks)
        self.keypad = keypad or KeypadDouble()
        self.display = DisplayDouble()
        board = Board(
            self.slot,
            self.nfc,
            self.keypad,
            self.display,
            IndicatorDouble(),
            self.clock,
            DirStorage("/flash", files=RamFiles()),
            network=Network(),
        )
        config = station_config.parse(fx.read("station.json"), fx.read("station.sig"))
        self.station = Station(board, config, ticks=self.ticks, random_bytes=lambda n: bytes(n))
        self.server = FakeBackOffice(self)
        self.server.credential = config["credential"]
        self.station.uplink = Uplink(
            dict(config, backoffice_url="https://bo.example"),
            self.station.cache,
            self.station.outbox,
            self.clock,
            self.station.log,
            board.network,
            http=self.server if http is None else http(self),
            ticks=self.ticks,
            random=lambda: 0.0,
            status=self.station.status_model.fields,
            heartbeat_interval_s=10,
            bundle_interval_s=30,
            backoff_cap_s=30,
        )
        self.station.boot()

    def run(self, ms, step_ms=50):
        """Tick the station every ``step_ms``; the station's uptime each virtual second."""
        uptimes = []
        for n in range(ms // step_ms):
            self.station.tick()
            self.ticks.now += step_ms
            if n % (1000 // step_ms) == 0:
                self.clock.advance(1)
                self.back_office.advance(1)
                uptimes.append(self.station.status()["uptime_s"])
        return uptimes


def _wraps(rig, first, last):
    return (last // rig.ticks.period) - (first // rig.ticks.period)


def test_the_boards_ticks_wrap_at_2_30_ms():
    period = _port.TICKS_PERIOD
    assert period == 1 << 30
    assert 0 <= _port.ticks_ms() < period
    assert _port.ticks_add(period - 1, 1) == 0
    assert _port.ticks_add(5, -10) == period - 5
    assert _port.ticks_diff(4, period - 6) == 10
    assert _port.ticks_diff(period - 6, 4) == -10
    assert _port.ticks_diff(_port.ticks_add(123, period // 2 - 1), 123) == period // 2 - 1


def test_any_power_of_two_period_has_the_same_arithmetic():
    assert _port.period_add(SMALL - 100, 300, SMALL) == 200
    assert _port.period_diff(200, SMALL - 100, SMALL) == 300
    assert _port.period_diff(SMALL - 100, 200, SMALL) == -300
    ticks = Ticks(SMALL - 1, SMALL)
    assert ticks.ticks_ms() == SMALL - 1
    ticks.sleep_ms(2)
    assert ticks.ticks_ms() == 1
    assert ticks.ticks_diff(ticks.ticks_ms(), SMALL - 1) == 2
    assert ticks_since(ticks, SMALL - 1) == 2


def test_uptime_counts_on_across_wraps():
    ticks = Ticks(SMALL - 500, SMALL)
    uptime = Uptime(ticks)
    seen = []
    for _ in range(5 * SMALL // 1000):  # five wraps, a look every second
        ticks.sleep_ms(1000)
        seen.append(uptime.seconds())
    assert seen == list(range(1, len(seen) + 1))


def test_a_station_keeps_polling_nfc_heartbeating_and_counting_uptime_across_wraps():
    rig = WrapRig(SMALL, SMALL - 3000)  # the first wrap 3 s after boot
    began = rig.ticks.now
    run_ms = 4 * SMALL  # four wraps
    uptimes = rig.run(run_ms)
    assert _wraps(rig, began, rig.ticks.now) == 4
    # NFC: a look every 500 ms, all the way (80 in 40 s, not 0 after the wrap).
    polls = rig.nfc.polls
    assert abs(len(polls) - run_ms // 500) <= 1, len(polls)
    gaps = [polls[i + 1] - polls[i] for i in range(len(polls) - 1)]
    assert min(gaps) == 500 and max(gaps) == 500, (min(gaps), max(gaps))
    # Heartbeats: one every 10 s, neither a storm nor a stop at each wrap.
    beats = rig.server.heartbeats
    assert abs(len(beats) - run_ms // 10000) <= 1, len(beats)
    # Uptime: a second a second, never back to 0.
    assert uptimes == sorted(uptimes)
    assert uptimes[-1] >= run_ms // 1000 - 1, uptimes[-1]
    assert rig.station.status()["uptime_s"] == (rig.ticks.now - began) // 1000
    reported = [beat["uptime_s"] for beat in beats]
    assert reported == sorted(reported) and reported[-1] >= run_ms // 1000 - 11


def test_the_uplink_keeps_its_rate_across_a_boards_wrap():
    # The board's period, 60 s before the wrap: about 30 heartbeats in 30 minutes.
    world = World(ticks=Ticks(_port.TICKS_PERIOD - 60000))
    world.run_for(30 * 60)
    assert world.ticks.ticks_ms() < 30 * 60 * 1000  # the counter wrapped on the way
    assert 30 <= len(world.server.heartbeats) <= 31, len(world.server.heartbeats)
    assert [p for p in world.server.paths() if p == "bundle"] == ["bundle"] * 7


def test_a_station_whose_clock_jumped_over_half_a_period_still_polls():
    # The emulator's trainer fast-forwards by days: the counter may land anywhere.
    rig = WrapRig(SMALL, 0)
    rig.run(2000)
    before = len(rig.nfc.polls)
    rig.ticks.now += SMALL // 2 + 1234
    rig.run(2000)
    assert len(rig.nfc.polls) - before >= 3


def test_a_key_synced_while_the_counter_wraps_goes_through():
    rig = WrapRig(SMALL, 0)
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    rig.ticks.now = 3 * SMALL - 40  # the key goes in 40 ms before a wrap
    rig.keypad.type(ANNA_CODE)
    rig.slot.insert(KeyDouble(ANNA))
    rig.run(10000, step_ms=5)
    assert rig.station.last_result.outcome == "ok_until"


def test_code_entry_still_times_out_across_a_wrap():
    rig = WrapRig(SMALL, 0)
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    rig.ticks.now = 2 * SMALL - 10000  # asked for the code 10 s before a wrap
    rig.slot.insert(KeyDouble(ANNA))
    rig.run(40000)  # nobody types; 30 s later the session ends
    assert rig.station.session is None
    assert rig.station.last_result.outcome == "code_timeout"
