"""main.py of a station board: MicroPython runs it after boot.py; it starts the station.

On the board this file sits at the file system's root, beside the compiled
firmware/ and hw/ packages (`synk flash build` lays it out). Everything it
does is in firmware.startup.run_board; see there for maintenance mode. The
heap's policy is set first, before the firmware's imports (firmware/heap.py).
"""

if __name__ == "__main__":
    from firmware import heap

    heap.collect_early()
    from firmware import startup

    startup.run_board()
