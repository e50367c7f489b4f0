"""bench.audit_ingest_bench: what it measures really stores every event (small sizes)."""

from pathlib import Path

from bench.audit_ingest_bench import floor, ingest


def test_ingest_on_both_engines_and_the_floor_store_every_event(
    tmp_path: Path, postgresql: str
) -> None:
    # ingest asserts that every batch was stored; floor counts the rows it inserted.
    assert ingest(tmp_path / "sqlite", None, batches=2) > 0
    assert ingest(tmp_path / "postgresql", postgresql, batches=2) > 0
    assert floor(tmp_path / "floor", batches=2) > 0
