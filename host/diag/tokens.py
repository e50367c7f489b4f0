"""Service tokens for the state-changing commands: obtained from the back office, kept in a file.

``issue`` asks the back office's service layer on the site directory (the
same way ``synk admin service-token`` does; the back office's HTTP API
serves stations only) to sign a token for one station, the technician and
a few hours, and ``write`` stores its 100 bytes in a file only the user can
read. ``read`` loads such a file for ``--token FILE`` and refuses anything
that is not a well-formed token (SPEC.md 8.5); whether the token is good for
this station, this command and now is the station's judgement, and its
answer is shown in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from host.diag.errors import EXIT_USAGE, DiagError
from host.diag.messages import text
from host.diag.output import local_time
from host.secret_files import write_secret
from protocol import constants as k
from protocol.constants import TokenPermission
from protocol.errors import ProtocolError
from protocol.records import decode_record

# Names on the command line, as SPEC.md 8.5 writes the bits: set_clock, clear_outbox, factory_reset.
PERMISSIONS = {p.name.lower(): p for p in TokenPermission if p.name}


def permission_names(value: str) -> list[str]:
    """``set_clock,clear-outbox`` -> the back office's names (``set-clock``, ``clear-outbox``)."""
    names = []
    for part in value.split(","):
        name = part.strip().lower().replace("-", "_")
        if name not in PERMISSIONS:
            raise DiagError(
                "token.permissions", EXIT_USAGE, name=part.strip(), names=", ".join(PERMISSIONS)
            )
        names.append(name.replace("_", "-"))
    return names


def issue(
    station_id: int,
    permissions: Iterable[str],
    hours: float,
    *,
    technician: str | None = None,
    site: str | None = None,
    db: str | None = None,
    as_user: str | None = None,
    clock: Callable[[], int] | None = None,
) -> bytes:
    """A token signed by the site's authority key; back-office errors propagate as they are."""
    from host.backoffice.service import BackOffice
    from host.backoffice.site import Site, site_dir

    opened = Site.open(site_dir(site), db)
    try:
        office = BackOffice(opened) if clock is None else BackOffice(opened, clock)
        actor = office.actor_for(as_user)
        return office.issue_service_token(
            actor, station_id, technician or actor.name, permissions, hours
        )
    finally:
        opened.close()


def write(path: Path, token: bytes, force: bool = False) -> None:
    """Store the token readable by its owner only; an existing file is kept unless ``force``."""
    try:
        write_secret(path, token, "replace" if force else "new")
    except FileExistsError:
        raise DiagError("token.exists", EXIT_USAGE, path=path) from None


def read(path: Path) -> tuple[bytes, dict[str, Any]]:
    """(token bytes, decoded fields) of a token file; DiagError when it is none."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DiagError("token.unreadable", EXIT_USAGE, path=path, reason=err.strerror) from None
    try:
        fields = decode_record("service_token", data)
    except ProtocolError as err:
        raise DiagError("token.not_a_token", EXIT_USAGE, path=path, reason=err) from None
    return data, fields


def describe(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(label key, value) rows of a token, for people."""
    bits = int(fields["permissions"])
    granted = [name for name, bit in PERMISSIONS.items() if bits & bit]
    station = int(fields["station_id"])
    anywhere = text("word.any_station")
    return [
        ("label.token_station", str(station) if station else f"0 ({anywhere})"),
        ("label.token_technician", str(fields["technician_id"])),
        ("label.token_permissions", ", ".join(granted)),
        (
            "label.token_valid",
            f"{local_time(int(fields['not_before']))} – {local_time(int(fields['not_after']))}",
        ),
    ]


def summary(fields: dict[str, Any]) -> dict[str, Any]:
    """A token's fields for ``--json`` (signature left out)."""
    bits = int(fields["permissions"])
    return {
        "station_id": fields["station_id"],
        "technician_id": fields["technician_id"],
        "permissions": [name for name, bit in PERMISSIONS.items() if bits & bit],
        "not_before": fields["not_before"],
        "not_after": fields["not_after"],
        "authority_key_id": bytes(fields["authority_key_id"]).hex(),
        "size": k.SERVICE_TOKEN_SIZE,
    }
