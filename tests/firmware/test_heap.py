"""firmware/heap.py: the threshold set where the port has one (run under MicroPython too)."""

import gc

from firmware import heap


def test_collect_early_sets_the_threshold_where_the_port_has_one():
    if not hasattr(gc, "threshold"):
        heap.collect_early()  # CPython: nothing to set, and no error
        return
    before = gc.threshold()
    try:
        heap.collect_early(12288)
        assert gc.threshold() == 12288
        heap.collect_early()
        assert gc.threshold() == heap.THRESHOLD
    finally:
        gc.threshold(before)
