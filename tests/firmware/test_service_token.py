"""firmware.service_token: every TOKEN_INVALID reason of SPEC.md 7, checked in a safe order.

MicroPython cannot sign, so the tokens below were signed once with
tests.factories (the authority of the fixture bundles, station
tests/firmware/fixtures.STATION_ID, technician 501, valid from EPOCH - 1 h to
EPOCH + 12 h); tests/firmware/test_service_console_cpython.py fails when they
differ from what the factories make. The golden tokens of
protocol/vectors/records_token.json are checked as well.
"""

import json

from firmware import service_token
from firmware.protocol_constants import (
    PERM_CLEAR_OUTBOX,
    PERM_FACTORY_RESET,
    PERM_MAINTENANCE,
    PERM_SET_CLOCK,
    TOKEN_BAD_SIGNATURE,
    TOKEN_EXPIRED,
    TOKEN_MALFORMED,
    TOKEN_MEMORY_FULL,
    TOKEN_NOT_YET_VALID,
    TOKEN_OTHER_STATION,
    TOKEN_PERMISSION_MISSING,
    TOKEN_UNKNOWN_AUTHORITY_KEY,
    TOKEN_USED,
)
from firmware.storage import DirStorage
from tests.firmware import fixtures as fx
from tests.firmware.power_cut import RamFiles

TECHNICIAN = 501
NOT_BEFORE = fx.EPOCH - 3600
NOT_AFTER = fx.EPOCH + 12 * 3600
ALL = PERM_SET_CLOCK | PERM_CLEAR_OUTBOX | PERM_FACTORY_RESET
# Public key of tests.factories.Signer("not the authority").
IMPOSTOR_PUBLIC = bytes.fromhex("6f770f112c005ec5f37d086626ecac68d297c8a7a8edcad4532f543274734e4b")
# name: (station_id, permissions, signer, authority key id named, serial) -> token hex
TOKEN_SPECS = {
    "all": (fx.STATION_ID, ALL, "authority", "authority", 0),
    "clock_any_station": (0, PERM_SET_CLOCK, "authority", "authority", 0),
    "other_station": (fx.STATION_ID + 1, ALL, "authority", "authority", 0),
    "impostor": (fx.STATION_ID, ALL, "impostor", "impostor", 0),
    "forged": (fx.STATION_ID, ALL, "impostor", "authority", 0),
    "all_2": (fx.STATION_ID, ALL, "authority", "authority", 2),
    "all_3": (fx.STATION_ID, ALL, "authority", "authority", 3),
    "maintenance": (fx.STATION_ID, PERM_MAINTENANCE, "authority", "authority", 4),
}
TOKENS = {
    "all": bytes.fromhex(
        "534b53540100000007000000f501000007000000b078fd6a802ffe6a45d654825bf542e1"
        "aa6f594837108cedfad9a9ac6d9c32309c8feac1b2c0f5ad2c8943f7f1da4a43accd6f89"
        "404089d5dd24fed42807a82bfce9ce2bc71c927f40d4c69af1a5530c"
    ),
    "clock_any_station": bytes.fromhex(
        "534b53540100000000000000f501000001000000b078fd6a802ffe6a45d654825bf542e1"
        "3b7f3b7099b81f6fd8b3c59c22f08895c94564b59a67a4554dfd8b3a9b7fb2c1c7f57c13"
        "de94a32ed813c5d5ea68c33afebf12283536b35769a5d3063eb0bc01"
    ),
    "other_station": bytes.fromhex(
        "534b53540100000008000000f501000007000000b078fd6a802ffe6a45d654825bf542e1"
        "091467f5c0503b7e1cd21a2db22e89599f1184c01557f142a3e41a45591085114bf83a98"
        "ac095a888cd6067883caaf317df8c5a692a9f6bf51567f654f090c0d"
    ),
    "impostor": bytes.fromhex(
        "534b53540100000007000000f501000007000000b078fd6a802ffe6a7789e588da694129"
        "effb8811bb6b2a48b10d7fd2e915dccc83574e3150566e621219cfb22eb7b142978c6337"
        "69acee52492e3687911ad49964ede6d180979f513f7a838c5d164806"
    ),
    "forged": bytes.fromhex(
        "534b53540100000007000000f501000007000000b078fd6a802ffe6a45d654825bf542e1"
        "4db5fa1c6cb3b4a5d68391c60d609396278c0fc4a5551b90e74ca48f05f5df8df3f15bbe"
        "9190a368c3cb79f97785d3af235c39d4da05bdffbf54cea5c0f33806"
    ),
    "all_2": bytes.fromhex(
        "534b53540100020007000000f501000007000000b078fd6a802ffe6a45d654825bf542e1"
        "9257d746a81ed39b8fcd5348fc701f431b3bc21b90b25376f6da872e3cdd0c7ef33579b0"
        "9e06a4893b9ab296bab413daeeed3175e2ab014a4d3bca99f99d9903"
    ),
    "all_3": bytes.fromhex(
        "534b53540100030007000000f501000007000000b078fd6a802ffe6a45d654825bf542e1"
        "02d6e6496bbcd6c1aaf1328be9bd59c93045fcba7d49a2194ec1086f5f74f095563a5d15"
        "5f345132ef680f2f2e16675a5aa1b322a7a8f49b1e4e972c9145860c"
    ),
    "maintenance": bytes.fromhex(
        "534b53540100040007000000f501000008000000b078fd6a802ffe6a45d654825bf542e1"
        "bd3eb8a07a24f941c8fd52d9bb867978a818de9a022158188a70124fa4d24e2814a4f7b8"
        "6bbdaaff984d292a270b3cc3c909a85fb59aa88d80c27b455844090c"
    ),
}
KEYS = [fx.AUTHORITY_PUBLIC]

