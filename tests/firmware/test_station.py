"""firmware.station: boot, idle screen, a key synced through the main loop, the console's services.

Portable (runs on MicroPython too): the key is tests/firmware/key_double.py's
KeyDouble behind a contact slot that can be empty; flash is RAM that keeps
what was written, the clock is moved by hand.
"""

from firmware import codec, station_config
from firmware.bundle_cache import CACHE_FILE
from firmware.clock import ManualClock
from firmware.framing import FrameDecoder, encode_frame
from firmware.protocol_constants import (
    MSG_SVC_MAINTENANCE,
    MSG_SVC_STATUS,
    REASON_BOOT,
    REASON_CACHE_DISCARDED,
    REASON_SERVICE_COMMAND,
    REASON_SYNC_OK,
    ST_OK,
)
from firmware.service_console import ServiceConsole
from firmware.station import (
    CHECK_BUNDLE,
    CHECK_CLOCK,
    CHECK_DISPLAY,
    CHECK_KEY_PORT,
    CHECK_NFC,
    CHECK_STORAGE,
    STATUS_NOT_FOUND,
    STATUS_OK,
    Station,
)
from firmware.storage import DirStorage
from hw.board import Board
from tests.firmware import fixtures as fx
from tests.firmware.key_double import (
    DisplayDouble,
    IndicatorDouble,
    KeyDouble,
    KeypadDouble,
    KeyPortDouble,
    Ticks,
)
from tests.firmware.power_cut import RamFiles
from tests.firmware.test_service_console import Line
from tests.firmware.test_service_token import TOKENS

ANNA = 10
ANNA_CODE = fx.KEYS[10][0]


class ContactSlot:
    """The key port with or without a key in it (a KeyPortDouble while one is in)."""

    def __init__(self, ticks):
        self.ticks = ticks
        self.port = None
        self.baud = 115200

    def insert(self, key):
        self.port = KeyPortDouble(key, self.ticks)

    def pull(self):
        self.port = None

    def present(self):
        return self.port is not None and self.port.present()

    def read(self, max_bytes):
        return self.port.read(max_bytes) if self.port is not None else b""

    def write(self, buf):
        return self.port.write(buf) if self.port is not None else len(buf)

    def flush(self):
        if self.port is not None:
            self.port.flush()

    def set_baud(self, rate):
        self.baud = rate
        if self.port is not None:
            self.port.set_baud(rate)


class Rig:
    def __init__(self, files=None, now=fx.EPOCH):
        self.files = files if files is not None else RamFiles()
        self.ticks = Ticks(1000)
        self.clock = ManualClock(now)
        self.slot = ContactSlot(self.ticks)
        self.keypad = KeypadDouble()
        self.display = DisplayDouble()
        self.indicator = IndicatorDouble()
        self.board = Board(
            self.slot,
            None,
            self.keypad,
            self.display,
            self.indicator,
            self.clock,
            DirStorage("/flash", files=self.files),
        )
        config = station_config.parse(fx.read("station.json"), fx.read("station.sig"))
        self.station = Station(
            self.board,
            config,
            ticks=self.ticks,
            random_bytes=lambda n: bytes(n),
        )
        self.station.boot()

    def run(self, ticks=2000):
        for _ in range(ticks):
            self.station.tick()
            self.ticks.sleep_ms(5)

    def station_events(self):
        records = [
            codec.decode_record("outbox_record", r) for r in self.station.outbox.pending()[1]
        ]
        return [(r["reason"], r["key_id"]) for r in records if r["kind"] == 2]


def test_boot_without_a_bundle_says_whom_to_call():
    rig = Rig()
    assert rig.display.swedish.startswith("Stationen saknar behörigheter")
    assert "Bemanningen" in rig.display.swedish
    assert rig.station_events() == [(REASON_BOOT, 0)]


def test_a_key_is_synced_through_the_main_loop():
    rig = Rig()
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    rig.run(1)
    assert rig.display.english == "Insert your key"
    key = KeyDouble(ANNA)
    key.add_events(3)
    rig.keypad.type(ANNA_CODE)
    rig.slot.insert(key)
    rig.run(200)
    assert rig.station.session is None
    assert rig.display.english.startswith("OK, valid until")
    assert rig.station.last_result.outcome == "ok_until"
    assert (REASON_SYNC_OK, ANNA) in rig.station_events()
    assert key.events == []
    # The result stays on the screen until the key is taken out.
    assert rig.station.key_info()["key_id"] == ANNA
    rig.run(50)
    assert rig.display.english.startswith("OK, valid until")
    rig.slot.pull()
    rig.run(2)
    assert rig.display.english == "Insert your key"
    assert rig.station.key_info() is None


