"""The station's heap policy: collect early, so that what lives long packs at the heap's low end.

MicroPython's collector never moves an object, and by default it runs only
when an allocation finds no room. By then the allocations since the last run
have walked through the whole free heap, and the few that live on (a key's
audit records, the outbox's index, a bundle's pieces) are strewn across it:
the holes between them are small, and the next buffer of a few KiB finds none
that fits although most of the heap is free. With ``gc.threshold`` the
collector runs after every ``THRESHOLD`` bytes allocated: garbage is freed
while it is still at the low end, the allocator (first fit from the lowest
free block) fills the same holes again, and the heap's top stays one free run.

Measured on the 64-bit unix port, 2026-12-04: the smallest heap at which a
full station run (boot, bundle download, a sync of 60 locks and 200 audit
events, upload; bench/station_run_bench.py's ``vm_heap_min_ok_bytes``, code
in the folder form / in a ROMFS image) succeeds, and one sync's wall time at
768 KiB (bench/station_sync_bench.py's ``vm_sync_wall_ms``):

    threshold     folder    ROMFS     sync
    none          872 KiB   776 KiB   MemoryError at 768 KiB
    8 KiB         384 KiB   288 KiB   228 ms
    16 KiB        384 KiB   292 KiB   107 ms
    32 KiB        396 KiB   304 KiB    85 ms

A collection marks everything live, so a small threshold costs time in
proportion to the heap in use; 16 KiB keeps the heap of 8 KiB at half the
time. (Without a threshold, 450 KiB failed growing a list to 2 KiB while
260 KiB of the heap were free.)

``collect_early()`` is the first thing firmware/main.py does, before the
firmware's own imports. CPython's collector has no such setting (the emulator
runs the same firmware there): it does nothing.
"""

import gc

THRESHOLD = 16384  # bytes allocated between two collections (the table above)


def collect_early(threshold: int = THRESHOLD) -> None:
    """Collect now, and from now on after every ``threshold`` bytes allocated."""
    if not hasattr(gc, "threshold"):
        return  # CPython
    gc.collect()
    gc.threshold(threshold)
