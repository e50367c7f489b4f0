"""Visit registrations from the time-and-effort system: the CSV format, its checks, the import.

The central sample (seed 000, section 4) compares the visits registered in the
municipality's time-and-effort system with the lock events synk holds. Those
visits come in as the system's CSV export:

============== ==============================================================
column         content
============== ==============================================================
customer_ref   the customer's pseudonymous reference, as registered in synk
staff_ref      the staff member's synk id (digits), or their full name, which
               must be unique among the staff of the customer's provider
start          when the visit began: ISO date and time, Swedish local time
               unless an offset is given (``2026-03-16 08:05``,
               ``2026-03-16T08:05:00+01:00``)
end            when it ended: after ``start``, at most 24 hours later
registered_by  how the visit was registered: ``lock`` (digital lock, also
               ``lås``), ``nfc`` (NFC tag) or ``manual`` (also ``manuell``)
============== ==============================================================

The header row is required; names are case-insensitive, in any order, and
other columns are ignored. Fields are separated by commas or semicolons (as a
Swedish spreadsheet writes them); the file is UTF-8 (a BOM is allowed), else
read as Windows-1252. Row numbers are those a spreadsheet shows: the header
is row 1, a blank line is a row too, and a quoted field with line breaks
stays in its row.

Good rows are stored, bad rows are reported by number with what is wrong, and
nothing else is lost. A visit is identified by its natural key (customer,
staff member, start): a row whose visit is already stored with the same end
and method changes nothing, one with another end or method corrects it. So
importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from host.backoffice import messages
from host.backoffice.errors import Invalid
from host.backoffice.models import Customer, Staff, Unit, Visit
from host.backoffice.timeutil import parse_time

COLUMNS = ("customer_ref", "staff_ref", "start", "end", "registered_by")
METHODS = ("lock", "nfc", "manual")
METHOD_ALIASES = {
    "lock": "lock",
    "lås": "lock",
    "nfc": "nfc",
    "manual": "manual",
    "manuell": "manual",
}
MAX_VISIT_S = 24 * 3600
MAX_ROWS = 500_000
U32_MAX = 0xFFFFFFFF
_CHUNK = 400


@dataclass(frozen=True)
class RowError:
    """A refused row: its number and what is wrong, as catalogue ``key`` with its ``values``
    (the web page shows it in its language; ``message`` is "svenska / English")."""

    row: int
    key: str
    values: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return messages.text(self.key, **self.values)


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": e.row, "message": e.message} for e in self.errors],
        }


@dataclass(frozen=True)
class _Checked:
    row: int
    customer_id: int
    staff_id: int
    start: int
    end: int
    registered_by: str

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.customer_id, self.staff_id, self.start)


class _RowInvalid(Exception):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The data rows of an export as (row number, {column: text}); Invalid for a bad header."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise Invalid("visits.empty") from None
    names = [name.strip().casefold() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise Invalid("visits.columns", missing=", ".join(missing), columns=", ".join(COLUMNS))
    where = {column: names.index(column) for column in COLUMNS}
    rows: list[tuple[int, dict[str, str]]] = []
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise Invalid("visits.too_many", max=MAX_ROWS)
            rows.append(
                (number, {c: cells[i].strip() if i < len(cells) else "" for c, i in where.items()})
            )
    except csv.Error as err:
        raise Invalid("visits.csv", row=number + 1, reason=str(err)) from None
    return rows


def _time(value: object, column: str) -> int:
    if isinstance(value, bool):
        raise _RowInvalid("visits.time", column=column, value=value)
    if isinstance(value, int):
        seconds = value
    else:
        text = str(value).strip()
        if len(text) <= 10:  # a date alone: a visit needs its clock time
            raise _RowInvalid("visits.time", column=column, value=text)
        try:
            seconds = parse_time(text)
        except Invalid:
            raise _RowInvalid("visits.time", column=column, value=text) from None
    if not 0 <= seconds <= U32_MAX:
        raise _RowInvalid("visits.time", column=column, value=value)
    return seconds


class _Lookup:
    """Customers and staff named by a batch of rows, read once."""

    def __init__(self, session: Session, rows: list[tuple[int, Mapping[str, object]]]) -> None:
        refs = sorted({str(r.get("customer_ref") or "").strip() for _, r in rows} - {""})
        self.customers: dict[str, Customer] = {}
        for i in range(0, len(refs), _CHUNK):
            found = session.scalars(
                select(Customer).where(Customer.reference.in_(refs[i : i + _CHUNK]))
            )
            self.customers.update({c.reference: c for c in found})
        providers = {c.provider_id for c in self.customers.values()}
        self.staff_by_id: dict[int, tuple[Staff, int]] = {}
        self.staff_by_name: dict[tuple[int, str], list[int]] = {}
        found_staff = session.execute(
            select(Staff, Unit.provider_id)
            .join(Unit, Unit.id == Staff.unit_id)
            .where(Unit.provider_id.in_(providers))
        )
        for staff, provider_id in found_staff:
            self.staff_by_id[staff.id] = (staff, provider_id)
            self.staff_by_name.setdefault((provider_id, staff.name.casefold()), []).append(staff.id)
        wanted_ids = {
            int(str(r.get("staff_ref")).strip())
            for _, r in rows
            if str(r.get("staff_ref") or "").strip().isdigit()
        } - set(self.staff_by_id)
        wanted = sorted(i for i in wanted_ids if i <= U32_MAX)
        for i in range(0, len(wanted), _CHUNK):
            others = session.execute(
                select(Staff, Unit.provider_id)
                .join(Unit, Unit.id == Staff.unit_id)
                .where(Staff.id.in_(wanted[i : i + _CHUNK]))
            )
            for staff, provider_id in others:
                self.staff_by_id[staff.id] = (staff, provider_id)

    def staff(self, ref: object, customer: Customer) -> int:
        text = str(ref if ref is not None else "").strip()
        if not text:
            raise _RowInvalid("visits.missing", column="staff_ref")
        if isinstance(ref, int) or text.isdigit():
            found = self.staff_by_id.get(int(text))
            if found is None:
                raise _RowInvalid("visits.staff_unknown", ref=text)
            if found[1] != customer.provider_id:
                raise _RowInvalid("visits.staff_other_provider", ref=text)
            return found[0].id
        ids = self.staff_by_name.get((customer.provider_id, text.casefold()), [])
        if not ids:
            raise _RowInvalid("visits.staff_unknown", ref=text)
        if len(ids) > 1:
            raise _RowInvalid("visits.staff_ambiguous", ref=text, ids=", ".join(map(str, ids)))
        return ids[0]


def _check(row: int, values: Mapping[str, object], lookup: _Lookup, unit: int | None) -> _Checked:
    ref = str(values.get("customer_ref") or "").strip()
    if not ref:
        raise _RowInvalid("visits.missing", column="customer_ref")
    customer = lookup.customers.get(ref)
    if customer is None:
        raise _RowInvalid("visits.customer_unknown", ref=ref)
    if unit is not None and customer.unit_id != unit:
        raise _RowInvalid("visits.customer_other_unit", ref=ref)
    staff_id = lookup.staff(values.get("staff_ref"), customer)
    for column in ("start", "end"):
        if values.get(column) in (None, ""):
            raise _RowInvalid("visits.missing", column=column)
    start = _time(values["start"], "start")
    end = _time(values["end"], "end")
    if end <= start:
        raise _RowInvalid("visits.end_before_start")
    if end - start > MAX_VISIT_S:
        raise _RowInvalid("visits.too_long")
    method_text = str(values.get("registered_by") or "").strip()
    method = METHOD_ALIASES.get(method_text.casefold())
    if method is None:
        raise _RowInvalid("visits.method", value=method_text, methods=", ".join(METHODS))
    return _Checked(row, customer.id, staff_id, start, end, method)


def import_rows(
    session: Session,
    rows: Iterable[tuple[int, Mapping[str, object]]],
    unit: int | None,
    user_id: int | None,
    now: int,
) -> ImportResult:
    """Check and store numbered rows in ``session`` (the caller commits).

    ``unit``: the only unit whose customers the caller may register visits
    for (a unit manager's), None for all.
    """
    numbered = list(rows)
    result = ImportResult(rows=len(numbered))
    lookup = _Lookup(session, numbered)
    good: dict[tuple[int, int, int], _Checked] = {}
    for number, values in numbered:
        try:
            checked = _check(number, values, lookup, unit)
        except _RowInvalid as err:
            result.errors.append(RowError(number, err.key, err.values))
            continue
        earlier = good.get(checked.key)
        if earlier is None:
            good[checked.key] = checked
        elif (earlier.end, earlier.registered_by) == (checked.end, checked.registered_by):
            result.unchanged += 1  # the same visit twice in one file
        else:
            result.errors.append(RowError(number, "visits.duplicate", {"first": earlier.row}))
    keys = list(good)
    stored: dict[tuple[int, int, int], Visit] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        found = session.scalars(
            select(Visit).where(tuple_(Visit.customer_id, Visit.staff_id, Visit.start).in_(chunk))
        )
        stored.update({(v.customer_id, v.staff_id, v.start): v for v in found})
    new = []
    for key, checked in good.items():
        visit = stored.get(key)
        if visit is None:
            new.append(
                Visit(
                    customer_id=checked.customer_id,
                    staff_id=checked.staff_id,
                    start=checked.start,
                    end=checked.end,
                    registered_by=checked.registered_by,
                    imported_at=now,
                    imported_by=user_id,
                )
            )
        elif (visit.end, visit.registered_by) != (checked.end, checked.registered_by):
            visit.end = checked.end
            visit.registered_by = checked.registered_by
            visit.imported_at = now
            visit.imported_by = user_id
            result.updated += 1
        else:
            result.unchanged += 1
    session.add_all(new)
    result.added = len(new)
    result.errors.sort(key=lambda e: e.row)
    return result
