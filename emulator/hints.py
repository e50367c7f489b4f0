"""What to do next: the one rule that picks a trainee's hint from the state of things.

``Situation`` is what a person standing there could tell: whom they play,
where their key is (in their station's slot or on its pad, or in the
pocket), whether the station waits for the code, what the last sync at it
came to, whether its network is on and how long its cache still holds, and
until when the key's permissions run. ``hint(situation)`` gives the
catalogue key (``hint.<name>`` in emulator/messages.py) and its values; the
text console (``tips``, and once after each command whose state it changes)
and the training page (the banner over the station) both ask it, each
building the ``Situation`` from what it sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator import messages
from emulator.messages import Two
from host.backoffice.timeutil import format_time

SYNCED = "ok_until"  # firmware.key_session.SYNCED
LOCKED_OUT = "locked_out"
CODE_TIMEOUT = "code_timeout"
CACHE_EXPIRED = "cache_expired"
HOUR = 3_600
DAY = 86_400


@dataclass(frozen=True)
class Situation:
    picked: bool = False
    has_key: bool = False
    key_state: str = "active"  # the back office's: active, lost, blocked, ...
    in_station: bool = False  # in the slot or on the pad of the trainee's station
    asks_code: bool = False
    busy: bool = False  # a session runs at the station (reading, writing)
    last_outcome: str = ""  # how the last session with this key at the station ended
    events_read: int = 0  # by that session, when it synced
    queue: int = 0  # records the station still has to upload
    online: bool = True  # the station's network switch
    offline_until: int = 0  # the station's cache holds until then (0: no bundle)
    locked_until: int = 0  # the station's lockout of this key
    valid_until: int = 0  # the key's active permission set
    now: int = 0


def hint(s: Situation) -> tuple[str, dict[str, object]]:
    """The hint that fits ``s``: (catalogue key, values)."""
    if not s.picked:
        return "hint.pick", {}
    if not s.has_key:
        return "hint.no_key", {}
    if s.key_state != "active":
        return "hint.key_not_active", {"state": messages.both(f"state.{s.key_state}")}
    if s.in_station:
        if s.busy and not s.asks_code:
            return "hint.busy", {}
        if s.asks_code:
            return "hint.code", {}
        if s.last_outcome == SYNCED:
            if s.online and s.queue == 0:
                return "hint.shift_end", {"events": count("events", s.events_read)}
            return "hint.pull", {}
        if s.last_outcome == LOCKED_OUT:
            return "hint.locked_out", {"until": _clock(s.locked_until)}
        if s.last_outcome == CODE_TIMEOUT:
            return "hint.code_timeout", {}
        if s.last_outcome == CACHE_EXPIRED:
            return "hint.expired", {}
        return "hint.pull_refused", {}
    if s.locked_until > s.now:
        return "hint.locked_out", {"until": _clock(s.locked_until)}
    if not s.online:
        if s.offline_until and s.now >= s.offline_until:
            return "hint.expired", {}
        return "hint.offline", {"left": _left(s.offline_until - s.now)}
    if s.valid_until > s.now:
        return "hint.visit", {"until": _clock(s.valid_until)}
    return "hint.sync", {}


def count(what: str, n: int) -> Two:
    """``n`` of ``what`` in each language, singular or plural (``count.<what>``)."""
    return messages.both(f"count.{what}.{'one' if n == 1 else 'many'}", n=n)


def _clock(t: int) -> str:
    return format_time(t)[:16]


def _left(seconds: int) -> Two:
    days, hours = divmod(max(seconds, 0) // HOUR, 24)
    return messages.both("hint.days_hours", days=count("days", days), hours=count("hours", hours))
