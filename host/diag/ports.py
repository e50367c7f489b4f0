"""Finding and opening the serial port a station or a USB key reader sits on.

``list_ports`` asks pyserial's ``serial.tools.list_ports`` and marks the ports
that are likely synk devices by their USB vendor and product ids: a station
on an ESP32-S3 (Espressif's native USB, or the DevKitC's USB-UART bridge) or
a Raspberry Pi Pico 2 W (MicroPython's id), and the common USB serial bridges
a key reader is built on. The emulator's PTYs are not listed (no system
lists them); the emulator prints their paths.

``open_port`` takes a device path (``/dev/ttyACM0``, ``COM3``, a PTY) or a
pyserial URL (``loop://``, ``socket://host:port``, ``rfc2217://host:port``),
opens it exclusively (so two tools cannot talk over each other) and turns
every way that can fail into a ``PortError`` with words a technician can act
on: missing, busy, permission denied (with the group to join), not a serial
port, nothing listening at a network URL.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import serial
import serial.tools.list_ports

if sys.platform != "win32":
    import grp

from host.diag.errors import (
    EXIT_BUSY,
    EXIT_DEVICE,
    EXIT_NO_ANSWER,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    PortError,
)

DEFAULT_BAUD = 115200
READ_TIMEOUT = 0.01  # the link keeps its own deadlines; reads only wait this long each

# USB vendor id -> catalogue key; (vendor, product) pairs take precedence.
_VENDORS = {
    0x303A: "ports.guess_station_esp32",  # Espressif: ESP32-S3 native USB (JTAG/serial, CDC)
    0x2E8A: "ports.guess_station_pico",  # Raspberry Pi: MicroPython on RP2350 is 2E8A:0005
}
_BRIDGES = {
    (0x10C4, 0xEA60),  # Silicon Labs CP210x (ESP32-S3-DevKitC-1 v1.0)
    (0x1A86, 0x55D3),  # WCH CH343 (ESP32-S3-DevKitC-1 v1.1)
    (0x1A86, 0x7523),  # WCH CH340
    (0x0403, 0x6001),  # FTDI FT232R
    (0x0403, 0x6015),  # FTDI FT231X
}


@dataclass(frozen=True)
class PortInfo:
    """One serial port as pyserial lists it; ``guess`` is a catalogue key or None."""

    device: str
    description: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    manufacturer: str | None
    guess: str | None

    @property
    def usb(self) -> str:
        if self.vid is None or self.pid is None:
            return ""
        return f"{self.vid:04X}:{self.pid:04X}"


def guess(vid: int | None, pid: int | None, names: Iterable[str | None]) -> str | None:
    """Which synk device a port probably is (a catalogue key), or None."""
    if any(name and "synk" in name.lower() for name in names):
        return "ports.guess_synk"
    if vid is None:
        return None
    if (vid, pid) in _BRIDGES:
        return "ports.guess_bridge"
    return _VENDORS.get(vid)


def list_ports(
    include_all: bool = False, comports: Callable[[], Iterable[Any]] | None = None
) -> list[PortInfo]:
    """Serial ports, likely synk devices first; without ``include_all`` only USB ones."""
    found = comports() if comports is not None else serial.tools.list_ports.comports()
    ports = []
    for info in found:
        vid, pid = info.vid, info.pid
        if vid is None and not include_all:
            continue
        names = (info.description, info.manufacturer, getattr(info, "product", None))
        ports.append(
            PortInfo(
                device=info.device,
                description=info.description or "",
                vid=vid,
                pid=pid,
                serial_number=info.serial_number,
                manufacturer=info.manufacturer,
                guess=guess(vid, pid, names),
            )
        )
    ports.sort(key=lambda p: (p.guess is None, p.device))
    return ports


def open_port(port: str, baud: int = DEFAULT_BAUD) -> serial.SerialBase:
    """The port opened exclusively, raw; ``PortError`` with a reason a technician can act on."""
    try:
        handle = serial.serial_for_url(
            port,
            baudrate=baud,
            timeout=READ_TIMEOUT,
            write_timeout=2.0,
            exclusive=True,
            do_not_open=True,
        )
    except (ValueError, serial.SerialException) as err:
        raise PortError("port.bad_url", EXIT_USAGE, port=port, reason=err) from None
    try:
        handle.open()
    except serial.SerialException as err:
        raise port_error(port, err) from None
    except (OSError, ValueError) as err:
        wrapped = serial.SerialException(getattr(err, "errno", None), str(err))
        raise port_error(port, wrapped) from None
    with contextlib.suppress(serial.SerialException, OSError):
        handle.reset_input_buffer()  # a URL handler may have no buffer to reset
    return handle


def _errno(err: BaseException) -> int | None:
    """The OS error number behind a SerialException (pyserial drops it for some failures)."""
    number = getattr(err, "errno", None)
    if isinstance(number, int):
        return number
    context = err.__context__
    number = getattr(context, "errno", None)
    return number if isinstance(number, int) else None


def port_group(port: str) -> str:
    """The group owning a device file ("dialout" when that cannot be read)."""
    if sys.platform == "win32":
        return "dialout"
    try:
        return grp.getgrgid(os.stat(port).st_gid).gr_name
    except (OSError, KeyError):
        return "dialout"


def port_error(port: str, err: BaseException) -> PortError:
    """The technician's words for a failure to open ``port``."""
    number = _errno(err)
    words = str(err)
    if number in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or "FileNotFoundError" in words:
        return PortError("port.missing", EXIT_NOT_FOUND, port=port)
    if number in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
        return PortError("port.busy", EXIT_BUSY, port=port)
    if number in (errno.EACCES, errno.EPERM):
        return PortError("port.permission", EXIT_BUSY, port=port, group=port_group(port))
    if "PermissionError" in words:  # Windows: a COM port open elsewhere is "access denied"
        return PortError("port.busy", EXIT_BUSY, port=port)
    if number == errno.ENOTTY or "Inappropriate ioctl" in words:
        return PortError("port.not_serial", EXIT_USAGE, port=port)
    if "expected a string in the form" in words:
        return PortError("port.bad_url", EXIT_USAGE, port=port, reason=words)
    if number in (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ETIMEDOUT) or any(
        sign in words for sign in ("Connection refused", "timed out", "Name or service not known")
    ):
        return PortError("port.refused", EXIT_NO_ANSWER, port=port, reason=words)
    return PortError("port.error", EXIT_DEVICE, port=port, reason=words)
