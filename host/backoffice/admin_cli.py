"""``synk admin …``: the administrators' command line, a thin shell over the service layer.

Every command takes ``--site DIR`` (default ``$SYNK_SITE`` or ``./site``),
``--db URL``, ``--as USER`` (default: the administrator made at init) and
``--json``; they may stand before or after the area and verb. Output is a
table for people and JSON for scripts; secrets (codes, credentials, lock
secrets, passwords) are printed once, when they are made.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from host import csvfile
from host.backoffice import messages, retention, scale, site_export
from host.backoffice.errors import Invalid
from host.backoffice.reports import ActivityQuery, AnomalyQuery, SyncQuery
from host.backoffice.roles import USER_ROLES, Actor
from host.backoffice.service import KEY_STATES, LOCK_TYPES, PROVIDER_KINDS, BackOffice
from host.backoffice.site import Site, init_site, site_dir
from host.backoffice.station_config import CHOICES, CONFIG_FILE, SIGNATURE_FILE, ca_option
from host.backoffice.timeutil import parse_time
from host.secret_files import write_secret
from protocol import constants

t = messages.text
Row = dict[str, Any]
if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


@dataclass
class Context:
    office: BackOffice
    actor: Actor
    json: bool
    out: TextIO
    csv: str | None = None
    csv_dialect: str | None = None


Handler = Callable[[Context, argparse.Namespace], int]


# -- output -------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja/yes" if value else "nej/no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table(rows: Sequence[Row], out: TextIO) -> None:
    if not rows:
        print(t("cli.none"), file=out)
        return
    columns = list(rows[0])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip(), file=out)


def emit(ctx: Context, data: Row | Sequence[Row]) -> None:
    """CSV (a list, with ``--csv``), JSON, a table for a list, or ``name: value`` lines."""
    if ctx.csv is not None and not isinstance(data, dict):
        write_csv(Path(ctx.csv), data, ctx.csv_dialect)
        print(t("cli.rows", count=len(data)), file=sys.stderr if ctx.json else ctx.out)
        return
    if ctx.json:
        print(json.dumps(data, ensure_ascii=False, indent=2), file=ctx.out)
        return
    if not isinstance(data, dict):
        table(data, ctx.out)
        return
    nested = {k: v for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
    width = max(len(k) for k in data)
    for name, value in data.items():
        if name not in nested:
            print(f"{name.ljust(width)}  {_cell(value)}", file=ctx.out)
    for name, rows in nested.items():
        print(f"\n{name}:", file=ctx.out)
        table(rows, ctx.out)


def secret(ctx: Context, key: str, **values: Any) -> None:
    """A secret shown once; on stderr when the JSON output goes to a script."""
    print(t(key, **values), file=sys.stderr if ctx.json else ctx.out)


# The Swedish word of a column's code values: the catalogue prefix per column name.
SWEDISH_VALUES = {
    "role": "web.role",
    "state": "web.key_state",
    "type": "web.lock_type",
    "kind": "web.anomaly",
    "outcome": "web.outcome",
    "reason": "web.reason",
}
# In the plain export only: the same time in UTC, which the Swedish one shows as local time.
PLAIN_ONLY = ("time_utc",)


def write_csv(path: Path, rows: Sequence[Row], dialect: str | None = None) -> None:
    """CSV (``host.csvfile``) with a header row, empty for no rows; lists and dicts as JSON.

    Swedish by default: Swedish headers (``csv.col.*``) and the Swedish words of the codes
    (``SWEDISH_VALUES``); ``--csv-dialect plain`` keeps the English names and codes.
    """
    style = csvfile.dialect(dialect)
    plain = [{k: _csv_cell(v) for k, v in row.items()} for row in rows]
    if style.swedish:
        plain = [_swedish(row) for row in plain]
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(csvfile.records(plain, style))


def _swedish(row: Row) -> Row:
    swedish: Row = {}
    for name, value in row.items():
        if name in PLAIN_ONLY:
            continue
        header = messages.CATALOGUE.get(f"csv.col.{name}", (name, name))[0]
        prefix = SWEDISH_VALUES.get(name)
        if prefix and isinstance(value, str) and f"{prefix}.{value}" in messages.CATALOGUE:
            value = messages.CATALOGUE[f"{prefix}.{value}"][0]
        swedish[header] = value
    return swedish


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def report(ctx: Context, args: argparse.Namespace, rows: list[Row]) -> int:
    emit(ctx, rows)
    return 0


def _time(value: str | None) -> int | None:
    return parse_time(value) if value else None


# -- parser plumbing ----------------------------------------------------------------------------


def _common() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the area is not overwritten by the leaf's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--site", metavar="DIR", default=argparse.SUPPRESS, help=t("help.site"))
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=t("help.db"))
    common.add_argument(
        "--as", dest="as_user", metavar="USER", default=argparse.SUPPRESS, help=t("help.as")
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=t("help.json")
    )
    return common


COMMON = _common()


def _run(handler: Handler) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        site = Site.open(site_dir(getattr(args, "site", None)), getattr(args, "db", None))
        try:
            office = BackOffice(site)
            actor = office.actor_for(getattr(args, "as_user", None))
            ctx = Context(
                office,
                actor,
                getattr(args, "json", False),
                sys.stdout,
                getattr(args, "csv", None),
                getattr(args, "csv_dialect", None),
            )
            return handler(ctx, args)
        finally:
            site.close()

    return run


def _leaf(verbs: SubParsers, name: str, help_key: str, handler: Handler) -> argparse.ArgumentParser:
    parser = verbs.add_parser(name, parents=[COMMON], help=t(help_key))
    parser.set_defaults(func=_run(handler))
    if name == "list":
        _csv_options(parser)
    return parser


def _by_id(
    verbs: SubParsers, name: str, help_key: str, method: Callable[[BackOffice, Actor, int], Row]
) -> argparse.ArgumentParser:
    """A verb on one object, given by id, that prints what ``method`` returns."""
    parser = _leaf(verbs, name, help_key, lambda c, a: _emit0(c, method(c.office, c.actor, a.id)))
    parser.add_argument("id", type=int, help=t("help.id"))
    return parser


def _unit_list(
    verbs: SubParsers, method: Callable[[BackOffice, Actor, int | None], list[Row]]
) -> argparse.ArgumentParser:
    """A ``list`` verb with a ``--unit`` filter."""
    parser = _leaf(
        verbs, "list", "help.list", lambda c, a: _emit0(c, method(c.office, c.actor, a.unit))
    )
    parser.add_argument("--unit", type=int, help=t("help.unit"))
    return parser


def _area(areas: SubParsers, name: str, help_key: str) -> SubParsers:
    parser = areas.add_parser(name, parents=[COMMON], help=t(help_key))
    return parser.add_subparsers(dest="verb", required=True, metavar="VERB")


# -- init and settings --------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:
    directory = site_dir(getattr(args, "site", None))
    site, password = init_site(
        directory,
        url=getattr(args, "db", None),
        name=args.name,
        admin_username=args.admin_user,
        admin_password=args.password,
        code_iterations=args.code_iterations,
    )
    try:
        office = BackOffice(site)
        actor = office.actor_for(None)
        keys = office.list_authority_keys(actor)
        if getattr(args, "json", False):
            print(json.dumps({"site": str(directory), "admin": args.admin_user, "authority": keys}))
            print(t("cli.user_password", user=args.admin_user, password=password), file=sys.stderr)
        else:
            print(t("cli.site_created", site=directory, user=args.admin_user, password=password))
            for key in keys:
                print(t("cli.authority_key", key_id=key["key_id"], public_key=key["public_key"]))
    finally:
        site.close()
    return 0


def _register_init(areas: SubParsers) -> None:
    parser = areas.add_parser("init", parents=[COMMON], help=t("help.init"))
    parser.add_argument("--name", default="synk", help=t("help.name"))
    parser.add_argument("--admin-user", default="admin", help=t("help.admin_user"))
    parser.add_argument("--password", help=t("help.password"))
    parser.add_argument("--code-iterations", type=int, default=1000, help=t("help.iterations"))
    parser.set_defaults(func=_init)
    _leaf(
        areas, "settings", "help.settings", lambda c, a: _emit0(c, c.office.site_settings(c.actor))
    )


def _demo_scale(args: argparse.Namespace) -> int:
    """A new site at a municipality's size (``scale``): for trying the pages at volume."""
    directory = site_dir(getattr(args, "site", None))
    shape = scale.Shape(events=args.events, days=args.days, seed=args.seed)
    site, password = init_site(directory, url=getattr(args, "db", None), name=args.name)
    try:
        now = BackOffice(site).now()
        built = scale.build(site, shape, now)
    finally:
        site.close()
    summary = {
        "site": str(directory),
        "units": built.units,
        "keys": built.keys,
        "locks": built.locks,
        "events": built.events,
        "station_events": built.station_events,
        "load_s": round(built.load_s, 1),
        "events_per_s": round(built.events_per_s),
    }
    if getattr(args, "json", False):
        print(json.dumps(summary))
    else:
        print(t("cli.site_created", site=directory, user="admin", password=password))
        print(t("cli.demo_scale", **summary))
    managers = f"{scale.manager_name(1)} .. {scale.manager_name(built.units)}"
    print(
        t("cli.demo_scale_managers", users=managers, password=built.manager_password),
        file=sys.stderr if getattr(args, "json", False) else sys.stdout,
    )
    if getattr(args, "json", False):
        print(t("cli.user_password", user="admin", password=password), file=sys.stderr)
    return 0


