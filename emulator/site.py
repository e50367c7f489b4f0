"""The whole site on a laptop: back office, stations running the firmware, keys, locks, one clock.

``EmulatedSite(work_dir)`` builds (or reopens) the demo site of
emulator/demo_site.py in ``work_dir``, starts the back office's HTTP API on
loopback with the site's virtual clock, and puts a station on virtual hardware
(emulator/station_board.py) for each unit, running ``firmware/`` unchanged:
configured with the same signed station.json a board gets, talking to the
back office over real HTTP, its service console on a PTY. Staff keys are
VirtualKeys from the demo's seeds; locks are VirtualLocks with the demo's MAC
secrets and sequence numbers; a virtual USB key reader sits on its own PTY.

With ``vm="micropython"`` the stations (the first ``vm_stations`` of them)
run as flashed instead (emulator/vm_station.py, ``vm_stations``): each in a
MicroPython unix-port process, provisioned, built and deployed by mpremote,
reaching the same kind of virtual hardware through byte channels
(hw/VIRTUAL_BOARD.md); ``front(station_id)`` is either kind's hardware.

Time is ``clock`` (a VirtualClock): stopped for scenarios, which drive it with
``run_for``; running at real speed for the trainer, where ``start()`` runs the
world loop in a thread. Every action takes ``lock`` so the trainer and the
world loop never touch a device at the same time.

State that must survive a restart (the SQLite site, each station's flash,
each lock's sequence number and pending events, each key's slots, blocklist
and events) lives under ``work_dir``.

The site's clock never goes back: ``clock.json`` keeps the virtual time (at
every stop and every fast-forward) and the back office's port. A restart
resumes from the latest of the saved time, the demo's build time and the
``start`` asked for (the wall clock when none is): fast-forwarded days stay
done, and nothing the site recorded is dated after its own clock. The back
office comes back on the saved port when it is free (so the URL printed last
time still works), else on a new one.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.demo_site import FACTS_FILE, DemoSite, build_demo_site
from emulator.messages import LANGUAGES
from emulator.pty_port import PtyPort
from emulator.station_board import VirtualStationBoard
from emulator.usb_key_reader import UsbKeyReader
from emulator.virtual_clock import DriftingClock, VirtualClock
from emulator.virtual_key import VirtualKey
from emulator.virtual_lock import OpenResult, VirtualLock
from emulator.vm_station import VM_HEAP_BYTES, VmStationBoard
from firmware import station_config
from firmware.outbox import ACK_FILE
from firmware.startup import build_station
from firmware.station import Station
from host import csvfile
from host.backoffice.followup.service import FollowUp
from host.backoffice.service import BackOffice
from host.backoffice.site import Site
from host.backoffice.threaded_server import ThreadedServer
from host.flash.image import build_image, load_image, write_image
from host.secret_files import private_folder, write_secret
from hw.http_client import request as http_request

TICK_MS = 5
SUPPORT_CONTACT = "Bemanningen 010-123 45 67"
LOCKS_FILE = "locks.json"
KEYS_FILE = "keys.json"
# Locks installed while the site runs (not in the demo facts): their kind and MAC secret.
INSTALLED_LOCKS_FILE = "installed_locks.json"
# The virtual time at the last stop or fast-forward, and the back office's port.
CLOCK_FILE = "clock.json"


def resume_time(start: int | None, saved: int | None, built_at: int | None) -> int:
    """Where a (re)started site's clock begins: never before a time the site already showed.

    ``start`` is the time asked for (the wall clock when None), ``saved`` the
    clock at the last stop or fast-forward, ``built_at`` the demo's first build.
    """
    asked = start if start is not None else int(time.time())
    return max(asked, saved or 0, built_at or 0)


def _built_at(work_dir: Path) -> int | None:
    """The demo's build time from its facts file (a folder from before ``clock.json``)."""
    path = work_dir / FACTS_FILE
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("built_at")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class EmulatedStation:
    station_id: int
    unit_id: int
    name: str
    hardware: VirtualStationBoard
    station: Station
    console: PtyPort


@dataclass
class VmEmulatedStation:
    """A station as flashed: its firmware in a MicroPython process (emulator/vm_station.py)."""

    station_id: int
    unit_id: int
    name: str
    hardware: VmStationBoard

    @property
    def console_path(self) -> str:
        return self.hardware.console_path


