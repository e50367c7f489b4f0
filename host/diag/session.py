"""One conversation with the device on a port: open it, frame a link, find out what is there.

``Session(options)`` is a context manager. The port is opened
(``ports.open_port``) only when a command first talks to the device, so a
command that refuses first (no token, no export) never touches the port;
it is wrapped in a ``Link`` whose retries are reported on ``notes``
(stderr), the device is probed once, and the port is closed at the end, with
the link's counters on ``notes`` when something went wrong on the line. ``station()`` is for the
station-only commands and says plainly when something else is on the port.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TextIO

import serial

from host.diag import ports
from host.diag.device import KIND_KEYS, Device, Expect, probe
from host.diag.errors import EXIT_USAGE, DiagError
from host.diag.link import RETRIES, Link
from host.diag.messages import text, words


@dataclass
class Options:
    port: str | None
    baud: int = ports.DEFAULT_BAUD
    timeout: float | None = None
    retries: int = RETRIES
    expect: Expect = "auto"
    verbose: bool = False


class Session:
    def __init__(
        self,
        options: Options,
        *,
        notes: TextIO | None = None,
        clock: Callable[[], float] = time.time,
        opener: Callable[[str, int], serial.SerialBase] = ports.open_port,
    ) -> None:
        self.options = options
        self.notes = notes if notes is not None else sys.stderr
        self.clock = clock
        self._opener = opener
        self._port: serial.SerialBase | None = None
        self._link: Link | None = None
        self._device: Device | None = None

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._link is not None and (self.options.verbose or self._link.counters.troubled):
            print(text("link.summary", **self._link.counters.as_dict()), file=self.notes)
        if self._port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                self._port.close()  # a port that is gone already needs no closing
        self._port = None

    def _retrying(self, attempt: int, retries: int) -> None:
        print(text("link.retry", attempt=attempt, retries=retries), file=self.notes)

    @property
    def opened(self) -> bool:
        return self._link is not None

    @property
    def link(self) -> Link:
        """The link to the device, opening the port the first time."""
        if self._link is None:
            if not self.options.port:
                raise DiagError("port.none_given", EXIT_USAGE)
            self._port = self._opener(self.options.port, self.options.baud)
            self._link = Link(
                self._port,
                self.options.port,
                timeout=self.options.timeout,
                retries=self.options.retries,
                baud=self.options.baud,
                on_retry=self._retrying,
            )
        return self._link

    def now(self) -> int:
        return int(self.clock())

    def device(self) -> Device:
        """What is on the port (asked once per session)."""
        if self._device is None:
            self._device = probe(self.link, self.options.expect, self.clock)
        return self._device

    def station(self) -> Device:
        """The station on the port; DiagError when it is something else."""
        device = self.device()
        if device.kind != "station":
            raise DiagError(
                "device.needs_station",
                EXIT_USAGE,
                port=self.link.name,
                found=words(KIND_KEYS[device.kind]),
            )
        return device
