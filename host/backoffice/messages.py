"""Every people-facing string of the back office, Swedish first, then English.

``text(key, **values)`` gives "svenska / English" with the values filled in;
errors, CLI output and CLI help all come from here, so a translator has one
file to read. Keys are dotted: the part before the first dot says where the
string is used.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- not found ------------------------------------------------------------------------------
    "not_found.provider": ("Utföraren {id} finns inte", "Provider {id} not found"),
    "not_found.unit": ("Enheten {id} finns inte", "Unit {id} not found"),
    "not_found.station": ("Synkstationen {id} finns inte", "Station {id} not found"),
    "not_found.staff": ("Medarbetaren {id} finns inte", "Staff member {id} not found"),
    "not_found.key": ("Nyckeln {id} finns inte", "Key {id} not found"),
    "not_found.customer": ("Kunden {id} finns inte", "Customer {id} not found"),
    "not_found.lock": ("Låset {id} finns inte", "Lock {id} not found"),
    "not_found.grant": ("Behörigheten {id} finns inte", "Grant {id} not found"),
    "not_found.user": ("Användaren {id} finns inte", "User {id} not found"),
    "not_found.authority_key": (
        "Utfärdarnyckeln {id} finns inte",
        "Authority key {id} not found",
    ),
    # -- duplicates -----------------------------------------------------------------------------
    "exists.provider": ("Utföraren {name} finns redan", "Provider {name} already exists"),
    "exists.unit": ("Enheten {name} finns redan", "Unit {name} already exists"),
    "exists.station": ("Synkstationen {id} finns redan", "Station {id} already exists"),
    "exists.key": ("Nyckeln {id} finns redan", "Key {id} already exists"),
    "exists.public_key": (
        "En nyckel med den publika nyckeln finns redan",
        "A key with that public key already exists",
    ),
    "exists.customer": ("Kunden {name} finns redan", "Customer {name} already exists"),
    "exists.lock": ("Låset {id} finns redan", "Lock {id} already exists"),
    "exists.user": ("Användaren {name} finns redan", "User {name} already exists"),
    "exists.grant": (
        "{holder} har redan behörighet till låset {lock}",
        "{holder} already has a grant for lock {lock}",
    ),
    # -- forbidden ------------------------------------------------------------------------------
    "forbidden.role": (
        "Rollen {role} får inte göra detta ({action})",
        "Role {role} may not do this ({action})",
    ),
    "forbidden.unit": (
        "Rollen {role} får bara hantera sin egen enhet ({unit})",
        "Role {role} may only act on its own unit ({unit})",
    ),
    "forbidden.inactive_user": (
        "Användaren {user} är avstängd",
        "User {user} is deactivated",
    ),
    "forbidden.other_station": (
        "Inloggningsuppgiften gäller inte synkstation {station}",
        "The credential is not that of station {station}",
    ),
    "forbidden.token_other": (
        "En tekniker får bara utfärda servicebehörighet till sig själv",
        "A technician may only issue a service token to themselves",
    ),
    "forbidden.token_any_station": (
        "Bara administratören får utfärda servicebehörighet för alla stationer",
        "Only an administrator may issue a service token for any station",
    ),
    # -- authentication (HTTP 401) --------------------------------------------------------------
    "auth.missing": (
        "Inloggning krävs: skicka 'Authorization: Bearer <stationens nyckel>'",
        "Authentication required: send 'Authorization: Bearer <station credential>'",
    ),
    "auth.invalid": (
        "Okänd inloggningsuppgift för synkstation",
        "Unknown station credential",
    ),
    # -- invalid values -------------------------------------------------------------------------
    "id.range": (
        "Id för {what} måste vara 1–4294967295, inte {value}",
        "The {what} id must be 1-4294967295, not {value}",
    ),
    "name.invalid": (
        "Ogiltigt namn för {what} (tomt, för långt eller med kontrolltecken)",
        "Invalid {what} name (empty, too long or with control characters)",
    ),
    "time.format": (
        "Ogiltig tid '{value}', använd t.ex. 2026-03-29 eller 2026-03-29T18:00",
        "Invalid time '{value}', use e.g. 2026-03-29 or 2026-03-29T18:00",
    ),
    "code.format": (
        "Koden ska vara exakt 6 siffror",
        "The code must be exactly 6 digits",
    ),
    "code.trivial": (
        "Koden är för lätt att gissa (samma siffra eller en följd)",
        "The code is too easy to guess (one digit repeated, or a run)",
    ),
    "user.role": ("Okänd roll {role} (välj {roles})", "Unknown role {role} (choose {roles})"),
    "user.unit": (
        "En enhetschef behöver en enhet (--unit); andra roller ingen",
        "A unit manager needs a unit (--unit); other roles none",
    ),
    "provider.kind": (
        "Okänd utförartyp {kind} (välj {kinds})",
        "Unknown provider kind {kind} (choose {kinds})",
    ),
    "key.public_key": (
        "Den publika nyckeln ska vara 32 byte (64 hexadecimala tecken)",
        "The public key must be 32 bytes (64 hex digits)",
    ),
    "key.state": ("Okänt nyckelläge {state}", "Unknown key state {state}"),
    "key.transition": (
        "Nyckeln {id} kan inte gå från {old} till {new}",
        "Key {id} cannot go from {old} to {new}",
    ),
    "staff.inactive": (
        "Medarbetaren {id} är avslutad",
        "Staff member {id} is deactivated",
    ),
    "lock.type": (
        "Okänd låstyp {type} (välj {types})",
        "Unknown lock type {type} (choose {types})",
    ),
    "lock.secret": (
        "Låsets hemlighet ska vara 32 byte (64 hexadecimala tecken)",
        "The lock secret must be 32 bytes (64 hex digits)",
    ),
    "lock.needs_customer": (
        "Låset {id} ({type}) monteras hos en kund: ange --customer",
        "Lock {id} ({type}) is mounted for a customer: give --customer",
    ),
    "lock.installed": ("Låset {id} är redan monterat", "Lock {id} is already installed"),
    "lock.not_installed": ("Låset {id} är inte monterat", "Lock {id} is not installed"),
    "grant.no_locks": ("Ange minst ett lås", "Give at least one lock"),
    "grant.ends_in_past": (
        "Behörigheten måste sluta i framtiden",
        "The grant must end in the future",
    ),
    "grant.too_short": (
        "Nycklarna får behörigheter per dygn (till kl. 12 dagen efter): en tillfällig"
        " behörighet måste vara minst till {earliest}",
        "Keys get day sets (until 12:00 the next day): a temporary grant must last at"
        " least until {earliest}",
    ),
    "grant.revoked": (
        "Behörigheten {id} är redan återkallad",
        "Grant {id} is already revoked",
    ),
    "grant.holder": ("Ange antingen --unit eller --staff", "Give either --unit or --staff"),
    "token.hours": (
        "Giltighetstiden ska vara över 0 och högst {max} timmar",
        "The validity must be more than 0 and at most {max} hours",
    ),
    "token.permission": (
        "Okänd behörighet {name} (välj bland {names})",
        "Unknown permission {name} (choose from {names})",
    ),
    "token.no_permission": (
        "Ange minst en behörighet ({names})",
        "Give at least one permission ({names})",
    ),
    "token.not_technician": (
        "{user} är inte en aktiv tekniker",
        "{user} is not an active technician",
    ),
    "blocklist.too_long": (
        "Spärrlistan skulle få {count} nycklar, högst {max} ryms: avveckla hittade nycklar",
        "The blocklist would hold {count} keys, at most {max} fit: retire keys",
    ),
    "bundle.too_many_locks": (
        "Nyckeln {key_id} skulle få öppna {count} lås, högst 1024 ryms i en behörighet",
        "Key {key_id} would open {count} locks, at most 1024 fit in a permission set",
    ),
    "bundle.too_large": (
        "Paketet till station {station} blir {size} byte, högst 1 MiB: dela enheten",
        "The bundle for station {station} would be {size} bytes, at most 1 MiB: split the unit",
    ),
    "config.url": (
        "Backofficens adress {url} ska börja med http:// eller https:// och inte sluta med /",
        "The back office URL {url} must start with http:// or https:// and not end in /",
    ),
    "config.contact": (
        "Ange vem personalen ringer (--contact)",
        "Give whom staff call (--contact)",
    ),
    "config.choice": (
        "{name} kan inte vara {value} (välj {choices})",
        "{name} cannot be {value} (choose {choices})",
    ),
    "config.unknown": ("Okänd inställning {name}", "Unknown setting {name}"),
    "config.credential": (
        "Inloggningsuppgiften är inte synkstation {id}s",
        "The credential is not that of station {id}",
    ),
    # -- site and authority ---------------------------------------------------------------------
    "site.not_initialized": (
        "Ingen installation i {site}: kör 'synk admin init --site {site}'",
        "No site in {site}: run 'synk admin init --site {site}'",
    ),
    "site.exists": ("Installationen i {site} finns redan", "The site in {site} already exists"),
    "site.iterations": (
        "Antal PBKDF2-iterationer måste vara 1–65535, inte {value}",
        "PBKDF2 iterations must be 1-65535, not {value}",
    ),
    "authority.insecure": (
        "Utfärdarnyckeln {path} kan läsas av andra (läge {mode}): kör 'chmod 600 {path}'",
        "Authority key {path} is readable by others (mode {mode}): run 'chmod 600 {path}'",
    ),
    "authority.missing_file": (
        "Utfärdarnyckelns fil {path} saknas",
        "Authority key file {path} is missing",
    ),
    "authority.not_ed25519": (
        "{path} är ingen Ed25519-nyckel",
        "{path} is not an Ed25519 key",
    ),
    "authority.wrong_key": (
        "{path} innehåller en annan nyckel än filnamnet säger",
        "{path} holds another key than its name says",
    ),
    "authority.use_state": (
        "Utfärdarnyckeln {id} är {state}: bara en accepterad nyckel kan börja signera",
        "Authority key {id} is {state}: only an accepted key can start signing",
    ),
    "authority.retire_state": (
        "Utfärdarnyckeln {id} är {state}: bara en accepterad (ersatt) nyckel kan avvecklas",
        "Authority key {id} is {state}: only an accepted (replaced) key can be retired",
    ),
    # -- uploads (HTTP 400 / 413) ---------------------------------------------------------------
    "upload.too_large": (
        "Sändningen är {size} byte, högst {max} tillåts",
        "The upload is {size} bytes, at most {max} allowed",
    ),
    "upload.malformed": (
        "Felaktig sändning: fältet {field}: {reason}",
        "Malformed upload: field {field}: {reason}",
    ),
    "upload.other_station": (
        "Sändningen anger station {batch} men skickades till station {station}",
        "The upload names station {batch} but was sent for station {station}",
    ),
    "upload.empty": ("Sändningen innehåller inga poster", "The upload holds no records"),
    "upload.index_range": (
        "Postnumren i sändningen går över 4294967295",
        "The upload's outbox indexes pass 4294967295",
    ),
    "http.not_found": ("Sidan finns inte", "Not found"),
    "http.invalid_request": ("Ogiltig begäran: {detail}", "Invalid request: {detail}"),
    "http.bad_etag": (
        "If-None-Match ska vara ett serienummer inom citattecken",
        "If-None-Match must be a serial in double quotes",
    ),
    # -- CLI output -----------------------------------------------------------------------------
    "cli.site_created": (
        "Installationen skapad i {site}. Administratör: {user}, lösenord: {password}",
        "Site created in {site}. Administrator: {user}, password: {password}",
    ),
    "cli.authority_key": (
        "Utfärdarnyckel {key_id}, publik nyckel {public_key}",
        "Authority key {key_id}, public key {public_key}",
    ),
    "cli.station_credential": (
        "Stationens inloggningsuppgift (visas bara nu): {credential}",
        "The station's credential (shown only now): {credential}",
    ),
    "cli.staff_code": (
        "Personlig kod för {name} (visas bara nu): {code}",
        "Personal code for {name} (shown only now): {code}",
    ),
    "cli.lock_secret": (
        "Låsets hemlighet (visas bara nu, programmeras in i låset): {secret}",
        "The lock's secret (shown only now, to program into the lock): {secret}",
    ),
    "cli.user_password": (
        "Lösenord för {user} (visas bara nu): {password}",
        "Password for {user} (shown only now): {password}",
    ),
    "cli.written": ("Skrev {path} ({size} byte)", "Wrote {path} ({size} bytes)"),
    "cli.credential_replaced": (
        "Station {id} har fått en ny inloggningsuppgift (i station.json); den gamla gäller inte"
        " längre",
        "Station {id} has a new credential (in station.json); the old one no longer works",
    ),
    "cli.rows": ("{count} rader", "{count} rows"),
    "cli.none": ("Inga träffar", "Nothing found"),
    "cli.error": ("Fel: {text}", "Error: {text}"),
    "cli.serving": (
        "Backoffice lyssnar på http://{host}:{port} (installation {site})",
        "Back office listening on http://{host}:{port} (site {site})",
    ),
    # -- CLI help -------------------------------------------------------------------------------
    "help.synk": ("synk: verktyg för synkstationer", "synk: tools for sync stations"),
    "help.admin": ("Administrera backoffice", "Administer the back office"),
    "help.backoffice": ("Kör backoffice", "Run the back office"),
    "help.serve": ("Starta stationernas HTTP-API", "Serve the stations' HTTP API"),
    "help.site": (
        "Installationens katalog (standard $SYNK_SITE eller ./site)",
        "Site directory (default $SYNK_SITE or ./site)",
    ),
    "help.db": (
        "Databas-URL (standard $SYNK_DATABASE_URL eller DIR/synk.db)",
        "Database URL (default $SYNK_DATABASE_URL or DIR/synk.db)",
    ),
    "help.as": (
        "Agera som denna backoffice-användare (standard: administratören)",
        "Act as this back-office user (default: the site administrator)",
    ),
    "help.json": ("Skriv JSON för skript", "Print JSON for scripts"),
    "help.init": ("Skapa en ny installation", "Create a new site"),
    "help.name": ("Namn", "Name"),
    "help.admin_user": ("Administratörens användarnamn", "The administrator's user name"),
    "help.password": ("Lösenord (annars genereras ett)", "Password (else one is generated)"),
    "help.iterations": (
        "PBKDF2-iterationer för personliga koder",
        "PBKDF2 iterations for personal codes",
    ),
    "help.id": ("Id", "Id"),
    "help.add": ("Lägg till", "Add"),
    "help.list": ("Lista", "List"),
    "help.show": ("Visa", "Show"),
    "help.reason": ("Anledning (sparas i historiken)", "Reason (kept in the history)"),
    "help.unit": ("Enhetens id", "Unit id"),
    "help.provider": ("Utförarens id", "Provider id"),
    "help.staff": ("Medarbetarens id", "Staff member id"),
    "help.key": ("Nyckelns id", "Key id"),
    "help.lock": ("Låsets id", "Lock id"),
    "help.customer": ("Kundens id", "Customer id"),
    "help.station": ("Stationens id", "Station id"),
    "help.since": (
        "Från och med (ISO-tid, lokal tid om ingen zon anges)",
        "From (ISO time, local time unless a zone is given)",
    ),
    "help.until": ("Till (ISO-tid, ej inklusive)", "Until (ISO time, exclusive)"),
    "help.limit": ("Högst så många rader", "At most this many rows"),
    "help.csv": ("Skriv resultatet som CSV till FIL", "Write the result as CSV to FILE"),
    "help.authority": ("Utfärdarnycklar", "Authority keys"),
    "help.authority_rotate": (
        "Skapa en ny signeringsnyckel (den gamla accepteras tills den avvecklas)",
        "Create a new signing key (the old one stays accepted until retired)",
    ),
    "help.authority_retire": ("Avveckla en ersatt nyckel", "Retire a replaced key"),
    "help.user": ("Backoffice-användare", "Back-office users"),
    "help.role": ("Roll", "Role"),
    "help.provider_area": ("Utförare (kommunal eller privat)", "Providers (municipal or private)"),
    "help.kind": ("Typ", "Kind"),
    "help.unit_area": ("Enheter", "Units"),
    "help.station_area": ("Synkstationer", "Sync stations"),
    "help.station_credential": (
        "Ge stationen en ny inloggningsuppgift",
        "Give the station a new credential",
    ),
    "help.staff_area": ("Medarbetare", "Staff"),
    "help.code": (
        "Personlig kod, 6 siffror (annars genereras en)",
        "Personal code, 6 digits (else one is generated)",
    ),
    "help.staff_code": ("Ge en ny personlig kod", "Give a new personal code"),
    "help.staff_deactivate": (
        "Avsluta en medarbetare (aktiva nycklar spärras)",
        "Deactivate a staff member (active keys are blocked)",
    ),
    "help.key_area": ("Digitala nycklar", "Digital keys"),
    "help.public_key": ("Nyckelns publika nyckel (hex)", "The key's public key (hex)"),
    "help.state": ("Läge", "State"),
    "help.key_lost": (
        "Anmäl nyckeln förlorad (spärras direkt)",
        "Report the key lost (blocked at once)",
    ),
    "help.key_block": ("Spärra nyckeln", "Block the key"),
    "help.key_unblock": ("Häv spärren", "Unblock the key"),
    "help.key_retire": ("Avveckla nyckeln", "Retire the key"),
    "help.customer_area": ("Kunder (pseudonyma)", "Customers (pseudonymous)"),
    "help.reference": ("Kundens pseudonyma referens", "The customer's pseudonymous reference"),
    "help.lock_area": ("Lås", "Locks"),
    "help.lock_type": ("Låstyp", "Lock type"),
    "help.secret": (
        "Låsets hemlighet, 64 hex (annars genereras en)",
        "The lock's secret, 64 hex (else one is generated)",
    ),
    "help.lock_install": ("Montera låset", "Install (mount) the lock"),
    "help.lock_remove": ("Montera ned låset", "Remove (dismount) the lock"),
    "help.address": ("Adress", "Address"),
    "help.grant_area": ("Behörigheter", "Grants"),
    "help.grant_unit": (
        "Ge en enhet tillgång till lås",
        "Let a unit's staff open locks",
    ),
    "help.grant_personal": (
        "Tillfällig personlig behörighet",
        "A temporary personal grant",
    ),
    "help.grant_revoke": ("Återkalla en behörighet", "Revoke a grant"),
    "help.grant_all": ("Även avslutade", "Include ended ones"),
    "help.grant_until": ("Slutar (ISO-tid)", "Ends (ISO time)"),
    "help.activity": ("Sök i aktivitetsloggen", "Search the activity log"),
    "help.anomaly": ("Avvikelser i uppladdade händelser", "Anomalies in uploaded events"),
    "help.open": ("Bara olösta", "Only unresolved"),
    "help.syncs": ("Stationshändelser (synkningar m.m.)", "Station events (syncs etc.)"),
    "help.changes": ("Ändringsloggen", "The change log"),
    "help.blocklist": ("Visa den aktuella spärrlistan", "Show the current blocklist"),
    "help.bundle": (
        "Bygg en stations paket och skriv det till fil",
        "Build a station's bundle and write it to a file",
    ),
    "help.bundle_all": (
        "Bygg alla stationers paket i förväg",
        "Build every station's bundle ahead",
    ),
    "help.workers": ("Antal processer", "Number of processes"),
    "help.out": ("Utfil", "Output file"),
    "help.token": ("Utfärda servicebehörighet", "Issue a service token"),
    "help.technician": ("Teknikerns användarnamn", "The technician's user name"),
    "help.allow": (
        "Behörigheter, kommaseparerade: set-clock, clear-outbox, factory-reset",
        "Permissions, comma separated: set-clock, clear-outbox, factory-reset",
    ),
    "help.hours": ("Giltighet i timmar", "Validity in hours"),
    "help.token_station": ("Station (0 = alla)", "Station (0 = any)"),
    "help.host": ("Adress att lyssna på", "Address to listen on"),
    "help.port": ("Port", "Port"),
    "help.authority_add": (
        "Rotation steg 1: skapa en ny nyckel som enheterna ska lita på (signerar inte än)",
        "Rotation step 1: make a new key for devices to trust (it does not sign yet)",
    ),
    "help.authority_use": (
        "Rotation steg 2: låt en accepterad nyckel signera (den gamla förblir accepterad)",
        "Rotation step 2: let an accepted key sign (the old one stays accepted)",
    ),
    "help.station_config": (
        "Skriv stationens signerade konfiguration (station.json, station.sig)",
        "Write the station's signed configuration (station.json, station.sig)",
    ),
    "help.backoffice_url": (
        "Backofficens adress för stationen, t.ex. https://synk.kommun.se",
        "The back office URL for the station, e.g. https://synk.kommun.se",
    ),
    "help.contact": (
        "Vem personalen ringer, visas på stationen",
        "Whom staff call, shown on the station",
    ),
    "help.config_out": ("Katalog att skriva filerna i", "Directory to write the files to"),
    "help.credential": (
        "Stationens nuvarande inloggningsuppgift (annars utfärdas en ny)",
        "The station's current credential (else a new one is issued)",
    ),
    "help.wifi_ssid": ("Wifi-nätets namn", "Wi-Fi network name"),
    "help.wifi_password": ("Wifi-lösenord", "Wi-Fi password"),
    "help.nfc": ("NFC-läsarens anslutning", "How the NFC reader is connected"),
    "help.board": ("Kort", "Board"),
    "help.admin_epilog": (
        "Kom igång:\n"
        "  synk admin init --site DIR\n"
        "  synk admin provider add 'Kommunen' --kind municipal\n"
        "  synk admin unit add 'Hemtjänst Nord' --provider 1\n"
        "  synk admin station add --unit 1 --name 'Nord 1'\n"
        "  synk admin bundle --station 1 --out bundle.bin\n"
        "Databas: SQLite-filen DIR/synk.db, eller --db URL / $SYNK_DATABASE_URL.",
        "Getting started: the same commands. Database: the SQLite file DIR/synk.db,"
        " or --db URL / $SYNK_DATABASE_URL (e.g. postgresql+psycopg://user@host/synk).",
    ),
    "help.settings": ("Visa installationens inställningar", "Show the site's settings"),
}


def text(key: str, **values: object) -> str:
    """ "svenska / English" for ``key`` with ``values`` filled in."""
    swedish, english = CATALOGUE[key]
    return f"{swedish.format(**values)} / {english.format(**values)}"
