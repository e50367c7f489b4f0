"""Writes a station's signed configuration (firmware/station_config.py reads it).

Used by provisioning (`synk flash`) and by the emulator, so a station on a
board and a station on a laptop start from the same two files.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from protocol.records import authority_key_id

CONFIG_FILE = "station.json"
SIGNATURE_FILE = "station.sig"
SIGNATURE_CONTEXT = b"synk-config-v1"


def station_config(
    *,
    station_id: int,
    unit_id: int,
    backoffice_url: str,
    credential: str,
    authority_keys: Sequence[bytes],
    support_contact: str,
    board: str = "esp32s3",
    nfc: str = "uart",
    wifi_ssid: str | None = None,
    wifi_password: str | None = None,
    backoffice_ca: str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The configuration fields, in the order station.json lists them."""
    config: dict[str, Any] = {
        "format": 1,
        "station_id": station_id,
        "unit_id": unit_id,
        "backoffice_url": backoffice_url.rstrip("/"),
        "credential": credential,
        "authority_keys": [key.hex() for key in authority_keys],
        "support_contact": support_contact,
        "board": board,
        "nfc": nfc,
    }
    if language is not None:
        config["language"] = language
    if backoffice_ca is not None:
        config["backoffice_ca"] = backoffice_ca
    if wifi_ssid is not None:
        config["wifi_ssid"] = wifi_ssid
        config["wifi_password"] = wifi_password or ""
    return config


def ca_field(certificate: bytes) -> str:
    """The ``backoffice_ca`` field for a certificate given as PEM or DER bytes.

    ValueError when ``certificate`` is neither.
    """
    if certificate.lstrip().startswith(b"-----BEGIN"):
        parsed = x509.load_pem_x509_certificate(certificate)
    else:
        parsed = x509.load_der_x509_certificate(certificate)
    return base64.b64encode(parsed.public_bytes(Encoding.DER)).decode("ascii")


def read_ca_file(path: str | Path) -> str:
    """``ca_field`` of a certificate file (PEM or DER); OSError, ValueError as they come."""
    return ca_field(Path(path).read_bytes())


def signed_files(
    config: dict[str, Any], sign: Callable[[bytes], bytes], signer_public: bytes
) -> dict[str, bytes]:
    """{"station.json": …, "station.sig": …} for `config`, signed with `sign`.

    `signer_public` must be one of the config's authority keys, or the station
    refuses the files.
    """
    if signer_public.hex() not in config["authority_keys"]:
        raise ValueError("the signing key is not among the configuration's authority keys")
    data = (json.dumps(config, indent=1, ensure_ascii=False) + "\n").encode()
    signature = sign(SIGNATURE_CONTEXT + data)
    return {CONFIG_FILE: data, SIGNATURE_FILE: authority_key_id(signer_public) + signature}
