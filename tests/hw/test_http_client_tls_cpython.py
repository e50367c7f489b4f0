"""hw.http_client over real TLS on loopback, on CPython and on the MicroPython unix port.

A station trusts only the back office's CA from its signed configuration
(firmware/station_config.py ``backoffice_ca``): a server certificate from that
CA for the URL's host is accepted; one from another CA, or for another host
name, is refused with TlsError; MicroPython without a CA refuses https rather
than connect unverified (its bare client context would not check anything).
"""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hw.http_client import TlsError, request, tls_context
from tests.test_on_micropython import ROOT, micropython_command
from tests.tls_pki import HOST, Pki, ServerFiles, make_pki


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass


class TlsServer:
    def __init__(self, files: ServerFiles) -> None:
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(files.certfile, files.keyfile)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://{HOST}:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def servers(pki: Pki) -> Iterator[tuple[TlsServer, TlsServer]]:
    good, wrong_host = TlsServer(pki.server), TlsServer(pki.wrong_host)
    yield good, wrong_host
    good.close()
    wrong_host.close()


def test_cpython_trusts_the_configured_ca_only(
    pki: Pki, servers: tuple[TlsServer, TlsServer]
) -> None:
    good, wrong_host = servers
    status, _headers, body = request(
        "GET", good.url, ssl_context=tls_context(pki.ca_der), timeout=5
    )
    assert (status, body) == (200, b"hello")
    with pytest.raises(TlsError, match="localhost"):
        request("GET", good.url, ssl_context=tls_context(pki.stranger_ca_der), timeout=5)
    with pytest.raises(TlsError):
        request("GET", wrong_host.url, ssl_context=tls_context(pki.ca_der), timeout=5)
    with pytest.raises(TlsError):  # the system's CAs do not know the test CA
        request("GET", good.url, timeout=5)


_MICROPYTHON_CLIENT = """
import sys
sys.path.insert(0, ".")
from hw.http_client import HttpError, TlsError, request, tls_context

def read(path):
    with open(path, "rb") as f:
        return f.read()

good, wrong_host, ca, stranger = sys.argv[1:5]
for name, url, ca_path in (
    ("trusted", good, ca),
    ("stranger_ca", good, stranger),
    ("wrong_host", wrong_host, ca),
    ("no_ca", good, None),
):
    try:
        context = tls_context(read(ca_path)) if ca_path else None
        status, headers, body = request("GET", url, ssl_context=context, timeout=5)
        print(name, status, body.decode())
    except TlsError as exc:
        print(name, "TlsError")
"""


def test_micropython_trusts_the_configured_ca_only(
    pki: Pki, servers: tuple[TlsServer, TlsServer], tmp_path: Path
) -> None:
    good, wrong_host = servers
    script = tmp_path / "tls_client.py"
    script.write_text(_MICROPYTHON_CLIENT)
    (tmp_path / "ca.der").write_bytes(pki.ca_der)
    (tmp_path / "stranger.der").write_bytes(pki.stranger_ca_der)
    result = subprocess.run(
        [
            micropython_command(),
            str(script),
            good.url,
            wrong_host.url,
            str(tmp_path / "ca.der"),
            str(tmp_path / "stranger.der"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split("\n")[:4] == [
        "trusted 200 hello",
        "stranger_ca TlsError",
        "wrong_host TlsError",
        "no_ca TlsError",
    ], result.stdout + result.stderr
