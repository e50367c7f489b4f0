"""The scenarios of emulator/scenarios/ end to end: every one passes on the demo site, a broken
lock makes one fail, and the report, the registry, the text catalogue and the CLI behave.

The demo site is built once per test session (per xdist worker) and copied for each scenario:
building takes seconds, copying the folder a fraction of that.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from emulator import messages, scenario_cli, scenarios
from emulator.demo_site import FACTS_FILE
from emulator.scenarios.report import Check, ScenarioReport, ScenarioRun, Step
from emulator.virtual_clock import VirtualClock
from emulator.virtual_lock import VirtualLock


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario_demo")
    scenarios.prepare(folder)
    return folder


@pytest.fixture
def work(demo_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    scenarios.clone(demo_template, folder)
    return folder


@pytest.mark.parametrize("name", list(scenarios.SCENARIOS))
def test_scenario_passes(name: str, work: Path) -> None:
    report = scenarios.run(name, work)
    assert report.passed, "\n".join(report.lines())
    assert len(report.checks) >= 5
    assert all(step.swedish and step.english for step in report.steps)
    if name == "shift_start":  # the benchmark's figures
        assert report.metrics["shift_start_30_keys_s"] > 0
        assert report.metrics["shift_start_30_keys_wall_s"] > 0


def test_a_lock_that_ignores_blocklists_fails_the_lost_key_scenario(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(VirtualLock, "offer_blocklist", lambda self, data: False)
    report = scenarios.run("lost_key", work)
    assert not report.passed
    failed = {check.english for check in report.failed}
    assert any("refused the key (blocked)" in text for text in failed), failed
    assert any("now holds blocklist version" in text for text in failed), failed
    station_checks = [c for c in report.checks if "station refused the key" in c.english]
    assert station_checks and all(c.passed for c in station_checks)


def test_a_clone_has_its_own_database(demo_template: Path, work: Path) -> None:
    facts = json.loads((work / FACTS_FILE).read_text())
    assert facts["db_url"] is None  # the site's own file, relative to the work folder
    assert (work / "site" / "synk.db").read_bytes() == (
        demo_template / "site" / "synk.db"
    ).read_bytes()
    demo = scenarios.build_demo_site(work, history_days=scenarios.HISTORY_DAYS)
    assert demo.db_url == f"sqlite:///{work / 'site' / 'synk.db'}"


def test_a_folder_that_has_run_before_is_refused(work: Path) -> None:
    (work / "stations").mkdir()
    with pytest.raises(ValueError, match="has run before"):
        scenarios.run("wrong_code", work)


def test_an_unknown_scenario_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="shift_start"):
        scenarios.module("no_such_scenario")


# -- the report ------------------------------------------------------------------------------


def _report(*checks: bool) -> ScenarioReport:
    report = ScenarioReport("x", ("titel", "title"), ("sv", "en"))
    report.steps.append(Step(0, "steg", "step", [Check("sv", "en", c, "why") for c in checks]))
    return report


def test_a_report_passes_only_with_checks_all_passed_and_no_error() -> None:
    assert _report(True, True).passed
    assert not _report(True, False).passed
    assert not _report().passed
    errored = _report(True)
    errored.error = "Traceback ..."
    assert not errored.passed
    lines = "\n".join(_report(True, False).lines())
    assert "FEL" in lines and "why" in lines and "FAILED: 1 of 2" in lines


def test_steps_carry_the_sites_time_and_their_checks() -> None:
    report = _report()
    report.steps.clear()
    site: Any = SimpleNamespace(clock=VirtualClock(scenarios.START))
    run = ScenarioRun(site, report)
    with pytest.raises(RuntimeError, match="step"):
        run.check("report.passed", True, total=1)
    run.step("lost_key.morning", anna="Anna", bertil="Bertil")
    assert run.check("lost_key.check.synced", False, "outcome None") is False
    run.metric("x_s", 2)
    step = report.steps[0]
    assert step.at == scenarios.START and "Anna" in step.swedish and "Bertil" in step.english
    assert step.checks == [
        Check(*messages.scenario_text("lost_key.check.synced"), False, "outcome None")
    ]
    assert report.metrics == {"x_s": 2.0} and not report.passed


# -- the catalogue ---------------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_swedish_and_english_texts_take_the_same_values() -> None:
    scenario_texts = {k: v for k, v in messages.CATALOGUE.items() if k.startswith("scenario.")}
    for name, (swedish, english) in scenario_texts.items():
        assert swedish and english, name
        # A screen's text is quoted in its own language: {swedish} / {english}.
        expected = {"english" if f == "swedish" else f for f in _fields(swedish)}
        assert expected == _fields(english), name


def test_every_scenario_has_a_title_and_a_summary() -> None:
    for name in scenarios.SCENARIOS:
        module = scenarios.module(name)
        assert all(messages.scenario_text(module.TITLE)) and all(
            messages.scenario_text(module.SUMMARY)
        )
        assert callable(module.play)


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_lists_the_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert scenario_cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in scenarios.SCENARIOS)


def test_cli_refuses_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert scenario_cli.main(["no_such_scenario"]) == 2
    assert "shift_start" in capsys.readouterr().err


@pytest.mark.parametrize(("passed", "code"), [(True, 0), (False, 1)])
def test_cli_exits_1_when_a_check_failed(
    passed: bool,
    code: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fake_run(name: str, work_dir: Path) -> ScenarioReport:
        assert work_dir == tmp_path
        return _report(True, passed)

    monkeypatch.setattr(scenarios, "run", fake_run)
    assert scenario_cli.main(["offline", "--work", str(tmp_path)]) == code
    assert ("PASSED" if passed else "FAILED") in capsys.readouterr().out
