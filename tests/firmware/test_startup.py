"""firmware.startup, firmware/main.py and firmware/boot.py: a station brought up as on a board.

Portable (runs on the MicroPython unix port too). ``run_board`` runs as
main.py calls it, unchanged: tests/hw/dummies.py's DummyMachine and
DummyNetwork stand in for the board port's ``machine`` and ``network``
modules, the flash is a folder (hw.board_setup.STORAGE_ROOT pointed there),
the USB console is hw.usb_serial.UsbSerial on a file holding what the
technician sent, and the back office's HTTP is a recorder. The real pin map,
drivers, storage, Station, ServiceConsole and Uplink do the rest.
"""

import json
from hashlib import sha256

import firmware
from firmware import heap, messages, startup, station_config
from firmware.bundle_cache import authority_key_id
from firmware.clock import ManualClock
from firmware.framing import FrameDecoder, encode_frame
from firmware.protocol_constants import (
    MSG_SVC_MAINTENANCE,
    MSG_SVC_STATUS,
    REASON_BOOT,
    ST_OK,
    STATION_FLAG_CLOCK_NOT_SET,
)
from firmware.records import decode_record
from firmware.service_console import ServiceConsole
from firmware.storage import DirStorage
from firmware.uplink import Uplink
from firmware.wire_messages import decode_message, encode_message
from hw import board_setup, http_client, pins_esp32s3, usb_serial
from hw.board import Board
from hw.ds3231 import DS3231
from tests.firmware import fixtures as fx
from tests.firmware.key_double import (
    DisplayDouble,
    IndicatorDouble,
    KeypadDouble,
    Ticks,
    public_key,
    sign,
)
from tests.firmware.power_cut import RamFiles
from tests.firmware.test_service_console import Line
from tests.firmware.test_service_token import TOKENS
from tests.firmware.test_station import ContactSlot
from tests.firmware.test_uplink import Network
from tests.hw.dummies import (
    DummyMachine,
    DummyNetwork,
    DummyWLAN,
    remove_tree,
    temp_folder,
    with_attributes,
    with_modules,
)

PINS = pins_esp32s3.PINS
AUTHORITY_SEED = sha256(b"synk test authority").digest()  # tests/factories.py's AUTHORITY


def _config(**fields):
    """(station.json, station.sig): the fixture configuration with ``fields`` changed, signed
    as the back office signs it (station_config's context, the authority's key)."""
    config = station_config.parse(fx.read("station.json"), fx.read("station.sig"))
    config.update(fields)
    data = json.dumps(config).encode("utf-8")
    signature = sign(AUTHORITY_SEED, station_config.signature_message(data))
    return data, authority_key_id(public_key(AUTHORITY_SEED)) + signature


def _frames(*messages):
    return b"".join(encode_frame(encode_message(t, seq, p)) for t, seq, p in messages)


def _answers(data):
    decoder = FrameDecoder()
    bodies = decoder.feed(bytes(data))
    assert decoder.crc_errors == 0
    return [decode_message(body) for body in bodies]


# -- build_station --------------------------------------------------------------------


def _parts_board(network=None):
    ticks = Ticks(1000)
    board = Board(
        ContactSlot(ticks),
        None,
        KeypadDouble(),
        DisplayDouble(),
        IndicatorDouble(),
        ManualClock(fx.EPOCH),
        DirStorage("/flash", files=RamFiles()),
        network=network,
    )
    return board, ticks


def _fixture_config():
    return station_config.parse(fx.read("station.json"), fx.read("station.sig"))


def test_build_station_without_network_or_console_has_neither():
    board, ticks = _parts_board()
    station = startup.build_station(board, _fixture_config(), ticks=ticks)
    assert station.uplink is None and station.console is None
    assert station.board is board and station.clock is board.clock
    station.boot()
    no_bundle = messages.screen("no_bundle", "")[0]
    assert board.display.swedish.startswith(no_bundle)  # no bundle yet


def test_build_station_gives_a_networked_board_an_uplink_and_a_stream_a_console():
    network = Network()
    board, ticks = _parts_board(network)
    requests = []

    def http(method, url, headers, body, timeout, **options):
        requests.append((method, url, headers.get("Authorization")))
        raise OSError(113, "no route to host")

    line = Line()
    config = _fixture_config()
    station = startup.build_station(
        board, config, http=http, console_stream=line, ticks=ticks, random=lambda: 0.0
    )
    assert isinstance(station.uplink, Uplink)
    assert station.status_model.link is station.uplink  # the status' "online"
    assert isinstance(station.console, ServiceConsole)
    station.boot()
    line.incoming += _frames((MSG_SVC_STATUS, 5, b""))
    station.tick()
    # the console answered on its stream ...
    (answer,) = _answers(line.outgoing)
    assert (answer["type"], answer["seq"], answer["status"]) == (MSG_SVC_STATUS, 5, ST_OK)
    # ... and the uplink went to the configured back office with the station's credential
    base = config["backoffice_url"] + "/api/v1/stations/%d/" % fx.STATION_ID
    assert requests and requests[0][1].startswith(base)
    assert requests[0][2] == "Bearer " + config["credential"]
    assert not station.uplink.online


