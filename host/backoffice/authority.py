"""Authority signing keys: Ed25519 private keys in files under the site's ``authority/``.

Each key lives in ``authority/<key id hex>.key`` (PKCS#8 PEM, unencrypted),
created with mode 0600 in a 0700 directory. A key file that group or others
may read or write is refused: the back office will not sign with a key that
may have leaked. The database records which key signs (see
``models.AuthorityKey``); this module only handles files and signatures.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from host.backoffice.errors import Invalid, NotFound
from host.secret_files import write_secret
from protocol.records import authority_key_id

AUTHORITY_DIR = "authority"


@dataclass(frozen=True)
class SigningKey:
    """An authority key that can sign. ``key_id`` is the 8-byte authority key id."""

    key_id: bytes
    public_key: bytes
    private: Ed25519PrivateKey = field(repr=False)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def key_path(directory: Path, key_id: bytes) -> Path:
    return directory / f"{key_id.hex()}.key"


def _public_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def generate(directory: Path) -> SigningKey:
    """Create a new key file (mode 0600) and return the key."""
    if directory.is_dir():
        os.chmod(directory, 0o700)  # the site's own folder, made wider by an older version
    private = Ed25519PrivateKey.generate()
    public = _public_bytes(private)
    key_id = authority_key_id(public)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_secret(key_path(directory, key_id), pem, "new")
    return SigningKey(key_id, public, private)


def check_private(path: Path) -> None:
    """Refuse a key file that group or others may read or write."""
    mode = path.stat().st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise Invalid("authority.insecure", path=path, mode=f"{stat.S_IMODE(mode):04o}")


def load(directory: Path, key_id: bytes) -> SigningKey:
    """Load the key with this id, after checking its file's permissions."""
    path = key_path(directory, key_id)
    if not path.exists():
        raise NotFound("authority.missing_file", path=path)
    check_private(path)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise Invalid("authority.not_ed25519", path=path)
    public = _public_bytes(private)
    if authority_key_id(public) != key_id:
        raise Invalid("authority.wrong_key", path=path)
    return SigningKey(key_id, public, private)
