"""``synk backoffice serve``: the station API and the web pages under uvicorn.

Two ways to put it behind TLS (the README says the same):

* **TLS of its own**: ``--certfile`` and ``--keyfile`` (PEM; uvicorn's
  ``ssl_certfile``/``ssl_keyfile``), then the back office speaks https itself.
* **Behind a reverse proxy** (nginx, Caddy, a municipality's load balancer)
  that ends TLS: ``--proxy ADDR`` (repeatable; an address or a network such as
  ``10.0.0.0/24``) names the proxies whose ``X-Forwarded-For`` and
  ``X-Forwarded-Proto`` are believed (uvicorn's ``proxy_headers`` with
  ``forwarded_allow_ips``). From any other peer those headers are ignored, and
  without ``--proxy`` they are ignored from everyone: a client cannot claim
  another address (the sign-in throttle counts by it) or https.

The session cookies are ``Secure`` whenever the client's connection is https:
direct TLS, or a trusted proxy saying ``X-Forwarded-Proto: https``
(``host.web.app``). ``options`` is the one place these settings become
uvicorn's; ``ThreadedServer`` (tests, the emulator) uses it too.

A proxy must pass the browser's ``Host`` header on (nginx: ``proxy_set_header
Host $host;``), since sign-in and forms check ``Origin`` against it, and set
``X-Forwarded-For $remote_addr`` (not appended to a client's own) and
``X-Forwarded-Proto $scheme``::

    location / {
        proxy_pass http://127.0.0.1:8080;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
    }

with ``synk backoffice serve --host 127.0.0.1 --proxy 127.0.0.1``.

Several processes: ``--workers N`` runs N uvicorn worker processes on one
port (for PostgreSQL: SQLite takes one writer at a time, so there more
processes only wait for each other). Each worker opens the site itself
(``worker_app``, a factory uvicorn imports by name: a process cannot inherit
another's database connections); the parent supervises them and runs the
hourly retention purge once. Nothing a request leaves behind is kept in a
worker's memory: web sessions, the sign-in throttle, the stored bundles and
their serials and the uploaded events are rows of the database (the sign-in
form's CSRF token is a cookie), so any worker can answer any request.

The pages' language: ``--language sv|en|both`` (``host.web.text``), else
``$SYNK_LANGUAGE``, else Swedish. ``serve`` hands it to its workers in
``$SYNK_LANGUAGE``, as it does the site and the database, so every worker
answers in the same language.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from host.backoffice import db, messages, retention
from host.backoffice.errors import Invalid
from host.backoffice.site import SITE_ENV, Site, site_dir, system_clock

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_APP = "host.backoffice.server:worker_app"
LANGUAGE_ENV = "SYNK_LANGUAGE"

# An idle connection is kept open longer than clients keep theirs (httpx: 5 s): when both
# sides give up at the same moment, a request sent on a connection the server is closing is
# answered with a reset, not a response.
KEEP_ALIVE_S = 30
# A worker answers its supervisor's ping from a thread; on a loaded machine that can take
# seconds, and a worker that misses the ping is killed with its requests in flight.
WORKER_HEALTHCHECK_S = 30


def options(
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    proxies: Sequence[str] = (),
) -> dict[str, Any]:
    """uvicorn's settings for TLS and for trusting a reverse proxy (none trusted by default)."""
    if (certfile is None) != (keyfile is None):
        raise Invalid("serve.tls_pair")
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise Invalid("serve.proxy", proxy=proxy) from None
    return {
        "ssl_certfile": str(certfile) if certfile is not None else None,
        "ssl_keyfile": str(keyfile) if keyfile is not None else None,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": list(proxies) if proxies else [],
        "timeout_keep_alive": KEEP_ALIVE_S,
    }


def pages_language(value: str | None = None) -> str:
    """The web pages' language: the given one, ``$SYNK_LANGUAGE``, or Swedish; ``Invalid``
    for one not in ``messages.LANGUAGES``."""
    from host.web.text import checked_language

    return checked_language(value or os.environ.get(LANGUAGE_ENV) or messages.DEFAULT_LANGUAGE)


def worker_app() -> FastAPI:
    """The app of one worker process: the site named by ``$SYNK_SITE`` and ``$SYNK_DATABASE_URL``,
    its pages in ``$SYNK_LANGUAGE`` (``serve`` sets all three before starting the workers)."""
    from host.backoffice.api import create_app

    return create_app(Site.open(site_dir(None)), language=pages_language())


def serve(
    site: Site,
    host: str = "127.0.0.1",
    port: int = 8080,
    certfile: str | None = None,
    keyfile: str | None = None,
    proxies: Sequence[str] = (),
    workers: int = 1,
    language: str | None = None,
) -> None:
    """Serve until stopped; ``language``: the pages' (None: ``$SYNK_LANGUAGE`` or Swedish)."""
    settings = options(certfile, keyfile, proxies)  # refuse a bad set-up before starting
    if workers < 1:
        raise Invalid("serve.workers", workers=workers)
    spoken = pages_language(language)
    from host.backoffice.api import create_app  # FastAPI is slow to import; only here

    # also checks the authority key before any worker starts
    app: Any = create_app(site, language=spoken)
    if workers > 1:
        os.environ[SITE_ENV] = str(site.directory.resolve())
        os.environ[db.DB_ENV] = site.url
        os.environ[LANGUAGE_ENV] = spoken
        app = WORKER_APP
        settings.update(
            workers=workers, factory=True, timeout_worker_healthcheck=WORKER_HEALTHCHECK_S
        )
    scheme = "https" if certfile else "http"
    print(
        messages.text("cli.serving", scheme=scheme, host=host, port=port, site=site.directory),
        flush=True,
    )
    if proxies:
        print(messages.text("cli.serving_proxies", proxies=", ".join(proxies)), flush=True)
    if workers > 1:
        print(messages.text("cli.serving_workers", workers=workers), flush=True)
    import uvicorn

    purging = retention.Scheduler(site, system_clock)  # the data kept by rule, hourly
    purging.start()
    try:
        uvicorn.run(app, host=host, port=port, server_header=False, log_level="info", **settings)
    finally:
        purging.stop()


def _serve_command(args: argparse.Namespace) -> int:
    site = Site.open(site_dir(args.site), args.db)
    try:
        serve(
            site,
            args.host,
            args.port,
            args.certfile,
            args.keyfile,
            args.proxy or (),
            args.workers,
            args.language,
        )
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
    serve_parser.add_argument("--certfile", metavar="PEM", help=t("help.certfile"))
    serve_parser.add_argument("--keyfile", metavar="PEM", help=t("help.keyfile"))
    serve_parser.add_argument("--proxy", metavar="ADDR", action="append", help=t("help.proxy"))
    serve_parser.add_argument("--workers", type=int, default=1, help=t("help.serve_workers"))
    serve_parser.add_argument(
        "--language", choices=messages.LANGUAGES, help=t("help.serve_language")
    )
    serve_parser.set_defaults(func=_serve_command)
