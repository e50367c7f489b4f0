"""Debian's Firefox ESR for the browser tests, driven over WebDriver BiDi.

``FIREFOX`` is ``/usr/bin/firefox-esr`` (``inv system-deps`` installs it) or
``$SYNK_FIREFOX``; nothing is downloaded: Playwright's own Firefox build is
not used, and no geckodriver either — Firefox speaks WebDriver BiDi itself
(``--remote-debugging-port``), and :class:`Bidi` is a small client for the
commands the tests need over the ``websockets`` library's sync client
(https://w3c.github.io/webdriver-bidi/). ``launched(artifacts)`` is the one
way a test module gets Firefox (a missing Firefox is a failure, not a skip):
headless, a fresh profile in a temporary folder whose ``user.js`` stops its
calls to the internet (this machine's closed network refuses them), Swedish
as the page's language, a 1280×800 viewport. :class:`Page` is what a test
uses: go to a URL, click and type with real pointer and key input, wait for
a condition in the page, read texts and attributes, save a screenshot.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

FIREFOX = os.environ.get("SYNK_FIREFOX", "/usr/bin/firefox-esr")
START_S = 60.0
COMMAND_S = 30.0
VIEWPORT = {"width": 1280, "height": 800}
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")

# The profile's preferences: no updates, telemetry, captive-portal or region look-ups,
# no remote settings, no first-run pages; the pages asked for in Swedish.
PREFS: dict[str, object] = {
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.search.update": False,
    "captivedetect.canonicalURL": "",
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "services.settings.server": "",
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.archive.enabled": False,
    "intl.accept_languages": "sv-SE, sv",
    "intl.locale.requested": "sv-SE",
}


class BidiError(AssertionError):
    """A command Firefox answered with an error, or a script that threw."""


class Bidi:
    """One WebDriver BiDi session: send a command, wait for its answer (events are skipped)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.command("session.new", {"capabilities": {}})

    def command(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            answer = json.loads(self.ws.recv(timeout=COMMAND_S))
            if answer.get("id") != ident:
                continue  # an event, or the answer to nothing we wait for
            if answer.get("type") == "error":
                raise BidiError(f"{method}: {answer.get('error')}: {answer.get('message')}")
            result: dict[str, Any] = answer["result"]
            return result

    def close(self) -> None:
        self.command("session.end", {})


def _value(remote: dict[str, Any]) -> Any:
    """A script result as Python: primitives, lists and objects; a node stays a reference."""
    kind = remote["type"]
    if kind in ("undefined", "null"):
        return None
    if kind == "node":
        return {"sharedId": remote["sharedId"]}
    if kind == "array":
        return [_value(item) for item in remote.get("value", [])]
    if kind == "object":
        return {key: _value(item) for key, item in remote.get("value", [])}
    return remote.get("value")


class Page:
    """The first tab of the session, used as a person would: pointer, keys, eyes."""

    def __init__(self, bidi: Bidi, base_url: str = "") -> None:
        self.bidi = bidi
        self.base_url = base_url
        tree = bidi.command("browsingContext.getTree", {})
        self.context: str = tree["contexts"][0]["context"]
        bidi.command("browsingContext.setViewport", {"context": self.context, "viewport": VIEWPORT})

    def goto(self, path: str) -> None:
        self.bidi.command(
            "browsingContext.navigate",
            {"context": self.context, "url": self.base_url + path, "wait": "complete"},
        )

    def call(self, function: str, *arguments: object) -> Any:
        """Call a JavaScript function in the page; an element from ``element`` is an argument."""
        args = [a if isinstance(a, dict) and "sharedId" in a else _local(a) for a in arguments]
        answer = self.bidi.command(
            "script.callFunction",
            {
                "functionDeclaration": function,
                "target": {"context": self.context},
                "arguments": args,
                "awaitPromise": True,
                "resultOwnership": "none",
            },
        )
        if answer["type"] == "exception":
            raise BidiError(answer["exceptionDetails"]["text"])
        return _value(answer["result"])

    def evaluate(self, expression: str) -> Any:
        answer = self.bidi.command(
            "script.evaluate",
            {"expression": expression, "target": {"context": self.context}, "awaitPromise": True},
        )
        if answer["type"] == "exception":
            raise BidiError(answer["exceptionDetails"]["text"])
        return _value(answer["result"])

    def element(self, selector: str, timeout: float = COMMAND_S) -> dict[str, str]:
        """The first element matching ``selector``, scrolled into view, once it is shown."""
        self.wait_until(
            "(s) => { const e = document.querySelector(s);"
            " return e !== null && e.getClientRects().length > 0; }",
            timeout,
            selector,
        )
        node: dict[str, str] = self.call(
            "(s) => { const e = document.querySelector(s);"
            " e.scrollIntoView({block: 'center'}); return e; }",
            selector,
        )
        return node

    def wait_until(self, function: str, timeout: float = COMMAND_S, *arguments: object) -> None:
        """Wait until the JavaScript ``function(*arguments)`` is true in the page."""
        deadline = time.monotonic() + timeout
        while not self.call(function, *arguments):
            if time.monotonic() > deadline:
                raise AssertionError(f"not true within {timeout} s: {function} {arguments}")
            time.sleep(0.1)

    def pointer(self, *actions: dict[str, Any]) -> None:
        self.bidi.command(
            "input.performActions",
            {
                "context": self.context,
                "actions": [
                    {
                        "type": "pointer",
                        "id": "mouse",
                        "parameters": {"pointerType": "mouse"},
                        "actions": list(actions),
                    }
                ],
            },
        )

    @staticmethod
    def move_to(node: dict[str, str], duration_ms: int = 0) -> dict[str, Any]:
        origin = {"type": "element", "element": node}
        return {"type": "pointerMove", "x": 0, "y": 0, "origin": origin, "duration": duration_ms}

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        node = self.element(selector)
        self.pointer(
            self.move_to(node),
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0},
        )

    def type(self, text: str, delay_ms: int = 180) -> None:
        """Key presses, one per character, ``delay_ms`` apart, to the focused element."""
        actions: list[dict[str, Any]] = []
        for char in text:
            actions += [
                {"type": "keyDown", "value": char},
                {"type": "keyUp", "value": char},
                {"type": "pause", "duration": delay_ms},
            ]
        self.bidi.command(
            "input.performActions",
            {
                "context": self.context,
                "actions": [{"type": "key", "id": "keys", "actions": actions}],
            },
        )

    def text(self, selector: str) -> str:
        return str(self.call("(s) => document.querySelector(s).textContent", selector))

    def attribute(self, selector: str, name: str) -> str | None:
        value = self.call("(s, n) => document.querySelector(s).getAttribute(n)", selector, name)
        return None if value is None else str(value)

    def screenshot(self, path: Path) -> None:
        """The whole page, not only the viewport, as a PNG."""
        answer = self.bidi.command(
            "browsingContext.captureScreenshot", {"context": self.context, "origin": "document"}
        )
        path.write_bytes(base64.b64decode(answer["data"]))


