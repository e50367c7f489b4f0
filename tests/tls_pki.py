"""A throwaway PKI for TLS tests: a test CA, a stranger CA, and server certificates.

The server certificate names ``localhost`` and 127.0.0.1 and is signed by the
test CA; ``wrong_host`` is signed by the same CA for another name, so a client
that trusts the CA must still refuse it for ``localhost``.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "localhost"


@dataclass(frozen=True)
class ServerFiles:
    certfile: Path
    keyfile: Path


@dataclass(frozen=True)
class Pki:
    ca_der: bytes
    ca_pem: Path
    stranger_ca_der: bytes
    server: ServerFiles  # for localhost, by the test CA
    wrong_host: ServerFiles  # for another name, by the test CA


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: str, issuer: x509.Name, public: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
    )


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(common_name, _name(common_name), key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _server(
    folder: Path,
    stem: str,
    names: list[x509.GeneralName],
    ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
) -> ServerFiles:
    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    first = names[0]
    common_name = first.value if isinstance(first, x509.DNSName) else HOST
    cert = (
        _builder(common_name, ca_cert.subject, key.public_key())
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = ServerFiles(folder / f"{stem}.pem", folder / f"{stem}.key")
    files.certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def ca_certificate_der(common_name: str = "synk test CA") -> bytes:
    """A CA certificate (DER) whose key is thrown away: for configurations that need one."""
    return _ca(common_name)[1].public_bytes(serialization.Encoding.DER)


def make_pki(folder: Path) -> Pki:
    """Write the server files into ``folder`` and return where everything is."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = _ca("synk test CA")
    _, stranger = _ca("stranger CA")
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    loopback = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    return Pki(
        ca_der=ca[1].public_bytes(serialization.Encoding.DER),
        ca_pem=ca_pem,
        stranger_ca_der=stranger.public_bytes(serialization.Encoding.DER),
        server=_server(folder, "server", [x509.DNSName(HOST), loopback], ca),
        wrong_host=_server(folder, "wrong-host", [x509.DNSName("other.example")], ca),
    )
