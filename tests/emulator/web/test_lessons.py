"""The lessons' checks and the trainees' progress, without a browser: a stopped clock, run by hand.

The world is looked at (``World.tick``) after each stretch of virtual time,
as the page server's thread does every 20 ms.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.site import EmulatedSite
from emulator.web.lessons import PROGRESS_DIR, PROGRESS_FILE, Lessons
from emulator.web.world import ActionError, World
from tests.emulator.test_trainer import HISTORY_DAYS, START, copy_site

TRAINEE = 2
STATION = 101


@pytest.fixture
def site(template: Path, tmp_path: Path) -> Iterator[EmulatedSite]:
    work = tmp_path / "site"
    copy_site(template, work)
    opened = EmulatedSite(work, start=START, history_days=HISTORY_DAYS)
    opened.run_for(2)
    yield opened
    opened.stop()


def run(site: EmulatedSite, world: World, seconds: float) -> None:
    for _ in range(int(seconds / 0.02)):
        site.run_for(0.02)
        world.tick()


def test_lesson_3_moves_on_with_what_the_trainee_does_and_survives_a_restart(
    site: EmulatedSite,
) -> None:
    world = World(site)
    lessons = Lessons(world)
    world.tick()
    lessons.start(TRAINEE, "3")
    key = site.key_of(TRAINEE)
    world.insert(STATION, key.key_id)
    run(site, world, 2)
    assert lessons.of(TRAINEE)["lessons"]["3"]["step"] == 1
    for _ in range(5):
        for digit in "000000":
            world.press(STATION, digit)
        run(site, world, 2)
    state = lessons.of(TRAINEE)["lessons"]["3"]
    assert state == {"step": 3, "done": False}  # wrong code seen, then the lockout
    kinds = [e.kind for e in world.events if e.key_id == key.key_id]
    assert kinds.count("wrong_code") >= 4 and "result" in kinds
    row = next(r for r in world.data["units"]["1"]["staff"] if r["staff_id"] == TRAINEE)
    assert row["locked_until"] > site.clock.now()

    again = Lessons(World(site))  # the emulator restarted: the progress is in the work folder
    assert again.of(TRAINEE)["lessons"]["3"] == {"step": 3, "done": False}
    saved = json.loads((site.work_dir / PROGRESS_DIR / PROGRESS_FILE).read_text())
    assert saved[str(TRAINEE)]["current"] == "3"


def test_an_action_the_page_cannot_do_changes_nothing(site: EmulatedSite) -> None:
    world = World(site)
    key = site.key_of(TRAINEE)
    with pytest.raises(ActionError) as err:
        world.press(STATION, "A")
    assert err.value.text[0].startswith("Ingen knapp")
    world.insert(STATION, key.key_id)
    with pytest.raises(ActionError):
        world.insert(STATION, key.key_id, nfc=True)  # the key is in the slot already
    with pytest.raises(ActionError):
        world.insert(STATION, site.key_of(3).key_id)  # the slot is taken
    with pytest.raises(ActionError):
        world.forward("61", "d")
    assert site.stations[STATION].hardware.wire.key is key


def test_the_api_takes_json_from_the_page_only(site: EmulatedSite) -> None:
    import httpx

    from emulator.web.server import TrainerWeb

    web = TrainerWeb(site)
    url = web.start()
    try:
        press = {"station": STATION, "button": "1"}
        other = httpx.post(f"{url}api/press", json=press, headers={"Origin": "http://evil.test"})
        assert other.status_code == 403
        form = httpx.post(f"{url}api/press", data={"station": str(STATION), "button": "1"})
        assert form.status_code == 415  # a plain form from another site cannot send JSON
        assert site.stations[STATION].hardware.matrix.idle  # neither pressed a key
        own = httpx.post(f"{url}api/press", json=press, headers={"Origin": url.rstrip("/")})
        assert own.status_code == 200
        assert not site.stations[STATION].hardware.matrix.idle
        assert httpx.get(f"{url}static/../server.py").status_code == 404
    finally:
        web.stop()
