"""The training page's HTTP server: loopback only, its own port, threads of the emulator.

``TrainerWeb(site)`` builds the ``World`` and ``Lessons`` over an
``EmulatedSite`` and ``start()`` serves, on 127.0.0.1:

- ``GET /?station=ID&trainee=STAFF_ID`` the page, rendered on the server
  (templates/), with the station's picture drawn by static/trainer.js from
  the framebuffer bytes;
- ``GET /events?...`` server-sent events: the page's live parts (the
  station's framebuffer, LEDs, slot and pad, and the server-rendered
  fragments: staff and keys, doors, network and clock, lesson, log) each
  time the world changes; ``GET /state?...`` the same once, as JSON;
- ``GET /scenarios``, ``GET /scenario?name=N`` the scenarios of
  emulator/scenarios/ shown step by step (``emulator.web.shows``), with
  ``GET /scenario.json?name=N`` the steps so far;
- ``POST /api/<action>`` (JSON) what the trainee does: press, insert, pull,
  nfc, nfc_off, open, relock, network, forward, lose, found, install, scenario, confirm, lesson,
  lesson_stop.
  A request must be ``application/json`` and, when it names an origin, come
  from the page's own: another site in the same browser cannot drive it.

A world thread (``World.tick`` every 20 ms) feeds the streams; every tab on
the same emulator sees the same site.
"""

from __future__ import annotations

import json
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from emulator import hints, messages, scenarios
from emulator.hints import Situation
from emulator.messages import scenario_text
from emulator.site import EmulatedSite
from emulator.web.lessons import BY_ID, LESSONS, PROGRESS_DIR, Lessons
from emulator.web.shows import Shows
from emulator.web.world import ActionError, World
from host.backoffice.timeutil import format_time
from hw.keypad import KEYS

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
TICK_S = 0.02
HEARTBEAT_S = 15.0
MAX_BODY = 4096
FRAGMENTS_KEPT = 32
DAY = 86_400
HOUR = 3_600
FORWARDS = (("1", "h"), ("8", "h"), ("1", "d"), ("8", "d"))


def two(sv: str, en: str, lang: str = "both") -> Markup:
    """Two texts as HTML in a language setting: the Swedish, the English beside it (or one)."""
    if lang == "en" and en:
        return Markup('<span lang="en">{}</span>').format(en)
    if lang == "sv" or sv == en or not en:
        return Markup('<span lang="sv">{}</span>').format(sv)
    return Markup('<span lang="sv">{}</span> <span lang="en" class="en">{}</span>').format(sv, en)


def both(key: str, /, lang: str = "both", **values: object) -> Markup:
    """A catalogue entry as HTML (``two``)."""
    return two(*messages.text(key, **values), lang=lang)


