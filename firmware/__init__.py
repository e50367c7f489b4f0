"""synk station firmware: MicroPython code that also runs under CPython."""
