"""Tests of host/diag: ``synk diag`` against the USB key reader and station console on PTYs."""