def _register_demo_scale(areas: SubParsers) -> None:
    parser = areas.add_parser("demo-scale", parents=[COMMON], help=t("help.demo_scale"))
    parser.add_argument("--events", type=int, default=1_000_000, help=t("help.demo_events"))
    parser.add_argument("--days", type=int, default=365, help=t("help.demo_days"))
    parser.add_argument("--seed", type=int, default=13, help=t("help.demo_seed"))
    parser.add_argument("--name", default="synk", help=t("help.name"))
    parser.set_defaults(func=_demo_scale)


def _emit0(ctx: Context, data: Row | Sequence[Row]) -> int:
    emit(ctx, data)
    return 0


# -- authority and users ------------------------------------------------------------------------


def _register_authority(areas: SubParsers) -> None:
    verbs = _area(areas, "authority", "help.authority")
    _leaf(verbs, "list", "help.list", lambda c, a: _emit0(c, c.office.list_authority_keys(c.actor)))
    _leaf(
        verbs,
        "rotate",
        "help.authority_rotate",
        lambda c, a: _emit0(c, c.office.rotate_authority(c.actor)),
    )
    _leaf(
        verbs,
        "add",
        "help.authority_add",
        lambda c, a: _emit0(c, c.office.add_authority_key(c.actor)),
    )
    use = _leaf(
        verbs,
        "use",
        "help.authority_use",
        lambda c, a: _emit0(c, c.office.use_authority_key(c.actor, a.key_id)),
    )
    use.add_argument("key_id", help=t("help.id"))
    retire = _leaf(
        verbs,
        "retire",
        "help.authority_retire",
        lambda c, a: _emit0(c, c.office.retire_authority_key(c.actor, a.key_id)),
    )
    retire.add_argument("key_id", help=t("help.id"))


