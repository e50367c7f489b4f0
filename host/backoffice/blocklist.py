"""The signed, versioned, site-wide blocklist (SPEC.md 8.2).

It lists every key in state ``blocked`` or ``lost``, ascending. A lost key
stays listed until it is found (``active``) or ``retired``. The blocklist is
rebuilt lazily, whenever a bundle is built or someone asks for it: when the
list of ids or the signing authority key differs from the newest stored
version, the version goes up by one and the new record is signed and stored.
An unchanged blocklist keeps its version and bytes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from host.backoffice.authority import SigningKey
from host.backoffice.errors import Invalid
from host.backoffice.models import Blocklist, Key
from protocol import constants
from protocol.records import encode_record, signed_part

BLOCKING_STATES = ("blocked", "lost")


def blocked_key_ids(session: Session) -> list[int]:
    query = select(Key.id).where(Key.state.in_(BLOCKING_STATES)).order_by(Key.id)
    return list(session.scalars(query))


def latest(session: Session) -> Blocklist | None:
    return session.scalars(select(Blocklist).order_by(Blocklist.version.desc()).limit(1)).first()


def sign_blocklist(key: SigningKey, version: int, issued_at: int, key_ids: list[int]) -> bytes:
    fields = {
        "format": constants.RECORD_FORMAT,
        "flags": 0,
        "version": version,
        "issued_at": issued_at,
        "authority_key_id": key.key_id,
        "key_ids": key_ids,
        "signature": bytes(constants.SIGNATURE_SIZE),
    }
    unsigned = encode_record("blocklist", fields)
    fields["signature"] = key.sign(signed_part("blocklist", unsigned))
    return encode_record("blocklist", fields)


def current(session: Session, key: SigningKey, now: int) -> Blocklist:
    """The newest blocklist, first making a new version if keys or the signing key changed."""
    ids = blocked_key_ids(session)
    if len(ids) > constants.MAX_BLOCKED_KEYS:
        raise Invalid("blocklist.too_long", count=len(ids), max=constants.MAX_BLOCKED_KEYS)
    newest = latest(session)
    if (
        newest is not None
        and list(newest.key_ids) == ids
        and newest.authority_key_id == key.key_id.hex()
    ):
        return newest
    version = newest.version + 1 if newest else 1
    record = Blocklist(
        version=version,
        issued_at=now,
        authority_key_id=key.key_id.hex(),
        key_ids=ids,
        data=sign_blocklist(key, version, now, ids),
    )
    session.add(record)
    session.flush()
    return record
