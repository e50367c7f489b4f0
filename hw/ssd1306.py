"""SSD1306 OLED (128×64, monochrome) on I2C, with its own 5×7 font so Swedish letters show.

The start-up commands are those of micropython-lib's ssd1306 driver
(micropython/drivers/display/ssd1306/ssd1306.py), which follow the Solomon
Systech SSD1306 datasheet (Rev 1.1, §9 "Command Table" and §10 "Command
Descriptions"). On I2C every transfer starts with a control byte (datasheet
§8.1.5.2): 0x80 (Co = 1, D/C# = 0) before one command byte, 0x40 (Co = 0,
D/C# = 1) before a run of display data.

The frame buffer is the SSD1306's own layout (MONO_VLSB): ``height // 8``
pages of ``width`` bytes, each byte 8 vertical pixels with bit 0 on top. On
MicroPython ``self.framebuf`` wraps it in a framebuf.FrameBuffer for lines
and rectangles; text always goes through hw.font5x7, which has Å, Ä and Ö
where framebuf's font has none, and draws the same on every port.
"""

from hw import font5x7
from hw._port import const

try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any  # read under TYPE_CHECKING only

# Commands (datasheet §9), named as in micropython-lib
SET_CONTRAST = const(0x81)
SET_ENTIRE_ON = const(0xA4)
SET_NORM_INV = const(0xA6)
SET_DISP = const(0xAE)
SET_MEM_ADDR = const(0x20)
SET_COL_ADDR = const(0x21)
SET_PAGE_ADDR = const(0x22)
SET_DISP_START_LINE = const(0x40)
SET_SEG_REMAP = const(0xA0)
SET_MUX_RATIO = const(0xA8)
SET_IREF_SELECT = const(0xAD)
SET_COM_OUT_DIR = const(0xC0)
SET_DISP_OFFSET = const(0xD3)
SET_COM_PIN_CFG = const(0xDA)
SET_DISP_CLK_DIV = const(0xD5)
SET_PRECHARGE = const(0xD9)
SET_VCOM_DESEL = const(0xDB)
SET_CHARGE_PUMP = const(0x8D)

_CONTROL_COMMAND = const(0x80)  # Co = 1, D/C# = 0: one command byte follows
_CONTROL_DATA = b"\x40"  # Co = 0, D/C# = 1: display data until the stop condition

CELL_WIDTH = const(8)  # a character cell: 1 blank column, 5 of glyph, 2 blank
CELL_HEIGHT = const(8)  # 7 rows of glyph and one blank: a text line is one page
COLUMNS = const(16)  # 128 / 8 characters on a line
ROWS = const(8)  # 64 / 8 lines


def init_sequence(width: int, height: int, external_vcc: bool = False) -> bytes:
    """The command bytes sent at start-up, in order (micropython-lib's ``init_display``)."""
    return bytes(
        (
            SET_DISP,  # display off
            SET_MEM_ADDR,
            0x00,  # horizontal addressing
            SET_DISP_START_LINE,  # start at line 0
            SET_SEG_REMAP | 0x01,  # column address 127 mapped to SEG0
            SET_MUX_RATIO,
            height - 1,
            SET_COM_OUT_DIR | 0x08,  # scan from COM[N] to COM0
            SET_DISP_OFFSET,
            0x00,
            SET_COM_PIN_CFG,
            0x02 if width > 2 * height else 0x12,  # sequential COM pins for 128x32
            SET_DISP_CLK_DIV,
            0x80,  # reset divide ratio and oscillator frequency
            SET_PRECHARGE,
            0x22 if external_vcc else 0xF1,
            SET_VCOM_DESEL,
            0x30,  # 0.83 x Vcc
            SET_CONTRAST,
            0xFF,  # maximum
            SET_ENTIRE_ON,  # output follows RAM contents
            SET_NORM_INV,  # not inverted
            SET_IREF_SELECT,
            0x30,  # internal IREF on while the display is on
            SET_CHARGE_PUMP,
            0x10 if external_vcc else 0x14,  # 0x14: internal charge pump on (3.3 V modules)
            SET_DISP | 0x01,  # display on
        )
    )


def wrap_hard(line: str, width: int = COLUMNS) -> "list[str]":
    """``line`` cut every ``width`` characters (an empty line stays one empty line)."""
    if not line:
        return [""]
    return [line[i : i + width] for i in range(0, len(line), width)]


