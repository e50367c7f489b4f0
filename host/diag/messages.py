"""Every people-facing string of ``synk diag``, Swedish first, then English.

``text(key, **values)`` gives "svenska / English" with the values filled in
(said once when both halves read alike); a value made with ``words(key)`` is
itself a catalogue entry, filled in each half in that half's language.
Errors, labels, table headings and help all come from here, so a translator
has one file to read. Keys are dotted: the part before the first dot says
where the string is used. Names of protocol values (``TOKEN_INVALID``,
``OPENED``, ``WRONG_CODE``) stay as SPEC.md writes them, in tables and in
``--json``/``--csv`` output alike, so that a technician and a script see the
same word; the ``status.N`` and ``token.refused_reason.N`` entries explain them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protocol.constants import SelfTestCheck, Status, TokenRefusal

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- ports --------------------------------------------------------------------------------
    "port.missing": (
        "Porten {port} finns inte. Är kabeln i? Se `synk diag ports`",
        "Port {port} does not exist. Is the cable plugged in? See `synk diag ports`",
    ),
    "port.busy": (
        "Porten {port} används av ett annat program (t.ex. mpremote, screen, emulatorn)."
        " Stäng det och försök igen",
        "Port {port} is in use by another program (e.g. mpremote, screen, the emulator)."
        " Close it and try again",
    ),
    "port.permission": (
        "Ingen behörighet att öppna {port} (grupp {group}). Lägg till dig i gruppen:"
        " sudo usermod -aG {group} $USER, logga sedan ut och in",
        "No permission to open {port} (group {group}). Add yourself to the group:"
        " sudo usermod -aG {group} $USER, then log out and in again",
    ),
    "port.not_serial": (
        "{port} är ingen serieport",
        "{port} is not a serial port",
    ),
    "port.bad_url": (
        "Okänd port-URL {port}: {reason}",
        "Unknown port URL {port}: {reason}",
    ),
    "port.refused": (
        "Inget svarar på {port}: {reason}",
        "Nothing listens at {port}: {reason}",
    ),
    "port.error": (
        "Porten {port} kunde inte öppnas: {reason}",
        "Port {port} could not be opened: {reason}",
    ),
    "port.lost": (
        "Kontakten med {port} bröts (kabeln utdragen?): {reason}",
        "Lost the connection to {port} (cable pulled?): {reason}",
    ),
    "port.none_given": (
        "Ange porten med --port (se `synk diag ports`)",
        "Give the port with --port (see `synk diag ports`)",
    ),
    "ports.none": (
        "Inga serieportar hittades. Emulatorn skriver ut sina PTY-sökvägar när den startar",
        "No serial ports found. The emulator prints its PTY paths when it starts",
    ),
    "ports.guess_station_esp32": (
        "trolig synkstation (ESP32-S3)",
        "likely sync station (ESP32-S3)",
    ),
    "ports.guess_station_pico": (
        "trolig synkstation (Pico 2 W)",
        "likely sync station (Pico 2 W)",
    ),
    "ports.guess_bridge": (
        "USB-serieomvandlare: synkstation (ESP32-S3 DevKitC) eller nyckelläsare",
        "USB serial bridge: sync station (ESP32-S3 DevKitC) or key reader",
    ),
    "ports.guess_synk": ("synk-enhet", "synk device"),
    # -- the link -----------------------------------------------------------------------------
    "link.no_answer": (
        "Inget svar på {port} efter {tries} försök ({retries} omsändningar, {timeout} s väntan"
        " vardera). Är enheten på och rätt port vald?",
        "No answer on {port} after {tries} tries ({retries} retries, {timeout} s wait each)."
        " Is the device on and is this the right port?",
    ),
    "link.no_answer_echo": (
        "Inget svar på {port} efter {tries} försök, men våra egna meddelanden kom tillbaka:"
        " porten är en loopback eller ekar (fel port, eller ett terminalprogram på andra sidan)",
        "No answer on {port} after {tries} tries, but our own messages came back: the port is"
        " a loopback or echoes (wrong port, or a terminal program on the other side)",
    ),
    "link.no_answer_noise": (
        "Inget giltigt svar på {port} efter {tries} försök; {crc_errors} skadade ramar togs emot."
        " Kontrollera kabeln och att ingen annan skriver på porten",
        "No valid answer on {port} after {tries} tries; {crc_errors} damaged frames arrived."
        " Check the cable and that nothing else writes to the port",
    ),
    "link.retry": (
        "inget svar, försöker igen ({attempt}/{retries})",
        "no answer, retrying ({attempt}/{retries})",
    ),
    "link.summary": (
        "Länk: {requests} förfrågningar, {retries} omsändningar, {timeouts} tidsgränser,"
        " {crc_errors} CRC-fel, {stale} sena svar",
        "Link: {requests} requests, {retries} retries, {timeouts} timeouts,"
        " {crc_errors} CRC errors, {stale} late answers",
    ),
    "link.update_tool": (
        "Enheten talar protokollversion {theirs}, det här verktyget {ours}: uppdatering behövs"
        " (uppdatera synk på datorn)",
        "The device speaks protocol version {theirs}, this tool {ours}: update needed"
        " (update synk on this computer)",
    ),
    "link.update_device": (
        "Enheten talar protokollversion {theirs}, det här verktyget {ours}: uppdatering behövs"
        " (uppdatera enhetens firmware)",
        "The device speaks protocol version {theirs}, this tool {ours}: update needed"
        " (update the device's firmware)",
    ),
    "link.bad_answer": (
        "Enheten svarade med ett felaktigt meddelande ({field}): {reason}",
        "The device answered with a malformed message ({field}): {reason}",
    ),
    # -- devices ------------------------------------------------------------------------------
    "device.station": ("synkstation", "sync station"),
    "device.key": ("nyckel i USB-läsare", "key in the USB reader"),
    "device.reader_empty": ("USB-nyckelläsare utan nyckel", "USB key reader without a key"),
    "device.unknown": (
        "Enheten på {port} svarar men är varken en synkstation eller en nyckel ({status})",
        "The device on {port} answers but is neither a sync station nor a key ({status})",
    ),
    "device.not_reader": (
        "{port} svarar inte som en nyckelläsare ({status}); prova utan --device",
        "{port} does not answer like a key reader ({status}); try without --device",
    ),
    "device.not_station": (
        "{port} svarar inte som en synkstation ({status}); prova utan --device",
        "{port} does not answer like a sync station ({status}); try without --device",
    ),
    "device.needs_station": (
        "Kommandot gäller en synkstation; på {port} finns en {found}",
        "This command is for a sync station; {port} has a {found}",
    ),
    "device.no_key_reader": (
        "Ingen nyckel i läsaren: sätt i nyckeln och försök igen",
        "No key in the reader: insert the key and try again",
    ),
    "device.no_key_station": (
        "Ingen nyckel i stationen: sätt i nyckeln och försök igen",
        "No key in the station: insert the key and try again",
    ),
    "device.refused": (
        "{what}: enheten svarade {status} ({code}), detalj {detail}{text}. {advice}",
        "{what}: the device answered {status} ({code}), detail {detail}{text}. {advice}",
    ),
    "device.object_changed": (
        "Objektet ändrades under läsningen (SHA-256 stämmer inte); försök igen",
        "The object changed while it was read (SHA-256 differs); try again",
    ),
    "device.object_short": (
        "Objektet tog slut vid {have} av {size} byte; försök igen",
        "The object ended at {have} of {size} bytes; try again",
    ),
    # -- advice per status code (SPEC.md 10) ---------------------------------------------------
    "status.1": ("uppdatering behövs", "update needed"),
    "status.2": (
        "enhetens firmware är för gammal för kommandot (eller det är fel sorts enhet)",
        "the device's firmware is too old for this command (or it is the wrong kind of device)",
    ),
    "status.3": (
        "enheten förstod inte förfrågan; rapportera felet i synk",
        "the device did not understand the request; report a bug in synk",
    ),
    "status.4": ("börja om från början", "start again from the beginning"),
    "status.5": ("läsningen hamnade fel; försök igen", "the read went out of step; try again"),
    "status.6": ("objektet var skadat; försök igen", "the object was damaged; try again"),
    "status.7": ("för stort för enheten", "too large for the device"),
    "status.8": ("enhetens minne är fullt", "the device's storage is full"),
    "status.9": ("finns inte på enheten", "not on the device"),
    "status.10": (
        "kommandot kräver servicebehörighet: `synk diag token`",
        "the command needs a service token: `synk diag token`",
    ),
    "status.11": (
        "servicebehörigheten godtogs inte: hämta en ny för den här stationen",
        "the service token was refused: get a new one for this station",
    ),
    "status.12": (
        "enheten är upptagen; försök igen om en sekund",
        "the device is busy; retry in a second",
    ),
    "status.13": ("enheten har redan nyare data", "the device already holds newer data"),
    "status.14": (
        "fel i enheten; försök en gång till och rapportera",
        "device fault; retry once and report",
    ),
    "status.15": (
        "byt batteri; läsning fungerar fortfarande",
        "replace the battery; reading still works",
    ),
    "status.16": ("sätt i en nyckel", "insert a key"),
    "status.17": ("behörigheten gäller en annan nyckel", "the permission set names another key"),
    "status.18": ("enheten kan inte detta", "the device cannot do this"),
    # -- service tokens -----------------------------------------------------------------------
    "token.refused_reason.1": ("ogiltig signatur", "bad signature"),
    "token.refused_reason.2": ("har gått ut", "expired"),
    "token.refused_reason.3": ("gäller inte än", "not valid yet"),
    "token.refused_reason.4": ("gäller en annan station", "for another station"),
    "token.refused_reason.5": (
        "saknar behörigheten för kommandot",
        "lacks the command's permission",
    ),
    "token.refused_reason.6": (
        "signerad med en utfärdarnyckel som stationen inte känner",
        "signed with an authority key the station does not know",
    ),
    "token.refused_reason.7": ("felaktigt format", "malformed"),
    "token.refused_reason.8": (
        "har redan använts på den här stationen (en behörighet räcker till ett kommando)",
        "already used on this station (a token is good for one command)",
    ),
    "token.refused_reason.9": (
        "togs inte emot: stationen minns redan 32 giltiga behörigheter; vänta tills en har gått ut",
        "not taken: the station already remembers 32 tokens still valid; wait until one expires",
    ),
    "token.refused_reason.other": ("ogiltig (orsak {detail})", "invalid (reason {detail})"),
    "token.refused": (
        "Stationen vägrade {command}: servicebehörigheten {reason}"
        " (TOKEN_INVALID, detalj {detail} {name})."
        " Hämta en ny med `synk diag token --station {station}`",
        "The station refused {command}: the service token is {reason} (TOKEN_INVALID, detail"
        " {detail} {name}). Get a new one with `synk diag token --station {station}`",
    ),
    "token.required": (
        "{command} ändrar stationen och kräver servicebehörighet: hämta en med"
        " `synk diag token --station ID --permissions {permission}` och ange --token FIL",
        "{command} changes the station and needs a service token: get one with"
        " `synk diag token --station ID --permissions {permission}` and give --token FILE",
    ),
    "token.auth_required": (
        "Stationen kräver servicebehörighet för {command} (AUTH_REQUIRED)",
        "The station requires a service token for {command} (AUTH_REQUIRED)",
    ),
    "token.unreadable": (
        "Filen {path} kunde inte läsas: {reason}",
        "The file {path} could not be read: {reason}",
    ),
    "token.not_a_token": (
        "{path} är ingen servicebehörighet (SPEC 8.5): {reason}",
        "{path} is not a service token (SPEC 8.5): {reason}",
    ),
    "token.written": (
        "Servicebehörighet skriven till {path}",
        "Service token written to {path}",
    ),
    "token.permissions": (
        "Okänd behörighet {name}; välj bland {names}",
        "Unknown permission {name}; choose from {names}",
    ),
    "token.exists": (
        "{path} finns redan; ange en annan fil eller ta bort den först",
        "{path} already exists; give another file or remove it first",
    ),
    # -- state-changing commands --------------------------------------------------------------
    "set_clock.done": (
        "Stationens klocka ställd: {before} -> {after}",
        "Station clock set: {before} -> {after}",
    ),
    "set_clock.bad_time": (
        "Ogiltig tid {value}: använd ÅÅÅÅ-MM-DDTTT:MM[:SS] (svensk tid) eller 'now'",
        "Invalid time {value}: use YYYY-MM-DDTHH:MM[:SS] (Swedish time) or 'now'",
    ),
    "clear.export_missing": (
        "Utkorgen töms bara efter export: ange --exported FIL från"
        " `synk diag audit --csv > FIL` (eller --json)",
        "The outbox is cleared only after an export: give --exported FILE from"
        " `synk diag audit --csv > FILE` (or --json)",
    ),
    "clear.export_unreadable": (
        "Exportfilen {path} kunde inte läsas: {reason}",
        "The export file {path} could not be read: {reason}",
    ),
    "clear.not_exported": (
        "{count} poster till och med index {through} finns inte (oförändrade) i {path},"
        " t.ex. index {first}: exportera igen innan utkorgen töms",
        "{count} records through index {through} are not (unchanged) in {path},"
        " e.g. index {first}: export again before clearing the outbox",
    ),
    "clear.other_station": (
        "{path} är en export från station {exported}, inte {station}",
        "{path} is an export from station {exported}, not {station}",
    ),
    "clear.nothing": (
        "Inga poster till och med index {through} i utkorgen; inget att tömma",
        "No records through index {through} in the outbox; nothing to clear",
    ),
    "clear.done": (
        "{removed} poster borttagna ur utkorgen (till och med index {through})",
        "{removed} records removed from the outbox (through index {through})",
    ),
    "reset.confirm": (
        "Fabriksåterställning raderar stationens bundle, utkorg och tillstånd;"
        " lägg till --yes för att bekräfta",
        "A factory reset erases the station's bundle, outbox and state; add --yes to confirm",
    ),
    "reset.done": (
        "Stationen {station} är fabriksåterställd",
        "Station {station} has been factory reset",
    ),
    "maintenance.done": (
        "Stationen {station} är i underhållsläge: den har stannat och USB-porten går nu till"
        " kortets REPL (`synk flash deploy`). Slå av och på strömmen för att starta den igen",
        "Station {station} is in maintenance mode: it has stopped and its USB port now goes to"
        " the board's REPL (`synk flash deploy`). Power it off and on to start it again",
    ),
    "reset.outbox_warning": (
        "Utkorgen har {records} poster som inte laddats upp; exportera dem först"
        " (`synk diag audit --csv > FIL`) eller lägg till --discard-outbox",
        "The outbox holds {records} records not yet uploaded; export them first"
        " (`synk diag audit --csv > FILE`) or add --discard-outbox",
    ),
    # -- labels of single values --------------------------------------------------------------
    "label.port": ("port", "port"),
    "label.device": ("enhet", "device"),
    "label.protocol": ("protokollversion", "protocol version"),
    "label.firmware": ("firmware", "firmware"),
    "label.station_id": ("station", "station"),
    "label.unit_id": ("enhet (org.)", "unit"),
    "label.key_id": ("nyckel", "key"),
    "label.max_payload": ("största nyttolast", "largest payload"),
    "label.clock": ("klocka", "clock"),
    "label.clock_offset": ("avvikelse mot datorn", "offset from this computer"),
    "label.online": ("uppkopplad", "online"),
    "label.bundle": ("bundle (serienr)", "bundle (serial)"),
    "label.bundle_issued": ("bundle utfärdad", "bundle issued"),
    "label.bundle_age": ("bundlens ålder", "bundle age"),
    "label.offline_until": ("offline till", "offline until"),
    "label.offline_margin": ("offline-marginal", "offline margin"),
    "label.bundle_keys": ("nycklar i bundlen", "keys in the bundle"),
    "label.outbox": ("utkorg", "outbox"),
    "label.outbox_oldest": ("äldsta post i utkorgen", "oldest outbox record"),
    "label.last_upload": ("senaste uppladdning", "last upload"),
    "label.last_error": ("senaste fel", "last error"),
    "label.flags": ("flaggor", "flags"),
    "label.uptime": ("drifttid", "uptime"),
    "label.crc_errors": ("CRC-fel", "CRC errors"),
    "label.key_port_crc": ("CRC-fel på nyckelporten", "key port CRC errors"),
    "label.key_present": ("nyckel i stationen", "key in the station"),
    "label.flash_free": ("ledigt flashminne", "flash free"),
    "label.recent_errors": (
        "senaste fel och varningar i loggen",
        "recent errors and warnings in the log",
    ),
    "label.battery": ("batteri", "battery"),
    "label.slot_a": ("fack A", "slot A"),
    "label.slot_b": ("fack B", "slot B"),
    "label.set": ("aktiv behörighet", "active permission set"),
    "label.validity": ("giltighet", "validity"),
    "label.locks": ("lås", "locks"),
    "label.blocklist": ("spärrlista (version)", "blocklist (version)"),
    "label.audit": ("loggposter på nyckeln", "audit events on the key"),
    "label.write_cycles": ("skrivcykler", "write cycles"),
    "label.temperature": ("temperatur", "temperature"),
    "label.token_station": ("station", "station"),
    "label.token_technician": ("tekniker", "technician"),
    "label.token_permissions": ("behörigheter", "permissions"),
    "label.token_valid": ("giltig", "valid"),
    # -- words in values ----------------------------------------------------------------------
    "word.yes": ("ja", "yes"),
    "word.no": ("nej", "no"),
    "word.none": ("inget", "none"),
    "word.empty": ("", ""),
    "word.never": ("aldrig", "never"),
    "word.no_bundle": ("ingen bundle", "no bundle"),
    "word.days": ("{days} dygn", "{days} days"),
    "word.expired_since": ("utgången sedan {ago}", "expired {ago} ago"),
    "word.records": (
        "{records} poster, {bytes} av {capacity} byte ({percent} %)",
        "{records} records, {bytes} of {capacity} bytes ({percent} %)",
    ),
    "word.audit_count": (
        "{count} av {capacity} (nästa nr {next})",
        "{count} of {capacity} (next seq {next})",
    ),
    "word.battery": ("{percent} % ({mv} mV)", "{percent} % ({mv} mV)"),
    "word.battery_low": ("{percent} % ({mv} mV), SVAGT", "{percent} % ({mv} mV), LOW"),
    "word.slot_0": ("tom", "empty"),
    "word.slot_1": ("giltig", "valid"),
    "word.slot_2": ("ofullständig", "incomplete"),
    "word.active": ("{state}, aktiv", "{state}, active"),
    "word.no_set": ("ingen", "none"),
    "word.set": (
        "serienr {serial}, enhet {unit}, utfärdarnyckel {authority}",
        "serial {serial}, unit {unit}, authority key {authority}",
    ),
    "word.valid_now": ("giltig nu", "valid now"),
    "word.not_yet": ("gäller inte än", "not valid yet"),
    "word.expired": ("utgången", "expired"),
    "word.flag_outbox_full": ("utkorgen full", "outbox full"),
    "word.flag_cache_expired": ("bundlen utgången", "bundle expired"),
    "word.flag_clock_not_set": ("klockan ej ställd", "clock not set"),
    "word.offset_warning": (
        "{offset}, ställ klockan med `synk diag set-clock`",
        "{offset}, set the clock with `synk diag set-clock`",
    ),
    "word.lines_lost": (
        "({lost} rader försvann ur stationens logg innan de lästes)",
        "({lost} lines left the station's log before they were read)",
    ),
    "word.passed": ("godkänd", "passed"),
    "word.any_station": ("alla stationer", "any station"),
    # -- selftest -----------------------------------------------------------------------------
    "check.1": ("lagring (skriv/läs)", "storage write/read"),
    "check.2": ("klockan går", "clock running"),
    "check.3": ("bundlens integritet", "bundle integrity"),
    "check.4": ("nyckelport", "key port"),
    "check.5": ("NFC-läsare", "NFC reader"),
    "check.6": ("display", "display"),
    "check.7": ("knappsats", "keypad"),
    "check.unknown": ("kontroll {check}", "check {check}"),
    "selftest.failed": (
        "{failed} av {count} kontroller misslyckades",
        "{failed} of {count} checks failed",
    ),
    "selftest.passed": ("alla {count} kontroller godkända", "all {count} checks passed"),
    # -- table headings -----------------------------------------------------------------------
    "col.device": ("enhet", "device"),
    "col.description": ("beskrivning", "description"),
    "col.usb": ("USB VID:PID", "USB VID:PID"),
    "col.serial_number": ("serienummer", "serial number"),
    "col.guess": ("gissning", "guess"),
    "col.index": ("index", "index"),
    "col.kind": ("sort", "kind"),
    "col.time": ("tid", "time"),
    "col.key_id": ("nyckel", "key"),
    "col.lock_id": ("lås", "lock"),
    "col.what": ("utfall/orsak", "outcome/reason"),
    "col.detail": ("detalj", "detail"),
    "col.lock_seq": ("låsets nr", "lock seq"),
    "col.key_seq": ("nyckelns nr", "key seq"),
    "col.outcome": ("utfall", "outcome"),
    "col.seq": ("nr", "seq"),
    "col.level": ("nivå", "level"),
    "col.message": ("meddelande", "message"),
    "col.check": ("kontroll", "check"),
    "col.result": ("resultat", "result"),
    "audit.none": ("Inga poster", "No records"),
    "audit.key_title": (
        "Loggposter på nyckel {key_id} (lämnas kvar på nyckeln)",
        "Audit events on key {key_id} (left on the key)",
    ),
    "audit.station_title": (
        "Utkorgen i station {station_id}: {total} poster (lämnas kvar)",
        "Outbox of station {station_id}: {total} records (left in place)",
    ),
    # -- help ---------------------------------------------------------------------------------
    "help.diag": (
        "Teknikerns diagnostik över USB-serie: synkstationer och nycklar",
        "The technician's diagnostics over USB serial: sync stations and keys",
    ),
    "help.port": (
        "Serieport eller pyserial-URL (/dev/ttyACM0, COM3, loop://, socket://värd:port,"
        " rfc2217://värd:port); annars $SYNK_PORT",
        "Serial port or pyserial URL (/dev/ttyACM0, COM3, loop://, socket://host:port,"
        " rfc2217://host:port); else $SYNK_PORT",
    ),
    "help.json": ("JSON-utdata för skript", "JSON output for scripts"),
    "help.timeout": (
        "Väntetid per försök i sekunder (standard 0,25 + överföringstid)",
        "Wait per try in seconds (default 0.25 + transmission time)",
    ),
    "help.retries": ("Omsändningar per förfrågan (standard 3)", "Retries per request (default 3)"),
    "help.baud": (
        "Baudhastighet (USB-CDC ignorerar den; standard 115200)",
        "Baud rate (USB CDC ignores it; default 115200)",
    ),
    "help.device": (
        "Vad som sitter på porten; standard: fråga enheten",
        "What is on the port; default: ask the device",
    ),
    "help.verbose": ("Visa omsändningar och länkräknare", "Show retries and link counters"),
    "help.ports": ("Lista serieportar", "List serial ports"),
    "help.all_ports": (
        "Visa även portar utan USB-uppgifter",
        "Also show ports without USB details",
    ),
    "help.info": ("Vad är anslutet", "What is connected"),
    "help.status": ("Stationens tillstånd", "The station's state"),
    "help.key": ("Nyckeln i läsaren eller stationen", "The key in the reader or the station"),
    "help.audit": (
        "Nyckelns loggposter eller stationens utkorg (tas inte bort)",
        "The key's audit events or the station's outbox (not removed)",
    ),
    "help.csv": ("CSV i stället för tabell", "CSV instead of a table"),
    "help.out": ("Skriv till fil i stället för standard ut", "Write to a file instead of stdout"),
    "help.selftest": ("Stationens självtest", "The station's self-test"),
    "help.log": ("Stationens logg", "The station's log"),
    "help.follow": (
        "Fortsätt visa nya rader (Ctrl-C avslutar)",
        "Keep showing new lines (Ctrl-C stops)",
    ),
    "help.from_seq": ("Första radnummer", "First line number"),
    "help.lines": ("Bara de sista N raderna", "Only the last N lines"),
    "help.interval": (
        "Sekunder mellan läsningar med --follow",
        "Seconds between reads with --follow",
    ),
    "help.set_clock": (
        "Ställ stationens klocka (servicebehörighet)",
        "Set the station clock (service token)",
    ),
    "help.time": (
        "Ny tid, svensk tid ÅÅÅÅ-MM-DDTTT:MM[:SS], eller 'now' (standard: datorns klocka)",
        "New time, Swedish time YYYY-MM-DDTHH:MM[:SS], or 'now' (default: this computer's clock)",
    ),
    "help.clear": (
        "Töm utkorgen efter export (servicebehörighet)",
        "Clear the outbox after an export (service token)",
    ),
    "help.through": ("Sista index att ta bort", "Last index to remove"),
    "help.exported": (
        "Exportfilen (från `synk diag audit --csv` eller --json) som innehåller posterna",
        "The export file (from `synk diag audit --csv` or --json) holding those records",
    ),
    "help.maintenance": (
        "Sätt stationen i underhållsläge i stället för att hålla # vid start (servicebehörighet)",
        "Put the station in maintenance mode instead of holding # at power-up (service token)",
    ),
    "help.reset": (
        "Fabriksåterställ stationen (servicebehörighet)",
        "Factory reset the station (service token)",
    ),
    "help.yes": ("Bekräfta", "Confirm"),
    "help.discard_outbox": (
        "Återställ även om utkorgen har poster som inte laddats upp",
        "Reset even though the outbox holds records not yet uploaded",
    ),
    "help.token_file": ("Fil med servicebehörighet", "Service token file"),
    "help.token": (
        "Hämta en servicebehörighet från back office",
        "Obtain a service token from the back office",
    ),
    "help.token_station": (
        "Stationens id (0 = alla, bara administratör)",
        "Station id (0 = any, admins only)",
    ),
    "help.permissions": (
        "Behörigheter, kommaseparerade: set_clock, clear_outbox, factory_reset, maintenance",
        "Permissions, comma separated: set_clock, clear_outbox, factory_reset, maintenance",
    ),
    "help.hours": ("Giltighet i timmar (högst 24)", "Validity in hours (at most 24)"),
    "help.token_out": (
        "Fil att spara behörigheten i (standard synk-token-station-ID.bin)",
        "File to store the token in (default synk-token-station-ID.bin)",
    ),
    "help.technician": (
        "Teknikerns användarnamn (standard: --as)",
        "The technician's user name (default: --as)",
    ),
    "help.site": (
        "Back office-katalogen (standard $SYNK_SITE eller ./site)",
        "Back-office site directory (default $SYNK_SITE or ./site)",
    ),
    "help.db": ("Databas-URL", "Database URL"),
    "help.as": ("Back office-användare", "Back-office user"),
    "help.force": ("Skriv över en befintlig fil", "Overwrite an existing file"),
}


@dataclass(frozen=True)
class Words:
    """A catalogue entry used as a value inside another: each half takes its own language."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def words(key: str, **values: object) -> Words:
    return Words(key, values)


