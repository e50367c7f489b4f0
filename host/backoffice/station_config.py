"""A station's signed configuration, made by the back office: checks, then signs.

The format (``station.json`` and ``station.sig``) is the station's, documented
in ``firmware/station_config.py`` and written by ``host/station_config.py``;
this module checks what an administrator typed before anything is signed and
signs with the authority key, which only the back office holds. Flashing the
two files onto a board is the technician tools' job.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

from host import station_config as files
from host.backoffice.authority import SigningKey
from host.backoffice.errors import Invalid
from hw.display import LANGUAGES, contact_fits

CONFIG_FILE = files.CONFIG_FILE
SIGNATURE_FILE = files.SIGNATURE_FILE
CHOICES = {
    "nfc": ("uart", "i2c", "none"),
    "board": ("esp32s3", "pico2w", "unix", "emulator"),
    "language": LANGUAGES,
}
TEXTS = ("wifi_ssid", "wifi_password", "backoffice_ca")


def check(backoffice_url: str, support_contact: str, options: Mapping[str, str]) -> None:
    """Invalid unless the station would accept these values."""
    url = backoffice_url
    if url != url.strip() or not url.startswith(("http://", "https://")) or url.endswith("/"):
        raise Invalid("config.url", url=url)
    if not support_contact.strip():
        raise Invalid("config.contact")
    if not contact_fits(support_contact.strip()):
        raise Invalid("config.contact_long", contact=support_contact.strip())
    ca = options.get("backoffice_ca")
    if ca is None and url.startswith("https://"):
        raise Invalid("config.need_ca")
    if ca is not None:
        try:
            files.ca_field(base64.b64decode(ca, validate=True))
        except ValueError:
            raise Invalid("config.bad_ca") from None
    for name, value in options.items():
        if name in CHOICES and value not in CHOICES[name]:
            raise Invalid("config.choice", name=name, value=value, choices=", ".join(CHOICES[name]))
        if name not in CHOICES and name not in TEXTS:
            raise Invalid("config.unknown", name=name)


def ca_option(path: str | None) -> dict[str, str]:
    """``{"backoffice_ca": …}`` from a certificate file (PEM or DER); {} without a path."""
    if path is None:
        return {}
    try:
        return {"backoffice_ca": files.read_ca_file(path)}
    except (OSError, ValueError):
        raise Invalid("config.bad_ca") from None


def signed(
    key: SigningKey,
    *,
    station_id: int,
    unit_id: int,
    backoffice_url: str,
    credential: str,
    authority_keys: Sequence[bytes],
    support_contact: str,
    options: Mapping[str, str] | None = None,
) -> tuple[bytes, bytes]:
    """(station.json, station.sig), after checking the URL, contact and options."""
    options = dict(options or {})
    check(backoffice_url, support_contact, options)
    config = files.station_config(
        station_id=station_id,
        unit_id=unit_id,
        backoffice_url=backoffice_url,
        credential=credential,
        authority_keys=authority_keys,
        support_contact=support_contact.strip(),
        board=options.get("board", "esp32s3"),
        nfc=options.get("nfc", "uart"),
        wifi_ssid=options.get("wifi_ssid"),
        wifi_password=options.get("wifi_password"),
        backoffice_ca=options.get("backoffice_ca"),
        language=options.get("language"),
    )
    made = files.signed_files(config, key.sign, key.public_key)
    return made[CONFIG_FILE], made[SIGNATURE_FILE]
