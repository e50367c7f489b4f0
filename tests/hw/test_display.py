"""hw.display: word wrap and the Swedish-first layout on the 16 × 8 character screen."""

from hw.display import COLUMNS, ROWS, TextDisplay, contact_fits, layout, wrap
from hw.ssd1306 import SSD1306_I2C
from tests.hw.dummies import DummyI2C


class Recorder:
    def __init__(self):
        self.shown = []

    def show_lines(self, lines):
        self.shown.append(list(lines))


def test_screen_size():
    assert (COLUMNS, ROWS) == (16, 8)


def test_wrap_between_words():
    assert wrap("Håll nyckeln mot läsaren") == ["Håll nyckeln mot", "läsaren"]
    assert wrap("Hold the key to the reader") == ["Hold the key to", "the reader"]
    assert wrap("exakt sexton tkn") == ["exakt sexton tkn"]  # 16 characters fit


def test_wrap_empty_and_blank():
    assert wrap("") == []
    assert wrap("   ") == []
    assert wrap("\n\n") == []


def test_wrap_spaces_count_as_one():
    assert wrap("  a    b  ") == ["a b"]


def test_wrap_keeps_newlines():
    assert wrap("Klart\nDone") == ["Klart", "Done"]
    assert wrap("a\n\nb") == ["a", "", "b"]
    assert wrap("a\n") == ["a"]


def test_wrap_cuts_long_words():
    assert wrap("x" * 20) == ["x" * 16, "xxxx"]
    assert wrap("x" * 32) == ["x" * 16, "x" * 16]
    assert wrap("ab " + "y" * 18 + " cd") == ["ab", "y" * 16, "yy cd"]


def test_wrap_lines_never_exceed_the_width():
    text = "Nyckeln är spärrad. Kontakta samordnaren för en ny nyckel, tack! " * 3
    for width in (5, 8, 16, 21):
        lines = wrap(text, width)
        assert lines
        assert all(0 < len(line) <= width for line in lines)
        if width >= 11:  # the longest word fits: every word stays whole
            assert " ".join(lines).split() == text.split()
        else:
            assert "".join(lines).replace(" ", "") == "".join(text.split())


def test_layout_swedish_blank_line_english():
    assert layout("Klart", "Done") == ["Klart", "", "Done"]


def test_layout_without_english():
    assert layout("Klart", "") == ["Klart"]
    assert layout("", "Done") == ["Done"]
    assert layout("", "") == []


def test_layout_drops_the_blank_line_before_cutting_english():
    swedish = "\n".join("s%d" % i for i in range(6))  # six lines
    assert layout(swedish, "e1\ne2") == ["s0", "s1", "s2", "s3", "s4", "s5", "e1", "e2"]
    five = "\n".join("s%d" % i for i in range(5))
    assert layout(five, "e1\ne2") == ["s0", "s1", "s2", "s3", "s4", "", "e1", "e2"]


def test_layout_cuts_english_that_does_not_fit():
    seven = "\n".join("s%d" % i for i in range(7))
    assert layout(seven, "e1\ne2\ne3") == ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "e1"]


def test_layout_swedish_always_wins():
    ten = "\n".join("s%d" % i for i in range(10))
    lines = layout(ten, "English")
    assert lines == ["s%d" % i for i in range(8)]


def test_layout_respects_other_sizes():
    assert layout("ett två tre", "one two", rows=3, columns=7) == ["ett två", "tre", "one two"]
    assert all(len(line) <= 7 for line in layout("a" * 30, "b" * 30, rows=4, columns=7))


def test_text_display_remembers_and_shows():
    driver = Recorder()
    display = TextDisplay(driver)
    display.show("Sätt i nyckeln", "Insert the key")
    assert display.lines == ["Sätt i nyckeln", "", "Insert the key"]
    assert (display.swedish, display.english) == ("Sätt i nyckeln", "Insert the key")
    assert driver.shown == [display.lines]
    display.clear()
    assert display.lines == [] and driver.shown[-1] == []
    assert (display.swedish, display.english) == ("", "")


def test_text_display_on_the_oled():
    oled = SSD1306_I2C(DummyI2C(writes_anywhere=True))
    display = TextDisplay(oled)
    display.show("Nyckeln är uppdaterad", "Key updated")
    assert oled.lines == ["Nyckeln är", "uppdaterad", "", "Key updated"]
    assert sum(oled.buffer[2 * 128 : 3 * 128]) == 0  # the blank line
    assert sum(oled.buffer[3 * 128 : 4 * 128]) > 0


def test_the_contact_is_shown_once_on_the_last_lines():
    lines = layout(
        "Utan nät i mer än 8 dygn. Ring:",
        "No network for more than 8 days. Call:",
        contact="Bemanningen 010-123 45 67",
    )
    assert lines == [
        "Utan nät i mer",
        "än 8 dygn. Ring:",
        "",
        "No network for",
        "more than 8",
        "days. Call:",
        "Bemanningen",
        "010-123 45 67",
    ]


def test_the_contact_wins_over_english_and_swedish():
    ten = "\n".join("s%d" % i for i in range(10))
    assert layout(ten, "e", contact="Ring 112") == ["s%d" % i for i in range(7)] + ["Ring 112"]


def test_one_language_only():
    assert layout("Klart", "Done", language="sv") == ["Klart"]
    assert layout("Klart", "Done", language="en") == ["Done"]
    assert layout("Klart", "Done", contact="Ring 112", language="en") == ["Done", "Ring 112"]
    assert layout("Klart", "", language="en") == ["Klart"]  # no English: the Swedish stays
    raised = False
    try:
        layout("a", "b", language="de")
    except ValueError:
        raised = True
    assert raised


def test_text_display_in_swedish_only_with_a_contact():
    driver = Recorder()
    display = TextDisplay(driver, language="sv")
    display.show("Nyckeln är spärrad. Kontakta:", "This key is blocked. Contact:", "Ring 112")
    assert display.lines == ["Nyckeln är", "spärrad.", "Kontakta:", "Ring 112"]
    assert display.swedish == "Nyckeln är spärrad. Kontakta: Ring 112"
    assert display.english == "This key is blocked. Contact: Ring 112"
    assert display.contact == "Ring 112"


def test_contact_fits_two_lines():
    assert contact_fits("Bemanningen 010-123 45 67")
    assert contact_fits("x" * 32)
    assert not contact_fits("x" * 33)
    assert not contact_fits("aaaa bbbbbbbbbbbbbbb cccccccccc")  # 31 characters, three lines
    assert not contact_fits("")
