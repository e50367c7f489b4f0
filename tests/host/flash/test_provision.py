"""Provisioning registers the station in a back office site and signs a config the station reads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware import station_config as station_loader
from host.backoffice.errors import Forbidden, Invalid, NotFound, Unauthenticated
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site
from host.cli import main
from host.flash import provision
from host.flash.errors import FlashError
from host.flash.image import build_image, load_image
from tests.host.flash.conftest import BACKOFFICE_CA
from tests.tls_pki import ca_certificate_der

URL = "https://bo.haninge.example.se"
CONTACT = "Bemanningen 010-123 45 67"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    made, _password = init_site(tmp_path / "site", admin_password="admin-pw")
    yield made
    made.close()


@pytest.fixture
def office(site: Site) -> BackOffice:
    return BackOffice(site)


@pytest.fixture
def admin(office: BackOffice) -> Actor:
    return office.actor_for(None)


@pytest.fixture
def unit(office: BackOffice, admin: Actor) -> int:
    provider = office.add_provider(admin, "Haninge kommun", "municipal")["id"]
    return int(office.add_unit(admin, provider, "Hemtjänst Nord")["id"])


def _request(**fields: object) -> provision.Request:
    values: dict[str, object] = {
        "board": "esp32s3",
        "backoffice_url": URL,
        "support_contact": CONTACT,
        "backoffice_ca": BACKOFFICE_CA,
    }
    values.update(fields)
    return provision.Request(**values)  # type: ignore[arg-type]


def test_a_new_station_is_registered_and_gets_a_signed_config(
    office: BackOffice, admin: Actor, unit: int
) -> None:
    done = provision.provision(
        office,
        admin,
        _request(unit_id=unit, name="Nord 1", wifi_ssid="Hemtjänst", wifi_password="hemligt"),
    )
    assert done.created
    stations = office.list_stations(admin, unit)
    assert [(s["id"], s["name"]) for s in stations] == [(done.station_id, "Nord 1")]
    config = station_loader.parse(done.files["station.json"], done.files["station.sig"])
    assert config == done.config
    assert config["station_id"] == done.station_id and config["unit_id"] == unit
    assert config["backoffice_url"] == URL and config["support_contact"] == CONTACT
    assert (config["board"], config["nfc"]) == ("esp32s3", "uart")
    assert (config["wifi_ssid"], config["wifi_password"]) == ("Hemtjänst", "hemligt")
    assert station_loader.authority_keys(config) == office.authority_public_keys(admin)
    station = office.authenticate_station(config["credential"])
    assert station.station_id == done.station_id
    actions = [(c["action"], c["object"], c["id"]) for c in office.list_changes(admin)]
    assert ("add", "station", done.station_id) in actions
    assert ("config", "station", done.station_id) in actions


def test_a_chosen_id_for_a_new_station(office: BackOffice, admin: Actor, unit: int) -> None:
    done = provision.provision(office, admin, _request(unit_id=unit, station_id=42, board="pico2w"))
    assert done.created and done.station_id == 42
    assert done.config["board"] == "pico2w"


def test_an_existing_station_gets_a_new_credential(
    office: BackOffice, admin: Actor, unit: int
) -> None:
    row, old = office.add_station(admin, unit, "Nord 1")
    done = provision.provision(office, admin, _request(station_id=row["id"]))
    assert not done.created and done.unit_id == unit
    assert office.authenticate_station(done.config["credential"]).station_id == row["id"]
    with pytest.raises(Unauthenticated):
        office.authenticate_station(old)
    assert len(office.list_stations(admin)) == 1


def test_the_config_trusts_every_key_of_a_rotation(
    office: BackOffice, admin: Actor, unit: int
) -> None:
    office.add_authority_key(admin)
    done = provision.provision(office, admin, _request(unit_id=unit))
    trusted = station_loader.authority_keys(done.config)
    assert len(trusted) == 2 and trusted == office.authority_public_keys(admin)


def test_the_dry_run_plan_changes_nothing(office: BackOffice, admin: Actor, unit: int) -> None:
    before = office.list_changes(admin)
    steps = provision.plan(office, admin, _request(unit_id=unit, name="Nord 2"))
    assert steps.create and steps.station_id is None and steps.unit_id == unit
    assert steps.name == "Nord 2"
    assert len(steps.authority_key_ids) == 1 and len(steps.authority_key_ids[0]) == 16
    assert office.list_stations(admin) == []
    assert office.list_changes(admin) == before


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({}, "provision.need_unit"),
        ({"station_id": 9}, "provision.need_unit"),
        ({"unit_id": 1, "wifi_password": "x"}, "provision.password_without_ssid"),
        ({"unit_id": 1, "board": "esp8266"}, "board.unknown"),
    ],
)
def test_refused_requests_change_nothing(
    office: BackOffice, admin: Actor, unit: int, fields: dict[str, object], key: str
) -> None:
    with pytest.raises(FlashError) as refused:
        provision.provision(office, admin, _request(**fields))
    assert refused.value.key == key
    assert office.list_stations(admin) == []


def test_a_station_of_another_unit(office: BackOffice, admin: Actor, unit: int) -> None:
    other = office.add_unit(admin, 1, "Hemtjänst Syd")["id"]
    row, _credential = office.add_station(admin, unit, "Nord 1")
    with pytest.raises(FlashError) as refused:
        provision.provision(office, admin, _request(station_id=row["id"], unit_id=other))
    assert refused.value.key == "provision.other_unit"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"backoffice_url": "ftp://bo.example.se"}, Invalid),
        ({"backoffice_url": URL + "/"}, Invalid),
        ({"support_contact": "  "}, Invalid),
        ({"support_contact": "Bemanningen hemtjänst 010-123 45 67"}, Invalid),  # three lines
        ({"nfc": "spi"}, Invalid),
        ({"backoffice_ca": None}, Invalid),  # https without the CA: every handshake would fail
        ({"backoffice_ca": "bm90IGEgY2VydA=="}, Invalid),
        ({"unit_id": 99}, NotFound),
    ],
)
def test_back_office_refusals_come_before_registration(
    office: BackOffice, admin: Actor, unit: int, fields: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        provision.provision(office, admin, _request(**{"unit_id": unit, **fields}))
    assert office.list_stations(admin) == []


def test_an_authority_key_others_can_read_is_refused_before_registration(
    site: Site, office: BackOffice, admin: Actor, unit: int
) -> None:
    for key_file in site.authority_dir.iterdir():
        os.chmod(key_file, 0o644)
    with pytest.raises(Invalid):
        provision.provision(office, admin, _request(unit_id=unit))
    assert office.list_stations(admin) == []


def test_who_may_provision(office: BackOffice, admin: Actor, unit: int) -> None:
    office.add_user(admin, "tekniker", "technician", None, "pw")
    office.add_user(admin, "granskare", "reviewer", None, "pw")
    technician = office.actor_for("tekniker")
    assert provision.provision(office, technician, _request(unit_id=unit)).created
    with pytest.raises(Forbidden):
        provision.provision(office, office.actor_for("granskare"), _request(unit_id=unit))
    assert len(office.list_stations(admin)) == 1


def test_the_provisioned_config_builds_an_image(
    office: BackOffice, admin: Actor, unit: int
) -> None:
    done = provision.provision(office, admin, _request(unit_id=unit, board="pico2w"))
    image = build_image("pico2w", done.files)
    assert image.config["station_id"] == done.station_id


# -- the command line -----------------------------------------------------------------------------


def _ca_file(site: Site) -> Path:
    path = site.directory / "backoffice-ca.der"
    if not path.exists():
        path.write_bytes(ca_certificate_der())
    return path


def _provision_args(site: Site, out: Path, *more: str) -> list[str]:
    return [
        "flash",
        "provision",
        "--board",
        "esp32s3",
        "--url",
        URL,
        "--contact",
        CONTACT,
        "--ca",
        str(_ca_file(site)),
        "--out",
        str(out),
        "--site",
        str(site.directory),
        *more,
    ]


def test_cli_provision_build_deploy_dry_run(
    site: Site,
    office: BackOffice,
    admin: Actor,
    unit: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config"
    assert main(_provision_args(site, config, "--unit", str(unit), "--dry-run")) == 0
    out, _err = capsys.readouterr()
    assert out.startswith("Torrkörning") and "Hemtjänst" not in out
    assert not config.exists()
    assert office.list_stations(admin) == []

    assert main(_provision_args(site, config, "--unit", str(unit), "--json")) == 0
    out, _err = capsys.readouterr()
    assert '"created": true' in out
    (station,) = office.list_stations(admin)
    for name in ("station.json", "station.sig"):
        assert (config / name).stat().st_mode & 0o777 == 0o600
    assert config.stat().st_mode & 0o777 == 0o700
    credential = station_loader.parse(
        (config / "station.json").read_bytes(), (config / "station.sig").read_bytes()
    )["credential"]
    assert credential not in out

    image = tmp_path / "image"
    assert (
        main(["flash", "build", "--board", "esp32s3", "--config", str(config), "--out", str(image)])
        == 0
    )
    assert load_image(image).manifest["station_id"] == station["id"]
    assert main(["flash", "deploy", "--image", str(image), "--dry-run"]) == 0
    out, _err = capsys.readouterr()
    assert "/flash/synk/station.json" in out


def test_cli_provision_errors(
    site: Site, unit: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_provision_args(site, tmp_path / "c")) == 2
    _out, err = capsys.readouterr()
    assert "--unit" in err
    assert main(_provision_args(site, tmp_path / "c", "--unit", "77")) == 3
    _out, err = capsys.readouterr()
    assert "77" in err
    missing_ca = _provision_args(site, tmp_path / "c", "--unit", str(unit))
    del missing_ca[missing_ca.index("--ca") : missing_ca.index("--ca") + 2]
    assert main(missing_ca) == 2
    _out, err = capsys.readouterr()
    assert "CA" in err and "--ca" in err
    not_a_cert = tmp_path / "not-a-cert.pem"
    not_a_cert.write_text("-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n")
    bad_ca = _provision_args(site, tmp_path / "c", "--unit", str(unit))
    bad_ca[bad_ca.index("--ca") + 1] = str(not_a_cert)
    assert main(bad_ca) == 2
    _out, err = capsys.readouterr()
    assert "not-a-cert.pem" in err
    assert not (tmp_path / "c" / "station.json").exists()
    assert (
        main(
            [
                "flash",
                "build",
                "--board",
                "esp32s3",
                "--config",
                str(tmp_path / "c"),
                "--out",
                str(tmp_path / "i"),
            ]
        )
        == 3
    )
    _out, err = capsys.readouterr()
    assert "station.json" in err and "synk flash provision" in err
