"""Guided lessons on the training page: steps the page checks as the trainee does them.

A lesson is a list of ``Step``s; each step has a catalogue entry saying what
to do (``lesson.<lesson>.<step>``) and one saying why the real system works
this way (``lesson.<lesson>.<step>.why``), and a check: a test of an
``emulator.web.world.Event`` (something the trainee did or saw) or of the
site's state as the world last read it. ``Lessons`` listens to the world and
moves each trainee's running lesson on when its step's check holds.

The trainee is the staff member they play (the page's "Vem är du?"); their
progress — the lesson they run, the step each lesson got to, the lessons
done — is kept in ``trainer_web/progress.json`` in the work folder, so a
closed tab or a restarted emulator loses nothing. A lesson can be restarted
from its first step at any time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.web.world import Event, World
from firmware.key_session import SYNCED
from host.secret_files import private_folder

PROGRESS_DIR = "trainer_web"
PROGRESS_FILE = "progress.json"
LOCKED_OUT = "locked_out"
CACHE_EXPIRED = "cache_expired"


@dataclass(frozen=True)
class Trainee:
    """Whom a check is about: the staff member, their key and their unit's station."""

    staff_id: int
    key_id: int
    station_id: int


Check = Callable[["World", Trainee, "Event | None"], bool]


@dataclass(frozen=True)
class Step:
    name: str
    check: Check


@dataclass(frozen=True)
class Lesson:
    lesson_id: str
    steps: tuple[Step, ...]


# -- checks -------------------------------------------------------------------------------------


def _event(kind: str, **match: Any) -> Check:
    """The trainee's key (at their station, where the event has one) in an event of ``kind``."""

    def check(world: World, who: Trainee, event: Event | None) -> bool:
        if event is None or event.kind != kind:
            return False
        if event.key_id and event.key_id != who.key_id:
            return False
        if event.staff_id and event.staff_id != who.staff_id:
            return False
        if event.station_id and kind != "door" and event.station_id != who.station_id:
            return False
        return all(getattr(event, name) == value for name, value in match.items())

    return check


def _result(outcome: str) -> Check:
    return _event("result", outcome=outcome)


def _key_in() -> Check:
    """The key in the slot or on the NFC pad of the trainee's station (put there now, or
    already there when the step began)."""
    slot, pad = _event("key_in"), _event("nfc_in")

    def check(world: World, who: Trainee, event: Event | None) -> bool:
        if event is not None:
            return slot(world, who, event) or pad(world, who, event)
        seen = world.data.get("stations", {}).get(str(who.station_id), {})
        return who.key_id in (seen.get("key"), seen.get("nfc"))

    return check


def _network(online: bool) -> Check:
    return _event("network", online=online)


def _lockout_over(world: World, who: Trainee, event: Event | None) -> bool:
    """The clock is past the trainee's lockout (the station's count starts again)."""
    if event is not None:
        return False
    row = _staff_row(world, who)
    now = world.data.get("now", 0)
    return row is not None and row["locked_until"] == 0 and bool(now)


def _cache_expired(world: World, who: Trainee, event: Event | None) -> bool:
    """The trainee's station is past its offline margin (the bundle's offline_until)."""
    if event is not None:
        return False
    facts = world.data.get("station_facts", {}).get(str(who.station_id))
    until = facts["offline_until"] if facts else 0
    return bool(until) and world.data.get("now", 0) >= until


def _colleague_synced(world: World, who: Trainee, event: Event | None) -> bool:
    """Another staff member's key synced at the trainee's station."""
    return (
        event is not None
        and event.kind == "result"
        and event.outcome == SYNCED
        and event.station_id == who.station_id
        and event.key_id != who.key_id
    )


def _lock_took_blocklist(world: World, who: Trainee, event: Event | None) -> bool:
    """A lock took the new blocklist from a colleague's key."""
    return (
        event is not None
        and event.kind == "door"
        and event.key_id != who.key_id
        and event.blocklist_updated
    )


def _station_has_blocklist(world: World, who: Trainee, event: Event | None) -> bool:
    """The trainee's station holds the back office's latest blocklist."""
    if event is not None:
        return False
    facts = world.data.get("station_facts", {}).get(str(who.station_id))
    return facts is not None and facts["blocklist"] == world.data.get("office_blocklist")


def _logged(world: World, who: Trainee, event: Event | None) -> bool:
    """The back office's log has an opening by the trainee's key."""
    if event is not None:
        return False
    return any(
        str(row["key_id"]) == str(who.key_id) and row["outcome"] == "OPENED"
        for row in world.data.get("activity", [])
    )


def _uploaded(world: World, who: Trainee, event: Event | None) -> bool:
    """The trainee's station has handed its queue (the key's audit trail) to the back office."""
    if event is not None:
        return False
    facts = world.data.get("station_facts", {}).get(str(who.station_id))
    return facts is not None and facts["network"] and facts["queue"] == 0


