"""The station's message catalogue: everything the display says, Swedish first, English second.

``text(name, *args)`` gives ``(swedish, english)``. Arguments are filled with
``%``; a missing or extra argument is a programming error and raises. The
support contact (who to call) comes from the station's configuration.
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
        "Okänd nyckel. Kontakta %s",
        "Unknown key. Contact %s",
    ),
    "key_blocked": (
        "Nyckeln är spärrad. Kontakta %s",
        "This key is blocked. Contact %s",
    ),
    "wrong_code": ("Fel kod, %d försök kvar", "Wrong code, %d tries left"),
    "locked_out": (
        "För många fel. Nyckeln spärrad här till %s",
        "Too many wrong codes. Refused here until %s",
    ),
    "cache_expired": (
        "Stationen har varit offline i mer än 8 dygn. Ring %s",
        "Station offline for more than 8 days. Call %s",
    ),
    "no_bundle": (
        "Stationen har inga behörigheter än. Ring %s",
        "Station has no permissions yet. Call %s",
    ),
    "no_set_now": (
        "Ingen behörighet just nu. Kontakta %s",
        "No permission for now. Contact %s",
    ),
    "key_auth_failed": (
        "Nyckeln kunde inte verifieras. Kontakta %s",
        "Key could not be verified. Contact %s",
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
        "Minnet är fullt, händelser ligger kvar i nyckeln. Ring %s",
        "Memory full, events stay on the key. Call %s",
    ),
    "key_battery_low": (
        "Nyckelns batteri är svagt. Byt nyckel",
        "Key battery low. Replace the key",
    ),
    "offline_margin": ("Offline, %d dygn kvar", "Offline, %d days left"),
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
        "Nyckeln svarar fel. Kontakta %s",
        "The key answers wrongly. Contact %s",
    ),
    "station_fault": (
        "Fel i stationen. Försök igen eller ring %s",
        "Station fault. Try again or call %s",
    ),
}


def text(name: str, *args: object) -> tuple[str, str]:
    sv, en = _CATALOGUE[name]
    return sv % args, en % args


def names() -> list[str]:
    return list(_CATALOGUE)
