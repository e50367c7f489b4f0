"""What the firmware's source must not contain, because a board runs it (issue 19).

Portable: runs on the MicroPython unix port as on CPython, reading the files
of firmware/ and hw/ from the checkout.

- ``raise ... from ...``: MicroPython has no exception chaining and prints
  "Warning: exception chaining not supported" on the console, which on the
  ESP32 is the USB port the service console talks over.
- arithmetic on a ``ticks_ms()`` reading: the counter wraps (2**30 ms on a
  board), so deadlines go through ``ticks_add`` and comparisons through
  ``ticks_diff`` (hw._port, firmware.clock).
"""

import os
import re

_CHAINED = re.compile(r"^(raise .*|\)) +from +[A-Za-z_][A-Za-z_0-9.]*$")
_TICKS_MATH = re.compile(r"ticks(_ms)?\(\) *(\+|-[^>])|[-+] *[A-Za-z_.]*ticks(_ms)?\(\)")


def _root():
    here = __file__.replace("\\", "/")
    parts = here.split("/")
    root = "/".join(parts[:-3])
    return root or "."


def _sources():
    root = _root()
    for folder in ("firmware", "hw"):
        for name in sorted(os.listdir(root + "/" + folder)):
            if name.endswith(".py"):
                path = root + "/" + folder + "/" + name
                with open(path) as handle:
                    yield folder + "/" + name, handle.read()


def _offending(pattern):
    found = []
    for name, text in _sources():
        for number, line in enumerate(text.split("\n")):
            code = line.split("#")[0].strip()
            if pattern.search(code):
                found.append("%s:%d: %s" % (name, number + 1, code))
    return found


def test_the_scan_reads_the_firmware():
    names = [name for name, _ in _sources()]
    assert "firmware/station.py" in names and "hw/_port.py" in names, names
    assert _CHAINED.search("raise ValueError(x) from None")
    assert _CHAINED.search(") from exc")
    assert not _CHAINED.search("from firmware import records")
    assert not _CHAINED.search('"the bytes read from flash"')
    assert _TICKS_MATH.search("self._next = self.ticks_ms() + NFC_POLL_MS")
    assert _TICKS_MATH.search("now - self._ticks.ticks_ms()")
    assert _TICKS_MATH.search("self._link_next = self._ticks() + delay")  # 19.1's uplink
    assert not _TICKS_MATH.search("ticks_diff(self.ticks_ms(), start)")
    assert not _TICKS_MATH.search("def ticks_ms() -> int:")


def test_no_exception_chaining_in_firmware_or_hw():
    found = _offending(_CHAINED)
    assert not found, "\n".join(found)


def test_no_arithmetic_on_raw_ticks_in_firmware_or_hw():
    found = _offending(_TICKS_MATH)
    assert not found, "\n".join(found)
