"""firmware.audit_upload: batches carry the oldest records; only acknowledged ones go."""

import struct

from firmware.audit_upload import apply_ack, next_batch
from firmware.clock import ManualClock
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.protocol_constants import REASON_SYNC_OK
from firmware.record_encoders import encode_record
from firmware.records import decode_record
from firmware.station_events import lock_event, station_event
from firmware.storage import DirStorage
from tests.firmware.power_cut import RamFiles

NOW = 1800000000


def _event(seq):
    return {
        "format": 1,
        "outcome": 0,
        "lock_id": 500,
        "key_id": 10,
        "time": NOW - 100 + seq,
        "lock_seq": seq,
        "mac": bytes(range(16)),
    }


def _outbox_with(count):
    clock = ManualClock(NOW)
    box = Outbox(DirStorage("/flash", files=RamFiles()), Log(clock))
    box.append(
        [lock_event(encode_record("audit_event", _event(seq)), NOW) for seq in range(1, count + 1)]
    )
    box.append([station_event(10, NOW, REASON_SYNC_OK, 1)])
    return box


def test_a_batch_holds_the_oldest_records_in_the_upload_layout():
    box = _outbox_with(3)
    batch = next_batch(box, station_id=7, max_records=3)
    fields = decode_record("upload_batch", batch.body)
    assert (fields["station_id"], fields["first_index"]) == (7, 1)
    assert [r["event"]["lock_seq"] for r in fields["records"]] == [1, 2, 3]
    assert (batch.first, batch.last) == (1, 3)
    assert box.records() == 4  # nothing removed by building a batch


def test_acknowledged_records_go_and_the_rest_stay():
    box = _outbox_with(3)
    batch = next_batch(box, 7)
    assert apply_ack(box, batch, {"acked_through": 2, "stored": 2}, NOW) == 2
    rest = next_batch(box, 7)
    assert rest.first == 3
    assert apply_ack(box, rest, {"acked_through": 4}, NOW) == 2
    assert next_batch(box, 7) is None


def test_an_acknowledgement_cannot_remove_more_than_its_batch():
    box = _outbox_with(3)
    batch = next_batch(box, 7, max_records=2)
    box.append([station_event(11, NOW, REASON_SYNC_OK, 2)])
    assert apply_ack(box, batch, {"acked_through": 99}, NOW) == 2
    assert box.records() == 3


def test_malformed_acknowledgements_remove_nothing():
    box = _outbox_with(2)
    batch = next_batch(box, 7)
    for ack in (
        None,
        [],
        {},
        {"acked_through": "3"},
        {"acked_through": True},
        {"acked_through": -5},
    ):
        try:
            apply_ack(box, batch, ack, NOW)
            raise AssertionError("accepted %r" % (ack,))
        except ValueError:
            pass
    assert box.records() == 3


def test_the_upload_carries_each_stored_record_byte_for_byte():
    # Bytes the codec would not write back the same (a format and outcome this
    # station does not know): the upload must not touch them.
    clock = ManualClock(NOW)
    box = Outbox(DirStorage("/flash", files=RamFiles()), Log(clock))
    odd = bytes([7, 0xEE, 0xAB, 0xCD]) + bytes(range(32))
    box.append([lock_event(odd, NOW)])
    box.append([station_event(10, NOW, REASON_SYNC_OK, 1)])
    batch = next_batch(box, station_id=7)
    assert batch.body[20:] == lock_event(odd, NOW) + station_event(10, NOW, REASON_SYNC_OK, 1)
    assert batch.body[20 + 2 : 20 + 38] == odd
    head = b"SKUP" + bytes([1, 0, 2, 0, 7, 0, 0, 0, 1, 0, 0, 0])
    assert batch.body[:20] == head + struct.pack("<I", box.epoch) and box.epoch != 0