_ROOT = __file__.rsplit("/", 1)[0] + "/../../"


def _check(token, when=fx.EPOCH, permission=PERM_SET_CLOCK, keys=None, station=fx.STATION_ID):
    return service_token.check(token, KEYS if keys is None else keys, station, when, permission)


def _with_byte(token, offset, value):
    return token[:offset] + bytes((value,)) + token[offset + 1 :]


def test_a_valid_token_allows_each_of_its_permissions():
    for permission in (PERM_SET_CLOCK, PERM_CLEAR_OUTBOX, PERM_FACTORY_RESET, ALL):
        assert _check(TOKENS["all"], permission=permission) == service_token.VALID


def test_decode_gives_the_tokens_fields():
    fields = service_token.decode(TOKENS["all"])
    assert fields["station_id"] == fx.STATION_ID
    assert fields["technician_id"] == TECHNICIAN
    assert fields["permissions"] == ALL
    assert (fields["not_before"], fields["not_after"]) == (NOT_BEFORE, NOT_AFTER)
    assert service_token.decode(TOKENS["all"][:99]) is None
    assert service_token.decode("not bytes") is None


def test_window_bounds_are_inclusive():
    assert _check(TOKENS["all"], when=NOT_BEFORE) == 0
    assert _check(TOKENS["all"], when=NOT_AFTER) == 0
    assert _check(TOKENS["all"], when=NOT_BEFORE - 1) == TOKEN_NOT_YET_VALID
    assert _check(TOKENS["all"], when=NOT_AFTER + 1) == TOKEN_EXPIRED
    assert _check(TOKENS["all"], when=0) == TOKEN_NOT_YET_VALID


def test_station_zero_means_any_station_but_only_its_permissions():
    token = TOKENS["clock_any_station"]
    assert _check(token, station=fx.STATION_ID) == 0
    assert _check(token, station=123456) == 0
    assert _check(token, permission=PERM_CLEAR_OUTBOX) == TOKEN_PERMISSION_MISSING
    assert _check(token, permission=PERM_FACTORY_RESET) == TOKEN_PERMISSION_MISSING
    assert _check(token, permission=PERM_SET_CLOCK | PERM_CLEAR_OUTBOX) == TOKEN_PERMISSION_MISSING


def test_a_token_for_another_station_is_refused():
    assert _check(TOKENS["other_station"]) == TOKEN_OTHER_STATION
    assert _check(TOKENS["other_station"], station=fx.STATION_ID + 1) == 0


def test_an_unknown_authority_key_is_refused_and_a_second_key_is_accepted():
    assert _check(TOKENS["impostor"]) == TOKEN_UNKNOWN_AUTHORITY_KEY
    assert _check(TOKENS["all"], keys=[]) == TOKEN_UNKNOWN_AUTHORITY_KEY
    # Key rotation: a station holding two authority keys accepts tokens of each.
    both = [IMPOSTOR_PUBLIC, fx.AUTHORITY_PUBLIC]
    assert _check(TOKENS["impostor"], keys=both) == 0
    assert _check(TOKENS["all"], keys=both) == 0


def test_a_forged_or_altered_token_has_a_bad_signature():
    assert _check(TOKENS["forged"]) == TOKEN_BAD_SIGNATURE
    token = TOKENS["all"]
    # Every signed field matters: technician, permissions, window, key id bytes are covered.
    for offset in (8, 12, 16, 20, 24):
        assert _check(_with_byte(token, offset, token[offset] ^ 1)) == TOKEN_BAD_SIGNATURE, offset
    assert _check(_with_byte(token, 40, token[40] ^ 0x80)) == TOKEN_BAD_SIGNATURE
    # Reserved bytes are signed too (they are inside [0, 36)).
    assert _check(_with_byte(token, 5, 1)) == TOKEN_BAD_SIGNATURE


