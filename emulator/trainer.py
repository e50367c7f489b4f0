"""The training console of ``inv emulate``: a trainee plays staff at the emulated site.

``TrainingConsole(site)`` is a ``cmd.Cmd`` over an ``emulator.site.EmulatedSite``.
The trainee picks a staff member and does what staff, unit managers and
technicians do: put the key in a station and type the code (the station's
screen and LED are shown as they change), walk to a customer and open the
door, lose a key and report it, take a station off the network, fast-forward
the clock, install a new lock, and read the back office's logs. After each
action one sentence says what the real system does and why. Every word comes
from emulator/messages.py, Swedish first, English second.

The console works in both of the site's modes. With a running clock the world
thread (``EmulatedSite.start``) does the work and the console only looks, every
look holding ``site.lock``; with a stopped clock (tests) the console runs the
world itself with ``site.run_until`` while it waits (``Pace``).

Commands have a Swedish name and an English alias (``synka``/``sync``); å, ä, ö
may be typed a, a, o. Input the console cannot use (unknown staff, station,
lock, a bad number) gets a bilingual message and changes nothing; an error of
the back office is shown with its own bilingual text.

Changes go through the back office's service layer as the person who would
make them: the unit's manager reports a key lost or found and adds customers,
the technician registers and installs locks. Locks installed here are not in
the demo site's facts; the site keeps them with the rest of its state
(``EmulatedSite.install_lock``) and rebuilds them on the next start.
"""

from __future__ import annotations

import cmd
import difflib
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from emulator import hints, messages
from emulator.demo_site import DemoStaff, PlanCustomer, plan_demo
from emulator.messages import Two
from emulator.site import EmulatedSite, EmulatedStation
from emulator.virtual_key import VirtualKey
from firmware.key_session import CODE, CODE_TIMEOUT_MS, SYNCED
from host.backoffice import reports
from host.backoffice.errors import ServiceError
from host.backoffice.roles import Actor
from host.backoffice.timeutil import format_time
from protocol.constants import Outcome

__all__ = ["COMMANDS", "Command", "InputError", "Pace", "ScreenWatch", "TrainingConsole"]

HOUR = 3_600
DAY = 86_400
MAX_FORWARD_DAYS = 60
DEFAULT_ROWS = 10
OFFICE_ROWS = 5
MAX_ROWS = 500
MAX_ADDRESS = 200
# A code as typed: "*" to clear first, six digits, or fewer confirmed with "#".
CODE_PATTERN = re.compile(r"\*?(?:[0-9]{6}|[0-9]{1,5}#?)")
MAX_PRESSES = 7
# A person's key press (ms held, ms until the next): long enough for the keypad's debouncing
# to see each press even when a busy laptop runs the world thread's ticks late.
KEY_HOLD_MS = 150
KEY_GAP_MS = 100
# How long the console waits, in virtual seconds.
INSERT_WAIT_S = 30.0
CODE_WAIT_S = 120.0
PULL_WAIT_S = 2.0
SETTLE_S = 10.0
FORWARD_RUN_S = 3.0
SETTLE_REAL_CAP_S = 2.0  # a running world is not waited for longer than this to upload
POLL_S = 0.01
DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]*)")
DURATION_UNITS = {
    **dict.fromkeys(("m", "min", "minut", "minuter", "minute", "minutes"), 60),
    **dict.fromkeys(("", "h", "t", "tim", "timme", "timmar", "hour", "hours"), HOUR),
    **dict.fromkeys(("d", "dygn", "dag", "dagar", "day", "days"), DAY),
}
LED_NAMES = {"grön": "led.green", "röd": "led.red", "gul": "led.amber", "av": "led.off"}
NEW_CUSTOMER = ("ny", "new")
KEY_BOX = ("nyckelbox", "keybox", "key_box")
READER_OUT = ("ut", "out")
LOST_REASON = "Tappad under övning / Lost in training"
FOUND_REASON = "Hittad under övning / Found in training"


def fold(word: str) -> str:
    """A command or name as compared: case-folded, å/ä as a, ö as o, - as _."""
    return word.casefold().translate(str.maketrans("åäö-", "aao_"))


class InputError(Exception):
    """Input the console cannot use; ``message`` names the catalogue entry that says why."""

    def __init__(self, message: str, /, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values


@dataclass(frozen=True)
class Command:
    name: str  # Swedish; its help is help.<name> and args.<name> in the catalogue
    alias: str  # English
    handler: str  # the TrainingConsole method
    extra: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("hjälp", "help", "do_help", ("?",)),
    Command("enheter", "units", "do_units"),
    Command("personal", "staff", "do_staff"),
    Command("välj", "pick", "do_pick"),
    Command("stationer", "stations", "do_stations"),
    Command("skärm", "screen", "do_screen"),
    Command("sätt_i", "insert", "do_insert"),
    Command("håll_nfc", "tap", "do_tap"),
    Command("kod", "code", "do_code"),
    Command("ta_ut", "pull", "do_pull"),
    Command("synka", "sync", "do_sync"),
    Command("nyckel", "key", "do_key"),
    Command("kunder", "customers", "do_customers"),
    Command("lås", "locks", "do_locks"),
    Command("öppna", "open", "do_open"),
    Command("tappa", "lose", "do_lose"),
    Command("hittad", "found", "do_found"),
    Command("nät_av", "offline", "do_offline"),
    Command("nät_på", "online", "do_online"),
    Command("spola", "forward", "do_forward"),
    Command("klocka", "clock", "do_clock"),
    Command("montera", "install", "do_install"),
    Command("läsare", "reader", "do_reader"),
    Command("aktivitet", "activity", "do_activity"),
    Command("synkningar", "syncs", "do_syncs"),
    Command("avvikelser", "anomalies", "do_anomalies"),
    Command("kontoret", "office", "do_office"),
    Command("lås_igen", "relock", "do_relock"),
    Command("tips", "hint", "do_hint", ("vad_nu",)),
    Command("avsluta", "quit", "do_quit", ("exit",)),
)

# hjälp's groups, for trainees first: (catalogue key of the title, the commands' Swedish names).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("group.start", ("hjälp", "tips", "enheter", "personal", "välj")),
    ("group.station", ("synka", "sätt_i", "kod", "ta_ut", "håll_nfc", "skärm", "stationer")),
    ("group.visit", ("nyckel", "lås", "kunder", "öppna", "lås_igen")),
    ("group.lost", ("tappa", "hittad")),
    ("group.site", ("nät_av", "nät_på", "spola", "klocka", "montera", "läsare")),
    ("group.office", ("aktivitet", "synkningar", "avvikelser", "kontoret")),
    ("group.end", ("avsluta",)),
)
# What each command's arguments are, for hjälp KOMMANDO (argdoc.<what> in the catalogue).
ARGUMENTS = {
    "hjälp": ("command",),
    "personal": ("unit",),
    "välj": ("staff",),
    "skärm": ("station",),
    "sätt_i": ("station",),
    "håll_nfc": ("station",),
    "kod": ("digits",),
    "ta_ut": ("station",),
    "synka": ("station",),
    "kunder": ("unit",),
    "öppna": ("target",),
    "lås_igen": ("lock",),
    "nät_av": ("station",),
    "nät_på": ("station",),
    "spola": ("duration",),
    "montera": ("install",),
    "läsare": ("reader",),
    "aktivitet": ("count",),
    "synkningar": ("count",),
    "avvikelser": ("count",),
}
YES = ("ja", "j", "yes", "y")
NOTICE_EVERY_S = 0.5


