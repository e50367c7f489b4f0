"""Authority key files (mode 0600, refused when others may read them) and key rotation."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from firmware.bundle_cache import REJECT_UNKNOWN_AUTHORITY, BundleCache, BundleRejected
from host.backoffice.api import create_app
from host.backoffice.errors import Conflict, Invalid
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site
from host.cli import main
from protocol.records import decode_record, signed_part

from .builders import verifies
from .conftest import World


def _key_files(site: Site) -> list[str]:
    return sorted(p.name for p in site.authority_dir.iterdir())


def test_a_new_site_keeps_its_key_readable_by_its_owner_only(site: Site) -> None:
    assert stat.S_IMODE(site.authority_dir.stat().st_mode) == 0o700
    (name,) = _key_files(site)
    assert stat.S_IMODE((site.authority_dir / name).stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o644])
def test_a_key_file_others_may_read_is_refused(
    site: Site, office: BackOffice, admin: Actor, world: World, mode: int
) -> None:
    (name,) = _key_files(site)
    os.chmod(site.authority_dir / name, mode)
    with pytest.raises(Invalid, match="chmod 600") as refused:
        office.check_authority()
    assert refused.value.key == "authority.insecure"
    with pytest.raises(Invalid):
        create_app(site)
    with pytest.raises(Invalid):
        BackOffice(site).export_bundle(admin, world.station_a)
    status = main(
        [
            "admin",
            "bundle",
            "--site",
            str(site.directory),
            "--station",
            "1",
            "--out",
            str(site.directory / "b.bin"),
        ]
    )
    assert status == 2
    os.chmod(site.authority_dir / name, 0o600)
    office.check_authority()


def test_rotation_signs_with_the_new_key_while_stations_accept_both(
    office: BackOffice, admin: Actor, world: World
) -> None:
    old = office.list_authority_keys(admin)[0]
    first = office.export_bundle(admin, world.station_a)
    new = office.rotate_authority(admin)
    keys = {k["key_id"]: k["state"] for k in office.list_authority_keys(admin)}
    assert keys == {old["key_id"]: "accepted", new["key_id"]: "signing"}

    second = office.export_bundle(admin, world.station_a)
    assert second.serial == first.serial + 1
    bundle = decode_record("bundle", second.data)
    new_public = bytes.fromhex(new["public_key"])
    old_public = bytes.fromhex(old["public_key"])
    assert bundle["authority_key_id"] == hashlib.sha256(new_public).digest()[:8]
    assert verifies(new_public, signed_part("bundle", second.data), bundle["signature"])
    assert decode_record("blocklist", bundle["blocklist"])["authority_key_id"] == bytes.fromhex(
        new["key_id"]
    )

    # The station's own check, with the list of authority keys it was given.
    station = BundleCache(None, world.station_a, world.unit_a, [old_public, new_public], None)
    station.verify(first.data)
    station.verify(second.data)
    only_old = BundleCache(None, world.station_a, world.unit_a, [old_public], None)
    with pytest.raises(BundleRejected) as rejected:
        only_old.verify(second.data)
    assert rejected.value.code == REJECT_UNKNOWN_AUTHORITY

    with pytest.raises(Conflict):
        office.retire_authority_key(admin, new["key_id"])  # the signing key stays
    office.retire_authority_key(admin, old["key_id"])
    keys = {k["key_id"]: k["state"] for k in office.list_authority_keys(admin)}
    assert keys == {old["key_id"]: "retired", new["key_id"]: "signing"}
    with pytest.raises(Conflict):
        office.retire_authority_key(admin, old["key_id"])


def test_rotation_writes_a_second_private_file(
    site: Site, office: BackOffice, admin: Actor
) -> None:
    new = office.rotate_authority(admin)
    assert f"{new['key_id']}.key" in _key_files(site)
    assert len(_key_files(site)) == 2
    for name in _key_files(site):
        assert stat.S_IMODE((site.authority_dir / name).stat().st_mode) == 0o600
