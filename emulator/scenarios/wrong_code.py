"""Scenario 5, wrong code five times: the key is refused at the station for 15 minutes.

A member of staff types a wrong code five times in one go. The station
counts wrong codes per key on flash; after the fifth it refuses the key here
for 15 minutes without checking codes, says until when, and records it. A
colleague syncs meanwhile (the lockout is per key). Just before the 15
minutes are up the key is still refused; just after, the right code works
and the count starts again from zero.
"""

from __future__ import annotations

from emulator import scenario_tools as tools
from emulator.scenarios.report import ScenarioRun
from firmware import localtime, messages
from firmware.key_session import STEPS

TITLE = "wrong_code.title"
SUMMARY = "wrong_code.summary"

TRIES = 5
LOCKOUT_S = 15 * 60


def play(run: ScenarioRun) -> None:
    site = run.site
    emulated = tools.home_station(site)
    station_id, unit_id = emulated.station_id, emulated.unit_id
    start = site.clock.now()
    anna, bertil = tools.unit_people(site, unit_id)[:2]
    wrong = tools.wrong_code(anna.code)

    tools.go_to(site, tools.local_time(start, 0, 6, 45))
    run.step("wrong_code.typing", anna=anna.name, tries=TRIES)
    before = emulated.station.last_result
    asked = tools.present_key(site, station_id, anna.key)
    shown = []
    for attempt in range(1, TRIES + 1):
        site.type_code(station_id, wrong)
        if attempt < TRIES:
            site.run_until(
                lambda a=attempt: tools.shows(
                    emulated, "wrong_code", messages.counted("tries", TRIES - a)
                ),
                10,
            )
            shown.append(tools.screen(emulated)[0])
    typed_at = site.clock.now()
    result = tools.await_result(site, station_id, before)
    expected = [
        messages.text("wrong_code", messages.counted("tries", TRIES - a))[0]
        for a in range(1, TRIES)
    ]
    run.check(
        "wrong_code.check.tries_left",
        asked and shown == expected,
        f"code asked: {asked}; shown {shown}",
    )
    until = 0 if result is None else int(result.detail)
    run.check(
        "wrong_code.check.locked",
        result is not None
        and result.outcome == "locked_out"
        and typed_at + LOCKOUT_S <= until <= typed_at + LOCKOUT_S + 2,
        f"result {result!r}, fifth code at {typed_at}",
        until=localtime.format_local(until),
    )
    said = messages.text("locked_out", localtime.format_local(until))
    run.check(
        "wrong_code.check.says_until",
        tools.screen(emulated) == said,
        f"screen {tools.screen(emulated)[0]!r}",
        swedish=said[0],
        english=said[1],
    )
    tools.remove_key(site, station_id)

    site.fast_forward(2 * 60)
    run.step("wrong_code.right_code_refused", anna=anna.name)
    again = tools.sync(site, station_id, anna.key, anna.code)
    run.check(
        "wrong_code.check.refused_at_once",
        again.outcome == "locked_out"
        and again.code_ms == 0
        and again.result is not None
        and again.result.step == STEPS["authenticate"]
        and anna.key.active_set() is None,
        f"outcome {again.outcome}, code asked for {again.code_ms} ms, "
        f"step {None if again.result is None else again.result.step}",
    )

    site.fast_forward(60)
    run.step("wrong_code.colleague", bertil=bertil.name)
    other = tools.sync(site, station_id, bertil.key, bertil.code)
    run.check("wrong_code.check.colleague_ok", other.outcome == "ok_until", f"{other.outcome}")

    tools.go_to(site, until - 60)
    run.step("wrong_code.almost", anna=anna.name)
    almost = tools.sync(site, station_id, anna.key, anna.code)
    run.check("wrong_code.check.still_refused", almost.outcome == "locked_out", f"{almost.outcome}")

    tools.go_to(site, until + 1)
    run.step("wrong_code.after", anna=anna.name)
    after = tools.sync(site, station_id, anna.key, anna.code)
    failures = int(emulated.station.codes.failures(anna.key.key_id))
    run.check(
        "wrong_code.check.works",
        after.outcome == "ok_until" and anna.key.active_set() is not None and failures == 0,
        f"outcome {after.outcome}, wrong codes counted now {failures}",
    )

    uploaded = tools.wait_for_upload(site, station_id)
    run.step("wrong_code.back_office")
    reasons = [e["reason"] for e in tools.sync_events(site, key_id=anna.key.key_id, since=start)]
    run.check(
        "wrong_code.check.recorded",
        uploaded and reasons == ["WRONG_CODE"] * (TRIES - 1) + ["LOCKED_OUT", "SYNC_OK"],
        f"uploaded {uploaded}, station events of the key: {reasons}",
        wrong=TRIES - 1,
    )
