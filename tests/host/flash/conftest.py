"""Fixtures: a signed station configuration, images built from this repository, a fake board."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from host.flash.image import Image, ImageDir, build_image, load_image, write_image
from host.station_config import ca_field, signed_files, station_config
from tests.tls_pki import ca_certificate_der

from .fake_board import FakeBoard

AUTHORITY = Ed25519PrivateKey.generate()
AUTHORITY_PUBLIC = AUTHORITY.public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw
)
BACKOFFICE_CA = ca_field(ca_certificate_der())  # the https back office's CA, as configured


def signed_config(board: str = "esp32s3", station_id: int = 7) -> dict[str, bytes]:
    """station.json + station.sig as the back office signs them (host/station_config.py)."""
    config = station_config(
        station_id=station_id,
        unit_id=3,
        backoffice_url="https://bo.example.se",
        credential="hemlig-inloggning",
        authority_keys=[AUTHORITY_PUBLIC],
        support_contact="Bemanningen 010-123",
        board=board,
        wifi_ssid="Hemtjänst",
        wifi_password="lösenord",
        backoffice_ca=BACKOFFICE_CA,
    )
    return signed_files(config, AUTHORITY.sign, AUTHORITY_PUBLIC)


def with_one_file_changed(image: ImageDir, path: str) -> ImageDir:
    """``image`` as the next build would leave it with only the file at ``path`` changed
    (a byte appended, the manifest's row made to match): a folder-form image."""
    entry = next(e for e in image.entries if e.path == path)
    local = image.local(entry)
    local.write_bytes(local.read_bytes() + b"\x00")
    manifest = image.directory / "manifest.json"
    fields = json.loads(manifest.read_text(encoding="utf-8"))
    for row in fields["files"]:
        if row["path"] == path:
            row["size"] += 1
            row["sha256"] = hashlib.sha256(local.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(fields), encoding="utf-8")
    return load_image(image.directory)


@pytest.fixture(scope="session")
def esp32s3_image() -> Image:
    return build_image("esp32s3", signed_config("esp32s3"))


@pytest.fixture(scope="session")
def pico2w_image() -> Image:
    return build_image("pico2w", signed_config("pico2w"))


@pytest.fixture(scope="session")
def unix_image() -> Image:
    return build_image("unix", signed_config("unix"))


@pytest.fixture(scope="session")
def esp32s3_folder_image() -> Image:
    """The ESP32-S3's image in the folder form (a firmware without ROMFS)."""
    return build_image("esp32s3", signed_config("esp32s3"), form="folder")


@pytest.fixture
def image_dir(esp32s3_folder_image: Image, tmp_path: Path) -> ImageDir:
    write_image(esp32s3_folder_image, tmp_path / "image")
    return load_image(tmp_path / "image")


@pytest.fixture
def romfs_dir(esp32s3_image: Image, tmp_path: Path) -> ImageDir:
    write_image(esp32s3_image, tmp_path / "image")
    return load_image(tmp_path / "image")


@pytest.fixture
def board() -> FakeBoard:
    return FakeBoard()
