"""firmware.bundle_cache: verify before replacing, check at boot, 8 days offline, nothing invented.

The bundles are the committed fixtures of tests/firmware/make_fixtures.py
(facts in tests/firmware/fixtures/__init__.py); times are moved with a
ManualClock.
"""

from firmware import ed25519
from firmware.bundle_cache import (
    BLOCK,
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
from firmware.records import decode_record, signed_part
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
    fields = decode_record("permission_set", data)
    _, locks, public = fx.KEYS[10]
    assert fields["key_id"] == 10
    assert fields["key_public"] == public
    assert fields["lock_ids"] == locks
    assert fields["valid_from"] <= clock.now() < fields["valid_until"]
    assert entry["valid_until"] == fields["valid_until"]
    assert ed25519.verify(fx.AUTHORITY_PUBLIC, signed_part("permission_set", data), data[-64:])


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
        fields = decode_record("permission_set", data)
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
            fields = decode_record("permission_set", data)
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
    assert fx.NEW_LOCK in decode_record("permission_set", data)["lock_ids"]
    assert cache.is_blocked(11)
    assert decode_record("blocklist", cache.blocklist())["key_ids"] == [11]


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


class MarkedFiles(RamFiles):
    """RamFiles that note the power spent when each write starts and the length of each read."""

    def __init__(self):
        super().__init__()
        self.marks = []
        self.reads = []

    def write(self, path, data, append=False):
        self.marks.append(self.spent)
        return super().write(path, data, append)

    def read(self, path, offset=0, length=-1):
        self.reads.append(length)
        return super().read(path, offset, length)


def _stream(cache, data, size, each=None):
    """Feed ``data`` to a streamed install in pieces of ``size``; ``each(i)`` after piece i."""
    installation = cache.begin_install()
    try:
        for i, at in enumerate(range(0, len(data), size)):
            installation.write(data[at : at + size])
            if each is not None:
                each(i)
        return installation.finish()
    finally:
        installation.abort()


def _flash_after_install(data):
    files = RamFiles()
    _cache(files)[0].install(data)
    return files.files


def _files_from(image):
    files = MarkedFiles()
    files.files = {path: bytearray(content) for path, content in image.items()}
    return files


def test_power_cut_at_every_chunk_boundary_of_a_streamed_install_leaves_the_old_or_the_new():
    size = 256  # pieces as they come off the network; flash is written in whole blocks
    image = _flash_after_install(SERIAL1)
    # A full run counts the power units: where each flash write starts, and the total.
    files = _files_from(image)
    cache, _, _ = _cache(files)
    assert cache.load() is None
    files.cut_after(10**9)
    _stream(cache, SERIAL2, size)
    total = files.spent
    written = total - 3  # then: old file set aside, new one renamed in, old one removed
    assert written == 1 + len(SERIAL2) + 40  # the file's creation, the bundle, the trailer
    assert len(files.marks) == 2 + len(SERIAL2) // BLOCK  # creation, whole blocks, the rest
    cuts = set(range(files.marks[-1], total + 1))  # the last block, the trailer, the renames
    for mark in files.marks:
        cuts.update((mark - 1, mark, mark + 1))
    for piece_end in range(size, len(SERIAL2), size):
        cuts.add(1 + piece_end)  # where each network piece ends on flash
    for cut in sorted(c for c in cuts if c >= 0):
        files = _files_from(image)
        cache, clock, _ = _cache(files)
        assert cache.load() is None

        def still_old(_, cache=cache, clock=clock):
            # Until finish() the old bundle is the one in use, and it still serves.
            assert cache.serial == 1
            cache.permission_set_for(10, clock.now())

        files.cut_after(cut)
        try:
            _stream(cache, SERIAL2, size, still_old)
            finished = True
        except PowerCut:
            finished = False
        files.restore_power()
        rebooted, _, _ = _cache(files)
        assert rebooted.load() is None, cut
        assert files.listdir("/flash") == [CACHE_FILE], (cut, files.listdir("/flash"))
        # Whole and checked, or the old: the new one only once its every byte is on flash.
        assert rebooted.serial == (1 if cut <= written else 2), (cut, rebooted.serial)
        assert finished == (cut >= total)
        rebooted.permission_set_for(10, fx.EPOCH)


def _blocklist_signature_flipped(data):
    tampered = bytearray(data)
    tampered[-1] ^= 0x01  # the last byte: the blocklist's own signature, in the last piece
    return bytes(tampered)


def test_a_bad_signature_in_the_last_piece_is_refused_after_streaming_and_the_old_stays():
    files = _files_from(_flash_after_install(SERIAL1))
    cache, clock, _ = _cache(files)
    assert cache.load() is None
    bad = _blocklist_signature_flipped(SERIAL2)
    size = 256
    pieces = (len(bad) + size - 1) // size
    taken = []
    try:
        _stream(cache, bad, size, taken.append)
        raise AssertionError("accepted")
    except BundleRejected as rejected:
        assert rejected.code == REJECT_BAD_HASH
    assert taken == list(range(pieces - 1))  # refused with the last piece, not before
    assert cache.serial == 1
    cache.permission_set_for(10, clock.now())
    assert files.listdir("/flash") == [CACHE_FILE]  # the streamed copy is gone
    rebooted, _, _ = _cache(files)
    assert rebooted.load() is None
    assert rebooted.serial == 1


def test_a_bad_head_signature_is_refused_with_the_first_piece_and_nothing_is_written():
    files = _files_from(_flash_after_install(SERIAL1))
    cache, _, _ = _cache(files)
    assert cache.load() is None
    tampered = bytearray(SERIAL2)
    tampered[250] ^= 0x01  # inside the header's signature
    installation = cache.begin_install()
    files.marks.clear()
    try:
        installation.write(bytes(tampered[:300]))
        raise AssertionError("accepted")
    except BundleRejected as rejected:
        assert rejected.code == REJECT_BAD_SIGNATURE
    assert files.marks == []
    try:
        installation.write(bytes(tampered[300:]))  # the rest is not wanted either
        raise AssertionError("accepted")
    except BundleRejected as rejected:
        assert rejected.code == REJECT_BAD_SIGNATURE
    assert cache.serial == 1


def test_a_stream_cut_short_is_refused_and_leaves_nothing_behind():
    files = _files_from(_flash_after_install(SERIAL1))
    cache, _, _ = _cache(files)
    assert cache.load() is None
    for end in (100, 284, 1000, len(SERIAL2) - 1):
        installation = cache.begin_install()
        installation.write(SERIAL2[:end])
        try:
            installation.finish()
            raise AssertionError("accepted")
        except BundleRejected as rejected:
            assert rejected.code == REJECT_MALFORMED, end
        assert files.listdir("/flash") == [CACHE_FILE], end
        assert cache.serial == 1
    extra = cache.begin_install()
    try:
        extra.write(SERIAL2 + b"\x00")
        raise AssertionError("accepted")
    except BundleRejected as rejected:
        assert rejected.code == REJECT_MALFORMED


def test_the_cache_reads_entries_at_offsets_never_the_whole_bundle():
    files = _files_from({})
    cache, clock, _ = _cache(files)
    cache.install(SERIAL1)
    files.reads.clear()
    cache.install(SERIAL2)  # the arrival writes and reads back, in small pieces too
    rebooted, _, _ = _cache(files)
    assert rebooted.load() is None
    assert rebooted.check_stored() is None
    rebooted.permission_set_for(10, clock.now())
    assert rebooted.key(12)["key_id"] == 12
    assert rebooted.is_blocked(11) and not rebooted.is_blocked(10)
    assert rebooted.blocklist() == decode_record("bundle", SERIAL2)["blocklist"]
    assert rebooted.info()["bundle_size"] == len(SERIAL2)
    assert files.reads and -1 not in files.reads  # never "the whole file"
    assert max(files.reads) <= 1024 < len(SERIAL2)
    uses = len(files.reads)
    rebooted.permission_set_for(10, clock.now())
    assert 0 < len(files.reads) - uses <= 30  # a handful of small reads per set
    assert max(files.reads[uses:]) <= 88


def test_a_cache_file_of_the_older_layout_is_still_read():
    files = RamFiles()
    import hashlib

    older = b"SKCF" + len(SERIAL1).to_bytes(4, "little") + hashlib.sha256(SERIAL1).digest()
    files.files["/flash/" + CACHE_FILE] = bytearray(older + SERIAL1)
    cache, clock, _ = _cache(files)
    assert cache.load() is None
    assert cache.serial == 1
    data, _ = cache.permission_set_for(10, clock.now())
    assert decode_record("permission_set", data)["key_id"] == 10
    assert cache.blocklist() == decode_record("bundle", SERIAL1)["blocklist"]
    cache.install(SERIAL2)
    assert _cache(files)[0].load() is None
