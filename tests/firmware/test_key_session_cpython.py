"""The key session against the construct-speaking virtual key: over a paced wire, over NFC, and
under random pulls, noise and lost frames (Hypothesis, stateful).

The key is emulator.virtual_key.VirtualKey (protocol/ reference codec, `cryptography` signing);
the contact port is emulator.key_wire.KeyWire, paced at 10 bits a byte on a fake millisecond
clock that only the station's sleeps move; NFC is hw.pn532.PN532_UART + hw.nfc_reader on
emulator.pn532_chip.EmulatedPN532 with emulator.key_card.KeyCard. Bundles come from
tests/factories.py. Also here: the portable key double's signatures against `cryptography`,

"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from emulator.key_card import KeyCard
from emulator.key_wire import KeyWire
from emulator.pn532_chip import EmulatedPN532
from emulator.virtual_key import VirtualKey, sample_events
from firmware.bundle_cache import BundleCache, Refusal
from firmware.clock import ManualClock
from firmware.code_check import CodeCheck
from firmware.key_link import nfc_link, stream_link
from firmware.key_session import CODE, DONE, KeySession, SessionResult
from firmware.log import Log
from firmware.outbox import Outbox
from firmware.records import decode_record
from firmware.storage import DirStorage
from hw.nfc_reader import NfcKeyReader
from hw.pn532 import PN532_UART
from tests import factories as f
from tests.firmware.key_double import (
    DisplayDouble,
    IndicatorDouble,
    KeypadDouble,
    public_key,
    sign,
)
from tests.firmware.power_cut import RamFiles

ANNA = f.KeySpec(10, code="246810", name="Anna", lock_ids=list(range(1000, 1040)))  # 40 locks
BERTIL = f.KeySpec(11, code="135790", name="Bertil", lock_ids=[1000, 1001])
BUNDLE = f.bundle([ANNA, BERTIL], serial=4)
SUPPORT = "Support 0141-22 59 72"


class Ticks:
    def __init__(self) -> None:
        self.ms = 0

    def ticks_ms(self) -> int:
        return self.ms

    def sleep_ms(self, ms: int) -> None:
        self.ms += ms


class Station:
    def __init__(self, now: int = f.EPOCH) -> None:
        self.files = RamFiles()
        self.clock = ManualClock(now)
        self.ticks = Ticks()
        self.log = Log(self.clock)
        self.storage = DirStorage("/flash", files=self.files)
        self.cache = BundleCache(self.storage, 7, 3, [f.AUTHORITY.public], self.log)
        self.cache.install(BUNDLE)
        self.codes = CodeCheck(self.storage, self.clock, self.log)
        self.outbox = Outbox(self.storage, self.log)
        self.display = DisplayDouble()
        self.indicator = IndicatorDouble()

    def session(self, link: Any, code: str = ANNA.code) -> KeySession:
        return KeySession(
            link,
            self.cache,
            self.codes,
            self.outbox,
            self.clock,
            KeypadDouble(code),
            self.display,
            self.indicator,
            self.log,
            7,
            SUPPORT,
            ticks_ms=self.ticks.ticks_ms,
            sleep_ms=self.ticks.sleep_ms,
        )

    def wire(self, key: VirtualKey, seed: int = 0) -> KeyWire:
        wire = KeyWire(ticks_ms=self.ticks.ticks_ms, sleep_ms=self.ticks.sleep_ms, seed=seed)
        wire.insert(key)
        return wire

    def stored_events(self, outbox: Outbox | None = None) -> list[tuple[int, int]]:
        records = [decode_record("outbox_record", r) for r in (outbox or self.outbox).pending()[1]]
        return [(r["event"]["lock_id"], r["event"]["lock_seq"]) for r in records if r["kind"] == 1]

    def todays_set(self) -> bytes | None:
        try:
            return self.cache.permission_set_for(ANNA.key_id, self.clock.now())[0]
        except Refusal:
            return None


def anna(events: int = 0) -> VirtualKey:
    key = VirtualKey(
        ANNA.key_id, f.seed(f"key {ANNA.key_id}"), pin_secret=f.pin_secret(ANNA.key_id)
    )
    key.preload_events(sample_events(ANNA.key_id, events))
    return key


def run_past_code(session: KeySession) -> None:
    """Step until the code has been taken (keypad time is not wire time)."""
    while session.state in ("hello", "authenticate", CODE):
        session.step()


# --- the portable double's signer -----------------------------


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=200))
def test_key_double_signs_like_cryptography(seed: bytes, message: bytes) -> None:
    signer = Ed25519PrivateKey.from_private_bytes(seed)
    assert public_key(seed) == signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert sign(seed, message) == signer.sign(message)  # RFC 8032 signatures are deterministic


# --- whole syncs ----------------------------------------------------------------------


def test_whole_sync_over_the_paced_wire_at_115200() -> None:
    station = Station()
    key = anna(200)
    wire = station.wire(key)
    link = stream_link(wire, station.ticks.ticks_ms, station.ticks.sleep_ms)
    session = station.session(link)
    run_past_code(session)
    start = station.ticks.ms
    result = session.run()
    elapsed = station.ticks.ms - start
    assert result.outcome == "ok_until", station.log.tail(0, 4000)
    assert key.active_set_bytes() == station.todays_set()
    assert key.blocklist == station.cache.blocklist()
    assert key.audit_events() == [] and result.events_acked == 200
    assert station.stored_events() == [(100, i) for i in range(1, 201)]
    assert len(key.active_set_bytes() or b"") == 292  # SPEC 8.1: 40 locks
    # The answers cannot have been read faster than they came down the line (10 bits a byte);
    # HELLO's and CHALLENGE's answers (about 130 bytes) came before `start`.
    assert elapsed + 20 >= wire.bytes_to_station * 10 * 1000 / 115200
    assert link.resent == 0 and link.crc_errors == 0


def test_whole_sync_over_the_emulated_pn532() -> None:
    station = Station()
    key = anna(200)
    card = KeyCard(key, bytes.fromhex("04a1b2c3d4e5f6"))
    chip = EmulatedPN532(card)
    reader = NfcKeyReader(
        PN532_UART(chip, ticks_ms=station.ticks.ticks_ms, sleep_ms=station.ticks.sleep_ms)
    )
    assert reader.begin() == (0x32, 1, 6, 7)
    assert reader.find_key()
    link = nfc_link(reader, ticks_ms=station.ticks.ticks_ms, sleep_ms=station.ticks.sleep_ms)
    result = station.session(link).run()
    assert result.outcome == "ok_until", station.log.tail(0, 4000)
    assert link.max_payload == 232
    assert key.active_set_bytes() == station.todays_set()
    assert key.audit_events() == []
    assert station.stored_events() == [(100, i) for i in range(1, 201)]


def test_a_key_pulled_mid_transfer_over_nfc_keeps_its_old_set() -> None:
    station = Station()
    key = anna(50)
    key.pull_after_requests(4)  # HELLO, CHALLENGE, OBJ_BEGIN, then the first OBJ_WRITE
    card = KeyCard(key, bytes.fromhex("04a1b2c3"))
    reader = NfcKeyReader(
        PN532_UART(
            EmulatedPN532(card), ticks_ms=station.ticks.ticks_ms, sleep_ms=station.ticks.sleep_ms
        )
    )
    reader.begin()
    assert reader.find_key()
    link = nfc_link(reader, ticks_ms=station.ticks.ticks_ms, sleep_ms=station.ticks.sleep_ms)
    result = station.session(link).run()
    assert result.outcome == "key_removed" and not result.set_written
    assert key.active_set_bytes() is None and len(key.audit_events()) == 50
    assert station.stored_events() == []


def test_a_bundle_installed_during_code_entry_does_not_change_the_code_check() -> None:
    # The code is checked with the bundle the session started with: its entry's verifier and
    # that bundle's code_iterations (once the iterations were read from whatever bundle was
    # installed by then, and Anna's right code was refused as wrong).
    station = Station()
    wire = station.wire(anna())
    session = station.session(stream_link(wire, station.ticks.ticks_ms, station.ticks.sleep_ms))
    keypad = session.keypad
    typed = list(keypad.presses)
    keypad.presses = []
    while session.state != CODE:
        session.step()
    station.cache.install(f.bundle([ANNA, BERTIL], serial=5, code_iterations=80))
    keypad.presses = typed
    result = session.run()
    assert result.outcome == "ok_until", station.log.tail(0, 4000)


# --- random removals, noise and lost frames -------------------------------------------

FAULTS = st.one_of(
    st.just(("none", 0)),
    st.tuples(st.just("pull_after_bytes"), st.integers(1, 1500)),
    st.tuples(st.just("pull_after_requests"), st.integers(1, 20)),
    st.tuples(st.just("drop_to_key"), st.integers(1, 5)),
    st.tuples(st.just("drop_to_station"), st.integers(1, 5)),
    st.tuples(st.just("noise"), st.integers(1, 40)),
    st.tuples(st.just("flip"), st.integers(0, 0)),
    st.tuples(st.just("noisy"), st.integers(1, 20)),
)


class KeySessionMachine(RuleBasedStateMachine):
    """One station and one key, synced again and again with faults on the line.

    Invariants: the key's active set is the one it had before a session or the one that session
    hands out; no key event is lost (each is on the key or in the outbox), and none is in the
    outbox twice; every event the key forgot is on flash (a fresh Outbox from the same flash
    still has it).
    """

    def __init__(self) -> None:
        super().__init__()
        self.station = Station()
        self.key = VirtualKey(
            ANNA.key_id,
            f.seed(f"key {ANNA.key_id}"),
            audit_capacity=300,
            pin_secret=f.pin_secret(ANNA.key_id),
        )
        self.recorded: set[tuple[int, int]] = set()
        self.lock_seq = 0
        self.results: list[SessionResult] = []

    @precondition(lambda self: len(self.key.audit_events()) < 250)
    @rule(n=st.integers(1, 50), lock_id=st.sampled_from([1000, 1001, 1039]))
    def locks_record_events(self, n: int, lock_id: int) -> None:
        events = sample_events(
            ANNA.key_id, n, lock_id=lock_id, first_lock_seq=self.lock_seq + 1, start_time=f.EPOCH
        )
        self.lock_seq += n
        self.key.preload_events(events)
        self.recorded.update((e["lock_id"], e["lock_seq"]) for e in events)

    @rule(hours=st.integers(0, 30))
    def time_passes(self, hours: int) -> None:
        self.station.clock.advance(hours * 3600)

    @rule(fault=FAULTS, seed=st.integers(0, 2**16))
    def sync(self, fault: tuple[str, int], seed: int) -> None:
        station = self.station
        before = self.key.active_set_bytes()
        offered = station.todays_set()
        wire = station.wire(self.key, seed)
        kind, n = fault
        if kind == "pull_after_bytes":
            wire.pull_after_bytes(n)
        elif kind == "pull_after_requests":
            self.key.pull_after_requests(n)
        elif kind == "drop_to_key":
            wire.drop_next_frames(n, "to_key")
        elif kind == "drop_to_station":
            wire.drop_next_frames(n, "to_station")
        elif kind == "noise":
            wire.add_noise(bytes((seed + i) % 255 + 1 for i in range(n)))
        elif kind == "flip":
            wire.flip_bit_in_next_answer()
        elif kind == "noisy":
            self.key.noisy = n / 100
        link = stream_link(wire, station.ticks.ticks_ms, station.ticks.sleep_ms)
        session = station.session(link)
        result = session.run()
        self.key.noisy = 0.0
        self.key.pull_after_requests(10**6)  # disarm a pull that did not happen
        wire.pull()
        assert session.state == DONE and result.outcome is not None
        after = self.key.active_set_bytes()
        assert after in (before, offered), result
        if result.outcome == "ok_until":
            assert after == offered and self.key.audit_events() == []
        if result.set_written:
            assert after == offered
        if kind == "none" and offered is not None:
            assert result.outcome == "ok_until", station.log.tail(0, 4000)
        self.results.append(result)
        event(f"{kind}: {result.outcome}")

    @invariant()
    def outbox_has_each_event_once(self) -> None:
        stored = self.station.stored_events()
        assert len(stored) == len(set(stored))

    @invariant()
    def no_event_is_lost_and_forgotten_ones_are_on_flash(self) -> None:
        on_key = {(e["lock_id"], e["lock_seq"]) for e in self.key.audit_events()}
        fresh = Outbox(DirStorage("/flash", files=self.station.files), self.station.log)
        on_flash = set(self.station.stored_events(fresh))
        assert on_flash == set(self.station.stored_events())
        assert on_key | on_flash == self.recorded
        forgotten = self.recorded - on_key
        assert forgotten <= on_flash


KeySessionMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestKeySessionMachine = KeySessionMachine.TestCase
