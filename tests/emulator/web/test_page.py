"""The training page in headless Chromium, used as a trainee would: clicks, drags, typing.

Each test has a site of its own with its clock running at real speed. The
lessons are done through the page only; what they check is read from the
page (and, for the framebuffer, compared with the display driver's bytes).
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from emulator.scenarios import SCENARIOS
from emulator.web.lessons import PROGRESS_DIR, PROGRESS_FILE
from tests.emulator.test_trainer import copy_site

from .conftest import ARTIFACTS, Trainer, close_trainer, open_trainer

TRAINEE = 2  # Lars Sandberg of Hemtjänst Nord, key 50002 (his first key is active)
STATION = 101
LONG_MS = 30_000


def new_page(browser: Browser, trainer: Trainer, path: str = "") -> Page:
    context = browser.new_context(
        base_url=trainer.url,
        viewport={"width": 1280, "height": 800},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
    )
    page = context.new_page()
    page.goto(path or "/")
    return page


def pick_trainee(page: Page, staff_id: int) -> None:
    page.select_option("#trainee-select", str(staff_id))  # the page reloads for the trainee
    page.wait_for_url(f"**trainee={staff_id}**")
    expect(page.locator("tr.me")).to_have_count(1)


def step_now(page: Page, step: str) -> None:
    expect(page.locator(f"ol.steps li.now[data-step='{step}']")).to_have_count(1, timeout=LONG_MS)


def screen_says(page: Page, text: str) -> None:
    expect(page.locator("#screen")).to_have_attribute(
        "aria-label", _contains(text), timeout=LONG_MS
    )


def _contains(text: str) -> object:
    import re

    return re.compile(".*" + re.escape(text) + ".*")


def code_of(trainer: Trainer, staff_id: int) -> str:
    return trainer.site.demo.staff[staff_id].code


def key_of(trainer: Trainer, staff_id: int) -> int:
    return trainer.site.key_of(staff_id).key_id


def test_lesson_1_start_of_shift_by_dragging_and_typing(browser: Browser, trainer: Trainer) -> None:
    page = new_page(browser, trainer)
    expect(page.locator("h1")).to_contain_text("synk – övning")
    pick_trainee(page, TRAINEE)
    page.click("[data-action=lesson][data-lesson='1']")
    step_now(page, "insert")
    key = key_of(trainer, TRAINEE)
    page.drag_and_drop(f".keychip[data-key='{key}']", "#slot")  # the key onto the slot
    expect(page.locator("#slot .keyid")).to_have_text(f"🔑 {key}")
    step_now(page, "code")
    screen_says(page, "Ange")  # "Hej Lars! Ange din kod"
    code = code_of(trainer, TRAINEE)
    page.click(f".keypad button[data-button='{code[0]}']")  # one click, the rest typed
    page.keyboard.type(code[1:], delay=180)
    step_now(page, "pull")
    screen_says(page, "giltig till")
    page.click("#slot [data-action=pull]")
    step_now(page, "door")
    door = page.locator("li.door").first
    door.locator("[data-action=open]").click()
    expect(door).to_have_class(_contains("green"), timeout=LONG_MS)
    expect(door.locator(".outcome")).to_contain_text("öppnat")
    expect(page.locator(".lesson-done")).to_be_visible(timeout=LONG_MS)
    page.screenshot(path=str(ARTIFACTS / "lesson1_done.png"), full_page=True)
    saved = json.loads((trainer.site.work_dir / PROGRESS_DIR / PROGRESS_FILE).read_text())
    assert saved[str(TRAINEE)]["lessons"]["1"] == {"step": 4, "done": True}


def test_lesson_3_five_wrong_codes_show_the_lockout(browser: Browser, trainer: Trainer) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    page.click("[data-action=lesson][data-lesson='3']")
    step_now(page, "insert")
    key = key_of(trainer, TRAINEE)
    page.click(f".keychip[data-key='{key}']")  # pick the key up ...
    page.click("#slot")  # ... and put it in
    step_now(page, "wrong")
    screen_says(page, "Ange")
    wrong = "000000" if code_of(trainer, TRAINEE) != "000000" else "111111"
    for attempt in range(5):
        for digit in wrong:
            page.click(f".keypad button[data-button='{digit}']")
            page.wait_for_timeout(120)
        if attempt == 0:
            step_now(page, "lockout")
        if attempt < 4:
            expect(page.locator("tr.me .state.failures")).to_contain_text(
                f"Felaktiga koder: {attempt + 1}", timeout=LONG_MS
            )
    step_now(page, "pull")
    me = page.locator("tr.me")
    expect(me.locator(".state.lockout")).to_contain_text(
        "För många felaktiga koder. Försök igen kl", timeout=LONG_MS
    )
    expect(page.locator("#frag-hint")).to_contain_text("ta ut nyckeln och försök igen efter")
    page.screenshot(path=str(ARTIFACTS / "lesson3_lockout.png"), full_page=True)
    page.click("#slot [data-action=pull]")
    step_now(page, "wait")
    page.click("[data-action=forward][data-amount='1'][data-unit='h']")
    step_now(page, "sync")
    expect(me.locator(".state.lockout")).to_have_count(0)
    page.click(f"tr.me [data-action=insert][data-key='{key}']")  # the button, for the keyboard
    screen_says(page, "Ange")
    page.keyboard.type(code_of(trainer, TRAINEE), delay=180)
    expect(page.locator(".lesson-done")).to_be_visible(timeout=LONG_MS)
    page.screenshot(path=str(ARTIFACTS / "lesson3_done.png"), full_page=True)


def test_framebuffer_picture_equals_the_drivers_bytes(browser: Browser, trainer: Trainer) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    hardware = trainer.site.stations[STATION].hardware
    page.click(f"tr.me [data-action=insert][data-key='{key_of(trainer, TRAINEE)}']")
    screen_says(page, "Ange")  # a screen with more on it than the idle one
    with trainer.site.lock:
        version = hardware.oled_panel.version
        driver = bytes(hardware.oled.buffer)
    expect(page.locator("#screen")).to_have_attribute("data-version", str(version))
    lit = page.evaluate(
        """() => {
          const c = document.getElementById('screen');
          const d = c.getContext('2d').getImageData(0, 0, 128, 64).data;
          const out = [];
          for (let i = 0; i < d.length; i += 4) out.push(d[i] > 0x50 ? 1 : 0);
          return out;
        }"""
    )
    expected = [(driver[(y // 8) * 128 + x] >> (y % 8)) & 1 for y in range(64) for x in range(128)]
    assert sum(expected) > 100  # the screen says something
    assert lit == expected


def test_two_tabs_see_the_same_site_and_a_closed_tab_loses_nothing(
    browser: Browser, trainer: Trainer
) -> None:
    first = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    second = new_page(browser, trainer, f"/?station={STATION}")
    first.click("[data-action=lesson][data-lesson='1']")
    key = key_of(trainer, TRAINEE)
    first.click(f"tr.me [data-action=insert][data-key='{key}']")
    expect(second.locator("#slot .keyid")).to_have_text(f"🔑 {key}", timeout=LONG_MS)
    second.click("[data-action=network][data-online='']")  # the other tab unplugs the network
    expect(first.locator(".net.off")).to_be_visible(timeout=LONG_MS)
    step_now(first, "code")
    first.context.close()  # the trainee's tab closes in the middle of the lesson
    expect(second.locator("#slot .keyid")).to_have_text(f"🔑 {key}")
    again = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    step_now(again, "code")  # the lesson goes on where it was
    expect(again.locator(".net.off")).to_be_visible()
    expect(again.locator("#slot .keyid")).to_have_text(f"🔑 {key}")


def test_lesson_5_past_8_days_offline_the_station_refuses(
    browser: Browser, trainer: Trainer
) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    page.click("[data-action=lesson][data-lesson='5']")
    step_now(page, "offline")
    page.click("[data-action=network][data-online='']")
    expect(page.locator(".net.off")).to_be_visible(timeout=LONG_MS)
    step_now(page, "forward")
    expect(page.locator(".margin")).to_contain_text("utan uppkoppling i 7 dygn")
    expect(page.locator("#frag-hint")).to_contain_text("utan nät men synkar nycklar 7 dygn")
    page.click("[data-action=forward][data-amount='8'][data-unit='d']")
    page.click("[data-action=forward][data-amount='1'][data-unit='d']")
    expect(page.locator(".margin")).to_contain_text("för länge", timeout=LONG_MS)
    step_now(page, "refused")
    expect(page.locator("#frag-hint")).to_contain_text("koppla in den igen")
    key = key_of(trainer, TRAINEE)
    page.drag_and_drop(f".keychip[data-key='{key}']", "#slot")
    step_now(page, "online")
    with trainer.site.lock:
        refused = trainer.site.stations[STATION].station.last_result
    assert refused.outcome == "cache_expired" and refused.key_id == key
    page.screenshot(path=str(ARTIFACTS / "lesson5_refused.png"), full_page=True)
    page.click("#slot [data-action=pull]")
    page.click("[data-action=network][data-online='1']")
    step_now(page, "sync")
    expect(page.locator(".margin")).to_contain_text("utan uppkoppling i", timeout=LONG_MS)
    page.click(f"tr.me [data-action=insert][data-key='{key}']")
    screen_says(page, "Ange")
    page.keyboard.type(code_of(trainer, TRAINEE), delay=180)
    expect(page.locator(".lesson-done")).to_be_visible(timeout=LONG_MS)
    page.screenshot(path=str(ARTIFACTS / "lesson5_done.png"), full_page=True)


def test_lesson_6_end_of_shift_the_audit_trail_is_uploaded(
    browser: Browser, trainer: Trainer
) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    page.click("[data-action=lesson][data-lesson='6']")
    key = key_of(trainer, TRAINEE)
    expect(page.locator("#frag-hint")).to_contain_text("Synka nyckeln")
    page.drag_and_drop(f".keychip[data-key='{key}']", "#slot")
    step_now(page, "code")
    screen_says(page, "Ange")
    expect(page.locator("#frag-hint")).to_contain_text("väntar på din kod")
    page.keyboard.type(code_of(trainer, TRAINEE), delay=180)
    step_now(page, "pull")
    expect(page.locator(".queue")).to_contain_text("kö: 0")
    # The end of the shift said in words: the trail is in the back office, the key can go back.
    expect(page.locator("#frag-hint")).to_contain_text("kontoret har fått allt", timeout=LONG_MS)
    expect(page.locator("#frag-hint")).to_contain_text("nyckelskåpet")
    page.click("#slot [data-action=pull]")
    expect(page.locator(".lesson-done")).to_be_visible(timeout=LONG_MS)
    page.screenshot(path=str(ARTIFACTS / "lesson6_done.png"), full_page=True)


def test_a_lesson_restarts_from_its_first_step(browser: Browser, trainer: Trainer) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    page.click("[data-action=lesson][data-lesson='1']")
    page.click(f"tr.me [data-action=insert][data-key='{key_of(trainer, TRAINEE)}']")
    step_now(page, "code")
    page.click("#slot [data-action=pull]")
    expect(page.locator("#slot .inside")).to_be_hidden()
    page.click(".lesson [data-action=lesson][data-lesson='1']")  # "Börja om"
    step_now(page, "insert")
    page.click(".lesson [data-action=lesson_stop]")
    expect(page.locator(".lesson-list")).to_contain_text("steg 1 av 4")
    page.click(f"tr.me [data-action=insert][data-key='{key_of(trainer, TRAINEE)}']")
    page.click(".lesson-list [data-action=lesson][data-lesson='1']")  # with the key already in
    step_now(page, "code")


def test_lesson_4_a_lost_key_and_the_blocklist_travelling_to_a_lock(
    browser: Browser, trainer: Trainer
) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    page.click("[data-action=lesson][data-lesson='4']")
    step_now(page, "look")
    page.click(".lesson [data-action=confirm]")
    step_now(page, "report")
    page.click("[data-action=lose]")
    expect(page.locator("tr.me .state.lost")).to_be_visible(timeout=LONG_MS)
    step_now(page, "station")
    page.click("[data-action=forward][data-amount='1'][data-unit='h']")
    step_now(page, "colleague")
    colleague = 3  # Oskar Hussein, the same unit
    key = key_of(trainer, colleague)
    page.drag_and_drop(f".keychip[data-key='{key}']", "#slot")
    screen_says(page, "Ange")
    page.keyboard.type(code_of(trainer, colleague), delay=180)
    step_now(page, "lock")
    page.click("#slot [data-action=pull]")
    page.click(f".keychip[data-key='{key}']")  # the colleague's key in hand ...
    door = page.locator("li.door").first
    door.locator("[data-action=open]").click()  # ... to the door
    expect(door).to_have_class(_contains("green"), timeout=LONG_MS)
    expect(page.locator(".lesson-done")).to_be_visible(timeout=LONG_MS)
    page.screenshot(path=str(ARTIFACTS / "lesson4_done.png"), full_page=True)
    site = trainer.site
    current = site.office.current_blocklist(site.admin)
    assert site.key_of(TRAINEE).key_id in current["key_ids"]
    with site.lock:
        lock_id = next(iter(site.last_open))
        assert site.locks[lock_id].blocklist_version == current["version"]


def sync_by_page(page: Page, trainer: Trainer, staff_id: int) -> None:
    """Drag the key onto the slot, type the code, wait for "giltig till", pull the key out."""
    key = key_of(trainer, staff_id)
    page.drag_and_drop(f".keychip[data-key='{key}']", "#slot")
    screen_says(page, "Ange")
    page.keyboard.type(code_of(trainer, staff_id), delay=180)
    screen_says(page, "giltig till")


def test_lesson_2_a_visit_the_opening_reaches_the_back_offices_log(
    browser: Browser, trainer: Trainer
) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    page.click("[data-action=lesson][data-lesson='2']")
    sync_by_page(page, trainer, TRAINEE)
    step_now(page, "pull")
    page.click("#slot [data-action=pull]")
    step_now(page, "open")
    door = page.locator("li.door").first
    lock_id = door.get_attribute("data-lock")
    door.locator("[data-action=open]").click()
    expect(door).to_have_class(_contains("green"), timeout=LONG_MS)
    step_now(page, "lock")
    assert trainer.site.locks[int(str(lock_id))].is_open
    door.locator("[data-action=relock]").click()
    step_now(page, "handover")
    expect(door.locator("[data-action=relock]")).to_have_count(0)
    assert not trainer.site.locks[int(str(lock_id))].is_open
    sync_by_page(page, trainer, TRAINEE)
    expect(page.locator(".lesson-done")).to_be_visible(timeout=LONG_MS)
    mine = page.locator("table.activity tr.mine")
    expect(mine.first).to_contain_text(str(lock_id))
    expect(mine.first).to_contain_text("öppnat")
    page.screenshot(path=str(ARTIFACTS / "lesson2_done.png"), full_page=True)


def test_a_new_lock_installed_on_the_page_is_a_door_to_walk_to(
    browser: Browser, trainer: Trainer
) -> None:
    page = new_page(browser, trainer, f"/?trainee={TRAINEE}")
    doors = page.locator("li.door")
    before = doors.count()
    customer = page.locator("form.install select[name=customer] option").first.get_attribute(
        "value"
    )
    page.select_option("form.install select[name=kind]", "key_box")
    page.click("form.install button[type=submit]")
    expect(doors).to_have_count(before + 1, timeout=LONG_MS)
    expect(page.locator("ul.log")).to_contain_text(str(customer))
    new = page.locator("li.door", has_text=f"Nyckelbox {customer}")
    expect(new).to_have_count(1)


def test_the_keyboard_alone_puts_the_key_in_and_types_the_code_on_a_tablet(
    browser: Browser, trainer: Trainer
) -> None:
    context = browser.new_context(
        base_url=trainer.url, viewport={"width": 800, "height": 1280}, has_touch=True
    )
    page = context.new_page()
    page.goto(f"/?trainee={TRAINEE}")
    screen = page.locator("#screen").bounding_box()
    assert screen is not None and screen["x"] + screen["width"] <= 800  # nothing off the side
    key = key_of(trainer, TRAINEE)
    page.focus(f".keychip[data-key='{key}']")
    page.keyboard.press("Enter")  # pick the key up
    expect(page.locator(f".keychip[data-key='{key}']")).to_have_class(_contains("in-hand"))
    page.focus("#slot")
    page.keyboard.press("Enter")  # and put it in
    screen_says(page, "Ange")
    page.keyboard.type(code_of(trainer, TRAINEE), delay=180)
    screen_says(page, "giltig till")
    page.screenshot(path=str(ARTIFACTS / "tablet_synced.png"), full_page=True)
    context.close()


def test_a_scenario_is_shown_step_by_step_with_the_stations_screen(
    browser: Browser, trainer: Trainer
) -> None:
    page = new_page(browser, trainer, "/")
    page.click("a.to-scenarios")
    expect(page.locator("ul.scenario-list li")).to_have_count(len(SCENARIOS))
    page.locator("ul.scenario-list li", has_text="Fel kod fem gånger").locator("a").click()
    verdict = page.locator(".verdict")
    expect(verdict).to_have_class(_contains("passed"), timeout=120_000)
    steps = page.locator("li.show-step")
    assert steps.count() > 2
    expect(steps.nth(1)).to_be_hidden()  # one step at a time
    page.click("#next")
    expect(steps.nth(1)).to_be_visible()
    lit = page.evaluate(
        """() => {
          const c = document.querySelectorAll('li.show-step canvas.fb')[1];
          const d = c.getContext('2d').getImageData(0, 0, 128, 64).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) n += d[i] > 0x50 ? 1 : 0;
          return n;
        }"""
    )
    assert lit > 50  # the station's screen as it was at that step
    expect(page.locator("ul.checks li.failed")).to_have_count(0)
    page.click("#all")
    page.screenshot(path=str(ARTIFACTS / "scenario_wrong_code.png"), full_page=True)


def test_swedish_only_shows_no_english_on_the_page_nor_the_station(
    browser: Browser, template: Path, tmp_path: Path
) -> None:
    """Issue 16.9: --language sv: English is a setting, not on every line."""
    work = tmp_path / "site"
    copy_site(template, work)
    swedish = open_trainer(work, language="sv")
    try:
        page = new_page(browser, swedish, f"/?trainee={TRAINEE}")
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.locator("#frag-hint")).to_contain_text("Synka nyckeln")
        expect(page.locator("[lang=en]")).to_have_count(0)
        assert "Insert" not in " ".join(swedish.site.stations[STATION].hardware.board.display.lines)
        assert "Sätt i nyckeln" in swedish.site.stations[STATION].hardware.board.display.lines
        page.click("[data-action=lesson][data-lesson='1']")
        expect(page.locator("[lang=en]")).to_have_count(0)
    finally:
        close_trainer(swedish)
