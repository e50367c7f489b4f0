"""Ed25519 signature verification (RFC 8032) in pure Python for the station.

Only verification is implemented: the station checks signatures made
elsewhere. The module runs unchanged under MicroPython and CPython.

Three entry points, one check: ``verify(public_key, message, signature)``;
``Verifier(public_key, signature)`` with ``update(piece)`` and ``verify()`` for
a message that arrives in pieces (pure Ed25519 hashes R || A || M with SHA-512,
so the message is never held whole); ``verify_hashed(public_key, signature,
state)`` for a firmware.sha512 state already fed R || A || M.

Verification policy (strict; every rule below makes verify() return False):

* ``public_key`` must be 32 bytes and ``signature`` 64 bytes, and all three
  arguments must be bytes, bytearray or memoryview. verify() never raises.
* S must be canonical: S < L (RFC 8032 section 5.1.7 step 1). Without this
  check anyone can turn a valid signature into a second valid one (S + L).
* A and R must be canonical point encodings: y < p, and the encoding
  "x = 0 with the sign bit set" is refused (RFC 8032 section 5.1.3). Points
  that are not on the curve are refused.
* A must not be of small order (one of the 8 points of the torsion
  subgroup). With a small-order key, [k]A vanishes after the cofactor is
  cleared, so the single signature R = [s]B, S = s verifies for EVERY message:
  such a key proves nothing. R must not be of small order either (as in
  libsodium); an honest signer never produces one.
* The check is the cofactored group equation of RFC 8032 section 5.1.7,
  [8][S]B = [8]R + [8][k]A. It differs from the cofactorless equation
  [S]B = R + [k]A only for A or R with a torsion component ("mixed order"),
  which only the key holder can produce; such points are not refused. For
  honestly generated keys and signatures the two equations agree.

How the check is computed (why it is fast enough for MicroPython): k is
replaced by a pair of 127-bit integers c0, c1 with c0 = c1 * k (mod L), found
with a half extended Euclid on (L, k) (T. Pornin, "Optimized Lattice Basis
Reduction in Dimension 2, and Fast Schnorr and EdDSA Signature Verification",
2020). Multiplying the equation by c1 gives
[8]([c1]R + [c0]A - [c1 * S mod L]B) = 0, where every scalar has ~128 bits, so a
single Straus/wNAF loop needs ~128 doublings instead of ~253. The cofactor 8
makes this exactly equivalent to the cofactored equation above. Field
elements are plain integers mod p, reduced only after multiplications;
points use extended twisted Edwards coordinates (Hisil et al. 2008).

State: the tables of odd multiples of B and [2^128]B (64 points, about 11 KB
on a 32-bit port) are built at the first call, which therefore takes a few
milliseconds longer; the decoded table of the last public key is kept, as a
station verifies with the same key again and again. Verification handles
public data only, so nothing here is constant-time.

MicroPython notes: no int.bit_length is used; inverses and square roots use
pow() with non-negative exponents only (pow(x, -1, p) silently returns 0 on
MicroPython); tuples of three or more values are avoided in the hot paths
because building them is slow on some MicroPython builds.
"""

from firmware.sha512 import sha512

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional  # read under TYPE_CHECKING only

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = 37095705934669439343138083508754565189542113879843219016388785533085940283555
_D2 = _D * 2 % _P
_SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752
_BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202
_BY = 46316835694926478169428394003475163141307993866256225615783033603165251855960
_MASK255 = 2**255 - 1
_SQRT_L = 2**126  # floor(sqrt(L))

# y-coordinates of the 8 small-order points: (0, 1) of order 1, (0, -1) of
# order 2, (+-sqrt(-1), 0) of order 4, and (+-x8, +-Y8) of order 8.
_Y8 = 0x7A03AC9277FDC74EC6CC392CFA53202A0F67100D760B3CBA4FD84D3D706A17C7
_SMALL_ORDER_Y = (0, 1, _P - 1, _Y8, _P - _Y8)

_W_VAR = 5  # wNAF width for A and R: tables of 8 odd multiples, built per key
_W_FIXED = 7  # wNAF width for B and [2^128]B: tables of 32 odd multiples, built once
_NAF_LEN = 131  # a wNAF of an integer below 2^129 has at most 130 digits

