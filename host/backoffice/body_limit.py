"""The size cap on every request body, station API and web pages alike (HTTP 413).

``BodyLimit`` wraps the whole app as ASGI middleware. Each request's cap
comes from ``limit_for(path)`` (``LIMITS``, the one table of them; any other
path gets ``DEFAULT_LIMIT``). The body is never read past its cap: a request
whose ``Content-Length`` is over the cap is refused at the first read,
before a byte of it is taken from the connection, and a body sent without a
length (chunked) is refused as soon as the bytes read pass the cap. The
refusal is ``BodyTooLarge``, an HTTP exception with status 413 that the app's
own error handler answers (JSON for the API, an error page for the web), and
which FastAPI's form and JSON parsing pass on (a FastAPI ``HTTPException``) instead
of making it a 400.
A route that never reads its body (after a 401, say) never reads it at all;
a refusal that no handler answered is answered here, as JSON.
"""

from __future__ import annotations

import re

from fastapi import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from host.backoffice import messages
from host.backoffice.audit_ingest import MAX_UPLOAD

KIB = 1024
DEFAULT_LIMIT = 16 * KIB  # sign-in and other forms, bodies of routes that take none
HEARTBEAT_LIMIT = 4 * KIB  # STATION_STATUS as JSON: 17 numbers and their names
VISITS_FILE_LIMIT = 20 * KIB * KIB  # host.web.pages.MAX_UPLOAD, the visits CSV file
LIMITS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"/api/v1/stations/[^/]+/audit"), MAX_UPLOAD),
    (re.compile(r"/api/v1/stations/[^/]+/heartbeat"), HEARTBEAT_LIMIT),
    (re.compile(r"/web/visits"), VISITS_FILE_LIMIT + 64 * KIB),  # + the form around it
)


def limit_for(path: str) -> int:
    """The most bytes a request body to ``path`` may have."""
    for pattern, limit in LIMITS:
        if pattern.fullmatch(path):
            return limit
    return DEFAULT_LIMIT


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, messages.text("http.body_too_large", max=limit))
        self.limit = limit


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """ASGI middleware: refuses a body over ``limit_for(path)`` before reading past it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = _declared_length(scope)
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except Exception as exc:  # one no handler answered (wrapped in a task group, say)
            refused = _refusal(exc)
            if refused is None or started:
                raise
            answer = JSONResponse(
                {"error": "too_large", "message": refused.detail}, status_code=413
            )
            await answer(scope, receive, send)


def _refusal(exc: BaseException) -> BodyTooLarge | None:
    if isinstance(exc, BodyTooLarge):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        matched, rest = exc.split(BodyTooLarge)
        if matched is not None and rest is None:
            return _refusal(matched.exceptions[0])
    return None
