"""``python -m emulator.emulate``: the whole site on this laptop, with the training console.

Builds the demo site in the work folder the first time (``./work/emulator``
unless ``--work`` says otherwise; it survives restarts) or reopens it, starts
it with its clock running (``--speed``, 1 = real time), prints what people
connect to (the back office's URL and demo sign-ins, each station's service
console PTY and the USB key reader's PTY, for ``synk diag --port``), serves
the training page (emulator/web/) on loopback, prints its address and opens
it in the browser when there is one (not with ``--no-browser``, nor under CI
or tests), and runs the training console (emulator/trainer.py) in the
terminal. With ``--no-console`` it only runs until interrupted.

One process: the back office, the world loop and the stations are threads of
this one. Ctrl-C (SIGINT), end of input, ``avsluta`` or SIGTERM stop them all
and save the site (the locks' counters, the stations' flash and the database
are in the work folder). The emulator installs its own handler for SIGINT and
SIGTERM, so it stops on them even when it was started with SIGINT ignored (a
background job of a shell) and puts the old handlers back when it returns.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TextIO

from emulator import messages
from emulator.site import EmulatedSite
from emulator.trainer import TrainingConsole
from emulator.web.server import TrainerWeb
from host.backoffice.errors import ServiceError
from host.backoffice.timeutil import format_time

DEFAULT_WORK = Path("work") / "emulator"
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
BUNDLE_WAIT_S = 15.0
DEFAULT_LANGUAGE = "sv"  # English is a setting: --language en or both


def _say(key: str, out: TextIO, /, lang: str = "both", **values: object) -> None:
    """Swedish, then English (once, when the line is the same in both); or one of them."""
    for line in messages.shown(messages.text(key, **values), lang):
        print(line, file=out, flush=True)


def _speed(value: str) -> float:
    try:
        speed = float(value)
    except ValueError:
        speed = 0.0
    if not 0 < speed < float("inf"):
        raise argparse.ArgumentTypeError(
            " / ".join(messages.text("emulate.bad_speed", value=value))
        )
    return speed


def _parser() -> argparse.ArgumentParser:
    def both(key: str) -> str:
        return " / ".join(messages.text(key))

    parser = argparse.ArgumentParser(
        prog="python -m emulator.emulate", description=both("emulate.description")
    )
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, metavar="DIR", help=both("emulate.help_work")
    )
    parser.add_argument(
        "--speed", type=_speed, default=1.0, metavar="X", help=both("emulate.help_speed")
    )
    parser.add_argument("--no-console", action="store_true", help=both("emulate.help_no_console"))
    parser.add_argument("--no-browser", action="store_true", help=both("emulate.help_no_browser"))
    parser.add_argument(
        "--vm", choices=("cpython", "micropython"), default="cpython", help=both("emulate.help_vm")
    )
    parser.add_argument(
        "--language",
        choices=messages.LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help=both("emulate.help_language"),
    )
    parser.add_argument(
        "--web-port", type=int, default=0, metavar="PORT", help=both("emulate.help_web_port")
    )
    return parser


def _open_browser(url: str) -> None:
    """The training page in the user's browser, when there is one and nobody runs us headless."""
    if any(os.environ.get(name) for name in ("CI", "PYTEST_CURRENT_TEST")):
        return
    with contextlib.suppress(webbrowser.Error):  # no browser here: the address is printed
        webbrowser.get().open(url, new=2)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT and SIGTERM stop the emulator the way Ctrl-C does."""
    raise KeyboardInterrupt


def _wait_for_bundles(site: EmulatedSite, timeout_s: float) -> bool:
    """Until every station holds a bundle (a new site's stations fetch their first one now)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with site.lock:
            if all(e.station.cache.loaded for e in site.stations.values()):
                return True
        time.sleep(0.05)
    return False  # the stations say so on their screens; the console shows them


def banner(site: EmulatedSite, out: TextIO, web_url: str | None = None, lang: str = "both") -> None:
    """What people connect to: the training page, the back office, its sign-ins, the PTYs."""
    _say("emulate.running", out, lang=lang)
    _say("emulate.work", out, lang=lang, work=site.work_dir)
    if web_url is not None:
        _say("emulate.web", out, lang=lang, url=web_url)
    _say("emulate.url", out, lang=lang, url=f"{site.url}/web/")
    _say("emulate.users", out, lang=lang)
    for user in site.demo.users.values():
        # One line a user: both words in one cell ("lösenord/password"), or the one language's.
        cell = messages.pair if lang == "both" else messages.both
        _say(
            "emulate.user",
            out,
            lang=lang,
            username=user.username,
            role=cell(f"role.{user.role}"),
            word=cell("emulate.password"),
            password=user.password,
        )
    _say("emulate.stations", out, lang=lang)
    for emulated in site.stations.values():
        _say(
            "emulate.station",
            out,
            lang=lang,
            station_id=emulated.station_id,
            name=emulated.name,
            path=emulated.console.path,
        )
    for on_vm in site.vm_stations.values():
        _say(
            "emulate.vm_station",
            out,
            lang=lang,
            station_id=on_vm.station_id,
            name=on_vm.name,
            path=on_vm.console_path,
            heap=site.vm_heap_bytes // 1024,
        )
    _say("emulate.reader", out, lang=lang, path=site.reader.path)
    consoles = [e.console.path for e in site.stations.values()]
    consoles += [e.console_path for e in site.vm_stations.values()]
    _say("emulate.diag", out, lang=lang, station=consoles[0], reader=site.reader.path)
    _say(
        "emulate.clock",
        out,
        lang=lang,
        time=format_time(site.clock.now()),
        speed=f"{site.clock.speed:g}",
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    work = args.work.resolve()
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    # Our own handler for both: a process started with SIGINT ignored (a shell's background
    # job, some CI runners) has no KeyboardInterrupt for Ctrl-C otherwise, and never stops.
    for signum in handlers:
        signal.signal(signum, _interrupt)
    try:
        return _run(
            work,
            args.speed,
            not args.no_console,
            out,
            web_port=args.web_port,
            browser=not args.no_browser,
            vm=args.vm,
            language=args.language,
        )
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _run(
    work: Path,
    speed: float,
    console: bool,
    out: TextIO,
    web_port: int = 0,
    browser: bool = False,
    vm: str = "cpython",
    language: str = "both",
) -> int:
    _say("emulate.starting", out, lang=language, work=work)
    if vm == "micropython":
        _say("emulate.vm_flashing", out, lang=language)
    try:
        site = EmulatedSite(work, speed=speed, vm=vm, language=language)
    except (ValueError, OSError, RuntimeError, ServiceError) as err:
        _say("emulate.failed", out, lang=language, error=err)
        return EXIT_FAILED
    except KeyboardInterrupt:  # while building: the next start carries on where it stopped
        print(file=out)
        return EXIT_INTERRUPTED
    web: TrainerWeb | None = None
    try:
        site.start()
        if site.vm_stations:
            # The trainer and its page read the stations' state in this process.
            banner(site, out, lang=language)
            _say("emulate.vm_no_trainer", out, lang=language)
            while True:
                time.sleep(3600)
        trainer = TrainingConsole(site, language=language) if console else None
        _wait_for_bundles(site, BUNDLE_WAIT_S)
        web = TrainerWeb(site, port=web_port, language=language)
        web_url = web.start()
        banner(site, out, web_url, lang=language)
        if browser:
            _open_browser(web_url)
        if trainer is None:
            _say("emulate.waiting", out, lang=language)
            while True:
                time.sleep(3600)
        else:
            trainer.run()
    except KeyboardInterrupt:
        print(file=out)
    except (ValueError, OSError) as err:
        _say("emulate.failed", out, lang=language, error=err)
        return EXIT_FAILED
    finally:
        _say("emulate.stopping", out, lang=language)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the saving short
        if web is not None:
            web.stop()
        site.stop()
        _say("emulate.stopped", out, lang=language, work=work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
