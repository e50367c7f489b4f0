"""Every module of firmware/ imports (run under MicroPython too: nothing CPython-only sneaks in)."""

import os


def _firmware_modules():
    here = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
    root = here + "/../../firmware"
    return sorted(name[:-3] for name in os.listdir(root) if name.endswith(".py"))


def test_every_firmware_module_imports():
    names = _firmware_modules()
    assert "records" in names and "bundle_cache" in names
    for name in names:
        __import__("firmware." + name)
