"""What the training page sees of the emulated site, and what it does there.

``World(site)`` watches an ``EmulatedSite``: ``tick()`` (every 20 ms, from
the page server's thread) reads, holding ``site.lock``, what a person at
each station would see — the SSD1306's display RAM (written by the
firmware's own driver, ``emulator.virtual_panel.OledPanel``), the LEDs, the
buzzer, the key in the slot and on the NFC pad — and notes what happened
(a key in or out, a session's result, a wrong code) as ``Event``s for the
lessons. Once a second, or after an action, it also reads the slower part
from the back office: the units' staff with their keys, the doors, the
stations' network and offline margin. Each change makes a new ``version``;
``wait(version)`` blocks until there is a newer one (the page's live stream).

The actions are the site's own (``insert_key``, ``type_code``, ...) and,
for whatever the console explains (opening a door, the network switch,
fast-forward, reporting a key lost), the text console's commands, run by a
``TrainingConsole`` whose output becomes the page's log: one place per rule.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator import messages
from emulator.site import EmulatedSite, EmulatedStation
from emulator.trainer import KEY_GAP_MS, KEY_HOLD_MS, TrainingConsole
from emulator.virtual_key import VirtualKey
from firmware.key_session import CODE
from host.backoffice import reports
from host.backoffice.timeutil import format_time
from hw.keypad import KEYS
from protocol.constants import Outcome

SLOW_EVERY_S = 1.0
ACTIVITY_S = 86_400  # the back office's log of the last day ...
ACTIVITY_ROWS = 8  # ... its latest rows
LOG_LINES = 40
EVENTS_KEPT = 500
FORWARD_UNITS = {"h": "h", "d": "d", "m": "min"}
MAX_FORWARD = 60  # of the unit given; the console checks the total


class ActionError(Exception):
    """An action the page cannot do now; ``text`` is (Swedish, English)."""

    def __init__(self, key: str, /, **values: object) -> None:
        super().__init__(key)
        self.text = messages.text(key, **values)


@dataclass(frozen=True)
class Event:
    """Something a person would notice: ``kind`` is key_in, key_out, nfc_in, result,
    wrong_code, door, relock, network, forward, lost or confirm (the trainee says they did a step
    the page cannot see, such as looking for a key)."""

    seq: int
    kind: str
    station_id: int = 0
    key_id: int = 0
    outcome: str = ""
    lock_id: int = 0
    opened: bool = False
    online: bool = False
    blocklist_updated: bool = False  # door: the lock took a newer blocklist from the key
    staff_id: int = 0  # lost, confirm: who did it


class PageConsole(TrainingConsole):
    """The text console, its messages kept as (kind, Swedish, English) for the page's log."""

    def __init__(self, site: EmulatedSite) -> None:
        super().__init__(site, stdout=io.StringIO())
        self.said: list[tuple[str, str, str]] = []

    def _say(self, message: str, /, **values: object) -> None:
        self.said.append(("say", *messages.text(message, **values)))

    def _why(self, message: str, /, **values: object) -> None:
        self.said.append(("why", *messages.text(message, **values)))

    def _error(self, message: str, /, **values: object) -> None:
        self.said.append(("error", *messages.text(message, **values)))

    def _print(self, line: str) -> None:
        self.said.append(("say", line.strip(), ""))


