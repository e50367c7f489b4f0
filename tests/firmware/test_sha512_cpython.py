"""firmware.sha512 against NIST's CAVP SHA-512 files, each message fed in pieces.

The vectors are SHA512ShortMsg.rsp and SHA512LongMsg.rsp (SHAVS, byte-oriented)
of the cryptography_vectors package. Every message is hashed whole and in
pieces of several sizes, as a station hashes a download that arrives in pieces.
"""

import cryptography_vectors

from firmware.sha512 import sha512, sha512_digest


def _rsp(name: str) -> list[tuple[bytes, bytes]]:
    vectors = []
    length = 0
    message = b""
    with cryptography_vectors.open_vector_file("hashes/SHA2/" + name, "r") as f:
        for line in f:
            field, _, value = line.strip().partition(" = ")
            if field == "Len":
                length = int(value)
            elif field == "Msg":
                message = bytes.fromhex(value)[: length // 8]
            elif field == "MD":
                vectors.append((message, bytes.fromhex(value)))
    return vectors


def _in_pieces(message: bytes, size: int) -> bytes:
    h = sha512()
    for at in range(0, len(message), size):
        h.update(message[at : at + size])
    return h.digest()


def test_short_messages_whole_and_in_pieces() -> None:
    vectors = _rsp("SHA512ShortMsg.rsp")
    assert len(vectors) == 129  # Len = 0 to 1024 bits, in steps of 8
    for message, digest in vectors:
        assert sha512_digest(message) == digest
        for size in (1, 3, 64, 127):
            assert _in_pieces(message, size) == digest, (len(message), size)


def test_long_messages_in_pieces() -> None:
    vectors = _rsp("SHA512LongMsg.rsp")
    assert len(vectors) == 128
    for message, digest in vectors:
        for size in (len(message), 1, 100, 128, 129, 1000):
            assert _in_pieces(message, size) == digest, (len(message), size)
