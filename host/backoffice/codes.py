"""Personal 6-digit codes, their PBKDF2 and the keys' verifiers (SPEC.md 5.11, 8.4, 14.1).

The back office never stores a code: only a random 16-byte salt and
PBKDF2-HMAC-SHA-256(code as 6 ASCII digits, salt, iterations, 16 bytes) per
member of staff. The iteration count is site-wide (``site_settings.code_iterations``)
because the bundle header carries one count for all keys; changing it means new
codes for everybody.

A bundle never carries that PBKDF2: per key it carries ``key_verifier``, the key's
PIN_PROOF answer for it, keyed by the key's ``pin_secret`` (``new_pin_secret``), so
a stolen station or an exported bundle cannot test guesses without the key. The
rule itself is protocol.pin_secret's.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets

from host.backoffice.errors import Invalid
from protocol import constants as k
from protocol import pin_secret

SALT_BYTES = 16
VERIFIER_BYTES = 16
DEFAULT_ITERATIONS = 1000


def is_trivial(code: str) -> bool:
    """Codes anyone would guess first: one repeated digit, or a straight run up or down."""
    digits = [int(c) for c in code]
    steps = {(b - a) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({0}, {1}, {9})


def check_format(code: str) -> None:
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise Invalid("code.format")
    if is_trivial(code):
        raise Invalid("code.trivial")


def generate_code() -> str:
    """A random code that is not trivial."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not is_trivial(code):
            return code


def derive(code: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), salt, iterations, VERIFIER_BYTES)


def new_pin_secret() -> bytes:
    """A key's pin_secret (SPEC.md 5.11): 32 bytes from the system's CSPRNG."""
    return secrets.token_bytes(k.PIN_SECRET_SIZE)


def check_pin_secret(value: bytes) -> bytes:
    if len(value) != k.PIN_SECRET_SIZE:
        raise Invalid("key.pin_secret", size=k.PIN_SECRET_SIZE, digits=2 * k.PIN_SECRET_SIZE)
    return bytes(value)


def key_verifier(derived: bytes, key_pin_secret: bytes) -> bytes:
    """A bundle key entry's code_verifier: the key's PIN_PROOF answer for the stored PBKDF2."""
    return pin_secret.proof(key_pin_secret, derived)


def make_verifier(code: str, iterations: int) -> tuple[bytes, bytes]:
    """(salt, verifier) for a well-formed code."""
    check_format(code)
    salt = secrets.token_bytes(SALT_BYTES)
    return salt, derive(code, salt, iterations)


def matches(code: str, salt: bytes, verifier: bytes, iterations: int) -> bool:
    return hmac.compare_digest(derive(code, salt, iterations), verifier)
