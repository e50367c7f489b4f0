"""Wi-Fi station mode (ESP32-S3, Pico 2 W): the station's way to the back office.

``Wifi(ssid, password)`` joins the unit's network; ``connect(timeout_ms)``
returns whether it got there, ``isconnected()`` says whether it still is.
The firmware works offline for 8 days (ARCHITECTURE), so a failed connect is
an ordinary outcome, not an error. On MicroPython it drives
``network.WLAN(network.STA_IF)``; tests and the emulator pass ``wlan``.
"""

from hw._port import sleep_ms, ticks_diff, ticks_ms

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only


class Wifi:
    def __init__(
        self,
        ssid: str,
        password: str,
        wlan: "Any" = None,
        ticks: "Callable[[], int] | None" = None,
        sleep: "Callable[[int], None] | None" = None,
    ) -> None:
        self.ssid = ssid
        self._password = password
        self._wlan = wlan
        self._ticks = ticks or ticks_ms
        self._sleep = sleep or sleep_ms

    def _interface(self) -> "Any":
        if self._wlan is None:
            import network  # type: ignore[import-not-found]  # board ports only, no stub

            self._wlan = network.WLAN(network.STA_IF)
        return self._wlan

    def connect(self, timeout_ms: int = 15000) -> bool:
        """Join the network; True once connected, False if not within ``timeout_ms``."""
        wlan = self._interface()
        if not wlan.active():
            wlan.active(True)
        if wlan.isconnected():
            return True
        wlan.connect(self.ssid, self._password)
        start = self._ticks()
        while not wlan.isconnected():
            if ticks_diff(self._ticks(), start) >= timeout_ms:
                wlan.disconnect()  # stop retrying in the background until asked again
                return False
            self._sleep(100)
        return True

    def isconnected(self) -> bool:
        return self._wlan is not None and bool(self._wlan.isconnected())

    def disconnect(self) -> None:
        if self._wlan is not None:
            self._wlan.disconnect()

    def address(self) -> "str | None":
        """The station's IPv4 address while connected, for the service console."""
        if not self.isconnected():
            return None
        return str(self._interface().ifconfig()[0])
