"""Debian's Chromium for the browser tests and benchmarks, driven by Playwright.

``CHROMIUM`` is ``/usr/bin/chromium`` (``inv system-deps`` installs it) or
``$SYNK_CHROMIUM``; no browser is ever downloaded. ``ARGS`` are the flags it
needs here: headless, as root, and without its calls to the internet (which
this machine's closed network refuses). ``launched(artifacts)`` is the one
way a test module gets a browser (a missing Chromium is a failure, not a skip):
use it in a module-scoped fixture, never a session one — a running
Playwright holds an asyncio loop that other tests of the same worker then
trip over.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = os.environ.get("SYNK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=sv-SE",  # date fields as a Swedish user sees them
]


@contextmanager
def launched(artifacts: Path) -> Iterator[Browser]:
    """Chromium, with the folder for the screenshots made."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run 'inv system-deps'"
            " (or 'apt-get install -y chromium'), or set SYNK_CHROMIUM"
        )
    artifacts.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
