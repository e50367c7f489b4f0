"""The main-loop rule (firmware.station.Station.may_block): nothing blocks while a key session runs.

Portable (runs on MicroPython too). The station is tests/firmware/test_ticks_wrap.py's
rig on the board's ticks period. The keypad here is a person's: each press is held
for 100 ms at a moment of its own, and a station that does not scan the keypad in
that time misses it, as a matrix keypad's scan would. The network can hang: every
request then takes the uplink's 10 s timeout of (virtual) time and fails.
"""

import errno

from hw._port import TICKS_PERIOD
from tests.firmware import fixtures as fx
from tests.firmware.key_double import KeyDouble
from tests.firmware.test_station import ANNA, ANNA_CODE
from tests.firmware.test_ticks_wrap import WrapRig

HOLD_MS = 100
SERIAL2 = fx.read("bundle_serial2.bin")


class PersonsKeypad:
    """``read_key`` sees a press only while it is held: [at, at + HOLD_MS)."""

    def __init__(self):
        self.ticks = None  # the rig's, once it has one
        self.presses = []  # [at, key], oldest first
        self.read = []
        self.missed = []

    def type(self, keys, start, gap_ms):
        for n, key in enumerate(keys):
            self.presses.append([start + n * gap_ms, key])

    def read_key(self):
        now = self.ticks.now
        while self.presses and now >= self.presses[0][0] + HOLD_MS:
            self.missed.append(self.presses.pop(0)[1])
        if self.presses and now >= self.presses[0][0]:
            key = self.presses.pop(0)[1]
            self.read.append(key)
            return key
        return None


class HangingNetwork:
    """The back office's http while the network hangs: each request times out after 10 s."""

    def __init__(self, rig):
        self.rig = rig
        self.hanging = False
        self.calls = []  # (ticks.now, whether a key session was running)

    def __call__(self, method, url, headers, body, timeout, **options):
        self.calls.append((self.rig.ticks.now, self.rig.station.session is not None))
        if not self.hanging:
            return self.rig.server(method, url, headers, body, timeout, **options)
        self.rig.ticks.now += int(timeout * 1000)
        raise OSError(errno.ETIMEDOUT, "timed out")


def _rig():
    networks = []

    def hanging(rig):
        networks.append(HangingNetwork(rig))
        return networks[0]

    rig = WrapRig(TICKS_PERIOD, 0, keypad=PersonsKeypad(), http=hanging)
    rig.keypad.ticks = rig.ticks
    rig.network = networks[0]
    rig.station.cache.install(fx.read("bundle_serial1.bin"))
    rig.run(2000)  # online: a heartbeat and the bundle asked for
    assert rig.station.uplink.online
    return rig


def _during_session(rig):
    return [at for at, in_session in rig.network.calls if in_session]


def test_every_keypress_is_read_while_the_network_hangs():
    rig = _rig()
    rig.run(7000)
    rig.network.hanging = True
    rig.slot.insert(KeyDouble(ANNA))
    rig.keypad.type(ANNA_CODE, rig.ticks.now + 500, 700)  # from 9.5 s: a heartbeat due at 10 s
    rig.run(12000, step_ms=5)
    assert rig.keypad.missed == [] and "".join(rig.keypad.read) == ANNA_CODE
    assert rig.station.last_result.outcome == "ok_until"
    assert _during_session(rig) == []  # not one request while the key was in
    # Between sessions the uplink carries on (and meets the hanging network).
    rig.slot.pull()
    before = len(rig.network.calls)
    rig.run(30000)
    assert len(rig.network.calls) > before and not rig.station.uplink.online


def test_a_bundle_the_back_office_has_mid_session_is_installed_after_it():
    rig = _rig()
    rig.run(26000)  # the next bundle request falls due 30 s after the first
    rig.server.bundle = SERIAL2
    rig.slot.insert(KeyDouble(ANNA))
    rig.keypad.type(ANNA_CODE, rig.ticks.now + 500, 700)  # typing from 28.5 s to 32 s
    while rig.station.session is not None or rig.station.last_result is None:
        rig.run(5, step_ms=5)
    assert rig.station.last_result.outcome == "ok_until"
    assert rig.station.last_result.set_serial == 1  # the session kept its bundle
    assert rig.station.cache.serial == 1 and _during_session(rig) == []
    rig.run(2000)  # the key is still in: between sessions, the bundle comes
    assert rig.station.cache.serial == 2
