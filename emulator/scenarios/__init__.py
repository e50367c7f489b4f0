"""Headless scenarios of the whole site (issue 6): run by name, they double as end-to-end tests.

Each scenario is a module here with ``TITLE`` and ``SUMMARY`` (names in
emulator/messages.py (``scenario.`` keys)) and ``play(run: ScenarioRun)``. ``run(name,
work_dir)`` builds an ``EmulatedSite`` in ``work_dir`` with a stopped clock
set to ``START`` (Monday 16 November 2026, 05:50 in Stockholm), plays the
scenario and returns its ``ScenarioReport``: the steps, each explained in
Swedish and English, with the checks made along the way. The site is
stopped afterwards; its files stay in ``work_dir`` for a look with the
back office's tools.

``work_dir`` must be empty or hold only a demo site built by ``prepare``
(or copied with ``clone``: the tests build one and copy it for each
scenario): the stations and locks of a site that has run before are not
where a scenario expects them.

The demo site gets ``HISTORY_DAYS`` days of history: the scenarios do not
need more, and a short history builds quickly.
"""

from __future__ import annotations

import importlib
import json
import shutil
import time
import traceback
from datetime import datetime
from pathlib import Path
from types import ModuleType

from emulator.demo_site import FACTS_FILE, SITE_SUBDIR, build_demo_site
from emulator.messages import scenario_text as text
from emulator.scenarios.report import ScenarioReport, ScenarioRun
from emulator.site import EmulatedSite
from emulator.virtual_clock import VirtualClock
from host.backoffice.timeutil import TZ

__all__ = [
    "HISTORY_DAYS",
    "SCENARIOS",
    "START",
    "ScenarioReport",
    "clone",
    "module",
    "prepare",
    "run",
]

SCENARIOS: dict[str, str] = {
    name: f"emulator.scenarios.{name}"
    for name in (
        "shift_start",
        "lost_key",
        "offline",
        "new_lock_offline",
        "wrong_code",
        "key_pulled",
        "power_loss",
        "drift_and_battery",
    )
}
START = int(datetime(2026, 11, 16, 5, 50, tzinfo=TZ).timestamp())
HISTORY_DAYS = 2
USED_MARKS = ("stations", "locks.json")  # what EmulatedSite leaves in a folder it ran in


def module(name: str) -> ModuleType:
    """The scenario's module; KeyError (saying which exist) for an unknown name."""
    if name not in SCENARIOS:
        raise KeyError(f"no scenario {name!r}; there are: {', '.join(SCENARIOS)}")
    return importlib.import_module(SCENARIOS[name])


def prepare(work_dir: Path, history_days: int = HISTORY_DAYS) -> None:
    """Build the demo site that ``run`` starts from in ``work_dir`` (nothing else)."""
    build_demo_site(Path(work_dir), clock=VirtualClock(START), history_days=history_days)


def clone(prepared: Path, work_dir: Path) -> None:
    """Copy a folder ``prepare`` built to ``work_dir`` (which must not exist yet).

    The demo site finds its SQLite file relative to the work folder, so a copy
    is a site of its own; a folder whose facts name a database elsewhere is
    refused rather than shared.
    """
    prepared, work_dir = Path(prepared), Path(work_dir)
    facts = json.loads((prepared / FACTS_FILE).read_text(encoding="utf-8"))
    database = prepared / SITE_SUBDIR / "synk.db"
    if facts.get("db_url") is not None or not database.exists():
        raise ValueError(f"{prepared} does not hold a demo site in {database}")
    shutil.copytree(prepared, work_dir)


def run(name: str, work_dir: Path, history_days: int = HISTORY_DAYS) -> ScenarioReport:
    """Play scenario ``name`` on a site in ``work_dir``; what happened, checks included."""
    scenario = module(name)
    work_dir = Path(work_dir)
    used = [mark for mark in USED_MARKS if (work_dir / mark).exists()]
    if used:
        raise ValueError(
            f"{work_dir} holds a site that has run before ({', '.join(used)}): "
            "give a new folder, or one where only the demo site was built"
        )
    report = ScenarioReport(name, text(scenario.TITLE), text(scenario.SUMMARY))
    began = time.perf_counter()
    site = EmulatedSite(work_dir, start=START, history_days=history_days)
    try:
        scenario.play(ScenarioRun(site, report))
    except Exception:
        report.error = traceback.format_exc()
    finally:
        site.stop()
        report.wall_s = time.perf_counter() - began
    return report
