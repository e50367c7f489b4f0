"""The ``synk diag`` commands, each a function from a session (and its options) to a Report.

Reading commands: ``ports``, ``info``, ``status``, ``key``, ``audit``,
``selftest``, ``log`` (and ``follow_log``). State-changing commands, each
needing a service token from the back office (``token``): ``set_clock``,
``clear_outbox`` and ``factory_reset``. They check what they can before
the port is opened (a token file, an export file, a confirmation), so a
refusal never touches the station.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from host.diag import audit as audit_rows
from host.diag import key as key_reads
from host.diag import ports as port_list
from host.diag import station as console
from host.diag import tokens
from host.diag.device import KIND_KEYS, Device, call, refused, send
from host.diag.errors import EXIT_DEVICE, EXIT_REFUSED, EXIT_USAGE, DiagError
from host.diag.messages import check_name, status_name, text, words
from host.diag.output import (
    TZ,
    Report,
    duration,
    fields_text,
    firmware,
    iso_local,
    local_time,
    table_text,
    yes_no,
)
from host.diag.session import Session
from protocol import constants as k
from protocol.constants import MsgType, Slot, StationFlag, StationReason, Status

CLOCK_WARNING_S = 120  # a station clock further off than this is worth setting
RECENT_ERRORS = 5

# -- ports ----------------------------------------------------------------------------------------


def ports(include_all: bool = False) -> Report:
    found = port_list.list_ports(include_all)
    rows = [
        {
            "device": p.device,
            "description": p.description,
            "usb": p.usb,
            "serial_number": p.serial_number,
            "guess": text(p.guess) if p.guess else "",
        }
        for p in found
    ]
    data = {"ports": [asdict(p) for p in found]}
    if not rows:
        return Report(data, [text("ports.none")], rows)
    columns = (
        ("device", "col.device"),
        ("description", "col.description"),
        ("usb", "col.usb"),
        ("serial_number", "col.serial_number"),
        ("guess", "col.guess"),
    )
    return Report(data, table_text(columns, rows), rows)


# -- info -----------------------------------------------------------------------------------------


def info(session: Session) -> Report:
    device = session.device()
    base: dict[str, Any] = {
        "device": device.kind,
        "port": device.link.name,
        "protocol_version": device.version,
        "tool_protocol_version": k.PROTOCOL_VERSION,
    }
    rows = [
        ("label.device", text(KIND_KEYS[device.kind])),
        ("label.port", device.link.name),
        ("label.protocol", str(device.version)),
    ]
    if device.status is not None:
        st = device.status
        base |= {
            "station_id": st["station_id"],
            "unit_id": st["unit_id"],
            "firmware": firmware(st["firmware"]),
            "bundle_serial": st["bundle_serial"],
            "clock": st["clock"],
            "key_present": bool(st["key_present"]),
        }
        rows += [
            ("label.station_id", str(st["station_id"])),
            ("label.unit_id", str(st["unit_id"])),
            ("label.firmware", firmware(st["firmware"])),
            (
                "label.bundle",
                str(st["bundle_serial"]) if st["bundle_serial"] else text("word.no_bundle"),
            ),
            ("label.clock", local_time(st["clock"])),
            ("label.key_present", yes_no(st["key_present"])),
        ]
    if device.key_info is not None:
        ki = device.key_info
        base |= {
            "key_id": ki["key_id"],
            "firmware": firmware(ki["firmware"]),
            "max_payload": ki["max_payload"],
            "battery": ki["battery"],
        }
        rows += [
            ("label.key_id", str(ki["key_id"])),
            ("label.firmware", firmware(ki["firmware"])),
            ("label.max_payload", str(ki["max_payload"])),
            ("label.battery", f"{ki['battery']} %"),
        ]
    return Report(base, fields_text(rows))


# -- status ---------------------------------------------------------------------------------------


def _flag_names(flags: int) -> list[str]:
    return [flag.name for flag in StationFlag if flag.name and flags & flag]


_FLAG_WORDS = {
    StationFlag.OUTBOX_FULL: "word.flag_outbox_full",
    StationFlag.CACHE_EXPIRED: "word.flag_cache_expired",
    StationFlag.CLOCK_NOT_SET: "word.flag_clock_not_set",
}


def _reason(code: int) -> str:
    if code == 0:
        return text("word.none")
    try:
        return f"{StationReason(code).name} ({code})"
    except ValueError:
        return str(code)


def recent_errors(session: Session, count: int = RECENT_ERRORS) -> list[console.LogLine]:
    """The last ``count`` warning and error lines of the station's log."""
    found: list[console.LogLine] = []
    for page in console.log_pages(session.link):
        found += [line for line in page.lines if line.level in ("W", "E")]
        found = found[-count:]
    return found


