"""The station's two configuration files in a folder on the technician's machine.

``station.json`` holds the station's credential, so the files are written
owner-only (0600) in an owner-only folder, as ``synk admin station config``
does. Reading checks them with the firmware's own loader
(``firmware.station_config.parse``), so a file the station would refuse is
refused here already.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firmware import station_config as station_loader
from host.flash.errors import INVALID, NOT_FOUND, FlashError
from host.secret_files import write_secret

CONFIG_FILE = station_loader.CONFIG_FILE
SIGNATURE_FILE = station_loader.SIGNATURE_FILE
NAMES = (CONFIG_FILE, SIGNATURE_FILE)


def write_config(directory: Path, files: dict[str, bytes]) -> list[Path]:
    """Write station.json and station.sig into ``directory``; returns their paths."""
    written = []
    for name in NAMES:
        path = directory / name
        write_secret(path, files[name])
        written.append(path)
    return written


def check(files: dict[str, bytes]) -> dict[str, Any]:
    """The configuration as the station reads it, else FlashError with the loader's reason."""
    try:
        return station_loader.parse(files[CONFIG_FILE], files.get(SIGNATURE_FILE))
    except station_loader.ConfigError as err:
        raise FlashError("config.invalid", INVALID, error=str(err)) from None


def read_config(directory: Path) -> dict[str, bytes]:
    """The two files from ``directory``, checked with the firmware's loader."""
    files = {}
    for name in NAMES:
        path = directory / name
        if not path.is_file():
            raise FlashError("config.missing", NOT_FOUND, path=path)
        files[name] = path.read_bytes()
    check(files)
    return files
