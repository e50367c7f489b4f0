"""The training console, driven with scripted input against a whole emulated site.

The site's clock stands still, so the console runs the world itself while it
waits (one test lets the world thread run instead). Each test works on its own
copy of one demo site built per module.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import emulate, messages, trainer
from emulator.demo_site import FACTS_FILE, DemoStaff, plan_demo
from emulator.site import INSTALLED_LOCKS_FILE, EmulatedSite
from emulator.trainer import COMMANDS, TrainingConsole, screen_line
from firmware import messages as station_messages
from host.backoffice import reports
from host.backoffice.roles import USER_ROLES
from host.backoffice.timeutil import format_time
from protocol.constants import Outcome, StationReason

START = 1_795_000_000  # Wednesday 2026-11-18 12:06 in Stockholm
HISTORY_DAYS = 3


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("template") / "site"
    EmulatedSite(work, start=START, history_days=HISTORY_DAYS).stop()
    return work


def _open(work: Path) -> EmulatedSite:
    site = EmulatedSite(work, start=START, history_days=HISTORY_DAYS)
    site.run_for(2)  # the stations fetch their first bundles
    return site


def copy_site(template: Path, work: Path) -> None:
    """A copy of a built demo site that uses its own database (the facts name the file)."""
    shutil.copytree(template, work)
    facts_path = work / FACTS_FILE
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    if facts["db_url"]:  # built before the database followed the work folder
        facts["db_url"] = facts["db_url"].replace(str(template), str(work))
    facts_path.write_text(json.dumps(facts), encoding="utf-8")


@pytest.fixture
def site(template: Path, tmp_path: Path) -> Iterator[EmulatedSite]:
    work = tmp_path / "site"
    copy_site(template, work)
    emulated = _open(work)
    assert str(work) in emulated.demo.db_url
    yield emulated
    emulated.stop()


class Trainee:
    """A console and what it printed for each command."""

    def __init__(self, site: EmulatedSite) -> None:
        self.out = io.StringIO()
        self.console = TrainingConsole(site, stdout=self.out)

    def __call__(self, line: str) -> str:
        start = len(self.out.getvalue())
        assert self.console.onecmd(line) is False
        return self.out.getvalue()[start:]


@pytest.fixture
def trainee(site: EmulatedSite) -> Trainee:
    return Trainee(site)


def _unit(site: EmulatedSite, name: str) -> int:
    return next(u.unit_id for u in site.demo.units.values() if u.name == name)


def _staff(site: EmulatedSite, unit_name: str = "Hemtjänst Nord", index: int = 0) -> DemoStaff:
    unit_id = _unit(site, unit_name)
    members = sorted(
        (s for s in site.demo.staff.values() if s.unit_id == unit_id and s.key_id is not None),
        key=lambda s: s.staff_id,
    )
    return members[index]


def _key_state(site: EmulatedSite, key_id: int) -> str:
    state: str = site.office.show_key(site.admin, key_id)["state"]
    return state


def _both(key: str, **values: object) -> tuple[str, str]:
    return messages.text(key, **values)


def _says(output: str, key: str, **values: object) -> bool:
    sv, en = _both(key, **values)
    return sv in output and en in output


# -- the catalogue --------------------------------------------------------------------------------


def test_every_message_has_the_same_fields_in_both_languages() -> None:
    fields = re.compile(r"{(\w+)")
    for key, (sv, en) in messages.CATALOGUE.items():
        assert sv and en, key
        # A screen's text is quoted in the message's own language: {swedish} / {english}.
        in_swedish = ["english" if f == "swedish" else f for f in fields.findall(sv)]
        assert sorted(in_swedish) == sorted(fields.findall(en)), key


def test_every_message_the_console_and_emulate_use_exists() -> None:
    used = re.compile(r"""["']((?:say|why|error|help|emulate|what|span)\.[\w.äåö]+)["']""")
    for module in (trainer, emulate):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        for key in used.findall(source):
            assert key in messages.CATALOGUE, f"{module.__name__}: {key}"
    for command in COMMANDS:
        assert f"help.{command.name}" in messages.CATALOGUE
        assert hasattr(TrainingConsole, command.handler)


def test_every_outcome_reason_and_station_result_has_words() -> None:
    for outcome in Outcome:
        assert f"outcome.{outcome.name}" in messages.CATALOGUE
        assert f"why.open.{outcome.name}" in messages.CATALOGUE
    for reason in StationReason:
        assert f"reason.{reason.name}" in messages.CATALOGUE
    # Every message a key session can end on (not the ones shown while it runs or idle).
    running = {"ready", "reading_key", "hello_name", "enter_code", "syncing", "remove_key"}
    idle = {"offline_margin", "not_provisioned", "maintenance", "code_entry", "wrong_code"}
    uplink = {n for n in station_messages.names() if n.startswith("uplink_")}
    for name in set(station_messages.names()) - running - idle - uplink - {"bundle_rejected"}:
        assert f"result.{name}" in messages.CATALOGUE, name


def test_the_swedish_says_utan_nat_not_offline() -> None:
    for key, (sv, _) in messages.CATALOGUE.items():
        assert "offline" not in sv.lower(), key


def test_every_back_office_role_has_words() -> None:
    # The start-up banner names each demo user's role.
    for role in USER_ROLES:
        assert f"role.{role.value}" in messages.CATALOGUE, role


def test_a_value_can_differ_by_language() -> None:
    state = messages.both("state.lost")
    assert messages.text("say.key_state", state=state, place="x") == (
        "I kontoret: förlorad. Var: x.",
        "In the back office: lost. Where: x.",
    )
    assert messages.pair("led.green") == "grön/green"
    assert messages.pair("col.id") == "Id"


def test_screen_line_joins_each_language() -> None:
    lines = ["Hej Anna! Ange", "din kod", "", "Hello Anna!", "Enter your code"]
    assert screen_line(lines) == "Hej Anna! Ange din kod | Hello Anna! Enter your code"


# -- people and places ---------------------------------------------------------------------------


def test_help_fits_a_screen_grouped_with_details_per_command(trainee: Trainee) -> None:
    """Issue 12: hjälp fits a screen, grouped for trainees; hjälp KOMMANDO explains it all."""
    output = trainee("hjälp")
    lines = output.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 100 for line in lines)
    for command in COMMANDS:
        assert command.name in output and command.alias in output
    grouped = [name for _, names in trainer.GROUPS for name in names]
    assert sorted(grouped) == sorted(c.name for c in COMMANDS)  # each command in one group
    for title, _ in trainer.GROUPS:
        assert _says(output, title)
    assert _says(output, "help.more")
    for command in COMMANDS:
        one = trainee(f"hjälp {command.name}")
        assert _says(one, f"help.{command.name}"), command.name
        for what in trainer.ARGUMENTS.get(command.name, ("none",)):
            assert _says(one, f"argdoc.{what}"), command.name
    one = trainee("hjalp synka")  # å, ä, ö may be typed without their dots
    assert "synka" in one and "sync" in one and "öppna" not in one
    assert trainee("HELP sync") == one
    assert trainee("hjälp sätt i") == trainee("hjälp sätt_i")


