"""``synk backoffice serve``: the station API under uvicorn."""

from __future__ import annotations

import argparse

from host.backoffice import messages, retention
from host.backoffice.site import Site, site_dir, system_clock


def serve(site: Site, host: str = "127.0.0.1", port: int = 8080) -> None:
    from host.backoffice.api import create_app  # FastAPI is slow to import; only here

    app = create_app(site)
    print(messages.text("cli.serving", host=host, port=port, site=site.directory), flush=True)
    import uvicorn

    purging = retention.Scheduler(site, system_clock)  # the data kept by rule, hourly
    purging.start()
    try:
        uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")
    finally:
        purging.stop()


def _serve_command(args: argparse.Namespace) -> int:
    site = Site.open(site_dir(args.site), args.db)
    try:
        serve(site, args.host, args.port)
    finally:
        site.close()
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backoffice serve`` to the ``synk`` command."""
    t = messages.text
    parser = commands.add_parser("backoffice", help=t("help.backoffice"))
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    serve_parser = verbs.add_parser("serve", help=t("help.serve"))
    serve_parser.add_argument("--site", metavar="DIR", help=t("help.site"))
    serve_parser.add_argument("--db", metavar="URL", help=t("help.db"))
    serve_parser.add_argument("--host", default="127.0.0.1", help=t("help.host"))
    serve_parser.add_argument("--port", type=int, default=8080, help=t("help.port"))
    serve_parser.set_defaults(func=_serve_command)
