# mypy: ignore-errors
"""MicroPython code: the start-up of a virtual board on the unix port (run by emulator.vm_board).

    micropython -X heapsize=N -i emulator/vm_boot.py FLASH_FOLDER run|repl

Makes ``FLASH_FOLDER`` the board's whole file system (mounted at ``/``, so a
deploy that writes ``/main.py`` or ``/flash/synk/station.json`` writes inside
it and nothing of the host is visible), then, with ``run``, does what a board
does at power-up: runs ``/boot.py`` and ``/main.py`` when they are there. An
exception in either is printed and the REPL follows, as on a board; ``-i``
leaves the process at the REPL afterwards, where mpremote finds it.

The unix port's ``machine`` has no ``reset()``: the module is stood in for by
one that has all of its names and a ``reset()`` that ends the process with
``HARD_RESET``, which ``VmBoard`` answers with a power-up (mpremote's
``reset`` and the firmware's own resets then work as on a board).
"""

import os
import sys

import machine as _machine
import vfs

HARD_RESET = 77  # the exit status emulator.vm_board.HARD_RESET reads as machine.reset()


class _Machine:
    pass


def _reset():
    sys.exit(HARD_RESET)


_stand_in = _Machine()
for _name in dir(_machine):
    if not _name.startswith("__"):
        setattr(_stand_in, _name, getattr(_machine, _name))
_stand_in.reset = _reset
sys.modules["machine"] = _stand_in


class _Root:
    """The flash folder at "/": VfsPosix, with its rename made to work.

    The port's ``VfsPosix.rename`` builds both paths in one buffer (root +
    path), so the old path is overwritten by the new one and every rename of
    an absolute path fails with ENOENT. Paths relative to the process's own
    working directory are passed through untouched, so rename gets those.
    """

    def __init__(self, folder):
        self._vfs = vfs.VfsPosix(folder)

    def mount(self, readonly, mkfs):
        return self._vfs.mount(readonly, mkfs)

    def umount(self):
        return self._vfs.umount()

    def open(self, path, mode):
        return self._vfs.open(path, mode)

    def ilistdir(self, path):
        return self._vfs.ilistdir(path)

    def chdir(self, path):
        return self._vfs.chdir(path)

    def getcwd(self):
        return self._vfs.getcwd()

    def mkdir(self, path):
        return self._vfs.mkdir(path)

    def remove(self, path):
        return self._vfs.remove(path)

    def rmdir(self, path):
        return self._vfs.rmdir(path)

    def stat(self, path):
        return self._vfs.stat(path)

    def statvfs(self, path):
        return self._vfs.statvfs(path)

    def rename(self, old, new):
        return self._vfs.rename(self._relative(old), self._relative(new))

    def _relative(self, path):
        if not path.startswith("/"):
            return path
        depth = len([part for part in self._vfs.getcwd().split("/") if part])
        return "../" * depth + (path[1:] or ".")


_folder = sys.argv[1]
_mode = sys.argv[2] if len(sys.argv) > 2 else "run"
os.umount("/")
os.mount(_Root(_folder), "/")
os.chdir("/")
sys.path[:] = ["", "/lib"]
sys.argv[:] = [""]


def _run(name):
    try:
        os.stat(name)
    except OSError:
        return
    try:
        with open(name) as source:
            code = source.read()
        exec(code, {"__name__": "__main__"})
    except (Exception, KeyboardInterrupt) as exc:  # a board prints it, then its REPL
        sys.print_exception(exc)


if _mode == "run":
    _run("/boot.py")
    _run("/main.py")
