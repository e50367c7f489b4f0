"""firmware.log: numbered lines, tailed in pieces that always move on (portable)."""

from firmware.clock import ManualClock
from firmware.log import Log


def test_lines_are_numbered_and_timed():
    log = Log(ManualClock(1000))
    log.info("started")
    log.warn("clock not set")
    log.error("outbox full")
    first, next_seq, text = log.tail(1, 1000)
    assert (first, next_seq) == (1, 4)
    assert text == "1 1000 I started\n2 1000 W clock not set\n3 1000 E outbox full\n"


def test_tail_stops_at_max_bytes_and_resumes():
    log = Log(ManualClock(5))
    for n in range(10):
        log.info("line %d" % n)
    _, next_seq, text = log.tail(1, 30)
    assert len(text.encode()) <= 30
    assert text.count("\n") == next_seq - 1
    _, after, rest = log.tail(next_seq, 1000)
    assert after == 11
    assert (text + rest).count("\n") == 10


def test_a_line_longer_than_the_request_is_cut_not_stuck():
    log = Log(ManualClock(5))
    log.info("å" * 100)
    log.info("short")
    first, next_seq, text = log.tail(1, 20)
    assert (first, next_seq) == (1, 2)
    assert len(text.encode()) <= 20 and text.endswith("\n")
    assert log.tail(next_seq, 20)[2] == "2 5 I short\n"


def test_the_ring_drops_old_lines_and_says_so():
    log = Log(ManualClock(0), capacity=3)
    for n in range(5):
        log.info(str(n))
    first, next_seq, text = log.tail(1, 1000)
    assert (first, next_seq) == (3, 6)
    assert text.splitlines()[0] == "3 0 I 2"


def test_a_newline_in_a_message_does_not_start_a_line_of_its_own():
    # SPEC.md 7: every line is "seq time level message"
    log = Log(ManualClock(1000))
    log.error("storage: write failed\nE forged line\r")
    log.info("next")
    first, next_seq, text = log.tail(0, 500)
    assert (first, next_seq) == (1, 3)
    assert text == "1 1000 E storage: write failed E forged line \n2 1000 I next\n"