def test_units_and_staff_with_their_codes_and_keys(site: EmulatedSite, trainee: Trainee) -> None:
    units = trainee("enheter")
    for unit in site.demo.units.values():
        assert unit.name in units
        assert str(unit.station_id) in units
    listing = trainee("personal nord")
    nord = _unit(site, "Hemtjänst Nord")
    for person in site.demo.staff.values():
        if person.unit_id == nord:
            row = next(line for line in listing.splitlines() if person.name in line)
            assert person.code in row
            if person.key_id is None:  # the demo's problem keys (issue 16.7): blocked
                assert "spärrad/blocked" in row
            else:
                assert str(person.key_id) in row and "aktiv/active" in row
        else:
            assert person.name not in listing
    assert _says(listing, "why.staff")
    assert _staff(site, "Hemtjänst Syd").name in trainee("staff 2")


def test_picking_a_staff_member_by_id_or_name(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site)
    output = trainee(f"välj {person.staff_id}")
    assert person.name in output and person.code in output and str(person.key_id) in output
    assert _says(output, "why.pick")
    assert person.name in trainee.console.prompt
    other = _staff(site, "Vårdkraft Hemtjänst")
    assert other.name in trainee(f"pick {other.name.lower()}")
    assert trainee.console.staff == other


def test_stations_and_a_screen(site: EmulatedSite, trainee: Trainee) -> None:
    output = trainee("stationer")
    for emulated in site.stations.values():
        row = next(line for line in output.splitlines() if emulated.name in line)
        assert "på/on" in row and "uppkopplad/online" in row
        assert "Sätt i nyckeln | Insert your key" in row
    screen = trainee("skärm 102")
    assert "|Sätt i nyckeln  |" in screen and "|Insert your key |" in screen
    assert "släckt" in screen and "off" in screen


