"""A whole site out in open formats, and a new site rebuilt from it: no municipality locked in.

``export_site(site, folder)`` writes, into a new folder (mode 0700):

* ``tables/<table>.csv`` for every table of the schema (staff, keys, locks,
  installations, grants, customers, lock and station events, visits, users,
  the change log, …): UTF-8, ``,``-separated, a header row of column names,
  one row per record. Integers in decimal, booleans ``true``/``false``, bytes
  in hexadecimal, JSON columns as JSON text, NULL as ``\\N`` (a text that
  itself starts with a backslash gets one more in front);
* ``authority/``: the authority key files, so the new site signs as the old
  one did and stations and locks need no new provisioning;
* ``manifest.json``: the format, when, the schema revision, and per table its
  file, columns with their types, row count and SHA-256; which files hold
  secrets.

Every file is created 0600: the export holds the locks' MAC secrets, the
authority's private keys, code verifiers, the keys' pin secrets and password
hashes. Web sessions and sign-in records are left out (they are no data to keep).

``import_site(folder, directory, url)`` checks every file against the
manifest before anything is written, creates the new site's schema, inserts
the tables parent before child in batches, and on PostgreSQL moves each id
sequence past the imported ids. A site directory that already holds a
database is refused. Tables are streamed both ways, so a site with millions
of events needs no more memory than a batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Boolean, LargeBinary, Table, insert, select, text
from sqlalchemy.orm import Session

from host import csvfile
from host.backoffice import authority, db
from host.backoffice.errors import Conflict, Invalid
from host.backoffice.models import Base
from host.backoffice.site import Site
from host.secret_files import private_folder, secret_file, write_secret

FORMAT = "synk-site-export"
VERSION = 1
NULL = "\\N"
BATCH = 5000
LEFT_OUT = ("web_sessions", "sign_in_attempts")  # nothing in them is the site's data
SECRET_TABLES = ("locks", "users", "staff", "keys", "stations")  # keys: their pin_secret
MANIFEST = "manifest.json"


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in LEFT_OUT]


def _private_file(path: Path) -> Any:
    """A new text file readable by its owner only, from the start (never chmod-ed after)."""
    return secret_file(path, "new", encoding="utf-8")


def _copy_private(source: Path, target: Path) -> None:
    write_secret(target, source.read_bytes(), "new")


def _cell(value: Any, column_type: Any) -> str | int:
    if value is None:
        return NULL
    if isinstance(column_type, Boolean):
        return "true" if value else "false"
    if isinstance(column_type, LargeBinary):
        return bytes(value).hex()
    if isinstance(column_type, JSON):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return "\\" + value if value.startswith("\\") else value
    if isinstance(value, int):
        # Left an int: the CSV writer writes its digits as they are, where the text of it
        # would be searched for formulas cell by cell (most of a site's cells are numbers).
        return value
    return str(value)


def _value(cell: str, column_type: Any) -> Any:
    if cell == NULL:
        return None
    if isinstance(column_type, Boolean):
        if cell not in ("true", "false"):
            raise ValueError(f"not a boolean: {cell!r}")
        return cell == "true"
    if isinstance(column_type, LargeBinary):
        return bytes.fromhex(cell)
    if isinstance(column_type, JSON):
        return json.loads(cell)
    python_type = column_type.python_type
    if python_type is int:
        return int(cell)
    return cell[1:] if cell.startswith("\\") else cell


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _revision(site: Site) -> str | None:
    with site.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def export_site(site: Site, folder: Path, now: int) -> dict[str, Any]:
    """Write the export into ``folder`` (which must not exist); returns the manifest."""
    if folder.exists():
        raise FileExistsError(folder)
    private_folder(folder)
    private_folder(folder / "tables")
    tables = []
    with site.sessions() as session:
        for table in _tables():
            path = folder / "tables" / f"{table.name}.csv"
            rows = 0
            with _private_file(path) as handle:
                writer = csvfile.Writer(handle)
                writer.row([c.name for c in table.columns])
                result = session.execute(select(table).order_by(*table.primary_key.columns))
                for row in result.yield_per(BATCH):
                    writer.row(_cell(v, c.type) for v, c in zip(row, table.columns, strict=True))
                    rows += 1
            tables.append(
                {
                    "name": table.name,
                    "file": f"tables/{table.name}.csv",
                    "rows": rows,
                    "sha256": _sha256(path),
                    "columns": [
                        {
                            "name": c.name,
                            "type": str(c.type.compile(site.engine.dialect)),
                            "nullable": bool(c.nullable),
                        }
                        for c in table.columns
                    ],
                }
            )
    keys = []
    private_folder(folder / authority.AUTHORITY_DIR)
    for source in sorted(site.authority_dir.iterdir()):
        target = folder / authority.AUTHORITY_DIR / source.name
        _copy_private(source, target)
        keys.append({"file": f"{authority.AUTHORITY_DIR}/{source.name}", "sha256": _sha256(target)})
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z"),
        "schema_revision": _revision(site),
        "null": NULL,
        "tables": tables,
        "authority_keys": keys,
        "secrets": [f"tables/{name}.csv" for name in SECRET_TABLES] + [key["file"] for key in keys],
    }
    with _private_file(folder / MANIFEST) as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return manifest


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Invalid("export.manifest", folder=folder) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Invalid("export.manifest", folder=folder)
    if manifest.get("version") != VERSION:
        raise Invalid("export.version", version=manifest.get("version"), supported=VERSION)
    return manifest


def check_export(folder: Path) -> dict[str, Any]:
    """The manifest, after every file it names was found whole; else Invalid."""
    manifest = _read_manifest(folder)
    known = {t.name: t for t in _tables()}
    listed = {entry["name"] for entry in manifest["tables"]}
    for name in known:
        if name not in listed:
            raise Invalid("export.table", table=name)
    for entry in manifest["tables"]:
        if entry["name"] not in known:
            raise Invalid("export.table", table=entry["name"])
        expected = [c.name for c in known[entry["name"]].columns]
        if [c["name"] for c in entry["columns"]] != expected:
            raise Invalid("export.columns", table=entry["name"])
    for entry in [*manifest["tables"], *manifest["authority_keys"]]:
        path = folder / entry["file"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise Invalid("export.damaged", file=entry["file"])
    return manifest


def _rows(path: Path, table: Table) -> Iterator[dict[str, Any]]:
    columns = list(table.columns)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csvfile.reader(handle)
        next(reader)
        for number, cells in enumerate(reader, start=2):
            if len(cells) != len(columns):
                raise Invalid("export.row", file=path.name, line=number)
            try:
                yield {c.name: _value(v, c.type) for c, v in zip(columns, cells, strict=True)}
            except ValueError:
                raise Invalid("export.row", file=path.name, line=number) from None


def _reset_sequences(session: Session, tables: list[Table]) -> None:
    """PostgreSQL only: move each serial id's sequence past the imported ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto"
                and column.type.python_type is int
                and len(table.primary_key.columns) == 1
            ):
                sequence = session.scalar(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": column.name},
                )
                if sequence:
                    session.execute(
                        text(
                            f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) "
                            f"FROM {table.name}), 0) + 1, false)"
                        ),
                        {"s": sequence},
                    )


