"""host.diag.messages: one catalogue, Swedish first, every key used and every used key there."""

from __future__ import annotations

import re
import string
from pathlib import Path

from host.diag import messages
from host.diag.messages import CATALOGUE, text, words
from protocol.constants import SelfTestCheck, Status, TokenRefusal

SOURCES = sorted(p for p in Path(messages.__file__).parent.glob("*.py") if p.name != "messages.py")
KEY = re.compile(r'"((?:[a-z_]+)\.[a-z_0-9.]+)"')
PREFIXES = {key.split(".")[0] for key in CATALOGUE}
# Keys made at run time from a number (status code, refusal reason, check, slot state).
DYNAMIC = ("status.", "token.refused_reason.", "check.", "word.slot_")


def _literals() -> set[str]:
    found = set()
    for path in SOURCES:
        for key in KEY.findall(path.read_text(encoding="utf-8")):
            if key.split(".")[0] in PREFIXES:
                found.add(key)
    return found


def test_every_key_in_the_code_is_in_the_catalogue() -> None:
    missing = {key for key in _literals() if key not in CATALOGUE}
    assert not missing


def test_every_catalogue_key_is_used() -> None:
    literals = _literals()
    unused = {key for key in CATALOGUE if key not in literals and not key.startswith(DYNAMIC)} - {
        "word.empty"
    }
    assert not unused


def test_numbered_entries_cover_the_spec() -> None:
    for status in Status:
        if status != Status.OK:
            assert f"status.{status.value}" in CATALOGUE
    for reason in TokenRefusal:
        assert f"token.refused_reason.{reason.value}" in CATALOGUE
    for check in SelfTestCheck:
        assert f"check.{check.value}" in CATALOGUE


def test_both_halves_take_the_same_values() -> None:
    for key, (swedish, english) in CATALOGUE.items():
        names = [
            {f[1] for f in string.Formatter().parse(half) if f[1]} for half in (swedish, english)
        ]
        assert names[0] == names[1], key
        assert (swedish and english) or key == "word.empty", key


def test_text_is_swedish_then_english_and_nests_by_language() -> None:
    assert text("word.yes") == "ja / yes"
    assert text("label.port") == "port"  # alike in both: said once
    assert text("word.active", state=words("word.slot_1")) == "giltig, aktiv / valid, active"
