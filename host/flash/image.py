"""The station image for one board: which files go where on the board, compiled, with a manifest.

Two forms (``host.flash.boards``: ``code_form``, or ``build_image(form=...)``):

- ``romfs``: every compiled module goes into one ROMFS image (``code.romfs``),
  the form MicroPython runs in place from flash: deployed to the board's ROM
  partition, mounted at ``/rom``, so the files are listed as ``/rom/firmware/...``.
  It is built with mpremote's own ``VfsRomWriter`` in the order ``mpremote
  romfs build`` uses (a folder's names sorted), so ``mpremote romfs build
  files/rom`` makes the same bytes. Only the boot files and the configuration
  go on the writable file system.
- ``folder``: the compiled modules on the file system (``/firmware/records.mpy``),
  loaded into the heap on import; for a board without a ROM partition (the
  unix port of the virtual board, a stock firmware).
- ``frozen``: no code at all, only the boot files and the configuration, for a
  firmware built with the code frozen in from the image's ``frozen/manifest.py``.

What goes in (``select_sources``):

- every ``.py`` of ``firmware/`` and ``hw/`` compiled with mpy-cross for the
  board, at the same place on the board with ``.mpy`` (``/firmware/records.mpy``);
- except the boot files ``firmware/main.py`` and ``firmware/boot.py``: they stay
  source and go to the board's root (``/main.py``, ``/boot.py``), which is
  where MicroPython runs them from; a missing one is listed in ``missing``
  (without ``main.py`` the station does not start, so ``deploy`` refuses it);
- of the pin maps ``hw/pins_<board>.py`` only the board's own;
- never a CPython-only module (named ``*_cpython.py``) nor ``__pycache__``;
- never an encoder module only tests, test doubles and tools use (named
  ``*_encoders.py``, ``ENCODERS_SUFFIX``: ``firmware/record_encoders.py``);
- nothing the boot files do not import, directly or through other modules
  ("unused": helpers only the emulator or the tests import); imports under
  ``if TYPE_CHECKING:`` do not count, they never run on a board;
- no docstrings: mpy-cross keeps none (a string statement compiles to nothing);
- the signed configuration (station.json + station.sig) in the folder the
  firmware reads it from, ``hw.board_setup.STORAGE_ROOT`` (``/flash/synk``).

The image is kept in memory (``Image``) and written as a folder
(``write_image``): ``manifest.json`` (every file's path on the board, size,
SHA-256, kind and source; the form; the ROMFS image's size and SHA-256),
``files/`` laid out as on the board and, in the romfs form, ``code.romfs``.
``load_image`` reads such a folder back for ``deploy`` and refuses it when a
file differs from the manifest, or the ROMFS image from the files it lists.

For a board with a firmware manifest (``Board.port_manifest``) the folder also
holds ``frozen/``: ``manifest.py`` and the sources of the image's modules, to
freeze the same code into a firmware instead (``make BOARD=...
FROZEN_MANIFEST=.../frozen/manifest.py``, hw/README.md): frozen code keeps
even its names and raw code in flash, at the price of a firmware per release.

``footprint`` is what the files on the writable file system take on
littlefs: whole 4096-byte blocks per file (a little less than a block of data
each, littlefs keeps skip-list pointers in them) and a metadata pair per
directory; ``check_fits`` compares it with the board's budget, and the ROMFS
image with the board's ROM partition (``host.flash.boards``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from host.flash import config_files
from host.flash.boards import FORM_FOLDER, FORM_FROZEN, FORM_ROMFS, FORMS, Board, board
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
ROMFS_FILE = "code.romfs"  # the name mpremote romfs deploy reads as an image (.romfs)
FROZEN_DIR = "frozen"
ROM = "/rom"  # where MicroPython mounts the ROM partition (extmod/vfs.c)
FORMAT = 1

KIND_MPY = "mpy"
KIND_SOURCE = "source"
KIND_CONFIG = "config"

LFS_POINTER_BYTES = 8  # littlefs CTZ skip-list: two 4-byte pointers per block on average


@dataclass(frozen=True)
class Entry:
    """One file of the image, as the manifest lists it."""

    path: str  # on the board, absolute: "/firmware/records.mpy"
    size: int
    sha256: str
    kind: str
    source: str  # where it came from: "firmware/records.py", "station.json"

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
    reason: str  # "other_board", "cpython", "encoders" or "unused"


@dataclass
class Selection:
    sources: list[Source] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # boot files not there


def in_rom(path: str) -> bool:
    """Whether the board path ``path`` is in the ROMFS image (mounted at /rom)."""
    return path.startswith(ROM + "/")


@dataclass
class Image:
    """A built image: the files in deploy order (code, configuration, boot.py, main.py last)."""

    board: Board
    files: list[tuple[Entry, bytes]]
    excluded: list[Excluded]
    missing: list[str]
    compiler: str
    config: dict[str, Any]
    form: str = FORM_FOLDER
    romfs: bytes = b""  # the ROMFS image of the files under /rom (romfs form)
    sources: dict[str, bytes] = field(default_factory=dict)  # compiled modules' sources

    @property
    def entries(self) -> list[Entry]:
        return [entry for entry, _data in self.files]

    @property
    def fs_entries(self) -> list[Entry]:
        """The files that go on the writable file system."""
        return [e for e in self.entries if not in_rom(e.path)]

    @property
    def footprint(self) -> int:
        """Bytes the image takes of the writable file system (littlefs blocks)."""
        fs = self.fs_entries
        return footprint((e.path for e in fs), (e.size for e in fs), self.board)

    @property
    def flash_bytes(self) -> int:
        """Bytes the image puts in flash: its files, the ROMFS image in place of its files."""
        return len(self.romfs) + sum(e.size for e in self.fs_entries)

    def manifest(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "form": self.form,
            "romfs": romfs_row(self.romfs, self.board) if self.romfs else None,
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


def romfs_row(data: bytes, target: Board) -> dict[str, Any]:
    return {
        "file": ROMFS_FILE,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "partition": target.romfs_bytes,
    }


def _board_path(source: str, suffix: str) -> str:
    return "/" + str(PurePosixPath(source).with_suffix(suffix))


def _module_name(source: str) -> str:
    """ "firmware/records.py" -> "firmware.records"; a package's __init__.py -> the package."""
    parts = list(PurePosixPath(source).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST) -> set[str]:
    """Every module name ``tree`` imports where it runs (not under ``if TYPE_CHECKING:``),
    with ``from a import b`` also as "a.b" (b may be a module)."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _leave_out_unused(selection: Selection) -> None:
    """Move the modules the boot files never import (through any chain) to ``excluded``."""
    modules = {_module_name(s.source): s for s in selection.sources if s.kind == KIND_MPY}
    reached: set[str] = set()
    todo = [s for s in selection.sources if s.kind == KIND_SOURCE]
    if not todo:
        return  # no boot files: nothing to start from, nothing left out (they are missing)
    while todo:
        source = todo.pop()
        tree = ast.parse(source.local.read_bytes(), source.source)
        for name in _imported(tree):
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):  # a package's __init__ runs first
                prefix = ".".join(parts[:depth])
                if prefix in modules and prefix not in reached:
                    reached.add(prefix)
                    todo.append(modules[prefix])
    for name, source in sorted(modules.items()):
        if name not in reached:
            selection.sources.remove(source)
            selection.excluded.append(Excluded(source.source, "unused"))


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
    _leave_out_unused(selection)
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
    form: str | None = None,
) -> Image:
    """The image for ``board_name`` with the signed configuration ``config``, checked to fit;
    in the board's form unless ``form`` says otherwise."""
    target = board(board_name)
    form = form or target.code_form
    if (
        form not in FORMS
        or (form == FORM_ROMFS and not target.romfs_bytes)
        or (form == FORM_FROZEN and not target.port_manifest)
    ):
        raise FlashError("image.form", INVALID, board=target.name, form=form)
    fields = config_files.check(config)
    configured = fields.get("board", "esp32s3")
    if configured != target.name:
        raise FlashError("image.config_board", INVALID, board=target.name, configured=configured)
    selection = select_sources(target, root)
    mpy_cross = compiler or MpyCross()
    files = []
    sources = {}
    for source in selection.sources:
        if source.kind == KIND_MPY:
            data = mpy_cross.compile(source.local, source.source, target.march)
            sources[source.source] = source.local.read_bytes()
            if form == FORM_FROZEN:
                continue  # in the firmware
            path = ROM + source.path if form == FORM_ROMFS else source.path
        else:
            data = source.local.read_bytes()
            path = source.path
        files.append(_entry(path, data, source.kind, source.source))
    for name in config_files.NAMES:
        files.append(_entry(f"{STORAGE_ROOT}/{name}", config[name], KIND_CONFIG, name))
    files.sort(key=lambda item: _order(item[0]))
    romfs = romfs_image(files) if form == FORM_ROMFS else b""
    image = Image(
        target,
        files,
        selection.excluded,
        selection.missing,
        mpy_cross.version(),
        fields,
        form,
        romfs,
        sources,
    )
    check_fits(image.board, image.footprint)
    check_romfs_fits(image.board, len(image.romfs))
    return image