class EmulatedSite:
    def __init__(
        self,
        work_dir: Path,
        *,
        seed: str = "synk demo",
        speed: float = 0.0,
        start: int | None = None,
        history_days: int = 45,
        log_echo: bool = False,
        ticks_start: int = 0,
        vm: str = "cpython",
        vm_stations: int | None = None,
        vm_heap_bytes: int = VM_HEAP_BYTES,
        vm_flash: Path | None = None,
        db_url: str | None = None,
        language: str = "both",
    ) -> None:
        """``vm="micropython"`` runs stations as flashed (``vm_stations``: the first so many)."""
        if vm not in ("cpython", "micropython"):
            raise ValueError(f"vm: 'cpython' or 'micropython', not {vm!r}")
        if language not in LANGUAGES:
            raise ValueError(f"language: must be one of {', '.join(LANGUAGES)}")
        # what the stations' displays say (station.json "language") and the back office's pages
        self.language = language
        self.work_dir = Path(work_dir)
        private_folder(self.work_dir, own=True)
        saved = self._saved_clock()
        # ticks_start: where the stations' ticks counter starts (near 2**30: it wraps soon).
        self.clock = VirtualClock(
            resume_time(start, saved.get("now"), _built_at(self.work_dir)),
            speed,
            ticks_start=ticks_start,
        )
        self.lock = threading.RLock()
        # db_url: the back office's database (a PostgreSQL URL, say); None: the site's
        # SQLite file, or the database the work folder's demo site was built in.
        self.demo: DemoSite = build_demo_site(
            self.work_dir, db_url=db_url, seed=seed, clock=self.clock, history_days=history_days
        )
        self.site: Site = self.demo.open()
        self.office = BackOffice(self.site, self.clock)
        self.admin = self.office.actor_for(None)
        self.visits_imported = self._import_demo_visits()
        self.server, self.url = self._serve(saved.get("port"))
        self._save_clock()
        self.keys = {
            key_id: VirtualKey(key_id, key.seed, monotonic=lambda: self.clock.monotonic_ms() / 1000)
            for key_id, key in self.demo.keys.items()
        }
        self._load_keys()
        self.locks = self._load_locks()
        self.reader = UsbKeyReader()
        self._log_echo = log_echo
        on_vm: set[int] = set()
        if vm == "micropython":
            on_vm = set(sorted(self.demo.stations)[:vm_stations])
        self.vm_heap_bytes = vm_heap_bytes
        self.vm_flash = vm_flash
        self.stations = {
            station_id: self._make_station(station_id)
            for station_id in self.demo.stations
            if station_id not in on_vm
        }
        self.vm_stations: dict[int, VmEmulatedStation] = {}
        try:
            for station_id in sorted(on_vm):
                self.vm_stations[station_id] = self._make_vm_station(station_id)
        except BaseException:
            for emulated in self.vm_stations.values():
                emulated.hardware.stop()
            self.server.stop()
            raise
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.last_open: dict[int, OpenResult] = {}  # lock id -> the last presentation there

    # -- building ---------------------------------------------------------------------

    def _saved_clock(self) -> dict[str, int]:
        data = _json_object(self.work_dir / CLOCK_FILE)
        return {k: v for k, v in data.items() if k in ("now", "port") and isinstance(v, int)}

    def _save_clock(self) -> None:
        data = {"now": self.clock.now(), "port": self.server.port}
        (self.work_dir / CLOCK_FILE).write_text(json.dumps(data) + "\n", encoding="utf-8")

    def _serve(self, port: int | None) -> tuple[ThreadedServer, str]:
        """The back office on ``port`` when it is free, else on a port the system picks."""
        if port and _port_free(port):
            server = ThreadedServer(self.site, self.clock, port=port, language=self.language)
            try:
                return server, server.start()
            except RuntimeError:  # taken between the check and the bind
                pass
        server = ThreadedServer(self.site, self.clock, language=self.language)
        return server, server.start()

    def _make_station(self, station_id: int) -> EmulatedStation:
        facts = self.demo.stations[station_id]
        hardware = VirtualStationBoard(
            facts.name, self.clock, self.work_dir / "stations" / str(station_id)
        )
        storage = hardware.board.storage
        if storage.read(station_config.CONFIG_FILE) is None:
            data, signature, _ = self.office.station_config(
                self.admin,
                station_id,
                self.url,
                SUPPORT_CONTACT,
                credential=facts.credential,
                options={"board": "emulator", "nfc": "uart", "language": self.language},
            )
            storage.write(station_config.CONFIG_FILE, data)
            storage.write(station_config.SIGNATURE_FILE, signature)
            # The demo's history used the outbox indexes before this one.
            storage.write(ACK_FILE, (facts.next_outbox_index - 1).to_bytes(4, "little"))
        else:
            self._follow_backoffice_url(storage)
        config = station_config.load(storage)
        console = PtyPort()
        echo = (lambda line: print(f"[{facts.name}] {line}")) if self._log_echo else None
        station = build_station(
            hardware.board,
            config,
            http=hardware.network.wrap(http_request),
            console_stream=console,
            ticks=self.clock,
            random_bytes=secrets.token_bytes,
            log_echo=echo,
        )
        station.boot()
        return EmulatedStation(station_id, facts.unit_id, facts.name, hardware, station, console)

    def _make_vm_station(self, station_id: int) -> VmEmulatedStation:
        """Provision, build and deploy the station's image as an installer does, then boot it.

        The back office issues the signed configuration (board "unix", its back
        office the station's switched uplink), ``host.flash.image`` builds the
        image with mpy-cross, and mpremote copies it onto the VM board's flash
        and resets it. Only a flash that already holds this very image is not
        copied again (``vm_flash``: a flash folder to start from, e.g. one deployed earlier).
        """
        facts = self.demo.stations[station_id]
        folder = self.work_dir / "stations" / str(station_id)
        _, _, office_port = self.url.rpartition(":")
        if self.vm_flash is not None and not (folder / "vm-flash").exists():
            shutil.copytree(self.vm_flash, folder / "vm-flash")
        hardware = VmStationBoard(
            facts.name,
            self.clock,
            folder / "vm-flash",
            ("127.0.0.1", int(office_port.strip("/"))),
            heap_bytes=self.vm_heap_bytes,
        )
        try:
            data, signature, _ = self.office.station_config(
                self.admin,
                station_id,
                hardware.uplink.url,
                SUPPORT_CONTACT,
                credential=facts.credential,
                options={"board": "unix", "nfc": "uart"},
            )
            image = build_image(
                "unix",
                {station_config.CONFIG_FILE: data, station_config.SIGNATURE_FILE: signature},
            )
            write_image(image, folder / "vm-image")
            image_dir = load_image(folder / "vm-image")
            private_folder(hardware.storage_dir, own=True)
            storage = hardware.storage()
            if storage.read(ACK_FILE) is None:
                # The demo's history used the outbox indexes before this one.
                storage.write(ACK_FILE, (facts.next_outbox_index - 1).to_bytes(4, "little"))
            hardware.flash_and_start(image_dir)
        except BaseException:
            hardware.stop()
            raise
        return VmEmulatedStation(station_id, facts.unit_id, facts.name, hardware)

    def _follow_backoffice_url(self, storage: Any) -> None:
        """A restarted emulator serves the back office on a new port, or was started with another
        language: re-issue the config."""
        config = json.loads(storage.read(station_config.CONFIG_FILE))
        if config["backoffice_url"] == self.url and config.get("language", "both") == self.language:
            return
        data, signature, _ = self.office.station_config(
            self.admin,
            config["station_id"],
            self.url,
            config["support_contact"],
            credential=config["credential"],
            options={
                "board": "emulator",
                "nfc": config.get("nfc", "uart"),
                "language": self.language,
            },
        )
        storage.write(station_config.CONFIG_FILE, data)
        storage.write(station_config.SIGNATURE_FILE, signature)

    def _import_demo_visits(self) -> int:
        """The demo's visit registrations into the back office (importing again changes nothing).

        The demo writes them as the time-and-effort system's export would; the
        follow-up pages compare them with the lock events.
        """
        path = self.demo.visits_csv
        if not path.exists():
            return 0
        rows = []
        with path.open(newline="", encoding="utf-8") as export:
            for row in csvfile.read_records(export.read()):
                rows.append(
                    {
                        "customer_ref": row["customer_ref"],
                        "staff_ref": row["staff"],
                        "start": row["start"],
                        "end": row["end"],
                        "registered_by": row["registration"],
                    }
                )
        result = FollowUp(self.office).import_visits(self.admin, rows, first_row=2)
        return len(rows) - len(result.errors)

    def _load_locks(self) -> dict[int, VirtualLock]:
        saved: dict[str, Any] = {}
        path = self.work_dir / LOCKS_FILE
        if path.exists():
            saved = json.loads(path.read_text())
        locks = {}
        for lock_id, facts in self.demo.locks.items():
            if not facts.installed:
                continue
            locks[lock_id] = self._virtual_lock(
                lock_id, facts.kind, facts.secret, saved.get(str(lock_id)), facts.next_seq
            )
        for text_id, installed in self._installed_locks().items():
            lock_id = int(text_id)
            if lock_id not in locks:
                locks[lock_id] = self._virtual_lock(
                    lock_id,
                    installed["kind"],
                    bytes.fromhex(installed["secret"]),
                    saved.get(text_id),
                )
        return locks

    def _virtual_lock(
        self, lock_id: int, kind: str, secret: bytes, state: Any, seq_start: int = 1
    ) -> VirtualLock:
        """A lock as saved at the last stop, or new when it has no saved state."""
        if state is not None:
            return VirtualLock.from_saved(
                state, self.demo.authority_keys, secret, DriftingClock(self.clock)
            )
        return VirtualLock(
            lock_id,
            kind,
            self.demo.authority_keys,
            secret,
            DriftingClock(self.clock),
            seq_start=seq_start,
        )

    def _installed_locks(self) -> dict[str, Any]:
        return _json_object(self.work_dir / INSTALLED_LOCKS_FILE)

    def install_lock(self, lock_id: int, kind: str, secret: bytes) -> VirtualLock:
        """A lock fitted while the site runs: kept with the site's state, back after a restart."""
        with self.lock:
            if lock_id in self.locks:
                raise ValueError(f"lock {lock_id} is already installed")
            installed = self._installed_locks()
            installed[str(lock_id)] = {"kind": kind, "secret": secret.hex()}
            # the MAC secret: owner only
            write_secret(self.work_dir / INSTALLED_LOCKS_FILE, json.dumps(installed, indent=2))
            lock = self._virtual_lock(lock_id, kind, secret, None)
            self.locks[lock_id] = lock
        return lock

    def _load_keys(self) -> None:
        """Keys keep their sets, blocklist and events between runs, as real keys do."""
        path = self.work_dir / KEYS_FILE
        if not path.exists():
            return
        for key_id, state in json.loads(path.read_text()).items():
            key = self.keys.get(int(key_id))
            if key is not None:
                key.restore(state)

    def save(self) -> None:
        """Keep what the locks and keys know (sequence numbers, sets, events not yet handed on)."""
        with self.lock:
            locks = {str(lock_id): lock.saved_state() for lock_id, lock in self.locks.items()}
            keys = {str(key_id): key.saved_state() for key_id, key in self.keys.items()}
        # the locks' MAC secrets and the keys' private keys: owner only
        write_secret(self.work_dir / LOCKS_FILE, json.dumps(locks))
        write_secret(self.work_dir / KEYS_FILE, json.dumps(keys))
        self._save_clock()

    # -- time -------------------------------------------------------------------------

    def step(self) -> None:
        """One pass of every station's main loop and of the USB key reader."""
        with self.lock:
            for emulated in self.stations.values():
                emulated.station.tick()
            for on_vm in self.vm_stations.values():
                on_vm.hardware.step()
            self.reader.poll()

    def run_for(self, seconds: float) -> None:
        """Stopped clock: run the world for `seconds` of virtual time, tick by tick."""
        end = self.clock.monotonic_ms() + int(seconds * 1000)
        while self.clock.monotonic_ms() < end:
            self.step()
            self.clock.advance_ms(TICK_MS)

    def run_until(self, condition: Any, timeout_s: float = 60.0) -> bool:
        """Stopped clock: run until `condition()` holds (True) or `timeout_s` virtual seconds."""
        end = self.clock.monotonic_ms() + int(timeout_s * 1000)
        while self.clock.monotonic_ms() < end:
            if condition():
                return True
            self.step()
            self.clock.advance_ms(TICK_MS)
        return bool(condition())

    def fast_forward(self, seconds: float) -> None:
        """Jump the world's time (and every station's and lock's clock with it)."""
        with self.lock:
            self.clock.advance(seconds)
            self._save_clock()  # a crash later does not undo the days jumped

    def start(self) -> None:
        """Running clock: the world loop in a thread, until stop()."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="world", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.step()
            # A tick is TICK_MS of virtual time whatever the speed, so fast clocks
            # do not outrun the keypad's debouncing.
            time.sleep(TICK_MS / 1000 / max(1.0, self.clock.speed))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.save()
        for on_vm in self.vm_stations.values():
            on_vm.hardware.stop()
        self.server.stop()
        for emulated in self.stations.values():
            emulated.console.close()
        self.reader.close()
        self.site.close()

    def reboot(self, station_id: int) -> EmulatedStation:
        """Power the station off and on: new hardware objects over the same flash folder."""
        with self.lock:
            self.stations[station_id].console.close()
            self.stations[station_id] = self._make_station(station_id)
            return self.stations[station_id]

    # -- what people do ---------------------------------------------------------------

    def station(self, station_id: int) -> EmulatedStation:
        return self.stations[station_id]

    def station_for_unit(self, unit_id: int) -> EmulatedStation:
        for emulated in self.stations.values():
            if emulated.unit_id == unit_id:
                return emulated
        raise KeyError(f"no station for unit {unit_id}")

    def front(self, station_id: int) -> VirtualStationBoard | VmStationBoard:
        """The station's hardware, in this process's firmware or on its VM."""
        if station_id in self.vm_stations:
            return self.vm_stations[station_id].hardware
        return self.stations[station_id].hardware

    def key_of(self, staff_id: int) -> VirtualKey:
        key_id = self.demo.staff[staff_id].key_id
        if key_id is None:
            raise KeyError(f"staff member {staff_id} has no key")
        return self.keys[key_id]

    def insert_key(self, station_id: int, key: VirtualKey) -> None:
        with self.lock:
            self.front(station_id).insert_key(key)

    def pull_key(self, station_id: int) -> None:
        with self.lock:
            self.front(station_id).pull_key()

    def hold_key_to_nfc(self, station_id: int, key: VirtualKey) -> None:
        """Hold a key to the station's NFC reader (the key's UID is derived from its id)."""
        with self.lock:
            uid = b"\x08" + key.key_id.to_bytes(4, "big")[1:]  # 0x08: a random-ID UID
            self.front(station_id).hold_key_to_reader(key, uid)

    def key_on_nfc(self, station_id: int) -> VirtualKey | None:
        """The key held to the station's NFC reader, if any."""
        with self.lock:
            card = self.front(station_id).chip
            held = card.card if card is not None else None
            return getattr(held, "key", None)

    def take_key_from_nfc(self, station_id: int) -> None:
        with self.lock:
            self.front(station_id).take_key_from_reader()

    def type_code(self, station_id: int, keys: str) -> None:
        with self.lock:
            self.front(station_id).press(keys)

    def open_door(self, lock_id: int, key: VirtualKey) -> OpenResult:
        with self.lock:
            result = self.locks[lock_id].try_open(key)
            self.last_open[lock_id] = result
            return result

    def lock_door(self, lock_id: int) -> bool:
        """Lock a door again after a visit; False when it was not open."""
        with self.lock:
            return self.locks[lock_id].lock_again()

    def set_online(self, station_id: int, online: bool) -> None:
        with self.lock:
            self.front(station_id).network.online = online
            emulated = self.stations.get(station_id)
            if online and emulated is not None and emulated.station.uplink is not None:
                emulated.station.uplink.retry_now()

    def sync(self, station_id: int, key: VirtualKey, code: str, timeout_s: float = 120) -> Any:
        """Stopped clock: a whole sync at a station, key in, code typed, key out; the result."""
        emulated = self.stations[station_id]
        before = emulated.station.last_result
        self.insert_key(station_id, key)
        self.type_code(station_id, code)
        self.run_until(lambda: emulated.station.last_result is not before, timeout_s)
        result = emulated.station.last_result
        self.pull_key(station_id)
        self.run_for(0.05)
        return result


def _json_object(path: Path) -> dict[str, Any]:
    """A file the site keeps in its work folder, read as a JSON object; {} if not there yet."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not readable: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a JSON object")
    return data
