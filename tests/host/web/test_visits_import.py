"""Importing visits: good rows in, bad rows reported by number, a re-import changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from host.backoffice.errors import Forbidden, Invalid
from host.backoffice.followup.service import FollowUp
from host.backoffice.followup.visits import read_csv
from host.backoffice.models import ChangeLog, Visit
from host.backoffice.timeutil import parse_time
from host.cli import main

from .demo import Demo

HEADER = "customer_ref,staff_ref,start,end,registered_by\n"
GOOD = (
    "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock\n"
    "K-NORD-0002,{asa},2026-04-14T09:00,2026-04-14T09:20,manuell\n"
    "K-OMS-0001,cecilia ek,2026-04-14 10:00:00,2026-04-14 10:45:00,NFC\n"
)


def _visits(demo: Demo) -> int:
    with demo.site.sessions() as session:
        return session.scalar(select(func.count()).select_from(Visit)) or 0


def test_good_rows_are_stored_and_a_second_import_changes_nothing(fresh_demo: Demo) -> None:
    followup = FollowUp(fresh_demo.office)
    data = (HEADER + GOOD.format(asa=fresh_demo.ids["staff_asa"])).encode()
    before = _visits(fresh_demo)
    first = followup.import_visits_csv(fresh_demo.admin, data, "v.csv")
    assert (first.rows, first.added, first.updated, first.unchanged, first.errors) == (
        3,
        3,
        0,
        0,
        [],
    )
    assert _visits(fresh_demo) == before + 3
    with fresh_demo.site.sessions() as session:
        stored = session.scalars(
            select(Visit).where(Visit.start >= parse_time("2026-04-14")).order_by(Visit.start)
        ).all()
        assert [(v.registered_by, v.end - v.start) for v in stored] == [
            ("lock", 1800),
            ("manual", 1200),
            ("nfc", 2700),
        ]
        assert stored[0].staff_id == fresh_demo.ids["staff_anna"]
        assert stored[0].start == parse_time("2026-04-14T08:00")  # Swedish local time
        snapshot = [(v.id, v.end, v.registered_by, v.imported_at) for v in stored]
    fresh_demo.clock.now += 3600
    again = followup.import_visits_csv(fresh_demo.admin, data, "v.csv")
    assert (again.added, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    assert _visits(fresh_demo) == before + 3
    with fresh_demo.site.sessions() as session:
        stored = session.scalars(
            select(Visit).where(Visit.start >= parse_time("2026-04-14")).order_by(Visit.start)
        ).all()
        assert [(v.id, v.end, v.registered_by, v.imported_at) for v in stored] == snapshot
        logged = session.scalars(select(ChangeLog).where(ChangeLog.object_type == "visits"))
        assert len(list(logged)) == 3  # the demo's own import and these two


def test_a_corrected_row_updates_its_visit(fresh_demo: Demo) -> None:
    followup = FollowUp(fresh_demo.office)
    row = "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,{method}\n"
    followup.import_visits_csv(fresh_demo.admin, (HEADER + row.format(method="lock")).encode())
    fixed = followup.import_visits_csv(
        fresh_demo.admin, (HEADER + row.format(method="manual")).encode()
    )
    assert (fixed.added, fixed.updated, fixed.unchanged) == (0, 1, 0)
    with fresh_demo.site.sessions() as session:
        visit = session.scalars(select(Visit).where(Visit.start == parse_time("2026-04-14T08:00")))
        assert visit.one().registered_by == "manual"


def test_bad_rows_are_reported_by_their_row_number(fresh_demo: Demo) -> None:
    ids = fresh_demo.ids
    lines = [
        "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock",  # 2 good
        "K-NOPE-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock",  # 3 customer
        "K-NORD-0001,Nobody Here,2026-04-14 08:00,2026-04-14 08:30,lock",  # 4 staff name
        f"K-NORD-0001,{ids['staff_cecilia']},2026-04-14 09:00,2026-04-14 09:30,lock",  # 5
        "K-NORD-0001,99999,2026-04-14 09:00,2026-04-14 09:30,lock",  # 6 unknown staff id
        "K-NORD-0001,Anna Andersson,14/4 2026 10:00,2026-04-14 10:30,lock",  # 7 start
        "K-NORD-0001,Anna Andersson,2026-04-14,2026-04-14 10:30,lock",  # 8 date alone
        "K-NORD-0001,Anna Andersson,2026-04-14 11:00,2026-04-14 10:30,lock",  # 9 end first
        "K-NORD-0001,Anna Andersson,2026-04-14 11:00,2026-04-15 11:01,lock",  # 10 too long
        "K-NORD-0001,Anna Andersson,2026-04-14 12:00,2026-04-14 12:30,phone",  # 11 method
        ",Anna Andersson,2026-04-14 12:00,2026-04-14 12:30,lock",  # 12 no customer
        "K-NORD-0001,,2026-04-14 12:00,2026-04-14 12:30,lock",  # 13 no staff
        "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:45,lock",  # 14 conflicts 2
        "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock",  # 15 same as 2
        "",  # 16 blank: skipped
        "K-SYD-0001,Bo Berg,2026-04-14 13:00,2026-04-14 13:30,manual",  # 17 good
    ]
    data = (HEADER + "\n".join(lines) + "\n").encode()
    result = FollowUp(fresh_demo.office).import_visits_csv(fresh_demo.admin, data)
    assert (result.added, result.unchanged) == (2, 1)
    errors = {e.row: e.message for e in result.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    assert "K-NOPE-0001" in errors[3] and " / " in errors[3]
    assert "Nobody Here" in errors[4]
    assert "annan utförare" in errors[5]
    assert "99999" in errors[6]
    assert "14/4 2026 10:00" in errors[7]
    assert "start" in errors[8]
    assert "end ska vara efter start" in errors[9]
    assert "24 timmar" in errors[10]
    assert "phone" in errors[11] and "lock, nfc, manual" in errors[11]
    assert "customer_ref" in errors[12] and "staff_ref" in errors[13]
    assert "rad 2" in errors[14]


def test_a_name_two_staff_members_share_needs_the_id(fresh_demo: Demo) -> None:
    office, admin = fresh_demo.office, fresh_demo.admin
    office.add_staff(admin, fresh_demo.ids["unit_syd"], "Anna Andersson")
    data = HEADER + "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock\n"
    result = FollowUp(office).import_visits_csv(admin, data.encode())
    assert [e.row for e in result.errors] == [2]
    assert "ange id" in result.errors[0].message


def test_a_unit_manager_imports_only_their_own_customers(fresh_demo: Demo) -> None:
    followup = FollowUp(fresh_demo.office)
    data = (
        HEADER + "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock\n"
        "K-SYD-0001,Bo Berg,2026-04-14 09:00,2026-04-14 09:30,lock\n"
    ).encode()
    result = followup.import_visits_csv(fresh_demo.actor("chef.nord"), data)
    assert result.added == 1
    assert [e.row for e in result.errors] == [3]
    assert "din enhet" in result.errors[0].message
    for name in ("granskare", "tekniker"):
        with pytest.raises(Forbidden):
            followup.import_visits_csv(fresh_demo.actor(name), data)
        with pytest.raises(Forbidden):
            followup.import_visits(fresh_demo.actor(name), [])


def test_the_programs_interface_takes_ids_and_utc_seconds(fresh_demo: Demo) -> None:
    start = parse_time("2026-04-14T08:00")
    rows = [
        {
            "customer_ref": "K-NORD-0001",
            "staff_ref": fresh_demo.ids["staff_anna"],
            "start": start,
            "end": start + 900,
            "registered_by": "lock",
        },
        {"customer_ref": "K-NORD-0001", "staff_ref": 1, "start": True, "end": 5},
    ]
    result = FollowUp(fresh_demo.office).import_visits(fresh_demo.admin, rows)
    assert result.added == 1
    assert [e.row for e in result.errors] == [2]  # numbered from 1 for programs


def test_files_as_spreadsheets_write_them(fresh_demo: Demo) -> None:
    rows = read_csv(
        "\ufeffKommentar;Registered_By;START;end;customer_ref;staff_ref\n"
        '"ringde; kom sent";lås;2026-04-14 08:00;2026-04-14 08:30;K-NORD-0001;Åsa Öberg\n'
        "\n".encode()
    )
    assert rows == [
        (
            2,
            {
                "customer_ref": "K-NORD-0001",
                "staff_ref": "Åsa Öberg",
                "start": "2026-04-14 08:00",
                "end": "2026-04-14 08:30",
                "registered_by": "lås",
            },
        )
    ]
    windows = read_csv((HEADER + "K-NORD-0001,Åsa Öberg,a,b,lock\n").encode("cp1252"))
    assert windows[0][1]["staff_ref"] == "Åsa Öberg"
    multiline = read_csv((HEADER + 'K-1,"a\nb",x,y,lock\nK-2,c,x,y,lock\n').encode())
    assert [number for number, _ in multiline] == [2, 3]  # as a spreadsheet numbers them
    with pytest.raises(Invalid, match="registered_by"):
        read_csv(b"customer_ref,staff_ref,start,end\nK,1,a,b\n")
    with pytest.raises(Invalid):
        read_csv(b"")


def test_the_admin_command_imports_a_file(
    fresh_demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        HEADER + "K-NORD-0001,Anna Andersson,2026-04-14 08:00,2026-04-14 08:30,lock\n"
        "K-NORD-0001,Anna Andersson,2026-04-14 11:00,2026-04-14 10:30,lock\n",
        encoding="utf-8",
    )
    site = str(fresh_demo.site.directory)
    fresh_demo.site.close()
    assert main(["admin", "visits", "import", str(export), "--site", site]) == 2
    out = capsys.readouterr().out
    assert "1 nya" in out and "Rad 3 / Row 3: end ska vara efter start" in out
    assert main(["admin", "visits", "import", str(export), "--site", site, "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert (result["added"], result["unchanged"], result["errors"][0]["row"]) == (0, 1, 3)
