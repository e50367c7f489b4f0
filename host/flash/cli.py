"""``synk flash provision|build|deploy``: the technician's commands around a station image.

- ``provision``: registers the station in the back office (``--site``, ``--as``
  as for ``synk admin``) and writes its signed station.json + station.sig
  (owner-only) to ``--out``; ``--dry-run`` shows what it would do and changes
  nothing.
- ``build``: the image for ``--board`` from firmware/, hw/ and the
  configuration in ``--config``, written to ``--out`` with its manifest; in
  the board's form (ROMFS where the board's firmware has a ROM partition,
  host.flash.boards) unless ``--form folder`` asks for the .mpy files on the
  file system (a stock firmware without ROMFS).
- ``deploy``: the image in ``--image`` onto the board at ``--port`` (default
  auto), every file read back and compared (one the board already holds byte
  for byte is not copied again); ``--dry-run`` prints every step
  with its mpremote command and needs no board.

Errors print "svenska / English" on stderr; exit status 1 for a failed step
on the board, 2 for a refused value or image, 3 for something not found.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from host.backoffice.service import BackOffice
from host.backoffice.site import Site, site_dir
from host.flash import config_files, provision
from host.flash.boards import BOARDS, FORMS
from host.flash.deploy import deploy
from host.flash.errors import INVALID, FlashError
from host.flash.image import build_image, load_image, write_image
from host.flash.messages import block, pair
from host.flash.messages import text as t
from host.flash.mpremote import AUTO, Mpremote
from host.station_config import read_ca_file

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

Handler = Callable[[argparse.Namespace], int]


def _guarded(handler: Handler) -> Handler:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except FlashError as err:
            print(f"synk: {err.text}", file=sys.stderr)
            return err.status

    return run


def _emit(args: argparse.Namespace, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))


# -- provision ----------------------------------------------------------------------------------


def _request(args: argparse.Namespace) -> provision.Request:
    return provision.Request(
        board=args.board,
        backoffice_url=args.url,
        support_contact=args.contact,
        unit_id=args.unit,
        station_id=args.station,
        name=args.name,
        nfc=args.nfc,
        wifi_ssid=args.wifi_ssid,
        wifi_password=args.wifi_password,
        backoffice_ca=_ca_field(args.ca),
    )


def _ca_field(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return read_ca_file(path)
    except (OSError, ValueError) as exc:
        raise FlashError("provision.bad_ca", INVALID, path=path, reason=str(exc)) from None


def _provision(args: argparse.Namespace) -> int:
    request = _request(args)
    out = Path(args.out)
    say = sys.stderr if args.json else sys.stdout
    site = Site.open(site_dir(args.site), args.db)
    try:
        office = BackOffice(site)
        actor = office.actor_for(args.as_user)
        steps = provision.plan(office, actor, request)
        if args.dry_run:
            print(t("provision.dry_run"), file=say)
            station, unit = steps.station_id, steps.unit_id
            if not steps.create:
                print(t("provision.plan_existing", station=station, unit=unit), file=say)
            elif station is None:
                print(t("provision.plan_new_id", name=steps.name, unit=unit), file=say)
            else:
                print(
                    t("provision.plan_new", station=station, name=steps.name, unit=unit), file=say
                )
            print(t("provision.plan_keys", keys=", ".join(steps.authority_key_ids)), file=say)
            for name in config_files.NAMES:
                print(t("provision.plan_write", path=out / name), file=say)
            _emit(args, {"dry_run": True, **vars(steps)})
            return 0
        done = provision.provision(office, actor, request)
    finally:
        site.close()
    config_files.write_config(out, done.files)
    print(t("provision.done", station=done.station_id, unit=done.unit_id, path=out), file=say)
    _emit(
        args,
        {
            "station_id": done.station_id,
            "unit_id": done.unit_id,
            "created": done.created,
            "out": str(out),
        },
    )
    return 0


# -- build --------------------------------------------------------------------------------------


def _build(args: argparse.Namespace) -> int:
    config = config_files.read_config(Path(args.config))
    image = build_image(args.board, config, form=args.form)
    out = Path(args.out)
    write_image(image, out)
    say = sys.stderr if args.json else sys.stdout
    print(
        t(
            "build.done",
            board=image.board.title,
            path=out,
            files=len(image.files),
            kib=image.footprint // 1024,
            budget=image.board.image_budget // 1024,
        ),
        file=say,
    )
    if image.romfs:
        print(
            t(
                "build.romfs",
                kib=-(-len(image.romfs) // 1024),
                partition=image.board.romfs_bytes // 1024,
                firmware=image.board.firmware_title,
                build=image.board.build,
            ),
            file=say,
        )
    for excluded in image.excluded:
        sv, en = pair(f"build.reason.{excluded.reason}")
        print(t("build.excluded", source=excluded.source, reason_sv=sv, reason_en=en), file=say)
    if "firmware/boot.py" in image.missing:
        print(t("build.missing_boot"), file=say)
    if "firmware/main.py" in image.missing:
        print(t("build.missing_main"), file=sys.stderr)
    _emit(args, {"image": str(out), **image.manifest()})
    return 0


# -- deploy -------------------------------------------------------------------------------------


def _deploy(args: argparse.Namespace) -> int:
    image = load_image(Path(args.image))
    progress = sys.stderr if args.json else sys.stdout
    report = deploy(image, Mpremote(args.port), progress, dry_run=args.dry_run)
    if args.json and not args.dry_run:
        print(
            json.dumps(
                {"copied": report.copied, "retried": report.retried, "removed": report.removed}
            )
        )
    return 0


# -- parsers ------------------------------------------------------------------------------------


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="DIR", help=t("help.site"))
    parser.add_argument("--db", metavar="URL", help=t("help.db"))
    parser.add_argument("--as", dest="as_user", metavar="USER", help=t("help.as"))


def register(commands: SubParsers) -> None:
    """Add ``flash`` and its verbs to the ``synk`` command."""
    flash = commands.add_parser(
        "flash",
        help=t("help.flash"),
        description=t("help.flash"),
        epilog=block("help.flash_epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = flash.add_subparsers(dest="verb", required=True, metavar="VERB")
    boards = sorted(BOARDS)

    prov = verbs.add_parser("provision", help=t("help.provision"))
    prov.add_argument("--board", required=True, choices=boards, help=t("help.board"))
    prov.add_argument("--unit", type=int, help=t("help.unit"))
    prov.add_argument("--station", type=int, help=t("help.station"))
    prov.add_argument("--name", help=t("help.name"))
    prov.add_argument("--url", required=True, help=t("help.url"))
    prov.add_argument("--contact", required=True, help=t("help.contact"))
    prov.add_argument("--nfc", default="uart", choices=provision.NFC_CHOICES, help=t("help.nfc"))
    prov.add_argument("--ca", metavar="FILE", help=t("help.ca"))
    prov.add_argument("--wifi-ssid", help=t("help.wifi_ssid"))
    prov.add_argument("--wifi-password", help=t("help.wifi_password"))
    prov.add_argument("--out", required=True, metavar="DIR", help=t("help.config_out"))
    prov.add_argument("--dry-run", action="store_true", help=t("help.dry_run"))
    prov.add_argument("--json", action="store_true", help=t("help.json"))
    _site_options(prov)
    prov.set_defaults(func=_guarded(_provision))

    build = verbs.add_parser("build", help=t("help.build"))
    build.add_argument("--board", required=True, choices=boards, help=t("help.board"))
    build.add_argument("--config", required=True, metavar="DIR", help=t("help.config"))
    build.add_argument("--out", required=True, metavar="DIR", help=t("help.image_out"))
    build.add_argument("--form", choices=FORMS, help=t("help.form"))
    build.add_argument("--json", action="store_true", help=t("help.json"))
    build.set_defaults(func=_guarded(_build))

    dep = verbs.add_parser("deploy", help=t("help.deploy"))
    dep.add_argument("--image", required=True, metavar="DIR", help=t("help.image"))
    dep.add_argument("--port", default=AUTO, help=t("help.port"))
    dep.add_argument("--dry-run", action="store_true", help=t("help.dry_run"))
    dep.add_argument("--json", action="store_true", help=t("help.json"))
    dep.set_defaults(func=_guarded(_deploy))