_b_tables = None
_key_cache: "list[Any]" = [None, None]  # [public key, its wNAF table] of the last verification


def _as_bytes(x: object) -> "Optional[bytes]":
    """x as bytes if it is bytes, bytearray or memoryview, else None."""
    if isinstance(x, bytes):
        return x
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    return None


def _sq(x: int, n: int) -> int:
    P = _P
    for _ in range(n):
        x = x * x % P
    return x


def _pow22523(z: int) -> int:
    """z^((p - 5) / 8) = z^(2^252 - 3) mod p.

    The addition chain of the ref10 code (fe_pow22523): 250 squarings and 11
    multiplications. On MicroPython this is about twice as fast as the
    built-in three-argument pow().
    """
    P = _P
    z2 = z * z % P
    z9 = _sq(z2, 2) * z % P
    z11 = z9 * z2 % P
    z_5 = z11 * z11 % P * z9 % P  # z^(2^5 - 1)
    z_10 = _sq(z_5, 5) * z_5 % P
    z_20 = _sq(z_10, 10) * z_10 % P
    z_40 = _sq(z_20, 20) * z_20 % P
    z_50 = _sq(z_40, 10) * z_10 % P
    z_100 = _sq(z_50, 50) * z_50 % P
    z_200 = _sq(z_100, 100) * z_100 % P
    z_250 = _sq(z_200, 50) * z_50 % P
    return _sq(z_250, 2) * z % P


def _decode_point(s: bytes) -> "Optional[list[int]]":
    """Strictly decode a 32-byte point encoding to [x, y], or return None.

    Refuses non-canonical encodings, points off the curve and small-order points.
    """
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= _MASK255
    if y >= _P or y in _SMALL_ORDER_Y:
        return None
    P = _P
    yy = y * y % P
    u = yy - 1
    v = (_D * yy + 1) % P
    v3 = v * v % P * v % P
    # RFC 8032 section 5.1.3: x = u v^3 (u v^7)^((p - 5) / 8).
    x = u * v3 % P * _pow22523(u * v3 % P * v3 % P * v % P) % P
    vxx = v * x % P * x % P
    if vxx != u % P:
        if vxx != -u % P:
            return None
        x = x * _SQRT_M1 % P
    # x == 0 is impossible here: those points (y = +-1) have small order.
    if x & 1 != sign:
        x = P - x
    return [x, y]


def public_key_is_small_order(public_key: object) -> bool:
    """True if public_key is 32 bytes whose y (taken mod p) is that of a small-order point.

    This also catches non-canonical encodings of small-order points.
    verify() refuses every such key.
    """
    public_key = _as_bytes(public_key)
    if public_key is None or len(public_key) != 32:
        return False
    y = (int.from_bytes(public_key, "little") & _MASK255) % _P
    return y in _SMALL_ORDER_Y


# Point arithmetic outside the hot loop. A point is [X, Y, Z, T] with
# x = X/Z, y = Y/Z, x*y = T/Z; a table entry ("Niels form") is
# [Y+X, Y-X, 2d*T, 2Z], with None instead of 2Z when Z = 1.


def _double(p: list) -> list:
    # dbl-2008-hwcd for a = -1, with all four outputs negated (same projective point).
    P = _P
    X = p[0]
    Y = p[1]
    Z = p[2]
    a = X * X % P
    b = Y * Y % P
    c = Z * Z % P
    e = X * Y * 2 % P
    g = b - a
    f = c + c - g
    h = a + b
    return [e * f % P, g * h % P, f * g % P, e * h % P]


def _add(p: list, q: list) -> list:
    # add-2008-hwcd-3 for a = -1 with q in Niels form.
    P = _P
    X = p[0]
    Y = p[1]
    a = (Y - X) * q[1] % P
    b = (Y + X) * q[0] % P
    c = p[3] * q[2] % P
    z2 = q[3]
    d = p[2] * 2 if z2 is None else p[2] * z2 % P
    e = b - a
    f = d - c
    g = d + c
    h = b + a
    return [e * f % P, g * h % P, f * g % P, e * h % P]


