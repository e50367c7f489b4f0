"""The municipal-scale generator (``host.backoffice.scale``) on both engines, at a small size.

The benchmark builds Stockholm's shape with millions of events (bench/scale_bench.py); here a
municipality of 2 units and a few thousand events over four weeks shows that what it loads
is a site a real year of uploads could have made: every lock's events numbered from 1 in
time order with MACs that verify, each unit's staff at the unit's locks, the rhythm of
home care (fewer visits at weekends, a morning peak, quiet nights), the indexes in place,
and the station API carrying on from there (the next upload opens no gap).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from host.backoffice import scale
from host.backoffice.models import Anomaly, AuditEvent, Key, Lock, Staff, SyncEvent
from host.backoffice.service import BackOffice
from host.backoffice.sign_in import SignIn
from host.backoffice.site import Site
from host.backoffice.timeutil import TZ
from host.cli import main
from protocol.constants import Outcome
from protocol.records import audit_mac

from .builders import QUICK_PASSWORDS, lock_event, lock_record, upload
from .conftest import START, Clock

SHAPE = scale.Shape(units=2, keys=12, locks=320, events=6_000, days=28, seed=5)


@pytest.fixture
def built(site: Site) -> scale.Built:
    return scale.build(site, SHAPE, START, "chef-pw-1", QUICK_PASSWORDS)


def test_the_site_has_the_shape_and_every_lock_numbers_its_events(
    site: Site, built: scale.Built
) -> None:
    assert (built.units, built.keys, built.locks, built.events) == (2, 12, 320, 6_000)
    assert built.station_events == pytest.approx(6_000 * scale.SYNCS_PER_EVENT, rel=0.01)
    with site.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 6_000
        assert session.scalar(select(func.count()).select_from(SyncEvent)) == built.station_events
        locks = {lock.id: lock for lock in session.scalars(select(Lock))}
        unit_of_key = {k: u for k, u in session.execute(select(Key.id, Staff.unit_id).join(Staff))}
        events = list(
            session.scalars(select(AuditEvent).order_by(AuditEvent.lock_id, AuditEvent.lock_seq))
        )
    assert len(locks) == 320
    by_lock: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_lock.setdefault(event.lock_id, []).append(event)
    per_unit = scale.DOORS + scale.BOXES + scale.ENTRANCES
    for lock_id, held in by_lock.items():
        assert [e.lock_seq for e in held] == list(range(1, len(held) + 1))
        assert [e.time for e in held] == sorted(e.time for e in held)
        assert locks[lock_id].last_seq == len(held)
        for event in held:  # the unit's staff at the unit's locks, through its station
            assert unit_of_key[event.key_id] == (lock_id - 1) // per_unit + 1 == event.station_id
            assert START - SHAPE.days * 86_400 - 86_400 <= event.time <= START
            assert event.time <= event.received_at <= event.uploaded_at <= START
    for event in events[::97]:
        fields = {
            "format": 1,
            "outcome": event.outcome,
            "blocklist_version": 0,
            "lock_id": event.lock_id,
            "key_id": event.key_id,
            "time": event.time,
            "lock_seq": event.lock_seq,
        }
        assert audit_mac(locks[event.lock_id].secret, fields) == event.mac
    assert Counter(e.outcome for e in events).most_common(1)[0][0] == Outcome.OPENED


def test_the_rhythm_is_home_cares(site: Site, built: scale.Built) -> None:
    with site.sessions() as session:
        times = list(session.scalars(select(AuditEvent.time)))
    local = [datetime.fromtimestamp(t, TZ) for t in times]
    days = Counter(moment.date() for moment in local)
    weekday = [n for day, n in days.items() if day.weekday() < 5]
    weekend = [n for day, n in days.items() if day.weekday() >= 5]
    assert sum(weekend) / len(weekend) < 0.85 * sum(weekday) / len(weekday)
    hours = Counter(moment.hour for moment in local)
    assert hours[8] > 10 * hours[3] and hours[8] > hours[14] > hours[23]


def test_the_indexes_are_back_and_uploads_carry_on(
    site: Site, built: scale.Built, clock: Clock
) -> None:
    indexes = {index["name"] for index in inspect(site.engine).get_indexes("audit_events")}
    assert {"ix_audit_events_key_time", "ix_audit_events_lock_time"} <= indexes
    office = BackOffice(site, clock)
    station = office.authenticate_station("credential-1")
    with site.sessions() as session:
        lock = session.get(Lock, 1)
        assert lock is not None
        secret, last = lock.secret, lock.last_seq
    event = lock_event(secret, 1, 1, last + 1, START + 60)
    ack = office.ingest_upload(station, 1, upload(1, 9_000_000, [lock_record(event)]))
    assert ack.stored == 1
    with site.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Anomaly)) == 0


def test_a_unit_manager_signs_in_and_sees_the_unit(site: Site, built: scale.Built) -> None:
    _token, identity = SignIn(site, Clock(START)).sign_in(scale.manager_name(2), "chef-pw-1")
    assert identity.actor.unit_id == 2


@pytest.mark.slow  # Stockholm's 24,000 locks and 10,000 keys, whatever the events
def test_synk_admin_demo_scale_makes_a_new_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], database: str | None
) -> None:
    folder = tmp_path / "scale"
    args = ["admin", "demo-scale", "--site", str(folder), "--events", "3000", "--json"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["units"], summary["keys"], summary["locks"]) == (150, 10_000, 24_000)
    assert summary["events"] == 3000 and summary["events_per_s"] > 0
    assert "chef.enhet1" in err and "admin" in err
    assert main(args) == 4  # a second time: the site exists (a conflict), nothing changes
    assert "finns redan" in capsys.readouterr().err
