"""Issue 17's figures: the image per board, and the heap the firmware takes on the unix port.

- ``image_bytes_<board>``: bytes ``synk flash build`` puts in the board's flash
  (``Image.flash_bytes``: the ROMFS image where the board runs its code from
  ROMFS, else the .mpy files, plus the boot files and the configuration).
  Before issue 17 (every .mpy copied to the file system, commit 17dd0be):
  esp32s3 133,431, pico2w 133,415, unix 132,687.
- ``vm_heap_code_bytes``: the heap importing every module of the unix image
  takes, in the folder form the virtual board runs (bench/vm_heap_code.py);
  ``vm_heap_code_bytes_romfs_<board>``: the same for that board's ROMFS image,
  mounted with ``vfs.VfsRom`` and run in place, what the board's heap pays for
  code. Both on the 64-bit unix port: a 32-bit board's objects are smaller.
- ``vm_heap_data_peak_bytes``: the most live data one full run holds
  (bench/station_run.py: boot, heartbeat + bundle download, upload, one key
  session with 200 audit events, upload), with ``vm_heap_data_peak_<phase>``
  per phase. Budget ``DATA_PEAK_BUDGET`` (96 KiB): bench/run.py's ``BUDGETS``,
  which ``inv bench`` fails on.
- ``vm_heap_min_ok_bytes`` (issue 15, and 11's bisection): the smallest
  ``-X heapsize`` at which that same full run succeeds (the script exits 0, the
  back office got every event), to ``HEAP_STEP`` (4 KiB), by bench/heap_bisect.py;
  a ``MemoryError`` or any other failure is not ok. The run is plain (no heap
  probe: the station's own heap policy, firmware/heap.py). The heap holds the
  code (folder form: every .mpy read into it) and the key double too, so this
  is the whole run's need on the 64-bit port. Budget ``HEAP_MIN_OK_BUDGET``
  (160 KiB). ``vm_heap_min_ok_bytes_romfs``: the same with the code in a ROMFS
  image run in place, as the boards run it, the image's buffer not counted.
  2026-12-04: 397,312 and 294,912 (684,032 folder before the heap policy and
  the HTTP client's small reads; hw/README.md).

The bundle is SPEC.md 8.4's budget (100 keys, 60 locks, tests/factories.py),
served with the station's own interface of SPEC.md 9 by ``_BackOffice`` on
loopback: ``GET .../bundle`` (ETag, 304 for the serial the station holds),
``POST .../heartbeat`` (the time) and ``POST .../audit`` (acknowledged through
the batch's last index, as the back office does after its commit). It keeps
nothing of the station's, so the station's side is what is measured.
"""

from __future__ import annotations

import json
import struct
import sys
import tempfile
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench import heap_bisect
from bench.firmware_bench import _run_micropython
from firmware import bundle_format
from host.flash.boards import BOARDS
from host.flash.image import (
    KIND_MPY,
    REPO_ROOT,
    ROM,
    Entry,
    Image,
    build_image,
    in_rom,
    romfs_image,
    write_image,
)
from host.flash.mpy import MpyCross
from tests import factories
from tests.host.flash.conftest import signed_config

DATA_PEAK_BUDGET = 96 * 1024
HEAP_MIN_OK_BUDGET = 160 * 1024  # issue 15's goal, from about 800 KiB before it
HEAP_STEP = 4 * 1024
HEAP_MIN_HIGH = 4 * 1024 * 1024  # the heap the other figures run with
KEYS, LOCKS, EVENTS = 100, 60, 200
STATION_ID, UNIT_ID = 7, 3  # the factories' bundle's
_BATCH_HEAD = struct.Struct("<4sBBHIII")  # firmware/audit_upload.py: SKUP header


def images() -> dict[str, Image]:
    return {name: build_image(name, signed_config(name)) for name in sorted(BOARDS)}


def _modules(image: Image) -> list[str]:
    """Every module of the image, as ``import`` names it."""
    names = []
    for entry in image.entries:
        if entry.kind != "mpy":
            continue
        path = entry.path.removeprefix("/rom") if in_rom(entry.path) else entry.path
        name = path.removeprefix("/").removesuffix(".mpy").replace("/", ".")
        names.append(name.removesuffix(".__init__"))
    return sorted(names)