def _readable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for a table: ``time_local`` as people read it (the CSV and JSON keep ISO time)."""
    return [
        row | {"time_local": local_time(int(row["time"]), None) if row["time"] else ""}
        for row in rows
    ]


def _log_rows(lines: list[console.LogLine]) -> list[dict[str, Any]]:
    return [
        {
            "seq": line.seq,
            "time": line.time,
            "time_local": iso_local(line.time),
            "level": line.level,
            "message": line.message,
        }
        for line in lines
    ]


LOG_COLUMNS = (
    ("seq", "col.seq"),
    ("time_local", "col.time"),
    ("level", "col.level"),
    ("message", "col.message"),
)


def status(session: Session) -> Report:
    link = session.station().link
    st = call(link, MsgType.SVC_STATUS)
    outbox = call(link, MsgType.SVC_OUTBOX_INFO)
    cache = call(link, MsgType.SVC_CACHE_INFO)
    recent = recent_errors(session)
    now = session.now()
    clock = int(st["clock"])
    offset = clock - now
    has_bundle = bool(st["bundle_serial"])
    age = clock - int(st["bundle_issued"]) if has_bundle else None
    margin = int(st["offline_until"]) - clock if has_bundle else None

    offset_text = ("+" if offset >= 0 else "") + duration(offset)
    if abs(offset) > CLOCK_WARNING_S:
        offset_text = text("word.offset_warning", offset=offset_text)
    if margin is None:
        margin_text = text("word.no_bundle")
    elif margin > 0:
        margin_text = text("word.days", days=f"{margin / 86400:.1f}")
    else:
        margin_text = text("word.expired_since", ago=duration(-margin))
    capacity = int(outbox["capacity_bytes"])
    percent = round(100 * int(outbox["bytes"]) / capacity) if capacity else 0
    flag_words = [text(word) for flag, word in _FLAG_WORDS.items() if st["flags"] & flag]

    rows = [
        ("label.station_id", str(st["station_id"])),
        ("label.unit_id", str(st["unit_id"])),
        ("label.firmware", firmware(st["firmware"])),
        ("label.clock", local_time(clock)),
        ("label.clock_offset", offset_text),
        ("label.online", yes_no(st["online"])),
        ("label.bundle", str(st["bundle_serial"]) if has_bundle else text("word.no_bundle")),
    ]
    if has_bundle and age is not None:
        rows += [
            ("label.bundle_issued", local_time(int(st["bundle_issued"]))),
            ("label.bundle_age", duration(age)),
            ("label.offline_until", local_time(int(st["offline_until"]))),
            ("label.bundle_keys", str(cache["keys"])),
        ]
    rows += [
        ("label.offline_margin", margin_text),
        (
            "label.outbox",
            text(
                "word.records",
                records=outbox["records"],
                bytes=outbox["bytes"],
                capacity=capacity,
                percent=percent,
            ),
        ),
        ("label.outbox_oldest", local_time(int(outbox["oldest_time"]), "word.none")),
        ("label.last_upload", local_time(int(st["last_upload"]))),
        ("label.last_error", _reason(int(st["last_error"]))),
        ("label.flags", ", ".join(flag_words) or text("word.none")),
        ("label.uptime", duration(int(st["uptime_s"]))),
        ("label.key_port_crc", str(st["crc_errors"])),
        ("label.key_present", yes_no(st["key_present"])),
        ("label.flash_free", f"{st['flash_free']} B"),
    ]
    lines = fields_text(rows)
    recent_rows = _log_rows(recent)
    if recent_rows:
        table = table_text(LOG_COLUMNS, _readable(recent_rows))
        lines += ["", text("label.recent_errors") + ":", *table]
    data = {
        "device": "station",
        "status": st,
        "outbox": outbox,
        "cache": cache,
        "flags": _flag_names(int(st["flags"])),
        "last_error": _reason(int(st["last_error"])) if st["last_error"] else None,
        "clock_offset_s": offset,
        "bundle_age_s": age,
        "offline_margin_s": margin,
        "offline_margin_days": None if margin is None else round(margin / 86400, 2),
        "recent_errors": recent_rows,
    }
    return Report(data, lines)


# -- key ------------------------------------------------------------------------------------------


def _slot(info: dict[str, Any], slot: Slot) -> str:
    state = int(info["slot_a" if slot == Slot.A else "slot_b"])
    word = f"word.slot_{state}" if 0 <= state <= 2 else None
    if word is None:
        return str(state)
    if info["active_slot"] == slot:
        return text("word.active", state=words(word))
    return text(word)


def _window(valid_from: int, valid_until: int, now: int) -> str:
    if valid_until == 0:
        return text("word.no_set")
    if now < valid_from:
        state = "word.not_yet"
    elif now >= valid_until:
        state = "word.expired"
    else:
        state = "word.valid_now"
    start, end = local_time(valid_from, None), local_time(valid_until, None)
    return f"{start} – {end} ({text(state)})"


def key(session: Session) -> Report:
    device = session.device()
    link = device.link
    diag: dict[str, Any] | None = None
    pset: dict[str, Any] | None = None
    if device.kind == "reader_empty":
        raise DiagError("device.no_key_reader", EXIT_DEVICE)
    if device.kind == "station":
        reply = send(link, MsgType.SVC_KEY_INFO)
        if reply.status == Status.NO_KEY:
            raise DiagError("device.no_key_station", EXIT_DEVICE)
        if not reply.ok:
            raise refused(reply, MsgType.SVC_KEY_INFO.name)
        info = reply.fields()
    else:
        assert device.key_info is not None
        info = device.key_info
        diag = key_reads.diag(link)
        # Asking a key without a set for one would leave NOT_FOUND as its last_error.
        if info["active_slot"] != Slot.NONE:
            pset = key_reads.active_set(link, int(info["max_payload"]))
    return _key_report(session, device, info, diag, pset)


def _key_report(
    session: Session,
    device: Device,
    info: dict[str, Any],
    diag: dict[str, Any] | None,
    pset: dict[str, Any] | None,
) -> Report:
    now = session.now()
    battery_key = (
        "word.battery_low" if info["flags"] & k.KeyInfoFlag.BATTERY_LOW else "word.battery"
    )
    mv = diag["battery_mv"] if diag else "?"
    rows = [
        ("label.key_id", str(info["key_id"])),
        ("label.firmware", firmware(int(info["firmware"]))),
        ("label.protocol", str(device.version)),
        ("label.battery", text(battery_key, percent=info["battery"], mv=mv)),
        ("label.slot_a", _slot(info, Slot.A)),
        ("label.slot_b", _slot(info, Slot.B)),
    ]
    if pset is not None:
        rows.append(
            (
                "label.set",
                text(
                    "word.set",
                    serial=pset["serial"],
                    unit=pset["unit_id"],
                    authority=bytes(pset["authority_key_id"]).hex(),
                ),
            )
        )
    elif info["set_serial"]:
        rows.append(("label.set", str(info["set_serial"])))
    else:
        rows.append(("label.set", text("word.no_set")))
    rows.append(("label.validity", _window(int(info["valid_from"]), int(info["valid_until"]), now)))
    locks = str(info["lock_count"])
    if pset is not None and pset["lock_ids"]:
        shown = ", ".join(str(i) for i in pset["lock_ids"][:20])
        more = " …" if len(pset["lock_ids"]) > 20 else ""
        locks = f"{locks} ({shown}{more})"
    rows += [
        ("label.locks", locks),
        (
            "label.blocklist",
            str(info["blocklist_version"]) if info["blocklist_version"] else text("word.none"),
        ),
        (
            "label.audit",
            text(
                "word.audit_count",
                count=info["audit_count"],
                capacity=info["audit_capacity"],
                next=info["audit_next_seq"],
            ),
        ),
        ("label.last_error", _status_word(int(info["last_error"]))),
    ]
    if diag is not None:
        rows += [
            ("label.uptime", duration(int(diag["uptime_s"]))),
            ("label.write_cycles", str(diag["write_cycles"])),
            ("label.temperature", f"{diag['temperature_c']} °C"),
            ("label.crc_errors", str(diag["crc_errors"])),
        ]
    data: dict[str, Any] = {
        "device": device.kind,
        "source": "station" if device.kind == "station" else "reader",
        "key_info": info,
        "diag": diag,
        "permission_set": None,
        "validity": _validity_state(int(info["valid_from"]), int(info["valid_until"]), now),
        "last_error": status_name(int(info["last_error"])) if info["last_error"] else None,
    }
    if pset is not None:
        data["permission_set"] = {
            name: pset[name]
            for name in ("key_id", "serial", "valid_from", "valid_until", "unit_id", "lock_ids")
        } | {"authority_key_id": bytes(pset["authority_key_id"]).hex()}
    return Report(data, fields_text(rows))


def _status_word(code: int) -> str:
    return text("word.none") if code == 0 else f"{status_name(code)} ({code})"


def _validity_state(valid_from: int, valid_until: int, now: int) -> str | None:
    if valid_until == 0:
        return None
    if now < valid_from:
        return "not_yet_valid"
    return "expired" if now >= valid_until else "valid"


# -- audit ----------------------------------------------------------------------------------------


def audit(session: Session) -> Report:
    device = session.device()
    link = device.link
    if device.kind == "reader_empty":
        raise DiagError("device.no_key_reader", EXIT_DEVICE)
    if device.kind == "key":
        assert device.key_info is not None
        batch = key_reads.audit_batch(link, int(device.key_info["max_payload"]))
        key_id = batch["key_id"] or device.key_info["key_id"]
        rows = audit_rows.key_rows(batch)
        title = text("audit.key_title", key_id=key_id)
        data: dict[str, Any] = {"device": "key", "key_id": key_id, "records": rows}
        columns: Sequence[tuple[str, str]] = audit_rows.KEY_COLUMNS
    else:
        assert device.status is not None
        station_id = int(device.status["station_id"])
        total, records = console.outbox_records(link)
        rows = audit_rows.station_rows(station_id, records)
        title = text("audit.station_title", station_id=station_id, total=total)
        data = {"device": "station", "station_id": station_id, "total": total, "records": rows}
        columns = audit_rows.STATION_COLUMNS
    table = table_text(columns, _readable(rows)) if rows else [text("audit.none")]
    return Report(data, [title, "", *table], rows)


# -- selftest -------------------------------------------------------------------------------------


def selftest(session: Session) -> Report:
    link = session.station().link
    checks = call(link, MsgType.SVC_SELFTEST)["checks"]
    rows = [
        {
            "check": c["check"],
            "name": check_name(int(c["check"])),
            "status": status_name(int(c["status"])) if c["status"] else "OK",
            "result": text("word.passed") if c["status"] == 0 else status_name(int(c["status"])),
        }
        for c in checks
    ]
    failed = sum(1 for c in checks if c["status"])
    summary = (
        text("selftest.failed", failed=failed, count=len(checks))
        if failed
        else text("selftest.passed", count=len(checks))
    )
    columns = (("check", "col.check"), ("name", "col.description"), ("result", "col.result"))
    data = {"device": "station", "checks": rows, "failed": failed}
    return Report(
        data,
        [*table_text(columns, rows), "", summary],
        rows,
        exit_status=EXIT_DEVICE if failed else 0,
    )


# -- log ------------------------------------------------------------------------------------------


def log(session: Session, from_seq: int = 0, last: int | None = None) -> Report:
    link = session.station().link
    lines: list[console.LogLine] = []
    first = next_seq = from_seq
    for i, page in enumerate(console.log_pages(link, from_seq)):
        if i == 0:
            first = page.first_seq
        lines += page.lines
        next_seq = page.next_seq
        if last is not None:
            lines = lines[-last:]
    rows = _log_rows(lines)
    text_lines = table_text(LOG_COLUMNS, _readable(rows))
    lost = first - from_seq if from_seq and first > from_seq else 0
    if lost:
        text_lines.insert(0, text("word.lines_lost", lost=lost))
    data = {"device": "station", "first_seq": first, "next_seq": next_seq, "lines": rows}
    return Report(data, text_lines, rows)


def follow_log(
    session: Session,
    show: Callable[[list[dict[str, Any]], int], None],
    from_seq: int = 0,
    interval: float = 1.0,
    polls: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Show new log lines as they come (``show(rows, lost)``); returns the next seq to ask for.

    Runs until Ctrl-C, or for ``polls`` rounds. ``lost`` counts lines the
    station's ring dropped before they were read.
    """
    link = session.station().link
    seq = from_seq
    done = 0
    try:
        while polls is None or done < polls:
            for page in console.log_pages(link, seq):
                lost = page.first_seq - seq if seq and page.first_seq > seq else 0
                if page.lines or lost:
                    show(_log_rows(page.lines), lost)
                seq = max(seq, page.next_seq)
            done += 1
            if polls is None or done < polls:
                sleep(interval)
    except KeyboardInterrupt:
        pass
    return seq


