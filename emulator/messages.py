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
anomalies), ``emulate`` (the start-up banner).
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
    "help.ta_ut": ("ta ut nyckeln ur stationen", "take the key out of the station"),
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
    "args.personal": ("[enhet]", "[unit]"),
    "args.välj": ("<id eller namn>", "<id or name>"),
    "args.skärm": ("[station]", "[station]"),
    "args.sätt_i": ("[station]", "[station]"),
    "args.kod": ("[siffror]", "[digits]"),
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
    # -- what happens --------------------------------------------------------------------------
    "say.welcome": (
        "Välkommen till synks övningskonsol. Skriv hjälp för kommandona, personal för att börja.",
        "Welcome to synk's training console. Type help for the commands, staff to begin.",
    ),
    "say.goodbye": ("Övningen avslutas.", "The training session ends."),
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
    "say.pull": ("{name} tar ut nyckeln ur {station}.", "{name} takes the key out of {station}."),
    "say.synced": (
        "Synk klar: nyckeln har dagens behörighet till {until}, {locks} lås.",
        "Sync done: the key holds today's set until {until}, {locks} locks.",
    ),
    "say.events_read": (
        "Stationen läste {count} händelser från nyckeln och lade dem i sin kö till kontoret.",
        "The station read {count} events from the key and put them in its queue to the office.",
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
        "en saltad kontrollsumma av koden i sitt paket och kan därför kontrollera den utan "
        "nätverk.",
        "Every staff member has a personal digital key and a 6-digit code; the station holds "
        "only a salted verifier of the code in its bundle, so it checks the code without network.",
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
    "result.ok_until": ("synk klar", "sync done"),
    "result.unknown_key": ("okänd nyckel", "unknown key"),
    "result.key_blocked": ("nyckeln är spärrad", "the key is blocked"),
    "result.locked_out": ("för många fel koder", "too many wrong codes"),
    "result.cache_expired": ("stationen har varit offline för länge", "station offline too long"),
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
    "anomaly.forged_mac": ("felaktig signatur", "forged MAC"),
    "anomaly.unknown_lock": ("okänt lås", "unknown lock"),
    "anomaly.unknown_key": ("okänd nyckel", "unknown key"),
    "anomaly.blocked_key": ("spärrad nyckel använd", "blocked key used"),
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
        "  {username:<15} {role:<30} lösenord/password {password}",
        "  {username:<15} {role:<30} lösenord/password {password}",
    ),
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
}


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


def names() -> list[str]:
    return list(CATALOGUE)
