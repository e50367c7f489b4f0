"""Audit records as rows: a key's waiting events and a station's outbox, and the export rule.

Rows have the same columns in the table, ``--csv`` and ``--json``. A station's
rows carry the record's bytes (``raw``, hex) and the station id, so that an
export proves itself: ``clear-outbox --through N --exported FILE`` clears
only when every record the station holds up to index N is in FILE, byte for
byte, from this station. That is the rule for clearing without the back
office: the records leave the station only after they are somewhere else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from host import csvfile
from host.diag.errors import EXIT_USAGE, DiagError
from host.diag.output import iso_local
from host.diag.station import OutboxRecord
from protocol.constants import OutboxKind, Outcome, StationReason

KEY_COLUMNS = (
    ("key_seq", "col.key_seq"),
    ("time_local", "col.time"),
    ("lock_id", "col.lock_id"),
    ("outcome", "col.outcome"),
    ("lock_seq", "col.lock_seq"),
)
STATION_COLUMNS = (
    ("index", "col.index"),
    ("kind", "col.kind"),
    ("time_local", "col.time"),
    ("key_id", "col.key_id"),
    ("lock_id", "col.lock_id"),
    ("what", "col.what"),
    ("detail", "col.detail"),
    ("lock_seq", "col.lock_seq"),
)


def _name(enum: type[Outcome] | type[StationReason], code: int) -> str:
    try:
        return enum(code).name
    except ValueError:
        return str(code)


def key_rows(batch: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per event of an audit batch, oldest first, with its key sequence number."""
    rows = []
    for i, event in enumerate(batch["events"]):
        rows.append(
            {
                "key_id": batch["key_id"],
                "key_seq": int(batch["first_seq"]) + i,
                "time": event["time"],
                "time_local": iso_local(int(event["time"])),
                "lock_id": event["lock_id"],
                "outcome": _name(Outcome, int(event["outcome"])),
                "outcome_code": event["outcome"],
                "lock_seq": event["lock_seq"],
                "mac": bytes(event["mac"]).hex(),
            }
        )
    return rows


def station_rows(station_id: int, records: Sequence[OutboxRecord]) -> list[dict[str, Any]]:
    """One row per outbox record (SPEC.md 9.2): lock events and station events alike."""
    rows = []
    for record in records:
        fields = record.fields
        row: dict[str, Any] = {"station_id": station_id, "index": record.index}
        if fields["kind"] == OutboxKind.LOCK_EVENT:
            event = fields["event"]
            row |= {
                "kind": "lock_event",
                "time": event["time"],
                "time_local": iso_local(int(event["time"])),
                "key_id": event["key_id"],
                "lock_id": event["lock_id"],
                "what": _name(Outcome, int(event["outcome"])),
                "code": event["outcome"],
                "detail": None,
                "lock_seq": event["lock_seq"],
                "received_at": fields["received_at"],
            }
        else:
            row |= {
                "kind": "station_event",
                "time": fields["time"],
                "time_local": iso_local(int(fields["time"])),
                "key_id": fields["key_id"] or None,
                "lock_id": None,
                "what": _name(StationReason, int(fields["reason"])),
                "code": fields["reason"],
                "detail": fields["detail"],
                "lock_seq": None,
                "received_at": None,
            }
        row["raw"] = record.raw.hex()
        rows.append(row)
    return rows


def read_export(path: Path) -> tuple[set[int], dict[int, bytes]]:
    """(station ids named, index -> record bytes) of an export made by ``synk diag audit``."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DiagError("clear.export_unreadable", EXIT_USAGE, path=path, reason=err) from None
    try:
        rows = _rows(content)
        stations = {
            int(row["station_id"]) for row in rows if row.get("station_id") not in ("", None)
        }
        records = {int(row["index"]): bytes.fromhex(str(row["raw"])) for row in rows}
    except (KeyError, TypeError, ValueError) as err:
        reason = f"{type(err).__name__}: {err}"
        raise DiagError("clear.export_unreadable", EXIT_USAGE, path=path, reason=reason) from None
    return stations, records


def _rows(content: str) -> list[dict[str, Any]]:
    if content.lstrip().startswith("{"):
        data = json.loads(content)
        rows = data["records"]
        if not isinstance(rows, list):
            raise TypeError("records is not a list")
        return [dict(row) for row in rows]
    return [dict(row) for row in csvfile.read_records(content)]


def check_exported(
    path: Path, station_id: int, records: Sequence[OutboxRecord], through: int
) -> list[OutboxRecord]:
    """The station's records up to ``through``, once the export at ``path`` is seen to hold them."""
    wanted = [record for record in records if record.index <= through]
    stations, exported = read_export(path)
    others = stations - {station_id}
    if others:
        raise DiagError(
            "clear.other_station",
            EXIT_USAGE,
            path=path,
            exported=", ".join(str(s) for s in sorted(others)),
            station=station_id,
        )
    missing = [record.index for record in wanted if exported.get(record.index) != record.raw]
    if missing:
        raise DiagError(
            "clear.not_exported",
            EXIT_USAGE,
            count=len(missing),
            through=through,
            path=path,
            first=missing[0],
        )
    return wanted