# -- state-changing commands ----------------------------------------------------------------------


def _token(path: Path | None, command: str, permission: str) -> tuple[bytes, dict[str, Any]]:
    if path is None:
        raise DiagError("token.required", EXIT_REFUSED, command=command, permission=permission)
    return tokens.read(path)


def parse_time(value: str | None, now: int) -> int:
    """'now' (or nothing): this computer's clock; else ISO time, Swedish local when no offset."""
    if value is None or value.strip().lower() == "now":
        return now
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DiagError("set_clock.bad_time", EXIT_USAGE, value=value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TZ)
    stamp = int(parsed.timestamp())
    if not 0 < stamp <= 0xFFFF_FFFF:
        raise DiagError("set_clock.bad_time", EXIT_USAGE, value=value)
    return stamp


def set_clock(session: Session, token_path: Path | None, when: str | None = None) -> Report:
    token, fields = _token(token_path, "set-clock", "set_clock")
    new_time = parse_time(when, session.now())
    device = session.station()
    assert device.status is not None
    before = int(call(device.link, MsgType.SVC_STATUS)["clock"])
    console.token_command(
        device.link, MsgType.SVC_SET_CLOCK, token, int(device.status["station_id"]), new_time
    )
    after = int(call(device.link, MsgType.SVC_STATUS)["clock"])
    data = {
        "device": "station",
        "station_id": device.status["station_id"],
        "clock_before": before,
        "clock_after": after,
        "requested": new_time,
        "token": tokens.summary(fields),
    }
    line = text("set_clock.done", before=local_time(before), after=local_time(after))
    return Report(data, [line])


