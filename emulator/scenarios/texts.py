"""Every text of the headless scenarios, Swedish first, English second: titles, steps, checks.

``text(name, **values)`` gives the pair with the values filled in
(``str.format``). A step explains in a sentence what the real system does at
that point and why; a check says what must hold. Names are dotted:
``<scenario>.<step>`` for steps, ``<scenario>.check.<what>`` for checks.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- the report ---------------------------------------------------------------------------
    "report.passed": (
        "GODKÄNT: alla {total} kontroller höll",
        "PASSED: all {total} checks held",
    ),
    "report.failed": (
        "UNDERKÄNT: {failed} av {total} kontroller höll inte",
        "FAILED: {failed} of {total} checks did not hold",
    ),
    "report.error": ("Scenariot avbröts av ett fel", "The scenario stopped with an error"),
    "report.time": ("Körtid {wall:.1f} s", "Ran for {wall:.1f} s"),
    # -- 1 shift start ------------------------------------------------------------------------
    "shift_start.title": ("Passstart", "Shift start"),
    "shift_start.summary": (
        "30 medarbetare synkar i tur och ordning vid en station, får dagens behörighet, och "
        "deras händelser når kontoret.",
        "30 staff sync at one station in turn, get today's set, and their events reach the "
        "back office.",
    ),
    "shift_start.hire": (
        "{station} har {have} nycklar. Enhetschefen lägger upp {more} vikarier med nyckel och "
        "kod i kontoret; stationen frågar efter nya behörigheter var femte minut och hämtar dem.",
        "{station} has {have} keys. The unit manager adds {more} temporary staff with a key and "
        "a code in the back office; the station asks for new permissions every five minutes and "
        "fetches them.",
    ),
    "shift_start.check.bundle": (
        "Stationen har ett nytt paket med alla {keys} nycklar",
        "The station holds a new bundle with all {keys} keys",
    ),
    "shift_start.queue": (
        "Klockan 06:45 ställer sig {count} medarbetare i kö. Var och en sätter i nyckeln och "
        "anger sin kod; stationen skriver dagens behörighet, spärrlistan och läser nyckelns "
        "händelser.",
        "At 06:45, {count} staff queue up. Each puts the key in and types the code; the station "
        "writes today's set and the blocklist and reads the key's events.",
    ),
    "shift_start.check.all_ok": (
        "Alla {count} synkar lyckades",
        "All {count} syncs went through",
    ),
    "shift_start.check.todays_set": (
        "Varje nyckel har dagens behörighet: giltig till {until}, enhetens {locks} lås",
        "Every key holds today's set: valid until {until}, the unit's {locks} locks",
    ),
    "shift_start.check.screen": (
        "Stationen sa \"{swedish}\" till var och en",
        "The station said \"{english}\" to each of them",
    ),
    "shift_start.check.queue_time": (
        "Kön tog {seconds} s stationstid, {each:.1f} s per person",
        "The queue took {seconds} s of station time, {each:.1f} s a person",
    ),
    "shift_start.visits": (
        "Under förmiddagen öppnar var och en dörren hos en kund. Låset kontrollerar nyckelns "
        "signerade behörighet mot sin egen klocka och lägger händelsen på nyckeln.",
        "During the morning each opens a customer's door. The lock checks the key's signed set "
        "against its own clock and puts the event on the key.",
    ),
    "shift_start.check.doors": (
        "Alla {count} dörrar öppnades och händelsen lades på nyckeln",
        "All {count} doors opened and the event went onto the key",
    ),
    "shift_start.end_of_shift": (
        "Vid passets slut 15:30 synkar alla igen. Stationen sparar nyckelns händelser i flash "
        "innan nyckeln får glömma dem, och laddar upp dem till kontoret.",
        "At the end of the shift, 15:30, everyone syncs again. The station stores the key's "
        "events on flash before the key may forget them, and uploads them to the back office.",
    ),
    "shift_start.check.trails_read": (
        "Varje nyckels händelser lästes och sparades",
        "Every key's events were read and stored",
    ),
    "shift_start.check.uploaded": (
        "Kontoret har bekräftat allt stationen hade",
        "The back office confirmed everything the station held",
    ),
    "shift_start.back_office": (
        "I kontoret syns vem som öppnade vilken dörr och när, och varje synk.",
        "In the back office: who opened which door and when, and every sync.",
    ),
    "shift_start.check.activity": (
        "Kontorets aktivitetslogg visar alla {count} dörröppningar",
        "The back office's activity log shows all {count} door openings",
    ),
    "shift_start.check.sync_events": (
        "Kontoret har två lyckade synkar för var och en av de {count}",
        "The back office has two successful syncs for each of the {count}",
    ),
}


def text(name: str, **values: object) -> tuple[str, str]:
    """The Swedish and English text ``name`` with ``values`` filled in."""
    swedish, english = CATALOGUE[name]
    return swedish.format(**values), english.format(**values)
