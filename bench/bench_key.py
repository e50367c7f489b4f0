"""MicroPython helper of the station benchmarks: the key double with its own work done ahead.

The key is another device, but its double runs in the station's process and
on its heap, so what the key computes would count as the station's. A
``BenchKey`` does that work once, before the figures are taken:

* it signs each challenge once: the signatures are kept by message, and the
  rigs' station draws a fixed nonce (tests/firmware/sync_rig.py: zeros), so
  after ``warm_up`` (made by ``with_events``) every sync looks its answer up;
* it makes its audit snapshot (SPEC 8.3's batch) once, and again only when
  its events change;
* ``with_events`` gives it its events as their 36-byte records, not as dicts.
"""

import struct

from firmware.protocol_constants import AUTH_CONTEXT, NONCE_SIZE, OBJ_AUDIT, ROLE_STATION
from firmware.record_encoders import encode_record
from tests.firmware.key_double import KeyDouble, audit_event

_SIGNED = {}  # (seed, message) -> signature: shared by every key of the run


class BenchKey(KeyDouble):
    _snapshot_of = None

    def _sign(self, message):
        found = _SIGNED.get((self.seed, message))
        if found is None:
            found = _SIGNED[(self.seed, message)] = KeyDouble._sign(self, message)
        return found

    def _object(self, obj, fresh):
        state = (len(self.events), self.next_seq)
        if obj == OBJ_AUDIT and self.snapshot is not None and self._snapshot_of == state:
            return self.snapshot
        data = KeyDouble._object(self, obj, fresh)
        if obj == OBJ_AUDIT:
            self._snapshot_of = state
        return data


def warm_up(key, station_id):
    """Sign what the rigs' station ``station_id`` will ask the key to sign."""
    nonce = bytes(NONCE_SIZE)
    key._sign(AUTH_CONTEXT + nonce + struct.pack("<BII", ROLE_STATION, station_id, key.key_id))


def with_events(key_id, locks, events, now, station_id):
    """A key with ``events`` audit events over ``locks`` locks (ids from 1000), the last
    hour before ``now``, its snapshot made and its answer to ``station_id`` signed."""
    key = BenchKey(key_id)
    for i in range(events):
        event = audit_event(1000 + i % locks, key_id, now - 3600 + i, i // locks + 1)
        key.append_event(encode_record("audit_event", event))
    key._object(OBJ_AUDIT, True)
    warm_up(key, station_id)
    return key
