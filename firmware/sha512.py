"""SHA-512 (FIPS 180-4) in pure Python, for Ed25519 verification on the station.

MicroPython ports ship no SHA-512, so the firmware carries its own. The same
code runs unchanged under CPython, where the tests compare it with hashlib.

Speed notes (measured on the MicroPython unix port): 64-bit words are heap
integers there and each operation on them costs about as much as a whole
interpreted statement, so the compression loop keeps the operation count
low: a word is doubled to 128 bits once (``x * (2**64 + 1)``, cheaper than
``x | x << 64``) so that every rotation is a single right shift; bits above
bit 63 are left in sums and masked off only where a word is stored; Maj
reuses the ``a ^ b`` of the previous round; everything is a local variable.
"""

import binascii
import struct

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union  # read under TYPE_CHECKING only

    _Buf = Union[bytes, bytearray, memoryview]

_M = 0xFFFFFFFFFFFFFFFF
_DUP = 0x10000000000000001  # x * _DUP == x | x << 64 for a 64-bit x

# fmt: off
# FIPS 180-4 section 4.2.3.
_K = (
    0x428A2F98D728AE22, 0x7137449123EF65CD, 0xB5C0FBCFEC4D3B2F, 0xE9B5DBA58189DBBC,
    0x3956C25BF348B538, 0x59F111F1B605D019, 0x923F82A4AF194F9B, 0xAB1C5ED5DA6D8118,
    0xD807AA98A3030242, 0x12835B0145706FBE, 0x243185BE4EE4B28C, 0x550C7DC3D5FFB4E2,
    0x72BE5D74F27B896F, 0x80DEB1FE3B1696B1, 0x9BDC06A725C71235, 0xC19BF174CF692694,
    0xE49B69C19EF14AD2, 0xEFBE4786384F25E3, 0x0FC19DC68B8CD5B5, 0x240CA1CC77AC9C65,
    0x2DE92C6F592B0275, 0x4A7484AA6EA6E483, 0x5CB0A9DCBD41FBD4, 0x76F988DA831153B5,
    0x983E5152EE66DFAB, 0xA831C66D2DB43210, 0xB00327C898FB213F, 0xBF597FC7BEEF0EE4,
    0xC6E00BF33DA88FC2, 0xD5A79147930AA725, 0x06CA6351E003826F, 0x142929670A0E6E70,
    0x27B70A8546D22FFC, 0x2E1B21385C26C926, 0x4D2C6DFC5AC42AED, 0x53380D139D95B3DF,
    0x650A73548BAF63DE, 0x766A0ABB3C77B2A8, 0x81C2C92E47EDAEE6, 0x92722C851482353B,
    0xA2BFE8A14CF10364, 0xA81A664BBC423001, 0xC24B8B70D0F89791, 0xC76C51A30654BE30,
    0xD192E819D6EF5218, 0xD69906245565A910, 0xF40E35855771202A, 0x106AA07032BBD1B8,
    0x19A4C116B8D2D0C8, 0x1E376C085141AB53, 0x2748774CDF8EEB99, 0x34B0BCB5E19B48A8,
    0x391C0CB3C5C95A63, 0x4ED8AA4AE3418ACB, 0x5B9CCA4F7763E373, 0x682E6FF3D6B2B8A3,
    0x748F82EE5DEFB2FC, 0x78A5636F43172F60, 0x84C87814A1F0AB72, 0x8CC702081A6439EC,
    0x90BEFFFA23631E28, 0xA4506CEBDE82BDE9, 0xBEF9A3F7B2C67915, 0xC67178F2E372532B,
    0xCA273ECEEA26619C, 0xD186B8C721C0C207, 0xEADA7DD6CDE0EB1E, 0xF57D4F7FEE6ED178,
    0x06F067AA72176FBA, 0x0A637DC5A2C898A6, 0x113F9804BEF90DAE, 0x1B710B35131C471B,
    0x28DB77F523047D84, 0x32CAAB7B40C72493, 0x3C9EBE0A15C9BEBC, 0x431D67C49C100D4C,
    0x4CC5D4BECB3E42B6, 0x597F299CFC657E2A, 0x5FCB6FAB3AD6FAEC, 0x6C44198C4A475817,
)