# -- ROMFS --------------------------------------------------------------------------------------


def romfs_image(files: Iterable[tuple[Entry, bytes]]) -> bytes:
    """The ROMFS image of the files under /rom, as ``mpremote romfs build`` makes it of a
    folder holding them: each folder's names in sorted order, folders and files alike."""
    from mpremote.romfs import VfsRomWriter  # type: ignore[import-untyped]

    tree: dict[str, Any] = {}
    for entry, data in files:
        if not in_rom(entry.path):
            continue
        *folders, name = PurePosixPath(entry.path).relative_to(ROM).parts
        node = tree
        for folder in folders:
            node = node.setdefault(folder, {})
        node[name] = data
    writer = VfsRomWriter()

    def add(node: dict[str, Any]) -> None:
        for name in sorted(node):
            if isinstance(node[name], dict):
                writer.opendir(name)
                add(node[name])
                writer.closedir()
            else:
                writer.mkfile(name, node[name])

    add(tree)
    image: bytes = writer.finalise()
    return image


def frozen_manifest(image: Image) -> str:
    """A MicroPython frozen manifest of the image's modules (their sources in sources/ beside
    it), on top of the board's own firmware manifest."""
    packages: dict[str, list[str]] = {}
    for source in sorted(image.sources):
        top, _, rest = source.partition("/")
        packages.setdefault(top, []).append(rest)
    lines = [
        f"# synk's station code for {image.board.title}, frozen into the firmware:",
        "# the other way to keep it in flash (hw/README.md, Firmware). Build with",
        f"#   make BOARD={image.board.build or image.board.firmware} FROZEN_MANIFEST=<this file>",
        f'include("{image.board.port_manifest}")',
    ]
    for top, files in packages.items():
        listed = ", ".join(repr(name) for name in files)
        lines.append(f'package("{top}", files=({listed},), base_path="sources")')
    return "\n".join(lines) + "\n"


