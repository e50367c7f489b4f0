"""host.diag.audit: the rule for clearing an outbox, on export files as people make them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from host.diag.audit import check_exported, read_export, station_rows
from host.diag.errors import DiagError
from host.diag.output import to_csv
from host.diag.station import OutboxRecord
from protocol.records import decode_record, encode_record
from tests.firmware import fixtures as fx


def _records(first: int, count: int) -> list[OutboxRecord]:
    made = []
    for index in range(first, first + count):
        fields = {"kind": 2, "key_id": 10, "time": fx.EPOCH + index, "reason": 1, "detail": index}
        raw = encode_record("outbox_record", fields)
        made.append(OutboxRecord(index, raw, decode_record("outbox_record", raw)))
    return made


def _export(path: Path, records: list[OutboxRecord], station: int = fx.STATION_ID) -> Path:
    rows = station_rows(station, records)
    path.write_text(json.dumps({"station_id": station, "records": rows}))
    return path


def test_an_export_covers_exactly_what_it_holds(tmp_path: Path) -> None:
    held = _records(3, 4)  # indexes 3..6
    export = _export(tmp_path / "e.json", held[:3])
    assert [r.index for r in check_exported(export, fx.STATION_ID, held, 5)] == [3, 4, 5]
    assert check_exported(export, fx.STATION_ID, held, 2) == []
    with pytest.raises(DiagError) as raised:
        check_exported(export, fx.STATION_ID, held, 6)
    assert raised.value.values["first"] == 6


def test_a_changed_record_is_not_exported(tmp_path: Path) -> None:
    held = _records(1, 2)
    rows = station_rows(fx.STATION_ID, held)
    rows[1]["raw"] = rows[1]["raw"][:-2] + "ff"
    export = tmp_path / "e.json"
    export.write_text(json.dumps({"records": rows}))
    with pytest.raises(DiagError) as raised:
        check_exported(export, fx.STATION_ID, held, 2)
    assert raised.value.values["first"] == 2 and raised.value.values["count"] == 1


def test_files_that_are_no_export(tmp_path: Path) -> None:
    cases = {
        "key.csv": "key_id,key_seq,time\n4711,1,0\n",  # a key's audit: no index, no raw
        "broken.json": '{"records": [{"index": 1, "raw": "zz"}]}',
        "list.json": '{"records": 3}',
        "binary.bin": None,
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is None:
            path.write_bytes(b"\xff\xfe\x00")
        else:
            path.write_text(content)
        with pytest.raises(DiagError) as raised:
            read_export(path)
        assert raised.value.key == "clear.export_unreadable", name
        assert raised.value.exit_status == 2


def test_a_csv_export_reads_back(tmp_path: Path) -> None:
    held = _records(1, 3)
    export = tmp_path / "e.csv"
    export.write_text(to_csv(station_rows(fx.STATION_ID, held)))
    stations, records = read_export(export)
    assert stations == {fx.STATION_ID}
    assert records == {r.index: r.raw for r in held}
