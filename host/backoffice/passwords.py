"""Back-office user passwords, hashed with scrypt at the cost OWASP recommends.

A hash is ``scrypt$N$r$p$salt$hash`` (16-byte random salt, 32-byte hash), so
each hash says the cost it was made with. ``COST`` is the OWASP Password
Storage Cheat Sheet's scrypt recommendation: N=2^17 (128 MiB), r=8, p=1. A
site hashes with the cost in its settings (``password_scrypt_n``, this
``COST`` unless the site was made with another, as tests do to stay quick);
a sign-in that finds the stored hash made with another cost hashes the
password again at the site's (``needs_rehash``), so raising the cost upgrades
every user at their next sign-in.

At most ``MAX_PARALLEL`` hashes run at once in a process: each takes 128 MiB,
and sign-in attempts come before anyone is known.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass

MIN_LOG2_N, MAX_LOG2_N = 10, 20


@dataclass(frozen=True)
class Cost:
    """scrypt's parameters: CPU/memory cost ``n`` (a power of two), block size ``r``, ``p``."""

    n: int
    r: int = 8
    p: int = 1

    @property
    def memory(self) -> int:
        """Bytes scrypt needs (OpenSSL refuses more than ``maxmem``)."""
        return 128 * self.r * (self.n + self.p + 2)

    @classmethod
    def checked(cls, n: int, r: int = 8, p: int = 1) -> Cost:
        if n < 2 or n & (n - 1) or not MIN_LOG2_N <= n.bit_length() - 1 <= MAX_LOG2_N:
            raise ValueError(f"scrypt N must be 2^{MIN_LOG2_N}..2^{MAX_LOG2_N}, got {n}")
        if not 1 <= r <= 32 or not 1 <= p <= 16:
            raise ValueError(f"scrypt r, p out of range: {r}, {p}")
        return cls(n, r, p)


COST = Cost(2**17, 8, 1)
MAX_PARALLEL = max(2, os.cpu_count() or 2)
_parallel = threading.BoundedSemaphore(MAX_PARALLEL)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, cost: Cost, dklen: int) -> bytes:
    with _parallel:
        return hashlib.scrypt(
            password.encode(),
            salt=salt,
            n=cost.n,
            r=cost.r,
            p=cost.p,
            dklen=dklen,
            maxmem=cost.memory + (1 << 20),
        )


def hash_password(password: str, cost: Cost = COST) -> str:
    """``scrypt$N$r$p$salt$hash`` with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, cost, 32)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes]:
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        raise ValueError(f"not an scrypt hash: {scheme}")
    return Cost.checked(int(n), int(r), int(p)), base64.b64decode(salt), base64.b64decode(digest)


def verify_password(password: str, stored: str) -> bool:
    try:
        cost, salt, expected = _parse(stored)
        actual = _scrypt(password, salt, cost, len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str, cost: Cost) -> bool:
    """Whether ``stored`` was made with another cost than ``cost`` (or is no scrypt hash)."""
    try:
        return _parse(stored)[0] != cost
    except ValueError:
        return True


def generate_password() -> str:
    return secrets.token_urlsafe(12)
