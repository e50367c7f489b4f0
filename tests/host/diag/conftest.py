"""Rigs for the diagnostics tests: devices on PTYs, pumped in background threads.

- ``reader``: the emulator's USB key reader (emulator/usb_key_reader.py) on a PTY;
- ``station``: the firmware's service console (firmware/service_console.py) on a
  PTY, with the ``FakeStation`` services of its own tests (real bundle cache,
  outbox and log on a RAM flash, a manual clock at tests.firmware.fixtures.EPOCH);
- ``scripted``: a PTY whose answers a test writes byte for byte, to inject
  garbage, broken CRCs, other versions, late answers and silence;
- ``run``: ``synk …`` through host/cli.py, returning (exit status, stdout, stderr).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from emulator.pty_port import PtyPort
from emulator.usb_key_reader import UsbKeyReader
from firmware.service_console import ServiceConsole
from host.cli import main
from protocol.framing import FrameDecoder
from tests.firmware.test_service_console import FakeStation

FAST = ("--timeout", "0.05", "--retries", "2")  # silence costs 3 × 0.1 s, not 4 × 0.3 s


class Pump:
    """Calls ``poll`` every millisecond in a background thread until stopped."""

    def __init__(self, poll: Callable[[], object]) -> None:
        self._poll = poll
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._poll()
                time.sleep(0.001)
        except BaseException as err:  # shown by stop(), so a crash fails the test
            self.error = err

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        if self.error is not None:
            raise self.error


@pytest.fixture
def reader() -> Iterator[UsbKeyReader]:
    made = UsbKeyReader()
    pump = Pump(made.poll)
    yield made
    pump.stop()
    made.close()


@dataclass
class StationRig:
    port: PtyPort
    station: FakeStation
    console: ServiceConsole

    @property
    def path(self) -> str:
        return self.port.path


@pytest.fixture
def station() -> Iterator[StationRig]:
    port = PtyPort()
    fake = FakeStation()
    console = ServiceConsole(port, fake)
    pump = Pump(console.poll)
    yield StationRig(port, fake, console)
    pump.stop()
    port.close()


@dataclass
class Scripted:
    """A PTY device: each request body goes to ``answer``, whose bytes go back raw.

    ``received`` keeps the raw bytes of every read, ``requests`` every body.
    """

    port: PtyPort
    answer: Callable[[bytes], bytes]
    requests: list[bytes] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)
    decoder: FrameDecoder = field(default_factory=FrameDecoder)

    @property
    def path(self) -> str:
        return self.port.path

    def poll(self) -> None:
        data = self.port.read(4096)
        if not data:
            return
        self.received.append(data)
        for body in self.decoder.feed(data):
            self.requests.append(body)
            reply = self.answer(body)
            if reply:
                self.port.write(reply)


@pytest.fixture
def scripted() -> Iterator[Callable[[Callable[[bytes], bytes]], Scripted]]:
    made: list[tuple[Scripted, Pump]] = []

    def make(answer: Callable[[bytes], bytes]) -> Scripted:
        rig = Scripted(PtyPort(), answer)
        made.append((rig, Pump(rig.poll)))
        return rig

    yield make
    for rig, pump in made:
        pump.stop()
        rig.port.close()


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["diag", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return invoke
