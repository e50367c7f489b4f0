"""synk's test suite: pytest + Hypothesis; portable firmware tests also run on MicroPython."""
