"""The ``synk`` command. Each area registers its own subcommands.

To add an area (``diag``, ``flash``, …), write a module with
``register(commands)`` that adds its parser to the ``commands`` subparsers
and sets ``func`` (``args -> exit status``) on its leaves, then list the
module in ``COMMAND_MODULES``.

Exit status: 0 done, 2 usage or invalid value, 3 not found, 4 conflict
(duplicate or wrong state), 5 forbidden or not authenticated.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from host.backoffice import messages
from host.backoffice.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
)

COMMAND_MODULES = (
    "host.backoffice.admin_cli",
    "host.backoffice.server",
    "host.diag.cli",
    "host.flash.cli",
)

EXIT_STATUS: dict[type[ServiceError], int] = {
    Invalid: 2,
    NotFound: 3,
    Conflict: 4,
    Forbidden: 5,
    Unauthenticated: 5,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="synk", description=messages.text("help.synk"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``synk`` with ``argv`` (default: the process's arguments); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        status: int = args.func(args)
    except SystemExit as exit_:  # argparse: --help, or a usage error (already printed)
        return exit_.code if isinstance(exit_.code, int) else 2
    except argparse.ArgumentTypeError as err:
        print(f"synk: {err}", file=sys.stderr)
        return 2
    except ServiceError as err:
        print(f"synk: {err.text}", file=sys.stderr)
        return EXIT_STATUS.get(type(err), 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
