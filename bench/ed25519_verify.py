"""Time firmware.ed25519.verify on the RFC 8032 TEST 3 vector; runs on MicroPython and CPython.

Usage, from the repository root:
    micropython bench/ed25519_verify.py [N] [--cold]
    python bench/ed25519_verify.py [N] [--cold]

Prints one line, ``ed25519_verify_ms <float>``: the mean over N verifications
(default 20). One untimed verification comes first, so the one-off building
of the base-point tables is not counted. verify() keeps the table of the last
public key; with --cold an untimed verification under another key (TEST 2)
precedes each timed one, so every timed call decodes its key afresh.
"""

import gc
import sys
import time

sys.path.insert(0, ".")
if "/" in __file__:
    sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/..")

from firmware.ed25519 import verify

# RFC 8032 section 7.1, TEST 3 and TEST 2.
_PK3 = bytes.fromhex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025")
_MSG3 = bytes.fromhex("af82")
_SIG3 = bytes.fromhex(
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
)
_PK2 = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
_MSG2 = bytes.fromhex("72")
_SIG2 = bytes.fromhex(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
)

if hasattr(time, "ticks_us"):

    def _elapsed_us(start):
        return time.ticks_diff(time.ticks_us(), start)

    _now = time.ticks_us
else:

    def _now():
        return time.perf_counter()

    def _elapsed_us(start):
        return (time.perf_counter() - start) * 1e6


def main(argv):
    cold = "--cold" in argv
    numbers = [a for a in argv if not a.startswith("-")]
    n = int(numbers[0]) if numbers else 20
    if not verify(_PK3, _MSG3, _SIG3):
        raise SystemExit("TEST 3 does not verify")
    gc.collect()
    total_us = 0
    for _ in range(n):
        if cold:
            verify(_PK2, _MSG2, _SIG2)
        start = _now()
        ok = verify(_PK3, _MSG3, _SIG3)
        total_us += _elapsed_us(start)
        if not ok:
            raise SystemExit("TEST 3 does not verify")
    print("ed25519_verify_ms %.3f" % (total_us / n / 1000))


main(sys.argv[1:])
