"""Board support for the synk sync station: drivers behind the small interface firmware/ uses.

firmware/ is handed one ``hw.board.Board`` and touches hardware only through it
(hw/README.md, "The interface firmware/ uses", has the details):

- ``board.key_port`` (hw.key_port.KeyPort): ``read(max_bytes) -> bytes`` (b"" when
  nothing came, never waits), ``write(buf) -> int``, ``flush()``, ``present() -> bool``,
  ``set_baud(rate)``.
- ``board.nfc`` (hw.nfc_reader.NfcKeyReader, or None): ``find_key() -> bool``,
  ``exchange(message) -> bytes`` (raises NfcError), ``release()``; on top of
  hw.pn532 (PN532Base with PN532_UART / PN532_I2C).
- ``board.keypad`` (hw.keypad.MatrixKeypad): ``read_key() -> str | None``, one of
  "0123456789*#", once per press.
- ``board.display`` (hw.display.TextDisplay over hw.ssd1306.SSD1306_I2C):
  ``show(swedish, english)``, ``lines``.
- ``board.indicator`` (hw.indicator.Indicator): ``ok()``, ``error()``, ``busy()``,
  ``off()``, ``state``.
- ``board.clock`` (hw.ds3231.DS3231): ``now() -> int`` (seconds since 1970, UTC),
  ``set(t)``, ``lost_power()``.
- ``board.storage``: firmware.storage.DirStorage on "/flash/synk".
- ``board.network`` (hw.network.Wifi, or None): ``connect(timeout_ms) -> bool``,
  ``isconnected()``; requests go through hw.http_client.request.

Pin maps: hw.pins_esp32s3 (ESP32-S3-DevKitC-1), hw.pins_pico2w (Pico 2 W);
hw.board_setup.make_board(pins, config) builds the real board on MicroPython.
Every module here also imports under CPython, for the tests and the emulator.
"""
