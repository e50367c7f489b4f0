"""Decode every golden vector and print a readable summary of each.

    python -m protocol.show_vectors [--family records_bundle] [--quiet]

Each vector is decoded with the reference codec, compared with its recorded
fields, and encoded back; the last line says how many matched. The exit code
is 0 only when all of them do.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from protocol import constants as k
from protocol.errors import ProtocolError
from protocol.vectors import VECTOR_DIR, Vector, check_vector, decode_vector, load_vectors

WIDTH = 96
MAX_ITEMS = 4  # list entries shown before "(+N more)"


TIME_FIELDS = frozenset(
    {
        "bundle_issued",
        "clock",
        "day0_start",
        "issued_at",
        "last_ack_time",
        "last_upload",
        "not_after",
        "not_before",
        "offline_until",
        "oldest_time",
        "received_at",
        "time",
        "valid_from",
        "valid_until",
    }
)
ENUM_FIELDS: dict[str, type[IntEnum]] = {
    "check": k.SelfTestCheck,
    "kind": k.OutboxKind,
    "last_error": k.Status,
    "obj": k.ObjType,
    "outcome": k.Outcome,
    "reason": k.StationReason,
    "role": k.Role,
    "status": k.Status,
}


def _bytes(data: bytes, count: bool = True) -> str:
    if len(data) <= 16:
        return data.hex() or "(empty)"
    return f"{data[:12].hex()}..{data[-4:].hex()}" + (f" ({len(data)} bytes)" if count else "")


def _field(name: str, value: Any) -> str:
    """A scalar field, with a date for times and a name for enumerations."""
    if isinstance(value, int) and not isinstance(value, bool):
        if name in TIME_FIELDS and value:
            when = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%MZ")
            return f"{value} ({when})"
        enum = ENUM_FIELDS.get(name)
        meaningful = value or name in ("outcome", "status")  # 0 is OPENED / OK there
        if enum is not None and meaningful and value in {int(member) for member in enum}:
            return f"{value} {enum(value).name}"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bytes):
        return _bytes(value)
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return repr(text)
    if isinstance(value, list):
        shown = ", ".join(str(item) for item in value[:8])
        more = f", ... (+{len(value) - 8} more)" if len(value) > 8 else ""
        return f"[{shown}{more}]"
    return str(value)


def _is_nested(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, dict | list | str) for item in value)
    )


def describe(value: Any, indent: int) -> list[str]:
    """Lines showing `value`, scalars packed several to a line."""
    pad = "  " * indent
    if isinstance(value, list):
        lines = []
        for index, item in enumerate(value[:MAX_ITEMS]):
            if _is_nested(item):
                lines.append(f"{pad}[{index}]")
                lines.extend(describe(item, indent + 1))
            else:
                lines.append(f"{pad}[{index}] {_scalar(item)}")
        if len(value) > MAX_ITEMS:
            lines.append(f"{pad}... (+{len(value) - MAX_ITEMS} more)")
        return lines or [f"{pad}(none)"]
    if not isinstance(value, dict):
        return [pad + _scalar(value)]
    lines, line = [], ""
    for name, item in value.items():
        if _is_nested(item):
            if line:
                lines.append(line)
                line = ""
            lines.append(f"{pad}{name}:")
            lines.extend(describe(item, indent + 1))
            continue
        chunk = f"{name}={_field(name, item)}"
        if line and len(line) + 2 + len(chunk) > WIDTH:
            lines.append(line)
            line = ""
        line = f"{line}  {chunk}" if line else pad + chunk
    if line:
        lines.append(line)
    return lines or [f"{pad}(empty)"]


def _set_summary(row: list[dict[str, Any]]) -> str:
    serials = [entry["serial"] for entry in row if entry["valid_until"]]
    lists = ",".join(str(entry["lock_list"]) if entry["valid_until"] else "-" for entry in row)
    span = f"serials {serials[0]}..{serials[-1]}" if serials else "no sets"
    return f"{len(row)} days, {span}, lock lists by day {lists}"


def _decoded(vector: Vector) -> Any:
    decoded = decode_vector(vector)
    if vector.kind == "bundle":
        return {**decoded, "sets": [_set_summary(row) for row in decoded["sets"]]}
    if vector.kind == "crc32":
        return {"crc32": f"{decoded['crc32']:#010x}"}
    if vector.kind == "message":
        decoded = dict(decoded)
        known = decoded["type"] in {int(member) for member in k.MsgType}
        decoded["type"] = (
            f"{decoded['type']:#04x} {k.MsgType(decoded['type']).name}"
            if known
            else f"{decoded['type']:#04x}"
        )
        if decoded["status"]:
            decoded["status"] = f"{decoded['status']} {k.Status(decoded['status']).name}"
    return decoded


def show(vector: Vector, problems: list[str]) -> list[str]:
    mark = "ok  " if not problems else "FAIL"
    pad = "  " * 4
    lines = [
        f"  {mark} {vector.name}",
        f"{pad}{vector.label}, {len(vector.data)} bytes: {_bytes(vector.data, count=False)}",
    ]
    if vector.rejects_field is not None:
        try:
            decode_vector(vector)
        except ProtocolError as err:
            lines.append(f"{pad}refused: {err.field}: {err.message}")
    else:
        try:
            lines.extend(describe(_decoded(vector), 5))
        except ProtocolError as err:
            lines.append(f"{pad}cannot decode: {err}")
    lines.extend(f"{pad}!! {problem}" for problem in problems)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", help="only this file, e.g. records_bundle")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    args = parser.parse_args(argv)
    vectors = [v for v in load_vectors() if args.family in (None, v.family)]
    out = [
        f"synk wire protocol v{k.PROTOCOL_VERSION}: the golden vectors of "
        f"protocol/{VECTOR_DIR.name}/, decoded with the reference codec"
    ]
    failed = refused = 0
    family = None
    for vector in vectors:
        problems = check_vector(vector)
        failed += bool(problems)
        refused += vector.rejects_field is not None
        if args.quiet and not problems:
            continue
        if vector.family != family:
            family = vector.family
            count = sum(v.family == family for v in vectors)
            out.append(f"\n{family}.json ({count} vectors)")
        out.extend(show(vector, problems))
    families = len({v.family for v in vectors})
    out.append("")
    out.append(
        f"{len(vectors) - refused} vectors decoded and re-encoded, {refused} malformed "
        f"inputs refused, from {families} files"
    )
    if failed:
        out.append(f"{len(vectors)} vectors decoded, {failed} MISMATCH")
    else:
        out.append(f"{len(vectors)} vectors decoded, all match")
    print("\n".join(out))
    return 1 if failed or not vectors else 0


if __name__ == "__main__":
    sys.exit(main())
