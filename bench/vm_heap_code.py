"""MicroPython script: the heap importing the firmware takes (issue 17's code figure).

    micropython -X heapsize=8M bench/vm_heap_code.py folder FILES MODULE...
    micropython -X heapsize=8M bench/vm_heap_code.py romfs IMAGE.romfs MODULE...

``folder``: FILES (an image's files/, as on the board's file system) is the
whole ``sys.path``; each .mpy is read into the heap when imported, as on the
virtual board. ``romfs``: the ROMFS image is read into a buffer and mounted at
/rom with ``vfs.VfsRom``, as a board mounts its ROM partition (the unix port
has no partition, hence the buffer, which is made before the baseline and so
not counted: on a board it is flash); its bytecode then runs in place.
Prints ``vm_heap_code_bytes <n>``: ``gc.mem_alloc()`` after importing every
MODULE, less before, both after a collection.
"""

import gc
import sys


def main(argv):
    form, where, modules = argv[1], argv[2], argv[3:]
    image = None
    if form == "romfs":
        import vfs

        with open(where, "rb") as f:
            image = f.read()
        vfs.mount(vfs.VfsRom(image), "/rom")
        sys.path[:] = ["/rom"]
    else:
        sys.path[:] = [where]
    gc.collect()
    before = gc.mem_alloc()
    for name in modules:
        __import__(name)
    gc.collect()
    taken = gc.mem_alloc() - before
    prefix = "/rom/" if image is not None else where
    outside = [n for n in modules if not sys.modules[n].__file__.startswith(prefix)]
    if outside:
        raise SystemExit("imported from elsewhere: %s" % outside)
    print("vm_heap_code_bytes %d" % taken)


main(sys.argv)
