"""The emulator's message catalogue: everything the training console and ``emulate`` say.

Swedish first, English second. ``text(key, **values)`` gives ``(swedish,
english)`` with the values filled in (``str.format`` fields, the same in both
languages, or a ``Two`` holding each language's own); ``both`` gives a
message as such a ``Two``; ``pair(key, **values)`` gives the two as
"svenska/English" for a table cell. A missing value is a programming error and raises ``KeyError``.

Keys are dotted; the part before the first dot says where the text is used:
``help`` (the console's commands), ``say`` (what happens), ``why`` (one
sentence on what the real system does and why), ``error`` (input the console
cannot use), ``col`` (table headers), ``result`` / ``outcome`` / ``reason`` /
``anomaly`` (names of station results, lock outcomes, station events and
anomalies), ``emulate`` (the start-up banner), ``scenario`` (the headless
scenarios: ``scenario.<name>.<step>`` explains a step in a sentence,
``scenario.<name>.check.<what>`` says what must hold; ``scenario_text``
takes the name without the prefix).
"""

from __future__ import annotations

from typing import NamedTuple

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- the console's commands: usage, then what it does ------------------------------------
    "help.intro": (
        "Kommandon (svenska och engelska namn fungerar båda; å, ä, ö kan skrivas a, a, o):",
        "Commands (Swedish and English names both work; å, ä, ö may be typed a, a, o):",
    ),
    "help.hjälp": ("visa kommandona, eller ett kommando", "show the commands, or one command"),
    "help.enheter": ("lista enheterna och deras stationer", "list the units and their stations"),
    "help.personal": (
        "lista en enhets personal med koder och nycklar",
        "list a unit's staff with codes and keys",
    ),
    "help.välj": ("välj vilken medarbetare du spelar", "pick the staff member you play"),
    "help.stationer": ("visa stationernas läge", "show the stations' state"),
    "help.skärm": ("visa en stations skärm och lampa", "show a station's screen and LED"),
    "help.sätt_i": (
        "sätt nyckeln i stationen (förvalt: enhetens station)",
        "put the key in the station (default: the unit's station)",
    ),
    "help.kod": (
        "skriv koden på stationens knappsats (förvalt: rätt kod)",
        "type the code on the station's keypad (default: the right code)",
    ),
    "help.håll_nfc": (
        "håll nyckeln mot stationens NFC-läsare (förvalt: enhetens station)",
        "hold the key to the station's NFC reader (default: the unit's station)",
    ),
    "help.ta_ut": (
        "ta ut nyckeln ur stationen eller ta bort den från NFC-läsaren",
        "take the key out of the station or away from its NFC reader",
    ),
    "help.synka": (
        "sätt i nyckeln, skriv koden och ta ut nyckeln",
        "put the key in, type the code and take the key out",
    ),
    "help.nyckel": ("visa vad som finns på nyckeln", "show what is on the key"),
    "help.kunder": ("lista enhetens kunder och deras lås", "list the unit's customers and locks"),
    "help.lås": (
        "lista låsen medarbetaren får öppna",
        "list the locks the staff member may open",
    ),
    "help.öppna": (
        "gå till en kund (port och dörr) eller ett lås och öppna",
        "walk to a customer (entrance and door) or a lock and open it",
    ),
    "help.tappa": (
        "tappa nyckeln; chefen anmäler den förlorad i kontoret",
        "lose the key; the manager reports it lost in the back office",
    ),
    "help.hittad": (
        "nyckeln är hittad; chefen aktiverar den igen",
        "the key is found; the manager makes it active again",
    ),
    "help.nät_av": ("koppla bort en station från nätverket", "take a station off the network"),
    "help.nät_på": ("koppla in en station i nätverket igen", "put a station back on the network"),
    "help.spola": (
        "spola fram klockan, t.ex. 30m, 2h eller 3d",
        "fast-forward the clock, e.g. 30m, 2h or 3d",
    ),
    "help.klocka": ("visa klockan", "show the clock"),
    "help.montera": (
        "montera ett nytt lås hos en kund, i stället för det gamla (ny: ny kund i enheten)",
        "install a new lock for a customer, replacing the old one (ny: a new customer in the unit)",
    ),
    "help.läsare": (
        "sätt nyckeln i teknikerns USB-läsare (ut: ta ut den)",
        "put the key in the technician's USB reader (ut: take it out)",
    ),
    "help.aktivitet": (
        "kontorets aktivitetslogg, senaste först",
        "back office activity log, latest first",
    ),
    "help.synkningar": (
        "stationernas händelser, senaste först",
        "the stations' events, latest first",
    ),
    "help.avvikelser": (
        "kontorets avvikelser, senaste först",
        "back office anomalies, latest first",
    ),
    "help.kontoret": (
        "det senaste i kontoret: aktivitet, synkningar, avvikelser",
        "the latest in the back office: activity, syncs, anomalies",
    ),
    "help.avsluta": ("avsluta (Ctrl-D gör samma sak)", "quit (Ctrl-D does the same)"),
    # The arguments each command takes, as shown in the help.
    "help.lås_igen": (
        "lås dörren igen efter besöket (förvalt: låset du senast öppnade)",
        "lock the door again after the visit (default: the lock you last opened)",
    ),
    # The groups of the commands in hjälp, for trainees first.
    "group.start": ("Kom igång", "Getting started"),
    "group.station": ("Vid stationen", "At the station"),
    "group.visit": ("Hos kunden", "At the customer's"),
    "group.lost": ("Borttappad nyckel", "A lost key"),
    "group.site": ("Nät, klocka, nya lås", "Network, clock, new locks"),
    "group.office": ("Kontorets loggar", "The back office's logs"),
    "group.end": ("Sluta", "Stop"),
    "help.more": (
        "Skriv hjälp KOMMANDO för vad ett kommando gör och vad det tar, t.ex. hjälp synka.",
        "Type help COMMAND for what a command does and what it takes, e.g. help sync.",
    ),
    "help.usage": ("Så skriver du:", "How to type it:"),
    "help.takes": ("Det tar:", "It takes:"),
    # What each argument is, for hjälp KOMMANDO.
    "argdoc.station": (
        "station: stationens nummer eller namn; utan: din enhets station",
        "station: the station's number or name; without: your unit's station",
    ),
    "argdoc.unit": (
        "enhet: enhetens nummer eller namn; utan: din enhet",
        "unit: the unit's number or name; without: your unit",
    ),
    "argdoc.staff": (
        "id eller namn: medarbetarens nummer eller förnamn (se personal)",
        "id or name: the staff member's number or first name (see staff)",
    ),
    "argdoc.digits": (
        "siffror: de sex siffrorna, eller några i taget (# = klar, * = rensa); utan: rätt kod",
        "digits: the six digits, or a few at a time (# = done, * = clear); without: the right code",
    ),
    "argdoc.target": (
        "kund eller lås: kundens beteckning (se kunder) eller låsets nummer (se lås)",
        "customer or lock: the customer's reference (see customers) or the lock's number "
        "(see locks)",
    ),
    "argdoc.lock": (
        "lås: låsets nummer; utan: låset du senast öppnade",
        "lock: the lock's number; without: the lock you last opened",
    ),
    "argdoc.duration": (
        "tid: ett tal och m, h eller d (minuter, timmar, dygn), högst 60 dygn",
        "duration: a number and m, h or d (minutes, hours, days), at most 60 days",
    ),
    "argdoc.install": (
        "kund eller ny: kundens beteckning, eller ny för en ny kund; nyckelbox: en nyckelgömma "
        "i stället för dörrlås; adress: var låset sitter",
        "customer or ny: the customer's reference, or ny for a new customer; nyckelbox: a key "
        "box instead of a door lock; address: where the lock is",
    ),
    "argdoc.reader": (
        "ut: ta ut nyckeln ur läsaren; utan: sätt i den",
        "ut: take the key out of the reader; without: put it in",
    ),
    "argdoc.count": (
        "antal: hur många rader (förvalt 10, högst 500)",
        "count: how many rows (default 10, at most 500)",
    ),
    "argdoc.command": (
        "kommando: ett kommandos namn, på svenska eller engelska",
        "command: a command's name, in Swedish or English",
    ),
    "argdoc.none": ("Inget: skriv bara kommandot.", "Nothing: type the command alone."),
    "args.personal": ("[enhet]", "[unit]"),
    "args.välj": ("<id eller namn>", "<id or name>"),
    "args.skärm": ("[station]", "[station]"),
    "args.sätt_i": ("[station]", "[station]"),
    "args.kod": ("[siffror]", "[digits]"),
    "args.håll_nfc": ("[station]", "[station]"),
    "args.ta_ut": ("[station]", "[station]"),
    "args.synka": ("[station]", "[station]"),
    "args.kunder": ("[enhet]", "[unit]"),
    "args.öppna": ("<kund eller lås>", "<customer or lock>"),
    "args.nät_av": ("[station]", "[station]"),
    "args.nät_på": ("[station]", "[station]"),
    "args.spola": ("<tid>", "<duration>"),
    "args.montera": ("<kund|ny> [nyckelbox] [adress]", "<customer|ny> [nyckelbox] [address]"),
    "args.läsare": ("[ut]", "[ut]"),
    "args.aktivitet": ("[antal]", "[count]"),
    "args.synkningar": ("[antal]", "[count]"),
    "args.avvikelser": ("[antal]", "[count]"),
    "args.hjälp": ("[kommando]", "[command]"),
    "args.lås_igen": ("[lås]", "[lock]"),
    # -- what happens --------------------------------------------------------------------------
    "say.welcome": (
        "Välkommen till synks övningskonsol. Skriv hjälp för kommandona, personal för att börja.",
        "Welcome to synk's training console. Type help for the commands, staff to begin.",
    ),
    "say.goodbye": ("Övningen avslutas.", "The training session ends."),
    "say.quit_ask": (
        "Det här stoppar hela övningsplatsen (stationer, lås och kontoret). Skriv ja för att "
        "stoppa, eller något annat för att fortsätta. Passets slut är synka, inte avsluta.",
        "This stops the whole training site (stations, locks and the back office). Type yes to "
        "stop, or anything else to go on. The end of a shift is sync, not quit.",
    ),
    "say.quit_cancelled": ("Övningen fortsätter.", "The training goes on."),
    "say.code_timed_out": (
        "{station} slutade vänta på koden: ingen knapp trycktes på {seconds} sekunder. Ta ut "
        "nyckeln (ta_ut) och sätt i den igen (sätt_i), eller skriv synka.",
        "{station} stopped waiting for the code: no key was pressed for {seconds} seconds. Take "
        "the key out (pull) and put it in again (insert), or type sync.",
    ),
    "say.locks_left_out": (
        "Stationen är utan nät: {count} av dina lås finns inte på nyckeln ({locks}). De kommer "
        "med när stationen har varit uppkopplad igen och du synkar på nytt.",
        "The station has no network: {count} of your locks are not on the key ({locks}). They "
        "come when the station has been online again and you sync once more.",
    ),
    "say.locks_left_out_one": (
        "Stationen är utan nät: ett av dina lås finns inte på nyckeln ({locks}). Det kommer "
        "med när stationen har varit uppkopplad igen och du synkar på nytt.",
        "The station has no network: one of your locks is not on the key ({locks}). It comes "
        "when the station has been online again and you sync once more.",
    ),
    "say.shift_end": (
        "Passet är slut: {station} har lämnat nyckelns händelser till kontoret ({uploaded}). "
        "Ta ut nyckeln och lägg den i nyckelskåpet.",
        "End of shift: {station} has handed the key's events to the back office ({uploaded}). "
        "Take the key out and put it back in the cabinet.",
    ),
    "say.shift_end_waiting": (
        "Nyckelns händelser ligger säkert i {station} men har inte nått kontoret än "
        "({queued}); de skickas när stationen har nät. Nyckeln kan läggas i nyckelskåpet.",
        "The key's events are safe in {station} but have not reached the back office yet "
        "({queued}); they are sent when the station has network. The key can go back in the "
        "cabinet.",
    ),
    # Amounts, singular and plural (emulator.hints.count).
    "count.events.one": ("{n} händelse", "{n} event"),
    "count.events.many": ("{n} händelser", "{n} events"),
    "count.days.one": ("{n} dygn", "{n} day"),
    "count.days.many": ("{n} dygn", "{n} days"),
    "count.hours.one": ("{n} timme", "{n} hour"),
    "count.hours.many": ("{n} timmar", "{n} hours"),
    "count.locks.one": ("{n} lås", "{n} lock"),
    "count.locks.many": ("{n} lås", "{n} locks"),
    # What to do next (emulator.hints): one sentence, for the console's tips and the page.
    "hint.pick": (
        "Välj först vem du spelar: personal listar enhetens medarbetare, välj <namn> väljer.",
        "First pick whom you play: staff lists the unit's staff, pick <name> picks.",
    ),
    "hint.no_key": (
        "Du har ingen nyckel i kontoret; välj en medarbetare som har en.",
        "You have no key in the back office; pick a staff member who has one.",
    ),
    "hint.key_not_active": (
        "Din nyckel är {state} i kontoret: den synkar inte och låsen nekar den. Chefen "
        "aktiverar den igen när den är hittad (hittad).",
        "Your key is {state} in the back office: it does not sync and the locks refuse it. The "
        "manager makes it active again once it is found (found).",
    ),
    "hint.busy": (
        "Stationen arbetar med nyckeln: låt den sitta kvar tills skärmen säger till.",
        "The station is working with the key: leave it in until the screen says so.",
    ),
    "hint.code": (
        "Stationen väntar på din kod: skriv de sex siffrorna (kod).",
        "The station waits for your code: type the six digits (code).",
    ),
    "hint.pull": (
        "Synken är klar: ta ut nyckeln (ta_ut). Nyckelns händelser ligger säkert i stationen "
        "och når kontoret när stationen har nät.",
        "The sync is done: take the key out (pull). The key's events are safe in the station "
        "and reach the back office when the station has network.",
    ),
    "hint.shift_end": (
        "Klart: kontoret har fått allt från nyckeln ({events}). Ta ut nyckeln; är passet slut, "
        "lägg den i nyckelskåpet.",
        "Done: the back office has everything from the key ({events}). Take the key out; if the "
        "shift is over, put it back in the cabinet.",
    ),
    "hint.locked_out": (
        "För många felaktiga koder: ta ut nyckeln och försök igen efter {until} (spola 15m).",
        "Too many wrong codes: take the key out and try again after {until} (forward 15m).",
    ),
    "hint.code_timeout": (
        "Stationen slutade vänta på koden: ta ut nyckeln och sätt i den igen.",
        "The station stopped waiting for the code: take the key out and put it in again.",
    ),
    "hint.expired": (
        "Stationen har varit utan nät i mer än 8 dygn och synkar inga nycklar: koppla in den "
        "igen (nät_på).",
        "The station has had no network for more than 8 days and syncs no keys: put it back on "
        "the network (online).",
    ),
    "hint.pull_refused": (
        "Stationen nekade: läs skärmen, ta ut nyckeln och gör det den säger.",
        "The station refused: read the screen, take the key out and do what it says.",
    ),
    "hint.offline": (
        "Stationen är utan nät men synkar nycklar {left} till med det den har; lås som "
        "monteras nu kommer med först när den är uppkopplad igen.",
        "The station has no network but syncs keys for {left} more with what it has; locks "
        "installed now come only once it is online again.",
    ),
    "hint.days_hours": ("{days} och {hours}", "{days} and {hours}"),
    "hint.visit": (
        "Nyckeln gäller till {until}: gå till en kund och öppna (öppna). Synka igen när passet "
        "är slut.",
        "The key is valid until {until}: walk to a customer and open (open). Sync again when the "
        "shift is over.",
    ),
    "hint.sync": (
        "Synka nyckeln: sätt i den i stationen och skriv din kod (synka).",
        "Sync your key: put it in the station and type your code (sync).",
    ),
    "help.tips": ("säg vad du kan göra nu", "say what you can do now"),
    "why.relock": (
        "Att låsa kräver ingen behörighet, så låset loggar det inte: loggen visar vem som släpptes "
        "in, och när.",
        "Locking needs no permission, so the lock does not log it: the log shows who was let in, "
        "and when.",
    ),
    "say.relocked": ("{name} låste {lock} igen.", "{name} locked {lock} again."),
    "say.already_locked": ("{lock} är redan låst.", "{lock} is already locked."),
    "say.units_title": ("Enheter och stationer:", "Units and stations:"),
    "say.staff_title": ("Personal i {unit}:", "Staff of {unit}:"),
    "say.picked": (
        "Du är nu {name} i {unit}: nyckel {key} ({state}), kod {code}, station {station}.",
        "You are now {name} of {unit}: key {key} ({state}), code {code}, station {station}.",
    ),
    "say.picked_no_key": (
        "Du är nu {name} i {unit}, men {name} har ingen nyckel.",
        "You are now {name} of {unit}, but {name} has no key.",
    ),
    "say.stations_title": ("Stationerna:", "The stations:"),
    "say.screen": ("{station}, lampan {led}:", "{station}, LED {led}:"),
    "say.insert": (
        "{name} sätter nyckel {key} i {station}.",
        "{name} puts key {key} into {station}.",
    ),
    "say.wants_code": (
        "Stationen väntar på koden: skriv kod (rätt kod) eller kod <siffror>.",
        "The station waits for the code: type code (the right code) or code <digits>.",
    ),
    "say.typing": ("{name} skriver {code} på knappsatsen.", "{name} types {code} on the keypad."),
    "say.code_partial": (
        "Koden är inte färdig: skriv fler siffror, eller # för att skicka.",
        "The code is not complete: type more digits, or # to send it.",
    ),
    "say.tap": (
        "{name} håller nyckel {key} mot NFC-läsaren på {station}.",
        "{name} holds key {key} to the NFC reader of {station}.",
    ),
    "say.pull": ("{name} tar ut nyckeln ur {station}.", "{name} takes the key out of {station}."),
    "say.synced": (
        "Synk klar: nyckeln har dagens behörighet till {until}, {locks} lås.",
        "Sync done: the key holds today's set until {until}, {locks} locks.",
    ),
    "say.events_read": (
        "Stationen läste {count} från nyckeln och lade dem i sin kö till kontoret.",
        "The station read {count} from the key and put them in its queue to the office.",
    ),
    "say.refused": ("Stationen avbröt: {result}.", "The station stopped: {result}."),
    "say.timeout": (
        "Stationen blev inte klar inom {seconds} s; skärmen visar var den står.",
        "The station did not finish within {seconds} s; the screen shows where it is.",
    ),
    "say.key_title": ("Nyckel {key} ({name}):", "Key {key} ({name}):"),
    "say.key_state": (
        "I kontoret: {state}. Var: {place}.",
        "In the back office: {state}. Where: {place}.",
    ),
    "say.key_set": (
        "Behörighet nr {serial} för {locks} lås, giltig {start} till {until} ({valid}).",
        "Set no. {serial} for {locks} locks, valid {start} to {until} ({valid}).",
    ),
    "say.key_no_set": ("Ingen behörighet på nyckeln.", "No permission set on the key."),
    "say.key_rest": (
        "Spärrlista version {blocklist}; {events} händelser väntar på nyckeln; "
        "batteri {battery} %.",
        "Blocklist version {blocklist}; {events} events wait on the key; battery {battery} %.",
    ),
    "say.customers_title": ("Kunder i {unit}:", "Customers of {unit}:"),
    "say.locks_title": (
        "Lås som {name} får öppna ({count}):",
        "Locks {name} may open ({count}):",
    ),
    "say.walk": (
        "{name} går till {customer}, {address}.",
        "{name} walks to {customer}, {address}.",
    ),
    "say.present": (
        "{name} håller nyckeln mot {lock}: {outcome}.",
        "{name} holds the key to {lock}: {outcome}.",
    ),
    "say.door_events": (
        "Nyckeln tog {delivered} händelser från låset; {pending} väntar kvar i låset.",
        "The key took {delivered} events from the lock; {pending} still wait in the lock.",
    ),
    "say.stopped_at_entrance": (
        "Porten öppnades inte, så {name} kommer inte fram till dörren.",
        "The entrance did not open, so {name} cannot reach the door.",
    ),
    "say.lost": (
        "{name} har tappat nyckel {key}; {manager} anmäler den som förlorad i kontoret.",
        "{name} has lost key {key}; {manager} reports it lost in the back office.",
    ),
    "say.blocklist": (
        "Kontorets spärrlista är nu version {version} med {count} nycklar.",
        "The back office's blocklist is now version {version} with {count} keys.",
    ),
    "say.found": (
        "Nyckel {key} är hittad; {manager} gör den aktiv igen i kontoret.",
        "Key {key} is found; {manager} makes it active again in the back office.",
    ),
    "say.offline": ("{station} har inget nätverk nu.", "{station} has no network now."),
    "say.online": ("{station} har nätverk igen.", "{station} is on the network again."),
    "say.forward": (
        "Klockan spolades fram {amount}; den är nu {time}.",
        "The clock was moved forward {amount}; it is now {time}.",
    ),
    "say.clock": (
        "Klockan är {time} ({mode}).",
        "The time is {time} ({mode}).",
    ),
    "say.clock_running": ("går i {speed} gånger verklig tid", "running at {speed} times real time"),
    "say.clock_stopped": (
        "står still och går bara när konsolen låter världen arbeta",
        "stopped; it moves only when the console lets the world work",
    ),
    "say.customer_added": (
        "{manager} lägger upp den nya kunden {customer} i {unit}.",
        "{manager} adds the new customer {customer} to {unit}.",
    ),
    "say.removed": (
        "{technician} tar ner det gamla låset {lock} hos {customer}.",
        "{technician} takes down the old lock {lock} at {customer}.",
    ),
    "say.installed": (
        "{technician} registrerar lås {lock} ({kind}) och monterar det hos {customer}, {address}.",
        "{technician} registers lock {lock} ({kind}) and installs it for {customer}, {address}.",
    ),
    "say.reader_in": (
        "Nyckel {key} sitter i USB-läsaren ({path}); prova synk diag key --port {path}.",
        "Key {key} is in the USB reader ({path}); try synk diag key --port {path}.",
    ),
    "say.reader_out": ("USB-läsaren är tom.", "The USB reader is empty."),
    "say.activity_title": ("Aktivitetsloggen, senaste först:", "The activity log, latest first:"),
    "say.syncs_title": (
        "Stationernas händelser, senaste först:",
        "The stations' events, latest first:",
    ),
    "say.anomalies_title": ("Avvikelser, senaste först:", "Anomalies, latest first:"),
    "say.nothing": ("(inget ännu)", "(nothing yet)"),
    "say.place_pocket": ("i fickan", "in the pocket"),
    "say.place_station": ("i {station}", "in {station}"),
    "say.place_reader": ("i USB-läsaren", "in the USB reader"),
    "say.valid_now": ("gäller nu", "valid now"),
    "say.not_valid_now": ("gäller inte nu", "not valid now"),
    "say.yes": ("ja", "yes"),
    "say.no": ("nej", "no"),
    "say.on": ("på", "on"),
    "say.off": ("av", "off"),
    "say.personal_grant": ("personlig", "personal"),
    # -- what the real system does, and why ------------------------------------------------------
    "why.staff": (
        "Koderna visas bara här i övningen; i verkligheten känner bara medarbetaren sin kod.",
        "The codes are shown only here in training; in reality only the staff member knows it.",
    ),
    "why.pick": (
        "Varje medarbetare har en egen digital nyckel och en sexsiffrig kod; stationen har bara "
        "en kontrollsumma av koden i sitt paket, låst med en hemlighet som bara nyckeln har. "
        "Den kontrollerar koden utan nät tillsammans med nyckeln, men en stulen station kan "
        "inte pröva koder på egen hand.",
        "Every staff member has a personal digital key and a 6-digit code; the station holds "
        "only a verifier of the code in its bundle, locked with a secret only the key holds. "
        "It checks the code without network together with the key, but a stolen station "
        "cannot try codes on its own.",
    ),
    "why.insert": (
        "Stationen frågar nyckeln vem den är, kontrollerar i sitt senaste paket att nyckeln är "
        "känd och inte spärrad och låter nyckeln bevisa med sin privata nyckel att den är äkta.",
        "The station asks the key who it is, checks in its latest bundle that the key is known "
        "and not blocked, and has the key prove with its private key that it is genuine.",
    ),
    "why.ok_until": (
        "Stationen skrev dagens signerade behörighet och spärrlistan på nyckeln, sparade nyckelns "
        "händelser i sitt eget minne och lät nyckeln glömma dem först därefter, så inget går "
        "förlorat.",
        "The station wrote today's signed set and the blocklist onto the key, stored the key's "
        "events on its own flash and only then let the key forget them, so nothing is lost.",
    ),
    "why.wrong_code": (
        "Fel koder räknas per nyckel i stationen; efter fem i rad vägras nyckeln här i 15 minuter, "
        "så att ingen kan prova sig fram till koden.",
        "Wrong codes are counted per key in the station; after five in a row the key is refused "
        "here for 15 minutes, so nobody can guess the code by trying.",
    ),
    "why.locked_out": (
        "Spärren gäller bara vid den här stationen och släpper av sig själv; händelsen laddas upp "
        "så att chefen ser försöken.",
        "The lockout holds only at this station and ends by itself; the event is uploaded so the "
        "manager sees the attempts.",
    ),
    "why.key_blocked": (
        "Nyckeln är spärrad i kontoret; stationen fick veta det med sitt senaste paket och ger "
        "den ingen ny behörighet, så den slutar fungera när den gamla går ut.",
        "The key is blocked in the back office; the station learnt it with its latest bundle and "
        "gives it no new set, so it stops working when the old set runs out.",
    ),
    "why.unknown_key": (
        "Nyckeln finns inte i stationens paket: den hör till en annan enhet eller är inte "
        "registrerad i kontoret.",
        "The key is not in the station's bundle: it belongs to another unit or is not "
        "registered in the back office.",
    ),
    "why.no_set_now": (
        "Paketet har ingen behörighet för nyckeln just nu, till exempel för en nyckel utan lås.",
        "The bundle holds no set for this key right now, for example for a key with no locks.",
    ),
    "why.cache_expired": (
        "Stationen har inte fått något nytt paket på mer än 8 dygn; den delar hellre inte ut "
        "något än gamla behörigheter som kanske har ändrats.",
        "The station has had no new bundle for more than 8 days; it rather hands out nothing "
        "than old permissions that may have changed.",
    ),
    "why.no_bundle": (
        "Stationen har aldrig fått ett paket från kontoret, så den känner inga nycklar än.",
        "The station has never had a bundle from the back office, so it knows no keys yet.",
    ),
    "why.key_removed": (
        "Nyckeln skriver ny behörighet i sin andra plats och byter först när allt är skrivet, så "
        "en nyckel som dras ut för tidigt behåller den gamla och nästa synk lyckas.",
        "The key writes a new set into its other slot and switches only when all is written, "
        "so a key pulled out too early keeps the old one and the next sync succeeds.",
    ),
    "why.code_timeout": (
        "Ingen knapp trycktes på 30 sekunder, så stationen avslutade; ta ut nyckeln och börja om.",
        "No key was pressed for 30 seconds, so the station gave up; take the key out and retry.",
    ),
    "why.session_other": (
        "Stationen avbryter hellre än att lämna nyckeln halvfärdig; skärmen säger vad som hände "
        "och händelsen laddas upp till kontoret.",
        "The station stops rather than leave the key half done; the screen says what happened "
        "and the event is uploaded to the back office.",
    ),
    "why.pull": (
        "Allt stationen läste från nyckeln låg redan i dess minne, så den går direkt tillbaka "
        "till startskärmen.",
        "Everything the station read from the key was already on its flash, so it goes straight "
        "back to the start screen.",
    ),
    "why.key": (
        "Nyckeln bär sin behörighet, spärrlistan och låsens händelser mellan låsen och "
        "stationen; låsen själva har inget nätverk.",
        "The key carries its set, the blocklist and the locks' events between the locks and "
        "the station; the locks themselves have no network.",
    ),
    "why.customers": (
        "Kundens dörr hör till kundens enhet, så enhetens personal får den i sina behörigheter.",
        "A customer's door belongs to the customer's unit, so the unit's staff get it in "
        "their sets.",
    ),
    "why.locks": (
        "På nyckeln betyder att låset står i nyckelns nuvarande behörighet; nya lås kommer dit "
        "först vid nästa synk efter att stationen hämtat ett nytt paket.",
        "On key means the lock is in the key's current set; new locks get there only at the "
        "next sync after the station fetched a new bundle.",
    ),
    "why.open.OPENED": (
        "Låset kontrollerade signaturen på behörigheten, lät nyckeln bevisa vem den är, jämförde "
        "tiden med sin egen klocka och hittade sig självt i listan; händelsen följer med nyckeln.",
        "The lock checked the set's signature, had the key prove who it is, compared the times "
        "with its own clock and found itself in the list; the event travels on the key.",
    ),
    "why.open.NOT_IN_SET": (
        "Låset står inte i nyckelns behörighet: enheten får inte öppna det, eller så är låset "
        "nytt och nyckeln har inte synkat sedan stationen hämtade ett nytt paket.",
        "The lock is not in the key's set: the unit may not open it, or the lock is new and the "
        "key has not synced since the station fetched a new bundle.",
    ),
    "why.open.EXPIRED": (
        "Behörigheten gäller bara till kl 12 dagen efter synken; synka vid stationen för att få "
        "dagens.",
        "A set is valid only until 12:00 the day after the sync; sync at the station to get "
        "today's.",
    ),
    "why.open.NOT_YET_VALID": (
        "Låsets egen klocka ligger före behörighetens starttid; låsen har egna klockor som kan "
        "dra sig.",
        "The lock's own clock is before the set's start; locks have their own clocks, which "
        "can drift.",
    ),
    "why.open.BLOCKED": (
        "Låset har fått en spärrlista med nyckeln från en annan nyckel som synkat efter "
        "anmälan, så det vägrar trots att behörigheten inte har gått ut.",
        "The lock got a blocklist with this key from another key that synced after the report, "
        "so it refuses although the set has not run out.",
    ),
    "why.open.NO_SET": (
        "Nyckeln har ingen behörighet alls; den måste synkas vid stationen först.",
        "The key holds no set at all; it must be synced at the station first.",
    ),
    "why.open.BAD_SET": (
        "Behörigheten på nyckeln är skadad eller inte signerad av kontoret, så låset litar inte "
        "på den.",
        "The set on the key is damaged or not signed by the back office, so the lock does not "
        "trust it.",
    ),
    "why.open.AUTH_FAILED": (
        "Nyckeln kunde inte bevisa att den är nyckeln behörigheten skrevs för; en kopierad "
        "behörighet hjälper inte utan nyckelns privata nyckel.",
        "The key could not prove it is the key the set was written for; a copied set is useless "
        "without the key's private key.",
    ),
    "why.open.BLOCKLIST_UPDATED": (
        "Låset fick en nyare spärrlista från nyckeln; så sprids spärrar till lås utan nätverk.",
        "The lock got a newer blocklist from the key; that is how blocks reach locks without "
        "network.",
    ),
    "why.open.NO_ANSWER": (
        "Nyckeln svarade inte, så låset beslutade ingenting och sparade ingen händelse.",
        "The key did not answer, so the lock decided nothing and recorded no event.",
    ),
    "why.blocklist_updated": (
        "Låset tog emot spärrlista version {version} från nyckeln; så sprids spärrar till lås som "
        "aldrig har nätverk.",
        "The lock took blocklist version {version} from the key; that is how blocks reach locks "
        "that never have network.",
    ),
    "why.lose": (
        "Nästa paket till stationerna tar bort nyckeln, så den vägras vid nästa synk, och den "
        "hamnar på den signerade spärrlistan.",
        "The next bundle to the stations drops the key, so it is refused at its next sync, and "
        "it joins the signed blocklist.",
    ),
    "why.lose_spread": (
        "Spärrlistan skrivs på varje nyckel som synkar, och lås utan nätverk tar över den från "
        "de nycklarna, så de vägrar den förlorade nyckeln innan dess behörighet gått ut.",
        "The blocklist is written onto every key that syncs, and locks without network take it "
        "from those keys, so they refuse the lost key before its set runs out.",
    ),
    "why.bundle_soon": (
        "Stationer med nätverk hämtar nytt paket var 5:e minut; spola 5m för att se det hända.",
        "Stations on the network fetch a new bundle every 5 minutes; forward 5m to see it happen.",
    ),
    "why.found": (
        "Nyckeln kommer med i nästa paket igen och nästa spärrlista släpper den.",
        "The key is back in the next bundle and the next blocklist lets it go.",
    ),
    "why.offline": (
        "Stationen synkar vidare från sitt sparade paket i upp till 8 dygn och köar händelserna; "
        "startskärmen visar hur många dygn som är kvar när den märkt avbrottet.",
        "The station keeps syncing from its stored bundle for up to 8 days and queues the "
        "events; once it notices the outage, its start screen shows the days left.",
    ),
    "why.online": (
        "Stationen laddar upp sin kö och hämtar ett nytt paket direkt; nya lås och spärrar når "
        "nycklarna vid nästa synk.",
        "The station uploads its queue and fetches a new bundle at once; new locks and blocks "
        "reach the keys at their next sync.",
    ),
    "why.forward": (
        "Alla klockor går fram: stationerna hämtar nya paket, nycklarnas behörighet går ut kl 12 "
        "dagen efter synken och en station utan nätverk räknar ner sina 8 dygn.",
        "Every clock moves: stations fetch new bundles, the keys' sets run out at 12:00 the day "
        "after their sync, and a station without network counts down its 8 days.",
    ),
    "why.install_offline": (
        "Stationen är utan nät, så låset kommer inte med i något paket förrän nätet är tillbaka; "
        "först därefter kan personalen synka och öppna det.",
        "The station has no network, so the lock is in no bundle until the network is back; only "
        "after that can staff sync and open it.",
    ),
    "why.install": (
        "Låset finns nu i kontoret med sin hemliga MAC-nyckel, men personalen kan öppna det först "
        "när stationen har hämtat ett nytt paket och nyckeln har synkat.",
        "The lock is now in the back office with its secret MAC key, but staff can open it only "
        "after the station fetched a new bundle and the key has synced.",
    ),
    "why.reader": (
        "Teknikerns verktyg pratar med nyckeln genom läsaren precis som med riktig hårdvara.",
        "The technician's tools talk to the key through the reader just as with real hardware.",
    ),
    "why.activity": (
        "Låsets händelser når kontoret med nyckeln: stationen läser dem vid synken och laddar upp "
        "dem; varje händelse är signerad av låset och numrerad, så luckor och förfalskningar syns.",
        "Lock events reach the office on the key: the station reads them at the sync and "
        "uploads them; each is signed by the lock and numbered, so gaps and forgeries show.",
    ),
    "why.syncs": (
        "Stationerna rapporterar sina egna händelser: synkar, fel koder, spärrade nycklar och "
        "nya paket.",
        "The stations report their own events: syncs, wrong codes, blocked keys and new bundles.",
    ),
    "why.anomalies": (
        "Kontoret flaggar det som inte stämmer: luckor i ett låss numrering, spärrade eller "
        "okända nycklar som ändå använts och felaktiga signaturer.",
        "The back office flags what does not add up: gaps in a lock's numbering, blocked or "
        "unknown keys that were used anyway, and bad signatures.",
    ),
    # -- input the console cannot use ----------------------------------------------------------
    "error.prefix": ("Fel: {text}", "Error: {text}"),
    "error.unknown_command": (
        "okänt kommando {name}; skriv hjälp för kommandona",
        "unknown command {name}; type help for the commands",
    ),
    "error.did_you_mean": (
        "okänt kommando {name}; menade du {suggestion}? (hjälp visar alla)",
        "unknown command {name}; did you mean {suggestion}? (help shows them all)",
    ),
    "error.nothing_to_lock": (
        "du har inte öppnat något lås än; skriv lås_igen <lås>",
        "you have not opened a lock yet; type relock <lock>",
    ),
    "error.no_staff": (
        "välj först en medarbetare med välj <id> (personal listar dem)",
        "pick a staff member first with pick <id> (staff lists them)",
    ),
    "error.unknown_staff": ("ingen medarbetare heter {arg}", "no staff member matches {arg}"),
    "error.ambiguous": (
        "{arg} passar in på flera: {names}; ange ett id",
        "{arg} matches several: {names}; give an id",
    ),
    "error.unknown_unit": (
        "ingen enhet {arg}; enheterna är {units}",
        "no unit {arg}; the units are {units}",
    ),
    "error.unknown_station": (
        "ingen station {arg}; stationerna är {stations}",
        "no station {arg}; the stations are {stations}",
    ),
    "error.unknown_lock": ("inget lås {arg} på platsen", "no lock {arg} at the site"),
    "error.lock_not_installed": (
        "lås {arg} är inte monterat någonstans",
        "lock {arg} is not installed anywhere",
    ),
    "error.unknown_customer": ("ingen kund {arg}", "no customer {arg}"),
    "error.no_lock_for_customer": (
        "kunden {arg} har inget monterat lås",
        "customer {arg} has no installed lock",
    ),
    "error.bad_number": ("{arg} är inget giltigt antal", "{arg} is not a valid count"),
    "error.bad_duration": (
        "{arg} är ingen tid; skriv t.ex. 30m, 2h eller 3d (högst {days} dygn)",
        "{arg} is not a duration; write e.g. 30m, 2h or 3d (at most {days} days)",
    ),
    "error.bad_code": (
        "{arg} går inte att skriva; knappsatsen har siffrorna, * och # (högst {max} tryck)",
        "{arg} cannot be typed; the keypad has the digits, * and # (at most {max} presses)",
    ),
    "error.missing": (
        "{what} saknas; skriv hjälp {command}",
        "{what} is missing; type help {command}",
    ),
    "error.extra": ("för många ord: {arg}", "too many words: {arg}"),
    "error.no_key": ("{name} har ingen nyckel", "{name} has no key"),
    "error.key_in_station": (
        "nyckeln sitter i {station}; ta ut den först med ta_ut",
        "the key is in {station}; take it out first with pull",
    ),
    "error.key_in_reader": (
        "nyckeln sitter i USB-läsaren; ta ut den med läsare ut",
        "the key is in the USB reader; take it out with reader ut",
    ),
    "error.station_busy": (
        "det sitter redan en annan nyckel i {station}",
        "another key is already in {station}",
    ),
    "error.key_not_in_station": (
        "nyckeln sitter inte i någon station; sätt i den med sätt_i",
        "the key is in no station; put it in with insert",
    ),
    "error.not_waiting_for_code": (
        "{station} väntar inte på någon kod nu",
        "{station} is not waiting for a code now",
    ),
    "error.need_address": (
        "ange adressen för den nya kunden, t.ex. montera ny Storgatan 5",
        "give the new customer's address, e.g. install ny Storgatan 5",
    ),
    "error.bad_address": (
        "adressen måste vara 1-200 skrivbara tecken",
        "the address must be 1-200 printable characters",
    ),
    "error.backoffice": ("kontoret sade nej: {text}", "the back office said no: {text}"),
    "error.unexpected": ("oväntat fel: {detail}", "unexpected error: {detail}"),
    "what.staff": ("medarbetare", "staff member"),
    "what.lock": ("lås eller kund", "lock or customer"),
    "what.customer": ("kund (eller ny)", "customer (or ny)"),
    "what.duration": ("tid", "duration"),
    # -- table headers -------------------------------------------------------------------------
    "col.id": ("Id", "Id"),
    "col.unit": ("Enhet", "Unit"),
    "col.provider": ("Utförare", "Provider"),
    "col.station": ("Station", "Station"),
    "col.staff": ("Personal", "Staff"),
    "col.customers": ("Kunder", "Customers"),
    "col.name": ("Namn", "Name"),
    "col.code": ("Kod", "Code"),
    "col.key": ("Nyckel", "Key"),
    "col.state": ("Läge", "State"),
    "col.network": ("Nät", "Network"),
    "col.contact": ("Kontakt", "Contact"),
    "col.bundle": ("Paket", "Bundle"),
    "col.offline_until": ("Klarar sig till", "Offline until"),
    "col.queue": ("Kö", "Queue"),
    "col.screen": ("Skärm", "Screen"),
    "col.customer": ("Kund", "Customer"),
    "col.lock": ("Lås", "Lock"),
    "col.entrance": ("Port", "Entrance"),
    "col.address": ("Adress", "Address"),
    "col.kind": ("Typ", "Kind"),
    "col.on_key": ("På nyckeln", "On key"),
    "col.time": ("Tid", "Time"),
    "col.outcome": ("Utfall", "Outcome"),
    "col.event": ("Händelse", "Event"),
    "col.detail": ("Detalj", "Detail"),
    "col.anomaly": ("Avvikelse", "Anomaly"),
    "col.seq": ("Löpnr", "Seq"),
    # -- names of things -----------------------------------------------------------------------
    "led.green": ("grön", "green"),
    "led.red": ("röd", "red"),
    "led.amber": ("gul", "amber"),
    "led.off": ("släckt", "off"),
    "state.active": ("aktiv", "active"),
    "state.blocked": ("spärrad", "blocked"),
    "state.lost": ("förlorad", "lost"),
    "state.retired": ("avvecklad", "retired"),
    "state.online": ("uppkopplad", "online"),
    "state.offline": ("nere", "offline"),
    "kind.customer_door": ("kunddörr", "customer door"),
    "kind.key_box": ("nyckelbox", "key box"),
    "kind.building_entrance": ("port", "building entrance"),
    "kind.common_area": ("gemensamt utrymme", "common area"),
    "role.admin": ("administratör", "administrator"),
    "role.technician": ("tekniker", "technician"),
    "role.reviewer": ("granskare", "reviewer"),
    "role.unit_manager": ("enhetschef", "unit manager"),
    "role.alarm_group": ("larmgrupp", "alarm group"),
    "result.ok_until": ("synk klar", "sync done"),
    "result.unknown_key": ("okänd nyckel", "unknown key"),
    "result.key_blocked": ("nyckeln är spärrad", "the key is blocked"),
    "result.locked_out": ("för många fel koder", "too many wrong codes"),
    "result.cache_expired": (
        "stationen har varit utan nät för länge",
        "station without network too long",
    ),
    "result.no_bundle": ("stationen har inget paket", "the station has no bundle"),
    "result.no_set_now": ("ingen behörighet just nu", "no set for now"),
    "result.key_auth_failed": ("nyckeln kunde inte verifieras", "the key could not be verified"),
    "result.key_removed": ("nyckeln togs ut för tidigt", "the key was removed too early"),
    "result.comm_error": ("kontakten med nyckeln bröts", "contact with the key was lost"),
    "result.outbox_full": ("stationens kö är full", "the station's queue is full"),
    "result.key_battery_low": ("nyckelns batteri är svagt", "the key's battery is low"),
    "result.code_timeout": ("ingen kod angavs", "no code was entered"),
    "result.key_fault": ("nyckeln svarar fel", "the key answers wrongly"),
    "result.station_fault": ("fel i stationen", "station fault"),
    "outcome.OPENED": ("öppnat", "opened"),
    "outcome.NOT_IN_SET": ("inte i behörigheten", "not in the set"),
    "outcome.EXPIRED": ("behörigheten har gått ut", "the set has expired"),
    "outcome.NOT_YET_VALID": ("behörigheten gäller inte än", "the set is not valid yet"),
    "outcome.BLOCKED": ("nyckeln är spärrad", "the key is blocked"),
    "outcome.BAD_SET": ("ogiltig behörighet", "bad set"),
    "outcome.AUTH_FAILED": ("nyckeln kunde inte verifieras", "the key could not be verified"),
    "outcome.NO_SET": ("ingen behörighet på nyckeln", "no set on the key"),
    "outcome.BLOCKLIST_UPDATED": ("ny spärrlista", "blocklist updated"),
    "outcome.NO_ANSWER": ("inget svar", "no answer"),
    "reason.SYNC_OK": ("synk klar", "sync done"),
    "reason.WRONG_CODE": ("fel kod", "wrong code"),
    "reason.LOCKED_OUT": ("för många fel", "locked out"),
    "reason.UNKNOWN_KEY": ("okänd nyckel", "unknown key"),
    "reason.KEY_BLOCKED": ("spärrad nyckel", "key blocked"),
    "reason.CACHE_EXPIRED": ("paketet för gammalt", "bundle too old"),
    "reason.KEY_AUTH_FAILED": ("nyckeln ej verifierad", "key not verified"),
    "reason.KEY_REMOVED": ("nyckeln togs ut", "key removed"),
    "reason.NO_SET_NOW": ("ingen behörighet nu", "no set now"),
    "reason.BUNDLE_INSTALLED": ("nytt paket", "new bundle"),
    "reason.BUNDLE_REJECTED": ("paket avvisat", "bundle rejected"),
    "reason.OUTBOX_FULL": ("kön full", "queue full"),
    "reason.BOOT": ("start", "boot"),
    "reason.SERVICE_COMMAND": ("servicekommando", "service command"),
    "reason.CACHE_DISCARDED": ("paket kasserat", "bundle discarded"),
    "anomaly.sequence_gap": ("lucka i numreringen", "gap in the numbering"),
    "anomaly.sequence_reuse": ("löpnummer återanvänt", "sequence number reused"),
    "anomaly.outbox_index_reused": ("utkorgens nummer återanvänt", "outbox number reused"),
    "anomaly.forged_mac": ("felaktig signatur", "forged MAC"),
    "anomaly.unknown_lock": ("okänt lås", "unknown lock"),
    "anomaly.unknown_key": ("okänd nyckel", "unknown key"),
    "anomaly.blocked_key": ("spärrad nyckel använd", "blocked key used"),
    "anomaly.lost_key": ("borttappad nyckel öppnade", "lost key opened a door"),
    "span.minutes": ("{n} minuter", "{n} minutes"),
    "span.hours": ("{n} timmar", "{n} hours"),
    "span.days": ("{n} dygn", "{n} days"),
    # -- python -m emulator.emulate ------------------------------------------------------------
    "emulate.description": (
        "Hela platsen på den här datorn: kontoret, stationerna med riktig firmware, nycklar, lås "
        "och övningskonsolen.",
        "The whole site on this computer: the back office, the stations running the real "
        "firmware, keys, locks and the training console.",
    ),
    "emulate.help_work": (
        "arbetsmapp som sparas mellan körningar (förvalt ./work/emulator)",
        "work folder kept between runs (default ./work/emulator)",
    ),
    "emulate.help_speed": (
        "klockans fart, 1 = verklig tid (förvalt 1)",
        "the clock's speed, 1 = real time (default 1)",
    ),
    "emulate.help_no_console": (
        "ingen övningskonsol: kör tills Ctrl-C",
        "no training console: run until Ctrl-C",
    ),
    "emulate.bad_speed": (
        "farten måste vara ett tal över 0: {value}",
        "the speed must be a number above 0: {value}",
    ),
    "emulate.starting": (
        "Startar platsen i {work} (första gången byggs demoplatsen, det tar några sekunder) ...",
        "Starting the site in {work} (the first time the demo site is built: a few seconds) ...",
    ),
    "emulate.failed": ("Platsen kunde inte starta: {error}", "The site could not start: {error}"),
    "emulate.running": ("synk-emulatorn körs.", "The synk emulator is running."),
    "emulate.work": ("Arbetsmapp: {work}", "Work folder: {work}"),
    "emulate.url": ("Kontoret: {url}", "Back office: {url}"),
    "emulate.users": ("Inloggning i kontoret:", "Back-office sign-in:"),
    "emulate.user": (
        "  {username:<15} {role:<30} {word} {password}",
        "  {username:<15} {role:<30} {word} {password}",
    ),
    "emulate.password": ("lösenord", "password"),
    "emulate.stations": ("Stationernas servicekonsoler:", "The stations' service consoles:"),
    "emulate.station": ("  {station_id} {name:<30} {path}", "  {station_id} {name:<30} {path}"),
    "emulate.reader": ("USB-nyckelläsare: {path}", "USB key reader: {path}"),
    "emulate.diag": (
        "Tekniker: synk diag status --port {station}, synk diag key --port {reader}",
        "Technicians: synk diag status --port {station}, synk diag key --port {reader}",
    ),
    "emulate.clock": ("Klockan: {time}, fart {speed}", "Clock: {time}, speed {speed}"),
    "emulate.waiting": ("Ctrl-C stoppar allt.", "Ctrl-C stops everything."),
    "emulate.stopping": ("Stoppar och sparar ...", "Stopping and saving ..."),
    "emulate.stopped": (
        "Stoppat; platsen är sparad i {work}.",
        "Stopped; the site is saved in {work}.",
    ),
    "emulate.help_language": (
        "språk på stationernas skärmar, i konsolen, på övningssidan och på kontorets"
        " uppföljningssidor: sv (förval), en eller both (svenska och engelska)",
        "language of the stations' screens, the console, the training page and the back"
        " office's follow-up pages: sv (default), en or both (Swedish and English)",
    ),
    "emulate.help_no_browser": (
        "öppna inte övningssidan i webbläsaren (adressen skrivs ut ändå)",
        "do not open the training page in the browser (its address is printed anyway)",
    ),
    "emulate.help_vm": (
        "var stationernas firmware kör: cpython (i emulatorns process, förval) eller "
        "micropython (varje station i en egen MicroPython-process, flashad med mpremote)",
        "where the stations' firmware runs: cpython (in the emulator's process, the default) or "
        "micropython (each station in a MicroPython process of its own, flashed with mpremote)",
    ),
    "emulate.vm_flashing": (
        "Stationerna flashas med mpremote till MicroPython-processer (första gången tar det "
        "några minuter per station) ...",
        "Flashing the stations with mpremote into MicroPython processes (the first time takes "
        "a few minutes per station) ...",
    ),
    "emulate.vm_station": (
        "  {station_id} {name:<30} {path}  (MicroPython, heap {heap} KiB)",
        "  {station_id} {name:<30} {path}  (MicroPython, heap {heap} KiB)",
    ),
    "emulate.vm_no_trainer": (
        "Övningskonsolen och övningssidan styr bara stationer i emulatorns process (utan --vm): "
        "stationerna på MicroPython nås med synk diag över sina servicekonsoler. Ctrl-C stoppar "
        "allt.",
        "The training console and page drive only stations in the emulator's process (without "
        "--vm): reach the MicroPython stations with synk diag over their service consoles. "
        "Ctrl-C stops everything.",
    ),
    "emulate.help_web_port": (
        "port för övningssidan på 127.0.0.1 (förval: en ledig port)",
        "port of the training page on 127.0.0.1 (default: a free port)",
    ),
    "emulate.web": ("Övningssidan: {url}", "Training page: {url}"),
    # == the training page (emulator/web/) =================================================
    "web.buzzer": ("summer", "buzzer"),
    "web.keypad": ("knappsats", "keypad"),
    "web.slot_label": ("kontakt", "contact slot"),
    "web.drag": ("dra till kontakten", "drag onto the slot"),
    "web.training": ("övning", "training"),
    "web.relock": ("Lås igen", "Lock again"),
    "web.next": ("Nu:", "Next:"),
    "web.title": ("synk – övning", "synk – training"),
    "web.choose_station": ("Station", "Station"),
    "web.who_are_you": ("Vem är du?", "Who are you?"),
    "web.show": ("Visa", "Show"),
    "web.slot": ("Kontakten – dra hit nyckeln", "Contact slot – drag the key here"),
    "web.pad": ("NFC-läsaren – håll nyckeln här", "NFC reader – hold the key here"),
    "web.pull": ("Ta ut", "Pull out"),
    "web.take_away": ("Ta bort", "Take away"),
    "web.hint_station": (
        "Dra din nyckel till kontakten (eller klicka på nyckeln och sedan på kontakten). "
        "Siffrorna på tangentbordet trycker på knappsatsen.",
        "Drag your key onto the slot (or click the key, then the slot). "
        "The keyboard's digits press the keypad.",
    ),
    "web.staff_title": ("Personal i {unit}", "Staff of {unit}"),
    "web.you": ("(du)", "(you)"),
    "web.valid_until": ("Giltig till", "Valid until"),
    "web.put_in": ("Sätt i", "Put in"),
    "web.where.slot": ("i stationen", "in the station"),
    "web.where.nfc": ("vid NFC-läsaren", "at the NFC reader"),
    "web.where.reader": ("i USB-läsaren", "in the USB reader"),
    "web.lockout": (
        "För många felaktiga koder. Försök igen kl {until}",
        "Too many wrong codes. Try again at {until}",
    ),
    "web.failures": ("Felaktiga koder: {n}", "Wrong codes: {n}"),
    "web.lose": ("Anmäl min nyckel förlorad", "Report my key lost"),
    "web.found": ("Min nyckel är hittad", "My key is found"),
    "web.doors_title": (
        "Kundernas dörrar och enhetens lås",
        "The customers' doors and the unit's locks",
    ),
    "web.pick_to_open": (
        "Välj vem du är överst på sidan, så kan du gå till en dörr och öppna med din nyckel.",
        "Pick who you are at the top of the page, then you can walk to a door and open it with "
        "your key.",
    ),
    "web.confirm_looked": ("Jag har letat", "I have looked"),
    "web.open_with_hand": (
        "Dörrarna öppnas med din nyckel; klicka först på en kollegas nyckel för att öppna med den.",
        "The doors open with your key; click a colleague's key first to open with theirs.",
    ),
    "web.walk_open": ("Gå dit och öppna", "Walk there and open"),
    "web.install_title": ("Montera ett nytt lås", "Install a new lock"),
    "web.install_customer": ("Kund", "Customer"),
    "web.install_kind": ("Slag", "Kind"),
    "web.install": ("Montera (som tekniker)", "Install (as the technician)"),
    "web.clock": ("Klockan {time} (fart {speed})", "Time {time} (speed {speed})"),
    "web.forward": ("Spola fram:", "Fast-forward:"),
    "web.unit.h": ("tim", "h"),
    "web.unit.d": ("dygn", "days"),
    "web.network_on": ("Stationens nät: på", "The station's network: on"),
    "web.network_off": ("Stationens nät: av", "The station's network: off"),
    "web.network_cut": ("Dra ur nätsladden", "Unplug the network"),
    "web.network_restore": ("Koppla in nätet", "Plug the network in"),
    "web.margin.none": ("Stationen har inget paket ännu.", "The station has no bundle yet."),
    "web.margin.over": (
        "Stationen har varit utan uppkoppling för länge: den synkar inga nycklar förrän den "
        "fått ett nytt paket.",
        "The station has been offline too long: it syncs no keys until it has a new bundle.",
    ),
    "web.margin.left": (
        "Stationen klarar sig utan uppkoppling i {days} dygn och {hours} tim till (till {until}).",
        "The station can work offline for {days} days and {hours} h more (until {until}).",
    ),
    "web.blocklist_v": ("spärrlista v{version}", "blocklist v{version}"),
    "web.blocklist_path": (
        "Spärrlistan: kontoret har version {office}, stationen {station}; den går vidare med "
        "nästa nyckel som synkas och med den till låsen (versionen står vid varje nyckel och lås).",
        "The blocklist: the back office has version {office}, the station {station}; it travels "
        "on with the next key synced and on that key to the locks (each key and lock shows its "
        "version).",
    ),
    "web.queue": ("Händelser i stationens kö: {n}", "Events in the station's queue: {n}"),
    "web.lessons_title": ("Lektioner", "Lessons"),
    "web.pick_first": (
        "Välj först vem du är överst på sidan.",
        "First pick who you are at the top of the page.",
    ),
    "web.start": ("Börja", "Start"),
    "web.restart": ("Börja om", "Start again"),
    "web.lesson_close": ("Till lektionerna", "Back to the lessons"),
    "web.done": ("klar", "done"),
    "web.step_of": ("steg {n} av {total}", "step {n} of {total}"),
    "web.lesson_done": (
        "Bra! Lektionen är klar.",
        "Well done! The lesson is complete.",
    ),
    "web.activity_title": ("Kontorets logg över låsen", "The back office's log of the locks"),
    "web.scenarios_link": ("Scenarier", "Scenarios"),
    "web.scenarios_title": ("synk – scenarier", "synk – scenarios"),
    "web.back_to_station": ("Till stationen", "To the station"),
    "web.scenarios_intro": (
        "Varje scenario spelas upp på en egen övningsplats, steg för steg: vad som händer och "
        "varför, stationens skärm och det scenariot kontrollerar. Övningsplatsen ändras inte.",
        "Each scenario is played on a site of its own, step by step: what happens and why, "
        "the station's screen, and what the scenario checks. The training site is not "
        "changed.",
    ),
    "web.show_scenario": ("Visa", "Show"),
    "web.next_step": ("Nästa steg", "Next step"),
    "web.all_steps": ("Alla steg", "All steps"),
    "web.play_again": ("Spela igen", "Play again"),
    "web.scenario_starting": ("Scenariot startar …", "The scenario is starting …"),
    "web.scenario_running": ("Scenariot spelas …", "The scenario is playing …"),
    "web.station_screen": ("Stationens skärm", "The station's screen"),
    "web.scenario_passed": (
        "Alla kontroller gick igenom.",
        "Every check passed.",
    ),
    "web.scenario_failed": ("En kontroll gick inte igenom.", "A check failed."),
    "web.log_title": ("Vad som hände", "What happened"),
    "web.error.unknown_station": ("Ingen station {arg}.", "No station {arg}."),
    "web.error.unknown_key": ("Ingen nyckel {arg}.", "No key {arg}."),
    "web.error.unknown_staff": ("Ingen medarbetare {arg}.", "No staff member {arg}."),
    "web.error.unknown_lock": ("Inget lås {arg}.", "No lock {arg}."),
    "web.error.unknown_lesson": ("Ingen lektion {arg}.", "No lesson {arg}."),
    "web.error.unknown_action": ("Okänd handling {arg}.", "Unknown action {arg}."),
    "web.error.bad_button": ("Ingen knapp {arg} på knappsatsen.", "No button {arg} on the keypad."),
    "web.error.bad_forward": (
        "Spola fram med timmar eller dygn, högst 60.",
        "Fast-forward by hours or days, at most 60.",
    ),
    "web.error.key_elsewhere": (
        "Nyckel {key} sitter redan i en station eller läsare; ta ut den först.",
        "Key {key} is already in a station or reader; take it out first.",
    ),
    "web.error.slot_busy": (
        "Det sitter redan en nyckel i kontakten.",
        "There is a key in the slot already.",
    ),
    "web.error.pad_busy": (
        "Det ligger redan en nyckel vid NFC-läsaren.",
        "There is a key at the NFC reader already.",
    ),
    "web.error.unknown_customer": ("Ingen kund {arg}.", "No customer {arg}."),
    "web.error.unknown_kind": ("Inget låsslag {arg}.", "No kind of lock {arg}."),
    "web.error.unknown_scenario": ("Inget scenario {arg}.", "No scenario {arg}."),
    "web.error.pick_first": ("Välj först vem du är.", "First pick who you are."),
    "web.error.not_found": ("Sidan finns inte.", "No such page."),
    "web.error.origin": (
        "Förfrågan kom inte från övningssidan.",
        "The request did not come from the training page.",
    ),
    "web.error.json": ("Förfrågan ska vara JSON.", "The request must be JSON."),
    # -- lessons: a title, then per step what to do and (.why) why -------------------------
    "lesson.1.title": (
        "1. Passets början: synka nyckeln, koden, ”giltig till”",
        "1. Start of shift: sync your key, the code, “valid until”",
    ),
    "lesson.1.insert": (
        "Dra din nyckel till stationens kontakt.",
        "Drag your key onto the station's contact slot.",
    ),
    "lesson.1.insert.why": (
        "Nyckeln får sin behörighet bara i stationen, där den också lämnar av vad den har "
        "loggat vid låsen.",
        "The key gets its permissions only at the station, where it also hands over what it "
        "logged at the locks.",
    ),
    "lesson.1.code": (
        "Skriv din kod på knappsatsen (koden står i personallistan).",
        "Type your code on the keypad (the code is in the staff list).",
    ),
    "lesson.1.code.why": (
        "Koden visar att det är du som har nyckeln: en upphittad nyckel utan kod får ingen "
        "behörighet.",
        "The code shows that it is you who holds the key: a found key without the code gets "
        "no permissions.",
    ),
    "lesson.1.pull": (
        "Läs ”giltig till” på skärmen och ta ut nyckeln.",
        "Read “valid until” on the screen and take the key out.",
    ),
    "lesson.1.pull.why": (
        "Behörigheten gäller bara till passets slut; en nyckel som tappas bort slutar därför "
        "av sig själv att fungera.",
        "The permissions last only until the end of the shift, so a lost key stops working "
        "by itself.",
    ),
    "lesson.1.door": (
        "Gå till en kunds dörr och öppna med din nyckel.",
        "Walk to a customer's door and open it with your key.",
    ),
    "lesson.1.door.why": (
        "Låset kontrollerar nyckelns signerade behörighet utan nät och loggar öppningen på "
        "nyckeln; den kommer till kontoret vid nästa synk.",
        "The lock checks the key's signed permissions without a network and logs the opening "
        "on the key; it reaches the back office at the next sync.",
    ),
    "lesson.2.title": (
        "2. Besök hos en kund: öppna, lås, och vad som loggas",
        "2. Visiting a customer: open, lock, and what is logged",
    ),
    "lesson.2.sync": (
        "Synka din nyckel: sätt i den och skriv koden.",
        "Sync your key: put it in and type the code.",
    ),
    "lesson.2.sync.why": (
        "Utan dagens behörighet öppnar inget lås.",
        "Without today's permissions no lock opens.",
    ),
    "lesson.2.pull": ("Ta ut nyckeln.", "Take the key out."),
    "lesson.2.pull.why": (
        "Nyckeln har nu behörighet för enhetens kunder till passets slut.",
        "The key now opens the unit's customers' doors until the end of the shift.",
    ),
    "lesson.2.open": (
        "Gå till en kunds dörr och öppna.",
        "Walk to a customer's door and open it.",
    ),
    "lesson.2.open.why": (
        "Låset sparar öppningen och lämnar den till nyckeln: vem, vilken dörr, när. Låset har "
        "inget nät, så loggen reser med nyckeln.",
        "The lock records the opening and hands it to the key: who, which door, when. The lock "
        "has no network, so the log travels on the key.",
    ),
    "lesson.2.lock": (
        "Lås dörren igen när du går (Lås igen vid dörren).",
        "Lock the door again as you leave (Lock again at the door).",
    ),
    "lesson.2.lock.why": (
        "Dörren ska vara låst när du lämnar kunden. Att låsa kräver ingen behörighet, så låset "
        "loggar bara vem som släpptes in.",
        "The door must be locked when you leave the customer. Locking needs no permission, so "
        "the lock logs only who was let in.",
    ),
    "lesson.2.handover": (
        "Synka nyckeln igen: stationen läser av nyckelns händelser.",
        "Sync the key again: the station reads the key's events.",
    ),
    "lesson.2.handover.why": (
        "Stationen sparar händelserna innan nyckeln glömmer dem och skickar dem till kontoret.",
        "The station stores the events before the key forgets them and sends them to the back "
        "office.",
    ),
    "lesson.2.logged": (
        "Se öppningen i kontorets logg (längst ner till höger).",
        "See the opening in the back office's log (bottom right).",
    ),
    "lesson.2.logged.why": (
        "Loggen visar vem som öppnade vilken dörr och när; den jämförs med de registrerade "
        "besöken i uppföljningen.",
        "The log shows who opened which door and when; the follow-up compares it with the "
        "registered visits.",
    ),
    "lesson.3.title": (
        "3. Fel kod och spärrtid",
        "3. Wrong code and lockout",
    ),
    "lesson.3.insert": (
        "Dra din nyckel till stationens kontakt.",
        "Drag your key onto the station's contact slot.",
    ),
    "lesson.3.insert.why": (
        "Stationen frågar efter koden varje gång en nyckel synkas.",
        "The station asks for the code each time a key is synced.",
    ),
    "lesson.3.wrong": (
        "Skriv en felaktig kod, till exempel 000000.",
        "Type a wrong code, for example 000000.",
    ),
    "lesson.3.wrong.why": (
        "Stationen räknar felaktiga koder per nyckel och visar hur många försök som är kvar.",
        "The station counts wrong codes per key and shows how many tries are left.",
    ),
    "lesson.3.lockout": (
        "Skriv fel kod tills stationen säger att det blev för många.",
        "Type wrong codes until the station says there were too many.",
    ),
    "lesson.3.lockout.why": (
        "Efter 5 felaktiga koder tar stationen inte emot nyckeln på 15 minuter, så ingen kan "
        "prova sig fram till koden.",
        "After 5 wrong codes the station refuses the key for 15 minutes, so nobody can guess "
        "the code by trying.",
    ),
    "lesson.3.pull": ("Ta ut nyckeln.", "Take the key out."),
    "lesson.3.pull.why": (
        "Spärrtiden gäller nyckeln i den här stationen; personallistan visar när den är slut.",
        "The lockout holds for the key at this station; the staff list shows when it ends.",
    ),
    "lesson.3.wait": (
        "Vänta ut spärrtiden: spola fram klockan en timme.",
        "Wait out the lockout: fast-forward the clock one hour.",
    ),
    "lesson.3.wait.why": (
        "I verkligheten väntar du 15 minuter eller ringer Bemanningen om du har glömt koden.",
        "In real life you wait 15 minutes, or call Bemanningen if you have forgotten the code.",
    ),
    "lesson.3.sync": (
        "Sätt i nyckeln igen och skriv rätt kod.",
        "Put the key in again and type the right code.",
    ),
    "lesson.3.sync.why": (
        "Med rätt kod börjar räkningen om från noll.",
        "With the right code the count starts again from zero.",
    ),
    "lesson.4.title": (
        "4. Borttappad nyckel: leta först, anmäl sedan; vad händer vid låsen",
        "4. A lost key: look first, then report it; what happens at the locks",
    ),
    "lesson.4.look": (
        "Du hittar inte din nyckel. Leta först: i fickan, i bilen, hos den senaste kunden.",
        "You cannot find your key. Look first: in your pocket, in the car, at the last customer's.",
    ),
    "lesson.4.look.why": (
        "En anmäld nyckel spärras i alla lås; den går inte att använda igen förrän den "
        "anmälts hittad och synkats.",
        "A reported key is blocked in every lock; it cannot be used again until it is "
        "reported found and synced.",
    ),
    "lesson.4.report": (
        "Anmäl nyckeln förlorad (knappen under personallistan; i verkligheten gör chefen det "
        "i kontoret).",
        "Report the key lost (the button under the staff list; in real life the manager does "
        "it in the back office).",
    ),
    "lesson.4.report.why": (
        "Kontoret lägger nyckeln på en ny signerad spärrlista, som stationerna hämtar.",
        "The back office puts the key on a new signed blocklist, which the stations fetch.",
    ),
    "lesson.4.station": (
        "Vänta tills stationen har hämtat den nya spärrlistan (spola fram en timme).",
        "Wait until the station has fetched the new blocklist (fast-forward one hour).",
    ),
    "lesson.4.station.why": (
        "Stationen hämtar nya paket var femte minut när den har nät; låsen har inget nät alls.",
        "The station fetches new bundles every five minutes when it has network; the locks "
        "have no network at all.",
    ),
    "lesson.4.colleague": (
        "En kollega börjar sitt pass: sätt i en kollegas nyckel och skriv kollegans kod.",
        "A colleague starts their shift: put a colleague's key in and type the colleague's code.",
    ),
    "lesson.4.colleague.why": (
        "Varje nyckel som synkas får med sig den nya spärrlistan.",
        "Every key synced takes the new blocklist with it.",
    ),
    "lesson.4.lock": (
        "Kollegan går till en dörr: klicka på kollegans nyckel, sedan på ”Gå dit och öppna”.",
        "The colleague walks to a door: click the colleague's key, then “Walk there and open”.",
    ),
    "lesson.4.lock.why": (
        "Låset tar spärrlistan från kollegans nyckel; från och med nu öppnar det inte för den "
        "borttappade nyckeln.",
        "The lock takes the blocklist from the colleague's key; from now on it does not open "
        "for the lost key.",
    ),
    "lesson.5.title": (
        "5. Stationen utan uppkoppling: 8 dygn",
        "5. The station offline: 8 days",
    ),
    "lesson.5.offline": (
        "Dra ur stationens nätsladd.",
        "Unplug the station's network.",
    ),
    "lesson.5.offline.why": (
        "Stationen synkar vidare från sitt sparade paket och köar händelserna.",
        "The station keeps syncing from its stored bundle and queues the events.",
    ),
    "lesson.5.forward": (
        "Spola fram klockan tills marginalen är slut (mer än 8 dygn).",
        "Fast-forward the clock until the margin is used up (more than 8 days).",
    ),
    "lesson.5.forward.why": (
        "Ett paket gäller högst 8 dygn utan kontakt med kontoret, så en spärrad nyckel inte "
        "kan synkas hur länge som helst.",
        "A bundle lasts at most 8 days without contact with the back office, so a blocked key "
        "cannot be synced for ever.",
    ),
    "lesson.5.refused": (
        "Sätt i din nyckel: stationen säger nej.",
        "Put your key in: the station refuses.",
    ),
    "lesson.5.refused.why": (
        "Stationen vet inte längre vilka nycklar som är spärrade och ger därför ingen behörighet.",
        "The station no longer knows which keys are blocked, so it gives no permissions.",
    ),
    "lesson.5.online": (
        "Ta ut nyckeln och koppla in nätet igen.",
        "Take the key out and plug the network in again.",
    ),
    "lesson.5.online.why": (
        "Stationen hämtar ett nytt paket och skickar sin kö till kontoret.",
        "The station fetches a new bundle and sends its queue to the back office.",
    ),
    "lesson.5.sync": (
        "Synka din nyckel: sätt i den och skriv koden.",
        "Sync your key: put it in and type the code.",
    ),
    "lesson.5.sync.why": (
        "Med ett nytt paket fungerar stationen som vanligt igen.",
        "With a new bundle the station works as usual again.",
    ),
    "lesson.6.title": (
        "6. Passets slut: synka igen, nyckeln tillbaka i skåpet",
        "6. End of shift: sync again, the key back in the cabinet",
    ),
    "lesson.6.insert": (
        "Dra din nyckel till stationens kontakt.",
        "Drag your key onto the station's contact slot.",
    ),
    "lesson.6.insert.why": (
        "Vid passets slut lämnar nyckeln av allt den har loggat vid låsen under passet.",
        "At the end of the shift the key hands over everything it logged at the locks.",
    ),
    "lesson.6.code": ("Skriv din kod.", "Type your code."),
    "lesson.6.code.why": (
        "Stationen sparar nyckelns händelser i sitt eget minne innan nyckeln får glömma dem.",
        "The station stores the key's events on its own flash before the key may forget them.",
    ),
    "lesson.6.uploaded": (
        "Se att stationens kö blir tom: händelserna är skickade till kontoret.",
        "See the station's queue empty: the events have been sent to the back office.",
    ),
    "lesson.6.uploaded.why": (
        "Kontoret har nu hela passets händelser, så uppföljningen av besöken stämmer.",
        "The back office now has the whole shift's events, so the follow-up of the visits is "
        "complete.",
    ),
    "lesson.6.pull": (
        "Ta ut nyckeln och lägg tillbaka den i nyckelskåpet.",
        "Take the key out and put it back in the key cabinet.",
    ),
    "lesson.6.pull.why": (
        "Nyckeln är klar för nästa pass; den får ny behörighet först när den synkas igen.",
        "The key is ready for the next shift; it gets new permissions only when it is synced "
        "again.",
    ),
    # == the headless scenarios (emulator/scenarios/): report, titles, steps, checks ===
    # -- the report ---------------------------------------------------------------------------
    "scenario.report.passed": (
        "GODKÄNT: alla {total} kontroller höll",
        "PASSED: all {total} checks held",
    ),
    "scenario.report.failed": (
        "UNDERKÄNT: {failed} av {total} kontroller höll inte",
        "FAILED: {failed} of {total} checks did not hold",
    ),
    "scenario.report.error": ("Scenariot avbröts av ett fel", "The scenario stopped with an error"),
    "scenario.report.time": ("Körtid {wall:.1f} s", "Ran for {wall:.1f} s"),
    # -- 1 shift start ------------------------------------------------------------------------
    "scenario.shift_start.title": ("Passstart", "Shift start"),
    "scenario.shift_start.summary": (
        "30 medarbetare synkar i tur och ordning vid en station, får dagens behörighet, och "
        "deras händelser når kontoret.",
        "30 staff sync at one station in turn, get today's set, and their events reach the "
        "back office.",
    ),
    "scenario.shift_start.hire": (
        "{station} har {have} nycklar. Enhetschefen lägger upp {more} vikarier med nyckel och "
        "kod i kontoret; stationen frågar efter nya behörigheter var femte minut och hämtar dem.",
        "{station} has {have} keys. The unit manager adds {more} temporary staff with a key and "
        "a code in the back office; the station asks for new permissions every five minutes and "
        "fetches them.",
    ),
    "scenario.shift_start.check.bundle": (
        "Stationen har ett nytt paket med alla {keys} nycklar",
        "The station holds a new bundle with all {keys} keys",
    ),
    "scenario.shift_start.queue": (
        "Klockan 06:45 ställer sig {count} medarbetare i kö. Var och en sätter i nyckeln och "
        "anger sin kod; stationen skriver dagens behörighet, spärrlistan och läser nyckelns "
        "händelser.",
        "At 06:45, {count} staff queue up. Each puts the key in and types the code; the station "
        "writes today's set and the blocklist and reads the key's events.",
    ),
    "scenario.shift_start.check.all_ok": (
        "Alla {count} synkar lyckades",
        "All {count} syncs went through",
    ),
    "scenario.shift_start.check.todays_set": (
        "Varje nyckel har dagens behörighet: giltig till {until}, enhetens {locks} lås",
        "Every key holds today's set: valid until {until}, the unit's {locks} locks",
    ),
    "scenario.shift_start.check.screen": (
        'Stationen sa "{swedish}" till var och en',
        'The station said "{english}" to each of them',
    ),
    "scenario.shift_start.check.queue_time": (
        "Kön tog {seconds} s stationstid, {each:.1f} s per person",
        "The queue took {seconds} s of station time, {each:.1f} s a person",
    ),
    "scenario.shift_start.visits": (
        "Under förmiddagen öppnar var och en dörren hos en kund. Låset kontrollerar nyckelns "
        "signerade behörighet mot sin egen klocka och lägger händelsen på nyckeln.",
        "During the morning each opens a customer's door. The lock checks the key's signed set "
        "against its own clock and puts the event on the key.",
    ),
    "scenario.shift_start.check.doors": (
        "Alla {count} dörrar öppnades och händelsen lades på nyckeln",
        "All {count} doors opened and the event went onto the key",
    ),
    "scenario.shift_start.end_of_shift": (
        "Vid passets slut 15:30 synkar alla igen. Stationen sparar nyckelns händelser i flash "
        "innan nyckeln får glömma dem, och laddar upp dem till kontoret.",
        "At the end of the shift, 15:30, everyone syncs again. The station stores the key's "
        "events on flash before the key may forget them, and uploads them to the back office.",
    ),
    "scenario.shift_start.check.trails_read": (
        "Varje nyckels händelser lästes och sparades",
        "Every key's events were read and stored",
    ),
    "scenario.shift_start.check.uploaded": (
        "Kontoret har bekräftat allt stationen hade",
        "The back office confirmed everything the station held",
    ),
    "scenario.shift_start.back_office": (
        "I kontoret syns vem som öppnade vilken dörr och när, och varje synk.",
        "In the back office: who opened which door and when, and every sync.",
    ),
    "scenario.shift_start.check.activity": (
        "Kontorets aktivitetslogg visar alla {count} dörröppningar",
        "The back office's activity log shows all {count} door openings",
    ),
    "scenario.shift_start.check.sync_events": (
        "Kontoret har två lyckade synkar för var och en av de {count}",
        "The back office has two successful syncs for each of the {count}",
    ),
    # -- 2 lost key ----------------------------------------------------------------------------
    "scenario.lost_key.title": ("Borttappad nyckel", "Lost key"),
    "scenario.lost_key.summary": (
        "En nyckel anmäls borttappad i kontoret. Stationen nekar den vid nästa synk, och ett lås "
        "som fått den nya spärrlistan nekar den.",
        "A key is reported lost in the back office. The station refuses it at the next sync, and "
        "a lock that has seen the new blocklist refuses it.",
    ),
    "scenario.lost_key.morning": (
        "{anna} och {bertil} synkar sina nycklar vid passets början.",
        "{anna} and {bertil} sync their keys at the start of the shift.",
    ),
    "scenario.lost_key.check.synced": ("Båda synkarna lyckades", "Both syncs went through"),
    "scenario.lost_key.report": (
        "{anna} har tappat nyckel {key} och ringer chefen, som anmäler den borttappad i kontoret. "
        "Nyckeln tas bort ur stationens paket och förs upp på den signerade spärrlistan.",
        "{anna} has lost key {key} and calls the manager, who reports it lost in the back "
        "office. The key leaves the station's bundle and joins the signed blocklist.",
    ),
    "scenario.lost_key.check.blocklist": (
        "Kontorets spärrlista innehåller nyckel {key}",
        "The back office's blocklist holds key {key}",
    ),
    "scenario.lost_key.check.station_knows": (
        "Stationen har hämtat ett paket där nyckeln är spärrad",
        "The station has fetched a bundle in which the key is blocked",
    ),
    "scenario.lost_key.finder_at_station": (
        "Den som hittat nyckeln sätter i den i stationen. Stationen ser i sitt paket att "
        "nyckeln är spärrad och nekar den innan någon kod efterfrågas.",
        "Whoever found the key puts it in the station. The station sees in its bundle that the "
        "key is blocked and refuses it before any code is asked for.",
    ),
    "scenario.lost_key.check.station_refuses": (
        "Stationen nekade nyckeln utan att fråga efter kod",
        "The station refused the key without asking for a code",
    ),
    "scenario.lost_key.check.station_says": (
        'Stationen visade "{swedish}"',
        'The station showed "{english}"',
    ),
    "scenario.lost_key.check.nothing_written": (
        "Nyckeln fick ingen ny behörighet",
        "The key got no new set",
    ),
    "scenario.lost_key.unaware_lock": (
        "Låsen har inget nät: lås {lock} har ännu inte fått den nya spärrlistan från någon "
        "nyckel, så den tappade nyckelns dagsbehörighet öppnar det fortfarande. Därför gäller "
        "en behörighet längst till klockan 12 nästa dag.",
        "Locks have no network: lock {lock} has not yet had the new blocklist from any key, so "
        "the lost key's day set still opens it. That is why a set lasts until noon the next "
        "day at most.",
    ),
    "scenario.lost_key.check.unaware_opens": (
        "Låset som inte fått spärrlistan öppnade, som konstruerat",
        "The lock without the new blocklist opened, as designed",
    ),
    "scenario.lost_key.colleague_syncs": (
        "{bertil} synkar igen och får den nya spärrlistan på sin nyckel.",
        "{bertil} syncs again and gets the new blocklist onto the key.",
    ),
    "scenario.lost_key.check.colleague_carries": (
        "Kollegans nyckel bär spärrlista version {version}",
        "The colleague's key carries blocklist version {version}",
    ),
    "scenario.lost_key.colleague_at_lock": (
        "{bertil} går in genom porten (lås {lock}). Låset ser att nyckeln bär en nyare signerad "
        "spärrlista och tar den.",
        "{bertil} goes through the entrance (lock {lock}). The lock sees that the key carries a "
        "newer signed blocklist and takes it.",
    ),
    "scenario.lost_key.check.lock_learns": (
        "Porten öppnade och låset har nu spärrlista version {version}",
        "The entrance opened and the lock now holds blocklist version {version}",
    ),
    "scenario.lost_key.finder_at_lock": (
        "Den som hittat nyckeln försöker öppna porten (lås {lock}).",
        "Whoever found the key tries the entrance (lock {lock}).",
    ),
    "scenario.lost_key.check.lock_refuses": (
        "Låset nekade nyckeln (spärrad) och förblev låst",
        "The lock refused the key (blocked) and stayed shut",
    ),
    "scenario.lost_key.afternoon": (
        "{bertil} går in genom porten igen på eftermiddagen och synkar vid passets slut; "
        "stationen laddar upp händelserna.",
        "{bertil} goes through the entrance again in the afternoon and syncs at the end of the "
        "shift; the station uploads the events.",
    ),
    "scenario.lost_key.check.uploaded": (
        "Porten öppnade, synken lyckades och allt är uppladdat",
        "The entrance opened, the sync went through and everything is uploaded",
    ),
    "scenario.lost_key.back_office": (
        "I kontoret: stationens nekande, låsets nya spärrlista, och en lucka i låsets "
        "numrering där nekandet hamnade på den tappade nyckeln.",
        "In the back office: the station's refusal, the lock's new blocklist, and a gap in the "
        "lock's numbering where the refusal went onto the lost key.",
    ),
    "scenario.lost_key.check.refusal_reported": (
        "Kontoret har stationens händelse KEY_BLOCKED för nyckeln",
        "The back office has the station's KEY_BLOCKED event for the key",
    ),
    "scenario.lost_key.check.blocklist_event": (
        "Kontoret vet att lås {lock} fick spärrlistan via kollegans nyckel",
        "The back office knows lock {lock} got the blocklist through the colleague's key",
    ),
    "scenario.lost_key.check.gap": (
        "Kontoret visar en lucka i lås {lock}:s numrering vid nummer {seq}",
        "The back office shows a gap in lock {lock}'s numbering at number {seq}",
    ),
    # -- 3 offline -----------------------------------------------------------------------------
    "scenario.offline.title": ("Utan nät", "Offline"),
    "scenario.offline.summary": (
        "Stationen fungerar varje dag fram till gränsen, nekar dagen efter med sitt "
        "meddelande, och återhämtar sig när nätet kommer tillbaka och laddar upp sin kö.",
        "The station works each day up to its limit, refuses the day after with its message, "
        "and recovers when the network comes back, uploading its queue.",
    ),
    "scenario.offline.monday": (
        "{anna} synkar på måndagsmorgonen medan stationen har nät.",
        "{anna} syncs on Monday morning while the station has its network.",
    ),
    "scenario.offline.check.monday": ("Synken lyckades", "The sync went through"),
    "scenario.offline.network_down": (
        "Stationens nät går ner. Paketet den har innehåller behörigheter för 8 dygn och får "
        "användas utan nät till {until}; händelser köas i flash tills nätet är tillbaka.",
        "The station's network goes down. Its bundle holds sets for 8 days and may be used "
        "offline until {until}; events queue on flash until the network is back.",
    ),
    "scenario.offline.day": (
        "Dag {day} utan nät: stationen visar hur många dygn som är kvar, och synken ger "
        "dagens behörighet ur paketet.",
        "Day {day} without network: the station shows how many days are left, and the sync "
        "gives today's set from the bundle.",
    ),
    "scenario.offline.check.idle": (
        'Stationen visar "Utan nät, {left} dygn kvar"',
        'The station shows "No network, {left} days left"',
    ),
    "scenario.offline.check.day_sync": (
        "Synken gav dagens behörighet, giltig till {until}",
        "The sync gave today's set, valid until {until}",
    ),
    "scenario.offline.limit": (
        "Dag {day}: paketets gräns har passerats. Stationen lämnar inte ut behörigheter som "
        "kontoret kan ha ändrat för länge sedan, och säger vem man ska ringa.",
        "Day {day}: the bundle's limit has passed. The station does not hand out sets the back "
        "office may have changed long ago, and says whom to call.",
    ),
    "scenario.offline.check.idle_expired": (
        'Stationen visar "{swedish}"',
        'The station shows "{english}"',
    ),
    "scenario.offline.check.refused": (
        "Synken nekades med samma meddelande",
        "The sync was refused with the same message",
    ),
    "scenario.offline.check.old_set_opens": (
        "Gårdagens behörighet på nyckeln öppnar fortfarande, till {until}",
        "Yesterday's set on the key still opens doors, until {until}",
    ),
    "scenario.offline.check.queued": (
        "Stationen har {records} poster i kö och kontoret har inte fått någon",
        "The station holds {records} queued records and the back office has none of them",
    ),
    "scenario.offline.network_back": (
        "Nätet kommer tillbaka. Stationen hämtar ett nytt paket och laddar upp kön, äldst först.",
        "The network comes back. The station fetches a new bundle and uploads its queue, "
        "oldest first.",
    ),
    "scenario.offline.check.recovered": (
        "Nytt paket, kön uppladdad, stationen redo",
        "New bundle, queue uploaded, station ready",
    ),
    "scenario.offline.check.works_again": (
        "Synken lyckas igen med dagens behörighet, giltig till {until}",
        "The sync works again with today's set, valid until {until}",
    ),
    "scenario.offline.back_office": (
        "I kontoret finns hela veckan utan nät: varje synk, nekandet och varje dörröppning.",
        "The back office has the whole week without network: every sync, the refusal and every "
        "door opening.",
    ),
    "scenario.offline.check.syncs_arrived": (
        "Kontoret har synkarna från alla {days} dagar utan nät, nekandet och synken efteråt",
        "The back office has the syncs of all {days} days offline, the refusal and the sync after",
    ),
    "scenario.offline.check.doors_arrived": (
        "Kontoret har alla {count} dörröppningar",
        "The back office has all {count} door openings",
    ),
    # -- 4 new lock while offline --------------------------------------------------------------
    "scenario.new_lock_offline.title": (
        "Nytt lås medan stationen är utan nät",
        "New lock while offline",
    ),
    "scenario.new_lock_offline.summary": (
        "Ett lås som monteras medan stationen saknar nät kan inte användas förrän stationen "
        "har haft nät.",
        "A lock mounted while the station has no network cannot be used until the station has "
        "been online.",
    ),
    "scenario.new_lock_offline.morning": (
        "{anna} synkar vid passets början.",
        "{anna} syncs at the start of the shift.",
    ),
    "scenario.new_lock_offline.check.synced": ("Synken lyckades", "The sync went through"),
    "scenario.new_lock_offline.network_down": (
        "Stationens nät går ner; den fortsätter med paketet den har.",
        "The station's network goes down; it carries on with the bundle it has.",
    ),
    "scenario.new_lock_offline.new_customer": (
        "En ny kund, {customer}, börjar få hemtjänst. Kontoret registrerar kunden och lås {lock}, "
        "och teknikern monterar låset på dörren.",
        "A new customer, {customer}, starts home care. The back office registers the customer "
        "and lock {lock}, and the technician mounts the lock on the door.",
    ),
    "scenario.new_lock_offline.check.office_lists": (
        "Kontoret räknar lås {lock} till enhetens lås",
        "The back office counts lock {lock} among the unit's locks",
    ),
    "scenario.new_lock_offline.sync_offline": (
        "{anna} synkar vid stationen utan nät. Stationen har bara sitt gamla paket, där det "
        "nya låset inte finns.",
        "{anna} syncs at the station without network. The station only has its old bundle, "
        "which does not know the new lock.",
    ),
    "scenario.new_lock_offline.check.old_bundle": (
        "Synken lyckades med det gamla paketet, utan lås {lock}",
        "The sync went through with the old bundle, without lock {lock}",
    ),
    "scenario.new_lock_offline.door_refuses": (
        "Vid kundens dörr (lås {lock}) finns låset inte i nyckelns behörighet.",
        "At the customer's door (lock {lock}) the lock is not in the key's set.",
    ),
    "scenario.new_lock_offline.check.not_in_set": (
        "Låset nekade (inte i behörigheten) och förblev låst",
        "The lock refused (not in the set) and stayed shut",
    ),
    "scenario.new_lock_offline.network_back": (
        "Nätet kommer tillbaka. Stationen hämtar ett nytt paket där låset finns med.",
        "The network comes back. The station fetches a new bundle that has the lock.",
    ),
    "scenario.new_lock_offline.check.new_bundle": (
        "Stationen har ett nyare paket",
        "The station holds a newer bundle",
    ),
    "scenario.new_lock_offline.sync_online": (
        "{anna} synkar igen och får en behörighet med det nya låset.",
        "{anna} syncs again and gets a set with the new lock.",
    ),
    "scenario.new_lock_offline.check.lock_in_set": (
        "Nyckelns behörighet innehåller lås {lock}",
        "The key's set holds lock {lock}",
    ),
    "scenario.new_lock_offline.door_opens": (
        "Tillbaka vid kundens dörr (lås {lock}).",
        "Back at the customer's door (lock {lock}).",
    ),
    "scenario.new_lock_offline.check.opened": ("Dörren öppnades", "The door opened"),
    "scenario.new_lock_offline.evening": (
        "{anna} synkar vid passets slut; händelserna laddas upp.",
        "{anna} syncs at the end of the shift; the events are uploaded.",
    ),
    "scenario.new_lock_offline.check.back_office": (
        "Kontoret visar för lås {lock}: spärrlistan från första nyckeln, nekandet, öppningen",
        "The back office shows for lock {lock}: the blocklist from the first key, the refusal, "
        "the opening",
    ),
    # -- 5 wrong code five times ---------------------------------------------------------------
    "scenario.wrong_code.title": ("Fel kod fem gånger", "Wrong code five times"),
    "scenario.wrong_code.summary": (
        "Efter fem fel koder i rad nekas nyckeln vid stationen i 15 minuter.",
        "After five wrong codes in a row the key is refused at the station for 15 minutes.",
    ),
    "scenario.wrong_code.typing": (
        "{anna} sätter i nyckeln och slår fel kod {tries} gånger. Stationen räknar felen per "
        "nyckel i flash, så att ett strömavbrott inte nollställer dem.",
        "{anna} puts the key in and types a wrong code {tries} times. The station counts the "
        "wrong codes per key on flash, so a power cut does not reset them.",
    ),
    "scenario.wrong_code.check.tries_left": (
        "Efter varje fel kod sa stationen hur många försök som är kvar",
        "After each wrong code the station said how many tries are left",
    ),
    "scenario.wrong_code.check.locked": (
        "Femte felet spärrade nyckeln här i 15 minuter, till {until}",
        "The fifth wrong code locked the key out here for 15 minutes, until {until}",
    ),
    "scenario.wrong_code.check.says_until": (
        'Stationen visade "{swedish}"',
        'The station showed "{english}"',
    ),
    "scenario.wrong_code.right_code_refused": (
        "{anna} försöker igen två minuter senare, med rätt kod. Under spärren provas inga koder "
        "alls, så den som gissar får inga fler försök.",
        "{anna} tries again two minutes later, with the right code. While locked out no code "
        "is tried at all, so whoever is guessing gets no more tries.",
    ),
    "scenario.wrong_code.check.refused_at_once": (
        "Stationen nekade direkt utan att fråga efter kod, och skrev ingenting på nyckeln",
        "The station refused at once without asking for a code, and wrote nothing to the key",
    ),
    "scenario.wrong_code.colleague": (
        "{bertil} synkar under tiden: spärren gäller bara den ena nyckeln.",
        "{bertil} syncs meanwhile: the lockout is for the one key only.",
    ),
    "scenario.wrong_code.check.colleague_ok": (
        "Kollegans synk lyckades",
        "The colleague's sync went through",
    ),
    "scenario.wrong_code.almost": (
        "En minut innan spärren går ut försöker {anna} igen.",
        "A minute before the lockout ends, {anna} tries again.",
    ),
    "scenario.wrong_code.check.still_refused": ("Fortfarande nekad", "Still refused"),
    "scenario.wrong_code.after": (
        "När de 15 minuterna har gått försöker {anna} igen med rätt kod.",
        "Once the 15 minutes are up, {anna} tries again with the right code.",
    ),
    "scenario.wrong_code.check.works": (
        "Synken lyckades och räkningen av fel koder började om från noll",
        "The sync went through and the count of wrong codes started again from zero",
    ),
    "scenario.wrong_code.back_office": (
        "Stationen laddar upp vad som hänt; kontoret ser försöken.",
        "The station uploads what happened; the back office sees the attempts.",
    ),
    "scenario.wrong_code.check.recorded": (
        "Kontoret har {wrong} fel koder, spärren och den lyckade synken, i den ordningen",
        "The back office has {wrong} wrong codes, the lockout and the sync, in that order",
    ),
    # -- 6 key pulled mid-write ----------------------------------------------------------------
    "scenario.key_pulled.title": ("Nyckeln dras ut mitt i skrivningen", "Key pulled mid-write"),
    "scenario.key_pulled.summary": (
        "Nyckeln behåller sin gamla behörighet när den dras ut för tidigt, och nästa synk lyckas.",
        "The key keeps its old set when it is pulled out too early, and the next sync goes "
        "through.",
    ),
    "scenario.key_pulled.monday": (
        "{anna} synkar på måndagen och öppnar en kunds dörr.",
        "{anna} syncs on Monday and opens a customer's door.",
    ),
    "scenario.key_pulled.check.monday": (
        "Synken lyckades och dörren öppnades",
        "The sync went through and the door opened",
    ),
    "scenario.key_pulled.tuesday_bundle": (
        "Natten till tisdag: stationen hämtar paketet för den nya dagen.",
        "Overnight to Tuesday: the station fetches the bundle for the new day.",
    ),
    "scenario.key_pulled.check.tuesday_bundle": (
        "Stationen har tisdagens paket",
        "The station holds Tuesday's bundle",
    ),
    "scenario.key_pulled.mid_frame": (
        "{anna} drar ut nyckeln mitt i överföringen av den nya behörigheten. Nyckeln skriver "
        "en ny behörighet i sin andra plats och byter först när den är hel och kontrollerad.",
        "{anna} pulls the key out in the middle of the new set's transfer. The key writes a new "
        "set into its other slot and switches only once it is whole and checked.",
    ),
    "scenario.key_pulled.check.removed": (
        'Stationen visade "{swedish}"; ingen behörighet skrevs',
        'The station showed "{english}"; no set was written',
    ),
    "scenario.key_pulled.check.kept_old": (
        "Nyckeln har kvar måndagens behörighet och sina händelser; den andra platsen är "
        "påbörjad men tom",
        "The key still holds Monday's set and its events; the other slot is begun but empty",
    ),
    "scenario.key_pulled.check.old_set_opens": (
        "Måndagens behörighet öppnar fortfarande dörren (den gäller till 12:00)",
        "Monday's set still opens the door (it lasts until 12:00)",
    ),
    "scenario.key_pulled.before_commit": (
        "Nästa försök: {anna} drar ut nyckeln just när hela behörigheten skrivits men innan "
        "nyckeln fått bekräfta den.",
        "Next try: {anna} pulls the key out just after the whole set was written, before the "
        "key was told to commit it.",
    ),
    "scenario.key_pulled.check.uncommitted": (
        "Den nya behörigheten ligger hel men obekräftad i andra platsen; nyckeln använder "
        "fortfarande måndagens",
        "The new set lies whole but uncommitted in the other slot; the key still uses Monday's",
    ),
    "scenario.key_pulled.third_try": (
        "{anna} låter nyckeln sitta kvar tills stationen säger OK.",
        "{anna} leaves the key in until the station says OK.",
    ),
    "scenario.key_pulled.check.synced": (
        "Synken lyckades: tisdagens behörighet, händelserna lästa och kvitterade",
        "The sync went through: Tuesday's set, the events read and acknowledged",
    ),
    "scenario.key_pulled.back_office": (
        "Stationen laddar upp; kontoret ser de avbrutna synkarna och alla händelser.",
        "The station uploads; the back office sees the broken-off syncs and every event.",
    ),
    "scenario.key_pulled.check.removals_recorded": (
        'Kontoret har två "nyckeln togs ut" (steg {step}) och sedan den lyckade synken',
        'The back office has two "key removed" (step {step}) and then the sync',
    ),
    "scenario.key_pulled.check.events_arrived": (
        "Alla {count} händelser som låg på nyckeln finns i kontoret",
        "All {count} events that were on the key are in the back office",
    ),
    # -- 7 power loss --------------------------------------------------------------------------
    "scenario.power_loss.title": ("Strömavbrott", "Power loss"),
    "scenario.power_loss.summary": (
        "Strömmen går mitt i hämtningen av ett paket och mitt i en skrivning till kön: "
        "ingenting går förlorat.",
        "The power goes out while a bundle is stored and while the outbox is written: nothing "
        "is lost.",
    ),
    "scenario.power_loss.bundle_half": (
        "En vikarie läggs upp, så paket {serial} väntar. Strömmen går när halva nya filen är "
        "skriven. Ett paket skrivs alltid till en ny fil som byter plats med den gamla först "
        "när den är hel.",
        "A temporary member of staff is added, so bundle {serial} is waiting. The power goes "
        "out with half the new file written. A bundle is always written to a new file that "
        "takes the old one's place only once it is whole.",
    ),
    "scenario.power_loss.bundle_written": (
        "Nästa ändring, paket {serial}. Strömmen går när nya filen är helt skriven men innan "
        "den bytt plats med den gamla.",
        "The next change, bundle {serial}. The power goes out with the new file fully written, "
        "before it has taken the old one's place.",
    ),
    "scenario.power_loss.bundle_set_aside": (
        "Paket {serial}. Strömmen går när den gamla filen flyttats undan men den nya ännu "
        "inte fått dess namn; vid start gör stationen bytet färdigt.",
        "Bundle {serial}. The power goes out with the old file moved aside and the new one not "
        "yet in its place; at start the station finishes the swap.",
    ),
    "scenario.power_loss.bundle_renamed": (
        "Paket {serial}. Strömmen går när den nya filen är på plats men den gamla ännu inte "
        "raderad.",
        "Bundle {serial}. The power goes out with the new file in place and the old one not yet "
        "removed.",
    ),
    "scenario.power_loss.check.cut_in_bundle": (
        "Strömmen gick medan paketet skrevs (filerna i flash visar var)",
        "The power went out while the bundle was written (the files on flash show where)",
    ),
    "scenario.power_loss.check.whole_old": (
        "Efter omstarten har stationen det gamla paketet, helt, och inga halvfärdiga filer",
        "After the restart the station holds the old bundle, whole, and no half-done files",
    ),
    "scenario.power_loss.check.whole_new": (
        "Efter omstarten har stationen det nya paketet, helt, och inga halvfärdiga filer",
        "After the restart the station holds the new bundle, whole, and no half-done files",
    ),
    "scenario.power_loss.check.outbox_continues": (
        "Kön är orörd: numreringen fortsätter efter startposten",
        "The outbox is untouched: its numbering carries on after the boot record",
    ),
    "scenario.power_loss.check.new_bundle": (
        "Stationen har sedan paket {serial}",
        "The station then holds bundle {serial}",
    ),
    "scenario.power_loss.outbox_torn": (
        "Stationens nät är nere, så det som sparas stannar i kön. Nyckeln bär {count} "
        "händelser; vid synken går strömmen mitt i skrivningen av dem till kön. Nyckeln får "
        "inte glömma något förrän det ligger i flash.",
        "The station's network is down, so what is stored stays in the outbox. The key carries "
        "{count} events; during the sync the power goes out in the middle of writing them to "
        "the outbox. The key may forget nothing until it is on flash.",
    ),
    "scenario.power_loss.outbox_written": (
        "Nyckeln bär {count} händelser. Strömmen går precis när de skrivits till kön, innan "
        "nyckeln fått veta att den får glömma dem.",
        "The key carries {count} events. The power goes out just after they were written to "
        "the outbox, before the key was told it may forget them.",
    ),
    "scenario.power_loss.check.events_on_key": (
        "Synk och dörröppningar gav nyckeln händelser att lämna",
        "The sync and the doors left events on the key to hand over",
    ),
    "scenario.power_loss.check.cut_in_outbox": (
        "Strömmen gick i köns skrivning: {written} av {entry} byte hann skrivas",
        "The power went out in the outbox write: {written} of {entry} bytes were written",
    ),
    "scenario.power_loss.check.key_keeps": (
        "Nyckeln har kvar alla sina händelser",
        "The key still has all its events",
    ),
    "scenario.power_loss.check.after_reboot": (
        "Efter omstarten ligger {count} av händelserna i kön (en halv post kastas vid start)",
        "After the restart {count} of the events are in the outbox (a torn entry is cut off at "
        "start)",
    ),
    "scenario.power_loss.check.resync": (
        "Nästa synk lyckas, sparar {stored} nya händelser och ingen två gånger, och nyckeln töms",
        "The next sync goes through, stores {stored} new events and none twice, and the key is "
        "emptied",
    ),
    "scenario.power_loss.check.back_office": (
        "När nätet är tillbaka har kontoret alla {count} händelser",
        "Once the network is back the back office has all {count} events",
    ),
    # -- 8 drifting lock clock and flat key battery --------------------------------------------
    "scenario.drift_and_battery.title": (
        "Lås med klocka som går fel, nyckel med tomt batteri",
        "Lock with a drifting clock, key with a flat battery",
    ),
    "scenario.drift_and_battery.summary": (
        "Ett lås vars klocka går fel nekar nära behörighetens gränser; en nyckel med tomt "
        "batteri tar inte emot skrivningar, och stationen säger det.",
        "A lock whose clock is off refuses near the edges of a set's window; a key with a flat "
        "battery refuses writes, and the station says so.",
    ),
    "scenario.drift_and_battery.clocks": (
        "Låsen saknar nät och jämför behörighetens tider med sin egen klocka. Lås {fast} går "
        "{minutes} minuter före, lås {slow} {minutes} minuter efter, och båda driver 15 sekunder "
        "om dygnet. Tre medarbetare synkar på morgonen.",
        "Locks have no network and check a set's times against their own clock. Lock {fast} is "
        "{minutes} minutes fast, lock {slow} {minutes} minutes slow, and both drift 15 seconds a "
        "day. Three staff sync in the morning.",
    ),
    "scenario.drift_and_battery.check.synced": (
        "Alla tre synkarna lyckades",
        "All three syncs went through",
    ),
    "scenario.drift_and_battery.after_midnight": (
        "{name} går nattpass och synkar strax efter midnatt: den nya dagens behörighet gäller "
        "från 00:00. Sedan kundbesök vid lås {slow}, som går efter.",
        "{name} works the night shift and syncs just after midnight: the new day's set is "
        "valid from 00:00. Then a visit at lock {slow}, which is slow.",
    ),
    "scenario.drift_and_battery.check.new_day_set": (
        "Nyckeln har den nya dagens behörighet, giltig från {since}",
        "The key holds the new day's set, valid from {since}",
    ),
    "scenario.drift_and_battery.check.not_yet_valid": (
        "Låset som går efter nekade (ännu inte giltig, dess klocka visar {lock_time}); ett "
        "lås med rätt tid öppnade",
        "The slow lock refused (not yet valid, its clock says {lock_time}); a lock with the "
        "right time opened",
    ),
    "scenario.drift_and_battery.flat_at_door": (
        "Nyckeln som {name} bär har bara {percent} % batteri kvar. Vid lås {lock} kan nyckeln "
        "läsas, men den vägrar spara låsets händelse; låset behåller den åt nästa nyckel.",
        "The key {name} carries has only {percent} % battery left. At lock {lock} the key can be "
        "read, but it refuses to store the lock's event; the lock keeps it for the next key.",
    ),
    "scenario.drift_and_battery.check.event_waits": (
        "Dörren öppnades; händelsen väntar kvar i låset",
        "The door opened; the event waits in the lock",
    ),
    "scenario.drift_and_battery.flat_at_station": (
        "{name} synkar. Nyckeln svarar men vägrar att skriva den nya behörigheten.",
        "{name} syncs. The key answers but refuses to write the new set.",
    ),
    "scenario.drift_and_battery.check.battery_low": (
        'Stationen visade "{swedish}" och nyckeln behöll sin behörighet',
        'The station showed "{english}" and the key kept its set',
    ),
    "scenario.drift_and_battery.new_battery": (
        "{name} får nytt batteri i nyckeln och synkar igen.",
        "{name} gets a new battery in the key and syncs again.",
    ),
    "scenario.drift_and_battery.check.new_battery_syncs": (
        "Synken lyckades med dagens behörighet",
        "The sync went through with today's set",
    ),
    "scenario.drift_and_battery.before_noon": (
        "Klockan 11:55 använder {name} fortfarande gårdagens behörighet, som gäller till 12:00, "
        "vid lås {fast}, som går före.",
        "At 11:55 {name} still uses yesterday's set, valid until 12:00, at lock {fast}, which is "
        "fast.",
    ),
    "scenario.drift_and_battery.check.expired": (
        "Låset som går före nekade (utgången, dess klocka visar {lock_time}) fast behörigheten "
        "gäller",
        "The fast lock refused (expired, its clock says {lock_time}) though the set is still valid",
    ),
    "scenario.drift_and_battery.check.accurate_opens": (
        "Ett lås med rätt tid öppnade och lämnade även den väntande händelsen till nyckeln",
        "A lock with the right time opened and also handed the waiting event to the key",
    ),
    "scenario.drift_and_battery.clock_set": (
        "Teknikern ställer klockan i lås {fast}.",
        "The technician sets the clock of lock {fast}.",
    ),
    "scenario.drift_and_battery.check.fixed_opens": (
        "Låset går rätt och öppnar",
        "The lock keeps the right time and opens",
    ),
    "scenario.drift_and_battery.back_office": (
        "Vid lunch synkar nattpasset och dagpasset; händelserna laddas upp med låsens egna "
        "tider, så kontoret kan se att en klocka gått fel.",
        "At lunchtime the night and the day shift sync; the events are uploaded with the locks' "
        "own times, so the back office can see that a clock was off.",
    ),
    "scenario.drift_and_battery.check.uploaded": (
        "Synkarna lyckades och allt är uppladdat",
        "The syncs went through and everything is uploaded",
    ),
    "scenario.drift_and_battery.check.back_office": (
        "Kontoret har nekandena med låsens tider och den händelse som väntade i låset",
        "The back office has the refusals with the locks' times and the event that waited in "
        "the lock",
    ),
}