def _user_add(ctx: Context, args: argparse.Namespace) -> int:
    row, password = ctx.office.add_user(
        ctx.actor, args.username, args.role, args.unit, args.password
    )
    emit(ctx, row)
    if not args.password:
        secret(ctx, "cli.user_password", user=row["username"], password=password)
    return 0


def _user_password(ctx: Context, args: argparse.Namespace) -> int:
    row, password = ctx.office.set_password(ctx.actor, args.username, args.password)
    emit(ctx, row)
    if not args.password:
        secret(ctx, "cli.user_password", user=row["username"], password=password)
    return 0


def _register_users(areas: SubParsers) -> None:
    verbs = _area(areas, "user", "help.user")
    add = _leaf(verbs, "add", "help.add", _user_add)
    add.add_argument("username", help=t("help.name"))
    add.add_argument(
        "--role", required=True, choices=[r.value for r in USER_ROLES], help=t("help.role")
    )
    add.add_argument("--unit", type=int, help=t("help.unit"))
    add.add_argument("--password", help=t("help.password"))
    _leaf(verbs, "list", "help.list", lambda c, a: _emit0(c, c.office.list_users(c.actor)))
    password = _leaf(verbs, "password", "help.user_password", _user_password)
    password.add_argument("username", help=t("help.name"))
    password.add_argument("--password", help=t("help.password"))


# -- organisation ---------------------------------------------------------------------------------


