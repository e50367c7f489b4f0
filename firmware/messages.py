"""The station's message catalogue: everything the display says, Swedish first, English second.

``text(name, *args)`` gives ``(swedish, english)``. Arguments are filled with
``%``; a missing or extra argument is a programming error and raises. An
argument that is a pair (``counted``'s answer) gives each language its own
words: "1 day" but "2 days", where Swedish says "1 dygn" and "2 dygn". The
support contact (who to call) comes from the station's configuration: a
message in ``WITH_CONTACT`` ends with it (``": %s"``, the contact its last
argument). ``screen(name, *args)`` gives what the display shows, ``(swedish,
english, contact)``, the contact apart: it is the same in both languages, so
hw.display shows it once, on lines kept for it. Every message fits the
128 × 64 screen whole in each language setting, with the longest contact the
configuration allows (tests/firmware/test_messages.py).

Swedish as staff say it: "utan nät", not "offline"; "spärrad" only for a key
reported lost or blocked, never for the lockout after wrong codes.
"""

_CATALOGUE = {
    "ready": ("Sätt i nyckeln", "Insert your key"),
    "reading_key": ("Läser nyckeln ...", "Reading key ..."),
    "hello_name": ("Hej %s! Ange din kod", "Hello %s! Enter your code"),
    "enter_code": ("Ange din kod", "Enter your code"),
    "syncing": ("Synkroniserar, ta inte ut nyckeln", "Syncing, keep the key in"),
    "ok_until": ("OK, giltig till %s", "OK, valid until %s"),
    "remove_key": ("Ta ut nyckeln", "Remove your key"),
    "unknown_key": (
        "Okänd nyckel. Kontakta: %s",
        "Unknown key. Contact: %s",
    ),
    "key_blocked": (
        "Nyckeln är spärrad. Kontakta: %s",
        "This key is blocked. Contact: %s",
    ),
    "wrong_code": ("Felaktig kod, %s kvar", "Wrong code, %s left"),
    "locked_out": (
        "För många felaktiga koder. Försök igen från %s",
        "Too many wrong codes. Try again after %s",
    ),
    "cache_expired": (
        "Utan nät i mer än 8 dygn. Ring: %s",
        "No network for more than 8 days. Call: %s",
    ),
    "no_bundle": (
        "Stationen saknar behörigheter. Ring: %s",
        "Station has no permissions yet. Call: %s",
    ),
    "no_set_now": (
        "Ingen behörighet just nu. Kontakta: %s",
        "No permission for now. Contact: %s",
    ),
    "key_auth_failed": (
        "Nyckeln kunde inte verifieras. Kontakta: %s",
        "Key could not be verified. Contact: %s",
    ),
    "key_removed": (
        "Nyckeln togs ut för tidigt. Sätt i den igen",
        "Key removed too early. Insert it again",
    ),
    "comm_error": (
        "Kontakt med nyckeln bröts. Försök igen",
        "Lost contact with the key. Try again",
    ),
    "outbox_full": (
        "Minnet fullt, händelser kvar i nyckeln. Ring: %s",
        "Memory full, events stay on the key. Call: %s",
    ),
    "key_battery_low": (
        "Nyckelns batteri är svagt. Byt nyckel",
        "Key battery low. Replace the key",
    ),
    "offline_margin": ("Utan nät, %s kvar", "No network, %s left"),
    "not_provisioned": (
        "Stationen är inte installerad. Ring teknikern",
        "Station not provisioned. Call the technician",
    ),
    "maintenance": ("Underhållsläge", "Maintenance mode"),
    # Uplink state (firmware.uplink last_error), for the display and the service console.
    "uplink_no_network": ("Inget nätverk", "No network"),
    "uplink_unreachable": ("Kontoret svarar inte", "Back office not answering"),
    "uplink_credential_refused": (
        "Kontoret nekar stationen: fel inloggning",
        "Back office refuses the station's credential",
    ),
    "uplink_server_error": ("Fel hos kontoret", "Back office error"),
    "uplink_bad_answer": (
        "Obegripligt svar från kontoret",
        "Unreadable answer from the back office",
    ),
    "uplink_refused": ("Kontoret avvisade en begäran", "Back office refused a request"),
    "bundle_rejected": (
        "Nya behörigheter avvisades, de gamla gäller",
        "New permissions rejected, the old ones stay",
    ),
    "code_entry": ("Ange din kod: %s", "Enter your code: %s"),
    "code_timeout": (
        "Ingen kod angavs. Ta ut nyckeln och försök igen",
        "No code entered. Remove the key and try again",
    ),
    "key_fault": (
        "Nyckeln svarar fel. Kontakta: %s",
        "The key answers wrongly. Contact: %s",
    ),
    "station_fault": (
        "Fel i stationen. Försök igen eller ring: %s",
        "Station fault. Try again or call: %s",
    ),
}


# The messages that end with the support contact (": %s", the last argument).
WITH_CONTACT = (
    "unknown_key",
    "key_blocked",
    "cache_expired",
    "no_bundle",
    "no_set_now",
    "key_auth_failed",
    "outbox_full",
    "key_fault",
    "station_fault",
)
_CONTACT_FIELD = " %s"


# what -> (Swedish one, Swedish many, English one, English many)
_COUNTED = {
    "days": ("%d dygn", "%d dygn", "%d day", "%d days"),
    "tries": ("%d försök", "%d försök", "%d try", "%d tries"),
}


def counted(what: str, n: int) -> tuple[str, str]:
    """``n`` days or tries in each language, singular or plural as the number asks."""
    sv_one, sv_many, en_one, en_many = _COUNTED[what]
    if n == 1:
        return sv_one % n, en_one % n
    return sv_many % n, en_many % n


def _side(args: tuple, index: int) -> tuple:
    return tuple(a[index] if isinstance(a, tuple) else a for a in args)


def text(name: str, *args: object) -> tuple[str, str]:
    sv, en = _CATALOGUE[name]
    return sv % _side(args, 0), en % _side(args, 1)


def screen(name: str, *args: object) -> "tuple[str, str, str]":
    """What the display shows for ``name``: (Swedish, English, support contact or "")."""
    if name not in WITH_CONTACT:
        sv, en = text(name, *args)
        return sv, en, ""
    if not args:
        raise TypeError("%s: the support contact is missing" % name)
    sv, en = _CATALOGUE[name]
    rest = _side(args[:-1], 0), _side(args[:-1], 1)
    cut = len(_CONTACT_FIELD)
    return sv[:-cut] % rest[0], en[:-cut] % rest[1], str(args[-1])


def names() -> list[str]:
    return list(_CATALOGUE)
