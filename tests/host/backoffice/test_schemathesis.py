"""Schemathesis against the published OpenAPI document of a live server: no server errors.

The schema is loaded from the running server's ``/openapi.json`` and each
operation's Hypothesis strategy (valid and invalid data) drives real HTTP
requests. (Schemathesis' own pytest fixture loader does not run under pytest
9, so the strategies are used directly.) Each generated request is sent
twice with a valid station credential: as generated (any station id, mostly
someone else's: 403) and with the path's station id set to the credential's
own station, so the bundle, upload and heartbeat code itself is fuzzed too.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from .conftest import World

OPERATIONS = [
    ("GET", "/api/v1/time"),
    ("GET", "/api/v1/stations/{station_id}/bundle"),
    ("POST", "/api/v1/stations/{station_id}/audit"),
    ("POST", "/api/v1/stations/{station_id}/heartbeat"),
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_errors(
    live_server: str, world: World, method: str, path: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {world.credential_a}"}

    @given(case=operation.as_strategy(generation_mode=mode), own=st.booleans())
    @settings(
        max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: schemathesis.Case, own: bool) -> None:
        case.call_and_validate(base_url=live_server, headers=headers, checks=[not_a_server_error])
        if own and case.path_parameters and "station_id" in case.path_parameters:
            case.path_parameters["station_id"] = world.station_a
            case.call_and_validate(
                base_url=live_server, headers=headers, checks=[not_a_server_error]
            )

    check()
