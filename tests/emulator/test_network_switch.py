"""The emulator's network switch cuts the station off without touching the back office."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from emulator.network_switch import NetworkSwitch


def test_requests_pass_while_on_and_fail_while_off() -> None:
    calls: list[tuple[Any, ...]] = []

    def request(*args: Any) -> str:
        calls.append(args)
        return "answer"

    switch = NetworkSwitch()
    switched = switch.wrap(request)
    assert switched("GET", "http://x/") == "answer"
    switch.online = False
    assert not switch.isconnected() and not switch.connect()
    with pytest.raises(OSError) as failure:
        switched("GET", "http://x/")
    assert failure.value.errno == errno.ENETUNREACH
    assert calls == [("GET", "http://x/")]
    assert (switch.requests, switch.refused) == (2, 1)
