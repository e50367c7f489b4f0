"""Retention: each kind of data kept as long as the site says, deleted in bounded batches."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, insert, select

from host.backoffice import retention
from host.backoffice.errors import Forbidden, Invalid
from host.backoffice.models import AuditEvent, ChangeLog, Lock, SyncEvent
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Site

from .conftest import Clock, World

DAY = 24 * 3600


def _lock_events(site: Site, lock_id: int, times: list[int]) -> None:
    rows = [
        {
            "lock_id": lock_id,
            "lock_seq": seq,
            "key_id": 101,
            "outcome": 0,
            "time": at,
            "mac": bytes(16),
            "received_at": at,
            "station_id": 1,
            "outbox_index": seq,
            "uploaded_at": at,
        }
        for seq, at in enumerate(times, start=1)
    ]
    with site.sessions.begin() as session:
        session.execute(insert(AuditEvent), rows)
        lock = session.get(Lock, lock_id)
        assert lock is not None
        lock.last_seq = len(times)


def _count(site: Site, model: object) -> int:
    with site.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_what_is_older_than_kept_goes_in_batches_and_is_logged(
    site: Site, admin: Actor, world: World, clock: Clock
) -> None:
    now = clock.now
    old = [now - (3 * 365 + d) * DAY for d in range(1, 8)]  # seven past the default
    young = [now - d * DAY for d in range(1, 4)]
    _lock_events(site, 1, old + young)
    done = {p.kind: p for p in retention.purge(site, now, admin, batch=3)}
    assert done["lock_events"].deleted == 7 and done["lock_events"].remaining == 0
    assert done["lock_events"].cutoff == now - 3 * 365 * DAY
    with site.sessions() as session:
        left = sorted(session.scalars(select(AuditEvent.time)))
        assert left == sorted(young)
        lock = session.get(Lock, 1)
        assert lock is not None and lock.last_seq == 10  # gaps still judged against it
        logged = session.scalars(select(ChangeLog).where(ChangeLog.action == "purge")).all()
        assert [(c.object_type, c.user_id) for c in logged] == [("lock_events", admin.user_id)]
        assert logged[0].detail.startswith("7 rows")


def test_a_bounded_run_leaves_the_rest_for_the_next(
    site: Site, admin: Actor, world: World, clock: Clock
) -> None:
    _lock_events(site, 1, [clock.now - (4 * 365 + d) * DAY for d in range(10)])
    first = {p.kind: p for p in retention.purge(site, clock.now, batch=2, max_batches=2)}
    assert (first["lock_events"].deleted, first["lock_events"].remaining) == (4, 6)
    again = {p.kind: p for p in retention.purge(site, clock.now, batch=2, max_batches=10)}
    assert (again["lock_events"].deleted, again["lock_events"].remaining) == (6, 0)


def test_the_site_sets_each_kind_never_below_its_floor(
    site: Site, admin: Actor, manager_a: Actor, world: World, clock: Clock
) -> None:
    _lock_events(site, 1, [clock.now - 300 * DAY, clock.now - 100 * DAY])
    retention.set_keep_days(site, admin, "lock_events", 250, clock.now)
    kept = {s["kind"]: s["keep_days"] for s in retention.settings(site, admin)}
    assert kept["lock_events"] == 250 and kept["station_events"] == 3 * 365
    retention.purge(site, clock.now)
    assert _count(site, AuditEvent) == 1
    with pytest.raises(Invalid):
        retention.set_keep_days(site, admin, "lock_events", 30, clock.now)
    with pytest.raises(Invalid):
        retention.set_keep_days(site, admin, "everything", 400, clock.now)
    with pytest.raises(Forbidden):
        retention.set_keep_days(site, manager_a, "visits", 400, clock.now)
    with pytest.raises(Forbidden):
        retention.purge(site, clock.now, manager_a)


def test_the_scheduler_purges_until_stopped(
    site: Site, office: BackOffice, world: World, clock: Clock
) -> None:
    with site.sessions.begin() as session:
        session.add(
            SyncEvent(
                station_id=world.station_a,
                outbox_index=1,
                key_id=101,
                reason=1,
                detail=0,
                time=clock.now - 5 * 365 * DAY,
                uploaded_at=clock.now,
            )
        )
    scheduler = retention.Scheduler(site, clock, every_s=0.05)
    scheduler.start()
    deadline = time.monotonic() + 10
    while _count(site, SyncEvent) and time.monotonic() < deadline:
        time.sleep(0.02)
    scheduler.stop()
    assert _count(site, SyncEvent) == 0 and scheduler.runs >= 1