def _register_org(areas: SubParsers) -> None:
    verbs = _area(areas, "provider", "help.provider_area")
    add = _leaf(
        verbs,
        "add",
        "help.add",
        lambda c, a: _emit0(c, c.office.add_provider(c.actor, a.name, a.kind)),
    )
    add.add_argument("name", help=t("help.name"))
    add.add_argument("--kind", required=True, choices=PROVIDER_KINDS, help=t("help.kind"))
    _leaf(verbs, "list", "help.list", lambda c, a: _emit0(c, c.office.list_providers(c.actor)))
    _by_id(verbs, "show", "help.show", BackOffice.show_provider)

    verbs = _area(areas, "unit", "help.unit_area")
    add = _leaf(
        verbs,
        "add",
        "help.add",
        lambda c, a: _emit0(c, c.office.add_unit(c.actor, a.provider, a.name)),
    )
    add.add_argument("name", help=t("help.name"))
    add.add_argument("--provider", type=int, required=True, help=t("help.provider"))
    _leaf(verbs, "list", "help.list", lambda c, a: _emit0(c, c.office.list_units(c.actor)))
    _by_id(verbs, "show", "help.show", BackOffice.show_unit)


def _station_add(ctx: Context, args: argparse.Namespace) -> int:
    name = args.name or f"station {args.id or ''}".strip()
    row, credential = ctx.office.add_station(ctx.actor, args.unit, name, args.id)
    emit(ctx, {**row, "credential": credential} if ctx.json else row)
    if not ctx.json:
        secret(ctx, "cli.station_credential", credential=credential)
    return 0


def _station_credential(ctx: Context, args: argparse.Namespace) -> int:
    credential = ctx.office.new_station_credential(ctx.actor, args.id)
    if ctx.json:
        emit(ctx, {"id": args.id, "credential": credential})
    else:
        secret(ctx, "cli.station_credential", credential=credential)
    return 0


def _station_config(ctx: Context, args: argparse.Namespace) -> int:
    options = {
        name: value
        for name, value in (
            ("wifi_ssid", args.wifi_ssid),
            ("wifi_password", args.wifi_password),
            ("nfc", args.nfc),
            ("board", args.board),
        )
        if value is not None
    }
    options.update(ca_option(args.ca))
    data, signature, _credential = ctx.office.station_config(
        ctx.actor, args.id, args.url, args.contact, args.credential, options
    )
    out = Path(args.out)
    for name, content in ((CONFIG_FILE, data), (SIGNATURE_FILE, signature)):
        path = out / name
        write_secret(path, content)  # the configuration holds the station's credential
        print(t("cli.written", path=path, size=len(content)), file=sys.stderr)
    if args.credential is None:
        print(t("cli.credential_replaced", id=args.id), file=sys.stderr)
    emit(ctx, {"station_id": args.id, "out": str(out), "new_credential": args.credential is None})
    return 0


def _register_stations(areas: SubParsers) -> None:
    verbs = _area(areas, "station", "help.station_area")
    add = _leaf(verbs, "add", "help.add", _station_add)
    add.add_argument("--unit", type=int, required=True, help=t("help.unit"))
    add.add_argument("--name", default="", help=t("help.name"))
    add.add_argument("--id", type=int, help=t("help.id"))
    _unit_list(verbs, BackOffice.list_stations)
    _by_id(verbs, "show", "help.show", BackOffice.show_station)
    cred = _leaf(verbs, "new-credential", "help.station_credential", _station_credential)
    cred.add_argument("id", type=int, help=t("help.id"))
    neighbours = _leaf(
        verbs,
        "neighbours",
        "help.station_neighbours",
        lambda c, a: _emit0(c, c.office.set_station_neighbours(c.actor, a.id, a.unit or [])),
    )
    neighbours.add_argument("id", type=int, help=t("help.id"))
    neighbours.add_argument("--unit", type=int, action="append", help=t("help.neighbour_unit"))
    config = _leaf(verbs, "config", "help.station_config", _station_config)
    config.add_argument("id", type=int, help=t("help.id"))
    config.add_argument("--url", required=True, help=t("help.backoffice_url"))
    config.add_argument("--contact", required=True, help=t("help.contact"))
    config.add_argument("--out", required=True, metavar="DIR", help=t("help.config_out"))
    config.add_argument("--credential", help=t("help.credential"))
    config.add_argument("--ca", metavar="FILE", help=t("help.ca"))
    config.add_argument("--wifi-ssid", help=t("help.wifi_ssid"))
    config.add_argument("--wifi-password", help=t("help.wifi_password"))
    config.add_argument("--nfc", choices=CHOICES["nfc"], help=t("help.nfc"))
    config.add_argument("--board", choices=CHOICES["board"], help=t("help.board"))


# -- staff and keys -----------------------------------------------------------------------------


