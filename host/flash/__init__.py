"""Station images and flashing: ``synk flash provision|build|deploy`` (issue 7, "Flashing").

- ``provision``: the station is registered in the back office (service layer)
  and its signed configuration (station.json + station.sig) is written;
- ``image``: every file of firmware/ and hw/ a board runs, compiled with
  mpy-cross, plus the boot files and that configuration, with a manifest, and
  checked against the board's file system budget (``boards``);
- ``deploy``: the image copied onto the board with mpremote (``mpremote``),
  each file read back and compared by SHA-256, then the board reset.
"""
