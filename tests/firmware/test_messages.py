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