def _staff_add(ctx: Context, args: argparse.Namespace) -> int:
    row, code = ctx.office.add_staff(ctx.actor, args.unit, args.name, args.code)
    emit(ctx, row)
    if args.code is None:
        secret(ctx, "cli.staff_code", name=row["name"], code=code)
    return 0


def _staff_code(ctx: Context, args: argparse.Namespace) -> int:
    code = ctx.office.set_staff_code(ctx.actor, args.id, args.code)
    if args.code is None:
        secret(ctx, "cli.staff_code", name=args.id, code=code)
    return 0


def _register_staff(areas: SubParsers) -> None:
    verbs = _area(areas, "staff", "help.staff_area")
    add = _leaf(verbs, "add", "help.add", _staff_add)
    add.add_argument("name", help=t("help.name"))
    add.add_argument("--unit", type=int, required=True, help=t("help.unit"))
    add.add_argument("--code", help=t("help.code"))
    _unit_list(verbs, BackOffice.list_staff)
    _by_id(verbs, "show", "help.show", BackOffice.show_staff)
    code = _leaf(verbs, "new-code", "help.staff_code", _staff_code)
    code.add_argument("id", type=int, help=t("help.id"))
    code.add_argument("--code", help=t("help.code"))
    deactivate = _leaf(
        verbs,
        "deactivate",
        "help.staff_deactivate",
        lambda c, a: _emit0(c, c.office.deactivate_staff(c.actor, a.id, a.reason)),
    )
    deactivate.add_argument("id", type=int, help=t("help.id"))
    deactivate.add_argument("--reason", default="", help=t("help.reason"))