class World:
    def __init__(self, site: EmulatedSite) -> None:
        self.site = site
        self.console = PageConsole(site)
        self._console_lock = threading.Lock()
        self._changed = threading.Condition()
        self.version = 0
        self.data: dict[str, Any] = {}
        self.events: deque[Event] = deque(maxlen=EVENTS_KEPT)
        self.log: deque[tuple[str, str, str]] = deque(maxlen=LOG_LINES)
        self._seq = 0
        self._listeners: list[Callable[[Event | None], None]] = []
        self._fb_cache: dict[int, tuple[int, str]] = {}
        self._seen: dict[int, dict[str, Any]] = {}
        self._beeps: dict[int, int] = {}
        self._slow: dict[str, Any] = {}
        self._slow_at = 0.0
        self._dirty = True
        self._last_json = ""
        self._note_lock = threading.RLock()
        # name -> a function whose value joins each version's data (the lessons' progress)
        self.extra: dict[str, Callable[[], Any]] = {}

    # -- watching ---------------------------------------------------------------------------

    def listen(self, listener: Callable[[Event | None], None]) -> None:
        """``listener(event)`` for each new event, and ``listener(None)`` once a tick."""
        self._listeners.append(listener)

    def touch(self) -> None:
        """Something changed that the slow part shows: read it at the next tick."""
        self._dirty = True

    def _note(self, kind: str, **fields: Any) -> None:
        with self._note_lock:
            self._seq += 1
            event = Event(self._seq, kind, **fields)
            self.events.append(event)
            self._dirty = True
            for listener in self._listeners:
                listener(event)

    def tick(self) -> None:
        """Look at the site once; a new version when anything a person sees changed."""
        site = self.site
        stations: dict[str, Any] = {}
        with site.lock:
            for sid, emulated in site.stations.items():
                stations[str(sid)] = self._look(emulated)
        if self._dirty or time.monotonic() - self._slow_at >= SLOW_EVERY_S:
            self._dirty = False
            self._slow_at = time.monotonic()
            self._slow = self._read_slow()
        data = {"stations": stations, **self._slow, "log": list(self.log)}
        for name, provide in self.extra.items():
            data[name] = provide()
        text = json.dumps(data, sort_keys=True)
        if text != self._last_json:
            self._last_json = text
            with self._changed:
                self.data = data
                self.version += 1
                self._changed.notify_all()
        with self._note_lock:  # the state checks see this look's data
            for listener in self._listeners:
                listener(None)

    def wake(self) -> None:
        """Let every ``wait`` look again now (the server is stopping)."""
        with self._changed:
            self._changed.notify_all()

    def wait(self, version: int, timeout_s: float) -> tuple[int, dict[str, Any]]:
        """The first version newer than ``version`` (or the current one after ``timeout_s``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > version, timeout_s)
            return self.version, self.data

    def _look(self, emulated: EmulatedStation) -> dict[str, Any]:
        """One station as a person sees it (``site.lock`` held); notes what happened."""
        hardware = emulated.hardware
        sid = emulated.station_id
        version, picture = hardware.oled_panel.picture()
        cached = self._fb_cache.get(sid)
        if cached is None or cached[0] != version:
            cached = (version, base64.b64encode(picture).decode("ascii"))
            self._fb_cache[sid] = cached
        key = hardware.wire.key
        card = hardware.chip.card if hardware.chip is not None else None
        nfc: VirtualKey | None = getattr(card, "key", None)
        station = emulated.station
        session = station.session
        seen = self._seen.setdefault(sid, {"key": None, "nfc": None, "result": None})
        if key is not seen["key"]:
            if seen["key"] is not None:
                self._note("key_out", station_id=sid, key_id=seen["key"].key_id)
            if key is not None:
                self._note("key_in", station_id=sid, key_id=key.key_id)
            seen["key"] = key
        if nfc is not seen["nfc"]:
            if nfc is not None:
                self._note("nfc_in", station_id=sid, key_id=nfc.key_id)
            seen["nfc"] = nfc
        result = station.last_result
        if result is not seen["result"]:
            if seen["result"] is not None or "started" in seen:
                self._note("result", station_id=sid, key_id=result.key_id, outcome=result.outcome)
            seen["result"] = result
        seen["started"] = True
        present = key or nfc
        if present is not None:
            failures = station.codes.failures(present.key_id)
            before = seen.get("failures", {}).get(present.key_id, failures)
            if failures > before:
                self._note("wrong_code", station_id=sid, key_id=present.key_id)
            seen.setdefault("failures", {})[present.key_id] = failures
        buzzer = hardware.buzzer
        played = tuple(buzzer.played)
        if played != seen.get("played"):
            if "played" in seen:
                self._beeps[sid] = self._beeps.get(sid, 0) + 1
            seen["played"] = played
        return {
            "fb": cached[1],
            "fb_version": version,
            "led": hardware.led,
            "green": hardware.green.level,
            "red": hardware.red.level,
            "beeps": self._beeps.get(sid, 0),
            "tone": buzzer.hz if buzzer.duty else 0,
            "key": key.key_id if key is not None else None,
            "nfc": nfc.key_id if nfc is not None else None,
            "asks_code": session is not None and session.state == CODE,
            "busy": session is not None,
            "result": None
            if result is None
            else {
                "key_id": result.key_id,
                "outcome": result.outcome,
                "events_read": result.events_read,
            },
            "lines": list(hardware.display.lines),
        }

    def _read_slow(self) -> dict[str, Any]:
        """The back office's and the stations' slower facts."""
        site, office, admin = self.site, self.site.office, self.site.admin
        now = site.clock.now()
        units: dict[str, Any] = {}
        for unit in site.demo.units.values():
            emulated = site.station_for_unit(unit.unit_id)
            rows: dict[int, list[dict[str, Any]]] = {}
            for row in office.list_keys(admin, unit_id=unit.unit_id):
                rows.setdefault(row["staff_id"], []).append(row)
            staff = []
            for person in site.demo.staff.values():
                if person.unit_id != unit.unit_id:
                    continue
                carried = self.console._carried(rows.get(person.staff_id, []))
                staff.append(self._staff_row(person, carried, emulated, now))
            doors = []
            for row in office.list_locks(admin, unit_id=unit.unit_id, installed=True):
                if row["id"] not in site.locks:
                    continue
                last = site.last_open.get(row["id"])
                with site.lock:
                    lock_blocklist = site.locks[row["id"]].blocklist_version
                    is_open = site.locks[row["id"]].is_open
                doors.append(
                    {
                        "lock_id": row["id"],
                        "name": row["name"] or "",
                        "kind": row["type"],
                        "address": row["address"] or "",
                        "opened": None if last is None else last.opened,
                        "outcome": None if last is None else last.outcome,
                        "key_id": None if last is None else last.key_id,
                        "blocklist": lock_blocklist,
                        "open": is_open,
                    }
                )
            units[str(unit.unit_id)] = {
                "name": unit.name,
                "station_id": emulated.station_id,
                "staff": staff,
                "doors": doors,
                "customers": [c["reference"] for c in office.list_customers(admin, unit.unit_id)],
            }
        activity = [
            {
                "time": row["time"],
                "lock_id": row["lock_id"],
                "outcome": row["outcome"],
                "staff": row["staff"] or "",
                "key_id": row["key_id"],
            }
            for row in office.search_activity(admin, reports.ActivityQuery(since=now - ACTIVITY_S))[
                -ACTIVITY_ROWS:
            ][::-1]
        ]
        stations: dict[str, Any] = {}
        with site.lock:
            for sid, emulated in site.stations.items():
                status = emulated.station.status()
                stations[str(sid)] = {
                    "name": emulated.name,
                    "unit_id": emulated.unit_id,
                    "network": emulated.hardware.network.online,
                    "online": bool(status["online"]),
                    "offline_until": status["offline_until"],
                    "queue": status["outbox_records"],
                    "bundle": status["bundle_serial"],
                    "blocklist": emulated.station.cache.info()["blocklist_version"],
                }
        return {
            "now": now,
            "now_text": format_time(now)[:16],
            "speed": site.clock.speed,
            "units": units,
            "station_facts": stations,
            "office_blocklist": office.current_blocklist(admin)["version"],
            "activity": activity,
        }

    def _staff_row(
        self,
        person: Any,
        carried: dict[str, Any] | None,
        emulated: EmulatedStation,
        now: int,
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "staff_id": person.staff_id,
            "name": person.name,
            "code": person.code,
            "key_id": None,
            "state": None,
            "valid_until": 0,
            "failures": 0,
            "locked_until": 0,
            "where": None,
            "blocklist": 0,
        }
        if carried is None or carried["id"] not in self.site.keys:
            return row
        key = self.site.keys[carried["id"]]
        with self.site.lock:
            active = key.active_set()
            codes = emulated.station.codes
            row.update(
                key_id=key.key_id,
                state=carried["state"],
                valid_until=active["valid_until"] if active else 0,
                failures=codes.failures(key.key_id),
                locked_until=codes.locked_until(key.key_id),
                where=self.where(key),
                blocklist=key.blocklist_version,
            )
        return row

    def where(self, key: VirtualKey) -> str | None:
        """ "slot:<id>", "nfc:<id>", "reader", or None (in the pocket); ``site.lock`` held."""
        for sid, emulated in self.site.stations.items():
            if emulated.hardware.wire.key is key:
                return f"slot:{sid}"
            chip = emulated.hardware.chip
            if chip is not None and getattr(chip.card, "key", None) is key:
                return f"nfc:{sid}"
        return "reader" if self.site.reader.key is key else None

    # -- acting -----------------------------------------------------------------------------

    def _station(self, station_id: object) -> EmulatedStation:
        try:
            return self.site.stations[int(str(station_id))]
        except (KeyError, ValueError):
            raise ActionError("web.error.unknown_station", arg=station_id) from None

    def _key(self, key_id: object) -> VirtualKey:
        try:
            return self.site.keys[int(str(key_id))]
        except (KeyError, ValueError):
            raise ActionError("web.error.unknown_key", arg=key_id) from None

    def press(self, station_id: object, button: object) -> None:
        emulated = self._station(station_id)
        if not isinstance(button, str) or len(button) != 1 or button not in KEYS:
            raise ActionError("web.error.bad_button", arg=button)
        with self.site.lock:
            matrix = emulated.hardware.matrix
            matrix.hold_ms, matrix.gap_ms = KEY_HOLD_MS, KEY_GAP_MS  # a person's press
            self.site.type_code(emulated.station_id, button)

    def insert(self, station_id: object, key_id: object, nfc: bool = False) -> None:
        emulated, key = self._station(station_id), self._key(key_id)
        with self.site.lock:
            where = self.where(key)
            if where is not None:
                raise ActionError("web.error.key_elsewhere", key=key.key_id)
            if nfc:
                if self.site.key_on_nfc(emulated.station_id) is not None:
                    raise ActionError("web.error.pad_busy")
                self.site.hold_key_to_nfc(emulated.station_id, key)
            else:
                if emulated.hardware.wire.key is not None:
                    raise ActionError("web.error.slot_busy")
                self.site.insert_key(emulated.station_id, key)
        self._dirty = True

    def pull(self, station_id: object, nfc: bool = False) -> None:
        emulated = self._station(station_id)
        if nfc:
            self.site.take_key_from_nfc(emulated.station_id)
        else:
            self.site.pull_key(emulated.station_id)
        self._dirty = True

    def command(self, staff_id: object, line: str) -> list[tuple[str, str, str]]:
        """A console command as the staff member ``staff_id`` (or nobody); what it said, logged."""
        staff = None
        if staff_id not in (None, ""):
            try:
                staff = self.site.demo.staff[int(str(staff_id))]
            except (KeyError, ValueError):
                raise ActionError("web.error.unknown_staff", arg=staff_id) from None
        with self._console_lock:
            self.console.staff = staff
            self.console.said = []
            self.console.onecmd(line)
            pairs = self.console.said
        self.log.extend(pairs)
        self._dirty = True
        return pairs

    def open_door(
        self, staff_id: object, lock_id: object, key_id: object = None
    ) -> list[tuple[str, str, str]]:
        """Walk to a lock and present a key: the trainee's, or ``key_id`` (then as its holder)."""
        try:
            lock = int(str(lock_id))
        except ValueError:
            raise ActionError("web.error.unknown_lock", arg=lock_id) from None
        if key_id not in (None, ""):
            holder = self.site.demo.keys.get(self._key(key_id).key_id)
            if holder is None:
                raise ActionError("web.error.unknown_key", arg=key_id)
            staff_id = holder.staff_id
        before = self.site.last_open.get(lock)
        pairs = self.command(staff_id, f"öppna {lock}")
        after = self.site.last_open.get(lock)
        if after is not None and after is not before:
            self._note(
                "door",
                lock_id=lock,
                key_id=after.key_id or 0,
                opened=after.opened,
                outcome=after.outcome,
                blocklist_updated=any(
                    e["outcome"] == Outcome.BLOCKLIST_UPDATED for e in after.events
                ),
            )
        return pairs

    def relock(self, staff_id: object, lock_id: object) -> list[tuple[str, str, str]]:
        """Lock a door again after the visit (the console's lås_igen)."""
        try:
            lock = int(str(lock_id))
        except ValueError:
            raise ActionError("web.error.unknown_lock", arg=lock_id) from None
        if lock not in self.site.locks:
            raise ActionError("web.error.unknown_lock", arg=lock_id)
        with self.site.lock:
            was_open = self.site.locks[lock].is_open
        pairs = self.command(staff_id, f"lås_igen {lock}")
        if was_open and not any(kind == "error" for kind, _, _ in pairs):
            self._note("relock", lock_id=lock, staff_id=int(str(staff_id)))
        return pairs

    def set_network(self, station_id: object, online: bool) -> list[tuple[str, str, str]]:
        emulated = self._station(station_id)
        pairs = self.command(None, f"{'nät_på' if online else 'nät_av'} {emulated.station_id}")
        self._note("network", station_id=emulated.station_id, online=online)
        return pairs

    def forward(self, amount: object, unit: object) -> list[tuple[str, str, str]]:
        if unit not in FORWARD_UNITS or not str(amount).isdecimal():
            raise ActionError("web.error.bad_forward")
        if not 0 < int(str(amount)) <= MAX_FORWARD:
            raise ActionError("web.error.bad_forward")
        pairs = self.command(None, f"spola {int(str(amount))}{FORWARD_UNITS[str(unit)]}")
        self._note("forward")
        return pairs

    def lose(self, staff_id: object) -> list[tuple[str, str, str]]:
        """Report the staff member's key lost, as their unit's manager would."""
        said = self.command(staff_id, "tappa")
        if not any(kind == "error" for kind, _, _ in said):
            staff = int(str(staff_id))
            key_id = self.console._key_id(self.site.demo.staff[staff]) or 0
            self._note("lost", key_id=key_id, staff_id=staff)
        return said

    def install(
        self, staff_id: object, customer: object, kind: object
    ) -> list[tuple[str, str, str]]:
        """The technician mounts a new door lock or key box at a customer's (the console's rule:
        a new one replaces the customer's old one of that kind)."""
        known = {c["reference"] for c in self.site.office.list_customers(self.site.admin)}
        if customer not in known:
            raise ActionError("web.error.unknown_customer", arg=customer)
        if kind not in ("customer_door", "key_box"):
            raise ActionError("web.error.unknown_kind", arg=kind)
        return self.command(
            staff_id, f"montera {customer}{' nyckelbox' if kind == 'key_box' else ''}"
        )

    def confirm(self, staff_id: object) -> None:
        """The trainee says they did what the page cannot see (looked for the key, ...)."""
        if not str(staff_id).isdecimal() or int(str(staff_id)) not in self.site.demo.staff:
            raise ActionError("web.error.pick_first")
        self._note("confirm", staff_id=int(str(staff_id)))

    def found(self, staff_id: object) -> list[tuple[str, str, str]]:
        return self.command(staff_id, "hittad")
