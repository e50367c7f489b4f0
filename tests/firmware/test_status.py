"""firmware.status: one status model for the console, the heartbeat and the idle screen.

Portable (runs on MicroPython too). The station is tests/firmware/test_ticks_wrap.py's
rig: NFC reader, contact slot, uplink to a fake back office, all on one time line.
"""

from firmware.clock import OffsetClock
from firmware.protocol_constants import (
    REASON_UNKNOWN_KEY,
    STATION_FLAG_CACHE_EXPIRED,
    STATION_FLAG_CLOCK_NOT_SET,
    STATION_FLAG_OUTBOX_FULL,
)
from firmware.station import CHECK_CLOCK, STATUS_INTERNAL, STATUS_OK
from firmware.status import Status
from hw._port import TICKS_PERIOD
from tests.firmware import fixtures as fx
from tests.firmware.key_double import KeyDouble
from tests.firmware.test_ticks_wrap import WrapRig


def _rig(clock=None):
    rig = WrapRig(TICKS_PERIOD, 0, clock)
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    return rig


def test_the_console_and_the_heartbeat_read_the_same_fields():
    rig = _rig()
    rig.run(3000)  # a heartbeat went up: online
    rig.station.outbox.full = True
    console = rig.station.status()
    assert rig.station.uplink.status_fields() == console  # the heartbeat's body
    assert console["online"] == 1 and console["uptime_s"] == 3
    assert console["flags"] == STATION_FLAG_OUTBOX_FULL
    beat = rig.server.heartbeats[-1]
    assert sorted(beat) == sorted(console)  # all 17 fields of STATION_STATUS


def test_a_clock_never_set_since_boot_is_flagged_by_every_reader():
    # An OffsetClock that was never set reads a plausible time but must not be trusted:
    # the console (and the selftest) said so before only when it read before 2024.
    never_set = OffsetClock(lambda: fx.EPOCH)
    rig = _rig(never_set)
    assert rig.station.status()["flags"] & STATION_FLAG_CLOCK_NOT_SET
    assert rig.station.uplink.status_fields()["flags"] & STATION_FLAG_CLOCK_NOT_SET
    assert dict(rig.station.selftest())[CHECK_CLOCK] == STATUS_INTERNAL
    never_set.set(fx.EPOCH)
    assert rig.station.status()["flags"] == 0
    assert dict(rig.station.selftest())[CHECK_CLOCK] == STATUS_OK


def test_the_idle_screen_and_the_expired_flag_turn_at_the_same_second():
    rig = _rig()
    rig.clock.set(fx.OFFLINE_UNTIL - 1)
    rig.run(1000)
    assert rig.display.english.startswith("Insert your key")
    assert rig.station.status()["flags"] == 0
    rig.clock.set(fx.OFFLINE_UNTIL)
    rig.run(1000)
    assert rig.display.swedish.startswith("Utan nät i mer än 8 dygn")
    assert rig.station.status()["flags"] == STATION_FLAG_CACHE_EXPIRED
    assert rig.station.uplink.status_fields()["flags"] == STATION_FLAG_CACHE_EXPIRED


def test_offline_the_idle_screen_counts_the_days_left():
    rig = _rig()
    rig.server.down = OSError(113, "EHOSTUNREACH")
    rig.run(2000)
    assert rig.station.status()["online"] == 0
    days = (fx.OFFLINE_UNTIL - rig.clock.now()) // 86400
    left = ("%d day" if days == 1 else "%d days") % days
    assert rig.display.english == "Insert your key\nNo network, %s left" % left


def test_a_failed_sync_is_the_last_error_until_a_factory_reset():
    rig = _rig()
    rig.slot.insert(KeyDouble(99))  # not in the bundle
    rig.run(3000, step_ms=5)
    assert rig.station.last_result.outcome == "unknown_key"
    reason = rig.station.last_result.reason
    assert reason == REASON_UNKNOWN_KEY and rig.station.status()["last_error"] == reason
    assert rig.station.uplink.status_fields()["last_error"] == reason
    rig.station.factory_reset()
    assert rig.station.status()["last_error"] == 0


def test_a_status_without_board_parts_reports_zero_for_them():
    rig = _rig()
    bare = Status(1, 2, rig.clock, rig.station.cache, rig.station.outbox, rig.ticks)
    fields = bare.fields()
    assert (fields["flash_free"], fields["key_present"], fields["online"]) == (0, 0, 0)
    assert bare.idle_text()[1] == "Insert your key"  # no uplink: nothing to say offline
