"""bench.station_sync_bench: the MicroPython sync it measures really syncs (small sizes)."""

from bench.station_sync_bench import station_sync


def test_the_measured_sync_stores_every_event_and_reports_both_figures() -> None:
    # The script exits non-zero (and _run_micropython raises) unless the sync ended
    # "ok_until" with every event stored.
    figures = station_sync(locks=3, events=7, keys=5)
    assert figures["station_sync_allocations"] > figures["station_sync_peak_live_bytes"] > 0
