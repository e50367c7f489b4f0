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


# -- every message fits the 128 × 64 screen (16 × 8 characters), whole, in each language ----

# The longest contacts the configuration allows (two lines of 16): a name and number as a
# municipality writes it, and one that fills both lines to the last character.
LONGEST_CONTACTS = ("Välfärdsteknikgr 0141-22 59 72 1", "Bemanningen 010-123 45 67", "x" * 32)
# The longest value each argument can have: a 16-byte display name (SPEC.md 8.1), a local
# time (firmware.localtime.format_local), the most tries and days, six stars.
LONGEST_ARGS = {
    "hello_name": [("Anna-Karin Öberg",), ("Maximilianusson!",)],
    "ok_until": [("2026-12-24 23:59",)],
    "wrong_code": [(messages.counted("tries", n),) for n in (1, 2, 4)],
    "locked_out": [("2026-12-24 23:59",)],
    "offline_margin": [(messages.counted("days", n),) for n in (1, 8)],
    "code_entry": [("*" * 6,)],
}


def _cases():
    for name in messages.names():
        if name in messages.WITH_CONTACT:
            yield name, [(contact,) for contact in LONGEST_CONTACTS]
        else:
            yield name, LONGEST_ARGS.get(name, [()])


def test_every_message_fits_the_screen_whole_in_every_language():
    from hw.display import COLUMNS, LANGUAGES, ROWS, contact_fits, layout, wrap

    for contact in LONGEST_CONTACTS:
        assert contact_fits(contact), contact
    assert not contact_fits("x" * 33)
    for name, arg_sets in _cases():
        for args in arg_sets:
            sv, en, contact = messages.screen(name, *args)
            for language in LANGUAGES:
                lines = layout(sv, en, contact=contact, language=language)
                assert len(lines) <= ROWS and all(len(line) <= COLUMNS for line in lines)
                wanted = {"sv": [sv], "en": [en], "both": [sv, en]}[language]
                for text in wanted:
                    assert _within(wrap(text), lines), (name, language, args, lines)
                if contact:
                    assert lines[-len(wrap(contact)) :] == wrap(contact), (name, language)


def _within(part, lines):
    return any(lines[i : i + len(part)] == part for i in range(len(lines) - len(part) + 1))


def test_the_contact_is_apart_and_shown_once():
    sv, en, contact = messages.screen("key_blocked", "Bemanningen 010-123")
    assert (sv, en, contact) == (
        "Nyckeln är spärrad. Kontakta:",
        "This key is blocked. Contact:",
        "Bemanningen 010-123",
    )
    assert messages.text("key_blocked", "Bemanningen 010-123")[1] == (
        "This key is blocked. Contact: Bemanningen 010-123"
    )
    for name in messages.WITH_CONTACT:
        for side in messages._CATALOGUE[name]:
            assert side.endswith(": %s") and side.count("%") == 1, name
    assert messages.screen("ready") == ("Sätt i nyckeln", "Insert your key", "")
