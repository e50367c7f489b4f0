"""``synk diag token``: a service token from the back office that the station then accepts.

A real site (init_site in tmp_path) with a technician and a station issues
the token through its service layer; the firmware's service console, given
that site's authority public key and station id, accepts it for what it
permits and refuses the rest, as the back office recorded it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from host.backoffice.models import ServiceTokenIssue
from host.backoffice.service import BackOffice
from host.backoffice.service_tokens import CLOCK_LEEWAY_S
from host.backoffice.site import Site, init_site
from host.diag import tokens
from host.diag.errors import DiagError

from .conftest import Run, StationRig


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, BackOffice, int]]:
    directory = tmp_path / "site"
    made, _ = init_site(directory, admin_password="admin-pw")
    office = BackOffice(made)
    admin = office.actor_for(None)
    office.add_user(admin, "tekla", "technician", password="tekla-pw")
    provider = office.add_provider(admin, "Kommunen", "municipal")["id"]
    unit = office.add_unit(admin, provider, "Hemtjänst Nord")["id"]
    station, _credential = office.add_station(admin, unit, "Nord 1")
    yield directory, office, station["id"]
    made.close()


def _trusting(rig: StationRig, office: BackOffice, station_id: int) -> None:
    """Make the station the site's own: its id, the site's authority keys, the real clock."""
    admin = office.actor_for(None)
    rig.station.station_id = station_id
    rig.station.authority_keys = office.authority_public_keys(admin)
    rig.station.clock.set(int(time.time()))


def test_token_from_the_back_office_is_accepted(
    site: tuple[Path, BackOffice, int], station: StationRig, run: Run, tmp_path: Path
) -> None:
    directory, office, station_id = site
    _trusting(station, office, station_id)
    token_file = tmp_path / "tekla.token"
    issue = ["token", "--site", str(directory), "--as", "tekla", "--station", str(station_id)]
    status, out, err = run(
        *issue, "--permissions", "set_clock,clear-outbox", "--hours", "2", "--out", str(token_file)
    )
    assert status == 0, err
    assert "Servicebehörighet skriven till" in out
    assert "set_clock, clear_outbox" in out
    assert token_file.stat().st_mode & 0o777 == 0o600
    _, fields = tokens.read(token_file)
    assert fields["station_id"] == station_id
    assert fields["not_after"] - fields["not_before"] == 2 * 3600 + CLOCK_LEEWAY_S
    with Site.open(directory).sessions() as session:
        issued = session.scalars(select(ServiceTokenIssue)).one()
    assert issued.not_after == fields["not_after"]

    status, _, err = run("set-clock", "--port", station.path, "--token", str(token_file))
    assert status == 0, err
    reset = ["factory-reset", "--yes", "--discard-outbox"]
    status, _, err = run(*reset, "--port", station.path, "--token", str(token_file))
    assert status == 5
    assert "saknar behörigheten för kommandot" in err
    assert [call[0] for call in station.station.calls] == ["set_clock"]


def test_token_json_and_refusals(
    site: tuple[Path, BackOffice, int], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, _office, station_id = site
    monkeypatch.chdir(tmp_path)
    args = ["token", "--site", str(directory), "--station", str(station_id)]
    status, out, err = run(*args, "--as", "tekla", "--permissions", "factory_reset", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["path"] == f"synk-token-station-{station_id}.bin"
    assert data["token"]["permissions"] == ["factory_reset"]
    # The file is there: no second token is issued over it.
    status, _, err = run(*args, "--as", "tekla", "--permissions", "factory_reset")
    assert status == 2 and "finns redan" in err
    status, _, err = run(*args, "--as", "tekla", "--permissions", "reboot", "--force")
    assert status == 2 and "Okänd behörighet reboot" in err
    # The back office's own rules and words: the administrator is no technician.
    status, _, err = run(*args, "--permissions", "set_clock", "--force")
    assert status == 2 and "inte en aktiv tekniker" in err
    status, _, err = run(
        *args, "--as", "tekla", "--permissions", "set_clock", "--force", "--hours", "48"
    )
    assert status == 2


def test_permission_names() -> None:
    assert tokens.permission_names("set_clock, Clear-Outbox") == ["set-clock", "clear-outbox"]
    with pytest.raises(DiagError) as raised:
        tokens.permission_names("set_clock,open_doors")
    assert "open_doors" in raised.value.text