# -- waiting while the world works -------------------------------------------------------------


class Pace:
    """How the console lets the world work while it waits for what a person would see.

    A running clock means the world thread runs: the console looks every 10 ms
    (holding ``site.lock``) until the condition holds or the virtual time is up
    in real time. A stopped clock is run by the console itself, tick by tick.
    """

    def __init__(self, site: EmulatedSite) -> None:
        self.site = site

    @property
    def threaded(self) -> bool:
        return self.site.clock.running

    def wait(
        self, condition: Callable[[], bool], virtual_s: float, real_cap_s: float | None = None
    ) -> bool:
        """True once ``condition()`` holds; False when ``virtual_s`` of world time passed first."""
        site = self.site
        if not self.threaded:
            return site.run_until(condition, virtual_s)
        real_s = virtual_s / site.clock.speed
        if real_cap_s is not None:
            real_s = min(real_s, real_cap_s)
        deadline = time.monotonic() + real_s
        while True:
            with site.lock:
                if condition():
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)

    def let_run(self, virtual_s: float) -> None:
        """Give the world a moment (stations fetch, upload) after a jump in time."""
        if self.threaded:
            time.sleep(min(virtual_s / self.site.clock.speed, 0.5))
        else:
            self.site.run_for(virtual_s)


class ScreenWatch:
    """What a person watching one station sees change: each new screen, with the LED.

    Reads the screen's history, so no screen is missed between two looks; the
    LED is known only as it is at the look, so only the last new screen of a
    look carries it (None for the others). A screen drawn again unchanged is
    not repeated. Call with ``site.lock`` held when the world thread runs.
    """

    def __init__(self, emulated: EmulatedStation) -> None:
        self.hardware = emulated.hardware
        history = self.hardware.screen.history
        self._mark: list[str] | None = history[-1] if history else None
        self._shown = list(self.hardware.screen.lines)
        self._led = self.hardware.led

    def changes(self) -> list[tuple[list[str], str | None]]:
        history = list(self.hardware.screen.history)
        start = 0
        for index in range(len(history) - 1, -1, -1):
            if history[index] is self._mark:
                start = index + 1
                break
        if history:
            self._mark = history[-1]
        led = self.hardware.led
        new = history[start:]
        seen: list[tuple[list[str], str | None]] = []
        for index, lines in enumerate(new):
            last = index == len(new) - 1
            if lines == self._shown and not (last and led != self._led):
                continue
            seen.append((lines, led if last else None))
            self._shown = lines
        if led != self._led and (not seen or seen[-1][1] is None):
            seen.append((list(self.hardware.screen.lines), led))
        self._led = led
        return seen


