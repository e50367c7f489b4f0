"""The scenarios of emulator/scenarios/ shown on the training page ("visa"), step by step.

``Shows(folder)`` plays a scenario headless, as ``emulator.scenarios.run``
does (a demo site of its own in a new folder under ``folder``, its clock
stopped at the scenarios' ``START``), with a ``ScenarioRun`` that also keeps,
for each step and each check, the picture on the scenario's home station —
the SSD1306's display RAM as the firmware's driver wrote it. The page then
shows the steps one at a time: what happens and why, in Swedish and English,
the station's screen, and the checks with their outcome. A show runs in a
thread of its own; the training site is not touched.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator import scenario_tools, scenarios
from emulator.messages import scenario_text
from emulator.scenarios.report import ScenarioReport, ScenarioRun
from emulator.site import EmulatedSite
from host.backoffice.timeutil import format_time


@dataclass
class Show:
    name: str
    title: tuple[str, str]
    summary: tuple[str, str]
    steps: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False
    error: str | None = None
    passed: bool | None = None


class ShownRun(ScenarioRun):
    """A ScenarioRun that keeps the home station's picture at each step and check."""

    def __init__(self, site: EmulatedSite, report: ScenarioReport, show: Show) -> None:
        super().__init__(site, report)
        self.show = show

    def _picture(self) -> str:
        with self.site.lock:
            _, picture = scenario_tools.home_station(self.site).hardware.oled_panel.picture()
        return base64.b64encode(picture).decode("ascii")

    def step(self, name: str, /, **values: object) -> None:
        super().step(name, **values)
        step = self.report.steps[-1]
        self.show.steps.append(
            {
                "at": format_time(step.at)[:16],
                "swedish": step.swedish,
                "english": step.english,
                "fb": self._picture(),
                "checks": [],
            }
        )

    def check(self, name: str, passed: bool, detail: str = "", /, **values: object) -> bool:
        result = super().check(name, passed, detail, **values)
        made = self.report.steps[-1].checks[-1]
        shown = self.show.steps[-1]
        shown["checks"].append(
            {"swedish": made.swedish, "english": made.english, "passed": made.passed}
        )
        shown["fb"] = self._picture()  # what the station showed when it was checked
        return result


class Shows:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._shows: dict[str, Show] = {}
        self._count = itertools.count(int(time.time()))

    def get(self, name: str) -> Show | None:
        with self._lock:
            return self._shows.get(name)

    def start(self, name: str) -> Show:
        """Play scenario ``name`` (again) in the background; KeyError for an unknown one."""
        scenario = scenarios.module(name)
        show = Show(name, scenario_text(scenario.TITLE), scenario_text(scenario.SUMMARY))
        with self._lock:
            running = self._shows.get(name)
            if running is not None and not running.done:
                return running
            self._shows[name] = show
        work = self.folder / f"{name}-{next(self._count)}"
        thread = threading.Thread(
            target=self._play, args=(show, scenario, work), name=f"show-{name}", daemon=True
        )
        thread.start()
        return show

    def _play(self, show: Show, scenario: Any, work: Path) -> None:
        report = ScenarioReport(show.name, show.title, show.summary)
        try:
            scenarios.prepare(work)
            site = EmulatedSite(work, start=scenarios.START, history_days=scenarios.HISTORY_DAYS)
            try:
                scenario.play(ShownRun(site, report, show))
            finally:
                site.stop()
        except Exception:
            report.error = traceback.format_exc()
            show.error = report.error.strip().splitlines()[-1]
        show.passed = report.passed
        show.done = True
