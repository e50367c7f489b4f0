"""bench.outbox_bench: the MicroPython script fills the outbox to its budget and measures it."""

from bench.outbox_bench import outbox_ram


def test_the_measured_outbox_is_full_and_the_figure_is_reported() -> None:
    # The script exits non-zero (and _run_micropython raises) unless the outbox took
    # about 6,200 records before refusing one for its byte budget.
    assert outbox_ram()["outbox_ram_bytes_full"] > 0
