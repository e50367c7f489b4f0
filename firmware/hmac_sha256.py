"""HMAC-SHA-256 (RFC 2104) and PBKDF2-HMAC-SHA-256 (RFC 8018) over ``hashlib.sha256``.

The station uses HMAC for lock audit-event MACs and PBKDF2 to check a staff
member's 6-digit code against the bundle's verifier (SPEC.md 8.3, 8.4).
MicroPython's sha256 objects cannot be copied, so the padded key blocks cannot
be hashed once and reused; instead each PBKDF2 iteration hashes one preallocated
96-byte buffer per HMAC half (key block + previous digest, two SHA-256 blocks)
and XORs the digests as one big integer, keeping the inner loop to a few calls.
"""

from hashlib import sha256

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union  # read under TYPE_CHECKING only

    _Buf = Union[bytes, bytearray, memoryview]

_BLOCK = 64


def _pads(key: "_Buf") -> "tuple[bytes, bytes]":
    raw = bytes(key)
    if len(raw) > _BLOCK:
        raw = sha256(raw).digest()
    raw = raw + bytes(_BLOCK - len(raw))
    return bytes(b ^ 0x36 for b in raw), bytes(b ^ 0x5C for b in raw)


def hmac_sha256(key: "_Buf", msg: "_Buf") -> bytes:
    """HMAC-SHA-256(key, msg), 32 bytes."""
    ipad, opad = _pads(key)
    inner = sha256(ipad)
    inner.update(msg)
    outer = sha256(opad)
    outer.update(inner.digest())
    return outer.digest()


def compare_digest(a: "_Buf", b: "_Buf") -> bool:
    """True when ``a`` and ``b`` are equal, in time independent of where they differ."""
    if len(a) != len(b):
        return False
    diff = 0
    for i in range(len(a)):
        diff |= a[i] ^ b[i]
    return diff == 0


def pbkdf2_sha256(password: "_Buf", salt: "_Buf", iterations: int, dklen: int) -> bytes:
    """PBKDF2 (RFC 8018, section 5.2) with HMAC-SHA-256 as the PRF."""
    if iterations < 1 or dklen < 1:
        raise ValueError("iterations and dklen must be at least 1")
    ipad, opad = _pads(password)
    ibuf = bytearray(_BLOCK + 32)
    ibuf[:_BLOCK] = ipad
    obuf = bytearray(_BLOCK + 32)
    obuf[:_BLOCK] = opad
    out = bytearray()
    block = 1
    while len(out) < dklen:
        inner = sha256(ipad)
        inner.update(salt)
        inner.update(
            bytes((block >> 24 & 0xFF, block >> 16 & 0xFF, block >> 8 & 0xFF, block & 0xFF))
        )
        obuf[_BLOCK:] = inner.digest()
        u = sha256(obuf).digest()
        acc = int.from_bytes(u, "big")
        for _ in range(iterations - 1):
            ibuf[_BLOCK:] = u
            obuf[_BLOCK:] = sha256(ibuf).digest()
            u = sha256(obuf).digest()
            acc ^= int.from_bytes(u, "big")
        out += acc.to_bytes(32, "big")
        block += 1
    return bytes(out[:dklen])
