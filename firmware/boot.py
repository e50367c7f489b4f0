"""boot.py of a station board: MicroPython runs it first, before main.py.

It only makes the station's storage folder exist, so that a station flashed
for the first time (or after a factory reset that removed the folder) finds
where its configuration and cache live. Hardware set-up waits for main.py.
"""

import os

if __name__ == "__main__":
    for folder in ("/flash", "/flash/synk"):
        try:
            os.mkdir(folder)
        except OSError:
            pass  # there already
