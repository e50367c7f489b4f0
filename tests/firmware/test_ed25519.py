"""firmware.ed25519.verify against RFC 8032, tampering and malformed input.

Portable: runs under CPython (pytest) and MicroPython (tests/micropython_runner.py),
so no pytest features. The verification policy under test is the one stated at
the top of firmware/ed25519.py.
"""

from firmware.ed25519 import Verifier, public_key_is_small_order, verify, verify_hashed
from firmware.sha512 import sha512, sha512_digest

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493

# Canonical encoding of the base point B (RFC 8032 section 5.1).
B_ENCODING = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")

# RFC 8032 section 7.1 (Test Vectors for Ed25519): TEST 1, TEST 2, TEST 3,
# TEST 1024 and TEST SHA(abc), as [secret key, public key, message, signature].
_TEST_1024_MESSAGE = (
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f5"
    "4e9f77b1e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37"
    "c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efc"
    "b8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b"
    "3b310da903401aa62100ab5d1a36553e06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573c"
    "b116dbefefd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204"
    "ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958"
    "d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
    "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c6"
    "5adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2"
    "cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128bab27af87a"
    "71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
    "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9"
    "b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb"
    "038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f672451"
    "7b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
    "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e"
    "2ab47b57f7f7276cd419c17a3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d"
    "5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0"
    "f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041"
    "e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa9"
    "33a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380db2eaaa707b4c4185"
    "c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8cac60c905c"
    "15fc910840b94c00a0b9d0"
)
RFC8032_VECTORS = [
    [  # TEST 1
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        (
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
    ],
    [  # TEST 2
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        (
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
    ],
    [  # TEST 3
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        (
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
            "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
    ],
    [  # TEST 1024
        "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
        "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
        _TEST_1024_MESSAGE,
        (
            "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
            "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"
        ),
    ],
    [  # TEST SHA(abc): the message is SHA-512("abc")
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        (
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        ),
        (
            "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
            "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
        ),
    ],
]

# The encodings of points of small order (order 1, 2, 4 or 8), canonical and
# not. Sources: the blocklist of libsodium's ge25519_has_small_order()
# (src/libsodium/crypto_core/ed25519/ref10/ed25519_ref10.c), which lists the y
# values 0, 1, p - 1, the two order-8 y values, p and p + 1; and Chalkias,
# Garillot, Nikolaenko, "Taming the many EdDSAs" (SSR 2020), which lists the 8
# canonical encodings. test_ed25519_cpython.py checks that each one is [8]P = 0.
SMALL_ORDER_ENCODINGS = [
    # The 8 canonical encodings.
    "0100000000000000000000000000000000000000000000000000000000000000",  # order 1
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
    # Non-canonical: x = 0 with the sign bit set.
    "0100000000000000000000000000000000000000000000000000000000000080",  # order 1
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 2
    # Non-canonical: y = p (= 0) and y = p + 1 (= 1), both signs.
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 4
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 4
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 1
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 1
]


def _vectors():
    out = []
    for sk, pk, msg, sig in RFC8032_VECTORS:
        out.append([bytes.fromhex(sk), bytes.fromhex(pk), bytes.fromhex(msg), bytes.fromhex(sig)])
    return out


def _flip(data, bit):
    b = bytearray(data)
    b[bit >> 3] ^= 1 << (bit & 7)
    return bytes(b)


def _encode_int(n):
    return n.to_bytes(32, "little")


def _secret_scalar(seed):
    # RFC 8032 section 5.1.5: the clamped first half of SHA-512(seed).
    a = int.from_bytes(sha512_digest(seed)[:32], "little")
    return (a & ((1 << 254) - 8)) | (1 << 254)


def _k(r_bytes, pk, msg):
    return int.from_bytes(sha512_digest(r_bytes + pk + msg), "little") % L


def test_rfc8032_vectors_verify():
    for _, pk, msg, sig in _vectors():
        assert verify(pk, msg, sig), pk


def test_rfc8032_vectors_verify_from_bytearray_and_memoryview():
    for _, pk, msg, sig in _vectors():
        assert verify(bytearray(pk), bytearray(msg), bytearray(sig))
        assert verify(memoryview(pk), memoryview(msg), memoryview(sig))


def test_alternating_keys_verify():
    # The last public key is cached inside the module; switching keys must not matter.
    vectors = _vectors()
    for _ in range(2):
        for _, pk, msg, sig in vectors:
            assert verify(pk, msg, sig)
            assert not verify(pk, msg + b"x", sig)


def test_tampered_message_fails():
    for _, pk, msg, sig in _vectors():
        assert not verify(pk, msg + b"\x00", sig)
        if msg:
            assert not verify(pk, msg[:-1], sig)
            for bit in (0, 7, len(msg) * 8 - 1):
                assert not verify(pk, _flip(msg, bit), sig), bit


def test_tampered_r_fails():
    for _, pk, msg, sig in _vectors():
        for bit in (0, 1, 8, 100, 254, 255):
            assert not verify(pk, msg, _flip(sig, bit)), bit


def test_tampered_s_fails():
    for _, pk, msg, sig in _vectors():
        for bit in (256, 257, 300, 400, 507, 508, 511):
            assert not verify(pk, msg, _flip(sig, bit)), bit


def test_tampered_public_key_fails():
    for _, pk, msg, sig in _vectors():
        for bit in (0, 1, 9, 128, 254, 255):
            assert not verify(_flip(pk, bit), msg, sig), bit


def test_signature_under_another_key_fails():
    vectors = _vectors()
    for i in range(len(vectors)):
        other = vectors[(i + 1) % len(vectors)]
        assert not verify(other[1], vectors[i][2], vectors[i][3])


def test_wrong_lengths_fail():
    _, pk, msg, sig = _vectors()[2]
    for bad_pk in (b"", pk[:31], pk + b"\x00", pk + pk):
        assert verify(bad_pk, msg, sig) is False
    for bad_sig in (b"", sig[:63], sig + b"\x00", sig[:32], sig + sig):
        assert verify(pk, msg, bad_sig) is False


def test_non_bytes_inputs_fail_without_raising():
    _, pk, msg, sig = _vectors()[2]
    for bad in (None, 0, 32, 64, 1.5, "", "af82", pk.hex(), [1, 2], list(pk), object()):
        assert verify(bad, msg, sig) is False
        assert verify(pk, bad, sig) is False
        assert verify(pk, msg, bad) is False


def test_non_canonical_s_fails():
    # RFC 8032 section 5.1.7: S >= L is invalid. S + L would satisfy the
    # group equation, so this is the malleability check itself.
    for _, pk, msg, sig in _vectors():
        s = int.from_bytes(sig[32:], "little")
        for bad_s in (s + L, L, L + 1, 2**253 - 1, 2**256 - 1):
            assert not verify(pk, msg, sig[:32] + _encode_int(bad_s))


def test_s_zero_and_one_fail():
    for _, pk, msg, sig in _vectors():
        assert not verify(pk, msg, sig[:32] + _encode_int(0))
        assert not verify(pk, msg, sig[:32] + _encode_int(1))


def test_non_canonical_public_key_fails():
    # y = p + 3 encodes the same y as 3, and y = 3 is on the curve (it has an x)
    # and not of small order; y in [p, 2^255) is never canonical.
    _, _, msg, sig = _vectors()[0]
    for y in (P + 3, P + 4, P + 5, P + 18, 2**255 - 1):
        for sign in (0, 1 << 255):
            assert not verify(_encode_int(y | sign), msg, sig)


def test_non_canonical_r_fails():
    for _, pk, msg, sig in _vectors():
        for y in (P + 3, P + 4, 2**255 - 1):
            assert not verify(pk, msg, _encode_int(y) + sig[32:])


def test_public_key_not_on_curve_fails():
    # No x satisfies the curve equation for y = 2 or y = 7: (y^2 - 1) / (d y^2 + 1)
    # is not a square mod p (checked in test_ed25519_cpython.py).
    for _, _, msg, sig in _vectors():
        for y in (2, 7):
            for sign in (0, 1 << 255):
                assert not verify(_encode_int(y | sign), msg, sig)


def test_r_not_on_curve_fails():
    for _, pk, msg, sig in _vectors():
        assert not verify(pk, msg, _encode_int(2) + sig[32:])


def test_small_order_public_keys_fail():
    # For a small-order A, [8][k]A = 0, so the signature R = B, S = 1 satisfies
    # the cofactored equation [8][S]B = [8]R + [8][k]A for every message: such
    # a key must be refused, and it is.
    forged = B_ENCODING + _encode_int(1)
    vectors = _vectors()
    for enc in SMALL_ORDER_ENCODINGS:
        pk = bytes.fromhex(enc)
        assert not verify(pk, b"", forged), enc
        assert not verify(pk, b"any message", forged), enc
        for _, _, msg, sig in vectors:
            assert not verify(pk, msg, sig), enc


def test_small_order_r_fails():
    # With R of small order and S = k * a mod L, the cofactored equation holds
    # ([8][S]B = [8][k]A and [8]R = 0); the policy refuses it all the same.
    for seed, pk, msg, _ in _vectors()[:3]:
        a = _secret_scalar(seed)
        for enc in SMALL_ORDER_ENCODINGS[:8]:
            r_bytes = bytes.fromhex(enc)
            s = _k(r_bytes, pk, msg) * a % L
            assert not verify(pk, msg, r_bytes + _encode_int(s)), enc


def test_secret_scalar_helper_reproduces_the_vectors():
    # Guards test_small_order_r_fails: signing R' = R with S' recomputed from the
    # secret scalar must give back the RFC signature, so S = k * a (+ r) is right.
    for seed, pk, msg, sig in _vectors():
        a = _secret_scalar(seed)
        prefix = sha512_digest(seed)[32:]
        r = int.from_bytes(sha512_digest(prefix + msg), "little") % L
        s = (r + _k(sig[:32], pk, msg) * a) % L
        assert _encode_int(s) == sig[32:]


def test_public_key_is_small_order():
    for enc in SMALL_ORDER_ENCODINGS:
        assert public_key_is_small_order(bytes.fromhex(enc)), enc
    for _, pk, _, _ in _vectors():
        assert not public_key_is_small_order(pk)
    assert not public_key_is_small_order(B_ENCODING)
    for bad in (None, "", b"", b"\x01" * 31, b"\x01" + bytes(32), 5):
        assert not public_key_is_small_order(bad)


def test_pseudorandom_garbage_never_verifies_nor_raises():
    # Deterministic stand-in for fuzzing (the CPython tests fuzz with Hypothesis).
    _, pk, msg, sig = _vectors()[2]
    stream = b""
    seed = b"synk ed25519 garbage"
    while len(stream) < 40 * 96:
        seed = sha512_digest(seed)
        stream += seed
    for i in range(40):
        chunk = stream[i * 96 : (i + 1) * 96]
        assert verify(chunk[:32], msg, chunk[32:]) is False
        assert verify(pk, msg, chunk[32:]) is False
        assert verify(chunk[:32], msg, sig) is False


def _streamed(pk, msg, sig, size):
    verifier = Verifier(pk, sig)
    for at in range(0, len(msg), size):
        verifier.update(memoryview(msg)[at : at + size])
    return verifier.verify()


def test_rfc8032_vectors_verify_streamed_in_pieces():
    for _, pk, msg, sig in _vectors():
        for size in (1, 7, 64, 127, 128, 129, 1000):
            assert _streamed(pk, msg, sig, size) is True, (len(msg), size)


def test_streamed_tampering_in_the_last_piece_fails():
    _, pk, msg, sig = _vectors()[3]  # TEST 1024
    tampered = msg[:-1] + bytes([msg[-1] ^ 1])
    assert _streamed(pk, tampered, sig, 100) is False
    assert _streamed(pk, msg + b"\x00", sig, 100) is False
    assert _streamed(pk, msg[:-1], sig, 100) is False


def test_streamed_verify_refuses_bad_pieces_and_arguments_without_raising():
    _, pk, msg, sig = _vectors()[2]
    for bad in (None, "af82", 5, [0xAF, 0x82]):
        verifier = Verifier(pk, sig)
        verifier.update(msg)
        verifier.update(bad)
        assert verifier.verify() is False
    for bad_pk, bad_sig in ((pk[:31], sig), (pk, sig[:63]), (None, sig), (pk, "x")):
        verifier = Verifier(bad_pk, bad_sig)
        verifier.update(msg)
        assert verifier.verify() is False


def test_verify_hashed_takes_the_sha512_of_r_a_and_the_message():
    for _, pk, msg, sig in _vectors():
        hashed = sha512(sig[:32])
        hashed.update(pk)
        hashed.update(msg)
        assert verify_hashed(pk, sig, hashed) is True
        assert verify_hashed(pk, sig, hashed) is True  # the state is not used up
        hashed.update(b"x")
        assert verify_hashed(pk, sig, hashed) is False
        assert verify_hashed(pk, sig, sha512_digest(sig[:32] + pk + msg)) is False  # not a state
