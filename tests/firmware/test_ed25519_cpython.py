"""CPython-only checks of firmware.ed25519 and firmware.sha512.

Uses the 1024 sign.input vectors of the cryptography_vectors package, signatures
made by the cryptography package, Hypothesis, hashlib, and a small slow
reference implementation of the curve (below) for the policy checks that need
points the RFC vectors do not have: small-order and mixed-order points.
"""

import hashlib

import cryptography_vectors
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware import ed25519
from firmware.ed25519 import public_key_is_small_order, verify
from firmware.sha512 import sha512, sha512_digest
from tests.firmware.test_ed25519 import SMALL_ORDER_ENCODINGS

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

# --- A slow, independent reference: projective twisted Edwards arithmetic ---
# (add-2008-bbjlp, a different formula from the firmware's extended coordinates),
# points normalised to affine (x, y) between operations.

IDENTITY = (0, 1)


def ref_add(p1: tuple[int, int], p2: tuple[int, int]) -> tuple[int, int]:
    return _affine(_proj_add((p1[0], p1[1], 1), (p2[0], p2[1], 1)))


def _proj_add(p1: tuple[int, int, int], p2: tuple[int, int, int]) -> tuple[int, int, int]:
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    a = z1 * z2 % P
    b = a * a % P
    c = x1 * x2 % P
    d = y1 * y2 % P
    e = D * c * d % P
    f = (b - e) % P
    g = (b + e) % P
    x3 = a * f * ((x1 + y1) * (x2 + y2) - c - d) % P
    y3 = a * g * (d + c) % P  # curve parameter a = -1
    return (x3, y3, f * g % P)


def _affine(p: tuple[int, int, int]) -> tuple[int, int]:
    zi = pow(p[2], P - 2, P)
    return (p[0] * zi % P, p[1] * zi % P)


def ref_mul(n: int, p: tuple[int, int]) -> tuple[int, int]:
    q = (0, 1, 1)
    pp = (p[0], p[1], 1)
    while n:
        if n & 1:
            q = _proj_add(q, pp)
        pp = _proj_add(pp, pp)
        n >>= 1
    return _affine(q)


def ref_x_for_y(y: int, sign: int) -> int | None:
    xx = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(xx, (P + 3) // 8, P)
    if x * x % P != xx:
        x = x * SQRT_M1 % P
    if x * x % P != xx:
        return None
    if x & 1 != sign:
        x = -x % P
    return x


def ref_decode_lenient(enc: bytes) -> tuple[int, int] | None:
    """Decode taking y mod p and ignoring the x = 0 sign rule (what a lax verifier does)."""
    n = int.from_bytes(enc, "little")
    y = (n & (2**255 - 1)) % P
    x = ref_x_for_y(y, n >> 255)
    return None if x is None else (x, y)


def ref_encode(p: tuple[int, int]) -> bytes:
    x, y = p
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


BASE = (ref_x_for_y(4 * pow(5, P - 2, P) % P, 0), 4 * pow(5, P - 2, P) % P)


def secret_scalar(seed: bytes) -> tuple[int, bytes]:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    return (a & ((1 << 254) - 8)) | (1 << 254), h[32:]


def ref_sign_with_point(a: int, prefix: bytes, pk: bytes, msg: bytes, r_extra=IDENTITY) -> bytes:
    """RFC 8032 signing, except that R may have a torsion point r_extra added."""
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % L
    r_enc = ref_encode(ref_add(ref_mul(r, BASE), r_extra))
    k = int.from_bytes(hashlib.sha512(r_enc + pk + msg).digest(), "little") % L
    return r_enc + ((r + k * a) % L).to_bytes(32, "little")


def ref_verify_cofactorless(pk: bytes, msg: bytes, sig: bytes) -> bool:
    a = ref_decode_lenient(pk)
    r = ref_decode_lenient(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pk + msg).digest(), "little") % L
    return ref_mul(s, BASE) == ref_add(r, ref_mul(k, a))


def raw_public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


# --- The cryptography_vectors sign.input file: 1024 vectors. ---


def _sign_input() -> list[list[bytes]]:
    # Each line: secret key || public key : public key : message : signature || message :
    with cryptography_vectors.open_vector_file("asymmetric/Ed25519/sign.input", "r") as f:
        lines = [line for line in f.read().splitlines() if line]
    vectors = []
    for line in lines:
        sk_pk, pk, msg, sig_msg, _ = line.split(":")
        vectors.append([bytes.fromhex(x) for x in (sk_pk[:64], pk, msg, sig_msg[:128])])
    return vectors


