"""Schemathesis against the published OpenAPI document of a live server: no server errors.

The schema is loaded from the running server's ``/openapi.json`` (uvicorn on
127.0.0.1) and each operation's Hypothesis strategy (valid and invalid data)
drives real HTTP requests. (Schemathesis' own pytest fixture loader does not
run under pytest 9, so the strategies are used directly.) Every generated
request is sent

* with station A's valid credential, as generated (any station id: mostly
  someone else's, so 403) and with the path's station id set to A's own, so
  the bundle, upload and heartbeat code itself is fuzzed;
* with no credential and with an unknown one: always 401;
* with station B's valid credential on station A's path: always 403.

No answer may be a server error or fail the response schema.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from .conftest import World

OPERATIONS = [
    ("GET", "/api/v1/time"),
    ("GET", "/api/v1/stations/{station_id}/bundle"),
    ("POST", "/api/v1/stations/{station_id}/audit"),
    ("POST", "/api/v1/stations/{station_id}/heartbeat"),
]


def _send_as(
    case: schemathesis.Case, base_url: str, authorization: str | None
) -> requests.Response:
    """The generated request with exactly this Authorization header (or none)."""
    kwargs = case.as_transport_kwargs(base_url=base_url)
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() != "authorization"}
    if authorization is not None:
        headers["Authorization"] = authorization
    kwargs["headers"] = headers
    return requests.request(**kwargs, timeout=30)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_errors_with_valid_and_invalid_credentials(
    live_server: str, world: World, method: str, path: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    operation = schema[path][method]
    own = {"Authorization": f"Bearer {world.credential_a}"}
    statuses: set[int] = set()
    own_statuses: set[int] = set()

    def send_own(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            base_url=live_server, headers=own, checks=[not_a_server_error]
        )
        statuses.add(response.status_code)
        own_statuses.add(response.status_code)

    def refused(case: schemathesis.Case, authorization: str | None, status: int) -> None:
        response = _send_as(case, live_server, authorization)
        assert response.status_code == status, (authorization, response.text)
        assert response.json()["error"] == ("unauthorized" if status == 401 else "forbidden")
        assert " / " in response.json()["message"]
        statuses.add(response.status_code)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: schemathesis.Case) -> None:
        send_own(case)
        for authorization in (None, "Bearer not-a-credential", "Basic YTpi"):
            refused(case, authorization, 401)
        if case.path_parameters and "station_id" in case.path_parameters:
            case.path_parameters["station_id"] = world.station_a
            send_own(case)
            refused(case, f"Bearer {world.credential_b}", 403)

    check()
    assert 401 in statuses
    if mode is GenerationMode.POSITIVE:
        # The operation itself was reached (an upload's random bytes get its decoder's 400).
        assert own_statuses - {401, 403}, own_statuses