def test_status_and_selftest_for_the_console():
    rig = Rig()
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    status = rig.station.status()
    assert status["station_id"] == fx.STATION_ID and status["unit_id"] == fx.UNIT_ID
    assert status["bundle_serial"] == 1 and status["offline_until"] == fx.OFFLINE_UNTIL
    assert status["outbox_records"] == 1 and status["flags"] == 0
    assert status["key_present"] == 0 and status["online"] == 0
    checks = dict(rig.station.selftest())
    assert checks[CHECK_STORAGE] == STATUS_OK
    assert checks[CHECK_CLOCK] == STATUS_OK
    assert checks[CHECK_BUNDLE] == STATUS_OK
    assert checks[CHECK_KEY_PORT] == STATUS_OK
    assert checks[CHECK_NFC] == STATUS_NOT_FOUND  # this board has no reader
    assert checks[CHECK_DISPLAY] == STATUS_OK


def test_expired_cache_and_clock_flags():
    rig = Rig(now=fx.EPOCH)
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    rig.clock.set(fx.OFFLINE_UNTIL + 1)
    rig.run(1)
    assert rig.display.swedish.startswith("Utan nät i mer än 8 dygn")
    assert rig.station.status()["flags"] & 2
    rig.clock.set(1000)
    assert rig.station.status()["flags"] & 4


def test_a_damaged_cache_is_discarded_at_boot_and_reported():
    files = RamFiles()
    Rig(files).station.cache.install(fx.read("bundle_serial1.bin"))
    stored = files.files["/flash/" + CACHE_FILE]
    stored[100] ^= 0xFF
    rig = Rig(files)
    assert not rig.station.cache.loaded
    assert (REASON_CACHE_DISCARDED, 0) in rig.station_events()
    assert "discarded" in rig.station.log.tail(1, 4000)[2]


def test_a_half_read_audit_left_by_a_power_cut_is_removed_at_boot():
    files = RamFiles()
    Rig(files)
    files.files["/flash/audit.stage"] = bytearray(36 * 40)  # cut during a key's audit read
    rig = Rig(files)
    assert "/flash/audit.stage" not in files.files
    assert "half-read audit" in rig.station.log.tail(1, 4000)[2]


def test_factory_reset_keeps_configuration_and_unsent_events():
    rig = Rig()
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    pending = rig.station.outbox.records()
    rig.station.factory_reset()
    assert not rig.station.cache.loaded
    assert rig.station.outbox.records() == pending
    assert rig.display.swedish.startswith("Stationen saknar behörigheter")


def test_clear_outbox_confirms_through_an_index():
    rig = Rig()
    rig.station.record(0, REASON_BOOT, 1)
    assert rig.station.outbox.records() == 2
    assert rig.station.clear_outbox(1) == 1
    assert rig.station.outbox.records() == 1


def test_svc_maintenance_stops_the_main_loop_after_answering():
    # issue 14.14: maintenance mode from the console, token-guarded (SPEC.md 7)
    rig = Rig()
    line = Line()
    rig.station.console = ServiceConsole(line, rig.station)
    request = codec.encode_message(MSG_SVC_MAINTENANCE, 9, TOKENS["maintenance"])
    line.incoming += encode_frame(request)
    rig.run(3)
    (answer,) = FrameDecoder().feed(bytes(line.outgoing))
    answer = codec.decode_message(answer)
    assert (answer["type"], answer["seq"], answer["status"]) == (MSG_SVC_MAINTENANCE, 9, ST_OK)
    assert rig.station.maintenance
    assert (rig.display.swedish, rig.display.english) == ("Underhållsläge", "Maintenance mode")
    assert (REASON_SERVICE_COMMAND, 0) in rig.station_events()
    rig.station.run_forever()  # returns: the station has stopped
    # stopped: the console is not read any more (the port is the REPL's)
    line.outgoing = bytearray()
    line.incoming += encode_frame(codec.encode_message(MSG_SVC_STATUS, 10, b""))
    rig.run(3)
    assert line.outgoing == bytearray()


def test_svc_maintenance_needs_the_maintenance_permission():
    rig = Rig()
    line = Line()
    rig.station.console = ServiceConsole(line, rig.station)
    line.incoming += encode_frame(codec.encode_message(MSG_SVC_MAINTENANCE, 1, TOKENS["all"]))
    rig.run(3)
    (answer,) = FrameDecoder().feed(bytes(line.outgoing))
    assert codec.decode_message(answer)["status"] != ST_OK
    assert not rig.station.maintenance