def test_sign_input_has_1024_vectors_that_cryptography_reproduces() -> None:
    vectors = _sign_input()
    assert len(vectors) == 1024
    for seed, pk, msg, sig in vectors[:: 1024 // 64]:
        key = Ed25519PrivateKey.from_private_bytes(seed)
        assert raw_public_key(key) == pk
        assert key.sign(msg) == sig


def test_all_sign_input_vectors_verify() -> None:
    failures = [i for i, (_, pk, msg, sig) in enumerate(_sign_input()) if not verify(pk, msg, sig)]
    assert failures == []


def test_all_sign_input_vectors_verify_streamed_in_pieces() -> None:
    failures = []
    for i, (_, pk, msg, sig) in enumerate(_sign_input()):
        verifier = ed25519.Verifier(pk, sig)
        size = 1 + i % 130  # pieces from 1 byte to just over a SHA-512 block
        for at in range(0, len(msg), size):
            verifier.update(msg[at : at + size])
        if not verifier.verify():
            failures.append(i)
    assert failures == []


def test_all_sign_input_vectors_fail_when_tampered() -> None:
    failures = []
    for i, (_, pk, msg, sig) in enumerate(_sign_input()):
        bit = (i * 37) % 512
        bad_sig = bytearray(sig)
        bad_sig[bit >> 3] ^= 1 << (bit & 7)
        if verify(pk, msg, bytes(bad_sig)) or verify(pk, msg + b"\x01", sig):
            failures.append(i)
    assert failures == []


# --- Hypothesis: signatures made by the cryptography package. ---

seeds = st.binary(min_size=32, max_size=32)
messages = st.binary(max_size=400)


@settings(deadline=None)
@given(seed=seeds, msg=messages)
def test_cryptography_signatures_verify(seed: bytes, msg: bytes) -> None:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    assert verify(raw_public_key(key), msg, key.sign(msg)) is True


@settings(deadline=None)
@given(seed=seeds, msg=messages, bit=st.integers(0, 511))
def test_flipped_signature_bit_fails(seed: bytes, msg: bytes, bit: int) -> None:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    sig = bytearray(key.sign(msg))
    sig[bit >> 3] ^= 1 << (bit & 7)
    assert verify(raw_public_key(key), msg, bytes(sig)) is False


@settings(deadline=None)
@given(seed=seeds, msg=messages, bit=st.integers(0, 255))
def test_flipped_public_key_bit_fails(seed: bytes, msg: bytes, bit: int) -> None:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    pk = bytearray(raw_public_key(key))
    pk[bit >> 3] ^= 1 << (bit & 7)
    assert verify(bytes(pk), msg, key.sign(msg)) is False


@settings(deadline=None)
@given(seed=seeds, msg=messages, other=messages)
def test_other_message_fails(seed: bytes, msg: bytes, other: bytes) -> None:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    assert verify(raw_public_key(key), other, key.sign(msg)) is (other == msg)


@settings(deadline=None)
@given(pk=st.binary(min_size=32, max_size=32), sig=st.binary(min_size=64, max_size=64))
def test_random_keys_and_signatures_never_verify_nor_raise(pk: bytes, sig: bytes) -> None:
    assert verify(pk, b"message", sig) is False


anything = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=80),
    st.binary(max_size=80),
    st.lists(st.integers(0, 255), max_size=80),
)


@settings(deadline=None)
@given(pk=anything, msg=anything, sig=anything)
def test_arbitrary_arguments_never_raise(pk: object, msg: object, sig: object) -> None:
    assert verify(pk, msg, sig) in (True, False)
    assert public_key_is_small_order(pk) in (True, False)


# --- The policy, checked with the reference implementation. ---


def test_small_order_list_is_exactly_the_torsion_points() -> None:
    points = set()
    for enc in SMALL_ORDER_ENCODINGS:
        point = ref_decode_lenient(bytes.fromhex(enc))
        assert point is not None, enc
        assert ref_mul(8, point) == IDENTITY, enc
        points.add(point)
    assert len(points) == 8  # all 8 torsion points; the rest are other spellings
    canonical = {ref_encode(p).hex() for p in points}
    assert canonical == set(SMALL_ORDER_ENCODINGS[:8])


def test_points_used_as_off_curve_and_non_canonical_examples() -> None:
    assert ref_x_for_y(2, 0) is None
    assert ref_x_for_y(7, 0) is None
    assert ref_x_for_y(3, 0) is not None  # so y = p + 3 encodes a real point
    assert ref_mul(8, (ref_x_for_y(3, 0), 3)) != IDENTITY


