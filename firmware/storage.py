"""Flash storage for the station: named files in one directory, written so power loss is safe.

The firmware reaches flash only through ``DirStorage``:

- ``read(name)`` -> bytes or None; ``read_at(name, offset, length)``
- ``write(name, data)``: atomic replace: afterwards, and after a power cut at any
  byte, the file holds the old content or the new, never a mix
- ``create(name)`` -> ``PendingFile``: the same atomic replace for content that
  arrives in pieces (a download): ``write(piece)`` appends to ``name.tmp``,
  ``read_at`` reads it back, ``commit()`` renames it in, ``discard()`` drops it;
  until ``commit()`` the old ``name`` is untouched and stays readable. Memory:
  the caller's piece only
- ``append(name, data)``: bytes go at the end; a power cut may leave a torn tail,
  which the file's owner detects (CRC) and cuts with ``truncate``
- ``truncate(name, size)``, ``remove(name)``, ``size(name)``, ``names()``, ``free()``

``DirStorage`` does its work through a handful of file primitives, the
interface hw.board.FlashFiles (``OsFiles`` on a board's littlefs or any CPython
directory). Tests and the emulator pass primitives that cut the power at a
chosen byte, so the replace logic below is the code under test.

Atomic replace: the new data goes to ``name.tmp``; then ``name`` is renamed to
``name.old`` (if it exists), ``name.tmp`` to ``name``, and ``name.old`` is
removed. Renaming over an existing file is avoided because FAT cannot do it.
``recover()`` (run at construction) finishes or undoes what a cut interrupted:
a ``.old`` means the ``.tmp`` was complete, so the replace is finished; a
``.tmp`` without ``.old`` may be torn, so it is dropped and the old file stays.
"""

import os

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from hw.board import FlashFiles  # read under TYPE_CHECKING only

_TMP = ".tmp"
_OLD = ".old"


class StorageFull(OSError):
    """Raised when a write would not fit; nothing of it was written."""


class OsFiles:
    """File primitives on the real filesystem (MicroPython or CPython)."""

    def listdir(self, path: str) -> list[str]:
        return os.listdir(path)

    def size(self, path: str) -> int:
        try:
            return os.stat(path)[6]
        except OSError:
            return -1

    def read(self, path: str, offset: int = 0, length: int = -1) -> bytes | None:
        try:
            with open(path, "rb") as f:
                if offset:
                    f.seek(offset)
                return f.read() if length < 0 else f.read(length)
        except OSError:
            return None

    def write(
        self, path: str, data: "bytes | bytearray | memoryview", append: bool = False
    ) -> None:
        with open(path, "ab" if append else "wb") as f:
            f.write(data)
            fsync = getattr(os, "fsync", None)  # CPython: this file only
            if fsync is not None:
                f.flush()
                fsync(f.fileno())
        if not hasattr(os, "fsync"):
            sync = getattr(os, "sync", None)  # MicroPython flushes its filesystems with it
            if sync is not None:
                sync()

    def rename(self, src: str, dst: str) -> None:
        os.rename(src, dst)

    def remove(self, path: str) -> None:
        try:
            os.remove(path)
        except OSError:
            pass

    def mkdir(self, path: str) -> None:
        try:
            os.mkdir(path)
        except OSError:
            pass  # exists already

    def free(self, path: str) -> int:
        st = os.statvfs(path)
        return st[0] * st[4]


