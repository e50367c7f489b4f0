"""firmware/hmac_sha256.py against published vectors.

HMAC-SHA-256: RFC 4231 ("Identifiers and Test Vectors for HMAC-SHA-224,
HMAC-SHA-256, HMAC-SHA-384, and HMAC-SHA-512"), section 4, test cases 1-7.
PBKDF2-HMAC-SHA-256: RFC 7914 ("The scrypt Password-Based Key Derivation
Function"), section 11, the two PBKDF2-HMAC-SHA256 vectors.

Portable: runs under MicroPython (tests/micropython_runner.py) and pytest.
"""

from binascii import unhexlify

from firmware.hmac_sha256 import compare_digest, hmac_sha256, pbkdf2_sha256


def _h(text):
    return unhexlify(text.replace(" ", ""))


def test_rfc4231_case1():
    assert hmac_sha256(b"\x0b" * 20, b"Hi There") == _h(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )


def test_rfc4231_case2_short_key():
    assert hmac_sha256(b"Jefe", b"what do ya want for nothing?") == _h(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_rfc4231_case3():
    assert hmac_sha256(b"\xaa" * 20, b"\xdd" * 50) == _h(
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
    )


def test_rfc4231_case4():
    key = bytes(range(1, 26))  # 0x0102...19
    assert hmac_sha256(key, b"\xcd" * 50) == _h(
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
    )


def test_rfc4231_case5_truncated_to_128_bits():
    # the lock MAC is also HMAC-SHA-256 truncated to 16 bytes (SPEC.md 8.3)
    assert hmac_sha256(b"\x0c" * 20, b"Test With Truncation")[:16] == _h(
        "a3b6167473100ee06e0c796c2955552b"
    )


def test_rfc4231_case6_key_longer_than_block():
    assert hmac_sha256(
        b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First"
    ) == _h("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")


def test_rfc4231_case7_long_key_and_data():
    data = (
        b"This is a test using a larger than block-size key and a larger than block-size data."
        b" The key needs to be hashed before being used by the HMAC algorithm."
    )
    assert hmac_sha256(b"\xaa" * 131, data) == _h(
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
    )


def test_hmac_key_exactly_one_block():
    # 64-byte key: used as is, not hashed; 65 bytes: hashed (RFC 2104 section 2)
    key64 = bytes(range(64))
    key65 = bytes(range(65))
    assert hmac_sha256(key64, b"x") != hmac_sha256(key64[:63], b"x")
    from hashlib import sha256

    assert hmac_sha256(key65, b"x") == hmac_sha256(sha256(key65).digest(), b"x")


def test_rfc7914_pbkdf2_sha256_c1():
    assert pbkdf2_sha256(b"passwd", b"salt", 1, 64) == _h(
        "55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05"
        "f9 41 85 21 6d de 04 65 e6 8b 9d 57 c2 0d ac bc"
        "49 ca 9c cc f1 79 b6 45 99 16 64 b3 9d 77 ef 31"
        "7c 71 b8 45 b1 e3 0b d5 09 11 20 41 d3 a1 97 83"
    )


def test_rfc7914_pbkdf2_sha256_c80000():
    assert pbkdf2_sha256(b"Password", b"NaCl", 80000, 64) == _h(
        "4d dc d8 f6 0b 98 be 21 83 0c ee 5e f2 27 01 f9"
        "64 1a 44 18 d0 4c 04 14 ae ff 08 87 6b 34 ab 56"
        "a1 d4 25 a1 22 58 33 54 9a db 84 1b 51 c9 b3 17"
        "6a 27 2b de bb a1 d0 78 47 8f 62 b3 97 f3 3c 8d"
    )


def test_pbkdf2_truncation_and_code_verifier_shape():
    # SPEC.md 8.4: code_verifier = PBKDF2-HMAC-SHA-256(6 ASCII digits, 16-byte salt, n, 16)
    full = pbkdf2_sha256(b"passwd", b"salt", 1, 64)
    assert pbkdf2_sha256(b"passwd", b"salt", 1, 16) == full[:16]
    assert pbkdf2_sha256(b"passwd", b"salt", 1, 33) == full[:33]
    verifier = pbkdf2_sha256(b"123456", bytes(16), 1000, 16)
    assert len(verifier) == 16
    assert verifier != pbkdf2_sha256(b"123457", bytes(16), 1000, 16)


def test_pbkdf2_rejects_zero_iterations():
    for args in ((b"p", b"s", 0, 16), (b"p", b"s", 1, 0)):
        try:
            pbkdf2_sha256(*args)
        except ValueError:
            continue
        raise AssertionError("accepted %r" % (args,))


def test_compare_digest():
    assert compare_digest(b"abc", b"abc")
    assert not compare_digest(b"abc", b"abd")
    assert not compare_digest(b"abc", b"ab")
    assert compare_digest(b"", b"")