# -- maintenance at power-up ------------------------------------------------------------


def test_maintenance_is_asked_for_only_while_the_key_is_held_at_every_look():
    held = KeypadDouble(held=startup.MAINTENANCE_KEY)
    assert startup.maintenance_requested(held, looks=5)
    assert held.scans == 5
    nothing = KeypadDouble()
    assert not startup.maintenance_requested(nothing, looks=5)
    assert nothing.scans == 1  # no key: the station starts at once
    other = KeypadDouble(held="5")
    assert not startup.maintenance_requested(other)


# -- run_board -------------------------------------------------------------------------


class BoardBench:
    """Everything run_board reaches for on a board, as stand-ins; ``run()`` calls it."""

    def __init__(self, config_files=None, usb_in=b"", wlan=None, rtc=True, loop=True):
        """``rtc``: a DS3231 on the bus; ``loop``: False stops the station right after boot."""
        self.root = temp_folder()
        self.storage_root = self.root + "/synk"
        storage = DirStorage(self.storage_root)
        if config_files is not None:
            storage.write(station_config.CONFIG_FILE, config_files[0])
            storage.write(station_config.SIGNATURE_FILE, config_files[1])
        self.machine = DummyMachine(keypad=(PINS["keypad_rows"], PINS["keypad_cols"]))
        bus = self.machine.I2C(PINS["i2c_id"])
        bus.add_device(0x3C)  # the SSD1306
        if rtc:
            bus.add_device(0x68, 0x13)  # the DS3231, keeping UTC
            DS3231(bus).set(fx.EPOCH)
        self.loop = loop
        self.wlan = wlan or DummyWLAN(polls_needed=2)
        self.usb_in_path = self.root + "/usb-in"
        with open(self.usb_in_path, "wb") as f:
            f.write(usb_in)
        self.usb_out = bytearray()
        self._open_files = []
        self.consoles = []
        self.boards = []
        self.stations = []
        self.requests = []
        self.joined_before_start = None  # the Wi-Fi network joined when the station was built
        self.released = 0  # UsbSerial.release(): the REPL has its Ctrl-C back

    def close(self):
        for f in self._open_files:
            f.close()
        remove_tree(self.root)

    def _make_board(self, pins, config=None):
        board = self._real_make_board(pins, config)
        self.boards.append(board)
        return board

    def _build_station(self, *args, **kwargs):
        self.joined_before_start = self.wlan.joined
        station = self._real_build_station(*args, **kwargs)
        self.stations.append(station)
        if not self.loop:
            station.run_forever = lambda poll_ms=5: None
        return station

    def _usb_serial(self):
        bench = self

        class Out:
            def write(self, data):
                bench.usb_out.extend(data)

            def flush(self):
                pass

        class Recorded(self._real_usb_serial):
            def release(self):
                bench.released += 1
                super().release()

        usb_in = open(self.usb_in_path, "rb")  # noqa: SIM115  # closed by close()
        self._open_files.append(usb_in)
        console = Recorded(usb_in, Out())
        self.consoles.append(console)
        return console

    def _http(self, method, url, headers=None, body=b"", timeout=10, **options):
        self.requests.append((method, url))
        raise OSError(113, "no route to host")

    def run(self):
        self._real_make_board = board_setup.make_board
        self._real_build_station = startup.build_station
        self._real_usb_serial = usb_serial.UsbSerial
        changes = (
            (board_setup, "STORAGE_ROOT", self.storage_root),
            (board_setup, "make_board", self._make_board),
            (startup, "build_station", self._build_station),
            (usb_serial, "UsbSerial", self._usb_serial),
            (http_client, "request", self._http),
        )
        modules = {"machine": self.machine, "network": DummyNetwork(self.wlan)}
        with_modules(modules, with_attributes, changes, startup.run_board)


def test_run_board_without_a_configuration_says_so_and_does_not_start():
    bench = BoardBench()
    try:
        bench.run()
        (board,) = bench.boards
        assert board.display.swedish.startswith("Stationen är inte")
        assert "station.json: missing" in board.display.english
        assert bench.machine.pins[PINS["led_red"]].level == 1  # the red LED: refused
        assert bench.stations == [] and bench.consoles == []
    finally:
        bench.close()


def test_run_board_with_the_maintenance_key_held_leaves_the_repl_free():
    bench = BoardBench(_config(wifi_ssid="Hemtjanst", wifi_password="hemligt"))
    bench.machine.matrix.press(startup.MAINTENANCE_KEY)
    try:
        bench.run()
        (board,) = bench.boards
        assert (board.display.swedish, board.display.english) == (
            "Underhållsläge",
            "Maintenance mode",
        )
        assert bench.stations == [] and bench.consoles == []  # no station, USB left to the REPL
        assert bench.wlan.joined is None  # nor Wi-Fi
    finally:
        bench.close()