class PendingFile:
    """``name``'s next content, written piece by piece beside it (``DirStorage.create``)."""

    def __init__(self, storage: "DirStorage", name: str) -> None:
        self._storage = storage
        self._path = storage._path(name)
        self._tmp = self._path + _TMP
        self.size = 0  # bytes written so far
        self._open = True
        storage._files.write(self._tmp, b"")

    def write(self, data: "bytes | bytearray | memoryview") -> None:
        """Append ``data``; StorageFull (nothing of it written) when it does not fit."""
        if not self._open:
            raise ValueError("pending file already committed or discarded")
        self._storage._check_room(len(data))
        self._storage._files.write(self._tmp, data, append=True)
        self.size += len(data)

    def read_at(self, offset: int, length: int) -> "bytes | None":
        return self._storage._files.read(self._tmp, offset, length)

    def commit(self) -> None:
        """Replace ``name`` with what was written (atomically, see the module docstring)."""
        if not self._open:
            raise ValueError("pending file already committed or discarded")
        self._open = False
        self._storage._replace(self._path)

    def discard(self) -> None:
        """Drop what was written; ``name`` stays as it was. Harmless after commit()."""
        if self._open:
            self._open = False
            self._storage._files.remove(self._tmp)


class DirStorage:
    """Files in one directory, with an optional byte budget (the flash share we may use)."""

    def __init__(
        self, root: str, capacity: int | None = None, files: "FlashFiles | None" = None
    ) -> None:
        self._root = root.rstrip("/") or "/"
        self._capacity = capacity
        self._files: "FlashFiles" = files if files is not None else OsFiles()
        self._files.mkdir(self._root)
        self.recover()

    def _path(self, name: str) -> str:
        if not name or "/" in name or name.endswith(_TMP) or name.endswith(_OLD):
            raise ValueError("bad storage name: %r" % (name,))
        return self._root + "/" + name

    def recover(self) -> None:
        """Finish or undo a ``write`` that power loss interrupted."""
        files = self._files
        entries = files.listdir(self._root)
        for entry in entries:
            if entry.endswith(_OLD):
                final = self._root + "/" + entry[: -len(_OLD)]
                if files.size(final + _TMP) >= 0:
                    files.remove(final)
                    files.rename(final + _TMP, final)
                files.remove(final + _OLD)
        for entry in files.listdir(self._root):
            if entry.endswith(_TMP):
                files.remove(self._root + "/" + entry)

    def names(self) -> list[str]:
        return sorted(
            n for n in self._files.listdir(self._root) if not (n.endswith(_TMP) or n.endswith(_OLD))
        )

    def size(self, name: str) -> int:
        return self._files.size(self._path(name))

    def read(self, name: str) -> bytes | None:
        return self._files.read(self._path(name))

    def read_at(self, name: str, offset: int, length: int) -> bytes | None:
        return self._files.read(self._path(name), offset, length)

    def used(self) -> int:
        return sum(self._files.size(self._root + "/" + n) for n in self._files.listdir(self._root))

    def free(self) -> int:
        fs_free = self._files.free(self._root)
        if self._capacity is None:
            return fs_free
        return max(0, min(fs_free, self._capacity - self.used()))

    def _check_room(self, extra: int) -> None:
        if extra > self.free():
            raise StorageFull("no room for %d bytes" % extra)

    def write(self, name: str, data: bytes, _check_room: bool = True) -> None:
        path = self._path(name)
        if _check_room:
            self._check_room(len(data))
        self._files.write(path + _TMP, data)
        self._replace(path)

    def create(self, name: str) -> PendingFile:
        """Start replacing ``name`` with content written in pieces (see PendingFile)."""
        return PendingFile(self, name)

    def _replace(self, path: str) -> None:
        """Rename the complete ``path.tmp`` over ``path`` (recover() finishes a cut one)."""
        files = self._files
        if files.size(path) >= 0:
            files.rename(path, path + _OLD)
            files.rename(path + _TMP, path)
            files.remove(path + _OLD)
        else:
            files.rename(path + _TMP, path)

    def append(self, name: str, data: bytes) -> None:
        self._check_room(len(data))
        self._files.write(self._path(name), data, append=True)

    def truncate(self, name: str, size: int) -> None:
        data = self.read(name)
        if data is None or len(data) <= size:
            return
        # MicroPython files have no truncate(): rewrite the kept prefix atomically.
        self.write(name, data[:size], _check_room=False)

    def remove(self, name: str) -> None:
        self._files.remove(self._path(name))
