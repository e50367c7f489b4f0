"""A site exported in open formats and rebuilt from the export, table for table."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from firmware import ed25519
from host.backoffice import site_export
from host.backoffice.errors import Conflict, Invalid
from host.backoffice.models import Base, ChangeLog
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site
from host.cli import main
from protocol.records import decode_record, signed_part

from .conftest import Clock, World


def _everything(site: Site) -> dict[str, list[tuple[Any, ...]]]:
    with site.sessions() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
            if table.name not in site_export.LEFT_OUT
        }


@pytest.fixture
def exported(site: Site, office: BackOffice, admin: Actor, world: World, tmp_path: Path) -> Path:
    office.export_bundle(admin, world.station_a)  # a stored bundle and a blocklist
    office.set_key_state(admin, world.key_a2, "lost", "tappad")
    with site.sessions.begin() as session:  # texts an export must not confuse with NULL
        for detail in ("", "\\N", "\\x", 'a,b;"c"\nd'):
            session.add(
                ChangeLog(
                    at=1,
                    user_id=None,
                    action="note",
                    object_type="test",
                    object_id=None,
                    detail=detail,
                )
            )
    folder = tmp_path / "export"
    site_export.export_site(site, folder, 1_800_000_000)
    return folder


def test_every_table_comes_back_as_it_was(
    site: Site,
    exported: Path,
    tmp_path: Path,
    office: BackOffice,
    admin: Actor,
    world: World,
    second_database: str | None,
) -> None:
    rebuilt = site_export.import_site(exported, tmp_path / "rebuilt", second_database)
    try:
        assert _everything(rebuilt) == _everything(site)
        # The new site signs as the old one: its bundles verify with the same authority.
        new_office = BackOffice(rebuilt, clock=office.clock)
        new_admin = new_office.actor_for(None)
        data = new_office.export_bundle(new_admin, world.station_b).data
        bundle = decode_record("bundle", data)
        authority = bytes.fromhex(office.list_authority_keys(admin)[0]["public_key"])
        assert ed25519.verify(authority, signed_part("bundle", data), bundle["signature"])
        staff = new_office.add_staff(new_admin, world.unit_a, "Ny Person", "592614")[0]
        assert staff["id"] > world.staff_b1  # new rows continue after the imported ids
    finally:
        rebuilt.close()


def test_the_export_is_open_formats_and_owner_only(exported: Path) -> None:
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["format"] == "synk-site-export" and manifest["null"] == "\\N"
    assert stat.S_IMODE(exported.stat().st_mode) == 0o700
    for path in exported.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    for entry in manifest["tables"]:
        path = exported / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == [c["name"] for c in entry["columns"]]
        assert len(rows) - 1 == entry["rows"]
    names = {entry["name"] for entry in manifest["tables"]}
    assert {"staff", "keys", "locks", "grants", "audit_events", "sync_events", "visits"} <= names
    assert "web_sessions" not in names
    assert "tables/locks.csv" in manifest["secrets"]  # the MAC secrets
    assert manifest["authority_keys"] and all(
        k["file"] in manifest["secrets"] for k in manifest["authority_keys"]
    )


def test_a_damaged_export_imports_nothing(
    exported: Path, tmp_path: Path, second_database: str | None
) -> None:
    staff = exported / "tables" / "staff.csv"
    staff.write_text(staff.read_text().replace("Anna", "Anja"))
    with pytest.raises(Invalid) as damaged:
        site_export.import_site(exported, tmp_path / "new", second_database)
    assert damaged.value.key == "export.damaged"
    assert not (tmp_path / "new" / "synk.db").exists()
    # A row that cannot be read, with the checksum made to match: refused, nothing left.
    manifest = json.loads((exported / "manifest.json").read_text())
    keys = exported / "tables" / "keys.csv"
    keys.write_text(keys.read_text() + "not,a,key\n")
    for entry in manifest["tables"]:
        path = exported / entry["file"]
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (exported / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Invalid) as unreadable:
        site_export.import_site(exported, tmp_path / "new", second_database)
    assert unreadable.value.key == "export.row"
    assert not (tmp_path / "new" / "synk.db").exists()


def test_an_existing_site_is_never_overwritten(site: Site, exported: Path) -> None:
    with pytest.raises(Conflict):
        site_export.import_site(exported, site.directory)


def test_cli_export_then_import(
    site: Site,
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    clock: Clock,
    second_database: str | None,
) -> None:
    folder = tmp_path / "cli-export"
    assert main(["admin", "data", "export", str(folder), "--site", str(site.directory)]) == 0
    assert (folder / "manifest.json").exists()
    to = ["--db", second_database] if second_database else []
    new = str(tmp_path / "cli-new")
    assert main(["admin", "data", "import", str(folder), "--site", new, *to]) == 0
    out = capsys.readouterr().out
    assert "cli-new" in out
    rebuilt = Site.open(tmp_path / "cli-new", second_database)
    try:
        assert _everything(rebuilt) == _everything(site)
    finally:
        rebuilt.close()