# FIPS 180-4 section 5.3.5.
_IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)
# fmt: on


def _compress(state: "list[int]", block: "_Buf") -> None:
    """Run the SHA-512 compression function over one 128-byte block, in place."""
    M = _M
    DUP = _DUP
    K = _K
    w = list(struct.unpack(">16Q", block))
    append = w.append
    for t in range(16, 80):
        x = w[t - 15]
        xx = x * DUP
        y = w[t - 2]
        yy = y * DUP
        append(
            (
                w[t - 16]
                + w[t - 7]
                + ((xx >> 1) ^ (xx >> 8) ^ (x >> 7))
                + ((yy >> 19) ^ (yy >> 61) ^ (y >> 6))
            )
            & M
        )
    a, b, c, d, e, f, g, h = state
    bc = b ^ c
    for t in range(80):
        ee = e * DUP
        t1 = h + ((ee >> 14) ^ (ee >> 18) ^ (ee >> 41)) + (g ^ (e & (f ^ g))) + K[t] + w[t]
        aa = a * DUP
        ab = a ^ b
        # Maj(a, b, c) == b ^ ((a ^ b) & (b ^ c)); this round's a ^ b is the next b ^ c.
        t2 = ((aa >> 28) ^ (aa >> 34) ^ (aa >> 39)) + (b ^ (ab & bc))
        bc = ab
        h = g
        g = f
        f = e
        e = (d + t1) & M
        d = c
        c = b
        b = a
        a = (t1 + t2) & M
    state[0] = (state[0] + a) & M
    state[1] = (state[1] + b) & M
    state[2] = (state[2] + c) & M
    state[3] = (state[3] + d) & M
    state[4] = (state[4] + e) & M
    state[5] = (state[5] + f) & M
    state[6] = (state[6] + g) & M
    state[7] = (state[7] + h) & M


class sha512:
    """Incremental SHA-512 with the hashlib-style update()/digest()/copy() API.

    Feed a message in pieces of any size (``update``), in any number of calls;
    ``digest()`` may be asked at any point and does not end the hash. Memory:
    one 128-byte block buffer per object (a partial block waits there), the
    8-word state; whole blocks are hashed straight from the caller's data, so a
    large piece is never copied.
    """

    digest_size = 64
    block_size = 128

    def __init__(self, data: "_Buf" = b"") -> None:
        self._state = list(_IV)
        self._block = bytearray(128)
        self._fill = 0  # bytes of self._block in use
        self._len = 0
        if data:
            self.update(data)

    def update(self, data: "_Buf") -> None:
        data = memoryview(data)
        n = len(data)
        self._len += n
        state = self._state
        block = self._block
        fill = self._fill
        i = 0
        if fill:
            i = min(128 - fill, n)
            block[fill : fill + i] = data[:i]
            fill += i
            if fill < 128:
                self._fill = fill
                return
            _compress(state, block)
        while i + 128 <= n:
            _compress(state, data[i : i + 128])
            i += 128
        fill = n - i
        if fill:
            block[:fill] = data[i:]
        self._fill = fill

    def copy(self) -> "sha512":
        other = sha512()
        other._state = self._state[:]
        other._block[:] = self._block
        other._fill = self._fill
        other._len = self._len
        return other

    def digest(self) -> bytes:
        # Padding (FIPS 180-4 section 5.1.2): 0x80, zeros, then the 128-bit bit length.
        n = self._len
        fill = self._fill
        state = self._state[:]
        last = bytearray(256 if fill >= 112 else 128)
        last[:fill] = self._block[:fill]
        last[fill] = 0x80
        struct.pack_into(">QQ", last, len(last) - 16, n >> 61, (n << 3) & _M)
        _compress(state, memoryview(last)[:128])
        if len(last) == 256:
            _compress(state, memoryview(last)[128:])
        return struct.pack(">8Q", *state)

    def hexdigest(self) -> str:
        return binascii.hexlify(self.digest()).decode()


def sha512_digest(data: "_Buf") -> bytes:
    """Return the 64-byte SHA-512 digest of ``data``."""
    return sha512(data).digest()
