"""Upload batches from stations (SPEC.md 9.1): verify, deduplicate, store, acknowledge.

For each record of a batch, in one transaction:

* a **lock event** needs a known lock (else anomaly ``unknown_lock``) and a
  MAC that verifies with the lock's secret (else ``forged_mac``); both are
  rejected, never stored as events. A verified event already stored under
  the same ``(lock_id, lock_seq)`` is a duplicate (with another MAC:
  ``sequence_reuse``, rejected). A new one is stored; an opening (``OPENED``)
  by a key that was reported lost at the event's time adds ``lost_key`` (the
  door opened for a lost key: the lock had not yet seen the blocklist), any
  other event of a key blocked or lost then adds ``blocked_key``; both keep
  since when the key was lost or blocked (``key_blocked_since``). What counts
  is the key's state *at the event's time*, from its history of changes: the
  events of a lost key usually arrive after it was found (active again) or
  replaced (retired). One of a key the site does not know adds ``unknown_key``.
* a **station event** is stored once per ``(station_id, outbox_epoch, outbox
  index)`` and content: the same place with the same content is a duplicate;
  with other content it is another event, stored too, and an
  ``outbox_index_reused`` anomaly says so (SPEC.md 9.2: never dropped).

Then per lock: lock_seq numbers that jump past the highest one received open
a ``sequence_gap`` anomaly for the missing range; an event that arrives late
(keys sync at different stations at different times, so reordering is normal)
may fill a gap, which is then marked resolved (at the upload's time, or at
its detection if a clock set back makes that later); one that fills part of it
resolves it and opens a gap for each run still missing, so the open gaps name
exactly the events not received. Every anomaly has a
fingerprint, so the same bad record uploaded twice is recorded once.

Several processes (``synk backoffice serve --workers N`` on PostgreSQL) take
uploads at once: ``_serialise`` first locks the station's row and then the
batch's locks' rows, in ascending id order (``SELECT ... FOR UPDATE``), so the
uploads of one station, and the events of one lock from any station, are
checked one after the other — a duplicate is seen as one, and a gap is
judged against every event committed before. (SQLite has no row locks and
takes one writer at a time.) A unique key hit anyway, or a deadlock, makes
the service run the batch again (``db.retryable``).

The acknowledgement covers every record of the batch, the rejected ones
included: they were recorded as anomalies, and a station that kept re-sending
them would never empty its outbox. It is built only after the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.orm import Session

from host.backoffice import blocklist, wire
from host.backoffice.errors import Invalid
from host.backoffice.models import (
    Anomaly,
    AuditEvent,
    Key,
    KeyStateChange,
    Lock,
    Station,
    SyncEvent,
)
from protocol import constants
from protocol.errors import ProtocolError
from protocol.records import decode_record

MAX_UPLOAD = 64 * 1024
MAC_INPUT = constants.AUDIT_MAC_INPUT_SIZE  # the MAC covers the event's first 20 bytes as sent
U32_MAX = 0xFFFFFFFF
BLOCKING = ("blocked", "lost")
AUDIT_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Ack:
    acked_through: int
    stored: int
    duplicates: int
    rejected: int

    def as_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Batch:
    """Rows and counts collected while checking one upload."""

    station_id: int
    now: int
    epoch: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0

    def __post_init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.anomalies: dict[str, dict[str, Any]] = {}
        self.versions: list[tuple[int, int, int]] = []  # (lock, blocklist version mod 2**16, time)
        self.locks: dict[int, Lock] = {}  # the batch's known locks, row-locked

    def anomaly(
        self,
        kind: str,
        fingerprint: str,
        *,
        lock_id: int | None = None,
        key_id: int | None = None,
        seq_from: int | None = None,
        seq_to: int | None = None,
        outbox_index: int | None = None,
        event_time: int | None = None,
        raw: bytes | None = None,
        key_blocked_since: int | None = None,
    ) -> None:
        self.anomalies.setdefault(
            fingerprint,
            {
                "kind": kind,
                "fingerprint": fingerprint,
                "station_id": self.station_id,
                "lock_id": lock_id,
                "key_id": key_id,
                "seq_from": seq_from,
                "seq_to": seq_to if seq_to is not None else seq_from,
                "outbox_index": outbox_index,
                "event_time": event_time,
                "raw": raw,
                "key_blocked_since": key_blocked_since,
                "detected_at": self.now,
                "resolved_at": None,
            },
        )


def decode(body: bytes, station_id: int) -> dict[str, Any]:
    """The batch's fields, or Invalid (HTTP 400) saying what is wrong with it.

    Decoded by ``wire`` (fast); a batch it refuses is decoded again by the
    ``protocol`` reference, whose error names the field at fault.
    """
    if len(body) > MAX_UPLOAD:
        raise Invalid("upload.too_large", size=len(body), max=MAX_UPLOAD)
    try:
        batch = wire.decode_upload(body)
    except wire.WireError as fast:
        try:
            decode_record("upload_batch", body)
        except ProtocolError as err:
            raise Invalid("upload.malformed", field=err.field, reason=err.message) from None
        raise Invalid("upload.malformed", field=fast.field, reason=fast.reason) from None
    if batch["station_id"] != station_id:
        raise Invalid("upload.other_station", batch=batch["station_id"], station=station_id)
    if not batch["records"]:
        raise Invalid("upload.empty")
    if batch["first_index"] + len(batch["records"]) - 1 > U32_MAX:
        raise Invalid("upload.index_range")
    return batch


def ingest(session: Session, station_id: int, body: bytes, now: int) -> Ack:
    """Check and store one upload batch in ``session`` (the caller commits)."""
    batch = decode(body, station_id)
    first = batch["first_index"]
    work = _Batch(station_id, now, batch["outbox_epoch"])
    lock_events: list[tuple[int, dict[str, Any]]] = []
    station_events: list[tuple[int, dict[str, Any]]] = []
    for offset, record in enumerate(batch["records"]):
        target = (
            lock_events if record["kind"] == constants.OutboxKind.LOCK_EVENT else station_events
        )
        target.append((first + offset, record))
    work.locks = _serialise(
        session, station_id, {record["event"]["lock_id"] for _, record in lock_events}
    )
    _station_events(session, work, station_events)
    _lock_events(session, work, lock_events)
    if work.events:
        # A Core insert of the table: the rows are plain dicts, no ORM objects are needed.
        session.execute(insert(AUDIT_EVENTS), work.events)
    _sequence_gaps(session, work)
    _blocklist_seen(session, work)
    _store_anomalies(session, work)
    last = first + len(batch["records"]) - 1
    return Ack(last, work.stored, work.duplicates, work.rejected)


def _serialise(session: Session, station_id: int, lock_ids: set[int]) -> dict[int, Lock]:
    """Lock the station's row, then the locks' rows in id order, until the commit; the
    locks found, by id (the rest of the batch's checks read and update these)."""
    session.execute(select(Station.id).where(Station.id == station_id).with_for_update())
    if not lock_ids:
        return {}
    found = session.scalars(
        select(Lock).where(Lock.id.in_(lock_ids)).order_by(Lock.id).with_for_update()
    )
    return {lock.id: lock for lock in found}


def _station_event_content(record: dict[str, Any]) -> tuple[int, int, int, int]:
    return (record["key_id"], record["time"], record["reason"], record["detail"])


def _station_events(
    session: Session, work: _Batch, records: list[tuple[int, dict[str, Any]]]
) -> None:
    if not records:
        return
    indexes = [index for index, _ in records]
    held: dict[int, set[tuple[int, int, int, int]]] = {}
    for index, key_id, time, reason, detail in session.execute(
        select(
            SyncEvent.outbox_index,
            SyncEvent.key_id,
            SyncEvent.time,
            SyncEvent.reason,
            SyncEvent.detail,
        ).where(
            SyncEvent.station_id == work.station_id,
            SyncEvent.outbox_epoch == work.epoch,
            SyncEvent.outbox_index.between(min(indexes), max(indexes)),
        )
    ):
        held.setdefault(index, set()).add((key_id, time, reason, detail))
    rows = []
    for index, record in records:
        content = _station_event_content(record)
        contents = held.setdefault(index, set())
        if content in contents:
            work.duplicates += 1
            continue
        if contents:
            # Another event under a number already used: a station reflashed without a new
            # epoch, or a copied flash. Keep it, and say so.
            work.anomaly(
                "outbox_index_reused",
                f"outbox_index_reused:{work.station_id}:{work.epoch}:{index}:"
                + "-".join(map(str, content)),
                key_id=record["key_id"] or None,
                outbox_index=index,
                event_time=record["time"],
            )
        contents.add(content)
        rows.append(
            {
                "station_id": work.station_id,
                "outbox_epoch": work.epoch,
                "outbox_index": index,
                "key_id": record["key_id"],
                "time": record["time"],
                "reason": record["reason"],
                "detail": record["detail"],
                "uploaded_at": work.now,
            }
        )
    if rows:
        session.execute(insert(SyncEvent), rows)
        work.stored += len(rows)


def _stored_macs(
    session: Session, events: Iterable[dict[str, Any]], locks: dict[int, Lock]
) -> dict[tuple[int, int], bytes]:
    """(lock_id, lock_seq) -> mac of the stored events among ``events``.

    Only numbers up to the lock's ``last_seq`` (the highest stored, read under the lock's
    row lock) can be stored already: a batch of new events, the usual one, reads nothing."""
    wanted = sorted(
        {
            (event["lock_id"], event["lock_seq"])
            for event in events
            if event["lock_seq"] <= locks[event["lock_id"]].last_seq
        }
    )
    if not wanted:
        return {}
    # One expanding (lock_id, lock_seq) IN list: the unique index answers each pair, and
    # the statement is compiled once whatever the batch's locks.
    found = session.execute(
        select(AuditEvent.lock_id, AuditEvent.lock_seq, AuditEvent.mac).where(
            tuple_(AuditEvent.lock_id, AuditEvent.lock_seq).in_(wanted)
        )
    )
    return {(lock, seq): mac for lock, seq, mac in found}


def _blocking_periods(session: Session, key_ids: set[int]) -> dict[int, list[tuple[int, int, str]]]:
    """Per key, the periods it was lost or blocked: (since, until or 2**63, state)."""
    periods: dict[int, list[tuple[int, int, str]]] = {}
    if not key_ids:
        return periods
    # Most keys were never lost or blocked: their history (their creation) is not read.
    ever = select(KeyStateChange.key_id).where(
        KeyStateChange.key_id.in_(key_ids), KeyStateChange.to_state.in_(BLOCKING)
    )
    changes = session.execute(
        select(KeyStateChange.key_id, KeyStateChange.to_state, KeyStateChange.changed_at)
        .where(KeyStateChange.key_id.in_(ever))
        .order_by(KeyStateChange.key_id, KeyStateChange.id)
    )
    open_since: dict[int, tuple[int, str]] = {}
    for change in changes:
        started = open_since.pop(change.key_id, None)
        if started is not None:
            periods.setdefault(change.key_id, []).append(
                (started[0], change.changed_at, started[1])
            )
        if change.to_state in BLOCKING:
            open_since[change.key_id] = (change.changed_at, change.to_state)
    for key_id, (since, state) in open_since.items():
        periods.setdefault(key_id, []).append((since, 2**63, state))
    return periods


def _blocked_at(
    periods: dict[int, list[tuple[int, int, str]]], key_id: int, time: int
) -> tuple[int, str] | None:
    """Since when and how (lost or blocked) the key was blocked at ``time``, or None."""
    for since, until, state in periods.get(key_id, ()):
        if since <= time < until:
            return since, state
    return None


def _lock_events(session: Session, work: _Batch, records: list[tuple[int, dict[str, Any]]]) -> None:
    if not records:
        return
    secrets = {lock_id: lock.secret for lock_id, lock in work.locks.items()}
    verified: list[tuple[int, dict[str, Any], int, bytes]] = []
    for index, record in records:
        event = record["event"]
        secret = secrets.get(event["lock_id"])
        if secret is None:
            raw = record["raw"]
            work.rejected += 1
            work.anomaly(
                "unknown_lock",
                "unknown_lock:" + hashlib.sha256(raw).hexdigest(),
                lock_id=event["lock_id"],
                key_id=event["key_id"],
                seq_from=event["lock_seq"],
                outbox_index=index,
                event_time=event["time"],
                raw=raw,
            )
        elif not hmac.compare_digest(
            hmac.digest(secret, record["raw"][:MAC_INPUT], "sha256")[: constants.MAC_SIZE],
            event["mac"],
        ):
            raw = record["raw"]
            work.rejected += 1
            work.anomaly(
                "forged_mac",
                "forged_mac:" + hashlib.sha256(raw).hexdigest(),
                lock_id=event["lock_id"],
                key_id=event["key_id"],
                seq_from=event["lock_seq"],
                outbox_index=index,
                event_time=event["time"],
                raw=raw,
            )
        else:
            verified.append((index, event, record["received_at"], record["raw"]))

    stored = _stored_macs(session, (event for _, event, _, _ in verified), work.locks)
    known_keys = set(
        session.scalars(select(Key.id).where(Key.id.in_({e["key_id"] for _, e, _, _ in verified})))
    )
    periods = _blocking_periods(session, known_keys)
    for index, event, received_at, raw in verified:
        where = (event["lock_id"], event["lock_seq"])
        previous = stored.get(where)
        if previous is not None:
            if hmac.compare_digest(previous, event["mac"]):
                work.duplicates += 1
            else:
                work.rejected += 1
                work.anomaly(
                    "sequence_reuse",
                    "sequence_reuse:" + hashlib.sha256(raw).hexdigest(),
                    lock_id=event["lock_id"],
                    key_id=event["key_id"],
                    seq_from=event["lock_seq"],
                    outbox_index=index,
                    event_time=event["time"],
                    raw=raw,
                )
            continue
        stored[where] = event["mac"]
        work.stored += 1
        work.versions.append((event["lock_id"], event.get("blocklist_version", 0), event["time"]))
        work.events.append(
            {
                "lock_id": event["lock_id"],
                "lock_seq": event["lock_seq"],
                "key_id": event["key_id"],
                "outcome": event["outcome"],
                "time": event["time"],
                "mac": event["mac"],
                "received_at": received_at,
                "station_id": work.station_id,
                "outbox_index": index,
                "uploaded_at": work.now,
            }
        )
        key_id = event["key_id"]
        kind = None
        blocked = _blocked_at(periods, key_id, event["time"])
        if key_id not in known_keys:
            kind = "unknown_key"
        elif blocked is not None:
            opened = event["outcome"] == constants.Outcome.OPENED and blocked[1] == "lost"
            kind = "lost_key" if opened else "blocked_key"
        if kind is not None:
            work.anomaly(
                kind,
                f"{kind}:{event['lock_id']}:{event['lock_seq']}",
                lock_id=event["lock_id"],
                key_id=key_id,
                seq_from=event["lock_seq"],
                outbox_index=index,
                event_time=event["time"],
                key_blocked_since=blocked[0] if blocked is not None else None,
            )


def _blocklist_seen(session: Session, work: _Batch) -> None:
    """Each lock's newest blocklist version in use, and the earliest event showing it."""
    if not work.versions:
        return
    newest = blocklist.newest_version(session)
    best: dict[int, tuple[int, int]] = {}
    for lock_id, low_bits, at in work.versions:
        version = blocklist.full_version(low_bits, newest)
        known = best.get(lock_id)
        if known is None or version > known[0] or (version == known[0] and at < known[1]):
            best[lock_id] = (version, at)
    for lock_id, (version, at) in best.items():
        lock = work.locks[lock_id]
        if version > lock.blocklist_version_seen:
            lock.blocklist_version_seen, lock.blocklist_seen_since = version, at
        elif (
            version == lock.blocklist_version_seen
            and version
            and (lock.blocklist_seen_since is None or at < lock.blocklist_seen_since)
        ):
            lock.blocklist_seen_since = at


def _sequence_gaps(session: Session, work: _Batch) -> None:
    by_lock: dict[int, list[int]] = {}
    for event in work.events:
        by_lock.setdefault(event["lock_id"], []).append(event["lock_seq"])
    if not by_lock:
        return
    for lock in (work.locks[lock_id] for lock_id in sorted(by_lock)):
        seqs = sorted(by_lock[lock.id])
        expected = lock.last_seq + 1
        late = [s for s in seqs if s < expected]
        for seq in seqs:
            if seq < expected:
                continue
            if seq > expected:
                work.anomaly(
                    "sequence_gap",
                    f"sequence_gap:{lock.id}:{expected}:{seq - 1}",
                    lock_id=lock.id,
                    seq_from=expected,
                    seq_to=seq - 1,
                )
            expected = seq + 1
        lock.last_seq = max(lock.last_seq, seqs[-1])
        if late:
            _fill_gaps(session, work, lock.id, late)


def _fill_gaps(session: Session, work: _Batch, lock_id: int, late: list[int]) -> None:
    """Narrow the open gaps of a lock that late events fall into to what is still missing.

    A gap now completely filled is resolved. One filled in part is resolved too, and a
    gap is opened for each run of numbers still missing, so the open gaps always name
    exactly the events not received (uploads from several stations arrive in any order)."""
    session.flush()
    gaps = session.scalars(
        select(Anomaly).where(
            Anomaly.kind == "sequence_gap",
            Anomaly.lock_id == lock_id,
            Anomaly.resolved_at.is_(None),
            Anomaly.seq_from <= max(late),
            Anomaly.seq_to >= min(late),
        )
    )
    for gap in list(gaps):
        assert gap.seq_from is not None and gap.seq_to is not None
        have = set(
            session.scalars(
                select(AuditEvent.lock_seq).where(
                    AuditEvent.lock_id == lock_id,
                    AuditEvent.lock_seq.between(gap.seq_from, gap.seq_to),
                )
            )
        )
        if not have:
            continue
        # never resolved before it was detected, even by a clock set back since
        gap.resolved_at = max(work.now, gap.detected_at)
        for low, high in _runs(gap.seq_from, gap.seq_to, have):
            fingerprint = f"sequence_gap:{lock_id}:{low}:{high}"
            again = session.scalar(select(Anomaly).where(Anomaly.fingerprint == fingerprint))
            if again is not None:  # missing once more (its events deleted by retention)
                again.resolved_at = None
                continue
            work.anomaly("sequence_gap", fingerprint, lock_id=lock_id, seq_from=low, seq_to=high)


def _runs(low: int, high: int, have: set[int]) -> list[tuple[int, int]]:
    """The runs of numbers in low..high that are not in ``have``."""
    runs: list[tuple[int, int]] = []
    start = None
    for seq in range(low, high + 2):
        missing = seq <= high and seq not in have
        if missing and start is None:
            start = seq
        elif not missing and start is not None:
            runs.append((start, seq - 1))
            start = None
    return runs


def _store_anomalies(session: Session, work: _Batch) -> None:
    if not work.anomalies:
        return
    known = set(
        session.scalars(
            select(Anomaly.fingerprint).where(Anomaly.fingerprint.in_(list(work.anomalies)))
        )
    )
    rows = [row for fp, row in work.anomalies.items() if fp not in known]
    if rows:
        session.execute(insert(Anomaly), rows)
