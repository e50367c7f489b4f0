"""What can stop a ``synk diag`` command, each with a message a technician can act on.

Every error carries a catalogue key (host/diag/messages.py), so the words are
Swedish and English, and an exit status, so scripts can tell the cases apart:

== =====================================================================
0  done
1  the device answered with an error, or a self-test check failed
2  usage or invalid input (bad time, unreadable file, export check)
3  the port does not exist
4  the port is busy, or no permission to open it
5  refused: a service token is missing or the station refused it
6  nothing answers, or the connection was lost
7  protocol version mismatch: update needed
== =====================================================================
"""

from __future__ import annotations

from host.diag.messages import text

EXIT_DEVICE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_BUSY = 4
EXIT_REFUSED = 5
EXIT_NO_ANSWER = 6
EXIT_VERSION = 7


class DiagError(Exception):
    """A failure with catalogue words (``text``) and an exit status."""

    exit_status = EXIT_DEVICE

    def __init__(self, key: str, exit_status: int | None = None, /, **values: object) -> None:
        self.key = key
        self.values = values
        if exit_status is not None:
            self.exit_status = exit_status
        self.text = text(key, **values)
        super().__init__(self.text)


class PortError(DiagError):
    """The port could not be opened or was lost."""


class NoAnswer(DiagError):
    """Every try of a request timed out."""

    exit_status = EXIT_NO_ANSWER


class VersionMismatch(DiagError):
    """The device speaks another protocol version (SPEC.md 3, UNSUPPORTED_VERSION)."""

    exit_status = EXIT_VERSION

    def __init__(self, key: str, ours: int, theirs: int) -> None:
        super().__init__(key, ours=ours, theirs=theirs)
        self.ours = ours
        self.theirs = theirs


class DeviceRefused(DiagError):
    """The device answered a request with a status other than OK."""

    def __init__(
        self,
        key: str,
        status: int,
        detail: int,
        exit_status: int | None = None,
        /,
        **values: object,
    ) -> None:
        super().__init__(key, exit_status, **values)
        self.status = status
        self.detail = detail
