"""``synk diag`` against the firmware's service console on a PTY (FakeStation services).

Every figure the tool shows is checked against what the station itself
reports through its services, and the state-changing commands against what
the station did (``FakeStation.calls``): nothing without a good token.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from firmware.log import Log
from host.diag import commands
from host.diag.session import Options, Session
from protocol.records import encode_record
from tests.firmware import fixtures as fx
from tests.firmware.test_service_console import _lock_records
from tests.firmware.test_service_token import NOT_AFTER, TOKENS

from .conftest import Run, StationRig


def _token(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.token"
    path.write_bytes(TOKENS[name])
    return str(path)


def test_info_and_status(station: StationRig, run: Run) -> None:
    station.station.outbox.append(_lock_records(3))
    station.station.log.warn("uplink: no route to back office")
    station.station.log.error("bundle rejected: signature")
    status, out, err = run("info", "--port", station.path)
    assert status == 0, err
    assert "synkstation / sync station" in out
    assert any(line.split() == ["station", "7"] for line in out.splitlines())
    status, out, err = run("status", "--port", station.path)
    assert status == 0, err
    assert "2026-11-18 12:06:40 CET" in out  # fx.EPOCH in Swedish time
    assert "8.0 dygn / 8.0 days" in out  # offline_until is 8 days after issue
    assert "3 poster, 126 av 65536 byte" in out
    assert "uplink: no route to back office" in out
    assert "bundle rejected: signature" in out
    assert "bundle serial 1 installed" not in out  # info lines are not errors

    status, out, _ = run("status", "--port", station.path, "--json")
    data = json.loads(out)
    truth = station.station.status()
    assert data["status"] == truth
    assert data["outbox"] == station.station.outbox.info()
    assert data["cache"]["header_sha256"] == station.station.cache.info()["header_sha256"].hex()
    assert data["offline_margin_s"] == fx.OFFLINE_UNTIL - fx.EPOCH
    assert data["bundle_age_s"] == 0
    assert [line["level"] for line in data["recent_errors"]] == ["W", "E"]
    assert data["flags"] == []


def test_device_option_names_a_mismatch(station: StationRig, run: Run) -> None:
    status, _, err = run("info", "--port", station.path, "--device", "reader")
    assert status == 1
    assert "svarar inte som en nyckelläsare (UNKNOWN_TYPE)" in err
    status, out, _ = run("info", "--port", station.path, "--device", "station")
    assert status == 0 and "synkstation" in out
    assert station.console.requests == 2  # one HELLO, then one SVC_STATUS: no probing


def test_status_warns_about_a_clock_far_off(station: StationRig) -> None:
    with Session(Options(station.path), clock=lambda: fx.EPOCH + 600) as session:
        report = commands.status(session)
    assert report.data["clock_offset_s"] == -600
    assert any("synk diag set-clock" in line for line in report.lines)
    with Session(Options(station.path), clock=lambda: fx.EPOCH + 5) as session:
        report = commands.status(session)
    assert not any("synk diag set-clock" in line for line in report.lines)


def test_selftest_passes_and_fails(station: StationRig, run: Run) -> None:
    status, out, _ = run("selftest", "--port", station.path)
    assert status == 0
    assert "alla 7 kontroller godkända / all 7 checks passed" in out
    station.station.selftest = lambda: [(1, 0), (5, 14), (6, 0)]  # type: ignore[method-assign]
    status, out, _ = run("selftest", "--port", station.path)
    assert status == 1
    assert "NFC-läsare / NFC reader" in out and "INTERNAL" in out
    assert "1 av 3 kontroller misslyckades" in out


def test_log_whole_tail_and_csv(station: StationRig, run: Run) -> None:
    for i in range(40):  # more than one SVC_LOG_TAIL answer holds
        station.station.log.info(f"line {i} åäö")
    status, out, _ = run("log", "--port", station.path, "--json")
    assert status == 0
    data = json.loads(out)
    assert [line["seq"] for line in data["lines"]] == list(range(1, 42))
    assert data["lines"][-1]["message"] == "line 39 åäö"
    assert data["next_seq"] == 42
    status, out, _ = run("log", "--port", station.path, "--lines", "2", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["message"] for r in rows] == ["line 38 åäö", "line 39 åäö"]
    status, out, _ = run("log", "--port", station.path, "--from-seq", "41")
    assert "line 39 åäö" in out and "line 38 åäö" not in out


def test_log_follow_shows_new_lines_and_lost_ones(station: StationRig) -> None:
    station.station.log = Log(station.station.clock, capacity=3)
    station.station.log.info("first")
    shown: list[tuple[list[str], int]] = []

    def show(rows: list[dict[str, object]], lost: int) -> None:
        shown.append(([str(r["message"]) for r in rows], lost))

    rounds = iter(
        [
            lambda: station.station.log.info("second"),
            lambda: [station.station.log.info(f"burst {i}") for i in range(5)],
        ]
    )

    with Session(Options(station.path)) as session:
        next_seq = commands.follow_log(
            session, show, from_seq=0, interval=0, polls=3, sleep=lambda _s: next(rounds)()
        )
    assert shown == [(["first"], 0), (["second"], 0), (["burst 2", "burst 3", "burst 4"], 2)]
    assert next_seq == 8


def test_key_in_the_station(station: StationRig, run: Run) -> None:
    status, _, err = run("key", "--port", station.path)
    assert status == 1
    assert "Ingen nyckel i stationen" in err
    station.station.key = {
        "key_id": 10,
        "firmware": 0x0100,
        "max_payload": 512,
        "active_slot": 1,
        "slot_a": 1,
        "slot_b": 1,
        "battery": 80,
        "set_serial": 5,
        "valid_from": fx.EPOCH,
        "valid_until": fx.EPOCH + fx.WINDOW,
        "lock_count": 3,
        "audit_count": 2,
        "audit_capacity": 500,
        "last_error": 0,
        "flags": 0,
        "blocklist_version": 9,
        "audit_next_seq": 17,
    }
    status, out, err = run("key", "--port", station.path)
    assert status == 0, err
    assert "giltig, aktiv / valid, active" in out  # slot B
    assert "2 av 500 (nästa nr 17)" in out
    status, out, _ = run("key", "--port", station.path, "--json")
    data = json.loads(out)
    assert data["source"] == "station"
    assert data["key_info"] == station.station.key


def test_audit_reads_the_whole_outbox_and_leaves_it(station: StationRig, run: Run) -> None:
    records = _lock_records(60)  # more than one SVC_AUDIT_READ answer holds
    station.station.outbox.append(records)
    station.station.record(10, 2, 1)  # a station event: WRONG_CODE, 1 failure
    status, out, _ = run("audit", "--port", station.path, "--csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["index"]) for r in rows] == list(range(1, 62))
    assert [bytes.fromhex(r["raw"]) for r in rows[:60]] == records
    assert rows[60]["kind"] == "station_event"
    assert rows[60]["what"] == "WRONG_CODE" and rows[60]["detail"] == "1"
    assert {r["station_id"] for r in rows} == {str(fx.STATION_ID)}
    assert station.station.outbox.records() == 61
    status, out, _ = run("audit", "--port", station.path)
    assert "Utkorgen i station 7: 61 poster" in out
    assert "WRONG_CODE" in out


# -- state-changing commands ----------------------------------------------------------------------


def test_without_a_token_nothing_is_sent(station: StationRig, run: Run, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("index,raw\n")
    for args in (
        ["set-clock"],
        ["clear-outbox", "--through", "3", "--exported", str(export)],
        ["factory-reset", "--yes"],
    ):
        status, _, err = run(*args, "--port", station.path)
        assert status == 5
        assert "kräver servicebehörighet" in err and "needs a service token" in err
    assert station.console.requests == 0
    assert station.station.calls == []


def test_refused_tokens_are_explained(station: StationRig, run: Run, tmp_path: Path) -> None:
    cases = {
        "other_station": "gäller en annan station (TOKEN_INVALID, detalj 4 OTHER_STATION)",
        "impostor": "signerad med en utfärdarnyckel som stationen inte känner",
        "forged": "ogiltig signatur",
    }
    for name, words in cases.items():
        status, _, err = run("set-clock", "--port", station.path, "--token", _token(tmp_path, name))
        assert status == 5, name
        assert words in err, err
        assert "TOKEN_INVALID" in err
    station.station.clock.set(NOT_AFTER + 1)
    status, _, err = run(
        "set-clock", "--port", station.path, "--token", _token(tmp_path, "all"), "--time", "now"
    )
    assert status == 5
    assert "servicebehörigheten har gått ut" in err and "the service token is expired" in err
    assert "EXPIRED" in err
    assert station.station.calls == []


def test_set_clock_with_a_token(station: StationRig, run: Run, tmp_path: Path) -> None:
    token = _token(tmp_path, "all")
    status, out, err = run(
        "set-clock", "--port", station.path, "--token", token, "--time", "2026-11-18T13:00"
    )
    assert status == 0, err
    target = fx.EPOCH - 6 * 60 - 40 + 3600  # 12:06:40 CET -> 13:00:00 CET
    assert station.station.calls == [("set_clock", target)]
    assert "2026-11-18 12:06:40 CET -> 2026-11-18 13:00:00 CET" in out
    status, _, err = run("set-clock", "--port", station.path, "--token", token, "--time", "noon")
    assert status == 2
    assert "Ogiltig tid noon" in err


def test_a_set_clock_token_is_refused_the_second_time(
    station: StationRig, run: Run, tmp_path: Path
) -> None:
    # issue 14.6: a token works once per station (SPEC.md 8.5)
    token = _token(tmp_path, "all")
    when = ("--time", "2026-11-18T13:00")
    status, _, err = run("set-clock", "--port", station.path, "--token", token, *when)
    assert status == 0, err
    status, _, err = run("set-clock", "--port", station.path, "--token", token, *when)
    assert status == 5
    assert "servicebehörigheten har redan använts på den här stationen" in err, err
    assert "the service token is already used on this station" in err
    assert "TOKEN_INVALID, detail 8 USED" in err
    assert [call[0] for call in station.station.calls] == ["set_clock"]


def test_maintenance_mode_over_the_console(station: StationRig, run: Run, tmp_path: Path) -> None:
    # issue 14.14: instead of holding # at power-up (SPEC.md 7, SVC_MAINTENANCE)
    status, _, err = run("maintenance", "--port", station.path)
    assert status == 5 and "needs a service token" in err
    status, _, err = run("maintenance", "--port", station.path, "--token", _token(tmp_path, "all"))
    assert status == 5
    assert "saknar behörigheten för kommandot" in err and "PERMISSION_MISSING" in err
    assert station.station.calls == []
    token = _token(tmp_path, "maintenance")
    status, out, err = run("maintenance", "--port", station.path, "--token", token)
    assert status == 0, err
    assert f"Stationen {fx.STATION_ID} är i underhållsläge" in out
    assert f"Station {fx.STATION_ID} is in maintenance mode" in out
    assert station.station.calls == [("enter_maintenance",)]


def test_clear_outbox_only_what_was_exported(station: StationRig, run: Run, tmp_path: Path) -> None:
    station.station.outbox.append(_lock_records(5))
    token = _token(tmp_path, "all")
    export = tmp_path / "export.csv"
    assert run("audit", "--port", station.path, "--csv", "--out", str(export))[0] == 0
    station.station.outbox.append([encode_record("outbox_record", _station_event())])

    clear = ["clear-outbox", "--port", station.path, "--token", token, "--exported", str(export)]
    status, _, err = run(*clear, "--through", "6")
    assert status == 2
    assert "1 poster till och med index 6" in err and "index 6" in err
    assert station.station.calls == []

    status, out, err = run(*clear, "--through", "4", "--json")
    assert status == 0, err
    assert json.loads(out)["removed"] == 4
    assert station.station.calls == [("clear_outbox", 4)]
    # 5, 6 and the SERVICE_COMMAND event of the clearing itself stay.
    assert station.station.outbox.records() == 3

    status, out, _ = run(*clear, "--through", "4")
    assert status == 0
    assert "inget att tömma" in out
    assert station.station.calls == [("clear_outbox", 4)]


def test_clear_outbox_takes_a_json_export_of_this_station_only(
    station: StationRig, run: Run, tmp_path: Path
) -> None:
    station.station.outbox.append(_lock_records(2))
    token = _token(tmp_path, "all")
    export = tmp_path / "export.json"
    assert run("audit", "--port", station.path, "--json", "--out", str(export))[0] == 0
    forged = json.loads(export.read_text())
    for row in forged["records"]:
        row["station_id"] = 8
    other = tmp_path / "other.json"
    other.write_text(json.dumps(forged))
    args = ["clear-outbox", "--port", station.path, "--through", "2", "--token", token]
    status, _, err = run(*args, "--exported", str(other))
    assert status == 2
    assert "är en export från station 8, inte 7" in err
    status, _, err = run(*args, "--exported", str(tmp_path / "missing.json"))
    assert status == 2
    assert "kunde inte läsas" in err
    status, _, err = run(*args)
    assert status == 2 and "--exported" in err
    assert station.station.calls == []
    status, _, err = run(*args, "--exported", str(export))
    assert status == 0, err
    assert station.station.calls == [("clear_outbox", 2)]


def test_factory_reset_asks_and_guards_the_outbox(
    station: StationRig, run: Run, tmp_path: Path
) -> None:
    token = _token(tmp_path, "all")
    station.station.outbox.append(_lock_records(1))
    status, _, err = run("factory-reset", "--port", station.path, "--token", token)
    assert status == 2 and "--yes" in err
    status, _, err = run("factory-reset", "--port", station.path, "--token", token, "--yes")
    assert status == 2 and "--discard-outbox" in err
    assert station.station.calls == []
    status, out, err = run(
        "factory-reset", "--port", station.path, "--token", token, "--yes", "--discard-outbox"
    )
    assert status == 0, err
    assert station.station.calls == [("factory_reset",)]
    assert "Stationen 7 är fabriksåterställd" in out


def test_a_token_for_another_permission_is_refused_by_the_station(
    station: StationRig, run: Run, tmp_path: Path
) -> None:
    token = _token(tmp_path, "clock_any_station")  # set_clock only, any station
    status, _, err = run(
        "factory-reset", "--port", station.path, "--token", token, "--yes", "--discard-outbox"
    )
    assert status == 5
    assert "saknar behörigheten för kommandot" in err and "PERMISSION_MISSING" in err
    assert station.station.calls == []
    status, _, err = run("set-clock", "--port", station.path, "--token", token)
    assert status == 0, err


def test_a_file_that_is_no_token(station: StationRig, run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.token"
    bad.write_bytes(b"SKST" + bytes(50))
    status, _, err = run("set-clock", "--port", station.path, "--token", str(bad))
    assert status == 2
    assert "är ingen servicebehörighet" in err
    status, _, err = run("set-clock", "--port", station.path, "--token", str(tmp_path / "none"))
    assert status == 2
    assert "kunde inte läsas" in err
    assert station.console.requests == 0


def _station_event() -> dict[str, int]:
    return {"kind": 2, "key_id": 0, "time": fx.EPOCH, "reason": 13, "detail": 0}
