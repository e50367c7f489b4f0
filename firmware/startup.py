"""Putting a station together: the same wiring on a board (``run_board``) and in the emulator.

``build_station(board, config, ...)`` makes the ``Station`` with its uplink to
the back office (when the board has a network) and its service console (when
given a stream). ``run_board()`` is what firmware/main.py calls on a
MicroPython board: read the signed configuration from flash, build the real
board from its pin map, honour maintenance mode, connect Wi-Fi, boot, loop.

Maintenance mode: hold ``#`` on the keypad while the station powers up, or
send ``SVC_MAINTENANCE`` with a service token over the console (``synk diag
maintenance --token FILE``, SPEC.md 7). The station then shows
"Underhållsläge" and does not start (or stops), leaving the USB port to
MicroPython's REPL so `synk flash deploy` (mpremote) can reach it. While the
station runs, the USB port carries the service console's frames and Ctrl-C is
off (frames may hold the byte 0x03).
"""

from firmware import messages, station_config
from firmware.service_console import ServiceConsole
from firmware.station import Station
from firmware.uplink import Uplink

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable  # read under TYPE_CHECKING only

    from hw._port import TicksSource
    from hw.board import Board, HttpTransport, KeypadPart

MAINTENANCE_KEY = "#"


def build_station(
    board: "Board",
    config: "dict[str, Any]",
    http: "HttpTransport | None" = None,
    console_stream: "Any" = None,
    ticks: "TicksSource | None" = None,
    random_bytes: "Callable[[int], bytes] | None" = None,
    random: "Callable[[], float] | None" = None,
    log_echo: "Callable[[str], object] | None" = None,
    key_baud: int = 0,
) -> Station:
    station = Station(
        board,
        config,
        ticks=ticks,
        random_bytes=random_bytes,
        log_echo=log_echo,
        key_baud=key_baud,
    )
    if board.network is not None:
        station.uplink = Uplink(
            config,
            station.cache,
            station.outbox,
            board.clock,
            station.log,
            board.network,
            http=http,
            ticks=ticks,
            random=random,
            status=station.status_model.fields,
            ssl_context=uplink_tls_context(config),
            events=station.events,
        )
    if console_stream is not None:
        station.console = ServiceConsole(console_stream, station)
    return station


def uplink_tls_context(config: "dict[str, Any]") -> "Any":
    """A context trusting only the configuration's back-office CA; None for http://."""
    ca_der = station_config.backoffice_ca(config)
    if ca_der is None:
        return None
    from hw.http_client import tls_context

    return tls_context(ca_der)


def _pins(board_name: str) -> "dict[str, Any]":
    if board_name == "unix":
        from hw import pins_unix

        return pins_unix.PINS
    if board_name == "pico2w":
        from hw import pins_pico2w

        return pins_pico2w.PINS
    from hw import pins_esp32s3

    return pins_esp32s3.PINS


def maintenance_requested(
    keypad: "KeypadPart", ticks: "TicksSource | None" = None, looks: int = 5
) -> bool:
    """True when the maintenance key is held down at power-up (seen on every look)."""
    source: "Any" = ticks
    if source is None:
        from hw import _port

        source = _port
    for _ in range(looks):
        if keypad.scan() != MAINTENANCE_KEY:
            return False
        source.sleep_ms(20)
    return True


def run_board() -> None:
    """Start the station on a MicroPython board (firmware/main.py)."""
    from firmware.storage import DirStorage
    from hw.board_setup import STORAGE_ROOT, make_board
    from hw.usb_serial import UsbSerial

    storage = DirStorage(STORAGE_ROOT)
    try:
        config = station_config.load(storage)
    except station_config.ConfigError as exc:
        board = make_board(_pins("esp32s3"), {"nfc": "none"})
        sv, en = messages.text("not_provisioned")
        board.display.show(sv, en + " (" + str(exc) + ")")
        board.indicator.error()
        print("synk: station not started:", exc)
        return
    pins = _pins(config.get("board", "esp32s3"))
    if not pins:
        print(
            "synk: station %d configured; this board has no station hardware"
            % (config["station_id"])
        )
        return
    ticks: "TicksSource | None" = None
    if config.get("board") == "unix":
        # The virtual board (hw/pins_unix.py): its parts and its time are the emulator's,
        # through byte channels; its clock is also the station's ticks source.
        from hw.vm_setup import make_board as make_vm_board

        board = make_vm_board(pins, config)
        vm_clock: "Any" = board.clock  # the panel link: a ClockPart and a TicksSource
        ticks = vm_clock
    else:
        board = make_board(pins, config)
    if maintenance_requested(board.keypad, ticks):
        sv, en = messages.text("maintenance")
        board.display.show(sv, en)
        print("synk: maintenance mode, REPL free")
        return
    if board.network is not None:
        board.network.connect(15000)
    console = UsbSerial()
    station = build_station(board, config, console_stream=console, ticks=ticks)
    station.boot()
    try:
        station.run_forever()  # returns after SVC_MAINTENANCE
    finally:
        console.release()
    print("synk: maintenance mode, REPL free")
