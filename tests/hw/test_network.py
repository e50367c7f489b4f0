"""hw.network: joining Wi-Fi within a time limit, on DummyWLAN and a fake clock."""

from hw.network import Wifi
from tests.hw.dummies import DummyWLAN, FakeClock


class CountingWLAN(DummyWLAN):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connects = 0

    def connect(self, ssid, password):
        self.connects += 1
        super().connect(ssid, password)


def _wifi(wlan):
    clock = FakeClock()
    return clock, Wifi(
        "hemtjanst", "hemligt", wlan=wlan, ticks=clock.ticks_ms, sleep=clock.sleep_ms
    )


def test_connect_activates_joins_and_waits():
    wlan = CountingWLAN(polls_needed=3)
    clock, wifi = _wifi(wlan)
    assert wifi.connect(15000)
    assert wlan.is_active
    assert wlan.joined == ("hemtjanst", "hemligt")
    assert wlan.connects == 1
    assert clock.now == 300  # three polls 100 ms apart
    assert wifi.isconnected()
    assert wifi.address() == "192.168.4.20"


def test_connect_gives_up_after_the_timeout():
    wlan = DummyWLAN(reachable=False)
    clock, wifi = _wifi(wlan)
    assert not wifi.connect(2000)
    assert 2000 <= clock.now <= 2100
    assert wlan.disconnects == 1  # no retrying in the background
    assert not wifi.isconnected()
    assert wifi.address() is None


def test_connect_when_already_connected():
    wlan = CountingWLAN(polls_needed=0)
    clock, wifi = _wifi(wlan)
    assert wifi.connect()
    before = clock.now
    assert wifi.connect()
    assert wlan.connects == 1
    assert clock.now == before


def test_connect_again_after_a_failure():
    wlan = DummyWLAN(reachable=False)
    _clock, wifi = _wifi(wlan)
    assert not wifi.connect(500)
    wlan.reachable = True
    assert wifi.connect(500)


def test_timeout_of_zero_tries_once():
    wlan = DummyWLAN(polls_needed=0)
    _clock, wifi = _wifi(wlan)
    assert wifi.connect(0)  # connected at the first poll
    slow = DummyWLAN(polls_needed=5)
    clock, wifi = _wifi(slow)
    assert not wifi.connect(0)
    assert clock.now == 0


def test_not_connected_before_connect():
    _clock, wifi = _wifi(DummyWLAN())
    assert not wifi.isconnected()
    assert wifi.address() is None
    assert wifi.ssid == "hemtjanst"


def test_disconnect():
    wlan = DummyWLAN(polls_needed=0)
    _clock, wifi = _wifi(wlan)
    assert wifi.connect()
    wifi.disconnect()
    assert wlan.disconnects == 1
    assert not wifi.isconnected()
    Wifi("x", "y").disconnect()  # no interface yet: nothing to do