def _hex(value: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise argparse.ArgumentTypeError(value) from None


def _secret(path: Path | None) -> bytes | None:
    """A key's pin secret from the file the enrolment wrote (hex), not from the command line,
    where other users could read it in the process list."""
    if path is None:
        return None
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        raise Invalid(
            "key.pin_secret", size=constants.PIN_SECRET_SIZE, digits=2 * constants.PIN_SECRET_SIZE
        ) from None


def _key_state(state: str) -> Handler:
    return lambda c, a: _emit0(c, c.office.set_key_state(c.actor, a.id, state, a.reason))


def _register_keys(areas: SubParsers) -> None:
    verbs = _area(areas, "key", "help.key_area")
    add = _leaf(
        verbs,
        "add",
        "help.add",
        lambda c, a: _emit0(
            c, c.office.add_key(c.actor, a.staff, a.public_key, a.id, _secret(a.pin_secret_file))
        ),
    )
    add.add_argument("--staff", type=int, required=True, help=t("help.staff"))
    add.add_argument("--public-key", type=_hex, required=True, help=t("help.public_key"))
    add.add_argument("--id", type=int, help=t("help.id"))
    add.add_argument("--pin-secret-file", type=Path, help=t("help.pin_secret_file"))
    again = _leaf(
        verbs,
        "pin-secret",
        "help.key_pin_secret",
        lambda c, a: _emit0(
            c, c.office.set_key_pin_secret(c.actor, a.id, _secret(a.pin_secret_file))
        ),
    )
    again.add_argument("id", type=int, help=t("help.id"))
    again.add_argument("--pin-secret-file", type=Path, help=t("help.pin_secret_file"))
    listing = _leaf(
        verbs,
        "list",
        "help.list",
        lambda c, a: _emit0(c, c.office.list_keys(c.actor, a.unit, a.state, a.staff)),
    )
    listing.add_argument("--unit", type=int, help=t("help.unit"))
    listing.add_argument("--state", choices=KEY_STATES, help=t("help.state"))
    listing.add_argument("--staff", type=int, help=t("help.staff"))
    _by_id(verbs, "show", "help.show", BackOffice.show_key)
    for verb, state, help_key in (
        ("lost", "lost", "help.key_lost"),
        ("block", "blocked", "help.key_block"),
        ("unblock", "active", "help.key_unblock"),
        ("retire", "retired", "help.key_retire"),
    ):
        change = _leaf(verbs, verb, help_key, _key_state(state))
        change.add_argument("id", type=int, help=t("help.id"))
        change.add_argument("--reason", default="", help=t("help.reason"))


# -- customers and locks ------------------------------------------------------------------------


def _lock_add(ctx: Context, args: argparse.Namespace) -> int:
    row, lock_secret = ctx.office.add_lock(ctx.actor, args.type, args.name, args.id, args.secret)
    emit(ctx, {**row, "secret": lock_secret.hex()} if ctx.json else row)
    if not ctx.json and args.secret is None:
        secret(ctx, "cli.lock_secret", secret=lock_secret.hex())
    return 0


def _register_locks(areas: SubParsers) -> None:
    verbs = _area(areas, "customer", "help.customer_area")
    add = _leaf(
        verbs,
        "add",
        "help.add",
        lambda c, a: _emit0(c, c.office.add_customer(c.actor, a.reference, a.unit)),
    )
    add.add_argument("reference", help=t("help.reference"))
    add.add_argument("--unit", type=int, required=True, help=t("help.unit"))
    _unit_list(verbs, BackOffice.list_customers)
    _by_id(verbs, "show", "help.show", BackOffice.show_customer)

    verbs = _area(areas, "lock", "help.lock_area")
    add = _leaf(verbs, "add", "help.add", _lock_add)
    add.add_argument("--type", required=True, choices=LOCK_TYPES, help=t("help.lock_type"))
    add.add_argument("--name", default="", help=t("help.name"))
    add.add_argument("--id", type=int, help=t("help.id"))
    add.add_argument("--secret", type=_hex, help=t("help.secret"))
    listing = _leaf(
        verbs,
        "list",
        "help.list",
        lambda c, a: _emit0(c, c.office.list_locks(c.actor, a.unit, a.installed)),
    )
    listing.add_argument("--unit", type=int, help=t("help.unit"))
    listing.add_argument("--installed", action=argparse.BooleanOptionalAction, default=None)
    _by_id(verbs, "show", "help.show", BackOffice.show_lock)
    install = _leaf(
        verbs,
        "install",
        "help.lock_install",
        lambda c, a: _emit0(c, c.office.install_lock(c.actor, a.id, a.address, a.customer)),
    )
    install.add_argument("id", type=int, help=t("help.id"))
    install.add_argument("--address", required=True, help=t("help.address"))
    install.add_argument("--customer", type=int, help=t("help.customer"))
    _by_id(verbs, "remove", "help.lock_remove", BackOffice.remove_lock)


# -- grants -------------------------------------------------------------------------------------


def _register_grants(areas: SubParsers) -> None:
    verbs = _area(areas, "grant", "help.grant_area")
    unit = _leaf(
        verbs,
        "unit",
        "help.grant_unit",
        lambda c, a: _emit0(c, c.office.grant_unit(c.actor, a.unit, a.lock)),
    )
    unit.add_argument("--unit", type=int, required=True, help=t("help.unit"))
    unit.add_argument("--lock", type=int, nargs="+", required=True, help=t("help.lock"))
    personal = _leaf(
        verbs,
        "personal",
        "help.grant_personal",
        lambda c, a: _emit0(
            c, c.office.grant_personal(c.actor, a.staff, a.lock, parse_time(a.until))
        ),
    )
    personal.add_argument("--staff", type=int, required=True, help=t("help.staff"))
    personal.add_argument("--lock", type=int, required=True, help=t("help.lock"))
    personal.add_argument("--until", required=True, help=t("help.grant_until"))
    listing = _leaf(
        verbs,
        "list",
        "help.list",
        lambda c, a: _emit0(c, c.office.list_grants(c.actor, a.unit, a.staff, a.lock, a.all)),
    )
    listing.add_argument("--unit", type=int, help=t("help.unit"))
    listing.add_argument("--staff", type=int, help=t("help.staff"))
    listing.add_argument("--lock", type=int, help=t("help.lock"))
    listing.add_argument("--all", action="store_true", help=t("help.grant_all"))
    _by_id(verbs, "revoke", "help.grant_revoke", BackOffice.revoke_grant)


# -- reports ------------------------------------------------------------------------------------


def _activity(ctx: Context, args: argparse.Namespace) -> int:
    query = ActivityQuery(
        staff_id=args.staff,
        key_id=args.key,
        lock_id=args.lock,
        customer_id=args.customer,
        since=_time(args.since),
        until=_time(args.until),
        limit=args.limit,
    )
    return report(ctx, args, ctx.office.search_activity(ctx.actor, query))


def _anomalies(ctx: Context, args: argparse.Namespace) -> int:
    query = AnomalyQuery(
        kind=args.kind,
        lock_id=args.lock,
        key_id=args.key,
        since=_time(args.since),
        until=_time(args.until),
        open_only=args.open,
        limit=args.limit,
    )
    return report(ctx, args, ctx.office.list_anomalies(ctx.actor, query))


def _syncs(ctx: Context, args: argparse.Namespace) -> int:
    query = SyncQuery(
        station_id=args.station,
        key_id=args.key,
        since=_time(args.since),
        until=_time(args.until),
        limit=args.limit,
    )
    return report(ctx, args, ctx.office.list_sync_events(ctx.actor, query))


def _csv_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv", metavar="FILE", help=t("help.csv"))
    parser.add_argument("--csv-dialect", choices=csvfile.DIALECTS, help=t("help.csv_dialect"))


def _time_options(parser: argparse.ArgumentParser, csv_option: bool = True) -> None:
    parser.add_argument("--since", help=t("help.since"))
    parser.add_argument("--until", help=t("help.until"))
    parser.add_argument("--limit", type=int, help=t("help.limit"))
    if csv_option:  # a ``list`` verb has it already
        _csv_options(parser)


def _register_reports(areas: SubParsers) -> None:
    activity = _leaf(areas, "activity", "help.activity", _activity)
    activity.add_argument("--staff", type=int, help=t("help.staff"))
    activity.add_argument("--key", type=int, help=t("help.key"))
    activity.add_argument("--lock", type=int, help=t("help.lock"))
    activity.add_argument("--customer", type=int, help=t("help.customer"))
    _time_options(activity)

    verbs = _area(areas, "anomaly", "help.anomaly")
    anomalies = _leaf(verbs, "list", "help.list", _anomalies)
    anomalies.add_argument("--kind", help=t("help.kind"))
    anomalies.add_argument("--lock", type=int, help=t("help.lock"))
    anomalies.add_argument("--key", type=int, help=t("help.key"))
    anomalies.add_argument("--open", action="store_true", help=t("help.open"))
    _time_options(anomalies, csv_option=False)

    syncs = _leaf(areas, "syncs", "help.syncs", _syncs)
    syncs.add_argument("--station", type=int, help=t("help.station"))
    syncs.add_argument("--key", type=int, help=t("help.key"))
    _time_options(syncs)

    reads = _leaf(
        areas,
        "activity-reads",
        "help.activity_reads",
        lambda c, a: _emit0(c, c.office.access.reads(c.actor, a.user, 0, a.limit)[0]),
    )
    reads.add_argument("--user", help=t("help.name"))
    reads.add_argument("--limit", type=int, default=100, help=t("help.limit"))

    changes = _leaf(
        areas,
        "changes",
        "help.changes",
        lambda c, a: _emit0(c, c.office.list_changes(c.actor, a.limit)),
    )
    changes.add_argument("--limit", type=int, default=100, help=t("help.limit"))


# -- visit registrations ------------------------------------------------------------------------


def _visits_import(ctx: Context, args: argparse.Namespace) -> int:
    """Import a time-and-effort export; exit status 2 when some rows were refused."""
    from host.backoffice.followup.service import FollowUp

    path = Path(args.file)
    result = FollowUp(ctx.office).import_visits_csv(ctx.actor, path.read_bytes(), path.name)
    if ctx.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2), file=ctx.out)
    else:
        print(
            t(
                "cli.visits_imported",
                rows=result.rows,
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
                refused=len(result.errors),
            ),
            file=ctx.out,
        )
        for error in result.errors:
            print(f"{t('cli.visits_row', row=error.row)}: {error.message}", file=ctx.out)
    return 2 if result.errors else 0