def check_romfs_fits(target: Board, size: int) -> None:
    """Refuse a ROMFS image bigger than the board's ROM partition."""
    if size > target.romfs_bytes and size:
        raise FlashError(
            "image.romfs_too_large",
            INVALID,
            board=target.name,
            need=-(-size // 1024),
            partition=target.romfs_bytes // 1024,
        )


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
    shutil.rmtree(directory / FROZEN_DIR, ignore_errors=True)
    (directory / ROMFS_FILE).unlink(missing_ok=True)
    for entry, data in image.files:
        path = local_path(directory, entry.path)
        write_secret(path, data)  # its folders made 0700 (the configuration is among them)
    if image.romfs:
        write_secret(directory / ROMFS_FILE, image.romfs)
    if image.board.port_manifest and image.sources:
        frozen = directory / FROZEN_DIR
        for source, data in image.sources.items():
            write_secret(frozen / "sources" / source, data)
        write_secret(frozen / "manifest.py", frozen_manifest(image).encode())
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

    @property
    def form(self) -> str:
        return str(self.manifest.get("form", FORM_FOLDER))

    @property
    def romfs(self) -> dict[str, Any] | None:
        """The ROMFS image's row (file, size, sha256, partition); None in the folder form."""
        row = self.manifest.get("romfs")
        return dict(row) if row else None

    @property
    def romfs_path(self) -> Path:
        return self.directory / ROMFS_FILE

    @property
    def fs_entries(self) -> list[Entry]:
        return [e for e in self.entries if not in_rom(e.path)]


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
        form = manifest.get("form", FORM_FOLDER)
        romfs = manifest.get("romfs")
        if form not in FORMS or (form == FORM_ROMFS) != bool(romfs):
            raise ValueError(form)
        if any(in_rom(e.path) for e in entries) != (form == FORM_ROMFS):
            raise ValueError(form)
        if romfs and (romfs["file"] != ROMFS_FILE or int(romfs["size"]) < 0):
            raise ValueError(romfs)
    except (ValueError, KeyError, TypeError):
        raise FlashError("image.bad_manifest", INVALID, path=manifest_path) from None
    loaded = ImageDir(directory, target, entries, manifest)
    files = []
    for entry in entries:
        local = loaded.local(entry)
        data = local.read_bytes() if local.is_file() else None
        if (
            data is None
            or len(data) != entry.size
            or hashlib.sha256(data).hexdigest() != entry.sha256
        ):
            raise FlashError("image.corrupt", INVALID, path=entry.path, file=local)
        files.append((entry, data))
    if romfs:
        # the image deployed must be exactly the files listed: made again, compared
        path = loaded.romfs_path
        data = path.read_bytes() if path.is_file() else None
        if (
            data is None
            or len(data) != int(romfs["size"])
            or romfs_row(data, target)["sha256"] != romfs["sha256"]
        ):
            raise FlashError("image.corrupt", INVALID, path=ROM, file=path)
        if romfs_image(files) != data:
            raise FlashError("image.corrupt", INVALID, path=ROM, file=path)
    return loaded