def _niels(p: list) -> list:
    P = _P
    return [(p[1] + p[0]) % P, (p[1] - p[0]) % P, p[3] * _D2 % P, p[2] * 2 % P]


def _odd_multiples(p: list, n: int) -> list:
    """Extended points p, 3p, 5p, ..., (2n - 1)p."""
    p2 = _niels(_double(p))
    out = [p]
    for _ in range(n - 1):
        p = _add(p, p2)
        out.append(p)
    return out


def _affine_niels(points: list) -> list:
    """Niels forms with Z = 1 of extended points, using a single field inversion."""
    P = _P
    prefix = []
    acc = 1
    for q in points:
        prefix.append(acc)
        acc = acc * q[2] % P
    inv = pow(acc, P - 2, P)
    out: "list[Any]" = [None] * len(points)
    for i in range(len(points) - 1, -1, -1):
        q = points[i]
        zi = inv * prefix[i] % P
        inv = inv * q[2] % P
        x = q[0] * zi % P
        y = q[1] * zi % P
        out[i] = [(y + x) % P, (y - x) % P, x * y % P * _D2 % P, None]
    return out


def _fixed_tables() -> list:
    global _b_tables
    if _b_tables is None:
        n = 1 << (_W_FIXED - 2)
        b = [_BX, _BY, 1, _BX * _BY % _P]
        b128 = b
        for _ in range(128):
            b128 = _double(b128)
        _b_tables = [
            _affine_niels(_odd_multiples(b, n)),
            _affine_niels(_odd_multiples(b128, n)),
        ]
    return _b_tables


def _var_table(xy: list) -> list:
    x = xy[0]
    y = xy[1]
    return [_niels(q) for q in _odd_multiples([x, y, 1, x * y % _P], 1 << (_W_VAR - 2))]


def _schedule(sched: list, k: int, w: int, table: list) -> int:
    """Add the wNAF digits of k (width w) to sched as table entries.

    sched[i] collects the entries to add at bit position i; table holds the
    entries for 1, 3, 5, ... and a negative digit gets a negated entry.
    Returns the highest position used, or -1 when k is 0.
    """
    negate = k < 0
    if negate:
        k = -k
    width = 1 << w
    mask = width - 1
    half = width >> 1
    top = -1
    pos = 0
    carry = 0
    while True:
        rest = k >> pos
        if not rest and not carry:
            return top
        window = carry + (rest & mask)
        if not window & 1:
            # The digits at the trailing zero bits of window are 0; carry is unchanged.
            if window & mask:
                while not window & 1:
                    window >>= 1
                    pos += 1
            else:
                pos += w
            continue
        if window < half:
            carry = 0
            digit = window
        else:
            carry = 1
            digit = window - width
        if negate:
            digit = -digit
        if digit > 0:
            entry = table[digit >> 1]
        else:
            e = table[-digit >> 1]
            entry = [e[1], e[0], -e[2], e[3]]
        adds = sched[pos]
        if adds is None:
            sched[pos] = [entry]
        else:
            adds.append(entry)
        top = pos
        pos += w


def _half_gcd(k: int) -> "tuple[int, int]":
    """Return c0, c1 with c0 = c1 * k (mod L), |c0| < 2^126 and 0 < |c1| < 2^127."""
    r0 = _L
    r1 = k
    t0 = 0
    t1 = 1
    while r1 >= _SQRT_L:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        t0, t1 = t1, t0 - q * t1
    return r1, t1


def _is_identity_times_8(sched: list, top: int) -> bool:
    """Evaluate the scheduled multi-scalar product, times 8, and test for the identity."""
    P = _P
    X = 0
    Y = 1
    Z = 1
    T = 0
    for i in range(top, -1, -1):
        adds = sched[i]
        if i != top:
            # Doubling, inlined (see _double); T only when an addition follows.
            a = X * X % P
            b = Y * Y % P
            c = Z * Z % P
            e = X * Y * 2 % P
            g = b - a
            f = c + c - g
            h = a + b
            X = e * f % P
            Y = g * h % P
            Z = f * g % P
            if adds is None:
                continue
            T = e * h % P
        last = len(adds) - 1
        for j in range(last + 1):
            # Addition of a Niels entry, inlined (see _add).
            ypx, ymx, t2d, z2 = adds[j]
            a = (Y - X) * ymx % P
            b = (Y + X) * ypx % P
            c = T * t2d % P
            d = Z + Z if z2 is None else Z * z2 % P
            e = b - a
            f = d - c
            g = d + c
            h = b + a
            X = e * f % P
            Y = g * h % P
            Z = f * g % P
            if j != last:
                T = e * h % P
    p = [X, Y, Z, 0]
    for _ in range(3):
        p = _double(p)
    return p[0] % P == 0 and (p[1] - p[2]) % P == 0


