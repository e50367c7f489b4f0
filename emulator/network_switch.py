"""The station's network in the emulator: on or off, as the trainer or a scenario sets it.

``NetworkSwitch`` has the interface of hw.network.Wifi (``connect``,
``isconnected``) and wraps the firmware's HTTP client so that, while off, every
request fails the way a dead Wi-Fi does (``OSError`` ENETUNREACH) without
reaching the back office.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hw.board import HttpTransport


class NetworkSwitch:
    def __init__(self, online: bool = True) -> None:
        self.online = online
        self.requests = 0
        self.refused = 0

    def connect(self, timeout_ms: int = 15000) -> bool:
        return self.online

    def isconnected(self) -> bool:
        return self.online

    def disconnect(self) -> None:
        self.online = False

    def wrap(self, request: HttpTransport) -> HttpTransport:
        """``request`` (hw.http_client.request) that fails while the switch is off."""

        def switched(*args: Any, **kwargs: Any) -> Any:
            self.requests += 1
            if not self.online:
                self.refused += 1
                raise OSError(errno.ENETUNREACH, "network is off (emulator)")
            return request(*args, **kwargs)

        return switched
