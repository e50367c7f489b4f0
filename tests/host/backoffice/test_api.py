"""The station API over real HTTP, against uvicorn on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from protocol.records import decode_record

from .builders import lock_event, lock_record, upload
from .conftest import Clock, World


def _auth(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}


@pytest.fixture
def client(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=30)


def test_every_endpoint_needs_a_station_credential(client: httpx.Client, world: World) -> None:
    requests = [
        ("GET", "/api/v1/time", None),
        ("GET", f"/api/v1/stations/{world.station_a}/bundle", None),
        ("POST", f"/api/v1/stations/{world.station_a}/audit", b"x"),
        ("POST", f"/api/v1/stations/{world.station_a}/heartbeat", b"{}"),
    ]
    for method, path, body in requests:
        for headers in ({}, _auth("wrong"), {"Authorization": "Basic YTpi"}):
            response = client.request(method, path, content=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.json()["error"] == "unauthorized"
            assert " / " in response.json()["message"]
            assert response.headers["WWW-Authenticate"] == "Bearer"
        other = client.request(
            method,
            path.replace(f"/{world.station_a}/", f"/{world.station_b}/"),
            content=body,
            headers=_auth(world.credential_a),
        )
        if "/stations/" in path:
            assert other.status_code == 403
            assert other.json()["error"] == "forbidden"


def test_unknown_station_ids_are_forbidden_not_revealed(client: httpx.Client, world: World) -> None:
    response = client.get("/api/v1/stations/999/bundle", headers=_auth(world.credential_a))
    assert response.status_code == 403
    response = client.get("/api/v1/stations/0/bundle", headers=_auth(world.credential_a))
    assert response.status_code == 400


def test_time(client: httpx.Client, world: World, clock: Clock) -> None:
    response = client.get("/api/v1/time", headers=_auth(world.credential_a))
    assert response.json() == {"time": clock.now}


def test_bundle_is_served_conditionally(
    client: httpx.Client, world: World, office: BackOffice, admin: Actor
) -> None:
    path = f"/api/v1/stations/{world.station_a}/bundle"
    response = client.get(path, headers=_auth(world.credential_a))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["etag"] == '"1"'
    bundle = decode_record("bundle", response.content)
    assert (bundle["serial"], bundle["station_id"]) == (1, world.station_a)
    again = client.get(path, headers={**_auth(world.credential_a), "If-None-Match": '"1"'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == '"1"'
    assert office.show_station(admin, world.station_a)["bundle_serial_delivered"] == 1

    office.set_key_state(admin, world.key_a1, "lost", "tappad")
    changed = client.get(path, headers={**_auth(world.credential_a), "If-None-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert decode_record("bundle", changed.content)["keys"][0]["key_id"] == world.key_a2
    weird = client.get(path, headers={**_auth(world.credential_a), "If-None-Match": "garbage"})
    assert weird.status_code == 200


def test_audit_upload_is_acknowledged_after_storing(
    client: httpx.Client, world: World, clock: Clock
) -> None:
    path = f"/api/v1/stations/{world.station_a}/audit"
    events = [lock_event(world.secrets[1], 1, world.key_a1, s, clock.now) for s in (1, 2)]
    body = upload(world.station_a, 7, [lock_record(e) for e in events])
    headers = {**_auth(world.credential_a), "Content-Type": "application/octet-stream"}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"acked_through": 8, "stored": 2, "duplicates": 0, "rejected": 0}
    response = client.post(path, content=body, headers=headers)
    assert response.json() == {"acked_through": 8, "stored": 0, "duplicates": 2, "rejected": 0}

    malformed = client.post(path, content=b"SKUP\x01", headers=headers)
    assert malformed.status_code == 400
    assert malformed.json()["error"] == "invalid"
    assert "upload_batch" in malformed.json()["message"]
    huge = client.post(path, content=b"\x00" * (64 * 1024 + 1), headers=headers)
    assert huge.status_code == 413


def test_heartbeat_records_status_and_answers_time(
    client: httpx.Client, world: World, clock: Clock, office: BackOffice, admin: Actor
) -> None:
    path = f"/api/v1/stations/{world.station_a}/heartbeat"
    status = {"station_id": world.station_a, "bundle_serial": 3, "outbox_records": 12, "new": 1}
    response = client.post(path, json=status, headers=_auth(world.credential_a))
    assert response.status_code == 200
    assert response.json() == {"time": clock.now}
    shown = office.show_station(admin, world.station_a)
    assert shown["last_status"] == {"station_id": 1, "bundle_serial": 3, "outbox_records": 12}
    assert shown["last_seen"] is not None
    for bad in ({"bundle_serial": -1}, {"clock": 2**40}, {"station_id": world.station_b}, []):
        response = client.post(path, json=bad, headers=_auth(world.credential_a))
        assert response.status_code == 400, bad
        assert response.json()["error"] == "invalid"


def test_openapi_document_is_published(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert set(paths) == {
        "/api/v1/time",
        "/api/v1/stations/{station_id}/bundle",
        "/api/v1/stations/{station_id}/audit",
        "/api/v1/stations/{station_id}/heartbeat",
    }
    audit = paths["/api/v1/stations/{station_id}/audit"]["post"]
    assert "application/octet-stream" in audit["requestBody"]["content"]
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    assert client.get("/nowhere").status_code == 404