# -- at the station -------------------------------------------------------------------------------


def test_a_sync_shows_the_screens_and_gives_todays_set(
    site: EmulatedSite, trainee: Trainee
) -> None:
    person = _staff(site)
    assert person.key_id is not None
    key = site.keys[person.key_id]
    trainee(f"välj {person.staff_id}")
    output = trainee("synka")
    first = person.name.split()[0]
    for shown in (
        "Läser nyckeln ... | Reading key ...",
        f"Hej {first}! Ange din kod | Hello {first}! Enter your code",
        "Ange din kod: ***** | Enter your code: *****",
        "Synkroniserar, ta inte ut nyckeln | Syncing, keep the key in",
        "[grön/green] OK, giltig till 2026-11-19 12:00 | OK, valid until 2026-11-19 12:00",
        "[släckt/off] Sätt i nyckeln | Insert your key",
    ):
        assert shown in output
    active = key.active_set()
    assert active is not None and active["key_id"] == person.key_id
    locks = len(active["lock_ids"])
    assert _says(output, "say.synced", until="2026-11-19 12:00", locks=locks)
    assert _says(output, "why.ok_until") and _says(output, "why.pull")
    assert site.stations[101].hardware.wire.key is None
    syncs = site.office.list_sync_events(site.admin, reports.SyncQuery(key_id=person.key_id))
    assert syncs[-1]["reason"] == "SYNC_OK"  # uploaded before the console went on
    latest = trainee("synkningar 3")
    assert str(person.key_id) in latest.splitlines()[4]  # the latest first, under the header


def test_step_by_step_with_a_wrong_code(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site, "Hemtjänst Syd")
    trainee(f"välj {person.staff_id}")
    assert "nyckeln sitter inte i någon station" in trainee("kod")
    inserted = trainee("sätt i")  # as people type it: two words, not the command's name
    assert _says(inserted, "why.insert") and _says(inserted, "say.wants_code")
    assert "Fel: " in trainee("sätt_i")  # already in
    assert "1234567" in trainee("kod 1234567")  # too many presses: refused, nothing typed
    wrong = f"{(int(person.code) + 1) % 1_000_000:06d}"
    output = trainee(f"kod {wrong}")
    assert "Felaktig kod, 4 försök kvar | Wrong code, 4 tries left" in output
    assert _says(output, "why.wrong_code")
    assert _says(trainee("kod 12"), "say.code_partial")
    output = trainee(f"code *{person.code}")  # * clears what was typed
    assert "OK, giltig till" in output and _says(output, "why.ok_until")
    assert "Fel: " in trainee("kod")  # the session is over
    pulled = trainee("ta_ut")
    assert "[släckt/off] Sätt i nyckeln" in pulled
    assert "Fel: " in trainee("ta_ut")
    reasons = [
        e["reason"]
        for e in site.office.list_sync_events(site.admin, reports.SyncQuery(key_id=person.key_id))
    ]
    assert reasons[-2:] == ["WRONG_CODE", "SYNC_OK"]


def test_a_key_held_to_the_nfc_reader_syncs(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site, "Hemtjänst Syd")
    assert person.key_id is not None
    trainee(f"välj {person.staff_id}")
    held = trainee("håll_nfc")
    assert _says(held, "say.wants_code")
    station_id = next(s for s, e in site.stations.items() if e.unit_id == person.unit_id)
    assert site.key_on_nfc(station_id) is site.keys[person.key_id]
    assert "Fel: " in trainee("tap")  # already held there
    assert "OK, giltig till" in trainee("kod")
    assert site.keys[person.key_id].active_set() is not None
    assert "Sätt i nyckeln" in trainee("ta_ut")
    assert site.key_on_nfc(station_id) is None


