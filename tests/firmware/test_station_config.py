"""firmware.station_config: the signed configuration is read, checked, and refused when damaged.

Portable: the signed files are fixtures written by tests/firmware/make_fixtures.py.
"""

import json

from firmware import station_config
from firmware.station_config import ConfigError
from firmware.storage import DirStorage
from tests.firmware import fixtures as fx
from tests.firmware.power_cut import RamFiles


def _refused(data, signature, words):
    try:
        station_config.parse(data, signature)
    except ConfigError as exc:
        assert words in str(exc), str(exc)
        return
    raise AssertionError("accepted: %r" % data)


def test_reads_the_provisioned_files():
    storage = DirStorage("/synk", files=RamFiles())
    storage.write(station_config.CONFIG_FILE, fx.read("station.json"))
    storage.write(station_config.SIGNATURE_FILE, fx.read("station.sig"))
    config = station_config.load(storage)
    assert config["station_id"] == fx.STATION_ID
    assert config["unit_id"] == fx.UNIT_ID
    assert station_config.authority_keys(config) == [fx.AUTHORITY_PUBLIC]
    assert config["support_contact"].startswith("Bemanningen")


def test_missing_files_say_what_to_do():
    storage = DirStorage("/synk", files=RamFiles())
    try:
        station_config.load(storage)
    except ConfigError as exc:
        assert "synk flash" in str(exc)
    else:
        raise AssertionError("no configuration accepted")
    storage.write(station_config.CONFIG_FILE, fx.read("station.json"))
    try:
        station_config.load(storage)
    except ConfigError as exc:
        assert "station.sig" in str(exc)
    else:
        raise AssertionError("unsigned configuration accepted")


def test_any_changed_byte_is_refused():
    data = fx.read("station.json")
    signature = fx.read("station.sig")
    for index in range(0, len(data), 7):
        changed = bytearray(data)
        changed[index] ^= 0x01
        try:
            station_config.parse(bytes(changed), signature)
        except ConfigError:
            continue
        raise AssertionError("byte %d changed and accepted" % index)


def test_damaged_signature_is_refused():
    data = fx.read("station.json")
    signature = bytearray(fx.read("station.sig"))
    _refused(data, bytes(signature[:71]), "72 bytes")
    signature[0] ^= 1
    _refused(data, bytes(signature), "not among authority_keys")
    signature[0] ^= 1
    signature[40] ^= 1
    _refused(data, bytes(signature), "does not match")


def test_each_field_is_checked_before_the_signature():
    good = json.loads(fx.read("station.json"))
    signature = fx.read("station.sig")
    cases = [
        ("station_id", 0, "station_id"),
        ("unit_id", "3", "unit_id"),
        ("format", 2, "format"),
        ("backoffice_url", "ftp://x", "backoffice_url"),
        ("backoffice_url", "http://x/", "backoffice_url"),
        ("credential", "", "credential"),
        ("authority_keys", [], "authority_keys"),
        ("authority_keys", ["zz" * 32], "authority_keys[0]"),
        ("nfc", "bluetooth", "nfc"),
        ("language", "de", "language"),
        ("support_contact", "Bemanningen hemtjänst 010-123 45 67", "two lines"),
        ("wifi_ssid", 5, "wifi_ssid"),
    ]
    for name, value, words in cases:
        config = dict(good)
        config[name] = value
        _refused(json.dumps(config).encode(), signature, words)
    config = dict(good)
    del config["support_contact"]
    _refused(json.dumps(config).encode(), signature, "support_contact: missing")
    _refused(b"\xff\xfe", signature, "UTF-8 JSON")
    _refused(b"[1, 2]", signature, "JSON object")


# A DER certificate's shape (a SEQUENCE); the TLS library checks the rest.
_CA_DER = b"\x30\x82\x01\x43" + bytes(range(256))[:0x143]


def _ca_text(der):
    import binascii

    return binascii.b2a_base64(der).decode().strip()


def test_an_https_back_office_needs_its_ca():
    good = json.loads(fx.read("station.json"))
    signature = fx.read("station.sig")
    config = dict(good)
    config["backoffice_url"] = "https://bo.example"
    _refused(json.dumps(config).encode(), signature, "backoffice_ca: missing")
    for value, words in (
        (5, "base64"),
        ("not base64!", "base64"),
        (_ca_text(b"\x04" + _CA_DER[1:]), "not a DER certificate"),
        (_ca_text(_CA_DER[:20]), "not a DER certificate"),
    ):
        config["backoffice_ca"] = value
        _refused(json.dumps(config).encode(), signature, words)
    config["backoffice_ca"] = _ca_text(_CA_DER)
    checked = station_config.check_fields(config)
    assert station_config.backoffice_ca(checked) == _CA_DER
    assert station_config.backoffice_ca(good) is None  # http://: no CA, no TLS
