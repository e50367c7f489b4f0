"""hw.ssd1306 and hw.font5x7: the bytes on the I2C bus and in the frame buffer.

Command values are the Solomon Systech SSD1306 datasheet's (Rev 1.1, §9 and
§10): 0xAE/0xAF display off/on, 0x20 00 horizontal addressing, 0x40 start line 0,
0xA1 segment remap, 0xA8 multiplex ratio (height - 1), 0xC8 COM scan from COM[N],
0xD3 00 no offset, 0xDA COM pins (0x12 alternative for 128×64, 0x02 sequential
for 128×32), 0xD5 80 clock, 0xD9 precharge, 0xDB 30 VCOMH ~0.83 Vcc, 0x81 FF
contrast, 0xA4 RAM display, 0xA6 normal, 0x8D 14 charge pump on, and for the
window 0x21 column start/end, 0x22 page start/end. Order as in micropython-lib's
ssd1306 driver. On I2C each command goes as 0x80 <cmd>, data as 0x40 <bytes>
(§8.1.5.2). The RAM is pages of 8 rows, bit 0 on top (§8.7).
"""

from hw import font5x7
from hw.ssd1306 import SSD1306_I2C, init_sequence, wrap_hard
from tests.hw.dummies import DummyI2C, hexbytes

INIT_128X64 = hexbytes(
    "AE 20 00 40 A1 A8 3F C8 D3 00 DA 12 D5 80 D9 F1 DB 30 81 FF A4 A6 AD 30 8D 14 AF"
)


def _display(width=128, height=64, external_vcc=False):
    i2c = DummyI2C(writes_anywhere=True)
    return i2c, SSD1306_I2C(i2c, width, height, external_vcc=external_vcc)


def _commands(writes):
    """The command bytes of a run of single-command writes (each must be 0x80 <cmd>)."""
    out = bytearray()
    for _address, data in writes:
        assert len(data) == 2 and data[0] == 0x80, data
        out.append(data[1])
    return bytes(out)


def test_init_sequence_128x64():
    assert init_sequence(128, 64) == INIT_128X64


def test_init_sequence_128x32_and_external_vcc():
    seq = init_sequence(128, 32, external_vcc=True)
    assert seq[5:7] == hexbytes("A8 1F")  # 32-row multiplex
    assert seq[10:12] == hexbytes("DA 02")  # sequential COM pins
    assert seq[14:16] == hexbytes("D9 22")  # precharge for an external supply
    assert seq[24:26] == hexbytes("8D 10")  # charge pump off
    assert seq[0] == 0xAE and seq[-1] == 0xAF


def test_start_up_on_the_bus():
    i2c, display = _display()
    assert all(address == 0x3C for address, _ in i2c.writes)
    commands = i2c.writes[:-1]
    # the init sequence, then the window for the whole panel: columns 0-127, pages 0-7
    assert _commands(commands) == INIT_128X64 + hexbytes("21 00 7F 22 00 07")
    _address, data = i2c.writes[-1]
    assert data == b"\x40" + bytes(1024)  # a cleared frame, as display data
    assert display.lines == []


def test_narrow_panel_uses_the_middle_columns():
    i2c, display = _display(width=64, height=48)
    assert len(display.buffer) == 64 * 6
    assert _commands(i2c.writes[-7:-1]) == hexbytes("21 20 5F 22 00 05")
    assert i2c.writes[-1][1] == b"\x40" + bytes(64 * 6)


def test_write_data_without_writevto():
    class PlainI2C:
        def __init__(self):
            self.writes = []

        def writeto(self, address, data):
            self.writes.append((address, bytes(data)))

    i2c = PlainI2C()
    SSD1306_I2C(i2c)
    assert i2c.writes[-1] == (0x3C, b"\x40" + bytes(1024))


def test_power_contrast_invert_commands():
    i2c, display = _display()
    del i2c.writes[:]
    display.poweroff()
    display.poweron()
    display.contrast(0x1CF)  # kept to one byte
    display.invert(True)
    display.invert(False)
    assert _commands(i2c.writes) == hexbytes("AE AF 81 CF A7 A6")


def test_pixel_uses_vertical_bytes_in_pages():
    _i2c, display = _display()
    display.pixel(0, 0, 1)
    assert display.buffer[0] == 0x01
    display.pixel(0, 7, 1)
    assert display.buffer[0] == 0x81
    display.pixel(5, 9, 1)  # page 1, bit 1
    assert display.buffer[128 + 5] == 0x02
    display.pixel(127, 63, 1)  # last byte, bottom bit
    assert display.buffer[1023] == 0x80
    assert display.pixel(127, 63) == 1
    display.pixel(0, 0, 0)
    assert display.buffer[0] == 0x80
    assert display.pixel(0, 0) == 0
    assert display.pixel(-1, 0, 1) == 0 and display.pixel(128, 0, 1) == 0
    assert display.pixel(0, 64, 1) == 0
    assert sum(display.buffer) == 0x80 + 0x02 + 0x80