def verify(public_key: object, message: object, signature: object) -> bool:
    """Verify an Ed25519 signature (RFC 8032, policy in the module docstring).

    Returns True only for a valid signature; returns False, never raises, for
    anything else.
    """
    verifier = Verifier(public_key, signature)
    verifier.update(message)
    return verifier.verify()


class Verifier:
    """verify() for a message that arrives in pieces: the same check, the same policy.

    ``Verifier(public_key, signature)``, then ``update(piece)`` for each piece of
    the message in order (bytes, bytearray or memoryview, any length), then
    ``verify()`` -> bool. Pure Ed25519 hashes R || A || M with SHA-512, so the
    message is hashed as it comes and never held: memory is the SHA-512 state
    (a 128-byte block buffer) whatever the message's length. Nothing raises; a
    piece of another type makes ``verify()`` False.
    """

    def __init__(self, public_key: object, signature: object) -> None:
        self._public_key = _as_bytes(public_key)
        self._signature = _as_bytes(signature)
        self._ok = (
            self._public_key is not None
            and self._signature is not None
            and len(self._public_key) == 32
            and len(self._signature) == 64
        )
        self._hash = sha512()
        if self._ok:
            self._hash.update(self._signature[:32])  # type: ignore[index]  # checked above
            self._hash.update(self._public_key)  # type: ignore[arg-type]  # checked above

    def update(self, piece: object) -> None:
        if isinstance(piece, memoryview) and getattr(piece, "itemsize", 1) != 1:
            piece = bytes(piece)  # its bytes, not its items
        if isinstance(piece, (bytes, bytearray, memoryview)):
            self._hash.update(piece)
        else:
            self._ok = False

    def verify(self) -> bool:
        if not self._ok:
            return False
        return verify_hashed(self._public_key, self._signature, self._hash)


def verify_hashed(public_key: object, signature: object, hashed: "sha512") -> bool:
    """verify() given the SHA-512 of R || A || M instead of M (still pure Ed25519).

    ``hashed`` is a firmware.sha512.sha512 that was fed R (the signature's first
    32 bytes), A (the public key) and the whole message, in that order; it is
    not changed. This is not Ed25519ph: the signature is the ordinary one.
    """
    global _key_cache
    # Lengths are checked after conversion: len() of a memoryview counts items, not bytes.
    public_key = _as_bytes(public_key)
    signature = _as_bytes(signature)
    if public_key is None or signature is None or not isinstance(hashed, sha512):
        return False
    if len(public_key) != 32 or len(signature) != 64:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    # A station verifies with a few keys, mostly the same one: decoding A and
    # building its table would be ~15% of a verification.
    cache = _key_cache
    if public_key == cache[0]:
        a_table = cache[1]
    else:
        a = _decode_point(public_key)
        if a is None:
            return False
        a_table = _var_table(a)
        _key_cache = [public_key, a_table]
    r = _decode_point(signature[:32])
    if r is None:
        return False
    k = int.from_bytes(hashed.digest(), "little") % _L

    c0, c1 = _half_gcd(k)
    b = -c1 * s % _L
    fixed = _fixed_tables()
    sched: "list[Any]" = [None] * _NAF_LEN
    top = max(
        _schedule(sched, c1, _W_VAR, _var_table(r)),
        _schedule(sched, c0, _W_VAR, a_table),
        _schedule(sched, b & (2**128 - 1), _W_FIXED, fixed[0]),
        _schedule(sched, b >> 128, _W_FIXED, fixed[1]),
    )
    if top < 0:
        # Every scalar 0 would pass as the identity; impossible (c1 != 0), refused anyway.
        return False
    return _is_identity_times_8(sched, top)
