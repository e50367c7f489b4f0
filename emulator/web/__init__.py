"""The training page: the emulated site in the browser (issue 12).

``emulator.web.server.TrainerWeb`` serves, on loopback, a page showing one
station as it looks (the SSD1306 picture the firmware's display driver wrote,
the LEDs and buzzer, a clickable keypad, the contact slot and the NFC pad)
and the world around it (the unit's staff with their keys, the customers'
doors, the network switch, the clock), with guided lessons
(``emulator.web.lessons``). Everything a trainee does goes through the same
``EmulatedSite`` and ``TrainingConsole`` actions as the text console
(``emulator.web.world``); every word comes from emulator/messages.py.
"""
