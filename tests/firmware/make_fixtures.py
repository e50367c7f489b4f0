"""Writes tests/firmware/fixtures/: signed bundles the portable firmware tests read.

MicroPython cannot build bundles (no `cryptography`, no `construct`), so the
bundles are built here once with tests.factories and committed; the facts the
tests need (times, ids, codes, the authority's public key) go into
fixtures/__init__.py. tests/firmware/test_fixtures_cpython.py fails when the
committed files differ from what this script makes, so they cannot drift.

    python -m tests.firmware.make_fixtures
"""

from __future__ import annotations

from pathlib import Path

from host.station_config import signed_files, station_config
from tests import factories as f

FIXTURES = Path(__file__).resolve().parent / "fixtures"

ANNA = f.KeySpec(10, code="246810", name="Anna", lock_ids=[100, 101, 102])
BERTIL = f.KeySpec(11, code="135790", name="Bertil", lock_ids=[100, 200])
CILLA = f.KeySpec(12, code="111222", name="Cilla", lock_ids=[100, 101, 102], days_without_set=(3,))
NEW_LOCK = 103


def fixture_bundles() -> dict[str, bytes]:
    anna_with_new_lock = f.KeySpec(
        10, code="246810", name="Anna", lock_ids=[100, 101, 102, NEW_LOCK]
    )
    impostor = f.Signer("not the authority")
    return {
        "bundle_serial1.bin": f.bundle([ANNA, BERTIL, CILLA], serial=1),
        # Bertil's key reported lost; a lock installed for Anna's customers.
        "bundle_serial2.bin": f.bundle(
            [anna_with_new_lock, CILLA],
            serial=2,
            blocked=[BERTIL.key_id],
            blocklist_version=2,
            issued_at=f.EPOCH + 3_600,
        ),
        "bundle_unknown_authority.bin": f.bundle([ANNA], serial=3, signer=impostor),
        "bundle_other_station.bin": f.bundle([ANNA], serial=3, station_id=8),
    }


def fixture_config() -> dict[str, bytes]:
    """A station's signed configuration, as `synk flash` writes it."""
    config = station_config(
        station_id=7,
        unit_id=3,
        backoffice_url="http://127.0.0.1:8700",
        credential="station-7-credential",
        authority_keys=[f.AUTHORITY.public],
        support_contact="Bemanningen 010-123 45 67",
    )
    return signed_files(config, f.AUTHORITY.sign, f.AUTHORITY.public)


def facts() -> str:
    lines = [
        '"""Facts about the fixture bundles (written by tests/firmware/make_fixtures.py)."""',
        "",
        f"EPOCH = {f.EPOCH}",
        f"DAY = {f.DAY}",
        f"WINDOW = {f.WINDOW}",
        f"DAY0 = {f.EPOCH - f.EPOCH % f.DAY}",
        f"OFFLINE_UNTIL = {f.EPOCH + 8 * f.DAY}",
        "STATION_ID = 7",
        "UNIT_ID = 3",
        f"AUTHORITY_PUBLIC = bytes.fromhex({f.AUTHORITY.public.hex()!r})",
        f"CODE_ITERATIONS = {f.CODE_ITERATIONS}",
        "# key id: (code, lock ids, public key)",
        "KEYS = {",
    ]
    for spec in (ANNA, BERTIL, CILLA):
        lines.append(
            f"    {spec.key_id}: ({spec.code!r}, {sorted(spec.lock_ids)!r}, "
            f"bytes.fromhex({spec.signer.public.hex()!r})),"
        )
    lines += ["}", f"NEW_LOCK = {NEW_LOCK}", "NO_SET_DAY_OF_12 = 3", "", ""]
    lines += [
        "def read(name):",
        '    """The bytes of the fixture file `name` (it lies beside this file)."""',
        '    with open(__file__.rsplit("/", 1)[0] + "/" + name, "rb") as f:',
        "        return f.read()",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    for name, data in {**fixture_bundles(), **fixture_config()}.items():
        (FIXTURES / name).write_bytes(data)
    (FIXTURES / "__init__.py").write_text(facts())
    print(f"wrote {len(fixture_bundles())} bundles, a station config and facts to {FIXTURES}")


if __name__ == "__main__":
    main()
