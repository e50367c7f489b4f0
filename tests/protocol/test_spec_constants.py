"""SPEC.md's tables and enumerations, parsed from the markdown, against
protocol.constants and the construct layouts: the document and the code
cannot drift apart."""

from __future__ import annotations

import re
from enum import IntEnum
from pathlib import Path
from typing import Any

import construct as c
import pytest

from protocol import constants as k
from protocol._construct import ByKind, EmptyOr, Items, Record
from protocol.bundle import HEAD, KEY_ENTRY, SET_ENTRY
from protocol.messages import DIAG, HEADER, KEY_INFO, PAYLOADS, STATION_STATUS
from protocol.record_layouts import (
    AUDIT_BATCH,
    AUDIT_EVENT,
    BLOCKLIST,
    PERMISSION_SET,
    SERVICE_TOKEN,
    UPLOAD_BATCH,
)

SPEC = (Path(__file__).resolve().parents[2] / "protocol" / "SPEC.md").read_text(encoding="utf-8")
LINES = SPEC.splitlines()


def section(number: str) -> str:
    match = re.search(
        rf"^#+ {re.escape(number)}\.? .*?$(.*?)(?=^#+ )", SPEC + "\n# end", re.MULTILINE | re.DOTALL
    )
    assert match, f"no section {number} in SPEC.md"
    return match.group(1)


def table_rows(text: str, header_starts: str) -> list[list[str]]:
    """The body rows of the first table in `text` whose header starts with `header_starts`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_starts))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def named_numbers(text: str) -> dict[str, int]:
    """`3 `NAME`` pairs in running text."""
    return {name: int(value) for value, name in re.findall(r"(\d+)\s+`([A-Z_]+)`", text)}


def members(enum: type[IntEnum]) -> dict[str, int]:
    return {member.name: int(member) for member in enum}


def test_message_types_of_section_4() -> None:
    rows = table_rows(section("4"), "| type | name")
    assert {row[1].strip("`"): int(row[0], 16) for row in rows} == members(k.MsgType)


def test_status_codes_of_section_10() -> None:
    rows = table_rows(section("10"), "| code | name")
    assert {row[1].strip("`"): int(row[0]) for row in rows} == members(k.Status)


def test_object_types_of_section_6() -> None:
    rows = table_rows(section("6"), "| object type | name")
    assert [int(row[0]) for row in rows] == [int(t) for t in k.ObjType]
    names = [row[1].split(" (")[0].replace(" ", "_").upper() for row in rows]
    assert names == [t.name for t in k.ObjType]


def test_outcomes_of_section_8_3() -> None:
    outcomes = re.search(r"Outcomes: (.*?)The lock secret", section("8.3"), re.DOTALL)
    assert outcomes and named_numbers(outcomes.group(1)) == members(k.Outcome)


def test_station_reasons_of_section_9_2() -> None:
    reasons = re.search(r"Station reasons: (.*?)\n\n", section("9.2"), re.DOTALL)
    assert reasons and named_numbers(reasons.group(1)) == members(k.StationReason)


def test_section_ids_of_section_8_4() -> None:
    ids = re.search(r"The ids are (.*?), in that order", section("8.4"))
    assert ids and named_numbers(ids.group(1)) == members(k.SectionId)


def _described(text: str) -> dict[str, int]:
    """ "1 bad signature, 2 expired" -> {"BAD_SIGNATURE": 1, "EXPIRED": 2}."""
    return {
        name.strip().replace(" ", "_").upper(): int(value)
        for value, name in re.findall(r"(\d+) ([a-z][a-z ]*[a-z])", text)
    }


def test_token_refusals_and_permissions() -> None:
    refusals = re.search(r"`TOKEN_INVALID` with detail: (.*?)\.", section("7"), re.DOTALL)
    assert refusals and _described(refusals.group(1).replace("\n", " ")) == members(k.TokenRefusal)
    bits = re.search(r"\| permissions \| (.*?) \|", section("8.5"))
    assert bits
    described = {
        name.strip().replace(" ", "_").upper(): 1 << int(bit)
        for bit, name in re.findall(r"bit (\d+) ([a-z ]+)", bits.group(1))
    }
    assert described == {p.name: int(p) for p in k.TokenPermission}


def test_every_capitalised_name_in_the_spec_is_known() -> None:
    known = {
        m.name
        for enum in (k.MsgType, k.Status, k.Outcome, k.StationReason, k.SectionId)
        for m in enum
    }
    known |= {
        "KEY_INFO",
        "STATION_STATUS",
        "CACHE_INFO",
        "OUTBOX_INFO",
        "RESPONSE",
        "ERROR",
        "CRC32",
        "SKPS",
        "SKBL",
        "SKAB",
        "SKSB",
        "SKST",
        "SKUP",
    }
    assert set(re.findall(r"`([A-Z][A-Z0-9_]+)`", SPEC)) <= known


def test_magics_and_constants() -> None:
    for magic in (
        k.MAGIC_PERMISSION_SET,
        k.MAGIC_BLOCKLIST,
        k.MAGIC_AUDIT_BATCH,
        k.MAGIC_BUNDLE,
        k.MAGIC_SERVICE_TOKEN,
        k.MAGIC_UPLOAD_BATCH,
    ):
        assert f"`{magic.decode()}`" in SPEC
    assert f"version {k.PROTOCOL_VERSION}" in LINES[0]
    assert f"payload {k.MAX_PAYLOAD} bytes" in section("1")
    assert f"message {k.NFC_MAX_MESSAGE} bytes, payload {k.NFC_MAX_PAYLOAD}" in section("1")
    assert "(AID F0 'SYNK01')" in SPEC and k.NFC_AID == b"\xf0SYNK01"
    assert f'"{k.AUTH_CONTEXT.decode()}" ({len(k.AUTH_CONTEXT)} ASCII bytes)' in SPEC
    assert "Rates: " + ", ".join(str(rate) for rate in k.BAUD_RATES) + "." in SPEC
    assert "bit 0 `RESPONSE`, bit 1 `ERROR`" in SPEC
    assert (k.FLAG_RESPONSE, k.FLAG_ERROR) == (1 << 0, 1 << 1)
    assert f"0–{k.MAX_ERROR_TEXT} bytes of UTF-8 text" in SPEC
    assert f"n, 0–{k.MAX_LOCK_IDS}" in section("8.1")
    assert f"n, 0–{k.MAX_BLOCKED_KEYS}" in section("8.2")


# --------------------------------------------- field tables vs. layouts

# The tables with "| offset | size | type | field", in the order SPEC.md has them.
FIELD_TABLES: list[tuple[str, c.Construct[Any, Any]]] = [
    ("header", HEADER),
    ("HELLO request", PAYLOADS[k.MsgType.HELLO, False]),
    ("KEY_INFO", KEY_INFO),
    ("DIAG response", DIAG),
    ("STATION_STATUS", STATION_STATUS),
    ("permission set", PERMISSION_SET),
    ("blocklist", BLOCKLIST),
    ("audit event", AUDIT_EVENT),
    ("audit batch", AUDIT_BATCH),
    ("bundle head", HEAD),
    ("bundle KEYS entry", KEY_ENTRY),
    ("bundle SETS entry", SET_ENTRY),
    ("service token", SERVICE_TOKEN),
    ("upload batch", UPLOAD_BATCH),
]
ALIASES = {"section table": "sections"}  # the bundle head's table is `sections` in dicts


def field_tables() -> list[list[list[str]]]:
    tables = []
    for i, line in enumerate(LINES):
        if line.startswith("| offset | size | type | field"):
            tables.append(table_rows("\n".join(LINES[i:]), "| offset"))
    return tables


def _size(text: str) -> int | None:
    """ "4" -> 4, "44 × 4" -> 176, "4n" or "…" -> None."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    product = re.fullmatch(r"(\d+) × (\d+)", text)
    return int(product.group(1)) * int(product.group(2)) if product else None