def _torsion_8() -> tuple[int, int]:
    t8 = ref_decode_lenient(bytes.fromhex(SMALL_ORDER_ENCODINGS[4]))
    assert t8 is not None
    assert ref_mul(4, t8) != IDENTITY
    return t8


@given(seed=seeds, msg=messages)
@settings(deadline=None, max_examples=20)
def test_mixed_order_public_key_uses_the_cofactored_equation(seed: bytes, msg: bytes) -> None:
    # A' = A + T8 is not of small order, so it is not refused; a signature the
    # holder of a makes for A' satisfies [8][S]B = [8]R + [8][k]A' but, unless
    # 8 divides k, not the cofactorless [S]B = R + [k]A'.
    a, prefix = secret_scalar(seed)
    mixed = ref_encode(ref_add(ref_mul(a, BASE), _torsion_8()))
    assert not public_key_is_small_order(mixed)
    sig = ref_sign_with_point(a, prefix, mixed, msg)
    assert verify(mixed, msg, sig) is True
    k = int.from_bytes(hashlib.sha512(sig[:32] + mixed + msg).digest(), "little") % L
    assert ref_verify_cofactorless(mixed, msg, sig) is (k % 8 == 0)


@given(seed=seeds, msg=messages)
@settings(deadline=None, max_examples=20)
def test_mixed_order_r_uses_the_cofactored_equation(seed: bytes, msg: bytes) -> None:
    a, prefix = secret_scalar(seed)
    pk = ref_encode(ref_mul(a, BASE))
    sig = ref_sign_with_point(a, prefix, pk, msg, r_extra=_torsion_8())
    assert verify(pk, msg, sig) is True
    assert ref_verify_cofactorless(pk, msg, sig) is False


def test_reference_signer_matches_cryptography() -> None:
    seed = bytes(range(32))
    a, prefix = secret_scalar(seed)
    key = Ed25519PrivateKey.from_private_bytes(seed)
    pk = raw_public_key(key)
    assert ref_encode(ref_mul(a, BASE)) == pk
    assert ref_sign_with_point(a, prefix, pk, b"synk") == key.sign(b"synk")


@given(k=st.integers(0, L - 1))
def test_half_gcd_gives_short_equivalent_scalars(k: int) -> None:
    c0, c1 = ed25519._half_gcd(k)
    assert (c0 - c1 * k) % L == 0
    assert 0 <= c0 < 2**126
    assert 0 < abs(c1) < 2**127


@given(k=st.integers(-(2**129) + 1, 2**129 - 1), w=st.sampled_from([2, 4, 5, 7, 8]))
def test_wnaf_schedule_reconstructs_the_scalar(k: int, w: int) -> None:
    # Entries [d, -d, 0, 0] stand for the digit d; a negated entry is [-d, d, 0, 0].
    table = [[2 * i + 1, -(2 * i + 1), 0, 0] for i in range(1 << (w - 2))]
    sched: list[list[list[int]] | None] = [None] * 131
    top = ed25519._schedule(sched, k, w, table)
    total = 0
    last = -1
    for pos, adds in enumerate(sched):
        if adds:
            assert len(adds) == 1
            assert last < 0 or pos - last >= w  # wNAF: nonzero digits are at least w apart
            last = pos
            total += adds[0][0] << pos
    assert total == k
    assert top == (last if k else -1)


# --- SHA-512 against hashlib. ---


def test_sha512_matches_hashlib_for_every_length_up_to_three_blocks() -> None:
    data = bytes((i * 131 + 7) & 0xFF for i in range(400))
    for n in range(len(data) + 1):
        assert sha512_digest(data[:n]) == hashlib.sha512(data[:n]).digest(), n


@given(data=st.binary(max_size=1000))
def test_sha512_matches_hashlib(data: bytes) -> None:
    assert sha512_digest(data) == hashlib.sha512(data).digest()


@given(
    n=st.sampled_from([0, 1, 110, 111, 112, 113, 127, 128, 129, 239, 240, 255, 256, 257]),
    pad=st.binary(min_size=257, max_size=257),
)
def test_sha512_block_boundary_lengths(n: int, pad: bytes) -> None:
    assert sha512_digest(pad[:n]) == hashlib.sha512(pad[:n]).digest()


@given(data=st.binary(max_size=700), cuts=st.lists(st.integers(0, 700), max_size=12))
def test_sha512_arbitrary_update_chunking(data: bytes, cuts: list[int]) -> None:
    h = sha512()
    start = 0
    for cut in sorted(cuts):
        cut = min(cut, len(data))
        h.update(data[start:cut])
        start = cut
    h.update(data[start:])
    assert h.digest() == hashlib.sha512(data).digest()
    assert h.copy().digest() == h.digest()
