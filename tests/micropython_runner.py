"""Runs portable test modules under MicroPython, where pytest does not exist.

Usage (from the repository root): micropython tests/micropython_runner.py tests.firmware.test_x ...

Every function whose name starts with ``test_`` is called without arguments; an
exception is a failure. The last line is ``N passed, N failed`` and the exit code
is 1 when anything failed, so the pytest bridge (tests/test_on_micropython.py)
can tell the result.
"""

import sys

sys.path.insert(0, ".")


def _run_module(name):
    passed = 0
    failed = 0
    module = __import__(name, None, None, ["*"])
    for attr in sorted(dir(module)):
        if not attr.startswith("test_"):
            continue
        test = getattr(module, attr)
        if not callable(test):
            continue
        try:
            test()
            passed += 1
        except Exception as exc:  # every failure is reported, none stops the run
            failed += 1
            print("FAIL", name + "." + attr)
            sys.print_exception(exc) if hasattr(sys, "print_exception") else print(repr(exc))
    return passed, failed


def main(names):
    total_passed = 0
    total_failed = 0
    for name in names:
        try:
            passed, failed = _run_module(name)
        except Exception as exc:  # an import error is a failure of that module
            print("FAIL import", name)
            sys.print_exception(exc) if hasattr(sys, "print_exception") else print(repr(exc))
            passed, failed = 0, 1
        total_passed += passed
        total_failed += failed
    print("%d passed, %d failed" % (total_passed, total_failed))
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
