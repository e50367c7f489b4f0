"""``python -m emulator.emulate``: starts the whole site, prints what to connect to, stops cleanly.

The subprocess tests reopen a demo site built here (a short history, so it
is quick). Without the console: the printed back office answers, a
technician's pyserial tool finds a station on each printed console path and
an empty reader on the reader's path, and SIGINT (Ctrl-C) stops it cleanly,
also when it was started with SIGINT ignored (a shell's background job).
With the console: commands on stdin run against the running world, and end
of input stops it cleanly.
"""

from __future__ import annotations

import io
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from emulator import emulate, messages
from emulator.demo_site import plan_demo
from emulator.site import LOCKS_FILE, EmulatedSite
from host.diag.device import probe
from host.diag.link import Link
from host.diag.ports import open_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
READY = messages.text("emulate.waiting")[1]


class Lines:
    """The process's output, read line by line in a thread (a pipe read must not block the test)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self._stream = proc.stdout
        self._lines: queue.Queue[str] = queue.Queue()
        self.text = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self._stream:
            self._lines.put(line)
        self._lines.put("")  # the end

    def until(self, marker: str, timeout_s: float) -> str:
        """Everything read up to and including the line holding ``marker``."""
        deadline = time.monotonic() + timeout_s
        while marker not in self.text:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} within {timeout_s} s:\n{self.text}"
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            assert line, f"the emulator ended early:\n{self.text}"
            self.text += line
        return self.text

    def rest(self, timeout_s: float) -> str:
        """Everything up to the end of the output."""
        deadline = time.monotonic() + timeout_s
        while True:
            line = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if not line:
                return self.text
            self.text += line


def _ask(path: str) -> str:
    """What a technician's tool finds on a printed port: "station", "key" or "reader_empty"."""
    port = open_port(path)
    try:
        device = probe(Link(port, path, timeout=2.0))
    finally:
        port.close()
    if device.kind == "station":
        assert device.status is not None
        return f"station {device.status['station_id']}"
    return device.kind


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo site built here, with a short history; the command reopens it."""
    folder = tmp_path_factory.mktemp("emulate") / "emulator"
    EmulatedSite(folder, history_days=3).stop()
    return folder


def _ignore_sigint() -> None:
    """In the child before exec: SIGINT ignored, as for a background job of a shell."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(
    work: Path,
    *options: str,
    stdin: int | None = subprocess.DEVNULL,
    sigint_ignored: bool = False,
    language: str | None = "both",  # None: the default, Swedish only
) -> subprocess.Popen[str]:
    chosen = ["--language", language] if language is not None else []
    return subprocess.Popen(
        [sys.executable, "-m", "emulator.emulate", "--work", str(work), *chosen, *options],
        cwd=ROOT,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )


def _stopped_by_sigint(proc: subprocess.Popen[str], output: Lines) -> str:
    """Ctrl-C as a trainer presses it; what it printed after. It must end by itself."""
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=20)
    return output.rest(timeout_s=5)


def test_emulate_prints_where_to_connect_and_stops_on_sigint(work: Path) -> None:
    (work / LOCKS_FILE).unlink()  # written again when the command stops
    proc = _start(work, "--no-console")
    output = Lines(proc)
    try:
        banner = output.until(READY, START_TIMEOUT_S)
        url = re.search(r"Back office: (http://127\.0\.0\.1:\d+)/web/", banner)
        assert url is not None, banner
        try:
            urllib.request.urlopen(f"{url.group(1)}/api/v1/time", timeout=5)
            raise AssertionError("the station API answered without a credential")
        except urllib.error.HTTPError as err:
            assert err.code == 401  # the back office is up and asks who is calling
        assert "admin" in banner and "chef.nord" in banner and "password" in banner
        consoles = dict(re.findall(r"^  (\d{3}) .+? (/dev/\S+)$", banner, re.MULTILINE))
        assert sorted(consoles) == ["101", "102", "103"], banner
        reader = re.search(r"USB key reader: (/dev/\S+)", banner)
        assert reader is not None, banner
        for station_id, path in consoles.items():
            assert _ask(path) == f"station {station_id}"
        assert _ask(reader.group(1)) == "reader_empty"
        rest = _stopped_by_sigint(proc, output)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest
    sv, en = messages.text("emulate.stopped", work=work)
    assert sv in rest and en in rest
    assert (work / LOCKS_FILE).exists()  # the locks' counters were saved


def test_started_with_sigint_ignored_it_still_stops_on_sigint(work: Path) -> None:
    # issue 14.18: a background job (or a CI runner) starts it with SIGINT ignored
    proc = _start(work, "--no-console", sigint_ignored=True)
    output = Lines(proc)
    try:
        output.until(READY, START_TIMEOUT_S)
        rest = _stopped_by_sigint(proc, output)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest
    assert messages.text("emulate.stopped", work=work)[1] in rest


def test_the_console_runs_in_the_terminal_until_end_of_input(work: Path) -> None:
    person = plan_demo().staff[0].name
    proc = _start(work, stdin=subprocess.PIPE)
    try:
        out, _ = proc.communicate(f"välj {person}\nsynka\nkontoret\n", timeout=START_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    welcome = messages.text("say.welcome")[0]
    assert out.index("USB key reader:") < out.index(welcome)  # the banner, then the console
    assert "Synk klar" in out and "Sync done" in out
    assert "synk klar/sync done" in out  # the back office has the sync, latest first
    assert out.rstrip().endswith(messages.text("emulate.stopped", work=work)[1])


def test_by_default_the_console_and_the_stations_speak_swedish_only(work: Path) -> None:
    """Issue 16.9: English is a setting (--language en or both), not on every line."""
    person = plan_demo().staff[0].name
    proc = _start(work, stdin=subprocess.PIPE, language=None)
    try:
        out, _ = proc.communicate(f"välj {person}\nsynka\nkontoret\n", timeout=START_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert "Synk klar" in out and "giltig till" in out and "synk klar" in out
    for english in ("Sync done", "valid until", "sync done", "USB key reader", "Insert your key"):
        assert english not in out, english
    assert messages.text("emulate.stopped", work=work)[0] in out


def test_a_bad_speed_is_refused_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    for speed in ("0", "-1", "fort", "inf"):
        with pytest.raises(SystemExit) as stopped:
            emulate.main(["--speed", speed])
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        sv, en = messages.text("emulate.bad_speed", value=speed)
        assert sv in err and en in err


def test_a_work_folder_that_cannot_hold_a_site_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    started = ["--work", str(blocker), "--no-console", "--language", "both"]
    assert emulate.main(started, out=out) == emulate.EXIT_FAILED
    assert signal.getsignal(signal.SIGTERM) is handler  # put back as it was
    text = out.getvalue()
    assert "Platsen kunde inte starta" in text and "The site could not start" in text
    assert "Traceback" not in text


def test_the_training_page_is_served_on_loopback_and_its_address_printed(work: Path) -> None:
    proc = _start(work, "--no-console", "--no-browser")
    output = Lines(proc)
    try:
        banner = output.until(READY, START_TIMEOUT_S)
        found = re.search(r"Training page: (http://127\.0\.0\.1:(\d+)/)", banner)
        assert found is not None, banner
        assert "Övningssidan: " + found.group(1) in banner
        with urllib.request.urlopen(found.group(1), timeout=5) as page:
            html = page.read().decode()
        assert "synk – övning" in html and 'id="screen"' in html
        rest = _stopped_by_sigint(proc, output)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest
