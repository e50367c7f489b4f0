"""Benchmarks of issue 6 (the emulator): a sync on the paced key wire, and a shift start's queue.

``sync_wire_s_115200`` (target <= 1.0 s): virtual seconds at the station for a
key with 40 locks in its set and 200 audit records, from key insertion to the
"OK" on the display, without the code entry. The firmware's key session runs
on the emulator's station board (emulator/station_board.py): the contact
port is the KeyWire at 115200 baud, 10 bits a byte, with the VirtualKey
behind it; the keypad, display and indicator are the board's real drivers;
time is a stopped VirtualClock that only the firmware's own waits (and the
main loop's 5 ms passes while the code is asked for) move. The time spent in
the code state (the keypad's pace) is taken off. The bundle comes from
tests/factories.py (one key, exactly 40 locks: the demo units have about 45).

``shift_start_30_keys_s``: virtual seconds at one station for 30 staff
syncing in turn, back to back, as scenario 1 (emulator/scenarios/shift_start)
plays it on the demo site: from the first key in to the last session's end,
codes typed at the emulated keypad's pace (120 ms a key). This is the time a
queue of people would spend at the station, walking up excluded.
``shift_start_30_keys_wall_s`` is the real time the emulator took for it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from emulator import scenarios
from emulator.station_board import VirtualStationBoard
from emulator.virtual_clock import VirtualClock
from emulator.virtual_key import VirtualKey, sample_events
from firmware.bundle_cache import BundleCache
from firmware.code_check import CodeCheck
from firmware.key_link import stream_link
from firmware.key_session import CODE, DONE, KeySession
from firmware.log import Log
from firmware.outbox import Outbox
from tests import factories

STATION_ID, UNIT_ID = 7, 3  # the factories' bundle's
LOOP_MS = 5  # the station's main loop pass while it waits for the code


class _StampedDisplay:
    """The board's display, noting the tick at which it first says "OK"."""

    def __init__(self, display: Any, clock: VirtualClock) -> None:
        self._display = display
        self._clock = clock
        self.ok_at: int | None = None

    def show(self, swedish: str, english: str = "") -> None:
        if self.ok_at is None and swedish.startswith("OK"):
            self.ok_at = self._clock.monotonic_ms()
        self._display.show(swedish, english)


def sync_wire_s(locks: int = 40, events: int = 200, baud: int = 115_200) -> float:
    spec = factories.KeySpec(10, code="246810", lock_ids=list(range(1000, 1000 + locks)))
    clock = VirtualClock(factories.EPOCH)
    with tempfile.TemporaryDirectory(prefix="synk-bench-") as folder:
        hardware = VirtualStationBoard("bench", clock, Path(folder), nfc=False, baud=baud)
        board = hardware.board
        log = Log(board.clock)
        cache = BundleCache(board.storage, STATION_ID, UNIT_ID, [factories.AUTHORITY.public], log)
        cache.install(factories.bundle([spec], station_id=STATION_ID, unit_id=UNIT_ID))
        key = VirtualKey(
            spec.key_id,
            factories.seed(f"key {spec.key_id}"),
            monotonic=lambda: clock.monotonic_ms() / 1000,
            pin_secret=factories.pin_secret(spec.key_id),
        )
        key.preload_events(sample_events(spec.key_id, events))
        display = _StampedDisplay(board.display, clock)
        session = KeySession(
            stream_link(board.key_port, clock.ticks_ms, clock.sleep_ms),
            cache,
            CodeCheck(board.storage, board.clock, log),
            Outbox(board.storage, log),
            board.clock,
            board.keypad,
            display,
            board.indicator,
            log,
            STATION_ID,
            "Support",
            ticks_ms=clock.ticks_ms,
            sleep_ms=clock.sleep_ms,
        )
        hardware.insert_key(key)
        hardware.press(spec.code)
        began = clock.monotonic_ms()
        code_ms = 0
        while session.state != DONE:
            state = session.state
            before = clock.monotonic_ms()
            session.step()
            if state == CODE:
                clock.advance_ms(LOOP_MS)
                code_ms += clock.monotonic_ms() - before
        result = session.result
        held = key.active_set()
        if (
            result.outcome != "ok_until"
            or display.ok_at is None
            or held is None
            or len(held["lock_ids"]) != locks
            or key.audit_events()
            or result.events_stored != events
        ):
            raise RuntimeError(f"the benchmark's sync did not go through: {result!r}")
        return (display.ok_at - began - code_ms) / 1000


def shift_start() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="synk-bench-") as folder:
        report = scenarios.run("shift_start", Path(folder))
    if not report.passed:
        raise RuntimeError("scenario shift_start failed:\n" + "\n".join(report.lines()))
    return {
        "shift_start_30_keys_s": report.metrics["shift_start_30_keys_s"],
        "shift_start_30_keys_wall_s": report.metrics["shift_start_30_keys_wall_s"],
    }


def run() -> dict[str, float]:
    results = {"sync_wire_s_115200": sync_wire_s()}
    results.update(shift_start())
    return results


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.3f}")