def _fill(template: str, half: int, values: dict[str, object]) -> str:
    filled = {
        name: _fill(CATALOGUE[v.key][half], half, v.values) if isinstance(v, Words) else v
        for name, v in values.items()
    }
    return template.format(**filled)


def text(key: str, **values: object) -> str:
    """ "svenska / English" for ``key`` with ``values`` filled in; one half when both are alike."""
    sv, en = (_fill(template, half, values) for half, template in enumerate(CATALOGUE[key]))
    return sv if sv == en else f"{sv} / {en}"


def status_name(code: int) -> str:
    """``TOKEN_INVALID`` for 11; ``STATUS_99`` for a code SPEC.md 10 does not have."""
    try:
        return Status(code).name
    except ValueError:
        return f"STATUS_{code}"


def status_advice(code: int) -> Words:
    key = f"status.{code}"
    return words(key) if key in CATALOGUE else words("word.empty")


def token_reason(detail: int) -> Words:
    key = f"token.refused_reason.{detail}"
    return words(key) if key in CATALOGUE else words("token.refused_reason.other", detail=detail)


def token_reason_name(detail: int) -> str:
    try:
        return TokenRefusal(detail).name
    except ValueError:
        return f"REASON_{detail}"


def check_name(check: int) -> str:
    key = f"check.{check}"
    if key in CATALOGUE and check in SelfTestCheck.__members__.values():
        return text(key)
    return text("check.unknown", check=check)
