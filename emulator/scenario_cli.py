"""``python -m emulator.scenario_cli NAME [--work DIR]``: one scenario, headless, printed.

Prints every step (Swedish, then English) with its checks and exits 1 when a
check failed or the scenario stopped with an error, 0 when all held.
``--list`` (or no name) lists the scenarios. Without ``--work`` the site is
built in a temporary folder that is removed afterwards; with it, the folder
keeps the site for a look with the back office's tools (it must be new or
empty: see emulator/scenarios).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from emulator import scenarios
from emulator.messages import scenario_text as text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator.scenario_cli",
        description="Kör ett scenario utan gränssnitt / Run one scenario headless",
    )
    parser.add_argument("name", nargs="?", help="scenario name (see --list)")
    parser.add_argument("--work", type=Path, help="work folder to keep (default: a temp folder)")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    args = parser.parse_args(argv)
    if args.list or not args.name:
        for name in scenarios.SCENARIOS:
            title = text(scenarios.module(name).TITLE)
            print(f"{name:20} {title[0]} / {title[1]}")
        return 0
    if args.name not in scenarios.SCENARIOS:
        print(
            f"Okänt scenario / unknown scenario {args.name!r}: {', '.join(scenarios.SCENARIOS)}",
            file=sys.stderr,
        )
        return 2
    try:
        if args.work is not None:
            report = scenarios.run(args.name, args.work)
        else:
            with tempfile.TemporaryDirectory(prefix="synk-scenario-") as work:
                report = scenarios.run(args.name, Path(work))
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
