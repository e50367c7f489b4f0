"""The size budget of SPEC.md section 12, read from SPEC.md itself and checked
against real encodings, so that the document and the code cannot drift."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from protocol import constants as k
from protocol.constants import MsgType
from protocol.framing import FrameDecoder, crc32, encode_frame
from protocol.messages import encode_message
from protocol.records import encode_record

SPEC = (Path(__file__).resolve().parents[2] / "protocol" / "SPEC.md").read_text(encoding="utf-8")


def section(number: str) -> str:
    """The text of SPEC.md's section `number` ("12", "8.4"), up to the next heading."""
    match = re.search(
        rf"^#+ {re.escape(number)}\.? .*?$(.*?)(?=^#+ )", SPEC + "\n# end", re.MULTILINE | re.DOTALL
    )
    assert match, f"no section {number} in SPEC.md"
    return match.group(1)


def number(text: str) -> int:
    """The first number in `text` ("7,216 bytes" -> 7216)."""
    match = re.search(r"\d[\d,]*", text)
    assert match, text
    return int(match.group().replace(",", ""))


def budget_table() -> dict[str, str]:
    rows = [
        line.strip().strip("|").split("|")
        for line in section("12").splitlines()
        if line.startswith("|")
    ]
    return {item.strip(): size.strip() for item, size in rows[2:]}  # after header, rule


def permission_set(locks: int) -> bytes:
    return encode_record(
        "permission_set",
        {
            "format": 1,
            "flags": 0,
            "key_id": 1,
            "key_public": bytes(32),
            "serial": 1,
            "valid_from": 0,
            "valid_until": 1,
            "unit_id": 1,
            "authority_key_id": bytes(8),
            "lock_ids": list(range(1, locks + 1)),
            "signature": bytes(64),
        },
    )


def blocklist(keys: int) -> bytes:
    return encode_record(
        "blocklist",
        {
            "format": 1,
            "flags": 0,
            "version": 1,
            "issued_at": 0,
            "authority_key_id": bytes(8),
            "key_ids": list(range(1, keys + 1)),
            "signature": bytes(64),
        },
    )


EVENT = {
    "format": 1,
    "outcome": 0,
    "lock_id": 1,
    "key_id": 1,
    "time": 0,
    "lock_seq": 1,
    "mac": bytes(16),
}


def audit_batch(events: int) -> bytes:
    return encode_record(
        "audit_batch",
        {"format": 1, "flags": 0, "key_id": 1, "first_seq": 1, "events": [EVENT] * events},
    )


def bundle(keys: int, days: int, locks: int, blocked: int, lists: int = 1) -> bytes:
    entry = {"serial": 1, "valid_from": 0, "valid_until": 1, "lock_list": 0, "signature": bytes(64)}
    return encode_record(
        "bundle",
        {
            "format": 1,
            "flags": 0,
            "unit_id": 1,
            "station_id": 1,
            "serial": 1,
            "issued_at": 0,
            "offline_until": 0,
            "day0_start": 0,
            "days": days,
            "code_iterations": 1000,
            "authority_key_id": bytes(8),
            "signature": bytes(64),
            "lock_lists": [list(range(1 + n * locks, (n + 1) * locks + 1)) for n in range(lists)],
            "keys": [
                {
                    "key_id": key_id,
                    "flags": 0,
                    "key_public": bytes(32),
                    "code_salt": bytes(16),
                    "code_verifier": bytes(16),
                    "display_name": "x",
                }
                for key_id in range(1, keys + 1)
            ],
            "sets": [[entry] * days for _ in range(keys)],
            "blocklist": blocklist(blocked),
        },
    )


def frame_overhead(payload: bytes) -> int:
    body = encode_message(MsgType.OBJ_WRITE, 0x0101, payload)
    return len(encode_frame(body)) - len(payload)


# Payloads without zero bytes give COBS its worst case.
WORST = b"\xff" * k.MAX_PAYLOAD
SAMPLES = [WORST, bytes(k.MAX_PAYLOAD), bytes(range(256)) * 2, b"\x01\x00" * 256]


def overhead_up_to_241() -> int:
    overheads = {frame_overhead(sample[:size]) for size in range(242) for sample in SAMPLES}
    assert len(overheads) == 1, "the same for every payload of up to 241 bytes"
    return overheads.pop()


def zero_free_body(size: int) -> bytes:
    """A body of `size` bytes that, with its CRC, holds no 0x00: COBS's worst case."""
    for fill in range(0xFF, 0, -1):
        body = bytes([fill]) * size
        if 0 not in crc32(body).to_bytes(4, "little"):
            return body
    raise AssertionError("no zero-free body")