def margin(until: int, now: int, lang: str = "both") -> Markup:
    """How long the station may still work without the network, in days and hours."""
    if not until:
        return both("web.margin.none", lang)
    left = until - now
    if left <= 0:
        return both("web.margin.over", lang)
    days, hours = divmod(left // HOUR, 24)
    return both("web.margin.left", lang, days=days, hours=hours, until=format_time(until)[:16])


def situation(data: dict[str, Any], station_id: int, me: dict[str, Any] | None) -> Situation:
    """What the trainee could tell at ``station_id`` (emulator.hints), from the world's data."""
    if me is None:
        return Situation()
    if not me["key_id"]:
        return Situation(picked=True)
    seen = data["stations"][str(station_id)]
    facts = data["station_facts"][str(station_id)]
    here = me["where"] in (f"slot:{station_id}", f"nfc:{station_id}")
    result = seen.get("result") or {}
    ours = result.get("key_id") == me["key_id"]
    return Situation(
        picked=True,
        has_key=True,
        key_state=me["state"] or "active",
        in_station=here,
        asks_code=here and seen["asks_code"],
        busy=here and seen.get("busy", False),
        last_outcome=result.get("outcome", "") if ours else "",
        events_read=result.get("events_read", 0) if ours else 0,
        queue=facts["queue"],
        online=facts["network"],
        offline_until=facts["offline_until"],
        locked_until=me["locked_until"],
        valid_until=me["valid_until"],
        now=data["now"],
    )


class TrainerWeb:
    def __init__(
        self, site: EmulatedSite, host: str = "127.0.0.1", port: int = 0, language: str = "both"
    ) -> None:
        if language not in messages.LANGUAGES:
            raise ValueError(f"language: must be one of {', '.join(messages.LANGUAGES)}")
        self.language = language
        self.site = site
        self.world = World(site)
        self.lessons = Lessons(self.world)
        self.shows = Shows(site.work_dir / PROGRESS_DIR / "scenarios")
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        lang = language

        def pair(key: str, /, **values: object) -> str:
            return " / ".join(messages.shown(messages.text(key, **values), lang))

        self.env.globals.update(
            both=lambda key, /, **values: both(key, lang, **values),
            two=lambda sv, en: two(sv, en, lang),
            margin=lambda until, now: margin(until, now, lang),
            format_time=format_time,
            keys=KEYS,
            forwards=FORWARDS,
            catalogue=messages.CATALOGUE,
            pair=pair,
            language=lang,
            page_lang="en" if lang == "en" else "sv",
        )
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer((host, port), _handler(self))
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://{host}:{self.port}/"
        self._threads: list[threading.Thread] = []
        self._fragments: dict[str, dict[str, str]] = {}
        self._cache_lock = threading.Lock()

    # -- running ----------------------------------------------------------------------------

    def start(self) -> str:
        self.world.tick()
        for target, name in ((self._watch, "trainer-world"), (self._serve, "trainer-web")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self.url

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.1)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                self.world.tick()
            except Exception as err:  # the page must not die with one bad look: log it, go on
                self.world.log.append(("error", f"{type(err).__name__}: {err}", ""))
            self._stop.wait(TICK_S)

    def stop(self) -> None:
        self._stop.set()
        self.world.wake()
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- what the page shows ----------------------------------------------------------------

    def choose(self, query: dict[str, str]) -> tuple[int, int | None]:
        """The station shown and the trainee: from the query, else the trainee's unit's."""
        trainee: int | None = None
        text = query.get("trainee", "")
        if text.isdecimal() and int(text) in self.site.demo.staff:
            trainee = int(text)
        station = query.get("station", "")
        if station.isdecimal() and int(station) in self.site.stations:
            return int(station), trainee
        if trainee is not None:
            unit = self.site.demo.staff[trainee].unit_id
            return self.site.station_for_unit(unit).station_id, trainee
        return next(iter(self.site.stations)), trainee

    def context(self, data: dict[str, Any], station_id: int, trainee: int | None) -> dict[str, Any]:
        facts = data["station_facts"][str(station_id)]
        unit = data["units"][str(facts["unit_id"])]
        me = next((row for row in unit["staff"] if row["staff_id"] == trainee), None)
        progress = data.get("progress", {}).get(str(trainee), {"current": None, "lessons": {}})
        current = BY_ID.get(progress.get("current") or "")
        hint_key, hint_values = hints.hint(situation(data, station_id, me))
        return {
            "next_step": messages.text(hint_key, **hint_values),
            "data": data,
            "station_id": station_id,
            "station": data["stations"][str(station_id)],
            "facts": facts,
            "unit": unit,
            "trainee": trainee,
            "me": me,
            "lessons": LESSONS,
            "progress": progress,
            "current": current,
            "state": progress["lessons"].get(current.lesson_id) if current else None,
            "stations": data["station_facts"],
            "now": data["now"],
        }

    def fragments(self, data: dict[str, Any], station_id: int, trainee: int | None) -> Any:
        """The server-rendered parts; the same for every look that changed only the pictures."""
        rest = {name: value for name, value in data.items() if name != "stations"}
        seen = data["stations"][str(station_id)]
        hint_state = [seen["asks_code"], seen.get("busy"), seen.get("result")]
        key = json.dumps([rest, station_id, trainee, hint_state], sort_keys=True)
        with self._cache_lock:
            cached = self._fragments.get(key)
        if cached is not None:
            return cached
        context = self.context(data, station_id, trainee)
        module = self.env.get_template("_fragments.html").make_module(context)
        names = ("hint", "staff", "doors", "status", "lesson", "log", "activity")
        rendered = {name: str(getattr(module, name)()) for name in names}
        with self._cache_lock:
            if len(self._fragments) > FRAGMENTS_KEPT:
                self._fragments.clear()
            self._fragments[key] = rendered
        return rendered

    def view(self, data: dict[str, Any], station_id: int, trainee: int | None) -> dict[str, Any]:
        """What one page (a station, a trainee) gets on each change."""
        return {
            "station": data["stations"][str(station_id)],
            "fragments": self.fragments(data, station_id, trainee),
        }

    def page(self, station_id: int, trainee: int | None) -> str:
        _, data = self.world.wait(0, 0)
        context = self.context(data, station_id, trainee)
        # JSON inside <script>: no "<" at all, so nothing in it can end the element
        context["initial"] = json.dumps(self.view(data, station_id, trainee)).replace(
            "<", "\\u003c"
        )
        return self.env.get_template("trainer.html").render(context)

    # -- the scenarios, shown ---------------------------------------------------------------

    def scenarios_page(self) -> str:
        items = []
        for name in scenarios.SCENARIOS:
            module = scenarios.module(name)
            items.append(
                {
                    "name": name,
                    "title": scenario_text(module.TITLE),
                    "summary": scenario_text(module.SUMMARY),
                }
            )
        return self.env.get_template("scenarios.html").render(items=items)

    def scenario_page(self, name: str) -> str | None:
        if name not in scenarios.SCENARIOS:
            return None
        module = scenarios.module(name)
        return self.env.get_template("scenario.html").render(
            name=name, title=scenario_text(module.TITLE), summary=scenario_text(module.SUMMARY)
        )

    def scenario_view(self, name: str) -> dict[str, Any]:
        show = self.shows.get(name)
        module = self.env.get_template("_fragments.html").make_module(
            {"show": show, "data": {}, "unit": {}, "trainee": None}
        )
        steps = getattr(module, "show_steps")  # noqa: B009 (a macro of the template)
        return {"html": str(steps()), "done": bool(show and show.done)}

    # -- what the trainee does --------------------------------------------------------------

    def act(self, action: str, body: dict[str, Any]) -> list[tuple[str, str, str]]:
        world = self.world
        staff = body.get("trainee")
        station = body.get("station")
        if action == "press":
            world.press(station, body.get("button"))
        elif action == "insert":
            world.insert(station, body.get("key"))
        elif action == "nfc":
            world.insert(station, body.get("key"), nfc=True)
        elif action == "pull":
            world.pull(station)
        elif action == "nfc_off":
            world.pull(station, nfc=True)
        elif action == "open":
            return world.open_door(staff, body.get("lock"), body.get("key"))
        elif action == "relock":
            return world.relock(staff, body.get("lock"))
        elif action == "network":
            return world.set_network(station, bool(body.get("online")))
        elif action == "forward":
            return world.forward(body.get("amount"), body.get("unit"))
        elif action == "lose":
            return world.lose(staff)
        elif action == "found":
            return world.found(staff)
        elif action == "install":
            return world.install(staff, body.get("customer"), body.get("kind"))
        elif action == "scenario":
            if str(body.get("name")) not in scenarios.SCENARIOS:
                raise ActionError("web.error.unknown_scenario", arg=body.get("name"))
            self.shows.start(str(body.get("name")))
        elif action == "confirm":
            world.confirm(staff)
        elif action in ("lesson", "lesson_stop"):
            trainee = str(staff or "")
            if not trainee.isdecimal() or int(trainee) not in self.site.demo.staff:
                raise ActionError("web.error.pick_first")
            if action == "lesson_stop":
                self.lessons.stop(int(trainee))
            elif str(body.get("lesson")) not in BY_ID:
                raise ActionError("web.error.unknown_lesson", arg=body.get("lesson"))
            else:
                self.lessons.start(int(trainee), str(body.get("lesson")))
        else:
            raise ActionError("web.error.unknown_action", arg=action)
        return []


def _handler(web: TrainerWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "synk-trainer"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the emulator's terminal is the console's

        def _query(self) -> tuple[str, dict[str, str]]:
            parts = urlsplit(self.path)
            query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
            return parts.path, query

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            )
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, value: object) -> None:
            self._send(status, json.dumps(value).encode(), "application/json")

        def do_GET(self) -> None:
            path, query = self._query()
            if path == "/":
                station, trainee = web.choose(query)
                self._send(
                    HTTPStatus.OK, web.page(station, trainee).encode(), "text/html; charset=utf-8"
                )
            elif path.startswith("/static/"):
                name = path.removeprefix("/static/")
                file = STATIC / name
                if "/" in name or file.suffix not in STATIC_TYPES or not file.is_file():
                    self._json(
                        HTTPStatus.NOT_FOUND, {"error": messages.text("web.error.not_found")}
                    )
                    return
                self._send(HTTPStatus.OK, file.read_bytes(), STATIC_TYPES[file.suffix])
            elif path == "/state":
                station, trainee = web.choose(query)
                _, data = web.world.wait(0, 0)
                self._json(HTTPStatus.OK, web.view(data, station, trainee))
            elif path == "/scenarios":
                self._send(HTTPStatus.OK, web.scenarios_page().encode(), "text/html; charset=utf-8")
            elif path == "/scenario" and (shown := web.scenario_page(query.get("name", ""))):
                self._send(HTTPStatus.OK, shown.encode(), "text/html; charset=utf-8")
            elif path == "/scenario.json" and query.get("name", "") in scenarios.SCENARIOS:
                self._json(HTTPStatus.OK, web.scenario_view(query["name"]))
            elif path == "/events":
                self._events(*web.choose(query))
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": messages.text("web.error.not_found")})

        def _events(self, station: int, trainee: int | None) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            version, sent = 0, ""
            beat = time.monotonic()
            try:
                while not web.stopping:
                    version, data = web.world.wait(version, 1.0)
                    if web.stopping:
                        break
                    text = json.dumps(web.view(data, station, trainee))
                    if text != sent:
                        sent = text
                        self.wfile.write(f"data: {text}\n\n".encode())
                        self.wfile.flush()
                        beat = time.monotonic()
                    elif time.monotonic() - beat > HEARTBEAT_S:
                        self.wfile.write(b": still here\n\n")
                        self.wfile.flush()
                        beat = time.monotonic()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the tab was closed: nothing is lost, the world goes on

        def do_POST(self) -> None:
            path, _ = self._query()
            if not path.startswith("/api/"):
                self._json(HTTPStatus.NOT_FOUND, {"error": messages.text("web.error.not_found")})
                return
            origin = self.headers.get("Origin")
            host = self.headers.get("Host", "")
            if origin is not None and urlsplit(origin).netloc != host:
                self._json(HTTPStatus.FORBIDDEN, {"error": messages.text("web.error.origin")})
                return
            if self.headers.get_content_type() != "application/json":
                self._json(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": messages.text("web.error.json")}
                )
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                if length > MAX_BODY:
                    raise ValueError("too long")
                body = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("not an object")
            except ValueError:
                self._json(HTTPStatus.BAD_REQUEST, {"error": messages.text("web.error.json")})
                return
            try:
                said = web.act(path.removeprefix("/api/"), body)
            except ActionError as err:
                self._json(HTTPStatus.BAD_REQUEST, {"error": err.text})
                return
            self._json(HTTPStatus.OK, {"said": said})

    return Handler
