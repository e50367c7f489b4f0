"""The four errors of the service layer; their text comes from the message catalogue."""

from __future__ import annotations

from host.backoffice import messages


class ServiceError(Exception):
    """A refused request. ``key`` names the catalogue entry, ``text`` is "svenska / English"."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        self.text = messages.text(key, **values)
        super().__init__(self.text)


class Forbidden(ServiceError):
    """The caller's role or unit does not allow this."""


class NotFound(ServiceError):
    """An id or name that does not exist."""


class Conflict(ServiceError):
    """A duplicate, or a change the object's current state does not allow."""


class Invalid(ServiceError):
    """A malformed value."""


class Unauthenticated(ServiceError):
    """No credential, or one that matches no station (HTTP 401)."""
