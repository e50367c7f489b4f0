"""The one error of the flashing tools; its text comes from the message catalogue."""

from __future__ import annotations

from host.flash import messages

# Exit statuses, as for the rest of ``synk`` (host/cli.py).
FAILED = 1
INVALID = 2
NOT_FOUND = 3


class FlashError(Exception):
    """A refused or failed step: ``key`` names the catalogue entry, ``text`` is its message."""

    def __init__(self, key: str, status: int = FAILED, **values: object) -> None:
        self.key = key
        self.status = status
        self.values = values
        self.text = messages.text(key, **values)
        super().__init__(self.text)
