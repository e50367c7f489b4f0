"""firmware.sha512 against the published SHA-512 examples.

Portable: runs under CPython (pytest) and MicroPython (tests/micropython_runner.py),
so no pytest features. The comparison with hashlib on random data and random
update() chunking is CPython-only, in test_ed25519_cpython.py.
"""

from firmware.sha512 import sha512, sha512_digest

# FIPS 180-2 Appendix C.1 (SHA-512, one-block message "abc"); also NIST CSRC
# "Examples with Intermediate Values", SHA512.pdf.
ABC = (
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
)

# NIST CAVP SHAVS byte-oriented vectors, SHA512ShortMsg.rsp, "Len = 0".
EMPTY = (
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
)

# The 448-bit message of FIPS 180-2 Appendix A.2/B.2 hashed with SHA-512, as
# listed in "Test vectors for SHA-1, SHA-2 and SHA-3" (D. Ireland,
# di-mgt.com.au/sha_testvectors.html, which takes it from the NIST examples).
MSG_448 = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
DIGEST_448 = (
    "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
    "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"
)

# FIPS 180-2 Appendix C.2 (SHA-512, two-block 896-bit message); also NIST
# CSRC "Examples with Intermediate Values", SHA512.pdf.
MSG_896 = (
    b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
    b"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
)
DIGEST_896 = (
    "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
    "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
)

# FIPS 180-2 Appendix C.3 (SHA-512 of one million repetitions of "a").
MILLION_A = (
    "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
    "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"
)


def _hex(b):
    return b.hex()


def test_abc():
    assert _hex(sha512_digest(b"abc")) == ABC


def test_empty():
    assert _hex(sha512_digest(b"")) == EMPTY
    assert _hex(sha512().digest()) == EMPTY


def test_448_bit_message():
    assert len(MSG_448) * 8 == 448
    assert _hex(sha512_digest(MSG_448)) == DIGEST_448


def test_896_bit_two_block_message():
    assert len(MSG_896) * 8 == 896
    assert _hex(sha512_digest(MSG_896)) == DIGEST_896


def test_one_million_a():
    chunk = b"a" * 12800  # a whole number of blocks: hashed straight from the chunk
    h = sha512()
    left = 1000000
    while left:
        n = min(left, len(chunk))
        h.update(chunk if n == len(chunk) else chunk[:n])
        left -= n
    assert _hex(h.digest()) == MILLION_A


def test_every_split_of_a_message_gives_the_same_digest():
    expected = _hex(sha512_digest(MSG_896))
    for cut in range(len(MSG_896) + 1):
        h = sha512(MSG_896[:cut])
        h.update(MSG_896[cut:])
        assert _hex(h.digest()) == expected, cut


def test_byte_by_byte_updates():
    h = sha512()
    for i in range(len(MSG_896)):
        h.update(MSG_896[i : i + 1])
    assert _hex(h.digest()) == DIGEST_896


def test_digest_does_not_finalize_and_copy_is_independent():
    h = sha512(b"ab")
    c = h.copy()
    assert _hex(h.digest()) != ABC
    h.update(b"c")
    assert _hex(h.digest()) == ABC
    assert _hex(h.digest()) == ABC
    c.update(b"c")
    assert _hex(c.digest()) == ABC
    assert h.hexdigest() == ABC


def test_bytearray_and_memoryview_input():
    assert _hex(sha512_digest(bytearray(b"abc"))) == ABC
    assert _hex(sha512_digest(memoryview(b"xabcx")[1:4])) == ABC
    h = sha512()
    h.update(bytearray(MSG_896[:100]))
    h.update(memoryview(MSG_896)[100:])
    assert _hex(h.digest()) == DIGEST_896


def test_digest_size_and_block_size():
    assert sha512.digest_size == 64
    assert sha512.block_size == 128
    assert len(sha512_digest(b"x" * 300)) == 64


def _in_pieces(message, size):
    h = sha512()
    for at in range(0, len(message), size):
        h.update(message[at : at + size])
    return _hex(h.digest())


def test_published_vectors_fed_in_pieces_of_every_size():
    # The stream a station hashes arrives in pieces of any length: each must
    # give the published digest, across block and padding boundaries.
    vectors = ((b"abc", ABC), (MSG_448, DIGEST_448), (MSG_896, DIGEST_896))
    for message, digest in vectors:
        for size in range(1, len(message) + 2):
            assert _in_pieces(message, size) == digest, (len(message), size)


def test_one_million_a_in_pieces_that_straddle_blocks():
    for size in (1000, 4097):  # not multiples of 128: each piece leaves a partial block
        h = sha512()
        piece = b"a" * size
        left = 1000000
        while left:
            n = min(left, size)
            h.update(piece if n == size else piece[:n])
            left -= n
        assert _hex(h.digest()) == MILLION_A, size


def test_copy_midway_keeps_the_partial_block():
    h = sha512(MSG_896[:200])  # one block hashed, 72 bytes waiting
    c = h.copy()
    h.update(b"junk")
    c.update(MSG_896[200:])
    assert _hex(c.digest()) == DIGEST_896
