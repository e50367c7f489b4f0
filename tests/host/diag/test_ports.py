"""host.diag.ports: listing ports, and every way of not getting one open, in words."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
import serial
import serial.tools.list_ports
from serial.tools.list_ports_common import ListPortInfo

from emulator.pty_port import PtyPort
from host.diag import ports
from host.diag.ports import list_ports, port_error

from .conftest import FAST, Run


def _info(
    device: str, vid: int | None, pid: int | None, product: str | None = None
) -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.product = vid, pid, product
    info.serial_number = "A1B2" if vid else None
    if vid is not None:
        info.apply_usb_info()
    return info


FOUND = [
    _info("/dev/ttyS0", None, None),
    _info("/dev/ttyUSB0", 0x1A86, 0x7523, "USB Serial"),
    _info("/dev/ttyACM1", 0x2E8A, 0x0005, "Board in FS mode"),
    _info("/dev/ttyACM0", 0x303A, 0x1001, "USB JTAG/serial debug unit"),
    _info("/dev/ttyACM2", 0x1234, 0x5678, "synk key reader"),
    _info("/dev/ttyACM3", 0x1234, 0x9999, "Some modem"),
]


def test_list_marks_likely_synk_devices_first() -> None:
    found = list_ports(comports=lambda: FOUND)
    assert [p.device for p in found] == [
        "/dev/ttyACM0",
        "/dev/ttyACM1",
        "/dev/ttyACM2",
        "/dev/ttyUSB0",
        "/dev/ttyACM3",
    ]
    guesses = {p.device: p.guess for p in found}
    assert guesses["/dev/ttyACM0"] == "ports.guess_station_esp32"
    assert guesses["/dev/ttyACM1"] == "ports.guess_station_pico"
    assert guesses["/dev/ttyACM2"] == "ports.guess_synk"
    assert guesses["/dev/ttyUSB0"] == "ports.guess_bridge"
    assert guesses["/dev/ttyACM3"] is None
    assert found[0].usb == "303A:1001" and found[0].serial_number == "A1B2"
    assert "/dev/ttyS0" in [p.device for p in list_ports(True, comports=lambda: FOUND)]


def test_ports_command(monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda: FOUND)
    status, out, _ = run("ports")
    assert status == 0
    assert out.splitlines()[0].startswith("enhet / device")
    assert "trolig synkstation (ESP32-S3)" in out
    status, out, _ = run("ports", "--json")
    assert json.loads(out)["ports"][0]["vid"] == 0x303A
    monkeypatch.setattr(serial.tools.list_ports, "comports", lambda: [])
    status, out, _ = run("ports")
    assert status == 0 and "Inga serieportar hittades" in out


def test_missing_port(run: Run, tmp_path: Path) -> None:
    status, _, err = run("info", "--port", str(tmp_path / "ttyACM9"))
    assert status == 3
    assert "finns inte. Är kabeln i?" in err


def test_busy_port(run: Run) -> None:
    pty = PtyPort()
    try:
        with serial.Serial(pty.path, exclusive=True):
            status, _, err = run("info", "--port", pty.path)
        assert status == 4
        assert "används av ett annat program" in err and "is in use by another program" in err
    finally:
        pty.close()


def test_permission_and_busy_errors_in_words(tmp_path: Path) -> None:
    device = tmp_path / "ttyACM0"
    device.touch()
    denied = port_error(str(device), serial.SerialException(errno.EACCES, "could not open port"))
    assert denied.exit_status == 4
    assert "usermod -aG" in denied.text
    assert denied.values["group"] == ports.port_group(str(device))
    busy = port_error("/dev/ttyACM0", serial.SerialException(errno.EBUSY, "busy"))
    assert busy.key == "port.busy"
    windows = port_error(
        "COM3", serial.SerialException("could not open port 'COM3': PermissionError(13)")
    )
    assert windows.key == "port.busy"


def test_not_a_serial_port(run: Run, tmp_path: Path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    status, _, err = run("info", "--port", str(plain))
    assert status == 2
    assert "är ingen serieport" in err


def test_urls(run: Run) -> None:
    status, _, err = run("info", "--port", "loop://", *FAST)
    assert status == 6
    assert "våra egna meddelanden kom tillbaka" in err  # the loopback echoes the requests
    status, _, err = run("info", "--port", "nosuch://x")
    assert status == 2 and "Okänd port-URL" in err
    status, _, err = run("info", "--port", "socket://127.0.0.1:1")
    assert status == 6 and "Inget svarar på socket://127.0.0.1:1" in err


def test_port_from_the_environment(monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.delenv("SYNK_PORT", raising=False)
    status, _, err = run("info")
    assert status == 2 and "--port" in err
    monkeypatch.setenv("SYNK_PORT", "loop://")
    status, _, err = run("info", *FAST)
    assert status == 6 and "loop://" in err
