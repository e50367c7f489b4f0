from collections import Counter
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis import GenerationMode
from tests.host.backoffice.conftest import *  # noqa
def test_probe(live_server, world):
    schema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    for method, path in [("POST", "/api/v1/stations/{station_id}/audit"), ("POST", "/api/v1/stations/{station_id}/heartbeat"), ("GET", "/api/v1/stations/{station_id}/bundle")]:
      for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        c = Counter()
        op = schema[path][method]
        @given(case=op.as_strategy(generation_mode=mode))
        @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.path_parameters["station_id"] = world.station_a
            r = case.call(base_url=live_server, headers={"Authorization": f"Bearer {world.credential_a}"})
            c[r.status_code] += 1
        check()
        print(method, path, mode, c)
