"""Provisioning: the station registered in the back office and its signed configuration made.

Everything goes through the back office's service layer (``BackOffice``), as
the calling user (a technician or an administrator: ``stations.manage``):

1. ``plan``: the request checked before anything changes: the board and the
   configuration's fields (with the back office's own rules), the unit, the
   station if it exists, and the authority key's file (it must be able to sign);
2. the station registered for its unit (``add_station``) unless it exists;
3. ``station_config``: the back office signs station.json with the site's
   authority key. It holds the station's bearer credential and the authority
   public keys the station will trust (all keys not retired, the signing one
   first). The back office keeps only a hash of the credential, so for a
   station that already existed a new credential is issued and the old one
   stops working; for a new station the one ``add_station`` returned is used;
4. the two files read back with the firmware's own loader, so a file the
   station would refuse never leaves here.

``plan`` alone is the dry run: it reads the back office and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from firmware import station_config as station_loader
from host.backoffice import station_config as backoffice_config
from host.backoffice.errors import NotFound
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.flash import config_files
from host.flash.boards import board
from host.flash.errors import INVALID, FlashError
from protocol.records import authority_key_id

NFC_CHOICES = backoffice_config.CHOICES["nfc"]


@dataclass(frozen=True)
class Request:
    """What the technician asks for. A new station needs ``unit_id``."""

    board: str
    backoffice_url: str
    support_contact: str
    unit_id: int | None = None
    station_id: int | None = None
    name: str | None = None
    nfc: str = "uart"
    wifi_ssid: str | None = None
    wifi_password: str | None = None
    backoffice_ca: str | None = None  # the ``backoffice_ca`` field (base64 DER)

    def options(self) -> dict[str, str]:
        """The configuration's optional fields (``board``, ``nfc``, CA, Wi-Fi)."""
        options = {"board": self.board, "nfc": self.nfc}
        if self.backoffice_ca is not None:
            options["backoffice_ca"] = self.backoffice_ca
        if self.wifi_ssid is not None:
            options["wifi_ssid"] = self.wifi_ssid
            options["wifi_password"] = self.wifi_password or ""
        return options


@dataclass(frozen=True)
class Plan:
    """What provisioning will do. ``station_id`` None: the back office picks the new id."""

    station_id: int | None
    unit_id: int
    name: str
    create: bool
    authority_key_ids: list[str]


@dataclass(frozen=True)
class Provisioned:
    station_id: int
    unit_id: int
    created: bool
    files: dict[str, bytes]  # station.json, station.sig
    config: dict[str, Any]  # as the station's loader reads it
    authority_keys: list[bytes]


def _find_station(office: BackOffice, actor: Actor, station_id: int) -> dict[str, Any] | None:
    try:
        return office.show_station(actor, station_id)
    except NotFound:
        return None


def plan(office: BackOffice, actor: Actor, request: Request) -> Plan:
    """Check ``request`` against the back office without changing anything."""
    board(request.board)
    if request.wifi_password is not None and request.wifi_ssid is None:
        raise FlashError("provision.password_without_ssid", INVALID)
    existing = (
        _find_station(office, actor, request.station_id) if request.station_id is not None else None
    )
    if existing is not None:
        unit_id = int(existing["unit_id"])
        if request.unit_id is not None and request.unit_id != unit_id:
            raise FlashError(
                "provision.other_unit",
                INVALID,
                station=request.station_id,
                unit=unit_id,
                asked=request.unit_id,
            )
        name = str(existing["name"])
    else:
        if request.unit_id is None:
            raise FlashError("provision.need_unit", INVALID)
        unit_id = int(office.show_unit(actor, request.unit_id)["id"])
        name = request.name or f"synkstation {request.board}"
    keys = office.authority_public_keys(actor)
    # The back office's own checks of the fields, before anything is registered.
    backoffice_config.check(request.backoffice_url, request.support_contact, request.options())
    office.check_authority()
    return Plan(
        station_id=request.station_id,
        unit_id=unit_id,
        name=name,
        create=existing is None,
        authority_key_ids=[authority_key_id(key).hex() for key in keys],
    )


def provision(office: BackOffice, actor: Actor, request: Request) -> Provisioned:
    """Register the station if needed and return its signed configuration."""
    steps = plan(office, actor, request)
    credential: str | None = None
    if steps.create:
        row, credential = office.add_station(actor, steps.unit_id, steps.name, steps.station_id)
        station_id = int(row["id"])
    else:
        assert steps.station_id is not None  # an existing station was asked for by id
        station_id = steps.station_id
    data, signature, _credential = office.station_config(
        actor,
        station_id,
        request.backoffice_url,
        request.support_contact,
        credential,
        request.options(),
    )
    files = {config_files.CONFIG_FILE: data, config_files.SIGNATURE_FILE: signature}
    fields = config_files.check(files)
    keys = office.authority_public_keys(actor)
    if fields["station_id"] != station_id or station_loader.authority_keys(fields) != keys:
        raise FlashError("provision.mismatch", station=station_id)
    return Provisioned(station_id, steps.unit_id, steps.create, files, fields, keys)
