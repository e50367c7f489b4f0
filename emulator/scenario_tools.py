"""What the headless scenarios do to the emulated site beyond EmulatedSite's own actions.

- time: ``local_time`` (hh:mm Stockholm time some days after a moment),
  ``go_to`` (fast-forward to a moment, then let the world run a second);
- the site's facts: ``home_station``, ``unit_people``, ``unit_locks``;
  ``scenario_code``/``wrong_code`` (a right and a wrong personal code);
- the back office: ``add_staff_with_key`` (a new member of staff and a key
  for them, through the service layer, with a VirtualKey from a fixed seed),
  ``mount_lock`` (a technician mounting a registered lock: a VirtualLock),
  ``drifting_lock`` (a lock whose clock is off and drifts),
  ``sync_events``/``activity``/``anomalies`` (the back office's reports);
- the station: ``wait_for_bundle`` and ``wait_for_upload`` (the uplink's
  5-minute bundle check and its uploads, with time moving as it does),
  ``sync`` (a whole sync, with the station's screen at the end and how long
  the code entry took, and a hook to arm a fault once the code is asked
  for), ``present_key``/``await_result``/``remove_key`` for scenarios that
  type at the keypad themselves, ``shows`` (the display says a
  firmware.messages text);
- power: ``reboot_station``. A power cut is armed on the board's flash
  (``hardware.files.cut_after(units)``: every byte written and every rename
  or remove costs a unit; the write that runs out is torn, and every flash
  operation after it fails). Once the cut has happened, ``reboot_station``
  is the power coming back: the board's RAM and every object of the old
  station are dropped, and the firmware boots on new virtual hardware over
  the same flash directory, exactly as a board starts: storage recovery,
  the cached bundle checked, the outbox scanned, the configuration read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from emulator.site import EmulatedSite, EmulatedStation
from emulator.virtual_clock import DriftingClock
from emulator.virtual_key import VirtualKey
from emulator.virtual_lock import VirtualLock
from firmware import messages
from firmware.key_session import CODE
from host.backoffice import codes
from host.backoffice.reports import ActivityQuery, AnomalyQuery, SyncQuery
from host.backoffice.timeutil import TZ, local_day

BUNDLE_INTERVAL_S = 300  # firmware.uplink: the station asks for a new bundle every 5 minutes
CUSTOMER_LOCKS = ("customer_door", "key_box")

Row = dict[str, Any]

# -- time ---------------------------------------------------------------------------------------


def local_time(base: int, days: int, hour: int, minute: int = 0) -> int:
    """Unix time of hh:mm Stockholm time on the local day ``days`` after ``base``'s."""
    day = local_day(base) + timedelta(days=days)
    return int(datetime.combine(day, time(hour, minute), TZ).timestamp())


def go_to(site: EmulatedSite, when: int) -> None:
    """Fast-forward the world to ``when`` (unix time), then let it run for a second."""
    now = site.clock.now()
    if when < now:
        raise ValueError(f"go_to: {when} is {now - when} s in the past")
    site.fast_forward(when - now)
    site.run_for(1)


# -- the site's facts ---------------------------------------------------------------------------


def home_station(site: EmulatedSite) -> EmulatedStation:
    """The station with the lowest id (the demo's first unit, Hemtjänst Nord)."""
    return site.stations[min(site.stations)]


@dataclass(frozen=True)
class Person:
    """A member of staff as the scenarios need them: name, personal code, key."""

    name: str
    code: str
    key: VirtualKey


def unit_people(site: EmulatedSite, unit_id: int) -> list[Person]:
    """The unit's staff who have an active key, by staff id."""
    staff = sorted(
        (s for s in site.demo.staff.values() if s.unit_id == unit_id),
        key=lambda s: s.staff_id,
    )
    return [Person(s.name, s.code, site.keys[s.key_id]) for s in staff if s.key_id is not None]


def unit_locks(site: EmulatedSite, unit_id: int, kinds: tuple[str, ...]) -> list[int]:
    """Mounted locks of these kinds that the unit's staff may open, by lock id."""
    return sorted(
        lock.lock_id
        for lock in site.demo.locks.values()
        if lock.installed and lock.kind in kinds and unit_id in lock.unit_ids
    )


