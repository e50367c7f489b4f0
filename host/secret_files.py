"""The one way the project writes a file that holds a secret: 0600 from the start, in a 0700 folder.

Secrets on disk: service tokens and bundles (``synk admin service-token|bundle
--out``: a bundle holds every code verifier of a unit), station configurations
(the station's bearer credential), the authority's signing keys, site exports,
the SQLite file, and in the emulator a station's flash, the locks' secrets,
the keys' private keys and the demo's facts (passwords, credentials).

``secret_file`` creates the file with ``os.open(…, 0o600)``, so it is never
readable by others, not even for the moment between creating and a
``chmod``. Replacing a file goes through a new temporary file in the same
folder and a rename, so an existing file's wider mode is never inherited.
The folder is created 0700 when missing (with any missing parents). An
existing folder that others may enter is refused with a clear error rather
than silently tightened when the user named it (``--out`` into the current
folder, say: it is theirs to decide); a folder the tools keep as their own
(a site's folder, the emulator's work folder and its flash) is tightened to
0700 when this user owns it (``own=True``), so a folder left by an older
version does not stop ``inv emulate``. A file to append to or truncate in place must already be 0600
(or be new).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from host.backoffice.errors import Invalid

FILE_MODE = 0o600
FOLDER_MODE = 0o700
How = Literal["replace", "new", "append", "truncate"]


def _open_to_others(mode: int) -> bool:
    return stat.S_IMODE(mode) & 0o077 != 0


def private_folder(folder: Path, own: bool = False) -> Path:
    """``folder``, created 0700 (and any missing parents) when missing; Invalid if others may enter
    (``own``: one of the tools' own folders, tightened instead when this user owns it).

    Only the folder itself must be private: a 0700 folder keeps its files
    from others whatever the folders above it allow.
    """
    missing: list[Path] = []
    at = folder
    while not at.exists():
        missing.append(at)
        at = at.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile: checked below like any
            path.mkdir(mode=FOLDER_MODE)
    mode = folder.stat().st_mode
    if not stat.S_ISDIR(mode):
        raise Invalid("secret.not_a_folder", folder=folder)
    if _open_to_others(mode) and own and folder.stat().st_uid == os.getuid():
        folder.chmod(FOLDER_MODE)
        mode = folder.stat().st_mode
    if _open_to_others(mode):
        raise Invalid("secret.folder_open", folder=folder, mode=f"{stat.S_IMODE(mode):04o}")
    return folder


@contextmanager
def secret_file(path: Path, how: How = "replace", encoding: str | None = None) -> Iterator[IO[Any]]:
    """An open file (binary, or text with ``encoding``) that only its owner may read.

    ``how``: ``replace`` (the default) writes a new file and puts it in place
    when the block ends without an error, so readers see the old content or
    the new; ``new`` refuses a file that exists (``FileExistsError``);
    ``append`` and ``truncate`` write in place (the emulator's flash, whose
    torn writes are the point), on a file that is new or already 0600.
    """
    private_folder(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    target = path
    if how == "replace":
        target = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        flags |= os.O_EXCL
    elif how == "new":
        flags |= os.O_EXCL
    elif how == "append":
        flags |= os.O_APPEND
    fd = os.open(target, flags, FILE_MODE)
    try:
        mode = os.fstat(fd).st_mode
        if _open_to_others(mode):  # append/truncate: an old file of wider mode, left as it was
            raise Invalid("secret.file_open", path=path, mode=f"{stat.S_IMODE(mode):04o}")
        if how == "truncate":
            os.ftruncate(fd, 0)
        handle: IO[Any] = (
            os.fdopen(fd, "wb")
            if encoding is None
            else os.fdopen(fd, "w", encoding=encoding, newline="")
        )
    except BaseException:
        os.close(fd)
        if target != path:
            os.unlink(target)
        raise
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if target != path:
            os.replace(target, path)
    except BaseException:
        if target != path and target.exists():
            target.unlink()
        raise


def write_secret(path: Path, data: bytes | str, how: How = "replace") -> None:
    """``data`` as the whole content of the secret file ``path`` (text as UTF-8)."""
    with secret_file(path, how, None if isinstance(data, bytes) else "utf-8") as handle:
        handle.write(data)
