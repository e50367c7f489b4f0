"""A station's signed configuration: ``station.json`` and ``station.sig``.

The format is the station's (``firmware/station_config.py`` documents every
field): a UTF-8 JSON object with the station's id and unit, the back office's
URL, the station's bearer credential, the authority public keys it trusts
(several during a rotation) and whom staff call; and 72 bytes of signature:
the authority key id (8) and the Ed25519 signature (64) of
``b"synk-config-v1" + station.json``. Only the back office holds the authority
key, so only it writes these files; flashing them onto a board is the
technician tools' job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from host.backoffice.authority import SigningKey
from host.backoffice.errors import Invalid

CONFIG_FILE = "station.json"
SIGNATURE_FILE = "station.sig"
SIGNATURE_CONTEXT = b"synk-config-v1"
FORMAT = 1
CHOICES = {"nfc": ("uart", "i2c", "none"), "board": ("esp32s3", "pico2w", "emulator")}
TEXTS = ("wifi_ssid", "wifi_password")


def build(
    *,
    station_id: int,
    unit_id: int,
    backoffice_url: str,
    credential: str,
    authority_keys: Sequence[bytes],
    support_contact: str,
    options: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The configuration's fields, checked; ``options`` are the optional ones."""
    url = backoffice_url.strip()
    if not url.startswith(("http://", "https://")) or url.endswith("/"):
        raise Invalid("config.url", url=url)
    contact = support_contact.strip()
    if not contact:
        raise Invalid("config.contact")
    config: dict[str, Any] = {
        "format": FORMAT,
        "station_id": station_id,
        "unit_id": unit_id,
        "backoffice_url": url,
        "credential": credential,
        "authority_keys": [key.hex() for key in authority_keys],
        "support_contact": contact,
    }
    for name, value in (options or {}).items():
        if name in CHOICES and value not in CHOICES[name]:
            raise Invalid("config.choice", name=name, value=value, choices=", ".join(CHOICES[name]))
        if name not in CHOICES and name not in TEXTS:
            raise Invalid("config.unknown", name=name)
        config[name] = value
    return config


def sign(key: SigningKey, config: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """(station.json, station.sig) for ``config``, signed with the authority key."""
    data = json.dumps(config, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return data, key.key_id + key.sign(SIGNATURE_CONTEXT + data)
