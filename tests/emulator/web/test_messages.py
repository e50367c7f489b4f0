"""The training page's words: every one it uses is in emulator/messages.py, none left over."""

from __future__ import annotations

import re
from pathlib import Path

from emulator import emulate, messages
from emulator.web import lessons, server, shows, world
from emulator.web.lessons import LESSONS

WEB = Path(server.__file__).resolve().parent
SOURCES = [
    *(Path(str(m.__file__)) for m in (server, world, lessons, shows, emulate)),
    *sorted((WEB / "templates").glob("*.html")),
]
USED = re.compile(r"""["']((?:web|lesson|emulate)\.[\w.]+)["']""")
# keys the templates build from data: "web.where." ~ place, "web.unit." ~ unit
BUILT = ("web.where.", "web.unit.")


def _texts() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)


def test_every_key_the_page_names_exists() -> None:
    for key in USED.findall(_texts()):
        if key.endswith("."):
            continue
        assert key in messages.CATALOGUE, key


def test_every_lesson_step_says_what_to_do_and_why_in_both_languages() -> None:
    for lesson in LESSONS:
        assert f"lesson.{lesson.lesson_id}.title" in messages.CATALOGUE
        for step in lesson.steps:
            for key in (
                f"lesson.{lesson.lesson_id}.{step.name}",
                f"lesson.{lesson.lesson_id}.{step.name}.why",
            ):
                sv, en = messages.CATALOGUE[key]
                assert sv and en and sv != en, key


def test_no_key_of_the_page_is_left_over() -> None:
    texts = _texts()
    steps = {
        f"lesson.{lesson.lesson_id}.{name}"
        for lesson in LESSONS
        for step in lesson.steps
        for name in (step.name, f"{step.name}.why")
    } | {f"lesson.{lesson.lesson_id}.title" for lesson in LESSONS}
    for key in messages.CATALOGUE:
        if key.startswith("lesson."):
            assert key in steps, key
        elif key.startswith("web."):
            named = re.search(f"[\"']{re.escape(key)}[\"']", texts)
            assert named or key.startswith(BUILT), key
