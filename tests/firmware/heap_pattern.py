"""MicroPython script: the allocation pattern firmware/heap.py is for, on a small heap.

    micropython -X heapsize=160k tests/firmware/heap_pattern.py policy|none

300 small objects that live on, each made between 2.5 KiB of garbage (a
sync's records between its buffers), then 40 buffers of 1 KiB. With
``policy`` the station's heap policy is set first (``heap.collect_early``),
with ``none`` the collector runs only when the heap is full. Prints ``ok
<bytes free>`` when every buffer found room; a MemoryError ends it non-zero.
Run by tests/firmware/test_heap_cpython.py.
"""

import gc
import sys

sys.path.insert(0, ".")

from firmware import heap

if sys.argv[1] == "policy":
    heap.collect_early()
kept = []
for i in range(300):
    kept.append(bytes(40) + bytes([i % 256]))
    junk = [bytes(64) for _ in range(40)]
junk = None
buffers = [bytearray(1024) for _ in range(40)]
print("ok", gc.mem_free())