def _register_visits(areas: SubParsers) -> None:
    verbs = _area(areas, "visits", "help.visits")
    command = _leaf(verbs, "import", "help.visits_import", _visits_import)
    command.add_argument("file", metavar="FILE", help=t("help.visits_file"))


# -- signed objects -----------------------------------------------------------------------------


def _bundle(ctx: Context, args: argparse.Namespace) -> int:
    if args.all:
        serials = ctx.office.refresh_bundles(ctx.actor, args.workers)
        emit(ctx, [{"station_id": s, "serial": n} for s, n in sorted(serials.items())])
        return 0
    if args.station is None or args.out is None:
        raise argparse.ArgumentTypeError("--station and --out, or --all")
    bundle = ctx.office.export_bundle(ctx.actor, args.station)
    write_secret(Path(args.out), bundle.data)  # every code verifier of the unit
    print(t("cli.written", path=args.out, size=len(bundle.data)), file=sys.stderr)
    emit(ctx, {"station_id": args.station, "serial": bundle.serial, "size": len(bundle.data)})
    return 0


def _service_token(ctx: Context, args: argparse.Namespace) -> int:
    token = ctx.office.issue_service_token(
        ctx.actor, args.station, args.technician, args.allow.split(","), args.hours
    )
    write_secret(Path(args.out), token)
    print(t("cli.written", path=args.out, size=len(token)), file=sys.stderr)
    return 0


