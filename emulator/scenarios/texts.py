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
        'Stationen sa "{swedish}" till var och en',
        'The station said "{english}" to each of them',
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
    # -- 2 lost key ----------------------------------------------------------------------------
    "lost_key.title": ("Borttappad nyckel", "Lost key"),
    "lost_key.summary": (
        "En nyckel anmäls borttappad i kontoret. Stationen nekar den vid nästa synk, och ett lås "
        "som fått den nya spärrlistan nekar den.",
        "A key is reported lost in the back office. The station refuses it at the next sync, and "
        "a lock that has seen the new blocklist refuses it.",
    ),
    "lost_key.morning": (
        "{anna} och {bertil} synkar sina nycklar vid passets början.",
        "{anna} and {bertil} sync their keys at the start of the shift.",
    ),
    "lost_key.check.synced": ("Båda synkarna lyckades", "Both syncs went through"),
    "lost_key.report": (
        "{anna} har tappat nyckel {key} och ringer chefen, som anmäler den borttappad i kontoret. "
        "Nyckeln tas bort ur stationens paket och förs upp på den signerade spärrlistan.",
        "{anna} has lost key {key} and calls the manager, who reports it lost in the back "
        "office. The key leaves the station's bundle and joins the signed blocklist.",
    ),
    "lost_key.check.blocklist": (
        "Kontorets spärrlista innehåller nyckel {key}",
        "The back office's blocklist holds key {key}",
    ),
    "lost_key.check.station_knows": (
        "Stationen har hämtat ett paket där nyckeln är spärrad",
        "The station has fetched a bundle in which the key is blocked",
    ),
    "lost_key.finder_at_station": (
        "Den som hittat nyckeln sätter i den i stationen. Stationen ser i sitt paket att "
        "nyckeln är spärrad och nekar den innan någon kod efterfrågas.",
        "Whoever found the key puts it in the station. The station sees in its bundle that the "
        "key is blocked and refuses it before any code is asked for.",
    ),
    "lost_key.check.station_refuses": (
        "Stationen nekade nyckeln utan att fråga efter kod",
        "The station refused the key without asking for a code",
    ),
    "lost_key.check.station_says": (
        'Stationen visade "{swedish}"',
        'The station showed "{english}"',
    ),
    "lost_key.check.nothing_written": (
        "Nyckeln fick ingen ny behörighet",
        "The key got no new set",
    ),
    "lost_key.unaware_lock": (
        "Låsen har inget nät: lås {lock} har ännu inte fått den nya spärrlistan från någon "
        "nyckel, så den tappade nyckelns dagsbehörighet öppnar det fortfarande. Därför gäller "
        "en behörighet längst till klockan 12 nästa dag.",
        "Locks have no network: lock {lock} has not yet had the new blocklist from any key, so "
        "the lost key's day set still opens it. That is why a set lasts until noon the next "
        "day at most.",
    ),
    "lost_key.check.unaware_opens": (
        "Låset som inte fått spärrlistan öppnade, som konstruerat",
        "The lock without the new blocklist opened, as designed",
    ),
    "lost_key.colleague_syncs": (
        "{bertil} synkar igen och får den nya spärrlistan på sin nyckel.",
        "{bertil} syncs again and gets the new blocklist onto the key.",
    ),
    "lost_key.check.colleague_carries": (
        "Kollegans nyckel bär spärrlista version {version}",
        "The colleague's key carries blocklist version {version}",
    ),
    "lost_key.colleague_at_lock": (
        "{bertil} går in genom porten (lås {lock}). Låset ser att nyckeln bär en nyare signerad "
        "spärrlista och tar den.",
        "{bertil} goes through the entrance (lock {lock}). The lock sees that the key carries a "
        "newer signed blocklist and takes it.",
    ),
    "lost_key.check.lock_learns": (
        "Porten öppnade och låset har nu spärrlista version {version}",
        "The entrance opened and the lock now holds blocklist version {version}",
    ),
    "lost_key.finder_at_lock": (
        "Den som hittat nyckeln försöker öppna porten (lås {lock}).",
        "Whoever found the key tries the entrance (lock {lock}).",
    ),
    "lost_key.check.lock_refuses": (
        "Låset nekade nyckeln (spärrad) och förblev låst",
        "The lock refused the key (blocked) and stayed shut",
    ),
    "lost_key.afternoon": (
        "{bertil} går in genom porten igen på eftermiddagen och synkar vid passets slut; "
        "stationen laddar upp händelserna.",
        "{bertil} goes through the entrance again in the afternoon and syncs at the end of the "
        "shift; the station uploads the events.",
    ),
    "lost_key.check.uploaded": (
        "Porten öppnade, synken lyckades och allt är uppladdat",
        "The entrance opened, the sync went through and everything is uploaded",
    ),
    "lost_key.back_office": (
        "I kontoret: stationens nekande, låsets nya spärrlista, och en lucka i låsets "
        "numrering där nekandet hamnade på den tappade nyckeln.",
        "In the back office: the station's refusal, the lock's new blocklist, and a gap in the "
        "lock's numbering where the refusal went onto the lost key.",
    ),
    "lost_key.check.refusal_reported": (
        "Kontoret har stationens händelse KEY_BLOCKED för nyckeln",
        "The back office has the station's KEY_BLOCKED event for the key",
    ),
    "lost_key.check.blocklist_event": (
        "Kontoret vet att lås {lock} fick spärrlistan via kollegans nyckel",
        "The back office knows lock {lock} got the blocklist through the colleague's key",
    ),
    "lost_key.check.gap": (
        "Kontoret visar en lucka i lås {lock}:s numrering vid nummer {seq}",
        "The back office shows a gap in lock {lock}'s numbering at number {seq}",
    ),
    # -- 3 offline -----------------------------------------------------------------------------
    "offline.title": ("Offline", "Offline"),
    "offline.summary": (
        "Stationen fungerar varje dag fram till gränsen, nekar dagen efter med sitt "
        "meddelande, och återhämtar sig när nätet kommer tillbaka och laddar upp sin kö.",
        "The station works each day up to its limit, refuses the day after with its message, "
        "and recovers when the network comes back, uploading its queue.",
    ),
    "offline.monday": (
        "{anna} synkar på måndagsmorgonen medan stationen har nät.",
        "{anna} syncs on Monday morning while the station has its network.",
    ),
    "offline.check.monday": ("Synken lyckades", "The sync went through"),
    "offline.network_down": (
        "Stationens nät går ner. Paketet den har innehåller behörigheter för 8 dygn och får "
        "användas offline till {until}; händelser köas i flash tills nätet är tillbaka.",
        "The station's network goes down. Its bundle holds sets for 8 days and may be used "
        "offline until {until}; events queue on flash until the network is back.",
    ),
    "offline.day": (
        "Dag {day} utan nät: stationen visar hur många dygn som är kvar, och synken ger "
        "dagens behörighet ur paketet.",
        "Day {day} without network: the station shows how many days are left, and the sync "
        "gives today's set from the bundle.",
    ),
    "offline.check.idle": (
        'Stationen visar "Offline, {left} dygn kvar"',
        'The station shows "Offline, {left} days left"',
    ),
    "offline.check.day_sync": (
        "Synken gav dagens behörighet, giltig till {until}",
        "The sync gave today's set, valid until {until}",
    ),
    "offline.limit": (
        "Dag {day}: paketets gräns har passerats. Stationen lämnar inte ut behörigheter som "
        "kontoret kan ha ändrat för länge sedan, och säger vem man ska ringa.",
        "Day {day}: the bundle's limit has passed. The station does not hand out sets the back "
        "office may have changed long ago, and says whom to call.",
    ),
    "offline.check.idle_expired": (
        'Stationen visar "{swedish}"',
        'The station shows "{english}"',
    ),
    "offline.check.refused": (
        "Synken nekades med samma meddelande",
        "The sync was refused with the same message",
    ),
    "offline.check.old_set_opens": (
        "Gårdagens behörighet på nyckeln öppnar fortfarande, till {until}",
        "Yesterday's set on the key still opens doors, until {until}",
    ),
    "offline.check.queued": (
        "Stationen har {records} poster i kö och kontoret har inte fått någon",
        "The station holds {records} queued records and the back office has none of them",
    ),
    "offline.network_back": (
        "Nätet kommer tillbaka. Stationen hämtar ett nytt paket och laddar upp kön, äldst först.",
        "The network comes back. The station fetches a new bundle and uploads its queue, "
        "oldest first.",
    ),
    "offline.check.recovered": (
        "Nytt paket, kön uppladdad, stationen redo",
        "New bundle, queue uploaded, station ready",
    ),
    "offline.check.works_again": (
        "Synken lyckas igen med dagens behörighet, giltig till {until}",
        "The sync works again with today's set, valid until {until}",
    ),
    "offline.back_office": (
        "I kontoret finns hela veckan utan nät: varje synk, nekandet och varje dörröppning.",
        "The back office has the whole week without network: every sync, the refusal and every "
        "door opening.",
    ),
    "offline.check.syncs_arrived": (
        "Kontoret har synkarna från alla {days} dagar utan nät, nekandet och synken efteråt",
        "The back office has the syncs of all {days} days offline, the refusal and the sync after",
    ),
    "offline.check.doors_arrived": (
        "Kontoret har alla {count} dörröppningar",
        "The back office has all {count} door openings",
    ),
    # -- 4 new lock while offline --------------------------------------------------------------
    "new_lock_offline.title": ("Nytt lås medan stationen är offline", "New lock while offline"),
    "new_lock_offline.summary": (
        "Ett lås som monteras medan stationen saknar nät kan inte användas förrän stationen "
        "har haft nät.",
        "A lock mounted while the station has no network cannot be used until the station has "
        "been online.",
    ),
    "new_lock_offline.morning": (
        "{anna} synkar vid passets början.",
        "{anna} syncs at the start of the shift.",
    ),
    "new_lock_offline.check.synced": ("Synken lyckades", "The sync went through"),
    "new_lock_offline.network_down": (
        "Stationens nät går ner; den fortsätter med paketet den har.",
        "The station's network goes down; it carries on with the bundle it has.",
    ),
    "new_lock_offline.new_customer": (
        "En ny kund, {customer}, börjar få hemtjänst. Kontoret registrerar kunden och lås {lock}, "
        "och teknikern monterar låset på dörren.",
        "A new customer, {customer}, starts home care. The back office registers the customer "
        "and lock {lock}, and the technician mounts the lock on the door.",
    ),
    "new_lock_offline.check.office_lists": (
        "Kontoret räknar lås {lock} till enhetens lås",
        "The back office counts lock {lock} among the unit's locks",
    ),
    "new_lock_offline.sync_offline": (
        "{anna} synkar vid stationen utan nät. Stationen har bara sitt gamla paket, där det "
        "nya låset inte finns.",
        "{anna} syncs at the station without network. The station only has its old bundle, "
        "which does not know the new lock.",
    ),
    "new_lock_offline.check.old_bundle": (
        "Synken lyckades med det gamla paketet, utan lås {lock}",
        "The sync went through with the old bundle, without lock {lock}",
    ),
    "new_lock_offline.door_refuses": (
        "Vid kundens dörr (lås {lock}) finns låset inte i nyckelns behörighet.",
        "At the customer's door (lock {lock}) the lock is not in the key's set.",
    ),
    "new_lock_offline.check.not_in_set": (
        "Låset nekade (inte i behörigheten) och förblev låst",
        "The lock refused (not in the set) and stayed shut",
    ),
    "new_lock_offline.network_back": (
        "Nätet kommer tillbaka. Stationen hämtar ett nytt paket där låset finns med.",
        "The network comes back. The station fetches a new bundle that has the lock.",
    ),
    "new_lock_offline.check.new_bundle": (
        "Stationen har ett nyare paket",
        "The station holds a newer bundle",
    ),
    "new_lock_offline.sync_online": (
        "{anna} synkar igen och får en behörighet med det nya låset.",
        "{anna} syncs again and gets a set with the new lock.",
    ),
    "new_lock_offline.check.lock_in_set": (
        "Nyckelns behörighet innehåller lås {lock}",
        "The key's set holds lock {lock}",
    ),
    "new_lock_offline.door_opens": (
        "Tillbaka vid kundens dörr (lås {lock}).",
        "Back at the customer's door (lock {lock}).",
    ),
    "new_lock_offline.check.opened": ("Dörren öppnades", "The door opened"),
    "new_lock_offline.evening": (
        "{anna} synkar vid passets slut; händelserna laddas upp.",
        "{anna} syncs at the end of the shift; the events are uploaded.",
    ),
    "new_lock_offline.check.back_office": (
        "Kontoret visar för lås {lock}: spärrlistan från första nyckeln, nekandet, öppningen",
        "The back office shows for lock {lock}: the blocklist from the first key, the refusal, "
        "the opening",
    ),
    # -- 5 wrong code five times ---------------------------------------------------------------
    "wrong_code.title": ("Fel kod fem gånger", "Wrong code five times"),
    "wrong_code.summary": (
        "Efter fem fel koder i rad nekas nyckeln vid stationen i 15 minuter.",
        "After five wrong codes in a row the key is refused at the station for 15 minutes.",
    ),
    "wrong_code.typing": (
        "{anna} sätter i nyckeln och slår fel kod {tries} gånger. Stationen räknar felen per "
        "nyckel i flash, så att ett strömavbrott inte nollställer dem.",
        "{anna} puts the key in and types a wrong code {tries} times. The station counts the "
        "wrong codes per key on flash, so a power cut does not reset them.",
    ),
    "wrong_code.check.tries_left": (
        "Efter varje fel kod sa stationen hur många försök som är kvar",
        "After each wrong code the station said how many tries are left",
    ),
    "wrong_code.check.locked": (
        "Femte felet spärrade nyckeln här i 15 minuter, till {until}",
        "The fifth wrong code locked the key out here for 15 minutes, until {until}",
    ),
    "wrong_code.check.says_until": (
        'Stationen visade "{swedish}"',
        'The station showed "{english}"',
    ),
    "wrong_code.right_code_refused": (
        "{anna} försöker igen två minuter senare, med rätt kod. Under spärren provas inga koder "
        "alls, så den som gissar får inga fler försök.",
        "{anna} tries again two minutes later, with the right code. While locked out no code "
        "is tried at all, so whoever is guessing gets no more tries.",
    ),
    "wrong_code.check.refused_at_once": (
        "Stationen nekade direkt utan att fråga efter kod, och skrev ingenting på nyckeln",
        "The station refused at once without asking for a code, and wrote nothing to the key",
    ),
    "wrong_code.colleague": (
        "{bertil} synkar under tiden: spärren gäller bara den ena nyckeln.",
        "{bertil} syncs meanwhile: the lockout is for the one key only.",
    ),
    "wrong_code.check.colleague_ok": (
        "Kollegans synk lyckades",
        "The colleague's sync went through",
    ),
    "wrong_code.almost": (
        "En minut innan spärren går ut försöker {anna} igen.",
        "A minute before the lockout ends, {anna} tries again.",
    ),
    "wrong_code.check.still_refused": ("Fortfarande nekad", "Still refused"),
    "wrong_code.after": (
        "När de 15 minuterna har gått försöker {anna} igen med rätt kod.",
        "Once the 15 minutes are up, {anna} tries again with the right code.",
    ),
    "wrong_code.check.works": (
        "Synken lyckades och räkningen av fel koder började om från noll",
        "The sync went through and the count of wrong codes started again from zero",
    ),
    "wrong_code.back_office": (
        "Stationen laddar upp vad som hänt; kontoret ser försöken.",
        "The station uploads what happened; the back office sees the attempts.",
    ),
    "wrong_code.check.recorded": (
        "Kontoret har {wrong} fel koder, spärren och den lyckade synken, i den ordningen",
        "The back office has {wrong} wrong codes, the lockout and the sync, in that order",
    ),
    # -- 6 key pulled mid-write ----------------------------------------------------------------
    "key_pulled.title": ("Nyckeln dras ut mitt i skrivningen", "Key pulled mid-write"),
    "key_pulled.summary": (
        "Nyckeln behåller sin gamla behörighet när den dras ut för tidigt, och nästa synk lyckas.",
        "The key keeps its old set when it is pulled out too early, and the next sync goes "
        "through.",
    ),
    "key_pulled.monday": (
        "{anna} synkar på måndagen och öppnar en kunds dörr.",
        "{anna} syncs on Monday and opens a customer's door.",
    ),
    "key_pulled.check.monday": (
        "Synken lyckades och dörren öppnades",
        "The sync went through and the door opened",
    ),
    "key_pulled.tuesday_bundle": (
        "Natten till tisdag: stationen hämtar paketet för den nya dagen.",
        "Overnight to Tuesday: the station fetches the bundle for the new day.",
    ),
    "key_pulled.check.tuesday_bundle": (
        "Stationen har tisdagens paket",
        "The station holds Tuesday's bundle",
    ),
    "key_pulled.mid_frame": (
        "{anna} drar ut nyckeln mitt i överföringen av den nya behörigheten. Nyckeln skriver "
        "en ny behörighet i sin andra plats och byter först när den är hel och kontrollerad.",
        "{anna} pulls the key out in the middle of the new set's transfer. The key writes a new "
        "set into its other slot and switches only once it is whole and checked.",
    ),
    "key_pulled.check.removed": (
        'Stationen visade "{swedish}"; ingen behörighet skrevs',
        'The station showed "{english}"; no set was written',
    ),
    "key_pulled.check.kept_old": (
        "Nyckeln har kvar måndagens behörighet och sina händelser; den andra platsen är "
        "påbörjad men tom",
        "The key still holds Monday's set and its events; the other slot is begun but empty",
    ),
    "key_pulled.check.old_set_opens": (
        "Måndagens behörighet öppnar fortfarande dörren (den gäller till 12:00)",
        "Monday's set still opens the door (it lasts until 12:00)",
    ),
    "key_pulled.before_commit": (
        "Nästa försök: {anna} drar ut nyckeln just när hela behörigheten skrivits men innan "
        "nyckeln fått bekräfta den.",
        "Next try: {anna} pulls the key out just after the whole set was written, before the "
        "key was told to commit it.",
    ),
    "key_pulled.check.uncommitted": (
        "Den nya behörigheten ligger hel men obekräftad i andra platsen; nyckeln använder "
        "fortfarande måndagens",
        "The new set lies whole but uncommitted in the other slot; the key still uses Monday's",
    ),
    "key_pulled.third_try": (
        "{anna} låter nyckeln sitta kvar tills stationen säger OK.",
        "{anna} leaves the key in until the station says OK.",
    ),
    "key_pulled.check.synced": (
        "Synken lyckades: tisdagens behörighet, händelserna lästa och kvitterade",
        "The sync went through: Tuesday's set, the events read and acknowledged",
    ),
    "key_pulled.back_office": (
        "Stationen laddar upp; kontoret ser de avbrutna synkarna och alla händelser.",
        "The station uploads; the back office sees the broken-off syncs and every event.",
    ),
    "key_pulled.check.removals_recorded": (
        'Kontoret har två "nyckeln togs ut" (steg {step}) och sedan den lyckade synken',
        'The back office has two "key removed" (step {step}) and then the sync',
    ),
    "key_pulled.check.events_arrived": (
        "Alla {count} händelser som låg på nyckeln finns i kontoret",
        "All {count} events that were on the key are in the back office",
    ),
    # -- 7 power loss --------------------------------------------------------------------------
    "power_loss.title": ("Strömavbrott", "Power loss"),
    "power_loss.summary": (
        "Strömmen går mitt i hämtningen av ett paket och mitt i en skrivning till kön: "
        "ingenting går förlorat.",
        "The power goes out while a bundle is stored and while the outbox is written: nothing "
        "is lost.",
    ),
    "power_loss.bundle_half": (
        "En vikarie läggs upp, så paket {serial} väntar. Strömmen går när halva nya filen är "
        "skriven. Ett paket skrivs alltid till en ny fil som byter plats med den gamla först "
        "när den är hel.",
        "A temporary member of staff is added, so bundle {serial} is waiting. The power goes "
        "out with half the new file written. A bundle is always written to a new file that "
        "takes the old one's place only once it is whole.",
    ),
    "power_loss.bundle_written": (
        "Nästa ändring, paket {serial}. Strömmen går när nya filen är helt skriven men innan "
        "den bytt plats med den gamla.",
        "The next change, bundle {serial}. The power goes out with the new file fully written, "
        "before it has taken the old one's place.",
    ),
    "power_loss.bundle_set_aside": (
        "Paket {serial}. Strömmen går när den gamla filen flyttats undan men den nya ännu "
        "inte fått dess namn; vid start gör stationen bytet färdigt.",
        "Bundle {serial}. The power goes out with the old file moved aside and the new one not "
        "yet in its place; at start the station finishes the swap.",
    ),
    "power_loss.bundle_renamed": (
        "Paket {serial}. Strömmen går när den nya filen är på plats men den gamla ännu inte "
        "raderad.",
        "Bundle {serial}. The power goes out with the new file in place and the old one not yet "
        "removed.",
    ),
    "power_loss.check.cut_in_bundle": (
        "Strömmen gick medan paketet skrevs (filerna i flash visar var)",
        "The power went out while the bundle was written (the files on flash show where)",
    ),
    "power_loss.check.whole_old": (
        "Efter omstarten har stationen det gamla paketet, helt, och inga halvfärdiga filer",
        "After the restart the station holds the old bundle, whole, and no half-done files",
    ),
    "power_loss.check.whole_new": (
        "Efter omstarten har stationen det nya paketet, helt, och inga halvfärdiga filer",
        "After the restart the station holds the new bundle, whole, and no half-done files",
    ),
    "power_loss.check.outbox_continues": (
        "Kön är orörd: numreringen fortsätter efter startposten",
        "The outbox is untouched: its numbering carries on after the boot record",
    ),
    "power_loss.check.new_bundle": (
        "Stationen har sedan paket {serial}",
        "The station then holds bundle {serial}",
    ),
    "power_loss.outbox_torn": (
        "Stationens nät är nere, så det som sparas stannar i kön. Nyckeln bär {count} "
        "händelser; vid synken går strömmen mitt i skrivningen av dem till kön. Nyckeln får "
        "inte glömma något förrän det ligger i flash.",
        "The station's network is down, so what is stored stays in the outbox. The key carries "
        "{count} events; during the sync the power goes out in the middle of writing them to "
        "the outbox. The key may forget nothing until it is on flash.",
    ),
    "power_loss.outbox_written": (
        "Nyckeln bär {count} händelser. Strömmen går precis när de skrivits till kön, innan "
        "nyckeln fått veta att den får glömma dem.",
        "The key carries {count} events. The power goes out just after they were written to "
        "the outbox, before the key was told it may forget them.",
    ),
    "power_loss.check.events_on_key": (
        "Synk och dörröppningar gav nyckeln händelser att lämna",
        "The sync and the doors left events on the key to hand over",
    ),
    "power_loss.check.cut_in_outbox": (
        "Strömmen gick i köns skrivning: {written} av {entry} byte hann skrivas",
        "The power went out in the outbox write: {written} of {entry} bytes were written",
    ),
    "power_loss.check.key_keeps": (
        "Nyckeln har kvar alla sina händelser",
        "The key still has all its events",
    ),
    "power_loss.check.after_reboot": (
        "Efter omstarten ligger {count} av händelserna i kön (en halv post kastas vid start)",
        "After the restart {count} of the events are in the outbox (a torn entry is cut off at "
        "start)",
    ),
    "power_loss.check.resync": (
        "Nästa synk lyckas, sparar {stored} nya händelser och ingen två gånger, och nyckeln töms",
        "The next sync goes through, stores {stored} new events and none twice, and the key is "
        "emptied",
    ),
    "power_loss.check.back_office": (
        "När nätet är tillbaka har kontoret alla {count} händelser",
        "Once the network is back the back office has all {count} events",
    ),
    # -- 8 drifting lock clock and flat key battery --------------------------------------------
    "drift_and_battery.title": (
        "Lås med klocka som går fel, nyckel med tomt batteri",
        "Lock with a drifting clock, key with a flat battery",
    ),
    "drift_and_battery.summary": (
        "Ett lås vars klocka går fel nekar nära behörighetens gränser; en nyckel med tomt "
        "batteri tar inte emot skrivningar, och stationen säger det.",
        "A lock whose clock is off refuses near the edges of a set's window; a key with a flat "
        "battery refuses writes, and the station says so.",
    ),
    "drift_and_battery.clocks": (
        "Låsen saknar nät och jämför behörighetens tider med sin egen klocka. Lås {fast} går "
        "{minutes} minuter före, lås {slow} {minutes} minuter efter, och båda driver 15 sekunder "
        "om dygnet. Tre medarbetare synkar på morgonen.",
        "Locks have no network and check a set's times against their own clock. Lock {fast} is "
        "{minutes} minutes fast, lock {slow} {minutes} minutes slow, and both drift 15 seconds a "
        "day. Three staff sync in the morning.",
    ),
    "drift_and_battery.check.synced": (
        "Alla tre synkarna lyckades",
        "All three syncs went through",
    ),
    "drift_and_battery.after_midnight": (
        "{name} går nattpass och synkar strax efter midnatt: den nya dagens behörighet gäller "
        "från 00:00. Sedan kundbesök vid lås {slow}, som går efter.",
        "{name} works the night shift and syncs just after midnight: the new day's set is "
        "valid from 00:00. Then a visit at lock {slow}, which is slow.",
    ),
    "drift_and_battery.check.new_day_set": (
        "Nyckeln har den nya dagens behörighet, giltig från {since}",
        "The key holds the new day's set, valid from {since}",
    ),
    "drift_and_battery.check.not_yet_valid": (
        "Låset som går efter nekade (ännu inte giltig, dess klocka visar {lock_time}); ett "
        "lås med rätt tid öppnade",
        "The slow lock refused (not yet valid, its clock says {lock_time}); a lock with the "
        "right time opened",
    ),
    "drift_and_battery.flat_at_door": (
        "Nyckeln som {name} bär har bara {percent} % batteri kvar. Vid lås {lock} kan nyckeln "
        "läsas, men den vägrar spara låsets händelse; låset behåller den åt nästa nyckel.",
        "The key {name} carries has only {percent} % battery left. At lock {lock} the key can be "
        "read, but it refuses to store the lock's event; the lock keeps it for the next key.",
    ),
    "drift_and_battery.check.event_waits": (
        "Dörren öppnades; händelsen väntar kvar i låset",
        "The door opened; the event waits in the lock",
    ),
    "drift_and_battery.flat_at_station": (
        "{name} synkar. Nyckeln svarar men vägrar att skriva den nya behörigheten.",
        "{name} syncs. The key answers but refuses to write the new set.",
    ),
    "drift_and_battery.check.battery_low": (
        'Stationen visade "{swedish}" och nyckeln behöll sin behörighet',
        'The station showed "{english}" and the key kept its set',
    ),
    "drift_and_battery.new_battery": (
        "{name} får nytt batteri i nyckeln och synkar igen.",
        "{name} gets a new battery in the key and syncs again.",
    ),
    "drift_and_battery.check.new_battery_syncs": (
        "Synken lyckades med dagens behörighet",
        "The sync went through with today's set",
    ),
    "drift_and_battery.before_noon": (
        "Klockan 11:55 använder {name} fortfarande gårdagens behörighet, som gäller till 12:00, "
        "vid lås {fast}, som går före.",
        "At 11:55 {name} still uses yesterday's set, valid until 12:00, at lock {fast}, which is "
        "fast.",
    ),
    "drift_and_battery.check.expired": (
        "Låset som går före nekade (utgången, dess klocka visar {lock_time}) fast behörigheten "
        "gäller",
        "The fast lock refused (expired, its clock says {lock_time}) though the set is still valid",
    ),
    "drift_and_battery.check.accurate_opens": (
        "Ett lås med rätt tid öppnade och lämnade även den väntande händelsen till nyckeln",
        "A lock with the right time opened and also handed the waiting event to the key",
    ),
    "drift_and_battery.clock_set": (
        "Teknikern ställer klockan i lås {fast}.",
        "The technician sets the clock of lock {fast}.",
    ),
    "drift_and_battery.check.fixed_opens": (
        "Låset går rätt och öppnar",
        "The lock keeps the right time and opens",
    ),
    "drift_and_battery.back_office": (
        "Vid lunch synkar nattpasset och dagpasset; händelserna laddas upp med låsens egna "
        "tider, så kontoret kan se att en klocka gått fel.",
        "At lunchtime the night and the day shift sync; the events are uploaded with the locks' "
        "own times, so the back office can see that a clock was off.",
    ),
    "drift_and_battery.check.uploaded": (
        "Synkarna lyckades och allt är uppladdat",
        "The syncs went through and everything is uploaded",
    ),
    "drift_and_battery.check.back_office": (
        "Kontoret har nekandena med låsens tider och den händelse som väntade i låset",
        "The back office has the refusals with the locks' times and the event that waited in "
        "the lock",
    ),
}


def text(name: str, /, **values: object) -> tuple[str, str]:
    """The Swedish and English text ``name`` with ``values`` filled in."""
    swedish, english = CATALOGUE[name]
    return swedish.format(**values), english.format(**values)