def _local(value: object) -> dict[str, Any]:
    """A Python primitive as a BiDi LocalValue."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean", "value": value}
    if isinstance(value, int | float):
        return {"type": "number", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    raise TypeError(f"no BiDi value for {value!r}")


@contextmanager
def launched(artifacts: Path) -> Iterator[Bidi]:
    """Firefox with a fresh profile, a BiDi session on it, the screenshots' folder made."""
    if not Path(FIREFOX).exists():
        pytest.fail(
            f"Firefox is missing at {FIREFOX}: run 'inv system-deps'"
            " (or 'apt-get install -y firefox-esr'), or set SYNK_FIREFOX"
        )
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="synk-firefox-") as folder:
        profile = Path(folder) / "profile"
        profile.mkdir()
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items())
        )
        log = Path(folder) / "stderr.log"
        with log.open("wb") as err:
            process = subprocess.Popen(
                [
                    FIREFOX,
                    "--headless",
                    "--no-remote",
                    "--remote-debugging-port",
                    "0",
                    "--profile",
                    str(profile),
                    "about:blank",
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
                env={
                    **os.environ,
                    "MOZ_CRASHREPORTER_DISABLE": "1",
                    "TZ": "Europe/Stockholm",
                },  # as Chromium's tests
            )
        try:
            with connect(_listening(process, log) + "/session", max_size=None) as ws:
                bidi = Bidi(ws)
                try:
                    yield bidi
                finally:
                    bidi.close()
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _listening(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"Firefox did not start its WebDriver BiDi server:\n{log.read_text()[-2000:]}")