def _register_signed(areas: SubParsers) -> None:
    _leaf(
        areas,
        "blocklist",
        "help.blocklist",
        lambda c, a: _emit0(c, c.office.current_blocklist(c.actor)),
    )
    bundle = _leaf(areas, "bundle", "help.bundle", _bundle)
    bundle.add_argument("--station", type=int, help=t("help.station"))
    bundle.add_argument("--out", metavar="FILE", help=t("help.out"))
    bundle.add_argument("--all", action="store_true", help=t("help.bundle_all"))
    bundle.add_argument("--workers", type=int, default=1, help=t("help.workers"))
    token = _leaf(areas, "service-token", "help.token", _service_token)
    token.add_argument("--station", type=int, required=True, help=t("help.token_station"))
    token.add_argument("--technician", required=True, help=t("help.technician"))
    token.add_argument("--allow", required=True, help=t("help.allow"))
    token.add_argument("--hours", type=float, default=8.0, help=t("help.hours"))
    token.add_argument("--out", required=True, metavar="FILE", help=t("help.out"))


# -- data kept, deleted and exported by rule -----------------------------------------------------


def _retention_set(ctx: Context, args: argparse.Namespace) -> int:
    retention.set_keep_days(ctx.office.site, ctx.actor, args.kind, args.days, ctx.office.now())
    return _emit0(ctx, retention.settings(ctx.office.site, ctx.actor))


def _purge(ctx: Context, args: argparse.Namespace) -> int:
    done = retention.purge(ctx.office.site, ctx.office.now(), ctx.actor, batch=args.batch)
    return _emit0(ctx, [dataclasses.asdict(p) for p in done])


def _export(ctx: Context, args: argparse.Namespace) -> int:
    manifest = site_export.export_site(ctx.office.site, Path(args.folder), ctx.office.now())
    print(t("cli.exported", folder=args.folder), file=sys.stderr)
    return _emit0(ctx, [{k: e[k] for k in ("name", "rows", "file")} for e in manifest["tables"]])


def _import(args: argparse.Namespace) -> int:
    directory = site_dir(getattr(args, "site", None))
    site = site_export.import_site(Path(args.folder), directory, getattr(args, "db", None))
    site.close()
    print(t("cli.imported", folder=args.folder, site=directory))
    return 0


def _register_data(areas: SubParsers) -> None:
    verbs = _area(areas, "data", "help.data")
    _leaf(
        verbs,
        "retention",
        "help.retention",
        lambda c, a: _emit0(c, retention.settings(c.office.site, c.actor)),
    )
    kept = _leaf(verbs, "retention-set", "help.retention_set", _retention_set)
    kept.add_argument("kind", choices=list(retention.KINDS), help=t("help.retention_kind"))
    kept.add_argument("days", type=int, help=t("help.retention_days"))
    purge = _leaf(verbs, "purge", "help.purge", _purge)
    purge.add_argument("--batch", type=int, default=5000, help=t("help.purge_batch"))
    export = _leaf(verbs, "export", "help.export", _export)
    export.add_argument("folder", metavar="FOLDER", help=t("help.export_folder"))
    imported = verbs.add_parser("import", parents=[COMMON], help=t("help.import"))
    imported.add_argument("folder", metavar="FOLDER", help=t("help.export_folder"))
    imported.set_defaults(func=_import)


def register(commands: SubParsers) -> None:
    """Add ``admin`` and its areas to the ``synk`` command."""
    admin = commands.add_parser(
        "admin",
        parents=[COMMON],
        help=t("help.admin"),
        description=t("help.admin"),
        epilog=t("help.admin_epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    areas = admin.add_subparsers(dest="area", required=True, metavar="AREA")
    _register_init(areas)
    _register_demo_scale(areas)
    _register_authority(areas)
    _register_users(areas)
    _register_org(areas)
    _register_stations(areas)
    _register_staff(areas)
    _register_keys(areas)
    _register_locks(areas)
    _register_grants(areas)
    _register_reports(areas)
    _register_visits(areas)
    _register_signed(areas)
    _register_data(areas)
