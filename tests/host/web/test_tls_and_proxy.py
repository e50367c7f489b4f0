"""Behind TLS: https of its own (``--certfile/--keyfile``), a reverse proxy believed only from
the addresses configured (``--proxy``), session cookies Secure whenever the client is on https."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from host.backoffice.errors import Invalid
from host.backoffice.server import KEEP_ALIVE_S, options
from host.backoffice.sign_in import MAX_FAILURES
from host.backoffice.site import init_site
from host.backoffice.threaded_server import ThreadedServer
from tests.host.backoffice.builders import QUICK_PASSWORDS
from tests.tls_pki import make_pki

from .conftest import login_token
from .demo import PASSWORDS, Demo

SESSION = "synk_session="


def _login(
    client: httpx.Client, username: str, password: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    data = {"username": username, "password": password, "csrf": login_token(client)}
    return client.post("/web/login", data=data, headers=headers or {})


def _session_cookie(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text[:300]
    return next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION))


@contextmanager
def _served(demo: Demo, **settings: object) -> Iterator[str]:
    server = ThreadedServer(demo.site, demo.clock, **settings)  # type: ignore[arg-type]
    try:
        yield server.start()
    finally:
        server.stop()


def _client(url: str, address: str = "127.0.0.1", ca: Path | None = None) -> httpx.Client:
    verify = ssl.create_default_context(cafile=str(ca)) if ca is not None else True
    transport = httpx.HTTPTransport(local_address=address, verify=verify)
    return httpx.Client(base_url=url, timeout=30, transport=transport)


def test_over_its_own_https_the_cookie_is_secure(fresh_demo: Demo, tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki")
    tls = {"ssl_certfile": str(pki.server.certfile), "ssl_keyfile": str(pki.server.keyfile)}
    with _served(fresh_demo, **tls) as url:
        assert url.startswith("https://")
        with _client(url, ca=pki.ca_pem) as client:
            cookie = _session_cookie(_login(client, "granskare", PASSWORDS["granskare"]))
            assert "secure" in cookie.lower() and "httponly" in cookie.lower()
            assert client.get("/web/keys").status_code == 200


def test_forwarded_headers_count_only_from_the_configured_proxy(fresh_demo: Demo) -> None:
    https = {"X-Forwarded-Proto": "https"}
    with _served(fresh_demo, proxies=("127.0.0.2",)) as url:
        with _client(url) as stranger:  # not the proxy: its claims are ignored
            cookie = _session_cookie(_login(stranger, "granskare", PASSWORDS["granskare"], https))
            assert "secure" not in cookie.lower()
            for n in range(MAX_FAILURES):  # "another address" each time: still this one
                claimed = {"X-Forwarded-For": f"10.9.9.{n}"}
                assert _login(stranger, "chef.nord", "fel", claimed).status_code == 401
            spoofed = {"X-Forwarded-For": "10.9.9.99"}
            assert _login(stranger, "chef.nord", PASSWORDS["chef.nord"], spoofed).status_code == 429
        with _client(url, "127.0.0.2") as proxy:  # the proxy: believed
            cookie = _session_cookie(_login(proxy, "granskare", PASSWORDS["granskare"], https))
            assert "secure" in cookie.lower()
            outside = {"X-Forwarded-For": "10.0.0.1", **https}
            for _ in range(MAX_FAILURES):
                assert _login(proxy, "tekniker", "fel", outside).status_code == 401
            assert _login(proxy, "tekniker", PASSWORDS["tekniker"], outside).status_code == 429
            office = {"X-Forwarded-For": "10.0.0.2", **https}  # another client behind it
            assert _login(proxy, "tekniker", PASSWORDS["tekniker"], office).status_code == 303


def test_without_proxies_no_forwarded_header_is_believed(fresh_demo: Demo) -> None:
    with _served(fresh_demo) as url, _client(url) as client:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.1.1"}
        cookie = _session_cookie(_login(client, "granskare", PASSWORDS["granskare"], headers))
        assert "secure" not in cookie.lower()


def test_the_settings_are_checked() -> None:
    assert options()["proxy_headers"] is False
    trusted = options(proxies=["10.0.0.0/24", "::1"])
    assert trusted["proxy_headers"] is True
    assert trusted["forwarded_allow_ips"] == ["10.0.0.0/24", "::1"]
    with pytest.raises(Invalid):
        options(certfile="cert.pem")
    with pytest.raises(Invalid):
        options(proxies=["*"])  # uvicorn's "trust everyone": never


def test_an_idle_connection_outlives_a_clients_keep_alive(fresh_demo: Demo) -> None:
    """httpx drops an idle connection after 5 s; the server must keep it longer, or a request
    sent as both give up at once is met by a reset instead of an answer."""
    client_keep_alive_s = httpx.Limits().keepalive_expiry or 0.0
    assert client_keep_alive_s < KEEP_ALIVE_S
    with _served(fresh_demo) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            request = f"GET /web/login HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            for _ in range(2):
                raw.sendall(request)
                head = raw.recv(65536)
                assert head.startswith(b"HTTP/1.1 200"), head[:200]
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                body = head.split(b"\r\n\r\n", 1)[1]
                while len(body) < length:
                    body += raw.recv(65536)
                time.sleep(client_keep_alive_s + 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_synk_backoffice_serve_speaks_https_with_its_certificate(tmp_path: Path) -> None:
    site, password = init_site(tmp_path / "site", password_cost=QUICK_PASSWORDS)
    site.close()
    pki = make_pki(tmp_path / "pki")
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "import sys; from host.cli import main; sys.exit(main())",
        "backoffice",
        "serve",
        "--site",
        str(tmp_path / "site"),
        "--port",
        str(port),
        "--certfile",
        str(pki.server.certfile),
        "--keyfile",
        str(pki.server.keyfile),
        "--proxy",
        "127.0.0.2",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"https://127.0.0.1:{port}"
        with _client(url, ca=pki.ca_pem) as client:
            for _ in range(600):  # until it listens (or has died)
                if process.poll() is not None:
                    break
                try:
                    client.get("/web/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            assert process.poll() is None, process.communicate()[0]
            cookie = _session_cookie(_login(client, "admin", password))
            assert "secure" in cookie.lower()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"https://127.0.0.1:{port}" in output
    assert "127.0.0.2" in output
    broken = subprocess.run(
        [*command[:3], "backoffice", "serve", "--site", str(tmp_path / "site"), "--certfile", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert broken.returncode == 2 and "--keyfile" in broken.stderr + broken.stdout
