"""Tests of firmware/.

Files ending in _cpython.py are CPython-only; the rest also run on MicroPython.
"""