def code_heap(built: dict[str, Image], work: Path) -> dict[str, float]:
    results: dict[str, float] = {}
    for name, image in built.items():
        folder = work / name
        write_image(image, folder)
        if image.form == "romfs":
            where, metric = str(folder / "code.romfs"), f"vm_heap_code_bytes_romfs_{name}"
        else:
            where, metric = str(folder / "files"), "vm_heap_code_bytes"
        figures = _run_micropython(
            "-X", "heapsize=8M", "bench/vm_heap_code.py", image.form, where, *_modules(image)
        )
        results[metric] = int(figures["vm_heap_code_bytes"])
    return results


class _BackOffice(ThreadingHTTPServer):
    def __init__(self, bundle: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bundle = bundle
        self.serial = bundle_format.bundle_header(bundle)["serial"]
        self.uploaded = 0

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A run with too small a heap drops its connection mid-answer (the bisection's
        # failing runs): nothing to report; anything else is.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _BackOffice
    prefix = f"/api/v1/stations/{STATION_ID}/"

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, fields: dict[str, Any]) -> None:
        self._answer(200, json.dumps(fields).encode(), {"Content-Type": "application/json"})

    def _route(self) -> str | None:
        if self.headers.get("Authorization") != "Bearer station-run-bench":
            self._answer(401, b"{}", {"Content-Type": "application/json"})
            return None
        if not self.path.startswith(self.prefix):
            self._answer(404, b"{}", {"Content-Type": "application/json"})
            return None
        return self.path[len(self.prefix) :]

    def do_GET(self) -> None:  # the name http.server calls
        if self._route() != "bundle":
            return
        etag = f'"{self.server.serial}"'
        if etag in self.headers.get("If-None-Match", ""):
            self._answer(304, b"", {"ETag": etag})
            return
        headers = {"ETag": etag, "Content-Type": "application/octet-stream"}
        self._answer(200, self.server.bundle, headers)

    def do_POST(self) -> None:
        route = self._route()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if route == "heartbeat":
            self._json({"time": factories.EPOCH})
        elif route == "audit":
            magic, _, _, count, station, first, _ = _BATCH_HEAD.unpack_from(body)
            if magic != b"SKUP" or station != STATION_ID or count == 0:
                self._answer(400, b"{}", {"Content-Type": "application/json"})
                return
            self.server.uploaded += count
            last = first + count - 1
            self._json({"acked_through": last, "stored": count, "duplicates": 0, "rejected": 0})
        elif route is not None:
            self._answer(404, b"{}", {"Content-Type": "application/json"})

    def log_message(self, format: str, *args: object) -> None:
        pass


# What the run imports besides the image, compiled as the image is: on a board nothing is
# compiled from source, and compiling on the heap would leave it in pieces the station's
# own figures do not owe. The record encoders are the key double's (the image leaves them
# out); their package is the image's.
HELPERS = (
    "bench/__init__.py",
    "bench/bench_key.py",
    "bench/heap_probe.py",
    "firmware/record_encoders.py",
    "tests/__init__.py",
    "tests/firmware/__init__.py",
    "tests/firmware/key_double.py",
    "tests/firmware/sync_rig.py",
)


def _helpers(unix: Image) -> list[tuple[Entry, bytes]]:
    compiler = MpyCross()
    files = []
    for source in HELPERS:
        data = compiler.compile(REPO_ROOT / source, source, unix.board.march)
        path = "/" + source.removesuffix(".py") + ".mpy"
        files.append((Entry(path, len(data), "", KIND_MPY, source), data))
    return files


class _Site:
    """The back office on loopback and the unix image's code, in the folder form or as a
    ROMFS image: what a full run (bench/station_run.py) needs, for as many runs as asked,
    each on an empty flash."""

    def __init__(
        self, unix: Image, work: Path, keys: int, locks: int, events: int, form: str = "folder"
    ) -> None:
        staff = factories.unit_keys(keys, locks)
        self.key, self.locks, self.events = staff[0], locks, events
        work.mkdir(parents=True, exist_ok=True)
        self.folder = work / "unix-run"
        write_image(unix, self.folder)
        helpers = _helpers(unix)
        self.code = str(self.folder / "files")
        self.rom_bytes = 0
        if form == "romfs":
            code = [(e, d) for e, d in unix.files if e.kind == KIND_MPY] + helpers
            rom = romfs_image((replace(e, path=ROM + e.path), d) for e, d in code)
            (self.folder / "code.romfs").write_bytes(rom)
            self.code, self.rom_bytes = str(self.folder / "code.romfs"), len(rom)
        else:
            for entry, data in helpers:
                local = self.folder / "files" / entry.path.lstrip("/")
                local.parent.mkdir(parents=True, exist_ok=True)
                local.write_bytes(data)
        self.flashes = work / "flashes"
        self.flashes.mkdir()
        self.server = _BackOffice(factories.bundle(staff))

    def __enter__(self) -> _Site:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def args(self, plain: bool = False) -> list[str]:
        """The script and its arguments for one run on a new, empty flash; the back office's
        count of uploaded records starts again at 0. ``plain``: without the heap probe."""
        flash = tempfile.mkdtemp(dir=self.flashes)
        self.server.uploaded = 0
        return [
            "bench/station_run.py",
            self.code,
            flash,
            self.server.url,
            factories.AUTHORITY.public.hex(),
            str(STATION_ID),
            str(UNIT_ID),
            str(factories.EPOCH),
            str(self.key.key_id),
            self.key.code,
            str(self.locks),
            str(self.events),
            *(["--plain"] if plain else []),
        ]

    def all_uploaded(self) -> bool:
        return self.server.uploaded >= self.events


def data_peak(
    unix: Image, work: Path, keys: int = KEYS, locks: int = LOCKS, events: int = EVENTS
) -> dict[str, float]:
    with _Site(unix, work, keys, locks, events) as site:
        figures = _run_micropython("-X", "heapsize=4M", *site.args())
        if not site.all_uploaded():
            raise RuntimeError(f"the back office got {site.server.uploaded} records, not {events}+")
    results: dict[str, float] = {"vm_heap_data_peak_bytes": int(figures["vm_heap_data_peak_bytes"])}
    for phase in ("boot", "online", "session", "upload"):
        results[f"vm_heap_data_peak_{phase}"] = int(figures[f"{phase}_peak"])
    return results


def heap_min_ok(
    unix: Image,
    work: Path,
    keys: int = KEYS,
    locks: int = LOCKS,
    events: int = EVENTS,
    high: int = HEAP_MIN_HIGH,
) -> dict[str, float]:
    """``vm_heap_min_ok_bytes``: the smallest ``-X heapsize`` (to ``HEAP_STEP``) at which the
    whole run succeeds: the script exits 0 and the back office got every event."""
    with _Site(unix, work, keys, locks, events) as site:

        def ok(heapsize: int) -> bool:
            return (
                heap_bisect.micropython_ok(site.args(plain=True), heapsize) and site.all_uploaded()
            )

        found = heap_bisect.min_ok(ok, 0, high, HEAP_STEP)
    return {"vm_heap_min_ok_bytes": found}


def heap_min_ok_romfs(
    unix: Image,
    work: Path,
    keys: int = KEYS,
    locks: int = LOCKS,
    events: int = EVENTS,
    high: int = HEAP_MIN_HIGH,
) -> dict[str, float]:
    """``vm_heap_min_ok_bytes_romfs``: the same bisection with the code in a ROMFS image run in
    place, as the boards run it: the heap beyond the image's buffer (its bytes and the
    bytearray's own block, which on a board are flash)."""
    with _Site(unix, work, keys, locks, events, form="romfs") as site:
        rom = -(-(site.rom_bytes + 1) // 16) * 16 + 32  # the data's blocks and the object's

        def ok(heapsize: int) -> bool:
            return (
                heap_bisect.micropython_ok(site.args(plain=True), heapsize + rom)
                and site.all_uploaded()
            )

        found = heap_bisect.min_ok(ok, 0, high, HEAP_STEP)
    return {"vm_heap_min_ok_bytes_romfs": found}


def run() -> dict[str, float]:
    built = images()
    results: dict[str, float] = {
        f"image_bytes_{name}": image.flash_bytes for name, image in built.items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results.update(code_heap(built, work))
        results.update(data_peak(built["unix"], work))
        results.update(heap_min_ok(built["unix"], work / "min-ok"))
        results.update(heap_min_ok_romfs(built["unix"], work / "min-ok-romfs"))
    return results