def key_seed(key_id: int) -> bytes:
    return hashlib.sha256(f"synk scenario key {key_id}".encode()).digest()


def scenario_code(key_id: int) -> str:
    """A personal code the back office accepts (not trivial), fixed by the key id."""
    for attempt in range(100):
        digest = hashlib.sha256(f"synk scenario code {key_id} {attempt}".encode()).digest()
        code = f"{int.from_bytes(digest[:4], 'little') % 1_000_000:06d}"
        if not codes.is_trivial(code):
            return code
    raise AssertionError("no usable code in 100 tries")  # 1 in 10^4 codes is trivial


def wrong_code(code: str) -> str:
    """A code that is not ``code``: every digit moved on by 5."""
    return "".join(str((int(c) + 5) % 10) for c in code)


# -- the back office ----------------------------------------------------------------------------


def add_staff_with_key(site: EmulatedSite, unit_id: int, name: str, key_id: int) -> Person:
    """A new member of staff with a personal code and a key, as a unit manager adds them."""
    code = scenario_code(key_id)
    key = VirtualKey(key_id, key_seed(key_id), monotonic=lambda: site.clock.monotonic_ms() / 1000)
    row, _ = site.office.add_staff(site.admin, unit_id, name, code)
    site.office.add_key(site.admin, row["id"], key.key_public, key_id, key.pin_secret)
    site.keys[key_id] = key
    return Person(name, code, key)


def mount_lock(
    site: EmulatedSite, lock_id: int, kind: str, secret: bytes, clock: DriftingClock | None = None
) -> VirtualLock:
    """A registered lock mounted on a door: it trusts the site's authority keys."""
    lock = VirtualLock(
        lock_id, kind, site.demo.authority_keys, secret, clock or DriftingClock(site.clock)
    )
    with site.lock:
        site.locks[lock_id] = lock
    return lock


def drifting_lock(
    site: EmulatedSite, lock_id: int, offset_s: int, seconds_per_day: float
) -> DriftingClock:
    """Give a mounted lock a clock ``offset_s`` off now that gains ``seconds_per_day`` a day."""
    clock = DriftingClock(site.clock, seconds_per_day=seconds_per_day, offset=offset_s)
    with site.lock:
        site.locks[lock_id].clock = clock
    return clock


def sync_events(
    site: EmulatedSite,
    station_id: int | None = None,
    key_id: int | None = None,
    since: int | None = None,
) -> list[Row]:
    query = SyncQuery(station_id=station_id, key_id=key_id, since=since)
    return site.office.list_sync_events(site.admin, query)


def activity(
    site: EmulatedSite,
    key_id: int | None = None,
    lock_id: int | None = None,
    since: int | None = None,
) -> list[Row]:
    query = ActivityQuery(key_id=key_id, lock_id=lock_id, since=since)
    return site.office.search_activity(site.admin, query)


def anomalies(site: EmulatedSite, lock_id: int | None = None, kind: str | None = None) -> list[Row]:
    return site.office.list_anomalies(site.admin, AnomalyQuery(kind=kind, lock_id=lock_id))


# -- the station's uplink -----------------------------------------------------------------------


def wait_for_bundle(
    site: EmulatedSite, station_id: int, newer_than: int, timeout_s: int = BUNDLE_INTERVAL_S + 60
) -> bool:
    """Let time pass (30 s at a go) until the station holds a bundle newer than ``newer_than``."""

    def arrived() -> bool:
        return int(site.station(station_id).station.cache.serial) > newer_than

    waited = 0
    while waited <= timeout_s:
        if site.run_until(arrived, 1.0):
            return True
        site.fast_forward(29)
        waited += 30
    return False


def outbox_empty(emulated: EmulatedStation) -> bool:
    """Every record the station holds has been confirmed by the back office."""
    outbox = emulated.station.outbox
    return bool(outbox.next_index - 1 <= outbox.acked_through)