def import_site(folder: Path, directory: Path, url: str | None = None) -> Site:
    """A new site in ``directory`` rebuilt from the export in ``folder``; returns it open."""
    manifest = check_export(folder)
    url = db.database_url(directory, url)
    sqlite_file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if sqlite_file is not None and sqlite_file.exists():
        raise Conflict("site.exists", site=directory)
    private_folder(directory)
    db.create_private_sqlite_file(url)
    site = Site._connect(directory, url)
    try:
        files = {entry["name"]: entry["file"] for entry in manifest["tables"]}
        tables = _tables()  # parents before children, whatever order the manifest lists
        with site.sessions.begin() as session:
            if session.scalar(select(Base.metadata.tables["site_settings"].c.id)) is not None:
                raise Conflict("site.exists", site=directory)
            imported = []
            for table in tables:
                batch: list[dict[str, Any]] = []
                for row in _rows(folder / files[table.name], table):
                    batch.append(row)
                    if len(batch) >= BATCH:
                        session.execute(insert(table), batch)
                        batch = []
                if batch:
                    session.execute(insert(table), batch)
                imported.append(table)
            _reset_sequences(session, imported)
        target = site.authority_dir
        for key in manifest["authority_keys"]:
            source = folder / key["file"]
            _copy_private(source, target / source.name)
    except BaseException:
        site.close()
        if sqlite_file is not None:  # leave no half-built site behind: a new import may start over
            for leftover in (sqlite_file, *(Path(f"{sqlite_file}{s}") for s in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        raise
    return site
