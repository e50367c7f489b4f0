"""Retention and export at volume: deleting old lock events, exporting a whole site.

* ``retention_delete_rows_per_s``: ``retention.purge`` deleting the older half
  of the site's lock events (batches of 5,000, each its own transaction), rows
  per second;
* ``retention_delete_floor_rows_per_s``: the same rows deleted by one plain
  ``DELETE … WHERE time < cut-off`` in one transaction, the floor, measured in
  the same run on a copy;
* ``site_export_s``: ``site_export.export_site`` of the site with all its
  events (CSV per table, SHA-256, manifest); ``site_export_events`` says how
  many events that site held.

The site is a municipality's staff and locks (bench.backoffice_bench.populate)
with ``SYNK_BENCH_EVENTS`` lock events (default 1,000,000; ``inv bench
--scale`` sets 16,000,000) spread over three and a half years, bulk-inserted
on SQLite.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, insert

from bench.backoffice_bench import START, populate
from host.backoffice import retention, site_export
from host.backoffice.models import AuditEvent
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site

DAY = 24 * 3600
EVENTS_ENV = "SYNK_BENCH_EVENTS"
SPAN_DAYS = 3 * 365 + 182
LOCKS = 1000


def _events(site: Site, count: int, now: int) -> None:
    step = SPAN_DAYS * DAY / count
    seqs = [0] * (LOCKS + 1)
    chunk = []
    for n in range(count):
        lock_id = n % LOCKS + 1
        seqs[lock_id] += 1
        at = int(now - SPAN_DAYS * DAY + n * step)
        chunk.append(
            {
                "lock_id": lock_id,
                "lock_seq": seqs[lock_id],
                "key_id": n % 10_000 + 1,
                "outcome": 0,
                "time": at,
                "mac": bytes(16),
                "received_at": at,
                "station_id": 1,
                "outbox_index": n + 1,
                "uploaded_at": at,
            }
        )
        if len(chunk) == 50_000:
            with site.sessions.begin() as session:
                session.execute(insert(AuditEvent), chunk)
            chunk = []
    if chunk:
        with site.sessions.begin() as session:
            session.execute(insert(AuditEvent), chunk)


def run() -> dict[str, float]:
    count = int(os.environ.get(EVENTS_ENV, "1000000"))
    now = START + SPAN_DAYS * DAY
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        site, _password = init_site(root / "site", admin_password="bench-pw")
        try:
            populate(site, units=10, keys_per_unit=1000, locks_per_unit=LOCKS // 10)
            _events(site, count, now)
            began = time.perf_counter()
            site_export.export_site(site, root / "export", now)
            export_s = time.perf_counter() - began
        finally:
            site.close()
        shutil.copytree(root / "site", root / "floor")
        cutoff_days = SPAN_DAYS // 2
        site = Site.open(root / "site")
        try:
            admin = BackOffice(site).actor_for(None)
            retention.set_keep_days(site, admin, "lock_events", cutoff_days, now)
            began = time.perf_counter()
            done = {p.kind: p for p in retention.purge(site, now, max_batches=1_000_000)}
            purge_s = time.perf_counter() - began
            deleted = done["lock_events"].deleted
        finally:
            site.close()
        floor = Site.open(root / "floor")
        try:
            began = time.perf_counter()
            with floor.sessions.begin() as session:
                session.execute(delete(AuditEvent).where(AuditEvent.time < now - cutoff_days * DAY))
            floor_s = time.perf_counter() - began
        finally:
            floor.close()
    return {
        "retention_delete_rows_per_s": round(deleted / purge_s),
        "retention_delete_floor_rows_per_s": round(deleted / floor_s),
        "site_export_s": round(export_s, 2),
        "site_export_events": float(count),
    }