def test_run_board_starts_the_station_serves_the_console_and_stops_for_maintenance():
    usb_in = _frames(
        (MSG_SVC_STATUS, 1, b""),
        (MSG_SVC_MAINTENANCE, 2, TOKENS["maintenance"]),
    )
    bench = BoardBench(_config(wifi_ssid="Hemtjanst", wifi_password="hemligt"), usb_in)
    try:
        bench.run()  # returns: SVC_MAINTENANCE stopped the main loop
        (board,) = bench.boards
        (station,) = bench.stations
        assert len(bench.consoles) == 1
        assert station.board is board and station.console is not None
        assert station.console.requests == 2  # both frames came in through UsbSerial
        # the board as its pin map and configuration make it: the silent PN532 is a fault
        assert [fault.split(":")[0] for fault in board.faults] == ["nfc"]
        assert board.clock.now() >= fx.EPOCH
        # Wi-Fi was joined before the station started, and the uplink used it
        assert bench.joined_before_start == ("Hemtjanst", "hemligt")
        assert bench.requests and bench.requests[0][1].startswith("http://127.0.0.1:8700/api/v1/")
        # the console's two answers went out on the USB port
        answers = _answers(bench.usb_out)
        assert [(a["type"], a["seq"], a["status"]) for a in answers] == [
            (MSG_SVC_STATUS, 1, ST_OK),
            (MSG_SVC_MAINTENANCE, 2, ST_OK),
        ]
        assert station.maintenance
        assert bench.released == 1  # the USB port is the REPL's again
        assert (board.display.swedish, board.display.english) == (
            "Underhållsläge",
            "Maintenance mode",
        )
        # booted on the flash: the boot is recorded in the outbox there
        records = [decode_record("outbox_record", r) for r in station.outbox.pending()[1]]
        station_events = [r["reason"] for r in records if r["kind"] == 2]
        assert station_events[0] == REASON_BOOT
        assert station_config.CONFIG_FILE in DirStorage(bench.storage_root).names()
    finally:
        bench.close()


def test_run_board_with_an_rtc_that_does_not_answer_starts_and_waits_for_the_time():
    bench = BoardBench(_config(), rtc=False, loop=False)
    try:
        bench.run()
        (board,) = bench.boards
        (station,) = bench.stations
        assert [fault.split(":")[0] for fault in board.faults] == ["nfc", "clock"]
        # booted on a clock that counts as not set, until the back office tells the time
        assert station.status()["flags"] & STATION_FLAG_CLOCK_NOT_SET
        records = [decode_record("outbox_record", r) for r in station.outbox.pending()[1]]
        assert [r["reason"] for r in records if r["kind"] == 2] == [REASON_BOOT]
        board.clock.set(fx.EPOCH)
        assert not station.status()["flags"] & STATION_FLAG_CLOCK_NOT_SET
        assert fx.EPOCH <= station.now() <= fx.EPOCH + 5
    finally:
        bench.close()


# -- main.py and boot.py ------------------------------------------------------------------


def _source(name):
    folder = firmware.__file__.rsplit("/", 1)[0]
    with open(folder + "/" + name) as f:
        return f.read()


def test_main_py_sets_the_heap_policy_then_starts_the_station_through_run_board():
    calls = []

    def run_board():
        calls.append("run_board")

    def collect_early():
        calls.append("collect_early")

    patched = ((startup, "run_board", run_board), (heap, "collect_early", collect_early))
    source = _source("main.py")
    with_attributes(patched, exec, source, {"__name__": "__main__"})
    assert calls == ["collect_early", "run_board"]
    with_attributes(patched, exec, source, {"__name__": "main"})
    assert calls == ["collect_early", "run_board"]  # imported, not run: nothing starts


class _Os:
    """The ``os`` module as boot.py sees it: folders made, and those already there."""

    def __init__(self, existing=()):
        self.made = []
        self.existing = list(existing)

    def mkdir(self, path):
        if path in self.existing or path in self.made:
            raise OSError(17, "EEXIST")
        self.made.append(path)


def test_boot_py_makes_the_storage_folder_and_its_parent():
    fresh = _Os()
    with_modules({"os": fresh}, exec, _source("boot.py"), {"__name__": "__main__"})
    root = board_setup.STORAGE_ROOT
    assert fresh.made == [root.rsplit("/", 1)[0], root]  # the parent first
    again = _Os(existing=fresh.made)  # the next power-up: both are there, nothing fails
    with_modules({"os": again}, exec, _source("boot.py"), {"__name__": "__main__"})
    assert again.made == []
