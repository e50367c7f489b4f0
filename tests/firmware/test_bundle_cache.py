"""firmware.bundle_cache: verify before replacing, check at boot, 8 days offline, nothing invented.

The bundles are the committed fixtures of tests/firmware/make_fixtures.py
(facts in tests/firmware/fixtures/__init__.py); times are moved with a
ManualClock.
"""

from firmware import codec, ed25519
from firmware.bundle_cache import (
    CACHE_FILE,
    REJECT_BAD_HASH,
    REJECT_BAD_SIGNATURE,
    REJECT_MALFORMED,
    REJECT_NOT_NEWER,
    REJECT_OTHER_STATION,
    REJECT_UNKNOWN_AUTHORITY,
    BundleCache,
    BundleRejected,
    Refusal,
)
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.protocol_constants import (
    REASON_CACHE_EXPIRED,
    REASON_KEY_BLOCKED,
    REASON_NO_SET_NOW,
    REASON_UNKNOWN_KEY,
)
from firmware.storage import DirStorage
from tests.firmware import fixtures as fx
from tests.firmware.power_cut import PowerCut, RamFiles

SERIAL1 = fx.read("bundle_serial1.bin")
SERIAL2 = fx.read("bundle_serial2.bin")


def _cache(files=None, now=fx.EPOCH):
    clock = ManualClock(now)
    log = Log(clock)
    storage = DirStorage("/flash", files=files or RamFiles())
    cache = BundleCache(storage, fx.STATION_ID, fx.UNIT_ID, [fx.AUTHORITY_PUBLIC], log)
    return cache, clock, log


def _refusal(cache, key_id, now):
    try:
        cache.permission_set_for(key_id, now)
    except Refusal as refusal:
        return refusal
    raise AssertionError("a set was handed out for key %d at %d" % (key_id, now))


def _rejection(cache, data):
    try:
        cache.install(data)
    except BundleRejected as rejected:
        return rejected.code
    raise AssertionError("bundle accepted")


def test_installed_bundle_hands_out_the_authoritys_own_set():
    cache, clock, _ = _cache()
    cache.install(SERIAL1)
    data, entry = cache.permission_set_for(10, clock.now())
    fields = codec.decode_record("permission_set", data)
    _, locks, public = fx.KEYS[10]
    assert fields["key_id"] == 10
    assert fields["key_public"] == public
    assert fields["lock_ids"] == locks
    assert fields["valid_from"] <= clock.now() < fields["valid_until"]
    assert entry["valid_until"] == fields["valid_until"]
    assert ed25519.verify(
        fx.AUTHORITY_PUBLIC, codec.signed_part("permission_set", data), data[-64:]
    )


def test_bundle_survives_a_reboot_and_a_damaged_one_is_discarded_with_a_reason():
    files = RamFiles()
    cache, _, _ = _cache(files)
    cache.install(SERIAL1)
    rebooted, _, _ = _cache(files)
    assert rebooted.load() is None
    assert rebooted.serial == 1
    files.files["/flash/" + CACHE_FILE][5000 % len(SERIAL1)] ^= 0x01
    damaged, _, log = _cache(files)
    why = damaged.load()
    assert why == "checksum mismatch"
    assert not damaged.loaded
    assert "discarded" in log.tail(1, 1000)[2]
    assert files.size("/flash/" + CACHE_FILE) == -1
    refusal = _refusal(damaged, 10, fx.EPOCH)
    assert (refusal.reason, refusal.message) == (REASON_CACHE_EXPIRED, "no_bundle")


def test_offline_day_by_day_up_to_the_limit_then_refused_with_the_reason():
    cache, clock, _ = _cache()
    cache.install(SERIAL1)
    for day in range(8):
        clock.set(fx.EPOCH + day * fx.DAY)
        data, _ = cache.permission_set_for(10, clock.now())
        fields = codec.decode_record("permission_set", data)
        assert fields["valid_from"] <= clock.now() < fields["valid_until"], day
    # Day 8, one second before the limit: the last day's window still holds.
    clock.set(fx.OFFLINE_UNTIL - 1)
    cache.permission_set_for(10, clock.now())
    clock.set(fx.OFFLINE_UNTIL)
    refusal = _refusal(cache, 10, clock.now())
    assert (refusal.reason, refusal.message) == (REASON_CACHE_EXPIRED, "cache_expired")
    assert refusal.detail == fx.OFFLINE_UNTIL
    assert cache.margin_s(clock.now()) == 0


