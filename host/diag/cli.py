"""``synk diag …``: the technician's diagnostics over USB serial, registered in host/cli.py.

Every command takes ``--port`` (a device path or a pyserial URL; default
``$SYNK_PORT``), ``--json``, ``--timeout``, ``--retries``, ``--baud``,
``--device`` and ``--verbose``, before or after the verb. Output is readable
text by default, ``--json`` for scripts (with the link's counters under
``link``), and ``--csv`` for the lists. Errors go to stderr in Swedish and
English; the exit statuses are those of host/diag/errors.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from host.diag import commands
from host.diag.errors import DiagError
from host.diag.messages import text
from host.diag.output import Report, local_time, to_csv, to_json
from host.diag.session import Options, Session

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

PORT_ENV = "SYNK_PORT"
SessionHandler = Callable[[Session, argparse.Namespace], Report]


def _common() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the verb is not overwritten by the verb's default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--port", default=argparse.SUPPRESS, help=text("help.port"))
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=text("help.json")
    )
    common.add_argument(
        "--timeout", type=float, metavar="S", default=argparse.SUPPRESS, help=text("help.timeout")
    )
    common.add_argument(
        "--retries", type=int, metavar="N", default=argparse.SUPPRESS, help=text("help.retries")
    )
    common.add_argument("--baud", type=int, default=argparse.SUPPRESS, help=text("help.baud"))
    common.add_argument(
        "--device",
        choices=("auto", "station", "reader"),
        default=argparse.SUPPRESS,
        help=text("help.device"),
    )
    common.add_argument(
        "--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=text("help.verbose")
    )
    return common


COMMON = _common()


def options(args: argparse.Namespace) -> Options:
    retries = getattr(args, "retries", 3)
    if retries < 0:
        raise argparse.ArgumentTypeError("--retries >= 0")
    timeout = getattr(args, "timeout", None)
    if timeout is not None and timeout <= 0:
        raise argparse.ArgumentTypeError("--timeout > 0")
    return Options(
        port=getattr(args, "port", None) or os.environ.get(PORT_ENV),
        baud=getattr(args, "baud", 115200),
        timeout=timeout,
        retries=retries,
        expect=getattr(args, "device", "auto"),
        verbose=getattr(args, "verbose", False),
    )


# -- output -------------------------------------------------------------------------------------


def _target(args: argparse.Namespace) -> tuple[TextIO, bool]:
    out = getattr(args, "out", None)
    if out is None:
        return sys.stdout, False
    return open(out, "w", encoding="utf-8", newline=""), True  # closed by emit


def emit(report: Report, args: argparse.Namespace, link: dict[str, int] | None = None) -> None:
    """The report as JSON, CSV (lists, with ``--csv``) or text."""
    out, close = _target(args)
    try:
        if getattr(args, "json", False):
            data = dict(report.data)
            if link is not None:
                data["link"] = link
            print(to_json(data), file=out)
        elif getattr(args, "csv", False) and report.rows is not None:
            out.write(to_csv(report.rows))
        else:
            for line in report.lines:
                print(line, file=out)
    finally:
        if close:
            out.close()


def _fail(err: DiagError) -> int:
    print(f"synk diag: {err.text}", file=sys.stderr)
    return err.exit_status


def _with_session(handler: SessionHandler) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            with Session(options(args)) as session:
                report = handler(session, args)
                counters = session.link.counters.as_dict() if session.opened else None
                emit(report, args, counters)
                return report.exit_status
        except DiagError as err:
            return _fail(err)
        except KeyboardInterrupt:
            return 130  # Ctrl-C, as a shell reports it

    return run


def _without_session(
    handler: Callable[[argparse.Namespace], Report],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            report = handler(args)
        except DiagError as err:
            return _fail(err)
        emit(report, args)
        return report.exit_status

    return run


# -- the verbs ----------------------------------------------------------------------------------


def _log(session: Session, args: argparse.Namespace) -> Report:
    if not args.follow:
        return commands.log(session, args.from_seq, args.lines)
    first = commands.log(session, args.from_seq, 20 if args.lines is None else args.lines)
    emit(first, args)
    as_json = getattr(args, "json", False)

    def show(rows: list[dict[str, Any]], lost: int) -> None:
        if lost:
            print(text("word.lines_lost", lost=lost), file=sys.stderr)
        for row in rows:
            if as_json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                when = local_time(int(row["time"]), None) if row["time"] else ""
                print(
                    f"{row['seq']}  {when}  {row['level']}  {row['message']}",
                    flush=True,
                )

    commands.follow_log(session, show, int(first.data["next_seq"]), args.interval)
    return Report({}, [])


def _set_clock(session: Session, args: argparse.Namespace) -> Report:
    return commands.set_clock(session, args.token, args.time)


def _clear_outbox(session: Session, args: argparse.Namespace) -> Report:
    return commands.clear_outbox(session, args.token, args.through, args.exported)


def _factory_reset(session: Session, args: argparse.Namespace) -> Report:
    return commands.factory_reset(session, args.token, args.yes, args.discard_outbox)


def _maintenance(session: Session, args: argparse.Namespace) -> Report:
    return commands.maintenance(session, args.token)


def _token(args: argparse.Namespace) -> Report:
    return commands.token(
        args.station,
        args.permissions,
        args.hours,
        args.token_out,
        force=args.force,
        technician=args.technician,
        site=args.site,
        db=args.db,
        as_user=args.as_user,
    )


def _verb(
    verbs: SubParsers, name: str, help_key: str, run: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    parser = verbs.add_parser(name, parents=[COMMON], help=text(help_key))
    parser.set_defaults(func=run)
    return parser


def _lists(parser: argparse.ArgumentParser, out: bool = True) -> None:
    parser.add_argument("--csv", action="store_true", help=text("help.csv"))
    if out:
        parser.add_argument("--out", metavar="FILE", help=text("help.out"))


def _token_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--token", type=Path, metavar="FILE", help=text("help.token_file"))


def register(commands_: SubParsers) -> None:
    """Add ``diag`` and its verbs to the ``synk`` command."""
    diag = commands_.add_parser(
        "diag", parents=[COMMON], help=text("help.diag"), description=text("help.diag")
    )
    verbs = diag.add_subparsers(dest="verb", required=True, metavar="VERB")

    listing = _verb(verbs, "ports", "help.ports", _without_session(lambda a: commands.ports(a.all)))
    listing.add_argument("--all", action="store_true", help=text("help.all_ports"))
    _lists(listing, out=False)

    _verb(verbs, "info", "help.info", _with_session(lambda s, a: commands.info(s)))
    _verb(verbs, "status", "help.status", _with_session(lambda s, a: commands.status(s)))
    _verb(verbs, "key", "help.key", _with_session(lambda s, a: commands.key(s)))
    audit = _verb(verbs, "audit", "help.audit", _with_session(lambda s, a: commands.audit(s)))
    _lists(audit)
    selftest = _verb(
        verbs, "selftest", "help.selftest", _with_session(lambda s, a: commands.selftest(s))
    )
    _lists(selftest, out=False)

    log = _verb(verbs, "log", "help.log", _with_session(_log))
    log.add_argument("--from-seq", type=int, default=0, metavar="SEQ", help=text("help.from_seq"))
    log.add_argument("--lines", type=int, metavar="N", help=text("help.lines"))
    log.add_argument("--follow", "-f", action="store_true", help=text("help.follow"))
    log.add_argument("--interval", type=float, default=1.0, metavar="S", help=text("help.interval"))
    _lists(log)

    clock = _verb(verbs, "set-clock", "help.set_clock", _with_session(_set_clock))
    clock.add_argument("--time", metavar="TIME", help=text("help.time"))
    _token_file(clock)

    clear = _verb(verbs, "clear-outbox", "help.clear", _with_session(_clear_outbox))
    clear.add_argument("--through", type=int, required=True, metavar="N", help=text("help.through"))
    clear.add_argument("--exported", type=Path, metavar="FILE", help=text("help.exported"))
    _token_file(clear)

    reset = _verb(verbs, "factory-reset", "help.reset", _with_session(_factory_reset))
    reset.add_argument("--yes", action="store_true", help=text("help.yes"))
    reset.add_argument("--discard-outbox", action="store_true", help=text("help.discard_outbox"))
    _token_file(reset)

    maintenance = _verb(verbs, "maintenance", "help.maintenance", _with_session(_maintenance))
    _token_file(maintenance)

    token = _verb(verbs, "token", "help.token", _without_session(_token))
    token.add_argument("--station", type=int, required=True, help=text("help.token_station"))
    token.add_argument("--permissions", required=True, help=text("help.permissions"))
    token.add_argument("--hours", type=float, default=8.0, help=text("help.hours"))
    token.add_argument(
        "--out", dest="token_out", type=Path, metavar="FILE", help=text("help.token_out")
    )
    token.add_argument("--force", action="store_true", help=text("help.force"))
    token.add_argument("--technician", metavar="USER", help=text("help.technician"))
    token.add_argument("--site", metavar="DIR", help=text("help.site"))
    token.add_argument("--db", metavar="URL", help=text("help.db"))
    token.add_argument("--as", dest="as_user", metavar="USER", help=text("help.as"))