def clear_outbox(
    session: Session, token_path: Path | None, through: int, exported: Path | None
) -> Report:
    token, fields = _token(token_path, "clear-outbox", "clear_outbox")
    if exported is None:
        raise DiagError("clear.export_missing", EXIT_USAGE)
    device = session.station()
    assert device.status is not None
    station_id = int(device.status["station_id"])
    _total, records = console.outbox_records(device.link)
    wanted = audit_rows.check_exported(exported, station_id, records, through)
    data: dict[str, Any] = {"device": "station", "station_id": station_id, "through": through}
    if not wanted:
        return Report(
            data | {"removed": 0, "sent": False}, [text("clear.nothing", through=through)]
        )
    answer = console.token_command(
        device.link, MsgType.SVC_CLEAR_OUTBOX, token, station_id, through
    )
    removed = int(answer["removed"])
    data |= {"removed": removed, "sent": True, "token": tokens.summary(fields)}
    return Report(data, [text("clear.done", removed=removed, through=through)])


def factory_reset(
    session: Session, token_path: Path | None, yes: bool, discard_outbox: bool = False
) -> Report:
    token, fields = _token(token_path, "factory-reset", "factory_reset")
    if not yes:
        raise DiagError("reset.confirm", EXIT_USAGE)
    device = session.station()
    assert device.status is not None
    station_id = int(device.status["station_id"])
    waiting = int(call(device.link, MsgType.SVC_STATUS)["outbox_records"])
    if waiting and not discard_outbox:
        raise DiagError("reset.outbox_warning", EXIT_USAGE, records=waiting)
    console.token_command(device.link, MsgType.SVC_FACTORY_RESET, token, station_id)
    data = {"device": "station", "station_id": station_id, "token": tokens.summary(fields)}
    return Report(data, [text("reset.done", station=station_id)])