def overhead_any_payload() -> int:
    """The most a frame adds to any payload of up to 512 bytes, header included."""
    worst = 0
    for size in range(k.MAX_PAYLOAD + 1):
        worst = max(worst, *(frame_overhead(sample[:size]) for sample in SAMPLES))
        body = zero_free_body(k.HEADER_SIZE + size)  # not a valid message, but a valid frame
        worst = max(worst, len(encode_frame(body)) - size)
    assert frame_overhead(WORST) == worst  # a full payload reaches it
    return worst


BUDGET: dict[str, Callable[[], int]] = {
    "permission set, 40 locks": lambda: len(permission_set(40)),
    "blocklist, 50 keys": lambda: len(blocklist(50)),
    "audit event": lambda: len(encode_record("audit_event", EVENT)),
    "audit batch, 200 events": lambda: len(audit_batch(200)),
    "framing overhead, payload ≤ 241 bytes": overhead_up_to_241,
    "framing overhead, any payload (up to 512 bytes)": overhead_any_payload,
    "bundle, 100 keys × 8 days, 60 locks (one list), empty blocklist": lambda: len(
        bundle(100, 8, 60, 0)
    ),
}


def test_every_row_of_the_table_is_checked() -> None:
    assert set(budget_table()) == set(BUDGET)


@pytest.mark.parametrize("item", BUDGET)
def test_budget_row(item: str) -> None:
    assert BUDGET[item]() == number(budget_table()[item])


def test_bundle_grows_by_4_per_blocked_key_to_the_8_4_total() -> None:
    row = budget_table()["bundle, 100 keys × 8 days, 60 locks (one list), empty blocklist"]
    assert "+ 4 per blocked key" in row
    full = bundle(100, 8, 60, 50)
    assert len(full) == number(row) + 4 * 50
    total = re.search(r"\*\*([\d,]+) bytes\*\*, well under the 128 KiB", section("8.4"))
    assert total and len(full) == number(total.group(1)) <= 128 * 1024


def test_a_station_with_its_borrowing_units_stays_in_the_cache_budget() -> None:
    """Issue 16.1: the limit SPEC.md 8.4 states for a borrowed station, and the one place the
    back office keeps it (host.backoffice.bundles)."""
    from host.backoffice import bundles

    text = " ".join(section("8.4").split())
    match = re.search(r"at most 160 keys in all.*?\*\*([\d,]+) bytes\*\*", text)
    assert match, "SPEC.md 8.4 states the borrowed station's limit"
    served = bundle(bundles.MAX_SERVED_KEYS, 8, 60, 50, lists=bundles.MAX_BORROWING_UNITS + 1)
    assert len(served) == number(match.group(1)) <= 128 * 1024
    assert "up to 3 neighbouring units" in text and bundles.MAX_BORROWING_UNITS == 3


@pytest.mark.parametrize(
    ("spec", "encoded"),
    [
        (r"Budget: 40 locks → (\d+) bytes", lambda: permission_set(40)),
        (r"Budget: 50 keys → (\d+) bytes", lambda: blocklist(50)),
    ],
)
def test_budgets_stated_in_section_8(spec: str, encoded: Callable[[], bytes]) -> None:
    match = re.search(spec, SPEC)
    assert match and len(encoded()) == int(match.group(1))


def test_overhead_formula_of_section_2() -> None:
    """COBS adds at most max(1, ceil(L/254)) bytes, L = body + CRC, for every body size,
    and exactly that when nothing in body and CRC is zero."""
    assert "at most `max(1, ceil(L/254))`" in " ".join(section("2").split())
    for size in range(k.MAX_PAYLOAD + 1):
        body_and_crc = k.HEADER_SIZE + size + k.CRC_SIZE
        bound = max(1, math.ceil(body_and_crc / 254))
        for sample in SAMPLES:
            cobs = frame_overhead(sample[:size]) - k.HEADER_SIZE - k.CRC_SIZE - 1
            assert 1 <= cobs <= bound
        worst = len(encode_frame(zero_free_body(k.HEADER_SIZE + size))) - 1 - body_and_crc
        assert worst == bound


def test_frame_limits_of_section_2() -> None:
    text = " ".join(section("2").split())
    assert f"at most **{k.MAX_BODY} bytes** (8 + {k.MAX_PAYLOAD})" in text
    largest = len(encode_frame(zero_free_body(k.MAX_BODY))) - 1
    assert f"therefore at most {largest} bytes" in text
    assert f"receivers allow up to **{k.MAX_ENCODED_FRAME} bytes**" in text
    assert largest < k.MAX_ENCODED_FRAME
    decoder = FrameDecoder()
    assert decoder.feed(encode_frame(zero_free_body(k.MAX_BODY))) == [zero_free_body(k.MAX_BODY)]
