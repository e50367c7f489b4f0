"""Every people-facing string of the back office, Swedish first, then English.

``text(key, **values)`` gives "svenska / English" with the values filled in;
errors, CLI output and CLI help all come from here, so a translator has one
file to read. Keys are dotted: the part before the first dot says where the
string is used. The web pages show one language or both (``LANGUAGES``; Swedish
unless ``synk backoffice serve --language`` says otherwise), decided in
``host.web.text``.
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
    "not_found.activity_grant": (
        "Behörigheten {id} till aktivitetsloggen finns inte",
        "Activity log grant {id} not found",
    ),
    "not_found.authority_key": (
        "Utfärdarnyckeln {id} finns inte",
        "Authority key {id} not found",
    ),
    # -- duplicates -----------------------------------------------------------------------------
    "exists.provider": ("Utföraren {name} finns redan", "Provider {name} already exists"),
    "exists.unit": ("Enheten {name} finns redan", "Unit {name} already exists"),
    "exists.station": ("Synkstationen {id} finns redan", "Station {id} already exists"),
    "station.too_many_neighbours": (
        "En synkstation kan betjäna högst {max} grannenheter",
        "A station can serve at most {max} neighbouring units",
    ),
    "station.neighbour_own": (
        "Synkstationen {id} betjänar redan sin egen enhet",
        "Station {id} serves its own unit already",
    ),
    "station.neighbour_keys": (
        "{count} aktiva nycklar är fler än de {max} som ryms i stationens paket",
        "{count} active keys are more than the {max} the station's bundle holds",
    ),
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
    "forbidden.activity": (
        "Rollen {role} får inte läsa aktivitetsloggen för enhet {unit}: det kräver"
        " personalansvar för enheten eller en behörighet som enhetens chef beställt",
        "Role {role} may not read the activity log of unit {unit}: that takes staff"
        " responsibility for the unit or a grant ordered by the unit's manager",
    ),
    "activity_grant.until": (
        "Behörighetens sista dag ska vara i dag eller senare, högst {days} dagar fram",
        "The grant's last day must be today or later, at most {days} days ahead",
    ),
    "activity_grant.reason": (
        "Skälet får vara högst {max} tecken",
        "The reason may be at most {max} characters",
    ),
    "activity_grant.self": (
        "Du läser redan din enhets aktivitetslogg",
        "You already read your unit's activity log",
    ),
    "activity_grant.needless": (
        "{user} läser redan den här aktivitetsloggen utan behörighet",
        "{user} already reads this activity log without a grant",
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
    "key.pin_secret": (
        "Nyckelns PIN-hemlighet ska vara {size} byte ({digits} hexadecimala tecken)",
        "The key's pin secret must be {size} bytes ({digits} hex digits)",
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
    "config.contact_long": (
        "Kontakten {contact} får inte plats på stationens skärm: högst två rader om 16 tecken",
        "The contact {contact} does not fit the station's screen: at most two lines of 16 "
        "characters",
    ),
    "config.choice": (
        "{name} kan inte vara {value} (välj {choices})",
        "{name} cannot be {value} (choose {choices})",
    ),
    "config.unknown": ("Okänd inställning {name}", "Unknown setting {name}"),
    "export.manifest": (
        "{folder} är ingen export av en synk-plats (manifest.json saknas eller är fel)",
        "{folder} is no export of a synk site (manifest.json missing or wrong)",
    ),
    "export.version": (
        "Exporten har version {version}; den här versionen av synk läser {supported}",
        "The export is version {version}; this version of synk reads {supported}",
    ),
    "export.table": (
        "Tabellen {table} finns inte i både exporten och den här versionen av synk",
        "The table {table} is not in both the export and this version of synk",
    ),
    "export.columns": (
        "Kolumnerna i {table} stämmer inte med den här versionen av synk",
        "The columns of {table} do not match this version of synk",
    ),
    "export.damaged": (
        "{file} saknas eller är ändrad sedan exporten (kontrollsumman stämmer inte); inget"
        " har importerats",
        "{file} is missing or changed since the export (checksum differs); nothing was imported",
    ),
    "export.row": (
        "Rad {line} i {file} går inte att läsa; inget har importerats",
        "Line {line} of {file} cannot be read; nothing was imported",
    ),
    "retention.kind": (
        "Okänt slag av uppgifter {kind} (välj {kinds})",
        "Unknown kind of data {kind} (choose {kinds})",
    ),
    "retention.floor": (
        "{kind} måste sparas minst {floor} dagar (uppföljningen behöver dem), inte {days}",
        "{kind} must be kept at least {floor} days (the follow-up needs them), not {days}",
    ),
    "cli.exported": (
        "Exporten finns i {folder} (bara ägaren kan läsa den: den innehåller hemligheter)",
        "The export is in {folder} (only its owner can read it: it holds secrets)",
    ),
    "cli.imported": (
        "Platsen {site} är uppbyggd från exporten i {folder}",
        "The site {site} is rebuilt from the export in {folder}",
    ),
    "config.need_ca": (
        "En https-adress behöver backofficens CA-certifikat (--ca FIL): synkstationen litar"
        " inte på något annat",
        "An https address needs the back office's CA certificate (--ca FILE): the station"
        " trusts no other",
    ),
    "config.bad_ca": (
        "CA-certifikatet går inte att läsa (PEM eller DER)",
        "The CA certificate cannot be read (PEM or DER)",
    ),
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
    "http.body_too_large": (
        "Begäran är för stor: högst {max} byte tas emot här",
        "Request body too large: at most {max} bytes are accepted here",
    ),
    "http.bad_etag": (
        "If-None-Match ska vara ett serienummer inom citattecken",
        "If-None-Match must be a serial in double quotes",
    ),
    # -- CLI output -----------------------------------------------------------------------------
    "cli.site_created": (
        "Installationen skapad i {site}. Administratör: {user}, lösenord: {password}",
        "Site created in {site}. Administrator: {user}, password: {password}",
    ),
    "cli.demo_scale": (
        "{units} enheter, {keys} nycklar, {locks} lås, {events} låshändelser och"
        " {station_events} stationshändelser inlästa på {load_s} s ({events_per_s} händelser/s)",
        "{units} units, {keys} keys, {locks} locks, {events} lock events and"
        " {station_events} station events loaded in {load_s} s ({events_per_s} events/s)",
    ),
    "cli.demo_scale_managers": (
        "Enhetschefer {users}, lösenord: {password}",
        "Unit managers {users}, password: {password}",
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
        "Backoffice lyssnar på {scheme}://{host}:{port}, uppföljningen på"
        " {scheme}://{host}:{port}/web/ (installation {site})",
        "Back office listening on {scheme}://{host}:{port}, follow-up pages at"
        " {scheme}://{host}:{port}/web/ (site {site})",
    ),
    "cli.serving_proxies": (
        "Litar på X-Forwarded-For/-Proto bara från: {proxies}",
        "Trusts X-Forwarded-For/-Proto only from: {proxies}",
    ),
    "serve.tls_pair": (
        "--certfile och --keyfile hör ihop: ange båda eller ingen",
        "--certfile and --keyfile go together: give both or neither",
    ),
    "cli.serving_workers": (
        "{workers} arbetsprocesser, alla mot samma databas",
        "{workers} worker processes, all on the same database",
    ),
    "serve.workers": (
        "Ogiltigt antal arbetsprocesser: {workers} (minst 1)",
        "Invalid number of worker processes: {workers} (at least 1)",
    ),
    "serve.language": (
        "Okänt språk {language} för uppföljningssidorna (välj {languages})",
        "Unknown language {language} for the follow-up pages (choose {languages})",
    ),
    "serve.proxy": (
        "Ogiltig proxyadress {proxy}: ange en IP-adress eller ett nät (10.0.0.0/24)",
        "Invalid proxy address {proxy}: give an IP address or a network (10.0.0.0/24)",
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
    "secret.folder_open": (
        "Mappen {folder} kan öppnas av andra (läge {mode}), så en hemlighet skrivs inte dit:"
        " välj en mapp som bara du kommer åt, eller kör 'chmod 700 {folder}'",
        "The folder {folder} can be opened by others (mode {mode}), so no secret is written"
        " there: choose a folder only you can reach, or run 'chmod 700 {folder}'",
    ),
    "secret.not_a_folder": (
        "{folder} är ingen mapp",
        "{folder} is not a folder",
    ),
    "secret.file_open": (
        "Filen {path} kan läsas av andra (läge {mode}), så den skrivs inte: ta bort den eller"
        " kör 'chmod 600 {path}'",
        "The file {path} is readable by others (mode {mode}), so it is not written: remove it"
        " or run 'chmod 600 {path}'",
    ),
    "help.csv": ("Skriv resultatet som CSV till FIL", "Write the result as CSV to FILE"),
    "help.station_neighbours": (
        "Grannenheter vars nycklar stationen också betjänar (lånad station); utan --unit: inga",
        "Neighbouring units whose keys the station also serves (a borrowed station);"
        " without --unit: none",
    ),
    "help.neighbour_unit": (
        "En grannenhet (upprepa för fler, högst 3)",
        "A neighbouring unit (repeat for more, at most 3)",
    ),
    "help.csv_dialect": (
        "sv (standard): semikolon, decimalkomma, UTF-8 med BOM, svenska rubriker och värden,"
        " tider ÅÅÅÅ-MM-DD tt:mm, som ett svenskt kalkylprogram öppnar direkt; plain: komma,"
        " decimalpunkt, engelska kolumnnamn och koder, för skript",
        "sv (default): semicolon, decimal comma, UTF-8 with a BOM, Swedish headers and values,"
        " times YYYY-MM-DD hh:mm, as a spreadsheet set to Swedish opens directly; plain: comma,"
        " decimal point, English column names and codes, for scripts",
    ),
    "help.authority": ("Utfärdarnycklar", "Authority keys"),
    "help.authority_rotate": (
        "Skapa en ny signeringsnyckel (den gamla accepteras tills den avvecklas)",
        "Create a new signing key (the old one stays accepted until retired)",
    ),
    "help.authority_retire": ("Avveckla en ersatt nyckel", "Retire a replaced key"),
    "help.user": ("Backoffice-användare", "Back-office users"),
    "help.user_password": (
        "Nytt lösenord för en användare (slumpas om inget anges; visas en gång);"
        " användarens inloggningar avslutas",
        "A new password for a user (random unless given; shown once); the user's sessions end",
    ),
    "help.activity_reads": (
        "Läsningar av aktivitetsloggen: vem, när, vad (bara administratören)",
        "Reads of the activity log: who, when, what (the administrator only)",
    ),
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
    "help.pin_secret_file": (
        "Fil med nyckelns PIN-hemlighet (64 hexadecimala tecken) från registreringen; "
        "utan den dras en ny och skrivs ut en gång",
        "File with the key's pin secret (64 hex digits) from the enrolment; without it a "
        "new one is drawn and printed once",
    ),
    "help.key_pin_secret": (
        "Registrera nyckeln på nytt med en ny PIN-hemlighet",
        "Enrol the key again with a new pin secret",
    ),
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
        "Behörigheter, kommaseparerade: set-clock, clear-outbox, factory-reset, maintenance",
        "Permissions, comma separated: set-clock, clear-outbox, factory-reset, maintenance",
    ),
    "help.hours": ("Giltighet i timmar", "Validity in hours"),
    "help.token_station": ("Station (0 = alla)", "Station (0 = any)"),
    "help.host": ("Adress att lyssna på", "Address to listen on"),
    "help.port": ("Port", "Port"),
    "help.certfile": (
        "TLS-certifikat (PEM): backoffice talar https själv",
        "TLS certificate (PEM): the back office speaks https itself",
    ),
    "help.keyfile": ("Certifikatets privata nyckel (PEM)", "The certificate's private key (PEM)"),
    "help.serve_workers": (
        "Antal arbetsprocesser (uvicorn); fler än en med PostgreSQL",
        "Number of worker processes (uvicorn); more than one with PostgreSQL",
    ),
    "help.serve_language": (
        "Uppföljningssidornas språk: sv (standard $SYNK_LANGUAGE eller sv), en eller both"
        " (svenska och engelska)",
        "The follow-up pages' language: sv (default $SYNK_LANGUAGE or sv), en or both"
        " (Swedish and English)",
    ),
    "help.proxy": (
        "Omvänd proxy (adress eller nät) vars X-Forwarded-For/-Proto betros; kan upprepas",
        "Reverse proxy (address or network) whose X-Forwarded-For/-Proto are believed; repeatable",
    ),
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
    "help.data": (
        "Uppgifter som sparas, gallras och exporteras enligt regel",
        "Data kept, deleted and exported by rule",
    ),
    "help.retention": (
        "Hur länge varje slag av uppgifter sparas",
        "How long each kind of data is kept",
    ),
    "help.retention_set": ("Ändra hur länge ett slag sparas", "Change how long a kind is kept"),
    "help.retention_kind": ("Slag av uppgifter", "Kind of data"),
    "help.retention_days": ("Antal dagar", "Number of days"),
    "help.purge": (
        "Gallra nu det som är äldre än vad som sparas (görs annars varje timme av servern)",
        "Delete now what is older than kept (the server otherwise does it every hour)",
    ),
    "help.purge_batch": ("Rader per omgång", "Rows per batch"),
    "help.export": (
        "Exportera hela platsen (CSV och manifest.json) till en ny mapp",
        "Export the whole site (CSV and manifest.json) to a new folder",
    ),
    "help.export_folder": ("Mappen med exporten", "The export's folder"),
    "help.import": (
        "Bygg en ny plats (--site) från en export",
        "Build a new site (--site) from an export",
    ),
    "help.ca": (
        "Fil med backofficens CA-certifikat (PEM eller DER); krävs för https",
        "File with the back office's CA certificate (PEM or DER); needed for https",
    ),
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
    "help.demo_scale": (
        "Skapa en ny installation i en stor kommuns storlek med ett års låshändelser"
        " (150 enheter, 10 000 nycklar, 24 000 lås)",
        "Create a new site at a large municipality's size with a year of lock events"
        " (150 units, 10,000 keys, 24,000 locks)",
    ),
    "help.demo_events": (
        "Antal låshändelser (standard 1 000 000)",
        "Lock events (default 1,000,000)",
    ),
    "help.demo_days": ("Över hur många dagar (standard 365)", "Over how many days (default 365)"),
    "help.demo_seed": (
        "Slumpfrö: samma frö ger samma installation",
        "Random seed: the same seed gives the same site",
    ),
    "help.settings": ("Visa installationens inställningar", "Show the site's settings"),
    "help.visits": (
        "Besöksregistreringar från tid- och insatsregistreringen",
        "Visit registrations from the time-and-effort system",
    ),
    "help.visits_import": (
        "Läs in en CSV-export (slutstatus 2 om någon rad avvisades)",
        "Import a CSV export (exit status 2 when a row was refused)",
    ),
    "help.visits_file": (
        "CSV-filen: customer_ref, staff_ref, start, end, registered_by",
        "The CSV file: customer_ref, staff_ref, start, end, registered_by",
    ),
    "cli.visits_imported": (
        "{rows} rader: {added} nya, {updated} rättade, {unchanged} redan inlästa,"
        " {refused} med fel",
        "{rows} rows: {added} added, {updated} corrected, {unchanged} already stored,"
        " {refused} refused",
    ),
    "cli.visits_row": ("Rad {row}", "Row {row}"),
    # -- visit import (time-and-effort system) --------------------------------------------------
    "visits.empty": ("Filen är tom", "The file is empty"),
    "visits.columns": (
        "Rad 1: kolumnerna {missing} saknas (filen ska ha {columns})",
        "Row 1: the columns {missing} are missing (the file needs {columns})",
    ),
    "visits.csv": (
        "Rad {row}: filen går inte att läsa: {reason}",
        "Row {row}: unreadable: {reason}",
    ),
    "visits.too_many": (
        "Filen har fler än {max} rader: dela upp den",
        "The file has more than {max} rows: split it",
    ),
    "visits.missing": ("{column} saknas", "{column} is missing"),
    "visits.customer_unknown": (
        "Kunden {ref} finns inte i synk",
        "Customer {ref} is not registered in synk",
    ),
    "visits.customer_other_unit": (
        "Kunden {ref} hör inte till din enhet",
        "Customer {ref} does not belong to your unit",
    ),
    "visits.staff_unknown": (
        "Medarbetaren {ref} finns inte hos kundens utförare",
        "Staff member {ref} is not found at the customer's provider",
    ),
    "visits.staff_other_provider": (
        "Medarbetaren {ref} arbetar hos en annan utförare än kundens",
        "Staff member {ref} works for another provider than the customer's",
    ),
    "visits.staff_ambiguous": (
        "Flera medarbetare heter {ref} (id {ids}): ange id i staff_ref",
        "Several staff members are called {ref} (ids {ids}): give the id in staff_ref",
    ),
    "visits.time": (
        "{column}: '{value}' är ingen tidpunkt (t.ex. 2026-03-16 08:05)",
        "{column}: '{value}' is not a date and time (e.g. 2026-03-16 08:05)",
    ),
    "visits.end_before_start": ("end ska vara efter start", "end must be after start"),
    "visits.too_long": (
        "Besöket är längre än 24 timmar",
        "The visit is longer than 24 hours",
    ),
    "visits.method": (
        "registered_by '{value}' är okänt (välj {methods})",
        "registered_by '{value}' is unknown (choose {methods})",
    ),
    "visits.duplicate": (
        "Samma besök som rad {first} men med annan sluttid eller registreringssätt",
        "The same visit as row {first} but with another end or method",
    ),
    # -- follow-up reports ----------------------------------------------------------------------
    "sample.month": (
        "Ogiltig månad '{value}', använd t.ex. 2026-03",
        "Invalid month '{value}', use e.g. 2026-03",
    ),
    "sample.count": (
        "Antal kunder per utförare ska vara {counts}",
        "Customers per provider must be {counts}",
    ),
    "sample.seed": (
        "Slumptalet för urvalet ska vara 0–{max}",
        "The draw's random number must be 0-{max}",
    ),
    "sample.draw_forbidden": (
        "Bara granskaren eller administratören drar om stickprovet (roll {role})",
        "Only the reviewer or the administrator redraws the sample (role {role})",
    ),
    "sample.reason_needed": (
        "Månadens stickprov är redan draget: skriv varför det ska dras om",
        "The month's sample has been drawn: write why it is to be drawn again",
    ),
    "sample.reason_long": (
        "Skälet får vara högst {max} tecken",
        "The reason may be at most {max} characters",
    ),
    "sample.not_due": (
        "Stickprovsdagen {day} har inte kommit än: stickprovet dras tidigast då",
        "The sample date {day} has not come yet: the sample is drawn on it at the earliest",
    ),
    "sample.drawn_meanwhile": (
        "Stickprovet för {month} drogs om av någon annan samtidigt: ladda om sidan",
        "The sample of {month} was redrawn by someone else at the same moment: reload the page",
    ),
    "followup.stale_days": (
        "Antal dagar ska vara 1–{max}",
        "The number of days must be 1-{max}",
    ),
    "followup.months": ("Välj 1–{max} månader", "Choose 1-{max} months"),
    "followup.kind": ("Okänd händelsetyp (välj {kinds})", "Unknown event kind (choose {kinds})"),
    "followup.page": ("Ogiltig sida", "Invalid page"),
    "followup.anomaly_kind": (
        "Okänd avvikelsetyp (välj {kinds})",
        "Unknown anomaly kind (choose {kinds})",
    ),
    # -- web sign-in and errors -----------------------------------------------------------------
    "web.sign_in_failed": (
        "Fel användarnamn eller lösenord",
        "Wrong user name or password",
    ),
    "web.sign_in_throttled": (
        "För många misslyckade inloggningar: försök igen om {minutes} minuter",
        "Too many failed sign-ins: try again in {minutes} minutes",
    ),
    "web.csrf": (
        "Formuläret kom inte från den här sidan eller är för gammalt: ladda om sidan",
        "The form did not come from this site or has expired: reload the page",
    ),
    "web.param": ("Ogiltigt värde för {name}: '{value}'", "Invalid value for {name}: '{value}'"),
    "web.month_range": (
        "Från-månaden ska vara före till-månaden (högst 60 månader)",
        "The from month must come before the to month (at most 60 months)",
    ),
    "web.activity.no_hits": ("Inga träffar.", "No matches."),
    "web.no_key": ("ingen nyckel", "no key"),
    "web.activity.no_such_staff": (
        "Ingen medarbetare heter '{name}'.",
        "No staff member is called '{name}'.",
    ),
    "web.staff_name": (
        "{count} medarbetare heter '{name}': ange id",
        "{count} staff members are called '{name}': give the id",
    ),
    "web.customer_ref": ("Kunden {ref} finns inte", "Customer {ref} not found"),
    "web.csv_too_many": (
        "Sökningen ger {total} rader, högst {max} kan exporteras: välj en kortare tid",
        "The search finds {total} rows, at most {max} can be exported: choose a shorter time",
    ),
    "web.upload_too_large": (
        "Filen är större än {max} MiB",
        "The file is larger than {max} MiB",
    ),
    # -- web pages: frame -----------------------------------------------------------------------
    "web.app": ("Uppföljning av digitala lås", "Digital lock follow-up"),
    "web.nav": ("Sidor", "Pages"),
    "web.nav.keys": ("Nycklar", "Keys"),
    "web.nav.locks": ("Låsinstallationer", "Lock installations"),
    "web.nav.sample": ("Centralt stickprov", "Central sample"),
    "web.nav.activity": ("Aktivitetslogg", "Activity log"),
    "web.nav.stations": ("Synkstationer", "Sync stations"),
    "web.nav.blocklist": ("Spärrlistan", "Blocklist"),
    "web.spread.title": ("Spärrlistans spridning", "How far the blocklist has travelled"),
    "web.spread.lead": (
        "Låsen har inget nät: ett lås får veta att en nyckel är spärrad först när en annan"
        " nyckel med en nyare spärrlista har varit där. Här syns de lås en spärrad nyckel"
        " kanske fortfarande öppnar, och vilken version av listan varje lås använder enligt"
        " sina senaste händelser. Nyckeln står på listan tills ingen behörighet den kan ha"
        " gäller längre.",
        "Locks have no network: a lock learns that a key is blocked only when another key"
        " carrying a newer blocklist has been there. Shown here: the locks a blocked key may"
        " still open, and the list version each lock uses according to its latest events. The"
        " key stays on the list until no permission it can hold is valid.",
    ),
    "web.spread.exposed": (
        "Lås som en spärrad nyckel kanske fortfarande öppnar",
        "Locks a blocked key may still open",
    ),
    "web.spread.keys": (
        "spärrade nycklar kan fortfarande öppna minst ett lås",
        "blocked keys may still open at least one lock",
    ),
    "web.spread.locks": (
        "Spärrlistans version per lås (senaste utfärdade: {newest})",
        "Blocklist version per lock (newest issued: {newest})",
    ),
    "web.spread.not_issued": ("inte utfärdad än", "not issued yet"),
    "web.spread.none": ("ingen än", "none yet"),
    "web.col.blocked_at": ("Spärrad", "Blocked"),
    "web.col.listed_until": ("På listan till", "Listed until"),
    "web.col.first_version": ("Första version med nyckeln", "First version with the key"),
    "web.col.address": ("Adress", "Address"),
    "web.col.version_seen": ("Låsets version", "Lock's version"),
    "web.col.seen_since": ("Sedd sedan", "Seen since"),
    "web.col.versions_behind": ("Versioner efter", "Versions behind"),
    "web.nav.anomalies": ("Avvikelser", "Anomalies"),
    "web.nav.visits": ("Besöksimport", "Visit import"),
    "web.nav.activity_grants": ("Behörigheter till loggen", "Log grants"),
    "web.nav.activity_reads": ("Läsningar av loggen", "Log reads"),
    "web.role.admin": ("administratör", "administrator"),
    "web.role.unit_manager": ("enhetschef", "unit manager"),
    "web.role.reviewer": ("granskare", "reviewer"),
    "web.role.technician": ("tekniker", "technician"),
    "web.role.alarm_group": ("larmgrupp", "alarm group"),
    "web.role.station": ("station", "station"),
    "web.sign_in": ("Logga in", "Sign in"),
    "web.sign_in_lead": (
        "Logga in med ditt användarnamn i backoffice.",
        "Sign in with your back-office user name.",
    ),
    "web.username": ("Användarnamn", "User name"),
    "web.password": ("Lösenord", "Password"),
    "web.sign_out": ("Logga ut", "Sign out"),
    "web.footer": (
        "synk – uppföljning enligt rutinen för digitala lås. Allt visas i svensk tid.",
        "synk – follow-up as the digital lock routine asks. Times are Swedish local time.",
    ),
    "web.error_title": ("Det gick inte ({status})", "That did not work ({status})"),
    "web.back_home": ("Till startsidan", "Back to the start page"),
    "web.no_pages": (
        "Din roll har inga uppföljningssidor.",
        "Your role has no follow-up pages.",
    ),
    "web.no_rows": ("Inga rader", "No rows"),
    "web.show": ("Visa", "Show"),
    "web.search": ("Sök", "Search"),
    # Swedish column headers of the command line's CSV exports (English: the name itself)
    "csv.col.id": ("Id", "id"),
    "csv.col.username": ("Användarnamn", "username"),
    "csv.col.role": ("Roll", "role"),
    "csv.col.unit_id": ("Enhets-id", "unit_id"),
    "csv.col.active": ("Aktiv", "active"),
    "csv.col.created_at": ("Skapad", "created_at"),
    "csv.col.key_id": ("Nyckel", "key_id"),
    "csv.col.public_key": ("Publik nyckel", "public_key"),
    "csv.col.pin_secret_set": ("Kodhemlighet på nyckeln", "pin_secret_set"),
    "csv.col.state": ("Status", "state"),
    "csv.col.retired_at": ("Avvecklad", "retired_at"),
    "csv.col.name": ("Namn", "name"),
    "csv.col.kind": ("Slag", "kind"),
    "csv.col.provider_id": ("Utförar-id", "provider_id"),
    "csv.col.last_seen": ("Senast hörd", "last_seen"),
    "csv.col.bundle_serial_delivered": ("Levererat paket", "bundle_serial_delivered"),
    "csv.col.staff_id": ("Medarbetar-id", "staff_id"),
    "csv.col.reference": ("Brukarreferens", "reference"),
    "csv.col.type": ("Typ", "type"),
    "csv.col.installed": ("Monterat", "installed"),
    "csv.col.address": ("Adress", "address"),
    "csv.col.customer_id": ("Brukar-id", "customer_id"),
    "csv.col.last_seq": ("Senaste löpnummer", "last_seq"),
    "csv.col.lock_id": ("Lås", "lock_id"),
    "csv.col.ends_at": ("Slutar", "ends_at"),
    "csv.col.in_sets_until": ("I behörigheter till", "in_sets_until"),
    "csv.col.revoked_at": ("Återkallad", "revoked_at"),
    "csv.col.time": ("Tid", "time"),
    "csv.col.lock_seq": ("Löpnummer i låset", "lock_seq"),
    "csv.col.outcome": ("Utfall", "outcome"),
    "csv.col.staff": ("Medarbetare", "staff"),
    "csv.col.station_id": ("Station", "station_id"),
    "csv.col.detected": ("Upptäckt", "detected"),
    "csv.col.seq_from": ("Från löpnummer", "seq_from"),
    "csv.col.seq_to": ("Till löpnummer", "seq_to"),
    "csv.col.event_time": ("Händelsens tid", "event_time"),
    "csv.col.key_blocked_since": ("Nyckeln spärrad sedan", "key_blocked_since"),
    "csv.col.resolved": ("Löst", "resolved"),
    "csv.col.outbox_index": ("Plats i utkorgen", "outbox_index"),
    "csv.col.reason": ("Orsak", "reason"),
    "csv.col.detail": ("Detalj", "detail"),
    "csv.col.at": ("Tid", "at"),
    "csv.col.user": ("Användare", "user"),
    "csv.col.action": ("Åtgärd", "action"),
    "csv.col.object": ("Objekt", "object"),
    "csv.col.serial": ("Löpnummer", "serial"),
    "csv.col.size": ("Storlek", "size"),
    "csv.col.unit": ("Enhet", "unit"),
    "csv.col.provider": ("Utförare", "provider"),
    "csv.col.customer": ("Brukare", "customer"),
    "csv.col.lock": ("Lås", "lock"),
    "web.export_csv": ("Exportera till Excel (CSV)", "Export to Excel (CSV)"),
    "web.export_csv_plain": ("CSV för skript", "CSV for scripts"),
    "web.export_csv_plain_title": (
        "Komma mellan fälten, decimalpunkt, engelska kolumnnamn och koder, tider i ISO 8601",
        "Commas between the fields, decimal point, English column names and codes, ISO 8601 times",
    ),
    "web.export_csv_sv_title": (
        "Semikolon mellan fälten, decimalkomma, svenska rubriker, UTF-8 med BOM: öppnas direkt"
        " i ett svenskt kalkylprogram",
        "Semicolons between the fields, decimal comma, Swedish headers, UTF-8 with a BOM: opens"
        " directly in a spreadsheet set to Swedish",
    ),
    "web.show_numbers": ("Visa siffrorna", "Show the numbers"),
    "web.all_units": ("Alla enheter", "All units"),
    "web.since": ("Från", "From"),
    "web.until": ("Till", "Until"),
    "web.previous": ("Föregående", "Previous"),
    "web.next": ("Nästa", "Next"),
    "web.yes": ("ja", "yes"),
    "web.no": ("nej", "no"),
    "web.none": ("inget paket", "no bundle"),
    # -- web pages: column headers --------------------------------------------------------------
    "web.col.unit_id": ("Enhets-id", "Unit id"),
    "web.col.unit": ("Enhet", "Unit"),
    "web.col.provider_id": ("Utförar-id", "Provider id"),
    "web.col.provider": ("Utförare", "Provider"),
    "web.col.key": ("Nyckel", "Key"),
    "web.col.state": ("Läge", "State"),
    "web.col.staff_id": ("Medarbetar-id", "Staff id"),
    "web.col.staff": ("Medarbetare", "Staff member"),
    "web.col.staff_active": ("Medarbetaren aktiv", "Staff member active"),
    "web.col.last_sync": ("Senaste synk", "Last sync"),
    "web.col.last_use": ("Senast använd", "Last used"),
    "web.col.out_of_use_since": ("Ur bruk sedan", "Out of use since"),
    "web.col.problems": ("Att åtgärda", "Needs fixing"),
    "web.col.total": ("Totalt", "Total"),
    "web.col.period": ("Period", "Period"),
    "web.col.months": ("Månader", "Months"),
    "web.col.mounts": ("Monteringar", "Mounts"),
    "web.col.removals": ("Nedmonteringar", "Removals"),
    "web.col.mounts_per_month": ("Monteringar per månad", "Mounts per month"),
    "web.col.removals_per_month": ("Nedmonteringar per månad", "Removals per month"),
    "web.col.month": ("Månad", "Month"),
    "web.col.sample_date": ("Stickprovsdatum", "Sample date"),
    "web.col.seed": ("Slumptal för urvalet", "Random number of the draw"),
    "web.col.customer_id": ("Kund-id", "Customer id"),
    "web.col.customer": ("Kund", "Customer"),
    "web.col.visits": ("Besök", "Visits"),
    "web.col.opened_by_lock": ("Öppnade med digitalt lås", "Opened with the digital lock"),
    "web.col.share_lock": ("Andel via lås", "Share by lock"),
    "web.col.registered_manually": ("Manuellt registrerade", "Registered manually"),
    "web.col.share_manual": ("Andel manuellt", "Share manual"),
    "web.col.staff_without_lock": (
        "Unika medarbetare utan lås",
        "Distinct staff without the lock",
    ),
    "web.col.start": ("Start", "Start"),
    "web.col.end": ("Slut", "End"),
    "web.col.registered_by": ("Registrerat via", "Registered by"),
    "web.col.lock_opened": ("Låset öppnat", "Lock opened"),
    "web.col.time": ("Tid", "Time"),
    "web.col.kind": ("Typ", "Kind"),
    "web.col.event": ("Händelse", "Event"),
    "web.col.borrowed_station": ("Lånad station", "Borrowed station"),
    "web.col.serves_units": ("Betjänar även", "Also serves"),
    "web.activity.borrowed": (
        "på lånad station hos {unit}",
        "at a borrowed station of {unit}",
    ),
    "web.col.lock": ("Lås", "Lock"),
    "web.col.lock_name": ("Låsets namn", "Lock name"),
    "web.col.lock_seq": ("Löpnummer", "Sequence"),
    "web.col.station": ("Station", "Station"),
    "web.col.station_name": ("Namn", "Name"),
    "web.col.detail": ("Detalj", "Detail"),
    "web.col.last_contact": ("Senaste kontakt", "Last contact"),
    "web.col.bundle_serial": ("Paket nr", "Bundle serial"),
    "web.col.bundle_issued": ("Paketet utfärdat", "Bundle issued"),
    "web.col.bundle_age": ("Paketets ålder (dygn)", "Bundle age (days)"),
    "web.col.offline_until": ("Fungerar utan nät till", "Works offline until"),
    "web.col.margin": ("Marginal utan nät (dygn)", "Offline margin (days)"),
    "web.col.low_margin": ("Under gränsen", "Below the limit"),
    "web.col.outbox_records": ("Poster i utkorgen", "Outbox records"),
    "web.col.outbox_bytes": ("Utkorgen (byte)", "Outbox (bytes)"),
    "web.col.online": ("Ansluten", "Online"),
    "web.col.flags": ("Varningar", "Warnings"),
    "web.col.event_time": ("Händelsens tid", "Event time"),
    "web.col.detected": ("Upptäckt", "Detected"),
    "web.col.key_blocked_since": (
        "Anmäld borttappad/spärrad",
        "Reported lost/blocked",
    ),
    "web.col.seq_from": ("Löpnr från", "Sequence from"),
    "web.col.seq_to": ("Löpnr till", "Sequence to"),
    "web.col.resolved": ("Löst", "Resolved"),
    "web.col.row": ("Rad", "Row"),
    "web.col.problem": ("Fel", "Problem"),
    # -- web pages: values ----------------------------------------------------------------------
    "web.key_state.active": ("aktiv", "active"),
    "web.key_state.blocked": ("spärrad", "blocked"),
    "web.key_state.lost": ("förlorad", "lost"),
    "web.key_state.retired": ("avvecklad", "retired"),
    "web.key_state.unregistered": ("ej registrerad", "not registered"),
    "web.problem.unregistered": ("ej registrerad i synk", "not registered in synk"),
    "web.problem.unlinked": (
        "kopplad till en medarbetare som slutat",
        "linked to a staff member who has left",
    ),
    "web.problem.never_synced": ("aldrig synkad", "never synced"),
    "web.problem.not_synced": ("inte synkad på länge", "not synced for too long"),
    "web.problem.blocked_in_use": (
        "spärrad men fortfarande använd",
        "blocked but still in use",
    ),
    "web.lock_type.customer": (
        "Brukarlås (dörr och nyckelgömma)",
        "Customer locks (door, key box)",
    ),
    "web.lock_type.all": ("Alla lås", "All locks"),
    "web.lock_type.customer_door": ("Brukardörr", "Customer door"),
    "web.lock_type.key_box": ("Nyckelgömma", "Key box"),
    "web.lock_type.building_entrance": ("Port", "Building entrance"),
    "web.lock_type.common_area": ("Gemensamt utrymme", "Common area"),
    "web.method.lock": ("digitalt lås", "digital lock"),
    "web.method.nfc": ("NFC", "NFC"),
    "web.method.manual": ("manuellt", "manually"),
    "web.event_kind.all": ("Alla händelser", "All events"),
    "web.event_kind.lock": ("Lås", "Lock"),
    "web.event_kind.station": ("Synkstation", "Sync station"),
    "web.outcome.OPENED": ("öppnat", "opened"),
    "web.outcome.NOT_IN_SET": ("nekad: ingen behörighet", "refused: no permission"),
    "web.outcome.EXPIRED": ("nekad: behörigheten har gått ut", "refused: permission expired"),
    "web.outcome.NOT_YET_VALID": ("nekad: behörigheten gäller inte än", "refused: not yet valid"),
    "web.outcome.BLOCKED": ("nekad: nyckeln är spärrad", "refused: key blocked"),
    "web.outcome.BAD_SET": ("nekad: ogiltig behörighet", "refused: invalid permission set"),
    "web.outcome.AUTH_FAILED": (
        "nekad: nyckeln kunde inte styrka sig",
        "refused: key failed to authenticate",
    ),
    "web.outcome.NO_SET": (
        "nekad: ingen behörighet på nyckeln",
        "refused: no permission set on key",
    ),
    "web.outcome.BLOCKLIST_UPDATED": ("spärrlistan uppdaterad", "blocklist updated"),
    "web.reason.SYNC_OK": ("synkad", "synced"),
    "web.reason.WRONG_CODE": ("fel kod", "wrong code"),
    "web.reason.LOCKED_OUT": ("låst efter för många fel koder", "locked out after wrong codes"),
    "web.reason.UNKNOWN_KEY": ("okänd nyckel", "unknown key"),
    "web.reason.KEY_BLOCKED": ("spärrad nyckel", "blocked key"),
    "web.reason.CACHE_EXPIRED": ("stationen offline för länge", "station offline too long"),
    "web.reason.KEY_AUTH_FAILED": ("nyckeln kunde inte styrka sig", "key failed to authenticate"),
    "web.reason.KEY_REMOVED": ("nyckeln drogs ut för tidigt", "key removed too early"),
    "web.reason.NO_SET_NOW": ("ingen behörighet för i dag", "no permission set for today"),
    "web.reason.BUNDLE_INSTALLED": ("nytt paket installerat", "new bundle installed"),
    "web.reason.BUNDLE_REJECTED": ("paket avvisat", "bundle rejected"),
    "web.reason.OUTBOX_FULL": ("utkorgen full", "outbox full"),
    "web.reason.BOOT": ("stationen startade", "station started"),
    "web.reason.SERVICE_COMMAND": ("servicekommando", "service command"),
    "web.reason.CACHE_DISCARDED": ("cachen rensad", "cache discarded"),
    "web.flag.outbox_full": ("utkorgen full", "outbox full"),
    "web.flag.cache_expired": ("tiden utan nät är slut", "offline time used up"),
    "web.flag.clock_not_set": ("klockan inte ställd", "clock not set"),
    "web.flag.outbox_index_reused": (
        "utkorgens nummer återanvänt (se Avvikelser)",
        "outbox number reused (see Anomalies)",
    ),
    "web.anomaly.forged_mac": (
        "förfalskad eller ändrad händelse (fel MAC)",
        "forged or altered event (bad MAC)",
    ),
    "web.anomaly.sequence_gap": (
        "saknade händelser (lucka i låsets löpnummer)",
        "missing events (gap in the lock's sequence)",
    ),
    "web.anomaly.sequence_reuse": (
        "två olika händelser med samma löpnummer",
        "two different events with one sequence number",
    ),
    "web.anomaly.unknown_lock": ("händelse från okänt lås", "event from an unknown lock"),
    "web.anomaly.lost_key": (
        "borttappad nyckel öppnade en dörr",
        "a lost key opened a door",
    ),
    "web.anomaly.blocked_key": ("händelse från spärrad nyckel", "event from a blocked key"),
    "web.anomaly.unknown_key": ("händelse från okänd nyckel", "event from an unknown key"),
    "web.anomaly.outbox_index_reused": (
        "två olika stationshändelser med samma nummer i utkorgen",
        "two different station events with one outbox number",
    ),
    "web.anomaly.opening_without_visit": (
        "öppning utan registrerat besök",
        "opening with no registered visit",
    ),
    # -- web pages: the six reports and the import ----------------------------------------------
    "web.keys.title": ("Nycklar per enhet", "Keys per unit"),
    "web.keys.lead": (
        "Månadskontrollen: är alla enhetens nycklar registrerade, kopplade till en medarbetare"
        " och synkade? Rader som behöver åtgärdas är markerade.",
        "The monthly check: are all the unit's keys registered, linked to a staff member and"
        " synced? Rows that need fixing are marked.",
    ),
    "web.keys.totals_title": ("Summor per enhet", "Totals per unit"),
    "web.keys.totals_note": (
        "Månadens kontroll i siffror: registrerade nycklar (ej avslutade), hur många av dem som"
        " är kopplade till en anställd medarbetare, aktiva nycklar och hur många av dem som"
        " synkats de senaste {days} dygnen, och okända nyckel-id som enhetens stationer mött.",
        "The monthly check as numbers: keys registered (not retired), how many of them are"
        " linked to a staff member still employed, active keys and how many of them synced in"
        " the last {days} days, and unknown key ids the unit's stations met.",
    ),
    "web.keys.list_title": ("Nycklarna", "The keys"),
    "web.col.keys_registered": ("Registrerade", "Registered"),
    "web.col.keys_linked": ("Kopplade till medarbetare", "Linked to staff"),
    "web.col.keys_linked_share": ("Andel kopplade", "Share linked"),
    "web.col.keys_active": ("Aktiva", "Active"),
    "web.col.keys_synced": ("Synkade nyligen", "Synced lately"),
    "web.col.keys_synced_share": ("Andel synkade", "Share synced"),
    "web.col.keys_unregistered": ("Okända nyckel-id", "Unknown key ids"),
    "web.keys.days": ("Inte synkad på (dygn)", "Not synced for (days)"),
    "web.keys.only_problems": ("Bara de som behöver åtgärdas", "Only those needing fixing"),
    "web.keys.note": (
        "En aktiv nyckel ska synkas minst en gång per dygn; här markeras den efter {days}"
        " dygn utan synk. Avvecklade nycklar visas bara om de används.",
        "An active key should sync at least once a day; here it is marked after {days} days"
        " without a sync. Retired keys are shown only when they are used.",
    ),
    "web.locks.title": ("Låsinstallationer", "Lock installations"),
    "web.locks.lead": (
        "Installerade lås per utförare och enhet, och larmgruppens monteringar och"
        " nedmonteringar per månad med halvårssnitt.",
        "Installed locks per provider and unit, and the alarm group's mounts and removals"
        " per month with half-year averages.",
    ),
    "web.locks.type": ("Låstyp", "Lock type"),
    "web.locks.at": ("Per dag", "As of"),
    "web.locks.from": ("Från månad", "From month"),
    "web.locks.to": ("Till månad", "To month"),
    "web.locks.installed": ("Installerade lås {at}", "Installed locks on {at}"),
    "web.locks.per_month": (
        "Monteringar och nedmonteringar {first} – {last}",
        "Mounts and removals {first} – {last}",
    ),
    "web.locks.common": ("Ej kopplat till kund", "Not mounted for a customer"),
    "web.locks.half1": ("Snitt jan–jun {year}", "Average Jan–Jun {year}"),
    "web.locks.half2": ("Snitt jul–dec {year}", "Average Jul–Dec {year}"),
    "web.locks.in_progress": ("{month} (pågår)", "{month} (in progress)"),
    "web.locks.half_note": (
        "Halvårssnittet är per månad, över halvårets månader inom det valda intervallet."
        " Innevarande månad är inte slut och räknas inte in i snittet.",
        "The half-year average is per month, over the half-year's months within the range."
        " The current month is not over and is left out of the average.",
    ),
    "web.locks.chart_title": ("Monteringar per månad", "Mounts per month"),
    "web.locks.chart_desc": (
        "Stapeldiagram: monteringar och nedmonteringar av lås per månad",
        "Bar chart: lock mounts and removals per month",
    ),
    "date.weekday.0": ("måndag", "Monday"),
    "date.weekday.1": ("tisdag", "Tuesday"),
    "date.weekday.2": ("onsdag", "Wednesday"),
    "date.weekday.3": ("torsdag", "Thursday"),
    "date.weekday.4": ("fredag", "Friday"),
    "date.weekday.5": ("lördag", "Saturday"),
    "date.weekday.6": ("söndag", "Sunday"),
    "date.month.1": ("januari", "January"),
    "date.month.2": ("februari", "February"),
    "date.month.3": ("mars", "March"),
    "date.month.4": ("april", "April"),
    "date.month.5": ("maj", "May"),
    "date.month.6": ("juni", "June"),
    "date.month.7": ("juli", "July"),
    "date.month.8": ("augusti", "August"),
    "date.month.9": ("september", "September"),
    "date.month.10": ("oktober", "October"),
    "date.month.11": ("november", "November"),
    "date.month.12": ("december", "December"),
    "web.sample.title": ("Centralt stickprov", "Central sample"),
    "web.sample.lead": (
        "Granskarens månadsuppföljning: 2–3 slumpvis valda brukare per utförare på"
        " stickprovsdagen, andel besök via digitalt lås och unika medarbetare som inte använde"
        " låset.",
        "The reviewer's monthly follow-up: 2–3 customers per provider drawn at random on the"
        " sample day, the share of visits opened with the digital lock and the distinct staff"
        " who did not use it.",
    ),
    "web.sample.count": ("Kunder per utförare", "Customers per provider"),
    "web.sample.drawn_by": ("Draget av", "Drawn by"),
    "web.sample.round": ("omdragning {round}: {reason}", "redraw {round}: {reason}"),
    "web.sample.not_due": (
        "Stickprovsdagen {day} har inte kommit än. Månadens stickprov dras en gång, när"
        " någon öppnar sidan den dagen eller senare, och visas sedan likadant för alla.",
        "The sample date {day} has not come yet. The month's sample is drawn once, when"
        " someone opens this page on that day or later, and is then shown the same to everyone.",
    ),
    "web.sample.redraw_title": ("Dra om stickprovet", "Draw the sample again"),
    "web.sample.redraw_note": (
        "Alla ser samma stickprov för månaden. En omdragning ersätter det för alla och loggas"
        " med ditt namn och skälet; de tidigare dragningarna står kvar i listan.",
        "Everyone sees the same sample for the month. A redraw replaces it for everyone and"
        " is logged with your name and the reason; the earlier draws stay in the list.",
    ),
    "web.sample.reason": ("Skäl till omdragningen", "Reason for the redraw"),
    "web.sample.redraw": ("Dra om", "Redraw"),
    "web.sample.history": ("Månadens dragningar", "The month's draws"),
    "web.sample.first": ("månadens dragning", "the month's draw"),
    "web.col.round": ("Dragning", "Draw"),
    "web.col.drawn_by": ("Dragen av", "Drawn by"),
    "web.col.drawn_at": ("Tid", "Time"),
    "web.col.reason": ("Skäl", "Reason"),
    "web.sample.moved": (
        "{reasons}: stickprovsdagen blir {weekday} {date}, närmast följande vardag",
        "{reasons}: the sample date is {weekday} {date}, the next working day",
    ),
    "web.sample.why_weekend": ("{date} är en {weekday}", "{date} is a {weekday}"),
    "web.sample.why_holiday": ("{date} är {holiday}", "{date} is {holiday}"),
    "web.sample.date": ("{day} {month}", "{day} {month}"),
    "web.sample.candidates": ("Brukare att välja bland", "Customers to draw from"),
    "web.sample.no_candidates": (
        "inga: importera besöken för dagen",
        "none: import the day's visits",
    ),
    "web.sample.rule": (
        "Stickprovsdatum: den 15:e, eller närmast följande vardag (inte lördag, söndag, röd"
        " dag, midsommarafton, julafton eller nyårsafton). Brukare som hade ett brukarlås och"
        " minst ett registrerat besök den dagen lottas en gång per månad, spritt över"
        " utförarens enheter, med ett slumptal för urvalet som sparas: alla ser samma urval"
        " (en enhetschef de brukare i urvalet som hör till enheten). Ett besök räknas som"
        " öppnat med låset när en nyckel till besökets"
        " medarbetare öppnade brukarens lås från 15 minuter före start till slut.",
        "Sample date: the 15th, or the next working day (not a Saturday, Sunday, public"
        " holiday, Midsummer Eve, Christmas Eve or New Year's Eve). Customers with a customer"
        " lock and at least one registered visit that day are drawn once a month, spread over"
        " the provider's units, with a random number for the draw, which is stored: everyone"
        " sees the same draw (a unit manager the customers of the draw in their unit). A visit"
        " counts as opened with the lock when a key of the"
        " visit's staff member opened the customer's lock from 15 minutes before its start to"
        " its end.",
    ),
    "web.sample.customers": ("Utvalda brukare", "Customers drawn"),
    "web.sample.provider_total": (
        "Utföraren: {count} utvalda brukare",
        "The provider: {count} customers drawn",
    ),
    "web.sample.scoped": (
        "Sidan visar bara din enhet, {unit}: de utvalda brukare som hör till den, och"
        " utförarens summa över dem. Granskaren ser hela urvalet.",
        "This page shows your unit only, {unit}: the customers drawn who belong to it, and"
        " the provider's sum over them. The reviewer sees the whole draw.",
    ),
    "web.sample.visits": ("Besöken på stickprovsdagen", "The visits on the sample day"),
    "web.sample.chart_title": (
        "Andel besök öppnade med digitalt lås per utförare och månad",
        "Share of visits opened with the digital lock per provider and month",
    ),
    "web.sample.chart_desc": (
        "Linjediagram: procent av besöken som öppnades med låset, per utförare och månad",
        "Line chart: percent of visits opened with the lock, per provider and month",
    ),
    "web.sample.no_visits": (
        "Inga importerade besök de senaste sex månaderna.",
        "No visits imported for the last six months.",
    ),
    "web.activity.title": ("Aktivitetslogg", "Activity log"),
    "web.activity.lead": (
        "Lås- och nyckelhändelser: sök på medarbetare (namn eller id), nyckel, kund, lås och"
        " tid. Nyast först.",
        "Lock and key events: search by staff member (name or id), key, customer, lock and"
        " time. Newest first.",
    ),
    "web.activity.showing": (
        "Rad {first}–{last} av {total}",
        "Rows {first}–{last} of {total}",
    ),
    "web.activity.unit": ("Enhetens logg", "The unit's log"),
    "web.activity.all_units": ("Alla enheter", "All units"),
    "web.activity.recorded": (
        "Varje sökning i loggen sparas: vem som sökte, på vad och när.",
        "Every search of the log is recorded: who searched, for what and when.",
    ),
    "web.grants.title": ("Behörigheter till aktivitetsloggen", "Grants to the activity log"),
    "web.grants.lead": (
        "Chefen med personalansvar läser sin enhets aktivitetslogg. Någon annan läser den bara"
        " med en behörighet som enhetens chef beställer här: för vem, till och med vilken dag"
        " och varför.",
        "The manager with staff responsibility reads the unit's activity log. Anyone else"
        " reads it only with a grant the unit's manager orders here: for whom, until which"
        " day and why.",
    ),
    "web.grants.order": ("Beställ behörighet", "Order a grant"),
    "web.grants.grantee": ("Användarnamn", "User name"),
    "web.grants.until": ("Till och med", "Until and including"),
    "web.grants.reason": ("Skäl", "Reason"),
    "web.grants.unit": ("Enhet", "Unit"),
    "web.grants.ordered_by": ("Beställd av", "Ordered by"),
    "web.grants.ordered_at": ("Beställd", "Ordered"),
    "web.grants.state": ("Läge", "State"),
    "web.grants.active": ("gäller", "in force"),
    "web.grants.ended": ("avslutad {time} av {user}", "ended {time} by {user}"),
    "web.grants.expired": ("har gått ut", "expired"),
    "web.grants.end": ("Avsluta", "End"),
    "web.grants.ordered": (
        "{user} får läsa aktivitetsloggen till och med {day}.",
        "{user} may read the activity log until and including {day}.",
    ),
    "web.reads.title": ("Läsningar av aktivitetsloggen", "Reads of the activity log"),
    "web.reads.lead": (
        "Vem som har läst aktivitetsloggen, vad de sökte på och när (nyast först). Bara"
        " systemadministratören ser den här sidan.",
        "Who read the activity log, what they searched for and when (newest first). Only the"
        " system administrator sees this page.",
    ),
    "web.reads.user": ("Användare", "User"),
    "web.reads.role": ("Roll", "Role"),
    "web.reads.unit": ("Enhet", "Unit"),
    "web.reads.source": ("Var", "Where"),
    "web.reads.query": ("Sökning", "Search"),
    "web.reads.rows": ("Rader", "Rows"),
    "web.reads.time": ("Tid", "Time"),
    "web.reads.showing": (
        "Rad {first}–{last} av {total}",
        "Rows {first}–{last} of {total}",
    ),
    "web.stations.title": ("Synkstationernas hälsa", "Sync station health"),
    "web.stations.lead": (
        "Senaste kontakt, paketets ålder, hur många dygn stationen klarar sig offline och"
        " utkorgens storlek. Stationer med under {days} dygns marginal är markerade.",
        "Last contact, bundle age, how many days the station can still work offline and the"
        " outbox depth. Stations with under {days} days of margin are marked.",
    ),
    "web.stations.low": (
        "av {total} stationer har under {days} dygns marginal",
        "of {total} stations have under {days} days of margin",
    ),
    "web.anomalies.title": ("Avvikelser", "Anomalies"),
    "web.anomalies.lead": (
        "Förfalskade eller saknade låshändelser, händelser från spärrade nycklar och"
        " låsöppningar utan registrerat besök.",
        "Forged or missing lock events, events from blocked keys, and lock openings with no"
        " registered visit.",
    ),
    "web.anomalies.all": ("Alla avvikelser", "All anomalies"),
    "web.anomalies.open_only": ("Bara olösta", "Only unresolved"),
    "web.anomalies.stored": ("avvikelser i uppladdningarna", "anomalies in the uploads"),
    "web.anomalies.openings_note": (
        "Öppningar utan besök bedöms bara för dagar då utförarens besök har importerats.",
        "Openings without a visit are judged only on days whose visits have been imported.",
    ),
    "web.anomalies.openings_hidden": (
        "Öppningar utan besök visas för roller som får se besök och kunder.",
        "Openings without a visit are shown to roles that may see visits and customers.",
    ),
    "web.visits.title": ("Import av besöksregistreringar", "Visit registration import"),
    "web.visits.lead": (
        "Läs in exporten från tid- och insatsregistreringen. Rader med fel visas med"
        " radnummer; övriga rader sparas. Samma fil två gånger ändrar ingenting.",
        "Load the export of the time-and-effort registration. Rows with errors are listed by"
        " row number; the others are stored. The same file twice changes nothing.",
    ),
    "web.visits.file": ("CSV-fil", "CSV file"),
    "web.visits.import": ("Importera", "Import"),
    "web.visits.result": ("Resultat för {name}", "Result for {name}"),
    "web.visits.rows": ("rader", "rows"),
    "web.visits.added": ("nya besök", "visits added"),
    "web.visits.updated": ("rättade", "corrected"),
    "web.visits.unchanged": ("redan inlästa", "already stored"),
    "web.visits.refused": ("rader med fel", "rows refused"),
    "web.visits.format": ("Filens kolumner", "The file's columns"),
    "web.visits.column": ("Kolumn", "Column"),
    "web.visits.content": ("Innehåll", "Content"),
    "web.visits.col.customer_ref": (
        "Kundens pseudonyma referens, som i synk",
        "The customer's pseudonymous reference, as in synk",
    ),
    "web.visits.col.staff_ref": (
        "Medarbetarens id i synk, eller hela namnet (unikt hos kundens utförare)",
        "The staff member's synk id, or full name (unique at the customer's provider)",
    ),
    "web.visits.col.start": (
        "Besökets start, t.ex. 2026-03-16 08:05 (svensk tid)",
        "When the visit began, e.g. 2026-03-16 08:05 (Swedish time)",
    ),
    "web.visits.col.end": (
        "Besökets slut, efter start och högst 24 timmar senare",
        "When it ended, after the start and at most 24 hours later",
    ),
    "web.visits.col.registered_by": (
        "Hur besöket registrerades: lock (lås), nfc eller manual (manuell)",
        "How the visit was registered: lock, nfc or manual",
    ),
    "web.visits.format_note": (
        "Första raden är rubriker; ordningen är fri och andra kolumner ignoreras. Komma eller"
        " semikolon; UTF-8 (annars läses filen som Windows-1252). Ett besök känns igen på kund,"
        " medarbetare och start: en ny sluttid eller ett nytt registreringssätt rättar det.",
        "The first row holds the names; any order, other columns are ignored. Commas or"
        " semicolons; UTF-8 (else the file is read as Windows-1252). A visit is known by its"
        " customer, staff member and start: a new end or method corrects it.",
    ),
}

# The web pages' language settings: Swedish only, English only, or Swedish then English.
LANGUAGES = ("sv", "en", "both")
DEFAULT_LANGUAGE = "sv"


def text(key: str, **values: object) -> str:
    """ "svenska / English" for ``key`` with ``values`` filled in."""
    swedish, english = CATALOGUE[key]
    return f"{swedish.format(**values)} / {english.format(**values)}"
