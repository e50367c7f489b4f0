"""One key session over the contact port, built from a station's parts.

For the MicroPython scripts that measure a whole sync (bench/station_sync.py,
tests/firmware/board_heap_sync.py): the key double on its byte port, the code
typed on the keypad double, display and indicator doubles, a fixed nonce.
"""

from firmware.key_link import KeyLink, StreamTransport
from firmware.key_session import KeySession
from tests.firmware.key_double import DisplayDouble, IndicatorDouble, KeypadDouble, KeyPortDouble


def contact_session(key, code, cache, codes, outbox, clock, log, station_id, ticks):
    """A KeySession for ``key`` with ``code`` already typed; ``ticks`` a key_double.Ticks."""
    keypad = KeypadDouble()
    keypad.type(code)
    port = KeyPortDouble(key, ticks)
    link = KeyLink(
        StreamTransport(port, ticks.ticks_ms, ticks.sleep_ms),
        ticks.ticks_ms,
        ticks.sleep_ms,
        first_seq=1000,
    )
    return KeySession(
        link,
        cache,
        codes,
        outbox,
        clock,
        keypad,
        DisplayDouble(),
        IndicatorDouble(),
        log,
        station_id,
        "Support",
        random_bytes=lambda n: bytes(n),
        ticks_ms=ticks.ticks_ms,
        sleep_ms=ticks.sleep_ms,
    )
