"""The blocklist's size at steady state, with entries bounded by time (SPEC.md 8.2).

* ``blocklist_entries_steady_state``: a municipality of 10,000 keys (100 units
  of 100) loses 5 % of its keys a year, at random moments, over two simulated
  years; the mean number of entries in the signed blocklist over the second
  year's days (at 08:00 each day, the list as ``blocklist.current`` would sign
  it). Goal: tens, not thousands. ``blocklist_entries_max_day`` is the
  largest day of that year.
* ``blocklist_bytes_on_key_steady_state``: the bytes that mean list takes on
  a key (88 + 4 per entry, SPEC.md 8.2).
* ``blocklist_entries_unbounded``: what the list would hold on the last day
  if every lost key stayed listed (today's vendors' way, and this project's
  before the bound), for comparison.

The keys and their state changes are inserted in bulk; the list is computed
with the back office's own rule (``blocklist.entries``).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from sqlalchemy import insert, update

from bench.backoffice_bench import START, populate
from host.backoffice import blocklist
from host.backoffice.models import Key, KeyStateChange
from host.backoffice.site import Site, init_site

DAY = 24 * 3600
YEAR_DAYS = 365
KEYS = 10_000
LOST_PER_YEAR = 0.05


def run() -> dict[str, float]:
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as folder:
        site, _password = init_site(Path(folder) / "site", admin_password="bench-pw")
        try:
            return _measure(site, rng)
        finally:
            site.close()


def _measure(site: Site, rng: random.Random) -> dict[str, float]:
    populate(site, units=100, keys_per_unit=KEYS // 100, locks_per_unit=1)
    span = 2 * YEAR_DAYS * DAY
    losses = int(KEYS * LOST_PER_YEAR * 2)
    lost_keys = rng.sample(range(1, KEYS + 1), losses)
    changes = [
        {
            "key_id": key_id,
            "from_state": "active",
            "to_state": "lost",
            "changed_by": None,
            "changed_at": START + rng.randrange(span),
            "reason": "tappad",
        }
        for key_id in lost_keys
    ]
    with site.sessions.begin() as session:
        session.execute(insert(KeyStateChange), changes)
        session.execute(update(Key).where(Key.id.in_(lost_keys)).values(state="lost"))
    counts = []
    with site.sessions() as session:
        for day in range(YEAR_DAYS, 2 * YEAR_DAYS):
            counts.append(len(blocklist.entries(session, START + day * DAY)))
    mean = sum(counts) / len(counts)
    return {
        "blocklist_entries_steady_state": round(mean, 1),
        "blocklist_entries_max_day": float(max(counts)),
        "blocklist_bytes_on_key_steady_state": round(88 + 4 * mean, 1),
        "blocklist_entries_unbounded": float(losses),
    }