LANGUAGES = ("sv", "en", "both")


def shown(said: tuple[str, str], language: str) -> list[str]:
    """The lines of a (Swedish, English) message in a language setting (``LANGUAGES``):
    "both" gives Swedish, then English (once, when they are the same)."""
    sv, en = said
    if language == "sv":
        return [sv]
    if language == "en":
        return [en]
    return list(dict.fromkeys((sv, en)))


class Two(NamedTuple):
    """A value said differently in each language (a name of a state, an amount of time)."""

    sv: str
    en: str


def _side(values: dict[str, object], english: bool) -> dict[str, object]:
    return {
        name: ((value.en if english else value.sv) if isinstance(value, Two) else value)
        for name, value in values.items()
    }


def text(key: str, /, **values: object) -> tuple[str, str]:
    """(Swedish, English) of ``key`` with ``values`` filled in; a ``Two`` gives each its own."""
    sv, en = CATALOGUE[key]
    return sv.format(**_side(values, False)), en.format(**_side(values, True))


def both(key: str, /, **values: object) -> Two:
    """``key`` as a ``Two``, to be a value in another message."""
    return Two(*text(key, **values))


def pair(key: str, /, **values: object) -> str:
    """``key`` as one short "svenska/English" cell (the same word twice is shown once)."""
    sv, en = text(key, **values)
    return sv if sv == en else f"{sv}/{en}"


def scenario_text(name: str, /, **values: object) -> tuple[str, str]:
    """``text("scenario." + name, ...)``: the texts of emulator/scenarios/."""
    return text("scenario." + name, **values)


def names() -> list[str]:
    return list(CATALOGUE)
