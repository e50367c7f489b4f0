"""Fixtures for the training page: a demo site of its own per test, clock running, page served.

The demo site is built once per test process and copied for each test (as
tests/emulator/test_trainer.py does); the copy runs at real speed, as
``inv emulate`` does, so the keypad's presses and the firmware's screens come
at a person's pace. The browser is Debian's headless Chromium, launched as
the web pages' tests launch it (tests/host/web/test_browser.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from emulator.site import EmulatedSite
from emulator.web.server import TrainerWeb
from tests.chromium import launched
from tests.emulator.test_trainer import HISTORY_DAYS, START, copy_site

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "emulator_web"
BUNDLE_WAIT_S = 15.0


@dataclass
class Trainer:
    site: EmulatedSite
    web: TrainerWeb

    @property
    def url(self) -> str:
        return self.web.url


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("trainer_template") / "site"
    EmulatedSite(work, start=START, history_days=HISTORY_DAYS).stop()
    return work


def open_trainer(work: Path, language: str = "both") -> Trainer:
    site = EmulatedSite(work, start=START, history_days=HISTORY_DAYS, speed=1.0, language=language)
    site.start()
    deadline = time.monotonic() + BUNDLE_WAIT_S
    while time.monotonic() < deadline:
        with site.lock:
            if all(e.station.cache.loaded for e in site.stations.values()):
                break
        time.sleep(0.05)
    web = TrainerWeb(site, language=language)
    web.start()
    return Trainer(site, web)


def close_trainer(trainer: Trainer) -> None:
    trainer.web.stop()
    trainer.site.stop()


@pytest.fixture
def trainer(template: Path, tmp_path: Path) -> Iterator[Trainer]:
    work = tmp_path / "site"
    copy_site(template, work)
    opened = open_trainer(work)
    yield opened
    close_trainer(opened)


@pytest.fixture(scope="module")  # not session: see tests/chromium.py
def browser() -> Iterator[Browser]:
    with launched(ARTIFACTS) as chromium:
        yield chromium