def screen_line(lines: Sequence[str]) -> str:
    """A screen on one line: the Swedish part, then the English part, as the blank line parts."""
    parts: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            parts.append(" ".join(current))
            current = []
    if current:
        parts.append(" ".join(current))
    return " | ".join(parts)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [
        max([len(header), *(len(row[i]) for row in cells)]) for i, header in enumerate(headers)
    ]

    def line(row: Sequence[str]) -> str:
        return ("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in cells)]


# -- the console --------------------------------------------------------------------------------


class TrainingConsole(cmd.Cmd):
    def __init__(
        self,
        site: EmulatedSite,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        language: str = "both",
    ) -> None:
        super().__init__(stdin=stdin, stdout=stdout)
        if language not in messages.LANGUAGES:
            raise ValueError(f"language: must be one of {', '.join(messages.LANGUAGES)}")
        self.language = language
        if stdin is not None:
            self.use_rawinput = False
        self.site = site
        self.office = site.office
        self.admin = site.admin
        self.pace = Pace(site)
        self.staff: DemoStaff | None = None
        self.prompt = "synk> "
        self._commands: dict[str, Command] = {}
        for command in COMMANDS:
            for name in (command.name, command.alias, *command.extra):
                self._commands[fold(name)] = command
        self._plan_customers: dict[str, PlanCustomer] | None = None
        self._quit_asked = False
        self._last_opened: int | None = None  # the lock the trainee last opened (lås_igen)
        self._hint_said: tuple[str, str] | None = None
        self._results_seen: dict[int, object] = {}
        self._output_lock = threading.RLock()  # a command's output and a notice never mix
        self._note_results()

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        """The console until ``avsluta``/``quit`` or end of input.

        With a running clock a watcher says what happens at a station while
        nobody types (a code prompt that timed out), as it happens.
        """
        stop = threading.Event()
        if self.pace.threaded:
            watcher = threading.Thread(
                target=self._watch, args=(stop,), name="console-notices", daemon=True
            )
            watcher.start()
        try:
            welcome = messages.shown(messages.text("say.welcome"), self.language)
            self.cmdloop(intro="\n".join(welcome))
        finally:
            stop.set()

    def _watch(self, stop: threading.Event) -> None:
        while not stop.wait(NOTICE_EVERY_S):
            with self._output_lock:
                if self._tell_news():
                    self.stdout.write(self.prompt)
                    self.stdout.flush()

    def emptyline(self) -> bool:
        return False  # cmd.Cmd would repeat the last command

    def onecmd(self, line: str) -> bool:
        with self._output_lock:
            self._tell_news()
            stop = self._onecmd(line)
            if not stop:
                self._tell_news()
                self._hint_if_new()
            return stop

    def _onecmd(self, line: str) -> bool:
        words = line.strip().split(None, 1)
        if words and words[0] == "EOF":
            self._print("")
            self._say("say.goodbye")
            return True
        if self._quit_asked:
            self._quit_asked = False
            if words and fold(words[0]) in YES and len(words) == 1:
                self._say("say.goodbye")
                return True
            self._say("say.quit_cancelled")
            if not words or fold(words[0]) in ("nej", "n", "no"):
                return False
        if not words:
            return False
        command = None
        if len(words) > 1:
            # "sätt i", "ta ut", "lås igen": people type the two words a command's name joins
            first, *rest = words[1].split(None, 1)
            command = self._commands.get(fold(f"{words[0]}_{first}"))
            if command is not None:
                words = [f"{words[0]}_{first}", *rest]
        if command is None:
            command = self._commands.get(fold(words[0]))
        if command is None:
            suggestion = self._suggest(words[0])
            if suggestion is not None:
                self._error("error.did_you_mean", name=words[0], suggestion=suggestion)
            else:
                self._error("error.unknown_command", name=words[0])
            return False
        handler: Callable[[str], bool | None] = getattr(self, command.handler)
        try:
            return bool(handler(words[1].strip() if len(words) > 1 else ""))
        except InputError as err:
            self._error(err.message, **err.values)
        except ServiceError as err:
            self._error("error.backoffice", text=err.text)
        except Exception as err:  # a training session must survive a fault: say it, go on
            self._error("error.unexpected", detail=f"{type(err).__name__}: {err}")
        return False

    def _suggest(self, typed: str) -> str | None:
        """The command a near miss was meant to be ("synk" -> synka), or None."""
        names = {fold(n): n for c in COMMANDS for n in (c.name, c.alias)}
        close = difflib.get_close_matches(fold(typed), list(names), n=1, cutoff=0.6)
        return names[close[0]] if close else None

    # -- what happens while nobody types ----------------------------------------------------

    def _note_results(self) -> None:
        with self.site.lock:
            for sid, emulated in self.site.stations.items():
                self._results_seen[sid] = emulated.station.last_result

    def _tell_news(self) -> bool:
        """Say what ended at a station since the console last looked and nobody was told: a
        code prompt that timed out. True when something was said."""
        news = []
        with self.site.lock:
            for sid, emulated in self.site.stations.items():
                result = emulated.station.last_result
                if result is not self._results_seen.get(sid):
                    self._results_seen[sid] = result
                    if result is not None and result.outcome == "code_timeout":
                        news.append(emulated)
        for emulated in news:
            self._say(
                "say.code_timed_out",
                station=self._label(emulated),
                seconds=CODE_TIMEOUT_MS // 1000,
            )
        return bool(news)

    def _hint_if_new(self) -> None:
        """The hint for the state now, when it is not the one last given (said once)."""
        if self.staff is None:
            return
        key, values = hints.hint(self.situation())
        said = messages.text(key, **values)
        if said != self._hint_said:
            self._hint_said = said
            for line in messages.shown(said, self.language):
                self._print(f"  → {line}")

    def situation(self) -> hints.Situation:
        """What the picked staff member could tell now (emulator.hints)."""
        staff = self.staff
        if staff is None:
            return hints.Situation()
        key_id = self._key_id(staff)
        if key_id is None or key_id not in self.site.keys:
            return hints.Situation(picked=True)
        key = self.site.keys[key_id]
        emulated = self.site.station_for_unit(staff.unit_id)
        state = self._key_state(key_id)
        with self.site.lock:
            station = emulated.station
            where = self._where(key)
            session = station.session
            result = station.last_result
            status = station.status()
            active = key.active_set()
            ours = result is not None and result.key_id == key_id
            return hints.Situation(
                picked=True,
                has_key=True,
                key_state=state,
                in_station=where is emulated,
                asks_code=session is not None and session.state == CODE,
                busy=session is not None,
                last_outcome=result.outcome if ours else "",
                events_read=result.events_read if ours else 0,
                queue=int(status["outbox_records"]),
                online=emulated.hardware.network.online,
                offline_until=int(status["offline_until"]),
                locked_until=station.codes.locked_until(key_id),
                valid_until=active["valid_until"] if active else 0,
                now=self.site.clock.now(),
            )

    def completenames(self, text: str, *ignored: Any) -> list[str]:
        names = [n for c in COMMANDS for n in (c.name, c.alias)]
        return [n for n in names if fold(n).startswith(fold(text))]

    # -- output -----------------------------------------------------------------------------

    def _print(self, line: str) -> None:
        self.stdout.write(line + "\n")
        self.stdout.flush()

    def _say(self, message: str, /, **values: object) -> None:
        for line in messages.shown(messages.text(message, **values), self.language):
            self._print(line)

    def _why(self, message: str, /, **values: object) -> None:
        for line in messages.shown(messages.text(message, **values), self.language):
            self._print(f"  » {line}")

    def _error(self, message: str, /, **values: object) -> None:
        sv, en = messages.text(message, **values)
        self._say("error.prefix", text=Two(sv, en))

    def _pair(self, key: str, /, **values: object) -> str:
        """A table cell in the language setting: "svenska/English", or one of them."""
        return "/".join(dict.fromkeys(messages.shown(messages.text(key, **values), self.language)))

    def _table(self, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            self._say("say.nothing")
            return
        for line in table([self._pair(f"col.{c}") for c in columns], rows):
            self._print(line)

    def _show_changes(self, watch: ScreenWatch) -> int:
        """Print what the station showed since the last look; how many screens that was."""
        seen = watch.changes()
        for lines, led in seen:
            lamp = f"[{self._led(led)}]" if led is not None else "·"
            self._print(f"  {lamp} {screen_line(lines)}")
        return len(seen)

    def _led(self, led: str) -> str:
        return self._pair(LED_NAMES.get(led, "led.off"))

    # -- what the arguments name --------------------------------------------------------------

    def _need_staff(self) -> DemoStaff:
        if self.staff is None:
            raise InputError("error.no_staff")
        return self.staff

    def _find_staff(self, arg: str) -> DemoStaff:
        staff = self.site.demo.staff
        if arg.isdecimal():
            if int(arg) in staff:
                return staff[int(arg)]
            raise InputError("error.unknown_staff", arg=arg)
        wanted = fold(arg)
        found = [s for s in staff.values() if wanted in fold(s.name)]
        if not found:
            raise InputError("error.unknown_staff", arg=arg)
        if len(found) > 1:
            names = ", ".join(f"{s.staff_id} {s.name}" for s in found[:8])
            raise InputError("error.ambiguous", arg=arg, names=names)
        return found[0]

    def _unit(self, arg: str) -> int:
        units = self.site.demo.units
        listing = ", ".join(f"{u.unit_id} {u.name}" for u in units.values())
        if arg.isdecimal():
            if int(arg) in units:
                return int(arg)
            raise InputError("error.unknown_unit", arg=arg, units=listing)
        found = [u.unit_id for u in units.values() if fold(arg) in fold(u.name)]
        if len(found) != 1:
            raise InputError("error.unknown_unit", arg=arg, units=listing)
        return found[0]

    def _unit_or_staff(self, arg: str) -> int:
        return self._unit(arg) if arg else self._need_staff().unit_id

    def _unit_name(self, unit_id: int) -> str:
        return self.site.demo.units[unit_id].name

    def _station(self, arg: str) -> EmulatedStation:
        stations = self.site.stations
        if not arg:
            return self.site.station_for_unit(self._need_staff().unit_id)
        if arg.isdecimal() and int(arg) in stations:
            return stations[int(arg)]
        found = [s for s in stations.values() if fold(arg) in fold(s.name)]
        if len(found) == 1:
            return found[0]
        listing = ", ".join(f"{s.station_id} {s.name}" for s in stations.values())
        raise InputError("error.unknown_station", arg=arg, stations=listing)

    @staticmethod
    def _label(emulated: EmulatedStation) -> str:
        return f"{emulated.name} ({emulated.station_id})"

    def _carried(self, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
        """Of a staff member's keys (back-office rows), the one they carry: the active one,
        else the latest they had (a lost key is still in the pocket of whoever has it)."""
        held = [r for r in rows if r["id"] in self.site.keys]
        active = [r for r in held if r["state"] == "active"] or held
        return max(active, key=lambda r: int(r["id"]), default=None)

    def _key_id(self, staff: DemoStaff) -> int | None:
        row = self._carried(self.office.list_keys(self.admin, staff_id=staff.staff_id))
        return None if row is None else int(row["id"])

    def _need_key(self, staff: DemoStaff) -> VirtualKey:
        key_id = self._key_id(staff)
        if key_id is None:
            raise InputError("error.no_key", name=staff.name)
        return self.site.keys[key_id]

    def _key_state(self, key_id: int) -> str:
        state: str = self.office.show_key(self.admin, key_id)["state"]
        return state

    def _where(self, key: VirtualKey) -> EmulatedStation | str | None:
        """The station the key is in, "reader" for the USB reader, None: in the pocket."""
        with self.site.lock:
            for emulated in self.site.stations.values():
                if self._key_at(emulated) is key:
                    return emulated
            return "reader" if self.site.reader.key is key else None

    def _key_at(self, emulated: EmulatedStation) -> VirtualKey | None:
        """The key in the station's port or held to its NFC reader."""
        return emulated.hardware.wire.key or self.site.key_on_nfc(emulated.station_id)

    def _in_pocket(self, key: VirtualKey) -> None:
        where = self._where(key)
        if isinstance(where, EmulatedStation):
            raise InputError("error.key_in_station", station=self._label(where))
        if where is not None:
            raise InputError("error.key_in_reader")

    def _manager(self, unit_id: int) -> tuple[Actor, str]:
        """The unit's manager (the one who reports keys and adds customers), else the admin."""
        for user in self.site.demo.users.values():
            if user.role == "unit_manager" and user.unit_id == unit_id:
                return self.office.actor_for(user.username), user.username
        return self.admin, "admin"

    def _technician(self) -> tuple[Actor, str]:
        for user in self.site.demo.users.values():
            if user.role == "technician":
                return self.office.actor_for(user.username), user.username
        return self.admin, "admin"

    def _count(self, arg: str, default: int) -> int:
        if not arg:
            return default
        if not arg.isdecimal() or not 1 <= int(arg) <= MAX_ROWS:
            raise InputError("error.bad_number", arg=arg)
        return int(arg)

    @staticmethod
    def _no_more(arg: str) -> None:
        if arg:
            raise InputError("error.extra", arg=arg)

    # -- help, units, staff -------------------------------------------------------------------

    def do_help(self, arg: str) -> None:
        """The commands in groups, names only (a screen); ``hjälp KOMMANDO`` for one in full."""
        if arg:
            command = self._commands.get(fold(arg.replace(" ", "_")))
            if command is None:
                raise InputError("error.unknown_command", name=arg)
            self._help_lines(command)
            return
        self._say("help.intro")
        by_name = {c.name: c for c in COMMANDS}
        for title, names in GROUPS:
            sv, en = messages.text(title)
            if self.language != "en":
                self._print(f"  {sv + ':':<22} {', '.join(names)}")
            if self.language != "sv":
                aliases = ", ".join(by_name[n].alias for n in names)
                self._print(f"  {en + ':':<22} {aliases}")
        self._say("help.more")

    def _help_lines(self, command: Command) -> None:
        args = messages.CATALOGUE.get(f"args.{command.name}", ("", ""))
        helps = messages.text(f"help.{command.name}")
        sides = [(command.name, args[0], helps[0], 0), (command.alias, args[1], helps[1], 1)]
        if self.language == "sv":
            sides = sides[:1]
        elif self.language == "en":
            sides = sides[1:]
        for name, arg, what, _ in sides:
            self._print(f"  {f'{name} {arg}':<36} {what}")
        for _, _, _, side in sides:
            self._print("  " + messages.text("help.takes")[side])
            for what in ARGUMENTS.get(command.name, ("none",)):
                self._print("    " + messages.text(f"argdoc.{what}")[side])

    def do_quit(self, arg: str) -> bool:
        # "avsluta passet" (end the shift) must not stop the whole site; "avsluta" asks first,
        # "avsluta ja" (scripts) does not.
        if arg and fold(arg) in YES:
            self._say("say.goodbye")
            return True
        self._no_more(arg)
        self._say("say.quit_ask")
        self._quit_asked = True
        return False

    def do_hint(self, arg: str) -> None:
        self._no_more(arg)
        key, values = hints.hint(self.situation())
        said = messages.text(key, **values)
        self._hint_said = said
        self._say(key, **values)

    def do_units(self, arg: str) -> None:
        self._no_more(arg)
        demo = self.site.demo
        customers = self._customer_locks()
        rows = []
        for unit in demo.units.values():
            staff = sum(s.unit_id == unit.unit_id for s in demo.staff.values())
            own = sum(
                1
                for c in self.office.list_customers(self.admin, unit.unit_id)
                if c["id"] in customers
            )
            station = self.site.station_for_unit(unit.unit_id)
            rows.append((unit.unit_id, unit.name, unit.provider, self._label(station), staff, own))
        self._say("say.units_title")
        self._table(("id", "unit", "provider", "station", "staff", "customers"), rows)

    def do_staff(self, arg: str) -> None:
        units = [self._unit(arg)] if arg else None
        if units is None:
            units = [self.staff.unit_id] if self.staff else list(self.site.demo.units)
        for unit_id in units:
            keys: dict[int, list[dict[str, Any]]] = {}
            for row in self.office.list_keys(self.admin, unit_id=unit_id):
                keys.setdefault(row["staff_id"], []).append(row)
            rows = []
            for person in self.site.demo.staff.values():
                if person.unit_id != unit_id:
                    continue
                key = self._carried(keys.get(person.staff_id, []))
                picked = self.staff is not None and self.staff.staff_id == person.staff_id
                rows.append(
                    (
                        f"{'*' if picked else ''}{person.staff_id}",
                        person.name,
                        person.code,
                        key["id"] if key else "-",
                        self._pair(f"state.{key['state']}") if key else "-",
                    )
                )
            self._say("say.staff_title", unit=self._unit_name(unit_id))
            self._table(("id", "name", "code", "key", "state"), rows)
        self._why("why.staff")

    def do_pick(self, arg: str) -> None:
        if not arg:
            raise InputError("error.missing", what=messages.both("what.staff"), command="välj")
        person = self._find_staff(arg)
        self.staff = person
        self.prompt = f"synk [{person.name}]> "
        unit = self._unit_name(person.unit_id)
        key_id = self._key_id(person)
        if key_id is None:
            self._say("say.picked_no_key", name=person.name, unit=unit)
        else:
            station = self._label(self.site.station_for_unit(person.unit_id))
            state = messages.both(f"state.{self._key_state(key_id)}")
            self._say(
                "say.picked",
                name=person.name,
                unit=unit,
                key=key_id,
                state=state,
                code=person.code,
                station=station,
            )
        self._why("why.pick")

    # -- stations ---------------------------------------------------------------------------

    def do_stations(self, arg: str) -> None:
        self._no_more(arg)
        rows = []
        with self.site.lock:
            for emulated in self.site.stations.values():
                status = emulated.station.status()
                key = emulated.hardware.wire.key
                offline_until = status["offline_until"]
                rows.append(
                    (
                        emulated.station_id,
                        emulated.name,
                        self._pair("say.on" if emulated.hardware.network.online else "say.off"),
                        self._pair("state.online" if status["online"] else "state.offline"),
                        status["bundle_serial"] or "-",
                        format_time(offline_until)[:16] if offline_until else "-",
                        status["outbox_records"],
                        key.key_id if key is not None else "-",
                        screen_line(emulated.hardware.display.lines),
                    )
                )
        self._say("say.stations_title")
        self._table(
            (
                "id",
                "name",
                "network",
                "contact",
                "bundle",
                "offline_until",
                "queue",
                "key",
                "screen",
            ),
            rows,
        )

    def do_screen(self, arg: str) -> None:
        emulated = self._station(arg) if arg else self._station_of_picked_key() or self._station("")
        with self.site.lock:
            lines = list(emulated.hardware.display.lines)
            led = emulated.hardware.led
        self._say(
            "say.screen",
            station=self._label(emulated),
            led=messages.both(LED_NAMES.get(led, "led.off")),
        )
        width = emulated.hardware.display.columns
        self._print("  +" + "-" * width + "+")
        for line in lines:
            self._print(f"  |{line:<{width}}|")
        self._print("  +" + "-" * width + "+")

    def _station_of_picked_key(self) -> EmulatedStation | None:
        if self.staff is None:
            return None
        key_id = self._key_id(self.staff)
        if key_id is None:
            return None
        where = self._where(self.site.keys[key_id])
        return where if isinstance(where, EmulatedStation) else None

    # -- a sync at the station ------------------------------------------------------------------

    def do_insert(self, arg: str) -> None:
        self._insert(arg)

    def do_tap(self, arg: str) -> None:
        self._insert(arg, nfc=True)

    def _insert(self, arg: str, nfc: bool = False) -> bool:
        """Put the picked staff member's key in (or hold it to the NFC reader); True when the
        station then waits for the code."""
        staff = self._need_staff()
        key = self._need_key(staff)
        self._in_pocket(key)
        emulated = self._station(arg)
        station = emulated.station
        with self.site.lock:
            if self._key_at(emulated) is not None:
                raise InputError("error.station_busy", station=self._label(emulated))
            watch = ScreenWatch(emulated)
            before = station.last_result
        said = "say.tap" if nfc else "say.insert"
        self._say(said, name=staff.name, key=key.key_id, station=self._label(emulated))
        self._why("why.insert")
        if nfc:
            self.site.hold_key_to_nfc(emulated.station_id, key)
        else:
            self.site.insert_key(emulated.station_id, key)

        def asks_for_code() -> bool:
            self._show_changes(watch)
            session = station.session
            return station.last_result is not before or (
                session is not None and session.state == CODE
            )

        if not self.pace.wait(asks_for_code, INSERT_WAIT_S):
            self._say("say.timeout", seconds=f"{INSERT_WAIT_S:g}")
            return False
        if station.last_result is not before:
            self._report(emulated, key)
            return False
        self._say("say.wants_code")
        return True

    def do_code(self, arg: str) -> None:
        staff = self._need_staff()
        key = self._need_key(staff)
        where = self._where(key)
        if not isinstance(where, EmulatedStation):
            raise InputError("error.key_not_in_station")
        emulated, station = where, where.station
        typed = arg.replace(" ", "") or staff.code
        if len(typed) > MAX_PRESSES or not CODE_PATTERN.fullmatch(typed):
            raise InputError("error.bad_code", arg=typed, max=MAX_PRESSES)
        with self.site.lock:
            session = station.session
            if session is None or session.state != CODE:
                raise InputError("error.not_waiting_for_code", station=self._label(emulated))
            watch = ScreenWatch(emulated)
            before = station.last_result
            failures = station.codes.failures(key.key_id)
            matrix = emulated.hardware.matrix
            matrix.hold_ms, matrix.gap_ms = KEY_HOLD_MS, KEY_GAP_MS
        self._say("say.typing", name=staff.name, code=typed)
        self.site.type_code(emulated.station_id, typed)

        def taken() -> bool:
            self._show_changes(watch)
            if station.last_result is not before:
                return True
            now = station.session
            return now is not None and now.state == CODE and matrix.idle

        if not self.pace.wait(taken, CODE_WAIT_S):
            self._say("say.timeout", seconds=f"{CODE_WAIT_S:g}")
        elif station.last_result is not before:
            self._report(emulated, key)
        elif station.codes.failures(key.key_id) > failures:
            self._why("why.wrong_code")
        else:
            self._say("say.code_partial")

    def _report(self, emulated: EmulatedStation, key: VirtualKey) -> None:
        """How the session ended, why, and the station's upload of what it read."""
        result = emulated.station.last_result
        outcome = result.outcome
        if outcome == SYNCED:
            with self.site.lock:
                active = key.active_set()
            locks = len(active["lock_ids"]) if active else 0
            self._say("say.synced", until=format_time(result.valid_until)[:16], locks=locks)
            if result.events_read:
                self._say("say.events_read", count=hints.count("events", result.events_read))
            self._why("why.ok_until")
            self._locks_left_out(emulated, key, set(active["lock_ids"]) if active else set())
        else:
            name = f"result.{outcome}"
            shown = messages.both(name) if name in messages.CATALOGUE else str(outcome)
            self._say("say.refused", result=shown)
            reason = f"why.{outcome}"
            self._why(reason if reason in messages.CATALOGUE else "why.session_other")
        self._settle(emulated)
        if outcome == SYNCED and result.events_read:
            self._shift_end(emulated, result.events_read)

    def _shift_end(self, emulated: EmulatedStation, events: int) -> None:
        """The end of a shift made visible: the key's trail reached the back office (or waits)."""
        with self.site.lock:
            queued = emulated.station.outbox.records()
            online = emulated.hardware.network.online
        if online and queued == 0:
            self._say(
                "say.shift_end",
                station=self._label(emulated),
                uploaded=hints.count("events", events),
            )
        else:
            self._say(
                "say.shift_end_waiting",
                station=self._label(emulated),
                queued=hints.count("events", queued),
            )

    def _locks_left_out(self, emulated: EmulatedStation, key: VirtualKey, on_key: set[int]) -> None:
        """At a station without network: the trainee's locks the synced set does not have."""
        if emulated.hardware.network.online:
            return
        holder = self.site.demo.keys.get(key.key_id)
        staff = self.site.demo.staff.get(holder.staff_id) if holder is not None else None
        if staff is None:
            return
        missing = sorted(self._may_open(staff) - on_key)
        if not missing:
            return
        listed = ", ".join(str(lock_id) for lock_id in missing)
        if len(missing) == 1:
            self._say("say.locks_left_out_one", locks=listed)
        else:
            self._say("say.locks_left_out", count=len(missing), locks=listed)

    def _may_open(self, staff: DemoStaff) -> set[int]:
        """The installed locks the back office lets ``staff`` open: the unit's and their own."""
        return set(self._lock_rights(staff)[0]) | self._lock_rights(staff)[1]

    def _lock_rights(self, staff: DemoStaff) -> tuple[set[int], set[int]]:
        """(the unit's installed locks, the staff member's personal grants), by id."""
        installed = self._installed_locks()
        mine = {
            row["id"]
            for row in self.office.list_locks(self.admin, unit_id=staff.unit_id, installed=True)
        }
        personal = {
            g["lock_id"]
            for g in self.office.list_grants(self.admin, staff_id=staff.staff_id)
            if g["lock_id"] in installed
        }
        return mine, personal

    def _settle(self, emulated: EmulatedStation) -> None:
        """Let the station upload its queue, when it can (it has network and the office answers)."""
        station, network = emulated.station, emulated.hardware.network

        def uploaded() -> bool:
            uplink = station.uplink
            if uplink is None or not network.online or not uplink.online:
                return True
            return bool(station.outbox.records() == 0)

        self.pace.wait(uploaded, SETTLE_S, SETTLE_REAL_CAP_S)

    def do_pull(self, arg: str) -> None:
        if arg:
            emulated = self._station(arg)
            with self.site.lock:
                key = self._key_at(emulated)
            if key is None:
                raise InputError("error.key_not_in_station")
            holder = (
                self.site.demo.keys[key.key_id].staff_name
                if key.key_id in self.site.demo.keys
                else str(key.key_id)
            )
        else:
            staff = self._need_staff()
            key = self._need_key(staff)
            where = self._where(key)
            if not isinstance(where, EmulatedStation):
                raise InputError("error.key_not_in_station")
            emulated, holder = where, staff.name
        self._pull(emulated, key, holder)

    def _pull(self, emulated: EmulatedStation, key: VirtualKey, holder: str) -> None:
        station = emulated.station
        with self.site.lock:
            watch = ScreenWatch(emulated)
            before = station.last_result
            busy = station.session is not None
        self._say("say.pull", name=holder, station=self._label(emulated))
        if self.site.key_on_nfc(emulated.station_id) is key:
            self.site.take_key_from_nfc(emulated.station_id)
        else:
            self.site.pull_key(emulated.station_id)
        changed: list[bool] = []

        def back_at_rest() -> bool:
            if self._show_changes(watch):
                changed.append(True)
            return station.session is None and bool(changed)

        self.pace.wait(back_at_rest, PULL_WAIT_S)
        if busy and station.last_result is not before:
            self._report(emulated, key)
        else:
            self._why("why.pull")

    def do_sync(self, arg: str) -> None:
        staff = self._need_staff()
        if self._insert(arg):
            self.do_code("")
        key = self._need_key(staff)
        where = self._where(key)
        if isinstance(where, EmulatedStation):
            self._pull(where, key, staff.name)

    # -- the key --------------------------------------------------------------------------------

    def do_key(self, arg: str) -> None:
        self._no_more(arg)
        staff = self._need_staff()
        key = self._need_key(staff)
        where = self._where(key)
        if isinstance(where, EmulatedStation):
            place = messages.both("say.place_station", station=self._label(where))
        elif where is not None:
            place = messages.both("say.place_reader")
        else:
            place = messages.both("say.place_pocket")
        self._say("say.key_title", key=key.key_id, name=staff.name)
        state = messages.both(f"state.{self._key_state(key.key_id)}")
        self._say("say.key_state", state=state, place=place)
        now = self.site.clock.now()
        with self.site.lock:
            active = key.active_set()
            blocklist = key.blocklist_version
            events = len(key.audit_entries())
            battery = key.battery
        if active is None:
            self._say("say.key_no_set")
        else:
            valid = active["valid_from"] <= now < active["valid_until"]
            self._say(
                "say.key_set",
                serial=active["serial"],
                locks=len(active["lock_ids"]),
                start=format_time(active["valid_from"])[:16],
                until=format_time(active["valid_until"])[:16],
                valid=messages.both("say.valid_now" if valid else "say.not_valid_now"),
            )
        self._say("say.key_rest", blocklist=blocklist, events=events, battery=battery)
        self._why("why.key")

    def do_reader(self, arg: str) -> None:
        reader = self.site.reader
        if fold(arg) in READER_OUT:
            with self.site.lock:
                reader.remove()
            self._say("say.reader_out")
            return
        self._no_more(arg)
        key = self._need_key(self._need_staff())
        if self._where(key) != "reader":
            self._in_pocket(key)
            with self.site.lock:
                reader.remove()
                reader.insert(key)
        self._say("say.reader_in", key=key.key_id, path=reader.path)
        self._why("why.reader")

    # -- customers and locks ----------------------------------------------------------------------

    def _installed_locks(self) -> dict[int, dict[str, Any]]:
        return {row["id"]: row for row in self.office.list_locks(self.admin, installed=True)}

    def _customer_locks(self) -> dict[int, list[dict[str, Any]]]:
        """customer id -> the locks installed for the customer."""
        mounted: dict[int, list[dict[str, Any]]] = {}
        for row in self._installed_locks().values():
            if row["customer_id"] is not None:
                mounted.setdefault(row["customer_id"], []).append(row)
        return mounted

    def _entrance(self, reference: str) -> int | None:
        """The building entrance in front of the customer's door (demo customers only)."""
        if self._plan_customers is None:
            plan = plan_demo(self.site.demo.seed)
            self._plan_customers = {c.reference: c for c in plan.customers}
        customer = self._plan_customers.get(reference)
        return customer.entrance if customer is not None else None

    def _customer(self, arg: str) -> dict[str, Any]:
        wanted = fold(arg)
        for row in self.office.list_customers(self.admin):
            if fold(row["reference"]) == wanted:
                return row
        raise InputError("error.unknown_customer", arg=arg)

    def do_customers(self, arg: str) -> None:
        unit_id = self._unit_or_staff(arg)
        mounted = self._customer_locks()
        rows = []
        for customer in self.office.list_customers(self.admin, unit_id):
            locks = mounted.get(customer["id"])
            if not locks:
                continue  # a former customer
            entrance = self._entrance(customer["reference"])
            rows.append(
                (
                    customer["reference"],
                    ", ".join(str(lock["id"]) for lock in locks),
                    entrance or "-",
                    locks[0]["address"],
                )
            )
        self._say("say.customers_title", unit=self._unit_name(unit_id))
        self._table(("customer", "lock", "entrance", "address"), rows)
        self._why("why.customers")

    def do_locks(self, arg: str) -> None:
        self._no_more(arg)
        staff = self._need_staff()
        installed = self._installed_locks()
        mine, personal = self._lock_rights(staff)
        key_id = self._key_id(staff)
        on_key: set[int] = set()
        if key_id is not None:
            with self.site.lock:
                active = self.site.keys[key_id].active_set()
            if active is not None:
                on_key = set(active["lock_ids"])
        rows = []
        for lock_id in sorted(mine | personal):
            row = installed[lock_id]
            kind = self._pair(f"kind.{row['type']}")
            if lock_id in personal and lock_id not in mine:
                kind += f" ({self._pair('say.personal_grant')})"
            rows.append(
                (
                    lock_id,
                    kind,
                    row["name"],
                    row["address"] or "",
                    self._pair("say.yes" if lock_id in on_key else "say.no"),
                )
            )
        self._say("say.locks_title", name=staff.name, count=len(rows))
        self._table(("lock", "kind", "name", "address", "on_key"), rows)
        self._why("why.locks")

    def do_open(self, arg: str) -> None:
        staff = self._need_staff()
        if not arg:
            raise InputError("error.missing", what=messages.both("what.lock"), command="öppna")
        key = self._need_key(staff)
        self._in_pocket(key)
        installed = self._installed_locks()
        if arg.isdecimal():
            lock_id = int(arg)
            if lock_id not in self.site.locks or lock_id not in installed:
                known = lock_id in self.site.demo.locks or lock_id in self.site.locks
                raise InputError(
                    "error.lock_not_installed" if known else "error.unknown_lock", arg=arg
                )
            self._present(staff, key, installed[lock_id])
            return
        customer = self._customer(arg)
        doors = [row for row in installed.values() if row["customer_id"] == customer["id"]]
        doors = [row for row in doors if row["id"] in self.site.locks]
        if not doors:
            raise InputError("error.no_lock_for_customer", arg=customer["reference"])
        self._say(
            "say.walk", name=staff.name, customer=customer["reference"], address=doors[0]["address"]
        )
        entrance = installed.get(self._entrance(customer["reference"]) or 0)
        usable = entrance is not None and entrance["id"] in self.site.locks
        if entrance is not None and usable and not self._present(staff, key, entrance):
            self._say("say.stopped_at_entrance", name=staff.name)
            return
        for door in doors:
            self._present(staff, key, door)

    def _present(self, staff: DemoStaff, key: VirtualKey, lock_row: dict[str, Any]) -> bool:
        lock = self.site.locks[lock_row["id"]]
        result = self.site.open_door(lock.lock_id, key)
        name = f"outcome.{result.outcome}"
        outcome = (
            messages.both(name)
            if name in messages.CATALOGUE
            else Two(result.outcome, result.outcome)
        )
        label = f"{lock_row['name'] or lock.kind} ({lock.lock_id})"
        self._say("say.present", name=staff.name, lock=label, outcome=outcome)
        if any(e["outcome"] == Outcome.BLOCKLIST_UPDATED for e in result.events):
            self._why("why.blocklist_updated", version=lock.blocklist_version)
        why = f"why.open.{result.outcome}"
        if why in messages.CATALOGUE:
            self._why(why)
        self._say("say.door_events", delivered=result.delivered, pending=result.pending)
        if result.opened:
            self._last_opened = lock.lock_id
        return result.opened

    def do_relock(self, arg: str) -> None:
        staff = self._need_staff()
        if arg:
            if not arg.isdecimal() or int(arg) not in self.site.locks:
                raise InputError("error.unknown_lock", arg=arg)
            lock_id = int(arg)
        elif self._last_opened is not None:
            lock_id = self._last_opened
        else:
            raise InputError("error.nothing_to_lock")
        row = self._installed_locks().get(lock_id)
        name = row["name"] if row and row["name"] else self.site.locks[lock_id].kind
        label = f"{name} ({lock_id})"
        if self.site.lock_door(lock_id):
            self._say("say.relocked", name=staff.name, lock=label)
            self._why("why.relock")
        else:
            self._say("say.already_locked", lock=label)

    # -- keys lost and found ----------------------------------------------------------------------

    def do_lose(self, arg: str) -> None:
        self._no_more(arg)
        staff = self._need_staff()
        key = self._need_key(staff)
        self._in_pocket(key)
        actor, manager = self._manager(staff.unit_id)
        self.office.set_key_state(actor, key.key_id, "lost", LOST_REASON)
        self._say("say.lost", name=staff.name, key=key.key_id, manager=manager)
        self._why("why.lose")
        current = self.office.current_blocklist(self.admin)
        self._say("say.blocklist", version=current["version"], count=len(current["key_ids"]))
        self._why("why.lose_spread")
        self._why("why.bundle_soon")

    def do_found(self, arg: str) -> None:
        self._no_more(arg)
        staff = self._need_staff()
        key = self._need_key(staff)
        actor, manager = self._manager(staff.unit_id)
        self.office.set_key_state(actor, key.key_id, "active", FOUND_REASON)
        self._say("say.found", key=key.key_id, manager=manager)
        self._why("why.found")
        self._why("why.bundle_soon")

    # -- network and time --------------------------------------------------------------------------

    def do_offline(self, arg: str) -> None:
        emulated = self._station(arg)
        self.site.set_online(emulated.station_id, False)
        self._say("say.offline", station=self._label(emulated))
        self._why("why.offline")

    def do_online(self, arg: str) -> None:
        emulated = self._station(arg)
        self.site.set_online(emulated.station_id, True)
        station = emulated.station

        def caught_up() -> bool:
            uplink = station.uplink
            return uplink is None or (uplink.online and station.outbox.records() == 0)

        self.pace.wait(caught_up, SETTLE_S, SETTLE_REAL_CAP_S)
        self._say("say.online", station=self._label(emulated))
        self._why("why.online")

    def do_forward(self, arg: str) -> None:
        if not arg:
            raise InputError("error.missing", what=messages.both("what.duration"), command="spola")
        seconds, amount = self._duration(arg)
        self.site.fast_forward(seconds)
        self.pace.let_run(FORWARD_RUN_S)
        self._say("say.forward", amount=amount, time=format_time(self.site.clock.now()))
        with self.site.lock:
            screens = [
                (self._label(e), screen_line(e.hardware.display.lines))
                for e in self.site.stations.values()
            ]
        for label, line in screens:
            self._print(f"  {label}: {line}")
        self._why("why.forward")

    @staticmethod
    def _duration(arg: str) -> tuple[int, Two]:
        match = DURATION.fullmatch(fold(arg))
        unit = DURATION_UNITS.get(match.group(2)) if match else None
        if match is None or unit is None:
            raise InputError("error.bad_duration", arg=arg, days=MAX_FORWARD_DAYS)
        number = float(match.group(1).replace(",", "."))
        seconds = round(number * unit)
        if not 0 < seconds <= MAX_FORWARD_DAYS * DAY:
            raise InputError("error.bad_duration", arg=arg, days=MAX_FORWARD_DAYS)
        shown = f"{number:g}"
        span = {60: "span.minutes", HOUR: "span.hours", DAY: "span.days"}[unit]
        return seconds, messages.both(span, n=shown)

    def do_clock(self, arg: str) -> None:
        self._no_more(arg)
        clock = self.site.clock
        if clock.running:
            mode = messages.both("say.clock_running", speed=f"{clock.speed:g}")
        else:
            mode = messages.both("say.clock_stopped")
        self._say("say.clock", time=format_time(clock.now()), mode=mode)

    # -- a new lock ------------------------------------------------------------------------

    def do_install(self, arg: str) -> None:
        words = arg.split()
        if not words:
            raise InputError(
                "error.missing", what=messages.both("what.customer"), command="montera"
            )
        target, rest = words[0], words[1:]
        kind = "customer_door"
        if rest and fold(rest[0]) in KEY_BOX:
            kind, rest = "key_box", rest[1:]
        address = " ".join(rest)
        if address and (len(address) > MAX_ADDRESS or not address.isprintable()):
            raise InputError("error.bad_address")
        if fold(target) in NEW_CUSTOMER:
            unit_id = self._need_staff().unit_id
            if not address:
                raise InputError("error.need_address")
            actor, manager = self._manager(unit_id)
            customer = self.office.add_customer(actor, self._next_reference(unit_id), unit_id)
            self._say(
                "say.customer_added",
                manager=manager,
                customer=customer["reference"],
                unit=self._unit_name(unit_id),
            )
        else:
            customer = self._customer(target)
            if not address:
                address = self._address_of(customer)
        reference = customer["reference"]
        technician, who = self._technician()
        # A customer has one door and at most one key box: a new one replaces the old.
        for old in self._customer_locks().get(customer["id"], []):
            if old["type"] == kind:
                self.office.remove_lock(technician, old["id"])
                self._say("say.removed", technician=who, lock=old["id"], customer=reference)
        name = f"{'Nyckelbox' if kind == 'key_box' else 'Dörr'} {reference}"
        row, secret = self.office.add_lock(technician, kind, name)
        self.office.install_lock(technician, row["id"], address, customer["id"])
        self.site.install_lock(row["id"], kind, secret)
        self._say(
            "say.installed",
            technician=who,
            lock=row["id"],
            kind=messages.both(f"kind.{kind}"),
            customer=reference,
            address=address,
        )
        self._why("why.install")
        station = self.site.station_for_unit(customer["unit_id"])
        if station.hardware.network.online:
            self._why("why.bundle_soon")
        else:
            self._why("why.install_offline")

    def _next_reference(self, unit_id: int) -> str:
        taken = {c["reference"] for c in self.office.list_customers(self.admin)}
        numbered = [
            match
            for c in self.office.list_customers(self.admin, unit_id)
            if (match := re.fullmatch(r"(.*-)(\d+)", c["reference"]))
        ]
        prefix = numbered[-1].group(1) if numbered else f"K-{unit_id}-"
        number = max((int(m.group(2)) for m in numbered if m.group(1) == prefix), default=0)
        while True:
            number += 1
            reference = f"{prefix}{number:04d}"
            if reference not in taken:
                return reference

    def _address_of(self, customer: dict[str, Any]) -> str:
        for row in self._customer_locks().get(customer["id"], []):
            if row["address"]:
                return str(row["address"])
        demo = self.site.demo.customers.get(customer["reference"])
        if demo is None:
            raise InputError("error.bad_address")
        return demo.address

    # -- the back office's logs -------------------------------------------------------------

    def _latest(
        self, fetch: Callable[[int | None], list[dict[str, Any]]], count: int
    ) -> list[dict[str, Any]]:
        """The ``count`` latest rows, latest first, looking back a day, a week, ... as needed."""
        now = self.site.clock.now()
        for days in (1, 7, 60, None):
            rows = fetch(None if days is None else now - days * DAY)
            if len(rows) >= count or days is None:
                return rows[::-1][:count]
        return []

    def _activity_rows(self, count: int) -> list[tuple[object, ...]]:
        rows = self._latest(
            lambda since: self.office.search_activity(
                self.admin, reports.ActivityQuery(since=since)
            ),
            count,
        )
        return [
            (
                r["time"],
                r["lock_id"],
                self._name("outcome", r["outcome"]),
                r["staff"] or "-",
                r["key_id"],
                r["station_id"] or "-",
            )
            for r in rows
        ]

    def _sync_rows(self, count: int) -> list[tuple[object, ...]]:
        rows = self._latest(
            lambda since: self.office.list_sync_events(self.admin, reports.SyncQuery(since=since)),
            count,
        )
        return [
            (
                r["time"],
                r["station_id"],
                r["key_id"] or "-",
                self._name("reason", r["reason"]),
                r["detail"],
            )
            for r in rows
        ]

    def _anomaly_rows(self, count: int) -> list[tuple[object, ...]]:
        rows = self._latest(
            lambda since: self.office.list_anomalies(self.admin, reports.AnomalyQuery(since=since)),
            count,
        )
        return [
            (
                r["detected"],
                self._name("anomaly", r["kind"]),
                r["lock_id"] or "-",
                r["key_id"] or "-",
                "-".join(str(s) for s in (r["seq_from"], r["seq_to"]) if s is not None) or "-",
            )
            for r in rows
        ]

    def _name(self, kind: str, value: object) -> str:
        key = f"{kind}.{value}"
        return self._pair(key) if key in messages.CATALOGUE else str(value)

    ACTIVITY_COLUMNS = ("time", "lock", "outcome", "staff", "key", "station")
    SYNC_COLUMNS = ("time", "station", "key", "event", "detail")
    ANOMALY_COLUMNS = ("time", "anomaly", "lock", "key", "seq")

    def do_activity(self, arg: str) -> None:
        count = self._count(arg, DEFAULT_ROWS)
        self._say("say.activity_title")
        self._table(self.ACTIVITY_COLUMNS, self._activity_rows(count))
        self._why("why.activity")

    def do_syncs(self, arg: str) -> None:
        count = self._count(arg, DEFAULT_ROWS)
        self._say("say.syncs_title")
        self._table(self.SYNC_COLUMNS, self._sync_rows(count))
        self._why("why.syncs")

    def do_anomalies(self, arg: str) -> None:
        count = self._count(arg, DEFAULT_ROWS)
        self._say("say.anomalies_title")
        self._table(self.ANOMALY_COLUMNS, self._anomaly_rows(count))
        self._why("why.anomalies")

    def do_office(self, arg: str) -> None:
        self._no_more(arg)
        self._say("say.activity_title")
        self._table(self.ACTIVITY_COLUMNS, self._activity_rows(OFFICE_ROWS))
        self._say("say.syncs_title")
        self._table(self.SYNC_COLUMNS, self._sync_rows(OFFICE_ROWS))
        self._say("say.anomalies_title")
        self._table(self.ANOMALY_COLUMNS, self._anomaly_rows(OFFICE_ROWS))
        self._why("why.activity")
