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
from protocol._construct import VALUE, ByKind, EmptyOr, Items, Record
from protocol.bundle import (
    HEAD,
    KEY_ENTRY,
    KEYS,
    LOCK_LIST,
    LOCK_LISTS,
    SECTION_ENTRY,
    SET_ENTRY,
    SETS,
)
from protocol.messages import (
    CACHE_INFO,
    CHALLENGE_SIGNED,
    DIAG,
    ERROR_DETAIL,
    HEADER,
    KEY_INFO,
    OUTBOX_INFO,
    PAYLOADS,
    SELFTEST_ENTRY,
    STATION_STATUS,
)
from protocol.record_layouts import (
    AUDIT_BATCH,
    AUDIT_EVENT,
    BLOCKLIST,
    LAYOUTS,
    LOCK_EVENT_RECORD,
    PERMISSION_SET,
    SERVICE_TOKEN,
    STATION_EVENT_RECORD,
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

TABLE_HEADER = "| offset | size | type | field | meaning |"
T = k.MsgType


def _payload(msg_type: k.MsgType, response: bool) -> c.Construct[Any, Any]:
    return PAYLOADS[msg_type, response]


_commit_response = PAYLOADS[T.OBJ_COMMIT, True]
assert isinstance(_commit_response, EmptyOr)

# Every "| offset | size | type | field | meaning |" table of SPEC.md, in the
# order SPEC.md has them, with the layout(s) it describes; a list of
# (name, size) where the layout is not a Record (the frame's content).
FIELD_TABLES: list[tuple[str, Any]] = [
    ("frame content", [("body", None), ("crc", k.CRC_SIZE)]),
    ("header", HEADER),
    ("error detail", ERROR_DETAIL),
    ("HELLO request", _payload(T.HELLO, False)),
    ("KEY_INFO", [_payload(T.HELLO, True), _payload(T.SVC_KEY_INFO, True), KEY_INFO]),
    ("CHALLENGE request", _payload(T.CHALLENGE, False)),
    ("CHALLENGE response", _payload(T.CHALLENGE, True)),
    ("what CHALLENGE signs", CHALLENGE_SIGNED),
    ("AUDIT_ACK request", _payload(T.AUDIT_ACK, False)),
    ("AUDIT_ACK response", _payload(T.AUDIT_ACK, True)),
    ("AUDIT_APPEND request", _payload(T.AUDIT_APPEND, False)),
    ("AUDIT_APPEND response", _payload(T.AUDIT_APPEND, True)),
    ("DIAG response", [_payload(T.DIAG, True), DIAG]),
    ("SET_BAUD request", _payload(T.SET_BAUD, False)),
    ("PIN_PROOF request", _payload(T.PIN_PROOF, False)),
    ("PIN_PROOF response", _payload(T.PIN_PROOF, True)),
    ("OBJ_BEGIN request", _payload(T.OBJ_BEGIN, False)),
    ("OBJ_WRITE request", _payload(T.OBJ_WRITE, False)),
    (
        "OBJ_BEGIN and OBJ_WRITE response",
        [_payload(T.OBJ_BEGIN, True), _payload(T.OBJ_WRITE, True)],
    ),
    ("OBJ_COMMIT request", _payload(T.OBJ_COMMIT, False)),
    ("OBJ_COMMIT response", _commit_response.record),
    ("OBJ_STAT request", _payload(T.OBJ_STAT, False)),
    ("OBJ_STAT response", _payload(T.OBJ_STAT, True)),
    ("OBJ_READ request", _payload(T.OBJ_READ, False)),
    ("OBJ_READ response", _payload(T.OBJ_READ, True)),
    ("STATION_STATUS", [_payload(T.SVC_STATUS, True), STATION_STATUS]),
    ("CACHE_INFO", [_payload(T.SVC_CACHE_INFO, True), CACHE_INFO]),
    ("OUTBOX_INFO", [_payload(T.SVC_OUTBOX_INFO, True), OUTBOX_INFO]),
    ("SVC_LOG_TAIL request", _payload(T.SVC_LOG_TAIL, False)),
    ("SVC_LOG_TAIL response", _payload(T.SVC_LOG_TAIL, True)),
    ("SVC_AUDIT_READ request", _payload(T.SVC_AUDIT_READ, False)),
    ("SVC_AUDIT_READ response", _payload(T.SVC_AUDIT_READ, True)),
    ("SVC_SELFTEST response", _payload(T.SVC_SELFTEST, True)),
    ("selftest entry", SELFTEST_ENTRY),
    ("SVC_SET_CLOCK request", _payload(T.SVC_SET_CLOCK, False)),
    ("SVC_CLEAR_OUTBOX request", _payload(T.SVC_CLEAR_OUTBOX, False)),
    ("SVC_CLEAR_OUTBOX response", _payload(T.SVC_CLEAR_OUTBOX, True)),
    ("SVC_FACTORY_RESET request", _payload(T.SVC_FACTORY_RESET, False)),
    ("SVC_MAINTENANCE request", _payload(T.SVC_MAINTENANCE, False)),
    ("permission set", PERMISSION_SET),
    ("blocklist", BLOCKLIST),
    ("audit event", AUDIT_EVENT),
    ("audit batch", AUDIT_BATCH),
    ("bundle head", HEAD),
    ("bundle section table entry", SECTION_ENTRY),
    ("bundle LOCK_LISTS section", LOCK_LISTS),
    ("bundle lock list", LOCK_LIST),
    ("bundle KEYS section", KEYS),
    ("bundle key entry", KEY_ENTRY),
    ("bundle SETS section", SETS),
    ("bundle set entry", SET_ENTRY),
    ("service token", SERVICE_TOKEN),
    ("upload batch", UPLOAD_BATCH),
    ("outbox record, lock event", LOCK_EVENT_RECORD),
    ("outbox record, station event", STATION_EVENT_RECORD),
]
# Layout names that SPEC.md writes differently (hidden counts, a focused value).
ALIASES = {
    "lock_list_count": "count",
    "key_count": "count",
    "set_keys": "keys",
    VALUE: "lock_ids",
}


def field_tables() -> list[list[list[str]]]:
    tables = []
    for i, line in enumerate(LINES):
        if line.startswith("| offset |"):
            assert line == TABLE_HEADER, f"SPEC.md line {i + 1}: a layout table has {TABLE_HEADER}"
            tables.append(table_rows("\n".join(LINES[i:]), "| offset"))
    return tables


def _size(text: str) -> int | None:
    """ "4" -> 4, "44 × 4" -> 176, "4n" or "…" -> None."""
    if re.fullmatch(r"\d+", text):
        return int(text)
    product = re.fullmatch(r"(\d+) × (\d+)", text)
    return int(product.group(1)) * int(product.group(2)) if product else None


def layout_fields(layout: Any) -> list[tuple[str, int | None]]:
    """(name, size) of each field of a Record; reserved padding is "reserved"."""
    if isinstance(layout, list) and isinstance(layout[0], tuple):
        return list(layout)
    fields = []
    for sub in layout.subcons:
        name = (sub.name or "reserved").lstrip("_") if sub.name != VALUE else VALUE
        try:
            size: int | None = sub.sizeof()
        except c.SizeofError:
            size = None
        fields.append((ALIASES.get(name, name), size))
    return fields


def test_there_are_as_many_field_tables_as_layouts() -> None:
    assert len(field_tables()) == len(FIELD_TABLES)


def _layouts(described: Any) -> list[Any]:
    if isinstance(described, list):
        return [item for item in described if not isinstance(item, tuple)]
    return [described]


def test_every_layout_has_a_table() -> None:
    """Every payload, record and bundle part (and what CHALLENGE signs) is in a table."""
    covered = {id(layout) for _, described in FIELD_TABLES for layout in _layouts(described)}
    for (msg_type, response), payload in PAYLOADS.items():
        layout: Any = payload.record if isinstance(payload, EmptyOr) else payload
        if layout.subcons:  # an empty payload has no table
            assert id(layout) in covered, f"{msg_type.name} {response}: no table"
    for kind, layout in LAYOUTS.items():
        cases = layout.cases.values() if isinstance(layout, ByKind) else [layout]
        assert all(id(case) in covered for case in cases), f"{kind}: no table"
    for layout in (HEAD, SECTION_ENTRY, LOCK_LISTS, LOCK_LIST, KEYS, KEY_ENTRY, SETS, SET_ENTRY):
        assert id(layout) in covered
    for layout in (CHALLENGE_SIGNED, ERROR_DETAIL, SELFTEST_ENTRY, HEADER):
        assert id(layout) in covered


@pytest.mark.parametrize(("index", "what"), [(i, what) for i, (what, _) in enumerate(FIELD_TABLES)])
def test_field_table_matches_layout(index: int, what: str) -> None:
    rows = field_tables()[index]
    if what == "bundle head":
        rows = rows[:-1]  # the last row is the sections' data, after the head
    assert all(len(row) == 5 for row in rows), f"{what}: offset, size, type, field, meaning"
    documented = []
    offset = 0
    for row in rows:
        name = row[3]
        assert re.fullmatch(r"[a-z0-9_]+", name), f"{what}: field {name!r}"
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
    for layout in _layouts(FIELD_TABLES[index][1]) or [FIELD_TABLES[index][1]]:
        expected = layout_fields(layout)
        assert documented == [name for name, _ in expected], what
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
