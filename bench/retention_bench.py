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

The site is the municipal-scale one of issue 13 (``host.backoffice.scale``:
150 units, 10,000 keys, 24,000 locks) with ``SYNK_BENCH_EVENTS`` lock events
(default 1,000,000; ``inv bench --scale`` sets 16,000,000) in home care's
rhythm over three and a half years, and a quarter as many station events,
bulk-loaded on SQLite.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from bench.backoffice_bench import START
from host.backoffice import passwords, retention, scale, site_export
from host.backoffice.models import AuditEvent
from host.backoffice.service import BackOffice
from host.backoffice.site import Site, init_site

DAY = 24 * 3600
EVENTS_ENV = "SYNK_BENCH_EVENTS"
SPAN_DAYS = 3 * 365 + 182
QUICK = passwords.Cost.checked(2**10)  # the unit managers' passwords: not what is measured


def run() -> dict[str, float]:
    count = int(os.environ.get(EVENTS_ENV, "1000000"))
    now = START + SPAN_DAYS * DAY
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        site, _password = init_site(root / "site", admin_password="bench-pw", password_cost=QUICK)
        try:
            scale.build(site, scale.Shape(events=count, days=SPAN_DAYS), now, "bench-pw", QUICK)
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
