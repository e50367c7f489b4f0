"""The station image for one board: which files go where on the board, compiled, with a manifest.

What goes in (``select_sources``):

- every ``.py`` of ``firmware/`` and ``hw/`` compiled with mpy-cross for the
  board, at the same place on the board with ``.mpy`` (``/firmware/codec.mpy``);
- except the boot files ``firmware/main.py`` and ``firmware/boot.py``: they stay
  source and go to the board's root (``/main.py``, ``/boot.py``), which is
  where MicroPython runs them from; a missing one is listed in ``missing``
  (without ``main.py`` the station does not start, so ``deploy`` refuses it);
- of the pin maps ``hw/pins_<board>.py`` only the board's own;
- never a CPython-only module (named ``*_cpython.py``) nor ``__pycache__``;
- never an encoder module only tests, test doubles and tools use (named
  ``*_encoders.py``, ``ENCODERS_SUFFIX``: ``firmware/record_encoders.py``);
- the signed configuration (station.json + station.sig) in the folder the
  firmware reads it from, ``hw.board_setup.STORAGE_ROOT`` (``/flash/synk``).

The image is kept in memory (``Image``) and written as a folder
(``write_image``): ``manifest.json`` (every file's path on the board, size,
SHA-256, kind and source) and ``files/`` laid out as on the board.
``load_image`` reads such a folder back for ``deploy`` and refuses it when a
file differs from the manifest.

``footprint`` is what the files take on littlefs: whole 4096-byte blocks per
file (a little less than a block of data each, littlefs keeps skip-list
pointers in them) and a metadata pair per directory; ``check_fits`` compares
it with the board's budget (``host.flash.boards``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from host.flash import config_files
from host.flash.boards import Board, board
from host.flash.errors import INVALID, NOT_FOUND, FlashError
from host.flash.mpy import MPY_VERSION, MpyCross
from host.secret_files import write_secret
from hw.board_setup import STORAGE_ROOT

REPO_ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("firmware", "hw")
BOOT_FILES = ("boot.py", "main.py")  # run in this order by MicroPython at start-up
ENCODERS_SUFFIX = "_encoders.py"  # encoders for tests and tools only: not on the board
MAIN = "/main.py"
MANIFEST = "manifest.json"
FILES_DIR = "files"
FORMAT = 1

KIND_MPY = "mpy"
KIND_SOURCE = "source"
KIND_CONFIG = "config"

LFS_POINTER_BYTES = 8  # littlefs CTZ skip-list: two 4-byte pointers per block on average


@dataclass(frozen=True)
class Entry:
    """One file of the image, as the manifest lists it."""

    path: str  # on the board, absolute: "/firmware/codec.mpy"
    size: int
    sha256: str
    kind: str
    source: str  # where it came from: "firmware/codec.py", "station.json"

    def row(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "size": self.size,
            "sha256": self.sha256,
            "kind": self.kind,
            "source": self.source,
        }


@dataclass(frozen=True)
class Source:
    """A file of firmware/ or hw/ and what becomes of it."""

    local: Path
    source: str  # relative to the repository: "hw/pins_esp32s3.py"
    path: str  # on the board
    kind: str


@dataclass(frozen=True)
class Excluded:
    source: str
    reason: str  # "other_board", "cpython" or "encoders"


@dataclass
class Selection:
    sources: list[Source] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # boot files not there


@dataclass
class Image:
    """A built image: the files in deploy order (code, configuration, boot.py, main.py last)."""

    board: Board
    files: list[tuple[Entry, bytes]]
    excluded: list[Excluded]
    missing: list[str]
    compiler: str
    config: dict[str, Any]

    @property
    def entries(self) -> list[Entry]:
        return [entry for entry, _data in self.files]

    @property
    def footprint(self) -> int:
        return footprint((e.path for e in self.entries), (e.size for e in self.entries), self.board)

    def manifest(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "board": self.board.name,
            "march": self.board.march,
            "mpy_version": MPY_VERSION,
            "compiler": self.compiler,
            "station_id": self.config["station_id"],
            "unit_id": self.config["unit_id"],
            "backoffice_url": self.config["backoffice_url"],
            "footprint": self.footprint,
            "budget": self.board.image_budget,
            "files": [entry.row() for entry in self.entries],
            "excluded": [{"source": e.source, "reason": e.reason} for e in self.excluded],
            "missing": list(self.missing),
        }


def _board_path(source: str, suffix: str) -> str:
    return "/" + str(PurePosixPath(source).with_suffix(suffix))


def select_sources(target: Board, root: Path = REPO_ROOT) -> Selection:
    """Which files of ``root``/firmware and ``root``/hw go on ``target``, and where."""
    selection = Selection()
    for top in CODE_DIRS:
        for local in sorted((root / top).rglob("*.py")):
            if "__pycache__" in local.parts:
                continue
            source = local.relative_to(root).as_posix()
            name = local.name
            if top == "firmware" and local.parent == root / top and name in BOOT_FILES:
                selection.sources.append(Source(local, source, "/" + name, KIND_SOURCE))
            elif name.endswith("_cpython.py"):
                selection.excluded.append(Excluded(source, "cpython"))
            elif name.endswith(ENCODERS_SUFFIX):
                selection.excluded.append(Excluded(source, "encoders"))
            elif top == "hw" and name.startswith("pins_") and local.stem != target.pins_module:
                selection.excluded.append(Excluded(source, "other_board"))
            else:
                selection.sources.append(
                    Source(local, source, _board_path(source, ".mpy"), KIND_MPY)
                )
    if not (root / "hw" / f"{target.pins_module}.py").is_file():
        raise FlashError("image.no_pins", NOT_FOUND, board=target.name, file=target.pins_module)
    present = {s.path for s in selection.sources}
    selection.missing = [f"firmware/{n}" for n in BOOT_FILES if "/" + n not in present]
    return selection


def _entry(path: str, data: bytes, kind: str, source: str) -> tuple[Entry, bytes]:
    return Entry(path, len(data), hashlib.sha256(data).hexdigest(), kind, source), data


def _order(entry: Entry) -> tuple[int, str]:
    rank = {KIND_MPY: 0, KIND_CONFIG: 1}.get(entry.kind, 2)
    if entry.path == MAIN:
        rank = 3  # last: a board reset half-way through does not start a half-copied station
    return rank, entry.path


def build_image(
    board_name: str,
    config: dict[str, bytes],
    *,
    root: Path = REPO_ROOT,
    compiler: MpyCross | None = None,
) -> Image:
    """The image for ``board_name`` with the signed configuration ``config``, checked to fit."""
    target = board(board_name)
    fields = config_files.check(config)
    configured = fields.get("board", "esp32s3")
    if configured != target.name:
        raise FlashError("image.config_board", INVALID, board=target.name, configured=configured)
    selection = select_sources(target, root)
    mpy_cross = compiler or MpyCross()
    files = []
    for source in selection.sources:
        if source.kind == KIND_MPY:
            data = mpy_cross.compile(source.local, source.source, target.march)
        else:
            data = source.local.read_bytes()
        files.append(_entry(source.path, data, source.kind, source.source))
    for name in config_files.NAMES:
        files.append(_entry(f"{STORAGE_ROOT}/{name}", config[name], KIND_CONFIG, name))
    files.sort(key=lambda item: _order(item[0]))
    image = Image(target, files, selection.excluded, selection.missing, mpy_cross.version(), fields)
    check_fits(image.board, image.footprint)
    return image


# -- size ---------------------------------------------------------------------------------------


def directories(paths: Iterable[str]) -> list[str]:
    """Every directory the files at ``paths`` need on the board, parents first ("/" excluded)."""
    found: set[str] = set()
    for path in paths:
        for parent in PurePosixPath(path).parents:
            if str(parent) != "/":
                found.add(str(parent))
    return sorted(found, key=lambda d: (d.count("/"), d))


def footprint(paths: Iterable[str], sizes: Iterable[int], target: Board) -> int:
    """Bytes the files take on the board's littlefs, with their directories and the root."""
    per_block = target.block_size - LFS_POINTER_BYTES
    blocks = 2 + 2 * len(directories(paths))  # metadata pairs: root (and superblock), each dir
    blocks += sum(max(1, -(-size // per_block)) for size in sizes)
    return blocks * target.block_size


def check_fits(target: Board, needed: int) -> None:
    """Refuse an image that would leave the station less than its data reserve."""
    if needed > target.image_budget:
        raise FlashError(
            "image.too_large",
            INVALID,
            board=target.name,
            need=needed // 1024,
            budget=target.image_budget // 1024,
            fs=target.fs_bytes // 1024,
            reserve=target.reserve // 1024,
        )


# -- the image folder ---------------------------------------------------------------------------


def local_path(directory: Path, board_path: str) -> Path:
    return directory / FILES_DIR / board_path.lstrip("/")


def write_image(image: Image, directory: Path) -> Path:
    """Write ``image`` as a folder (replacing an image already there); returns the manifest."""
    manifest = directory / MANIFEST
    if directory.exists() and any(directory.iterdir()) and not manifest.is_file():
        raise FlashError("image.out_not_image", INVALID, path=directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)  # the configuration in it holds the station's credential
    shutil.rmtree(directory / FILES_DIR, ignore_errors=True)
    for entry, data in image.files:
        path = local_path(directory, entry.path)
        write_secret(path, data)  # its folders made 0700 (the configuration is among them)
    manifest.write_text(json.dumps(image.manifest(), indent=1, ensure_ascii=False) + "\n")
    return manifest


@dataclass(frozen=True)
class ImageDir:
    """An image folder read back: its board, manifest and files (checked against the manifest)."""

    directory: Path
    board: Board
    entries: list[Entry]
    manifest: dict[str, Any]

    def local(self, entry: Entry) -> Path:
        return local_path(self.directory, entry.path)


def _safe_board_path(path: object) -> str:
    if not isinstance(path, str):
        raise ValueError(path)
    pure = PurePosixPath(path)
    if not pure.is_absolute() or ".." in pure.parts or "\\" in path or str(pure) != path:
        raise ValueError(path)
    return path


def load_image(directory: Path) -> ImageDir:
    """The image folder at ``directory``; FlashError if its files do not match the manifest."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise FlashError("image.no_manifest", NOT_FOUND, path=directory)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["format"] != FORMAT:
            raise ValueError(manifest["format"])
        target = board(manifest["board"])
        entries = [
            Entry(
                _safe_board_path(row["path"]),
                int(row["size"]),
                str(row["sha256"]),
                str(row["kind"]),
                str(row["source"]),
            )
            for row in manifest["files"]
        ]
    except (ValueError, KeyError, TypeError):
        raise FlashError("image.bad_manifest", INVALID, path=manifest_path) from None
    loaded = ImageDir(directory, target, entries, manifest)
    for entry in entries:
        local = loaded.local(entry)
        data = local.read_bytes() if local.is_file() else None
        if (
            data is None
            or len(data) != entry.size
            or hashlib.sha256(data).hexdigest() != entry.sha256
        ):
            raise FlashError("image.corrupt", INVALID, path=entry.path, file=local)
    return loaded
