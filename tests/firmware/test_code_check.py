"""firmware.code_check: the 6-digit code proved by the key, 5 wrong tries, 15 minutes refused,
counted on flash."""

from firmware.clock import ManualClock
from firmware.code_check import LOCKED, LOCKED_NOW, OK, WRONG, CodeCheck, is_well_formed
from firmware.hmac_sha256 import pbkdf2_sha256
from firmware.log import Log
from firmware.pin_secret import derive, proof
from firmware.protocol_constants import REASON_LOCKED_OUT, REASON_WRONG_CODE
from firmware.storage import DirStorage
from tests.firmware.power_cut import RamFiles

SALT = bytes(range(16))
ITERATIONS = 10  # the station uses the bundle's figure; few here keeps the test quick
KEY = 4711
PIN_SECRET = bytes(range(100, 132))  # the key's (SPEC 5.11)
VERIFIER = proof(PIN_SECRET, derive("246810", SALT, ITERATIONS))


class _Key:
    """The key's side of PIN_PROOF: its proof of each derived code it is asked about."""

    def __init__(self, secret=PIN_SECRET):
        self.secret = secret
        self.asked = []

    def prove(self, derived):
        self.asked.append(derived)
        return proof(self.secret, derived)


def _station(files=None, now=1800000000):
    files = files or RamFiles()
    clock = ManualClock(now)
    storage = DirStorage("/flash", files=files)
    return CodeCheck(storage, clock, Log(clock)), clock, files


def _try(check, code, key=None):
    return check.check(KEY, code, SALT, VERIFIER, ITERATIONS, (key or _Key()).prove)


def test_right_code_is_accepted():
    check, _, _ = _station()
    assert _try(check, "246810") == (OK, 0)


def test_wrong_codes_count_down_then_lock_for_15_minutes():
    check, clock, _ = _station()
    for left in (4, 3, 2, 1):
        assert _try(check, "000000") == (WRONG, left)
    result, until = _try(check, "111111")
    assert result == LOCKED_NOW
    assert until == clock.now() + 15 * 60
    # While locked, even the right code is refused and not counted.
    assert _try(check, "246810") == (LOCKED, until)
    clock.advance(15 * 60 - 1)
    assert _try(check, "246810") == (LOCKED, until)
    clock.advance(1)
    assert _try(check, "246810") == (OK, 0)


def test_wrong_codes_and_the_lockout_are_reported_as_station_events():
    reports = []
    clock = ManualClock(1800000000)
    check = CodeCheck(
        DirStorage("/flash", files=RamFiles()),
        clock,
        Log(clock),
        report=lambda key_id, reason, detail: reports.append((key_id, reason, detail)),
    )
    for _ in range(5):
        _try(check, "000000")
    assert reports == [
        (KEY, REASON_WRONG_CODE, 1),
        (KEY, REASON_WRONG_CODE, 2),
        (KEY, REASON_WRONG_CODE, 3),
        (KEY, REASON_WRONG_CODE, 4),
        (KEY, REASON_LOCKED_OUT, clock.now() + 15 * 60),
    ]


def test_a_right_code_resets_the_count():
    check, _, _ = _station()
    for _ in range(4):
        _try(check, "000000")
    assert _try(check, "246810") == (OK, 0)
    assert _try(check, "000000") == (WRONG, 4)


def test_counts_survive_a_reboot():
    check, clock, files = _station()
    for _ in range(3):
        _try(check, "000000")
    rebooted, _, _ = _station(files, clock.now())
    assert _try(rebooted, "000000") == (WRONG, 1)
    assert _try(rebooted, "000000")[0] == LOCKED_NOW
    again, _, _ = _station(files, clock.now() + 60)
    assert _try(again, "246810")[0] == LOCKED


def test_lockout_is_per_key():
    check, _, _ = _station()
    for _ in range(5):
        _try(check, "000000")
    other = check.check(KEY + 1, "246810", SALT, VERIFIER, ITERATIONS, _Key().prove)
    assert other == (OK, 0)


def test_malformed_codes_are_wrong_codes():
    check, _, _ = _station()
    assert not is_well_formed("24681")
    assert not is_well_formed("2468100")
    assert not is_well_formed("24681a")
    key = _Key()
    assert _try(check, "24681", key) == (WRONG, 4)
    assert key.asked == []  # not even worth asking the key


def test_damaged_counter_file_starts_from_zero_and_says_so():
    check, clock, files = _station()
    _try(check, "000000")
    path = "/flash/codes.bin"
    files.files[path][5] ^= 0xFF
    log = Log(clock)
    rebooted = CodeCheck(DirStorage("/flash", files=files), clock, log)
    assert rebooted.failures(KEY) == 0
    assert "damaged" in log.tail(1, 1000)[2]


def test_the_key_is_asked_about_the_derived_code_and_its_answer_decides():
    check, _, _ = _station()
    key = _Key()
    assert _try(check, "246810", key) == (OK, 0)
    assert key.asked == [derive("246810", SALT, ITERATIONS)]
    # Another key (another pin_secret) with the right code: its proof is not the verifier.
    assert _try(check, "246810", _Key(bytes(32))) == (WRONG, 4)


def test_the_verifier_is_not_the_codes_hash_alone():
    # What a stolen station holds (salt, verifier, iterations) does not confirm a guess:
    # PBKDF2 of the right code is not the verifier; the key's secret is missing.
    assert pbkdf2_sha256(b"246810", SALT, ITERATIONS, 16) != VERIFIER
    assert derive("246810", SALT, ITERATIONS) != VERIFIER


def test_a_try_is_counted_before_the_key_answers():
    # The key (or the power) gone between question and verdict: the try still counts.
    check, clock, files = _station()

    def pulled(derived):
        raise OSError("key pulled")

    for _ in range(2):
        try:
            check.check(KEY, "000000", SALT, VERIFIER, ITERATIONS, pulled)
        except OSError:
            pass
        else:
            raise AssertionError("the key's failure should reach the caller")
    rebooted, _, _ = _station(files, clock.now())
    assert rebooted.failures(KEY) == 2
    assert _try(rebooted, "000000") == (WRONG, 2)
    assert _try(rebooted, "246810") == (OK, 0)
    assert rebooted.failures(KEY) == 0


def test_a_try_in_flight_is_not_shown_as_a_wrong_code():
    # While the key is asked, the count on flash already holds the try (above), but a
    # display or the trainer's page reading failures() must not show a right code as wrong.
    check, _, _ = _station()
    seen = []

    def key_and_look(derived):
        seen.append(check.failures(KEY))
        return _Key().prove(derived)

    assert check.check(KEY, "246810", SALT, VERIFIER, ITERATIONS, key_and_look) == (OK, 0)
    assert check.check(KEY, "000000", SALT, VERIFIER, ITERATIONS, key_and_look) == (WRONG, 4)
    assert check.check(KEY, "000000", SALT, VERIFIER, ITERATIONS, key_and_look) == (WRONG, 3)
    assert seen == [0, 0, 1]
    assert check.failures(KEY) == 2
