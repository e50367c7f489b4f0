"""Benchmarks of issue 12 (the training page), in headless Chromium on a demo site at speed 1.

``trainer_keypress_to_display_ms``: from a click on the page's keypad to the
new framebuffer drawn on the page's canvas, p50 of 50 clicks. A staff key is
in the station's slot and the station asks for the code; the clicks are
digits (the screen shows one more "*" each) and, after five, "*" (the screen
asks for the code again), so no code is ever complete; each click comes after
the last press was let go, as a person's do. The time covers the
press on the emulated keypad matrix (held 150 ms, as a person's), the
firmware's debouncing and drawing, the SSD1306 driver's I2C write, the page
server's look (every 20 ms) and the server-sent event to the canvas.

``trainer_page_load_ms``: first paint of the trainer page (the browser's
``first-paint``), median of 10 loads in fresh tabs; goal <= 500 ms.

Chromium is Debian's (``/usr/bin/chromium`` or ``$SYNK_CHROMIUM``), launched
with the web pages' tests' flags; no browser is downloaded.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from emulator.site import EmulatedSite
from emulator.trainer import KEY_GAP_MS, KEY_HOLD_MS
from emulator.web.server import TrainerWeb
from tests.host.web.test_browser import ARGS, CHROMIUM

START = 1_795_000_000
CLICKS = 50
LOADS = 10
PAUSE_S = (KEY_HOLD_MS + KEY_GAP_MS) / 1000 + 0.05
STAFF_ID = 2
STATION = 101
CLICK_TO_FRAME = """async (button) => {
  const canvas = document.getElementById('screen');
  const before = canvas.dataset.version;
  const changed = new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (canvas.dataset.version !== before) { seen.disconnect(); resolve(performance.now()); }
    });
    seen.observe(canvas, { attributes: true, attributeFilter: ['data-version'] });
  });
  const start = performance.now();
  document.querySelector(`.keypad button[data-button="${button}"]`).click();
  return (await changed) - start;
}"""
FIRST_PAINT = """() => new Promise((resolve) => {
  const look = () => {
    const paint = performance.getEntriesByName('first-paint')[0];
    if (paint) resolve(paint.startTime); else setTimeout(look, 10);
  };
  look();
})"""


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        site = EmulatedSite(Path(tmp) / "site", start=START, history_days=3, speed=1.0)
        site.start()
        web = TrainerWeb(site)
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not site.stations[STATION].station.cache.loaded:
                time.sleep(0.05)
            url = web.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    loads = []
                    for _ in range(LOADS):
                        page = browser.new_page(viewport={"width": 1280, "height": 800})
                        page.goto(f"{url}?trainee={STAFF_ID}")
                        loads.append(float(page.evaluate(FIRST_PAINT)))
                        page.close()
                    page = browser.new_page(viewport={"width": 1280, "height": 800})
                    page.goto(f"{url}?trainee={STAFF_ID}")
                    site.insert_key(STATION, site.key_of(STAFF_ID))
                    expect(page.locator("#screen")).to_have_attribute(
                        "aria-label", re.compile(".*Ange.*"), timeout=30_000
                    )
                    delays = []
                    for click in range(CLICKS):
                        # each press after the last one is let go (a press is held 150 ms, then
                        # 100 ms pass before the next): the time of one press, not of a queue
                        time.sleep(PAUSE_S)
                        button = "*" if click % 6 == 5 else str(click % 10)
                        delays.append(float(page.evaluate(CLICK_TO_FRAME, button)))
                finally:
                    browser.close()
        finally:
            web.stop()
            site.stop()
    return {
        "trainer_keypress_to_display_ms": round(statistics.median(delays), 1),
        "trainer_page_load_ms": round(statistics.median(loads), 1),
    }


if __name__ == "__main__":
    print(run())