def _staff_row(world: World, who: Trainee) -> dict[str, Any] | None:
    for unit in world.data.get("units", {}).values():
        for row in unit["staff"]:
            if row["staff_id"] == who.staff_id:
                return dict(row)
    return None


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "1",
        (
            Step("insert", _key_in()),
            Step("code", _result(SYNCED)),
            Step("pull", _event("key_out")),
            Step("door", _event("door", opened=True)),
        ),
    ),
    Lesson(
        "2",
        (
            Step("sync", _result(SYNCED)),
            Step("pull", _event("key_out")),
            Step("open", _event("door", opened=True)),
            Step("lock", _event("relock")),
            Step("handover", _result(SYNCED)),
            Step("logged", _logged),
        ),
    ),
    Lesson(
        "3",
        (
            Step("insert", _key_in()),
            Step("wrong", _event("wrong_code")),
            Step("lockout", _result(LOCKED_OUT)),
            Step("pull", _event("key_out")),
            Step("wait", _lockout_over),
            Step("sync", _result(SYNCED)),
        ),
    ),
    Lesson(
        "4",
        (
            Step("look", _event("confirm")),
            Step("report", _event("lost")),
            Step("station", _station_has_blocklist),
            Step("colleague", _colleague_synced),
            Step("lock", _lock_took_blocklist),
        ),
    ),
    Lesson(
        "5",
        (
            Step("offline", _network(False)),
            Step("forward", _cache_expired),
            Step("refused", _result(CACHE_EXPIRED)),
            Step("online", _network(True)),
            Step("sync", _result(SYNCED)),
        ),
    ),
    Lesson(
        "6",
        (
            Step("insert", _key_in()),
            Step("code", _result(SYNCED)),
            Step("uploaded", _uploaded),
            Step("pull", _event("key_out")),
        ),
    ),
)
BY_ID = {lesson.lesson_id: lesson for lesson in LESSONS}


class Lessons:
    """Every trainee's lessons on one site; saved in the work folder after each change."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.folder = world.site.work_dir / PROGRESS_DIR
        self.path = self.folder / PROGRESS_FILE
        self._lock = threading.Lock()
        self.progress: dict[str, Any] = self._read()
        world.listen(self.observe)
        world.extra["progress"] = self.snapshot

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            raise ValueError(f"{self.path}: not readable: {err}") from None
        return data if isinstance(data, dict) else {}

    def _save(self) -> None:
        private_folder(self.folder, own=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.progress, indent=2), encoding="utf-8")
        os.replace(temporary, self.path)

    def trainee(self, staff_id: int) -> Trainee | None:
        site = self.world.site
        person = site.demo.staff.get(staff_id)
        if person is None:
            return None
        row = _staff_row(self.world, Trainee(staff_id, 0, 0))
        key_id = row["key_id"] if row and row["key_id"] else person.key_id or 0
        return Trainee(staff_id, key_id, site.station_for_unit(person.unit_id).station_id)

    def of(self, staff_id: int) -> dict[str, Any]:
        """A trainee's progress: {"current": lesson id or None, "lessons": {id: {step, done}}}."""
        with self._lock:
            entry = self.progress.get(str(staff_id), {"current": None, "lessons": {}})
            copy: dict[str, Any] = json.loads(json.dumps(entry))
            return copy

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            data: dict[str, Any] = json.loads(json.dumps(self.progress))
            return data

    def start(self, staff_id: int, lesson_id: str) -> None:
        """Start (or restart, from the first step) a lesson for a trainee."""
        if lesson_id not in BY_ID:
            raise KeyError(lesson_id)
        with self._lock:
            entry = self.progress.setdefault(str(staff_id), {"current": None, "lessons": {}})
            entry["current"] = lesson_id
            entry["lessons"][lesson_id] = {"step": 0, "done": False}
            self._save()
        self.world.touch()

    def stop(self, staff_id: int) -> None:
        with self._lock:
            entry = self.progress.get(str(staff_id))
            if entry is not None:
                entry["current"] = None
                self._save()
        self.world.touch()

    def observe(self, event: Event | None) -> None:
        """Move every running lesson on whose step ``event`` (or the state) completes."""
        changed = False
        with self._lock:
            for text_id, entry in self.progress.items():
                lesson = BY_ID.get(entry.get("current") or "")
                if lesson is None:
                    continue
                state = entry["lessons"].setdefault(lesson.lesson_id, {"step": 0, "done": False})
                if state["done"]:
                    continue
                who = self.trainee(int(text_id))
                if who is None:
                    continue
                step = lesson.steps[state["step"]]
                if step.check(self.world, who, event):
                    state["step"] += 1
                    if state["step"] >= len(lesson.steps):
                        state["step"] = len(lesson.steps)
                        state["done"] = True
                    changed = True
            if changed:
                self._save()
        if changed:
            self.world.touch()
