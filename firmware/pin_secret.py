"""PIN_PROOF (SPEC.md 5.11): the key's half of the personal code's check.

The bundle's ``code_verifier`` of a key is not a hash of the code alone: it is
what the key answers to ``PIN_PROOF`` for the right code, an HMAC keyed by a
secret that only the key and the back office hold. So the station computes
``derive(code, salt, iterations)`` (PBKDF2) from the typed code, asks the key
for its proof of that, and compares the answer with the verifier; a stolen
station or an exported bundle cannot test a guess without the key.

The message's two payloads (request ``{"derived"}``, answer ``{"proof"}``) are
encoded and checked with every other payload in ``firmware/payloads.py``.
``derive`` and ``proof`` raise ``PinError`` (with the ``field`` at fault) for
arguments that do not fit. ``proof`` is the key's side, for test doubles of a key.
"""

from firmware.hmac_sha256 import hmac_sha256, pbkdf2_sha256
from firmware.protocol_constants import (
    CODE_DIGITS,
    PIN_CONTEXT,
    PIN_DERIVED_SIZE,
    PIN_PROOF_SIZE,
    PIN_SECRET_SIZE,
)

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union  # read under TYPE_CHECKING only

    _Buf = Union[bytes, bytearray, memoryview]


class PinError(ValueError):
    """A PIN_PROOF payload or argument that does not fit SPEC.md 5.11."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__("%s: %s" % (field, message))
        self.field = field


def derive(code: str, salt: "_Buf", iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA-256(code as 6 ASCII digits, salt, iterations, 16): PIN_PROOF's request."""
    if len(code) != CODE_DIGITS or not all("0" <= c <= "9" for c in code):
        raise PinError("code", "6 digits")
    if not 1 <= iterations <= 0xFFFF:
        raise PinError("code_iterations", "1..65535")
    return pbkdf2_sha256(code.encode(), bytes(salt), iterations, PIN_DERIVED_SIZE)


def proof(pin_secret: "_Buf", derived: "_Buf") -> bytes:
    """The key's answer: HMAC-SHA-256(pin_secret, "synk-pin-v1" || derived), first 16 bytes."""
    if len(pin_secret) != PIN_SECRET_SIZE:
        raise PinError("pin_secret", "%d bytes" % PIN_SECRET_SIZE)
    if len(derived) != PIN_DERIVED_SIZE:
        raise PinError("derived", "%d bytes" % PIN_DERIVED_SIZE)
    return hmac_sha256(pin_secret, PIN_CONTEXT + bytes(derived))[:PIN_PROOF_SIZE]
