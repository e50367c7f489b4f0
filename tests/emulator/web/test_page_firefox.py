"""The training page in headless Firefox (Debian's firefox-esr over WebDriver BiDi): lesson 1.

The same lesson as test_page.py's first Chromium test, done with Firefox's
real pointer and key input (tests/firefox.py), so that "works in Chromium
and Firefox" (issue 12) is tested, not assumed; on the way, the station's
screen as Firefox drew it on the canvas is compared with the display
driver's framebuffer bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from emulator.web.lessons import PROGRESS_DIR, PROGRESS_FILE
from tests.firefox import Bidi, Page, launched

from .conftest import ARTIFACTS, Trainer

TRAINEE = 2  # Lars Sandberg of Hemtjänst Nord, key 50002 (his first key is active)
STATION = 101
LONG_S = 30.0


@pytest.fixture(scope="module")
def firefox() -> Iterator[Bidi]:
    with launched(ARTIFACTS) as bidi:
        yield bidi


def step_now(page: Page, step: str) -> None:
    page.wait_until(
        "(s) => document.querySelector(`ol.steps li.now[data-step='${s}']`) !== null", LONG_S, step
    )


def screen_says(page: Page, text: str) -> None:
    page.wait_until(
        "(t) => (document.getElementById('screen').getAttribute('aria-label') || '').includes(t)",
        LONG_S,
        text,
    )


def contains(page: Page, selector: str, text: str) -> None:
    page.wait_until(
        "(s, t) => { const e = document.querySelector(s);"
        " return e !== null && e.textContent.includes(t); }",
        LONG_S,
        selector,
        text,
    )


def test_lesson_1_in_firefox_by_clicking_and_typing(firefox: Bidi, trainer: Trainer) -> None:
    page = Page(firefox, trainer.url)
    page.goto("/")
    contains(page, "h1", "synk – övning")
    assert page.attribute("html", "lang") == "sv"
    page.goto(f"/?trainee={TRAINEE}")
    page.wait_until("() => document.querySelectorAll('tr.me').length === 1")
    page.click("[data-action=lesson][data-lesson='1']")
    step_now(page, "insert")
    key = trainer.site.key_of(TRAINEE).key_id
    # Firefox's BiDi input does not start an HTML5 drag (a pointer pressed on the key and
    # let go on the slot is no drop there), so the key goes in the page's other way,
    # the one for the keyboard and touch too: click the key to pick it up, click the slot.
    page.click(f".keychip[data-key='{key}']")
    page.wait_until("() => document.body.classList.contains('holding')")
    page.click("#slot")
    contains(page, "#slot .keyid", f"🔑 {key}")
    step_now(page, "code")
    screen_says(page, "Ange")
    the_canvas_shows_the_drivers_framebuffer(page, trainer)
    code = trainer.site.demo.staff[TRAINEE].code
    page.click(f".keypad button[data-button='{code[0]}']")  # one click, the rest typed
    page.type(code[1:])
    step_now(page, "pull")
    screen_says(page, "giltig till")
    page.click("#slot [data-action=pull]")
    step_now(page, "door")
    page.click("li.door [data-action=open]")
    page.wait_until("() => document.querySelector('li.door').classList.contains('green')", LONG_S)
    contains(page, "li.door .outcome", "öppnat")
    page.element(".lesson-done", LONG_S)
    page.screenshot(ARTIFACTS / "firefox_lesson1_done.png")
    saved = json.loads((trainer.site.work_dir / PROGRESS_DIR / PROGRESS_FILE).read_text())
    assert saved[str(TRAINEE)]["lessons"]["1"] == {"step": 4, "done": True}


def the_canvas_shows_the_drivers_framebuffer(page: Page, trainer: Trainer) -> None:
    hardware = trainer.site.stations[STATION].hardware
    with trainer.site.lock:
        version = hardware.oled_panel.version
        driver = bytes(hardware.oled.buffer)
    page.wait_until(
        "(v) => document.getElementById('screen').dataset.version === v", LONG_S, str(version)
    )
    lit = page.call(
        """() => {
          const d = document.getElementById('screen').getContext('2d')
            .getImageData(0, 0, 128, 64).data;
          const out = [];
          for (let i = 0; i < d.length; i += 4) out.push(d[i] > 0x50 ? 1 : 0);
          return out;
        }"""
    )
    expected = [(driver[(y // 8) * 128 + x] >> (y % 8)) & 1 for y in range(64) for x in range(128)]
    assert sum(expected) > 100  # the screen says something
    assert lit == expected
