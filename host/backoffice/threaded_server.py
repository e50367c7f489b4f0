"""The back office's HTTP API served from a thread of this process: uvicorn on loopback.

For the emulator (its stations talk to it over real HTTP, exactly as boards
do, and its clock is the emulator's virtual clock, so fast-forwarding a day
moves the bundles and the stations' offline limits together) and for tests
that need the API over real HTTP. ``synk backoffice serve`` is the
production way to run it (host/backoffice/server.py).

A server runs once; to bring the API back on the same port after ``stop()``,
make a new one with ``port=old.port``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import uvicorn

from host.backoffice import messages
from host.backoffice.api import create_app
from host.backoffice.server import options
from host.backoffice.site import Clock, Site


class ThreadedServer:
    """``ssl_certfile``/``ssl_keyfile`` (PEM files): serve https, as uvicorn does;
    ``proxies``: the reverse proxies whose X-Forwarded-* are believed (as
    ``synk backoffice serve --proxy``; none by default); ``language``: the web pages' (as
    ``--language``; Swedish by default)."""

    def __init__(
        self,
        site: Site,
        clock: Clock,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        proxies: Sequence[str] = (),
        language: str = messages.DEFAULT_LANGUAGE,
    ) -> None:
        config = uvicorn.Config(
            create_app(site, clock, language),
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            **options(ssl_certfile, ssl_keyfile, proxies),
        )
        self._scheme = "https" if ssl_certfile else "http"
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="backoffice", daemon=True)
        self._host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"{self._scheme}://{self._host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> str:
        """Start serving; returns the base URL once the socket is listening."""
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the back office did not start (see its log above)")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self.url

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=timeout_s)