def test_a_key_pulled_mid_session_is_explained(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site)
    trainee(f"välj {person.staff_id}")
    trainee("insert 101")
    output = trainee("pull")
    assert "Ta ut nyckeln" not in output
    assert site.stations[101].station.last_result.outcome == "key_removed"
    assert _says(output, "why.key_removed")


# -- at the customer's -------------------------------------------------------------------------


def test_doors_before_and_after_a_sync(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site)
    plan = plan_demo(site.demo.seed)
    customer = next(c for c in plan.customers if c.unit == 0 and c.entrance and not c.left_at)
    assert customer.entrance is not None
    trainee(f"välj {person.staff_id}")
    before = trainee(f"öppna {customer.reference}")
    assert f"({customer.entrance}): ingen behörighet på nyckeln" in before
    assert _says(before, "say.stopped_at_entrance", name=person.name)
    assert f"({customer.lock_id})" not in before  # stopped at the entrance
    trainee("synka")
    after = trainee(f"open {customer.reference.lower()}")
    assert f"({customer.entrance}): öppnat." in after
    assert f"({customer.lock_id}): öppnat." in after
    assert _says(after, "why.open.OPENED")
    assert _says(after, "why.blocklist_updated", version=1)  # the locks learn the blocklist
    lock = trainee("lås")
    row = next(line for line in lock.splitlines() if line.strip().startswith(str(customer.lock_id)))
    assert "ja/yes" in row
    synced = trainee("synka")
    assert _says(synced, "say.events_read", count=messages.both("count.events.many", n=4))
    assert _says(
        synced,
        "say.shift_end",
        station=trainee.console._label(site.stations[101]),
        uploaded=messages.both("count.events.many", n=4),
    )
    activity = trainee("aktivitet 4")
    rows = activity.splitlines()[4:8]
    assert str(customer.lock_id) in rows[0] and "öppnat/opened" in rows[0]
    assert all(person.name in row for row in rows)
    assert _says(activity, "why.activity")


def test_customers_of_the_unit(site: EmulatedSite, trainee: Trainee) -> None:
    output = trainee("kunder syd")
    syd = _unit(site, "Hemtjänst Syd")
    for customer in site.demo.customers.values():
        if customer.unit_id == syd and customer.active:
            assert customer.reference in output
        else:
            assert customer.reference not in output


# -- a lost key ----------------------------------------------------------------------------------


def test_a_lost_key_is_refused_and_the_blocklist_spreads_to_locks(
    site: EmulatedSite, trainee: Trainee
) -> None:
    lost, other = _staff(site, index=0), _staff(site, index=1)
    assert lost.key_id is not None and other.key_id is not None
    door = next(c for c in site.demo.customers.values() if c.unit_id == lost.unit_id and c.active)
    trainee(f"välj {lost.staff_id}")
    trainee("synka")
    reported = trainee("tappa")
    assert _key_state(site, lost.key_id) == "lost"
    assert _says(reported, "why.lose") and _says(reported, "why.lose_spread")
    listed = sum(k.state in ("lost", "blocked") for k in site.demo.keys.values())
    assert _says(reported, "say.blocklist", version=2, count=listed + 1)
    # The door has never seen the new blocklist: the set on the lost key still opens it.
    assert f"({door.lock_id}): öppnat." in trainee(f"öppna {door.lock_id}")
    trainee("spola 6m")  # the stations fetch the bundle without the key
    refused = trainee("synka")
    assert "[röd/red] Nyckeln är spärrad." in refused and _says(refused, "why.key_blocked")
    trainee(f"välj {other.staff_id}")
    trainee("synka")
    assert "Spärrlista version 2;" in trainee("nyckel")
    spread = trainee(f"öppna {door.lock_id}")
    assert _says(spread, "why.blocklist_updated", version=2)
    trainee(f"välj {lost.staff_id}")
    blocked = trainee(f"öppna {door.lock_id}")
    assert f"({door.lock_id}): nyckeln är spärrad." in blocked
    assert _says(blocked, "why.open.BLOCKED")
    # The lost key's events at the door never reach the office: the office sees a gap.
    trainee(f"välj {other.staff_id}")
    trainee("synka")
    anomalies = trainee("avvikelser")
    gap = next(line for line in anomalies.splitlines() if "lucka" in line)
    assert str(door.lock_id) in gap
    trainee(f"välj {lost.staff_id}")
    found = trainee("hittad")
    assert _key_state(site, lost.key_id) == "active" and _says(found, "why.found")
    assert "kontoret sade nej" in trainee("hittad")  # active already: the office refuses


