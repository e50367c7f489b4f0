"""How long the site keeps each kind of data, and the job that deletes what is older.

Each kind has a default (``KINDS``) that the site's administrator may change
(``synk admin data retention-set``), never below the kind's floor: the
follow-up compares months and takes a half-year average, so lock events,
station events and visits are kept at least 200 days. The job
(``purge``) deletes, per kind, the rows older than ``now - keep_days``, in
batches of ``batch`` rows, each batch its own transaction, so a large
backlog never holds a long lock nor needs the memory of all its ids; it stops
a kind after ``max_batches`` and takes the rest next time. What it deleted is
written to the change log (who: the job; what: kind, rows, cut-off).
``synk backoffice serve`` runs it every hour (``Scheduler``); the CLI runs it
on demand.

Deleting lock events leaves each lock's ``last_seq`` in place, so sequence
gaps are still judged against everything the lock ever sent. An event older
than the cut-off that arrives only now (from a station offline for months) is
stored as usual and goes at the next run.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from host.backoffice.errors import Invalid
from host.backoffice.models import (
    AuditEvent,
    ChangeLog,
    RetentionSetting,
    SyncEvent,
    Visit,
    WebSession,
)
from host.backoffice.roles import Action, Actor, require
from host.backoffice.site import Site

DAY = 24 * 3600
FOLLOW_UP_FLOOR_DAYS = 200  # a half-year average and the month in progress, with margin


@dataclass(frozen=True)
class Kind:
    """One kind of data: its table, the time that ages it, default and least days kept."""

    model: Any
    time: InstrumentedAttribute[int]
    default_days: int
    floor_days: int


KINDS: dict[str, Kind] = {
    "lock_events": Kind(AuditEvent, AuditEvent.time, 3 * 365, FOLLOW_UP_FLOOR_DAYS),
    "station_events": Kind(SyncEvent, SyncEvent.time, 3 * 365, FOLLOW_UP_FLOOR_DAYS),
    "visits": Kind(Visit, Visit.start, 2 * 365, FOLLOW_UP_FLOOR_DAYS),
    "sign_ins": Kind(WebSession, WebSession.last_seen, 365, 30),
}


@dataclass(frozen=True)
class Purged:
    kind: str
    cutoff: int
    deleted: int
    remaining: int  # older than the cut-off still, when max_batches stopped the kind


def keep_days(session: Session) -> dict[str, int]:
    """Days kept per kind: the site's setting, else the default."""
    stored = {row.kind: row.keep_days for row in session.scalars(select(RetentionSetting))}
    return {name: stored.get(name, kind.default_days) for name, kind in KINDS.items()}


def settings(site: Site, actor: Actor) -> list[dict[str, Any]]:
    require(actor, Action.SITE_MANAGE)
    with site.sessions() as session:
        days = keep_days(session)
    return [
        {
            "kind": name,
            "keep_days": days[name],
            "default_days": kind.default_days,
            "floor_days": kind.floor_days,
        }
        for name, kind in KINDS.items()
    ]


def set_keep_days(site: Site, actor: Actor, kind: str, days: int, now: int) -> None:
    """Keep ``kind`` for ``days`` days; Invalid for an unknown kind or below its floor."""
    require(actor, Action.SITE_MANAGE)
    if kind not in KINDS:
        raise Invalid("retention.kind", kind=kind, kinds=", ".join(KINDS))
    floor = KINDS[kind].floor_days
    if days < floor:
        raise Invalid("retention.floor", kind=kind, days=days, floor=floor)
    with site.sessions.begin() as session:
        row = session.get(RetentionSetting, kind)
        if row is None:
            session.add(
                RetentionSetting(
                    kind=kind, keep_days=days, changed_by=actor.user_id, changed_at=now
                )
            )
        else:
            row.keep_days, row.changed_by, row.changed_at = days, actor.user_id, now
        session.add(
            ChangeLog(
                at=now,
                user_id=actor.user_id,
                action="retention",
                object_type=kind,
                object_id=None,
                detail=f"{days} days",
            )
        )


def purge(
    site: Site, now: int, actor: Actor | None = None, batch: int = 5000, max_batches: int = 100
) -> list[Purged]:
    """Delete what each kind keeps no longer; ``actor`` None is the scheduled job."""
    if actor is not None:
        require(actor, Action.SITE_MANAGE)
    with site.sessions() as session:
        days = keep_days(session)
    done = []
    for name, kind in KINDS.items():
        cutoff = now - days[name] * DAY
        deleted = 0
        for _ in range(max_batches):
            with site.sessions.begin() as session:
                ids = select(kind.model.id).where(kind.time < cutoff).limit(batch)
                result = session.execute(delete(kind.model).where(kind.model.id.in_(ids)))
                count = cast("CursorResult[Any]", result).rowcount
            deleted += count
            if count < batch:
                break
        with site.sessions.begin() as session:
            remaining = (
                session.scalar(
                    select(func.count()).select_from(kind.model).where(kind.time < cutoff)
                )
                or 0
            )
            if deleted:
                session.add(
                    ChangeLog(
                        at=now,
                        user_id=None if actor is None else actor.user_id,
                        action="purge",
                        object_type=name,
                        object_id=None,
                        detail=f"{deleted} rows older than {cutoff}",
                    )
                )
        done.append(Purged(name, cutoff, deleted, remaining))
    return done


class Scheduler:
    """Runs ``purge`` every ``every_s`` seconds in a daemon thread, until ``stop()``."""

    def __init__(self, site: Site, clock: Any, every_s: float = 3600) -> None:
        self._site = site
        self._clock = clock
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                purge(self._site, int(self._clock()))
            except Exception:  # a database hiccup must not end the schedule: next hour again
                logging.getLogger(__name__).exception("retention purge failed")
            self.runs += 1
            self._stop.wait(self._every_s)