def maintenance(session: Session, token_path: Path | None) -> Report:
    """SVC_MAINTENANCE (SPEC.md 7): the station stops and gives its USB port to the REPL."""
    token, fields = _token(token_path, "maintenance", "maintenance")
    device = session.station()
    assert device.status is not None
    station_id = int(device.status["station_id"])
    console.token_command(device.link, MsgType.SVC_MAINTENANCE, token, station_id)
    data = {"device": "station", "station_id": station_id, "token": tokens.summary(fields)}
    return Report(data, [text("maintenance.done", station=station_id)])


# -- token ----------------------------------------------------------------------------------------


def token(
    station_id: int,
    permissions: str,
    hours: float,
    out: Path | None,
    *,
    force: bool = False,
    technician: str | None = None,
    site: str | None = None,
    db: str | None = None,
    as_user: str | None = None,
    clock: Callable[[], int] | None = None,
) -> Report:
    names = tokens.permission_names(permissions)
    path = out or Path(f"synk-token-station-{station_id}.bin")
    if path.exists() and not force:  # before the back office issues (and logs) a token
        raise DiagError("token.exists", EXIT_USAGE, path=path)
    made = tokens.issue(
        station_id,
        names,
        hours,
        technician=technician,
        site=site,
        db=db,
        as_user=as_user,
        clock=clock,
    )
    tokens.write(path, made, force)
    _, fields = tokens.read(path)
    data = {"path": str(path), "token": tokens.summary(fields)}
    lines = [text("token.written", path=path), *fields_text(tokens.describe(fields))]
    return Report(data, lines)