# -- network, time, new locks, the reader ---------------------------------------------------------


def test_an_offline_station_works_from_its_cache_then_refuses(
    site: EmulatedSite, trainee: Trainee
) -> None:
    person = _staff(site)
    trainee(f"välj {person.staff_id}")
    assert _says(trainee("nät_av"), "why.offline")
    trainee("spola 2h")
    stations = trainee("stations")
    row = next(line for line in stations.splitlines() if line.strip().startswith("101"))
    assert "av/off" in row and "nere/offline" in row and "Utan nät, 7 dygn kvar" in row
    assert "Synk klar" in trainee("synka")
    assert site.stations[101].station.outbox.records() > 0  # queued for the office
    trainee("spola 9d")
    late = trainee("synka")
    assert "Utan nät i mer än 8 dygn" in late
    assert _says(late, "why.cache_expired")
    back = trainee("online 101")
    assert _says(back, "why.online")
    assert site.stations[101].station.outbox.records() == 0
    assert "Synk klar" in trainee("synka")


def test_fast_forward_and_the_clock(site: EmulatedSite, trainee: Trainee) -> None:
    before = site.clock.now()
    output = trainee("spola 2h")
    assert 7_200 <= site.clock.now() - before < 7_200 + 10
    assert _says(
        output,
        "say.forward",
        amount=messages.both("span.hours", n="2"),
        time=format_time(site.clock.now()),
    )
    trainee("spola 1,5d")
    assert site.clock.now() - before >= 7_200 + 129_600
    clock = trainee("klocka")
    assert format_time(site.clock.now()) in clock and "står still" in clock


def test_a_new_lock_is_usable_after_the_next_bundle_and_sync(
    template: Path, tmp_path: Path
) -> None:
    work = tmp_path / "site"
    copy_site(template, work)
    site = _open(work)
    try:
        trainee = Trainee(site)
        person = _staff(site)
        customer = next(
            c for c in site.demo.customers.values() if c.unit_id == person.unit_id and c.active
        )
        trainee(f"välj {person.staff_id}")
        trainee("synka")
        installed = trainee(f"montera {customer.reference}")
        new_id = max(site.locks)
        assert _says(installed, "why.install")
        assert _says(
            installed,
            "say.removed",
            technician="tekniker",
            lock=customer.lock_id,
            customer=customer.reference,
        )
        assert not site.office.show_lock(site.admin, customer.lock_id)["installed"]
        row = site.office.show_lock(site.admin, new_id)
        assert row["installed"] and row["customer_id"] == customer.customer_id
        assert row["address"] == customer.address
        assert f"({new_id}): inte i behörigheten." in trainee(f"öppna {customer.reference}")
        assert "Fel: " in trainee(f"öppna {customer.lock_id}")  # not installed any more
        trainee("spola 6m")
        trainee("synka")
        assert f"({new_id}): öppnat." in trainee(f"öppna {customer.reference}")
        new_customer = trainee("montera ny nyckelbox Provgatan 1")
        box = max(site.locks)
        box_row = site.office.show_lock(site.admin, box)
        assert box_row["type"] == "key_box" and box_row["address"] == "Provgatan 1"
        assert "K-NORD-0045" in new_customer  # the unit's next reference
        seq = site.locks[new_id].next_seq
        assert seq > 1
    finally:
        site.stop()
    # their MAC secrets are the owner's only
    assert stat.S_IMODE((work / INSTALLED_LOCKS_FILE).stat().st_mode) == 0o600
    # Locks installed here survive a restart, with their counters.
    again = _open(work)
    try:
        # not in the demo site's facts: the site keeps it with its state, no console needed
        assert again.locks[new_id].next_seq == seq
        assert again.locks[box].kind == "key_box"
    finally:
        again.stop()