def test_only_what_the_bundle_holds_is_handed_out():
    cache, _, _ = _cache()
    cache.install(SERIAL1)
    for key_id, (_, locks, _) in fx.KEYS.items():
        hour = 0
        while fx.EPOCH + hour * 3600 < fx.OFFLINE_UNTIL:
            now = fx.EPOCH + hour * 3600
            hour += 5
            try:
                data, _ = cache.permission_set_for(key_id, now)
            except Refusal:
                continue
            fields = codec.decode_record("permission_set", data)
            assert fields["lock_ids"] == locks
            assert fx.NEW_LOCK not in fields["lock_ids"]


def test_a_day_without_a_set_is_refused_once_the_previous_window_ends():
    cache, _, _ = _cache()
    cache.install(SERIAL1)
    day3 = fx.DAY0 + fx.NO_SET_DAY_OF_12 * fx.DAY
    cache.permission_set_for(12, day3 + 11 * 3600)  # day 2's 36-hour window still holds
    refusal = _refusal(cache, 12, day3 + 13 * 3600)
    assert refusal.reason == REASON_NO_SET_NOW


def test_unknown_and_blocked_keys_are_refused():
    cache, clock, _ = _cache()
    cache.install(SERIAL1)
    assert _refusal(cache, 99, clock.now()).reason == REASON_UNKNOWN_KEY
    cache.install(SERIAL2)
    refusal = _refusal(cache, 11, clock.now())
    assert (refusal.reason, refusal.message) == (REASON_KEY_BLOCKED, "key_blocked")
    data, _ = cache.permission_set_for(10, clock.now())
    assert fx.NEW_LOCK in codec.decode_record("permission_set", data)["lock_ids"]
    assert cache.is_blocked(11)
    assert codec.decode_record("blocklist", cache.blocklist())["key_ids"] == [11]


def test_every_bad_bundle_is_refused_and_the_cached_one_stays_in_use():
    cache, clock, _ = _cache()
    cache.install(SERIAL2)
    tampered_section = bytearray(SERIAL1)
    tampered_section[-100] ^= 0x40
    tampered_header = bytearray(SERIAL1)
    tampered_header[16] = 9  # the serial, under the signature
    cases = [
        (b"not a bundle at all", REJECT_MALFORMED),
        (SERIAL1[:-1], REJECT_MALFORMED),
        (fx.read("bundle_unknown_authority.bin"), REJECT_UNKNOWN_AUTHORITY),
        (fx.read("bundle_other_station.bin"), REJECT_OTHER_STATION),
        (bytes(tampered_section), REJECT_BAD_HASH),
        (bytes(tampered_header), REJECT_BAD_SIGNATURE),
        (SERIAL1, REJECT_NOT_NEWER),
    ]
    for data, expected in cases:
        assert _rejection(cache, data) == expected, expected
        assert cache.serial == 2
        cache.permission_set_for(10, clock.now())


def test_power_cut_at_every_byte_of_an_install_leaves_exactly_the_old_or_the_new():
    verifier, _, _ = _cache()
    old_header = verifier.verify(SERIAL1)
    header = verifier.verify(SERIAL2)
    cut = 0
    while True:
        files = RamFiles()
        cache, _, _ = _cache(files)
        cache.store(SERIAL1, old_header)  # verified once above: each cut only replays the write
        files.cut_after(cut)
        try:
            cache.store(SERIAL2, header)
            finished = True
        except PowerCut:
            finished = False
        files.restore_power()
        rebooted, _, _ = _cache(files)
        assert rebooted.load() is None, cut
        assert rebooted.serial in (1, 2), cut
        if finished:
            assert rebooted.serial == 2
            break
        cut += 1
    assert cut > len(SERIAL2)