def wait_for_upload(site: EmulatedSite, station_id: int, timeout_s: int = 300) -> bool:
    """Let time pass (a few seconds at a go) until the station's outbox is uploaded."""
    waited = 0
    while waited <= timeout_s:
        if site.run_until(lambda: outbox_empty(site.station(station_id)), 5.0):
            return True
        site.fast_forward(10)
        waited += 15
    return False


# -- a key at the station -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sync:
    """One sync: the session's result, the screen when it ended, and its times (virtual ms)."""

    result: Any  # firmware.key_session.SessionResult, None if the session never ended
    swedish: str
    english: str
    began_ms: int  # key in
    ended_ms: int  # the session's last word on the screen
    code_ms: int  # from "enter your code" until the code was taken (0: never asked)

    @property
    def outcome(self) -> str | None:
        return None if self.result is None else str(self.result.outcome)

    @property
    def session_ms(self) -> int:
        """Key in to the last word, without the time the person spent typing the code."""
        return self.ended_ms - self.began_ms - self.code_ms


def _asking_code(emulated: EmulatedStation) -> bool:
    session = emulated.station.session
    return session is not None and session.state == CODE


def present_key(
    site: EmulatedSite, station_id: int, key: VirtualKey, timeout_s: float = 30
) -> bool:
    """Put the key in; run until the station asks for the code (True) or has ended (False)."""
    emulated = site.station(station_id)
    before = emulated.station.last_result
    site.insert_key(station_id, key)
    site.run_until(
        lambda: _asking_code(emulated) or emulated.station.last_result is not before, timeout_s
    )
    return _asking_code(emulated)


def await_result(site: EmulatedSite, station_id: int, before: Any, timeout_s: float = 60) -> Any:
    """Run until the station's session has ended with a result other than ``before``."""
    emulated = site.station(station_id)
    site.run_until(lambda: emulated.station.last_result is not before, timeout_s)
    result = emulated.station.last_result
    return None if result is before else result


def remove_key(site: EmulatedSite, station_id: int) -> None:
    site.pull_key(station_id)
    site.run_for(0.05)


def screen(emulated: EmulatedStation) -> tuple[str, str]:
    display = emulated.hardware.display
    return display.swedish, display.english


def shows(emulated: EmulatedStation, name: str, *args: object) -> bool:
    """The station's display shows the firmware message ``name`` (filled with ``args``)."""
    return screen(emulated) == messages.text(name, *args)


def sync(
    site: EmulatedSite,
    station_id: int,
    key: VirtualKey,
    code: str,
    when_asked: Callable[[], None] | None = None,
    timeout_s: float = 120,
) -> Sync:
    """Key in, the code typed when asked, wait for the end, key out.

    ``when_asked`` runs once the station asks for the code, before it is typed
    (to arm a fault for what follows the code).
    """
    emulated = site.station(station_id)
    before = emulated.station.last_result
    began = site.clock.monotonic_ms()
    code_ms = 0
    if present_key(site, station_id, key, timeout_s):
        if when_asked is not None:
            when_asked()
        asked = site.clock.monotonic_ms()
        site.type_code(station_id, code)
        site.run_until(lambda: not _asking_code(emulated), timeout_s)
        code_ms = site.clock.monotonic_ms() - asked
    result = await_result(site, station_id, before, timeout_s)
    swedish, english = screen(emulated)
    ended = site.clock.monotonic_ms()
    remove_key(site, station_id)
    return Sync(result, swedish, english, began, ended, code_ms)


# -- power ----------------------------------------------------------------------------------------


def flash_names(emulated: EmulatedStation) -> list[str]:
    """Every file in the station's flash directory, half-done writes (.tmp, .old) included."""
    return sorted(path.name for path in emulated.hardware.storage_dir.iterdir())


def reboot_station(site: EmulatedSite, station_id: int) -> EmulatedStation:
    """Power back after a cut: the firmware starts afresh on what the flash kept.

    The old station object (its RAM) and its board are dropped; a new
    VirtualStationBoard on the same flash directory gets a fresh power supply
    (its FlakyFiles has no cut armed), and the station is built and booted
    from that flash the way EmulatedSite builds every station.
    """
    return site.reboot(station_id)
