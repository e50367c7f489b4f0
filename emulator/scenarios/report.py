"""What a scenario did: its steps, each explained in Swedish and English, and the checks it made.

A scenario module gets a ``ScenarioRun``: ``run.site`` is the EmulatedSite,
``run.step(name, **values)`` starts a step at the site's current time with the
explanation ``name`` of emulator/messages.py (``scenario.`` keys), ``run.check(name, passed,
detail, **values)`` records a check of that step (``detail``: the values seen,
in English, for whoever has to find out why a check failed) and returns
``passed``, and ``run.metric(name, value)`` keeps a figure for the benchmark.

A ``ScenarioReport`` passes when it made at least one check, every check
passed and the scenario ran to its end (an exception is recorded as
``error`` and fails it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from emulator.messages import scenario_text as text
from host.backoffice.timeutil import TZ

if TYPE_CHECKING:
    from emulator.site import EmulatedSite

PASS_MARK = "OK "
FAIL_MARK = "FEL"


@dataclass(frozen=True)
class Check:
    swedish: str
    english: str
    passed: bool
    detail: str = ""


@dataclass
class Step:
    at: int  # the site's unix time when the step began
    swedish: str
    english: str
    checks: list[Check] = field(default_factory=list)


@dataclass
class ScenarioReport:
    name: str
    title: tuple[str, str]
    summary: tuple[str, str]
    steps: list[Step] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0
    error: str | None = None

    @property
    def checks(self) -> list[Check]:
        return [check for step in self.steps for check in step.checks]

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.checks) and not self.failed

    def lines(self) -> list[str]:
        """The report as text for a terminal: Swedish first, English under it."""
        out = [
            f"Scenario {self.name}: {self.title[0]} / {self.title[1]}",
            f"  {self.summary[0]}",
            f"  {self.summary[1]}",
            "",
        ]
        for step in self.steps:
            when = datetime.fromtimestamp(step.at, TZ).strftime("%a %Y-%m-%d %H:%M:%S")
            out.append(f"[{when}] {step.swedish}")
            out.append(f"{'':{len(when) + 3}}{step.english}")
            for check in step.checks:
                mark = PASS_MARK if check.passed else FAIL_MARK
                out.append(f"    {mark} {check.swedish} / {check.english}")
                if check.detail and not check.passed:
                    out.append(f"        {check.detail}")
        out.append("")
        if self.error is not None:
            sv, en = text("report.error")
            out.append(f"{sv} / {en}:")
            out.extend(f"    {line}" for line in self.error.splitlines())
        total, failed = len(self.checks), len(self.failed)
        key = "report.passed" if self.passed else "report.failed"
        sv, en = text(key, failed=failed, total=total)
        out.append(f"{sv} / {en}")
        sv, en = text("report.time", wall=self.wall_s)
        out.append(f"{sv} / {en}")
        return out


class ScenarioRun:
    """The scenario's handle on the site and on its report."""

    def __init__(self, site: EmulatedSite, report: ScenarioReport) -> None:
        self.site = site
        self.report = report

    def step(self, name: str, /, **values: object) -> None:
        swedish, english = text(name, **values)
        self.report.steps.append(Step(self.site.clock.now(), swedish, english))

    def check(self, name: str, passed: bool, detail: str = "", /, **values: object) -> bool:
        if not self.report.steps:
            raise RuntimeError("a check belongs to a step: call step() first")
        swedish, english = text(name, **values)
        self.report.steps[-1].checks.append(Check(swedish, english, bool(passed), detail))
        return bool(passed)

    def metric(self, name: str, value: float, /) -> None:
        self.report.metrics[name] = float(value)
