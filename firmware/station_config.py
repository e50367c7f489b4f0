"""The station's configuration: who it is, where the back office is, whom it trusts.

Written at provisioning (`synk flash`, or the emulator) as two files in the
station's storage:

- ``station.json``: UTF-8 JSON object, fields below;
- ``station.sig``: 72 bytes, the authority key id (8) and an Ed25519 signature
  (64) of ``b"synk-config-v1" + station.json``, made by the back office with
  the authority key.

The signature is checked with the authority keys the file itself lists, so it
proves the file is whole and unaltered since the back office wrote it (a flash
bit flip or a hand edit on the board shows); the trust anchor is the
provisioning itself, as for the authority keys of locks.

Fields (all required unless marked optional):

==================  =========================================================
format              1
station_id          u32, > 0
unit_id             u32, > 0
backoffice_url      "http://…" or "https://…", no trailing slash
credential          the station's bearer credential (SPEC.md section 9)
authority_keys      list of 64-hex-digit Ed25519 public keys (rotation: several)
support_contact     whom staff call, shown on the display ("Bemanningen 010-123"); at
                    most two lines of the screen (hw.display.contact_fits)
backoffice_ca       the back office's CA certificate, DER in base64; required
                    for an https:// URL: the station trusts no other CA
wifi_ssid           optional; no uplink without it on a board
wifi_password       optional
nfc                 optional: "uart" (default), "i2c", "none"
board               optional: "esp32s3" (default), "pico2w", "unix" (the virtual board), "emulator"
language            optional: what the display says, "both" (default: Swedish, then
                    English), "sv" or "en" only
==================  =========================================================
"""

import binascii
import json

from firmware import ed25519
from firmware.bundle_cache import authority_key_id
from hw.display import LANGUAGES, contact_fits

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

CONFIG_FILE = "station.json"
SIGNATURE_FILE = "station.sig"
SIGNATURE_CONTEXT = b"synk-config-v1"
FORMAT = 1

_REQUIRED_INTS = ("format", "station_id", "unit_id")
_REQUIRED_TEXTS = ("backoffice_url", "credential", "support_contact")
_OPTIONAL_CHOICES = {
    "nfc": ("uart", "i2c", "none"),
    "board": ("esp32s3", "pico2w", "unix", "emulator"),
    "language": LANGUAGES,
}
_OPTIONAL_TEXTS = ("wifi_ssid", "wifi_password")


class ConfigError(Exception):
    """The configuration cannot be used; the message says which field and why."""


def _check_int(config: "dict[str, Any]", name: str) -> None:
    value = config.get(name)
    if type(value) is not int or not 0 < value <= 0xFFFFFFFF:
        raise ConfigError("%s: must be a whole number from 1 to 4294967295" % name)


def _check_text(config: "dict[str, Any]", name: str, required: bool) -> None:
    if name not in config:
        if required:
            raise ConfigError("%s: missing" % name)
        return
    value = config[name]
    if not isinstance(value, str) or (required and not value):
        raise ConfigError("%s: must be text" % name)


def _public_keys(config: "dict[str, Any]") -> "list[bytes]":
    listed = config.get("authority_keys")
    if not isinstance(listed, list) or not listed:
        raise ConfigError("authority_keys: must list at least one public key")
    keys = []
    for index, text in enumerate(listed):
        try:
            if not isinstance(text, str) or len(text) != 64:
                raise ValueError
            keys.append(bytes.fromhex(text))
        except ValueError:
            raise ConfigError("authority_keys[%d]: must be 64 hex digits" % index)
    return keys


def check_fields(config: object) -> "dict[str, Any]":
    """`config` as a dict whose fields are all valid, else ConfigError."""
    if not isinstance(config, dict):
        raise ConfigError("station.json: must be a JSON object")
    for name in _REQUIRED_INTS:
        _check_int(config, name)
    if config["format"] != FORMAT:
        raise ConfigError("format: %r is not supported (1 is)" % config["format"])
    for name in _REQUIRED_TEXTS:
        _check_text(config, name, True)
    for name in _OPTIONAL_TEXTS:
        _check_text(config, name, False)
    if not contact_fits(config["support_contact"]):
        raise ConfigError("support_contact: must fit two lines of the display (16 characters each)")
    url = config["backoffice_url"]
    if not (url.startswith("http://") or url.startswith("https://")) or url.endswith("/"):
        raise ConfigError("backoffice_url: must start with http:// or https:// and not end in /")
    for name, choices in _OPTIONAL_CHOICES.items():
        if name in config and config[name] not in choices:
            raise ConfigError("%s: must be one of %s" % (name, ", ".join(choices)))
    _public_keys(config)
    _ca_der(config)
    return config


def _ca_der(config: "dict[str, Any]") -> "bytes | None":
    text = config.get("backoffice_ca")
    if text is None:
        if config["backoffice_url"].startswith("https://"):
            raise ConfigError(
                "backoffice_ca: missing; an https:// back office needs its CA certificate"
            )
        return None
    try:
        if not isinstance(text, str):
            raise ValueError
        der = binascii.a2b_base64(text)
    except ValueError:
        raise ConfigError("backoffice_ca: must be a DER certificate in base64")
    if len(der) < 64 or der[0] != 0x30:  # an X.509 certificate is a DER SEQUENCE
        raise ConfigError("backoffice_ca: not a DER certificate")
    return der


def backoffice_ca(config: "dict[str, Any]") -> "bytes | None":
    """The back office's CA certificate (DER), or None for an http:// back office."""
    return _ca_der(config)


def signature_message(data: bytes) -> bytes:
    return SIGNATURE_CONTEXT + data


def parse(data: bytes, signature: "bytes | None") -> "dict[str, Any]":
    """Check and return the configuration from the two files' contents."""
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeError, ValueError):
        raise ConfigError("station.json: not valid UTF-8 JSON")
    config = check_fields(config)
    if signature is None:
        raise ConfigError("station.sig: missing")
    if len(signature) != 72:
        raise ConfigError("station.sig: must be 72 bytes, is %d" % len(signature))
    keys = {authority_key_id(key): key for key in _public_keys(config)}
    public = keys.get(bytes(signature[:8]))
    if public is None:
        raise ConfigError("station.sig: signed by a key that is not among authority_keys")
    if not ed25519.verify(public, signature_message(data), bytes(signature[8:])):
        raise ConfigError("station.sig: signature does not match station.json")
    return config


def authority_keys(config: "dict[str, Any]") -> "list[bytes]":
    return _public_keys(config)


def load(storage: "Any") -> "dict[str, Any]":
    """Read and check the configuration from a firmware.storage.DirStorage."""
    data = storage.read(CONFIG_FILE)
    if data is None:
        raise ConfigError("station.json: missing; provision the station with `synk flash`")
    return parse(data, storage.read(SIGNATURE_FILE))