def test_fill():
    _i2c, display = _display()
    display.fill(1)
    assert display.buffer == bytearray(b"\xff" * 1024)
    display.fill(0)
    assert display.buffer == bytearray(1024)


def test_text_copies_glyph_columns_into_the_page():
    _i2c, display = _display()
    display.text("AB", 0, 8)  # second text line: page 1
    page = display.buffer[128:256]
    assert page[0] == 0  # blank column before the glyph
    assert bytes(page[1:6]) == hexbytes("7E 11 11 11 7E")  # the classic 5×7 'A'
    assert page[6:8] == bytearray(2)
    assert bytes(page[9:14]) == font5x7.glyph("B")
    assert sum(display.buffer[:128]) == 0 and sum(display.buffer[256:]) == 0


def test_text_between_pages_matches_the_aligned_glyph():
    _i2c, display = _display()
    display.text("Ä", 0, 3)
    columns = font5x7.glyph("Ä")
    for i in range(5):
        shifted = columns[i] << 3
        assert display.buffer[1 + i] == shifted & 0xFF
        assert display.buffer[128 + 1 + i] == shifted >> 8


def test_text_is_clipped_at_the_edges():
    _i2c, display = _display()
    display.text("WW", 120, 0)  # the second W starts at column 129: gone
    assert bytes(display.buffer[121:126]) == font5x7.glyph("W")
    display.text("X", -3, 56)  # glyph columns at -2..2: the last three show
    assert bytes(display.buffer[7 * 128 : 7 * 128 + 4]) == font5x7.glyph("X")[2:] + b"\x00"
    display.text("X", 40, 64)  # below the panel: nothing, no error
    display.text("X", 40, 61)  # partly below: the top three rows only
    for i in range(5):
        assert display.buffer[7 * 128 + 41 + i] == (font5x7.glyph("X")[i] << 5) & 0xFF


def test_text_in_color_0_clears():
    _i2c, display = _display()
    display.fill(1)
    display.text("A", 0, 0, 0)
    assert bytes(display.buffer[1:6]) == bytes(0xFF & ~b for b in hexbytes("7E 11 11 11 7E"))
    assert display.buffer[0] == 0xFF


def test_show_lines_wraps_cuts_and_sends_the_frame():
    i2c, display = _display()
    del i2c.writes[:]
    display.show_lines(["Åter", "x" * 20] + ["rad"] * 10)
    assert display.lines == ["Åter", "x" * 16, "xxxx", "rad", "rad", "rad", "rad", "rad"]
    assert bytes(display.buffer[1:6]) == font5x7.glyph("Å")
    assert bytes(display.buffer[2 * 128 + 1 : 2 * 128 + 6]) == font5x7.glyph("x")
    assert _commands(i2c.writes[:-1]) == hexbytes("21 00 7F 22 00 07")
    assert i2c.writes[-1][1] == b"\x40" + bytes(display.buffer)


def test_show_lines_clears_what_was_there():
    _i2c, display = _display()
    display.show_lines(["#" * 16] * 8)
    display.show_lines([""])
    assert display.buffer == bytearray(1024)
    assert display.lines == [""]


def test_wrap_hard():
    assert wrap_hard("") == [""]
    assert wrap_hard("abc") == ["abc"]
    assert wrap_hard("a" * 32) == ["a" * 16, "a" * 16]
    assert wrap_hard("abcdef", 4) == ["abcd", "ef"]


def test_font_covers_ascii_and_swedish():
    for code in range(0x20, 0x7F):
        assert font5x7.has_glyph(chr(code))
        assert len(font5x7.glyph(chr(code))) == font5x7.WIDTH
    for char in "ÅÄÖåäöéü°":
        assert font5x7.has_glyph(char)
        assert font5x7.glyph(char) != font5x7.glyph("?")
    for upper, lower in (("Å", "å"), ("Ä", "ä"), ("Ö", "ö"), ("A", "Å"), ("A", "Ä"), ("O", "Ö")):
        assert font5x7.glyph(upper) != font5x7.glyph(lower), (upper, lower)
    assert font5x7.glyph(" ") == bytes(5)


def test_font_leaves_the_bottom_row_free():
    for code in range(0x20, 0x7F):
        assert all(b & 0x80 == 0 for b in font5x7.glyph(chr(code)))
    for char in font5x7.EXTRA:
        assert all(b & 0x80 == 0 for b in font5x7.glyph(char))


def test_font_falls_back_to_the_question_mark():
    assert not font5x7.has_glyph("€")
    assert font5x7.glyph("€") == font5x7.glyph("?") == hexbytes("02 01 51 09 06")
    assert font5x7.glyph("\t") == font5x7.glyph("?")
    assert not font5x7.has_glyph("\x7f")
