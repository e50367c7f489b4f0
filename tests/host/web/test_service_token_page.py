"""A remote technician gets a service token over the back office's HTTPS (issue 14.15).

The token is the one ``synk diag token`` writes, signed for the station, logged in the
back office's log of changes; a technician gets one only for themselves.
"""

from __future__ import annotations

from protocol.records import decode_record

from .conftest import Server, page_csrf


def test_a_technician_gets_a_signed_token_for_a_station(demo_server: Server) -> None:
    station_id = next(iter(demo_server.demo.credentials))
    with demo_server.client("tekniker") as client:
        csrf = page_csrf(client, "/web/stations")
        form = {"station": str(station_id), "permissions": "set-clock", "hours": "2", "csrf": csrf}
        response = client.post("/web/service-token", data=form)
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
        fields = decode_record("service_token", response.content)
        assert fields["station_id"] == station_id
        assert fields["not_after"] - fields["not_before"] > 2 * 3600
        # not for someone else, and not without the form's token
        other = client.post("/web/service-token", data={**form, "technician": "admin"})
        assert other.status_code in (400, 403)
        assert client.post("/web/service-token", data={**form, "csrf": ""}).status_code == 403
    changes = demo_server.demo.office.list_changes(demo_server.demo.actor("admin"))
    issued = [c for c in changes if c["object"] == "service_token" and c["id"] == station_id]
    assert issued and issued[0]["user"] == "tekniker" and issued[0]["action"] == "issue"


def test_a_role_without_service_tokens_is_refused(demo_server: Server) -> None:
    station_id = next(iter(demo_server.demo.credentials))
    with demo_server.client("granskare") as client:
        csrf = page_csrf(client, "/web/stations")
        form = {"station": str(station_id), "permissions": "set-clock", "hours": "1", "csrf": csrf}
        assert client.post("/web/service-token", data=form).status_code == 403
