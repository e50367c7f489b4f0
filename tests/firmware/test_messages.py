"""firmware.messages: the station's display text, Swedish first, English second."""

from firmware import messages


def test_every_message_has_swedish_and_english():
    for name in messages.names():
        sv, en = messages._CATALOGUE[name]
        assert sv and en and sv != en, name


def test_refusals_say_whom_to_call():
    sv, en = messages.text("cache_expired", "Välfärdsteknikgruppen 0141-22 59 72")
    assert "8 dygn" in sv and "0141-22 59 72" in sv
    assert "8 days" in en and "0141-22 59 72" in en


def test_refusal_messages_used_by_the_cache_exist():
    for name in ("no_bundle", "cache_expired", "key_blocked", "unknown_key", "no_set_now"):
        sv, en = messages.text(name, "support")
        assert "support" in sv and "support" in en


def test_argument_count_mismatch_is_an_error():
    try:
        messages.text("wrong_code")
    except TypeError:
        return
    raise AssertionError("missing argument accepted")


def test_one_and_many_in_each_language():
    assert messages.text("wrong_code", messages.counted("tries", 1)) == (
        "Felaktig kod, 1 försök kvar",
        "Wrong code, 1 try left",
    )
    assert messages.text("offline_margin", messages.counted("days", 3)) == (
        "Utan nät, 3 dygn kvar",
        "No network, 3 days left",
    )
    assert messages.counted("days", 1) == ("1 dygn", "1 day")


def test_the_swedish_says_utan_nat_and_keeps_sparrad_for_blocked_keys():
    for name in messages.names():
        sv, _ = messages._CATALOGUE[name]
        assert "offline" not in sv.lower(), name
        if name != "key_blocked":
            assert "spärrad" not in sv, name