def test_malformed_tokens_are_refused_before_anything_else():
    token = TOKENS["all"]
    for bad in (b"", token[:99], token + b"\x00", b"SKSB" + token[4:], _with_byte(token, 4, 2)):
        assert _check(bad) == TOKEN_MALFORMED, bad[:8]
    assert _check(bytearray(token)) == 0
    assert _check(memoryview(token)) == 0
    assert _check(None) == TOKEN_MALFORMED


def test_authenticity_is_checked_before_what_the_token_says():
    # An altered token for another station, expired, without the permission: bad signature.
    altered = _with_byte(TOKENS["other_station"], 16, 0)
    assert _check(altered, when=NOT_AFTER + 1) == TOKEN_BAD_SIGNATURE
    # An authentic token for another station, expired and lacking nothing: other station.
    assert _check(TOKENS["other_station"], when=NOT_AFTER + 1) == TOKEN_OTHER_STATION
    # Right station, missing permission and expired: permission missing comes first.
    assert (
        _check(TOKENS["clock_any_station"], when=NOT_AFTER + 1, permission=PERM_CLEAR_OUTBOX)
        == TOKEN_PERMISSION_MISSING
    )


def test_reasons_have_words():
    for detail in range(1, 8):
        assert service_token.reason(detail)
    assert service_token.reason(99) == "token 99"


def test_golden_vector_tokens_verify_with_the_vector_authority():
    with open(_ROOT + "protocol/vectors/records_token.json") as f:
        family = json.load(f)
    authority = bytes.fromhex(family["keys"]["authority_public"])
    assert len(family["vectors"]) == 5
    for vector in family["vectors"]:
        token = bytes.fromhex(vector["hex"])
        fields = vector["fields"]
        station = fields["station_id"] or 4242
        when = fields["not_before"] + 60
        for bit in (PERM_SET_CLOCK, PERM_CLEAR_OUTBOX, PERM_FACTORY_RESET, PERM_MAINTENANCE):
            expected = 0 if fields["permissions"] & bit else TOKEN_PERMISSION_MISSING
            assert service_token.check(token, [authority], station, when, bit) == expected
        assert service_token.check(token, KEYS, station, when, PERM_SET_CLOCK) == (
            TOKEN_UNKNOWN_AUTHORITY_KEY
        )
        late = fields["not_after"] + 1
        bit = fields["permissions"] & -fields["permissions"]  # one it has
        assert service_token.check(token, [authority], station, late, bit) == TOKEN_EXPIRED


# --- one use per station (SPEC.md 8.5) ------------------------------------------------------


def _storage():
    return DirStorage("/flash", files=RamFiles())


def test_a_token_is_spent_once_and_remembered_on_flash():
    storage = _storage()
    used = service_token.UsedTokens(storage)
    token = TOKENS["all"]
    assert not used.holds(token)
    assert used.spend(token, NOT_AFTER, fx.EPOCH) == 0
    assert used.holds(token)
    assert used.spend(token, NOT_AFTER, fx.EPOCH + 5) == TOKEN_USED
    again = service_token.UsedTokens(storage)  # after a restart
    assert again.holds(token) and not again.holds(TOKENS["all_2"])
    assert again.spend(token, NOT_AFTER, fx.EPOCH + 9) == TOKEN_USED
    assert again.spend(TOKENS["all_2"], NOT_AFTER, fx.EPOCH + 9) == 0
    assert len(service_token.UsedTokens(storage)) == 2


def test_the_id_is_the_signed_part_so_serials_tell_tokens_apart():
    assert service_token.token_id(TOKENS["all"]) != service_token.token_id(TOKENS["all_2"])
    forged_signature = TOKENS["all"][:36] + bytes(64)
    assert service_token.token_id(forged_signature) == service_token.token_id(TOKENS["all"])


def test_the_memory_is_bounded_and_forgets_expired_tokens():
    storage = _storage()
    used = service_token.UsedTokens(storage, capacity=2)
    assert used.spend(TOKENS["all"], fx.EPOCH + 10, fx.EPOCH) == 0
    assert used.spend(TOKENS["all_2"], fx.EPOCH + 20, fx.EPOCH) == 0
    assert used.spend(TOKENS["all_3"], NOT_AFTER, fx.EPOCH) == TOKEN_MEMORY_FULL
    assert not used.holds(TOKENS["all_3"])  # refused: not spent
    # once the first has expired its place is free (and it is refused as expired by check)
    assert used.spend(TOKENS["all_3"], NOT_AFTER, fx.EPOCH + 11) == 0
    assert not used.holds(TOKENS["all"]) and used.holds(TOKENS["all_2"])
    assert len(service_token.UsedTokens(storage)) == 2
    assert len(storage.read(service_token.USED_FILE)) == 24
