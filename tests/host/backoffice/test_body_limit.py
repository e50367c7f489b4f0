"""Every request body is capped before it is read (413), over real HTTP against uvicorn."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from host.backoffice.audit_ingest import MAX_UPLOAD
from host.backoffice.body_limit import DEFAULT_LIMIT, HEARTBEAT_LIMIT, limit_for

from .conftest import World


def _auth(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}


def _announce(url: str, path: str, headers: dict[str, str], length: int, sent: bytes) -> bytes:
    """Send a request that announces ``length`` bytes of body but sends only ``sent``;
    return what the server answers without waiting for the rest."""
    parts = urlsplit(url)
    lines = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + sent)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_heartbeat_announcing_10_mb_is_refused_before_its_body_is_read(
    live_server: str, world: World
) -> None:
    path = f"/api/v1/stations/{world.station_a}/heartbeat"
    headers = {**_auth(world.credential_a), "Content-Type": "application/json"}
    # The server answers while 10 MB are still to come: it read none of them.
    answer = _announce(live_server, path, headers, 10 * 1024 * 1024, b'{"clock": ')
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_a_heartbeat_streamed_without_a_length_stops_at_the_cap(
    live_server: str, world: World
) -> None:
    path = f"/api/v1/stations/{world.station_a}/heartbeat"
    padding = b" " * (HEARTBEAT_LIMIT + 1)

    def chunks() -> Iterator[bytes]:
        yield b'{"clock": 5'
        yield padding
        yield b"}"

    with httpx.Client(base_url=live_server, timeout=30) as client:
        response = client.post(path, content=chunks(), headers=_auth(world.credential_a))
        assert response.status_code == 413
        body = response.json()
        assert body["error"] == "too_large"
        assert f"högst {HEARTBEAT_LIMIT} byte" in body["message"]
        assert f"at most {HEARTBEAT_LIMIT} bytes" in body["message"]
        small = client.post(
            path, content=json.dumps({"clock": 5}), headers=_auth(world.credential_a)
        )
        assert small.status_code == 200


def test_an_upload_over_its_cap_is_refused_by_its_length(live_server: str, world: World) -> None:
    path = f"/api/v1/stations/{world.station_a}/audit"
    answer = _announce(live_server, path, _auth(world.credential_a), MAX_UPLOAD + 1, b"SKUP")
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_without_a_credential_the_body_is_not_read_at_all(live_server: str, world: World) -> None:
    path = f"/api/v1/stations/{world.station_a}/heartbeat"
    answer = _announce(live_server, path, {}, 10 * 1024 * 1024, b"{")
    assert answer.startswith(b"HTTP/1.1 401 ")


def test_the_web_forms_are_capped_too(live_server: str) -> None:
    answer = _announce(
        live_server,
        "/web/login",
        {"Content-Type": "application/x-www-form-urlencoded"},
        DEFAULT_LIMIT + 1,
        b"username=",
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    with httpx.Client(base_url=live_server, timeout=30) as client:
        form = {"username": "x" * DEFAULT_LIMIT, "password": "y", "csrf": "z"}
        response = client.post("/web/login", data=form)
        assert response.status_code == 413
        assert "Begäran är för stor" in response.text


def test_each_route_has_its_cap() -> None:
    assert limit_for("/api/v1/stations/7/audit") == MAX_UPLOAD
    assert limit_for("/api/v1/stations/7/heartbeat") == HEARTBEAT_LIMIT
    assert limit_for("/api/v1/time") == DEFAULT_LIMIT
    assert limit_for("/web/visits") > 20 * 1024 * 1024
    assert limit_for("/web/visits/x") == DEFAULT_LIMIT
