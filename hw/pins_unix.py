"""Pin map of the virtual board on the MicroPython unix port (emulator/vm_board.py): none.

The unix port has no GPIO, UART or I2C. A station image deployed to the
virtual board is the real image (compiled firmware/ and hw/, boot.py,
main.py, the signed configuration) and boots as on a board, but its parts
(key port, NFC reader, front panel, clock) are to reach the emulator through
byte channels (issue 11), which this board does not have yet. With no pins,
``firmware.startup.run_board`` says so on the console and stops after reading
the configuration.
"""

BOARD = "MicroPython unix port (virtual board)"

PINS: "dict[str, object]" = {}
