"""firmware.station: boot, idle screen, a key synced through the main loop, the console's services.

Portable (runs on MicroPython too): the key is tests/firmware/key_double.py's
KeyDouble behind a contact slot that can be empty; flash is RAM that keeps
what was written, the clock is moved by hand.
"""

from firmware import station_config
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
from firmware.records import decode_record
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
from firmware.wire_messages import decode_message, encode_message
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

    def present(self) -> bool:
        return self.port is not None and self.port.present()

    def read(self, max_bytes: int) -> bytes:
        return self.port.read(max_bytes) if self.port is not None else b""

    def write(self, buf: bytes) -> int:
        return self.port.write(buf) if self.port is not None else len(buf)

    def flush(self) -> None:
        if self.port is not None:
            self.port.flush()

    def set_baud(self, rate: int) -> None:
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
        records = [decode_record("outbox_record", r) for r in self.station.outbox.pending()[1]]
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
    request = encode_message(MSG_SVC_MAINTENANCE, 9, TOKENS["maintenance"])
    line.incoming += encode_frame(request)
    rig.run(3)
    (answer,) = FrameDecoder().feed(bytes(line.outgoing))
    answer = decode_message(answer)
    assert (answer["type"], answer["seq"], answer["status"]) == (MSG_SVC_MAINTENANCE, 9, ST_OK)
    assert rig.station.maintenance
    assert (rig.display.swedish, rig.display.english) == ("Underhållsläge", "Maintenance mode")
    assert (REASON_SERVICE_COMMAND, 0) in rig.station_events()
    rig.station.run_forever()  # returns: the station has stopped
    # stopped: the console is not read any more (the port is the REPL's)
    line.outgoing = bytearray()
    line.incoming += encode_frame(encode_message(MSG_SVC_STATUS, 10, b""))
    rig.run(3)
    assert line.outgoing == bytearray()


def test_svc_maintenance_needs_the_maintenance_permission():
    rig = Rig()
    line = Line()
    rig.station.console = ServiceConsole(line, rig.station)
    line.incoming += encode_frame(encode_message(MSG_SVC_MAINTENANCE, 1, TOKENS["all"]))
    rig.run(3)
    (answer,) = FrameDecoder().feed(bytes(line.outgoing))
    assert decode_message(answer)["status"] != ST_OK
    assert not rig.station.maintenance


# -- the services a board's bring-up reaches first (issue 19.4) ---------------------------


def test_now_is_the_boards_clock():
    rig = Rig()
    assert rig.station.now() == fx.EPOCH
    rig.clock.advance(90)
    assert rig.station.now() == fx.EPOCH + 90


def test_set_clock_moves_the_boards_clock_and_logs_both_times():
    rig = Rig()
    rig.station.set_clock(fx.EPOCH + 3600)
    assert rig.clock.now() == fx.EPOCH + 3600
    assert rig.station.now() == fx.EPOCH + 3600
    text = rig.station.log.tail(1, 4000)[2]
    assert "clock set from %d to %d by a technician" % (fx.EPOCH, fx.EPOCH + 3600) in text


def test_audit_read_gives_the_outbox_records_from_an_index():
    rig = Rig()  # the boot is record 1
    rig.station.record(ANNA, REASON_SYNC_OK, 0)
    rig.station.record(0, REASON_BOOT, 2)
    total, first, records = rig.station.audit_read(0, 10)
    assert (total, first, len(records)) == (3, 1, 3)
    decoded = [decode_record("outbox_record", r) for r in records]
    assert [(r["reason"], r["key_id"]) for r in decoded] == [
        (REASON_BOOT, 0),
        (REASON_SYNC_OK, ANNA),
        (REASON_BOOT, 0),
    ]
    total, first, records = rig.station.audit_read(2, 1)
    assert (total, first) == (3, 2)
    assert records == [rig.station.outbox.read(0, 3)[2][1]]
    assert rig.station.audit_read(4, 10)[2] == []


def test_run_forever_runs_the_main_loop_until_a_technician_stops_it():
    rig = Rig()
    line = Line()
    rig.station.console = ServiceConsole(line, rig.station)
    line.incoming += encode_frame(encode_message(MSG_SVC_STATUS, 1, b""))
    line.incoming += encode_frame(encode_message(MSG_SVC_MAINTENANCE, 2, TOKENS["maintenance"]))
    started = rig.ticks.now
    rig.station.run_forever(poll_ms=7)  # returns only because SVC_MAINTENANCE stopped it
    answers = [decode_message(a) for a in FrameDecoder().feed(bytes(line.outgoing))]
    assert [(a["type"], a["status"]) for a in answers] == [
        (MSG_SVC_STATUS, ST_OK),
        (MSG_SVC_MAINTENANCE, ST_OK),
    ]
    assert rig.station.maintenance
    # it slept poll_ms between passes on the station's ticks, never on the real clock
    assert rig.ticks.now > started and (rig.ticks.now - started) % 7 == 0
