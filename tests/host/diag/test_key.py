"""``synk diag info|key|audit`` against the emulator's USB key reader with a VirtualKey in it.

The expected values come from the key itself (its KEY_INFO, its events), and
the key's audit trail must be exactly as long after the reads as before: the
tool never acknowledges anything.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from emulator.usb_key_reader import UsbKeyReader
from emulator.virtual_key import VirtualKey, sample_events
from host.diag import commands
from host.diag.session import Options, Session
from protocol.constants import MsgType, ObjType, Role, Status
from protocol.messages import decode_message, encode_message, encode_payload
from tests.factories import AUTHORITY, EPOCH, Signer, seed, signed

from .conftest import Run

KEY_ID = 4711


def _key(events: int = 0, **options: Any) -> VirtualKey:
    key = VirtualKey(KEY_ID, seed(f"key {KEY_ID}"), **options)
    if events:
        key.preload_events(sample_events(KEY_ID, events, lock_id=100, outcome=0))
    return key


def _write_set(key: VirtualKey, valid_from: int, valid_until: int, locks: list[int]) -> bytes:
    """Put a signed permission set on the key the way a station does (HELLO, OBJ_*)."""
    data = signed(
        "permission_set",
        {
            "format": 1,
            "flags": 0,
            "key_id": KEY_ID,
            "key_public": Signer(f"key {KEY_ID}").public,
            "serial": 42,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "unit_id": 3,
            "authority_key_id": AUTHORITY.key_id,
            "lock_ids": locks,
        },
        AUTHORITY,
    )
    sha = hashlib.sha256(data).digest()
    requests = [
        (MsgType.HELLO, {"time": EPOCH, "role": Role.STATION, "max_payload": 512, "peer_id": 7}),
        (MsgType.OBJ_BEGIN, {"obj": ObjType.PERMISSION_SET, "size": len(data), "sha256": sha}),
        (MsgType.OBJ_WRITE, {"obj": ObjType.PERMISSION_SET, "offset": 0, "data": data}),
        (MsgType.OBJ_COMMIT, {"obj": ObjType.PERMISSION_SET, "sha256": sha}),
    ]
    for seq, (msg_type, fields) in enumerate(requests, 1):
        body = encode_message(msg_type, seq, encode_payload(msg_type, False, fields))
        assert decode_message(key.handle(body))["status"] == Status.OK
    key.disconnect()
    return data


def test_info_tells_an_empty_reader_from_a_key(reader: UsbKeyReader, run: Run) -> None:
    status, out, _ = run("info", "--port", reader.path)
    assert status == 0
    assert "USB-nyckelläsare utan nyckel / USB key reader without a key" in out
    reader.insert(_key(firmware=0x0102))
    status, out, _ = run("info", "--port", reader.path, "--json", "--timeout", "5")
    assert status == 0
    data = json.loads(out)
    assert data["device"] == "key"
    assert data["key_id"] == KEY_ID
    assert data["firmware"] == "1.2"
    assert data["protocol_version"] == 1
    assert data["link"]["retries"] == 0
    status, _, err = run("info", "--port", reader.path, "--verbose")
    assert status == 0
    assert "Länk: 1 förfrågningar, 0 omsändningar" in err  # --verbose: the counters on stderr
    status, _, err = run("info", "--port", reader.path, "--retries", "-1")
    assert status == 2 and "--retries" in err


def test_key_shows_what_the_key_holds(reader: UsbKeyReader, run: Run) -> None:
    key = _key(events=4)
    _write_set(key, EPOCH, EPOCH + 36 * 3600, [100, 101, 102])
    key.battery = 4  # at or below 5 %: the battery-low flag
    reader.insert(key)
    status, out, err = run("key", "--port", reader.path)
    assert status == 0, err
    assert "4711" in out
    assert "4 % (2040 mV), SVAGT / 4 % (2040 mV), LOW" in out
    assert "giltig, aktiv / valid, active" in out  # slot A took the set
    assert "serienr 42, enhet 3" in out
    assert "3 (100, 101, 102)" in out
    assert "4 av 500 (nästa nr 5) / 4 of 500 (next seq 5)" in out
    assert "2026-11-18 12:06:40 CET – 2026-11-20 00:06:40 CET" in out  # Swedish time
    status, out, _ = run("key", "--port", reader.path, "--json")
    data = json.loads(out)
    info = key.key_info()
    assert data["key_info"] == info
    assert data["permission_set"]["lock_ids"] == [100, 101, 102]
    assert data["permission_set"]["serial"] == 42
    assert data["diag"]["battery_mv"] == key.battery_mv
    # Reading changes nothing the key reports as its state: no error, no events gone.
    assert key.last_error == Status.OK
    assert len(key.audit_events()) == 4


def test_key_without_a_set_leaves_last_error_alone(reader: UsbKeyReader, run: Run) -> None:
    key = _key()
    reader.insert(key)
    status, out, _ = run("key", "--port", reader.path)
    assert status == 0
    assert "aktiv behörighet / active permission set" in out
    assert key.last_error == 0


def test_key_without_a_key_says_so(reader: UsbKeyReader, run: Run) -> None:
    status, _, err = run("key", "--port", reader.path)
    assert status == 1
    assert "Ingen nyckel i läsaren" in err


def test_audit_table_csv_and_json_leave_the_events_on_the_key(
    reader: UsbKeyReader, run: Run
) -> None:
    key = _key(events=3)
    reader.insert(key)
    before = key.audit_entries()
    status, out, _ = run("audit", "--port", reader.path)
    assert status == 0
    assert "(lämnas kvar på nyckeln) / " in out
    lines = out.splitlines()
    assert lines[2].split()[:3] == ["nyckelns", "nr", "/"]
    assert [line.split()[0] for line in lines[4:]] == ["1", "2", "3"]
    assert "OPENED" in lines[4]

    status, out, _ = run("audit", "--port", reader.path, "--csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    events = key.audit_events()
    assert [int(r["key_seq"]) for r in rows] == [1, 2, 3]
    assert [int(r["lock_seq"]) for r in rows] == [e["lock_seq"] for e in events]
    assert [bytes.fromhex(r["mac"]) for r in rows] == [e["mac"] for e in events]
    assert rows[0]["time_local"].endswith("+01:00")  # November: CET

    status, out, _ = run("audit", "--port", reader.path, "--json")
    data = json.loads(out)
    assert [r["time"] for r in data["records"]] == [e["time"] for e in events]
    assert key.audit_entries() == before
    assert key.key_info()["audit_count"] == 3


def test_audit_of_a_key_with_no_events(reader: UsbKeyReader, run: Run) -> None:
    reader.insert(_key())
    status, out, _ = run("audit", "--port", reader.path)
    assert status == 0
    assert "Inga poster / No records" in out


def test_station_commands_refuse_a_key(reader: UsbKeyReader, run: Run) -> None:
    reader.insert(_key())
    for verb in ("status", "selftest", "log"):
        status, _, err = run(verb, "--port", reader.path)
        assert status == 2
        assert "Kommandot gäller en synkstation" in err
        assert "en nyckel i USB-läsare" in err and "a key in the USB reader" in err


def test_validity_is_judged_by_this_computers_clock(reader: UsbKeyReader) -> None:
    key = _key()
    _write_set(key, EPOCH, EPOCH + 3600, [100])
    reader.insert(key)
    expected = {EPOCH - 1: "not_yet_valid", EPOCH: "valid", EPOCH + 3600: "expired"}
    for now, state in expected.items():
        with Session(Options(reader.path), clock=lambda now=now: now) as session:
            report = commands.key(session)
        assert report.data["validity"] == state
        word = {"valid": "giltig nu", "expired": "utgången", "not_yet_valid": "gäller inte än"}
        assert any(word[state] in line for line in report.lines)


def test_device_option_names_a_mismatch(reader: UsbKeyReader, run: Run) -> None:
    reader.insert(_key())
    status, _, err = run("info", "--port", reader.path, "--device", "station")
    assert status == 1
    assert "svarar inte som en synkstation (UNKNOWN_TYPE)" in err
    status, out, _ = run("info", "--port", reader.path, "--device", "reader")
    assert status == 0 and "4711" in out
