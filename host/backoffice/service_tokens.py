"""Service tokens (SPEC.md 8.5): the authority's permission for one technician's
state-changing commands on a station's service console, for a few hours."""

from __future__ import annotations

from collections.abc import Iterable

from host.backoffice.authority import SigningKey
from host.backoffice.errors import Invalid
from protocol import constants
from protocol.constants import TokenPermission
from protocol.records import encode_record, signed_part

# A token is valid from this long before it was issued, so that a station whose clock
# lags the back office's by a little (it is set from the back office, within seconds,
# but may have drifted since) takes a token issued this very moment.
CLOCK_LEEWAY_S = 300

# Names on the command line (``--allow set-clock,clear-outbox``) -> permission bits.
PERMISSION_NAMES = {p.name.lower().replace("_", "-"): p for p in TokenPermission if p.name}


def permission_bits(names: Iterable[str]) -> int:
    bits = 0
    for name in names:
        permission = PERMISSION_NAMES.get(name.strip().lower())
        if permission is None:
            raise Invalid("token.permission", name=name, names=", ".join(PERMISSION_NAMES))
        bits |= permission
    if not bits:
        raise Invalid("token.no_permission", names=", ".join(PERMISSION_NAMES))
    return bits


def serial_of(issue_id: int) -> int:
    """The token's `serial` (SPEC.md 8.5) for the issue record's id: u16, counting round."""
    return issue_id & 0xFFFF


def sign(
    key: SigningKey,
    station_id: int,
    technician_id: int,
    permissions: int,
    not_before: int,
    not_after: int,
    serial: int = 0,
) -> bytes:
    """The signed token. Stations take a token once (SPEC.md 8.5), so every token the back
    office issues gets its own `serial` (`serial_of` the issue record's id)."""
    fields = {
        "format": constants.RECORD_FORMAT,
        "serial": serial,
        "station_id": station_id,
        "technician_id": technician_id,
        "permissions": permissions,
        "not_before": not_before,
        "not_after": not_after,
        "authority_key_id": key.key_id,
        "signature": bytes(constants.SIGNATURE_SIZE),
    }
    fields["signature"] = key.sign(
        signed_part("service_token", encode_record("service_token", fields))
    )
    return encode_record("service_token", fields)