def layout_fields(layout: c.Construct[Any, Any]) -> list[tuple[str, int | None]]:
    """(name, size) of each field of a Record; reserved padding is "reserved"."""
    fields = []
    for sub in layout.subcons:  # type: ignore[attr-defined]
        name = (sub.name or "reserved").lstrip("_")
        try:
            size: int | None = sub.sizeof()
        except c.SizeofError:
            size = None
        fields.append((name, size))
    return fields


def test_there_are_as_many_field_tables_as_layouts() -> None:
    assert len(field_tables()) == len(FIELD_TABLES)


@pytest.mark.parametrize(("index", "what"), [(i, what) for i, (what, _) in enumerate(FIELD_TABLES)])
def test_field_table_matches_layout(index: int, what: str) -> None:
    rows = field_tables()[index]
    if what == "bundle head":
        rows = rows[:-1]  # the last row is the sections' data, after the head
    layout = FIELD_TABLES[index][1]
    expected = layout_fields(layout)
    documented = []
    offset = 0
    for row in rows:
        name = row[3].split(" ")[0].rstrip(":,") if row[3] not in ALIASES else ALIASES[row[3]]
        documented.append(name)
        size = _size(row[1])
        if row[0].isdigit():
            assert int(row[0]) == offset, f"{what}.{name}: offset"
        if size is not None:
            type_size = {"u8": 1, "i8": 1, "u16": 2, "u32": 4}.get(row[2])
            assert type_size in (None, size), f"{what}.{name}: type {row[2]} vs size {size}"
            offset += size
        else:
            offset = -1  # offsets after a variable part are formulas
    assert documented == [name for name, _ in expected]
    for row, (name, size) in zip(rows, expected, strict=True):
        if _size(row[1]) is not None:
            assert size == _size(row[1]), f"{what}.{name}: size"


def _names(con: Any) -> set[str]:
    """Every field name inside a layout, nested ones and hidden counts included."""
    names: set[str] = set()
    if isinstance(con, c.Renamed) and con.name:
        names.add(con.name.lstrip("_"))
    if isinstance(con, EmptyOr):
        return names | _names(con.record)
    if isinstance(con, ByKind):
        return names.union(*(_names(case) for case in con.cases.values()))
    if isinstance(con, Record):
        return names.union(*(_names(sub) for sub in con.subcons))
    if isinstance(con, c.Renamed | Items):
        return names | _names(con.subcon)
    return names


def _payload_tables() -> list[list[str]]:
    return table_rows(section("6"), "| message | request payload") + table_rows(
        section("7"), "| type | request payload"
    )


@pytest.mark.parametrize("row", _payload_tables(), ids=lambda row: row[0].split("`")[1])
def test_payload_tables_of_sections_6_and_7(row: list[str]) -> None:
    """Typed fields in the tables exist in the layouts; stated sizes match."""
    msg_type = k.MsgType[row[0].split("`")[1]]
    for cell, response in ((row[1], False), (row[2], True)):
        layout = PAYLOADS[msg_type, response]
        names = _names(layout)
        for name in re.findall(r"`(?:u8|u16|u32|i8|bytes\[\d+\]) (\w+)`", cell):
            assert name in names, f"{msg_type.name}: {name} not in the layout"
        stated = re.search(r"\((\d+)\)(?:, below)?$", cell)  # "... (40)", "`X` (52), below"
        if stated:
            assert layout.sizeof() == int(stated.group(1)), f"{msg_type.name} size"
        if cell == "empty":
            assert layout.build({}) == b""
