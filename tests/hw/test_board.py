"""hw.board: the bundle of parts firmware/ is handed, and what it lacks."""

from hw.board import PARTS, Board


def _board(**parts):
    given = {part: object() for part in PARTS}
    given.update(parts)
    return Board(**given)


def test_parts_in_order():
    assert PARTS == (
        "key_port",
        "nfc",
        "keypad",
        "display",
        "indicator",
        "clock",
        "storage",
        "network",
    )


def test_a_complete_board_misses_nothing():
    board = _board(name="s1")
    assert board.missing() == []
    assert board.faults == []
    assert repr(board) == "Board('s1', missing=[], faults=[])"


def test_missing_lists_none_parts_in_parts_order():
    board = _board(network=None, nfc=None, clock=None)
    assert board.missing() == ["nfc", "clock", "network"]
    assert "missing=['nfc', 'clock', 'network']" in repr(board)


def test_network_defaults_to_none():
    board = Board(1, 2, 3, 4, 5, 6, 7)
    assert board.network is None
    assert board.missing() == ["network"]
    assert board.name == "station"
    assert (board.key_port, board.nfc, board.keypad, board.display) == (1, 2, 3, 4)
    assert (board.indicator, board.clock, board.storage) == (5, 6, 7)


def test_falsy_parts_are_not_missing():
    board = _board(storage=[], keypad=0)
    assert board.missing() == []


def test_faults_are_kept_and_not_shared():
    first = _board()
    second = _board()
    first.faults.append("display: OSError 19")
    assert second.faults == []
    third = _board(faults=["nfc: no answer"], nfc=None)
    assert third.faults == ["nfc: no answer"]
    assert repr(third) == "Board('station', missing=['nfc'], faults=['nfc: no answer'])"