def test_the_usb_reader_holds_the_key(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site)
    assert person.key_id is not None
    trainee(f"välj {person.staff_id}")
    output = trainee("läsare")
    assert site.reader.key is site.keys[person.key_id] and site.reader.path in output
    assert "USB-läsaren" in trainee("öppna 2001")  # the key is not in the pocket
    trainee("reader out")
    assert site.reader.key is None


# -- what the console will not do -----------------------------------------------------------


def test_input_it_cannot_use_gets_a_bilingual_error(site: EmulatedSite, trainee: Trainee) -> None:
    before_time = site.clock.now()
    for line in ("synka", "nyckel", "lås", "tappa", "öppna 1001", "kod", "montera ny x"):
        assert _says(trainee(line), "error.no_staff"), line
    mistakes = (
        "finns_inte",
        "välj",
        "välj 9999",
        "välj an",
        "personal xyz",
        "aktivitet 0",
        "aktivitet abc",
        "spola",
        "spola 0",
        "spola 61d",
        "spola 3 veckor",
        "hjälp nej",
        "enheter extra",
    )
    for line in mistakes:
        output = trainee(line)
        assert output.startswith("Fel: ") and "\nError: " in output, line
        assert "Traceback" not in output
    person = _staff(site)
    trainee(f"välj {person.staff_id}")
    for line in (
        "sätt_i 999",
        "öppna",
        "öppna 99999",
        "öppna K-INGEN-0001",
        "montera",
        "montera ny",
    ):
        output = trainee(line)
        assert output.startswith("Fel: ") and "\nError: " in output, line
    assert _says(trainee("öppna 1043"), "error.lock_not_installed", arg="1043")  # a former customer
    assert site.clock.now() == before_time  # nothing ran


def test_a_scripted_session_on_stdin_ends_at_end_of_input(site: EmulatedSite) -> None:
    person = _staff(site)
    script = io.StringIO(f"välj {person.staff_id}\nsynka\nnej\n")
    out = io.StringIO()
    TrainingConsole(site, stdin=script, stdout=out).run()
    text = out.getvalue()
    assert text.startswith("\n".join(messages.text("say.welcome")))
    assert "Synk klar" in text and "okänt kommando nej" in text
    assert text.rstrip().endswith("\n".join(messages.text("say.goodbye")))
    out = io.StringIO()
    TrainingConsole(site, stdin=io.StringIO("quit\nja\nenheter\n"), stdout=out).run()
    assert _says(out.getvalue(), "say.quit_ask") and "Enheter" not in out.getvalue()


def test_with_the_world_thread_running(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site, "Vårdkraft Hemtjänst")
    site.clock.set_speed(1.0)  # real time: the world thread ticks every 5 ms, as the keypad needs
    site.start()
    trainee(f"välj {person.staff_id}")
    output = trainee("synka")
    assert "OK, giltig till" in output and "Synk klar" in output
    assert "[släckt/off] Sätt i nyckeln" in output


def test_avsluta_passet_does_not_stop_the_site(trainee: Trainee) -> None:
    """Issue 16.6: "avsluta passet" (end the shift) is not taken as quitting the whole site."""
    output = trainee("avsluta passet")  # Trainee asserts the console keeps running
    assert _says(output, "error.extra", arg="passet")


# -- safe to use while talking (issue 16.6) and hints that fit (issue 12) -------------------------


def test_avsluta_asks_before_it_stops_the_whole_site(trainee: Trainee) -> None:
    asked = trainee("avsluta")  # Trainee asserts the console keeps running
    assert _says(asked, "say.quit_ask")
    went_on = trainee("enheter")  # anything but yes goes on, and is done
    assert _says(went_on, "say.quit_cancelled") and "Enheter" in went_on
    trainee("quit")
    assert _says(trainee("nej"), "say.quit_cancelled")
    trainee("avsluta")
    assert trainee.console.onecmd("ja") is True
    assert trainee.console.onecmd("avsluta ja") is True  # scripts say it at once


def test_a_near_miss_gets_a_suggestion(trainee: Trainee) -> None:
    assert _says(trainee("synk"), "error.did_you_mean", name="synk", suggestion="synka")
    assert _says(trainee("öpna 5"), "error.did_you_mean", name="öpna", suggestion="öppna")
    assert _says(trainee("persnal"), "error.did_you_mean", name="persnal", suggestion="personal")
    assert _says(trainee("xyzzy"), "error.unknown_command", name="xyzzy")