class SSD1306_I2C:
    """The display at ``address`` on ``i2c`` (a machine.I2C: ``writeto``, ``writevto``)."""

    def __init__(
        self,
        i2c: "Any",
        width: int = 128,
        height: int = 64,
        address: int = 0x3C,
        external_vcc: bool = False,
    ) -> None:
        self.i2c = i2c
        self.address = address
        self.width = width
        self.height = height
        self.external_vcc = external_vcc
        self.pages = height // 8
        self.buffer = bytearray(self.pages * width)
        self.lines: "list[str]" = []  # the text shown by the last show_lines
        self.framebuf = None
        try:
            import framebuf

            self.framebuf = framebuf.FrameBuffer(self.buffer, width, height, framebuf.MONO_VLSB)
        except ImportError:  # CPython: pixel, fill and text below are enough
            pass
        self._cmd = bytearray(2)
        self.init_display()

    # --- bus ------------------------------------------------------------------------
    def write_cmd(self, cmd: int) -> None:
        self._cmd[0] = _CONTROL_COMMAND
        self._cmd[1] = cmd
        self.i2c.writeto(self.address, self._cmd)

    def write_data(self, buf: "bytes | bytearray") -> None:
        if hasattr(self.i2c, "writevto"):  # no copy of the 1 KiB buffer
            self.i2c.writevto(self.address, (_CONTROL_DATA, buf))
        else:
            self.i2c.writeto(self.address, _CONTROL_DATA + bytes(buf))

    # --- panel ----------------------------------------------------------------------
    def init_display(self) -> None:
        for cmd in init_sequence(self.width, self.height, self.external_vcc):
            self.write_cmd(cmd)
        self.fill(0)
        self.show()

    def poweroff(self) -> None:
        self.write_cmd(SET_DISP)

    def poweron(self) -> None:
        self.write_cmd(SET_DISP | 0x01)

    def contrast(self, contrast: int) -> None:
        self.write_cmd(SET_CONTRAST)
        self.write_cmd(contrast & 0xFF)

    def invert(self, invert: bool) -> None:
        self.write_cmd(SET_NORM_INV | (1 if invert else 0))

    def show(self) -> None:
        """Send the whole buffer to the panel."""
        x0 = 0
        x1 = self.width - 1
        if self.width != 128:  # narrow panels use the middle columns of the controller
            offset = (128 - self.width) // 2
            x0 += offset
            x1 += offset
        for cmd in (SET_COL_ADDR, x0, x1, SET_PAGE_ADDR, 0, self.pages - 1):
            self.write_cmd(cmd)
        self.write_data(self.buffer)

    # --- drawing --------------------------------------------------------------------
    def fill(self, color: int) -> None:
        value = 0xFF if color else 0x00
        for i in range(len(self.buffer)):
            self.buffer[i] = value

    def pixel(self, x: int, y: int, color: "int | None" = None) -> int:
        """Set the pixel at (x, y) when ``color`` is given; return its value (0 outside)."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            return 0
        index = (y >> 3) * self.width + x
        bit = 1 << (y & 7)
        if color is not None:
            if color:
                self.buffer[index] |= bit
            else:
                self.buffer[index] &= ~bit & 0xFF
        return 1 if self.buffer[index] & bit else 0

    def text(self, string: str, x: int, y: int, color: int = 1) -> None:
        """Draw ``string`` from (x, y), one 8×8 cell per character, clipped at the edges."""
        for char in string:
            self._glyph(char, x + 1, y, color)
            x += CELL_WIDTH

    def _glyph(self, char: str, x: int, y: int, color: int) -> None:
        columns = font5x7.glyph(char)
        if y & 7 == 0 and 0 <= y < self.height:  # on a page boundary: copy bytes
            base = (y >> 3) * self.width
            for i in range(font5x7.WIDTH):
                if 0 <= x + i < self.width:
                    if color:
                        self.buffer[base + x + i] |= columns[i]
                    else:
                        self.buffer[base + x + i] &= ~columns[i] & 0xFF
            return
        for i in range(font5x7.WIDTH):
            bits = columns[i]
            for row in range(font5x7.HEIGHT):
                if bits >> row & 1:
                    self.pixel(x + i, y + row, color)

    def show_lines(self, lines: "list[str]") -> None:
        """Show up to 8 lines of 16 characters: longer lines wrap, what does not fit is cut."""
        shown: "list[str]" = []
        for line in lines:
            shown.extend(wrap_hard(line, COLUMNS))
        shown = shown[:ROWS]
        self.fill(0)
        for row, line in enumerate(shown):
            self.text(line, 0, row * CELL_HEIGHT)
        self.lines = shown
        self.show()
