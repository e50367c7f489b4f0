"""Pin map of the virtual board on the MicroPython unix port: its channels to the emulator.

The unix port has no GPIO, UART or I2C. A station image deployed to the
virtual board (emulator/vm_board.py) is the real image (compiled firmware/
and hw/, boot.py, main.py, the signed configuration) and boots as on a
board; its parts reach the emulator's virtual hardware through byte channels
(hw/VIRTUAL_BOARD.md), the way a board's parts hang on its pins. Where each
channel is, the emulator says in the environment of the process it starts:

    SYNK_VM_CHANNELS=panel=127.0.0.1:PORT,key=127.0.0.1:PORT,nfc=127.0.0.1:PORT

(``nfc`` left out: no NFC reader). Without it (a unix port started by hand,
or by a deploy test with no emulator behind it) ``PINS`` is empty, and
``firmware.startup.run_board`` says the board has no station hardware and
stops after reading the configuration.
"""

import os

BOARD = "MicroPython unix port (virtual board)"
WIRING_VARIABLE = "SYNK_VM_CHANNELS"
CHANNELS = ("panel", "key", "nfc")


def parse_wiring(text: "str | None") -> "dict[str, object]":
    """``panel=HOST:PORT,key=...`` as a dict; {} for no wiring. ValueError for a bad one."""
    wiring: "dict[str, object]" = {}
    if not text:
        return wiring
    for part in text.split(","):
        name, _, address = part.partition("=")
        if name not in CHANNELS or ":" not in address:
            raise ValueError("%s: bad channel %r" % (WIRING_VARIABLE, part))
        wiring[name] = address
    if "panel" not in wiring or "key" not in wiring:
        raise ValueError("%s: the panel and key channels are needed" % WIRING_VARIABLE)
    return wiring


PINS: "dict[str, object]" = parse_wiring(os.getenv(WIRING_VARIABLE))
