"""The personal code's verifier, keyed by the key's own secret (SPEC.md 5.11, 8.4, 14.1).

Two steps, so that the station and the key each hold only half of what a guess needs:

- ``derive(code, salt, iterations)``: PBKDF2-HMAC-SHA-256 of the code (6 ASCII
  digits) with the bundle's ``code_salt`` and ``code_iterations``, 16 bytes. The
  station computes it from the typed code and sends it in ``PIN_PROOF``.
- ``proof(pin_secret, derived)``: the first 16 bytes of
  HMAC-SHA-256(pin_secret, ``synk-pin-v1`` || derived). The key answers
  ``PIN_PROOF`` with it; the bundle's ``code_verifier`` is the proof of the
  right code, made by the back office, which knows every key's ``pin_secret``.

``verifier(code, salt, iterations, pin_secret)`` is the two together. This
module is the rule; the back office (host.backoffice.codes), the virtual key
and the vectors use it, and the firmware's own implementation
(firmware/pin_secret.py) is held to it by the vectors.
"""

from __future__ import annotations

import hashlib
import hmac

from protocol import constants as k
from protocol.errors import ProtocolError

__all__ = ["derive", "proof", "verifier"]


def derive(code: str, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA-256(code, salt, iterations, 16): what the station sends in PIN_PROOF."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ProtocolError("code", "6 ASCII digits")
    if not 1 <= iterations <= 0xFFFF:
        raise ProtocolError("code_iterations", "1..65535")
    return hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), salt, iterations, k.PIN_DERIVED_SIZE)


def proof(pin_secret: bytes, derived: bytes) -> bytes:
    """What the key answers to PIN_PROOF: HMAC-SHA-256(pin_secret, context || derived)[:16]."""
    if len(pin_secret) != k.PIN_SECRET_SIZE:
        raise ProtocolError("pin_secret", f"{k.PIN_SECRET_SIZE} bytes")
    if len(derived) != k.PIN_DERIVED_SIZE:
        raise ProtocolError("derived", f"{k.PIN_DERIVED_SIZE} bytes")
    mac = hmac.new(pin_secret, k.PIN_CONTEXT + derived, hashlib.sha256).digest()
    return mac[: k.PIN_PROOF_SIZE]


def verifier(code: str, salt: bytes, iterations: int, pin_secret: bytes) -> bytes:
    """A bundle key entry's ``code_verifier``: the proof the key gives for the right code."""
    return proof(pin_secret, derive(code, salt, iterations))
