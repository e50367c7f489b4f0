"""The station's status, one model for everyone who shows it (issue 15.3).

``Status`` answers three readers with the same rules:

- the service console's ``SVC_STATUS``: ``fields()``, the 17 fields of
  ``STATION_STATUS`` (SPEC.md section 7), each within its wire size;
- the heartbeat (SPEC.md section 9): the uplink is given ``fields`` as a
  function and posts what it returns, so it never calls back into the station;
- the idle screen: ``idle_text()``, the (Swedish, English) lines the station
  shows while no key is in (firmware.messages).

The flags are the protocol's (firmware.protocol_constants ``STATION_FLAG_*``)
and their rules live here only: ``OUTBOX_FULL`` while the outbox refuses
records; ``CACHE_EXPIRED`` while a bundle is cached and its ``offline_until``
has come (``margin_s`` 0: the idle screen says the same); ``CLOCK_NOT_SET``
while the clock reads before 2024 or an OffsetClock was never set since boot.

What only the station's main loop sees is handed in as it happens: the running
key session's link (``session_link``, for its CRC errors), a finished one's
result (``session_ended``), and the uplink once there is one (``link``: its
``online``). Uptime is counted across the ticks counter's wraps
(firmware.clock.Uptime); ``tick()`` keeps that count, once per main-loop pass.
"""

from firmware import messages
from firmware.clock import Uptime
from firmware.protocol_constants import (
    STATION_FLAG_CACHE_EXPIRED,
    STATION_FLAG_CLOCK_NOT_SET,
    STATION_FLAG_OUTBOX_FULL,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

    from firmware.bundle_cache import BundleCache
    from firmware.outbox import Outbox
    from firmware.storage import DirStorage
    from hw._port import TicksSource
    from hw.board import KeyPortPart

FIRMWARE_VERSION = 0x0100  # 1.0: major × 256 + minor, as KEY_INFO and STATION_STATUS carry it
CLOCK_SET_AFTER = 1704067200  # 2024-01-01: a clock before this has never been set
_U32 = 0xFFFFFFFF


def _u32(value: int) -> int:
    return max(0, min(int(value), _U32))


class Status:
    """``Status(station_id, unit_id, clock, cache, outbox, ticks, storage=, key_port=, support=)``.

    ``storage`` (for ``flash_free``) and ``key_port`` (for ``key_present``) are
    the board's; without them those fields are 0. ``support`` is the contact
    the idle screen names (the station's configuration). ``link`` is set to the uplink
    (anything with ``online``) when the station has one.
    """

    def __init__(
        self,
        station_id: int,
        unit_id: int,
        clock: "Any",
        cache: "BundleCache",
        outbox: "Outbox",
        ticks: "TicksSource",
        storage: "DirStorage | None" = None,
        key_port: "KeyPortPart | None" = None,
        support: str = "",
    ) -> None:
        self.station_id = int(station_id)
        self.unit_id = int(unit_id)
        self._clock = clock
        self._cache = cache
        self._outbox = outbox
        self._storage = storage
        self._key_port = key_port
        self._support = support
        self._uptime = Uptime(ticks)
        self.link: "Any" = None
        self.last_error = 0  # the reason code (SPEC.md 9.2) of the last sync that failed
        self.session_link: "Any" = None  # the running key session's link
        self._crc_total = 0  # CRC errors of finished sessions

    # -- what the main loop hands in --------------------------------------------------

    def tick(self) -> None:
        """Once per main-loop pass: keeps the uptime counting across the ticks' wraps."""
        self._uptime.seconds()

    def session_ended(self, result: "Any", link: "Any") -> None:
        """A key session finished: its CRC errors count on, its failure is the last error."""
        self._crc_total += link.crc_errors
        if result.reason and result.outcome != "ok_until":
            self.last_error = result.reason
        self.session_link = None

    def reset(self) -> None:
        """A factory reset forgets the last error."""
        self.last_error = 0

    # -- the rules ----------------------------------------------------------------------

    def online(self) -> bool:
        link = self.link
        return link is not None and bool(link.online)

    def clock_set(self) -> bool:
        return self._clock.now() >= CLOCK_SET_AFTER and getattr(self._clock, "is_set", True)

    def cache_expired(self, now: int) -> bool:
        return self._cache.loaded and self._cache.margin_s(now) <= 0

    def flags(self, now: "int | None" = None) -> int:
        if now is None:
            now = self._clock.now()
        flags = 0
        if self._outbox.full:
            flags |= STATION_FLAG_OUTBOX_FULL
        if self.cache_expired(now):
            flags |= STATION_FLAG_CACHE_EXPIRED
        if not self.clock_set():
            flags |= STATION_FLAG_CLOCK_NOT_SET
        return flags

    def crc_errors(self) -> int:
        link = self.session_link
        return self._crc_total + (link.crc_errors if link is not None else 0)

    def uptime_s(self) -> int:
        return self._uptime.seconds()

    # -- the readers --------------------------------------------------------------------

    def fields(self) -> "dict[str, int]":
        """``STATION_STATUS`` (SPEC.md 7): the console's answer and the heartbeat's body."""
        now = self._clock.now()
        header = self._cache.header
        port = self._key_port
        flash_free = 0
        if self._storage is not None:
            try:
                flash_free = _u32(self._storage.free())
            except OSError:
                pass
        return {
            "station_id": self.station_id,
            "unit_id": self.unit_id,
            "firmware": FIRMWARE_VERSION,
            "online": 1 if self.online() else 0,
            "last_error": self.last_error & 0xFF,
            "clock": _u32(now),
            "bundle_serial": header["serial"] if header else 0,
            "bundle_issued": header["issued_at"] if header else 0,
            "offline_until": header["offline_until"] if header else 0,
            "outbox_records": self._outbox.records(),
            "outbox_bytes": self._outbox.pending_bytes(),
            "flash_free": flash_free,
            "last_upload": _u32(self._outbox.last_ack_time),
            "uptime_s": _u32(self.uptime_s()),
            "crc_errors": min(self.crc_errors(), 0xFFFF),
            "key_present": 1 if port is not None and port.present() else 0,
            "flags": self.flags(now),
        }

    def idle_text(self) -> "tuple[str, str, str]":
        """What the idle screen says (firmware.messages.screen's three parts): no bundle,
        expired, ready (offline: with the days left)."""
        now = self._clock.now()
        if not self._cache.loaded:
            return messages.screen("no_bundle", self._support)
        if self.cache_expired(now):
            return messages.screen("cache_expired", self._support)
        sv, en = messages.text("ready")
        if self.link is not None and not self.online():
            days = messages.counted("days", self._cache.margin_s(now) // 86400)
            days_sv, days_en = messages.text("offline_margin", days)
            return sv + "\n" + days_sv, en + "\n" + days_en, ""
        return sv, en, ""