def test_the_code_prompts_timeout_is_said_with_what_to_do(
    site: EmulatedSite, trainee: Trainee
) -> None:
    person = _staff(site)
    trainee(f"välj {person.staff_id}")
    assert _says(trainee("sätt i"), "say.wants_code")
    later = trainee("spola 1m")  # nobody types: the station gives up waiting for the code
    label = trainee.console._label(site.stations[101])
    assert _says(later, "say.code_timed_out", station=label, seconds=30)
    assert _says(later, "hint.code_timeout")
    assert not _says(trainee("klocka"), "say.code_timed_out", station=label, seconds=30)


def test_an_offline_sync_says_which_new_locks_it_left_out(
    site: EmulatedSite, trainee: Trainee
) -> None:
    person = _staff(site)
    customer = next(
        c for c in site.demo.customers.values() if c.unit_id == person.unit_id and c.active
    )
    trainee(f"välj {person.staff_id}")
    trainee("synka")
    trainee("nät_av")
    installed = trainee(f"montera {customer.reference}")
    assert _says(installed, "why.install_offline") and not _says(installed, "why.bundle_soon")
    new_id = max(site.locks)
    trainee("spola 6m")
    synced = trainee("synka")
    assert "Synk klar" in synced
    assert _says(synced, "say.locks_left_out_one", locks=str(new_id))
    trainee("nät_på")
    trainee("spola 6m")
    again = trainee("synka")
    assert "Synk klar" in again and str(new_id) not in again.split("Synk klar")[1].split("\n")[0]
    assert not _says(again, "say.locks_left_out_one", locks=str(new_id))


def test_lock_the_door_again_after_the_visit(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site)
    plan = plan_demo(site.demo.seed)
    customer = next(c for c in plan.customers if c.unit == 0 and not c.left_at)
    trainee(f"välj {person.staff_id}")
    assert _says(trainee("lås igen"), "error.nothing_to_lock")
    trainee("synka")
    trainee(f"öppna {customer.reference}")
    assert site.locks[customer.lock_id].is_open
    relocked = trainee("lås igen")  # two words, as people type it: not "lås" (the list)
    assert "Dörr" in relocked and f"({customer.lock_id})" in relocked
    assert _says(relocked, "why.relock")
    assert not site.locks[customer.lock_id].is_open
    assert "redan låst" in trainee(f"lås_igen {customer.lock_id}")


def test_hints_follow_the_situation_and_are_said_once(site: EmulatedSite, trainee: Trainee) -> None:
    person = _staff(site)
    assert _says(trainee("tips"), "hint.pick")
    picked = trainee(f"välj {person.staff_id}")
    assert _says(picked, "hint.sync")
    assert not _says(trainee("klocka"), "hint.sync")  # the same hint is not said again
    assert _says(trainee("sätt_i"), "hint.code")
    wrong = "000000" if person.code != "000000" else "111111"
    for _ in range(5):
        last = trainee(f"kod {wrong}")
    assert "ta ut nyckeln och försök igen efter" in last
    trainee("ta_ut")
    trainee("spola 20m")
    trainee("synka")
    assert _says(trainee("tips"), "hint.visit", until=_valid_until(site, person))
    assert "utan nät men synkar nycklar" in trainee("nät_av")


def _valid_until(site: EmulatedSite, person: DemoStaff) -> str:
    assert person.key_id is not None
    active = site.keys[person.key_id].active_set()
    assert active is not None
    return format_time(active["valid_until"])[:16]


def test_swedish_only_says_no_english(site: EmulatedSite) -> None:
    """Issue 16.9: the console in Swedish only (--language sv)."""
    out = io.StringIO()
    console = TrainingConsole(site, stdout=out, language="sv")
    person = _staff(site)
    for line in ("hjälp", "hjälp synka", f"välj {person.staff_id}", "synka", "xyzzy"):
        console.onecmd(line)
    text = out.getvalue()
    assert "Kommandon" in text and "Synk klar" in text and "okänt kommando" in text
    for english in ("Commands", "Sync done", "unknown command", "Getting started", "It takes"):
        assert english not in text, english
    with pytest.raises(ValueError):
        TrainingConsole(site, language="de")
