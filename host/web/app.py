"""The web app: sign-in, CSRF, security headers, error pages, and the follow-up pages.

``create_web_app(office)`` is mounted by ``host.backoffice.api.create_app``
at ``/web``, in the same process as the station API. A browser signs in with
a back-office user name and password (``host.backoffice.sign_in``) and gets
the session cookie ``synk_session`` (HttpOnly, SameSite=Lax, Secure whenever
the client is on https: the back office's own TLS, or a reverse proxy trusted
by ``synk backoffice serve --proxy`` saying so; ``host.backoffice.server``).
Every POST carries the session's CSRF token in a form field and, when the
browser sends one, an ``Origin`` of this site; the sign-in form, which comes
before any session, uses a double-submit cookie.
A page or export that needs a session answers a request without one with a
redirect to the sign-in page; one the role may not see answers 403.

The pages speak one language setting, ``create_web_app(office, language)``:
``sv`` (the default), ``en`` or ``both`` (``synk backoffice serve --language``).
Each request is made in it (``host.web.text.speaking``): every text, table
header, chart label, error and the ``<html lang>``. CSV exports do not follow
it; they have their dialects.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from host.backoffice import messages
from host.backoffice.body_limit import BodyTooLarge
from host.backoffice.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
)
from host.backoffice.followup.service import FollowUp
from host.backoffice.service import BackOffice
from host.backoffice.sign_in import MAX_AGE_S, SignIn, WebIdentity
from host.web import text

HERE = Path(__file__).parent
SESSION_COOKIE = "synk_session"
LOGIN_COOKIE = "synk_login"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
_STATUS: dict[type[ServiceError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 400,
}


class SignInNeeded(Exception):
    """The request has no valid session: the browser is sent to the sign-in page."""


class Web:
    """What the routes share: the services, the templates, the language, the paths."""

    def __init__(self, office: BackOffice, language: str = messages.DEFAULT_LANGUAGE) -> None:
        self.office = office
        self.language = text.checked_language(language)
        self.followup = FollowUp(office)
        self.sign_in = SignIn(office.site, office.clock)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals.update(
            t=text.label,
            plain=text.plain,
            optional=text.optional,
            percent=text.percent,
            plain_time=text.time,
            minutes=text.minutes,
        )

    @staticmethod
    def base(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def render(
        self,
        request: Request,
        template: str,
        identity: WebIdentity | None,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        page = self.templates.get_template(template).render(
            lang=text.html_lang(),
            base=self.base(request),
            identity=identity,
            pages=FollowUp.pages(identity.actor) if identity else [],
            query=request.url.query,
            **context,
        )
        return HTMLResponse(page, status_code=status)

    def identity(self, request: Request) -> WebIdentity:
        found = self.sign_in.identify(request.cookies.get(SESSION_COOKIE))
        if found is None:
            raise SignInNeeded
        return found

    def check_post(self, request: Request, expected: str, given: str) -> None:
        """Refuse a POST from another site: wrong CSRF token, or a foreign ``Origin``."""
        origin = request.headers.get("origin")
        if origin is not None:
            own = f"{request.url.scheme}://{request.url.netloc}"
            if origin != own:
                raise Forbidden("web.csrf")
        if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
            raise Forbidden("web.csrf")


class _Language:
    """ASGI middleware: every request is answered in the pages' language (``text.speaking``),
    its error pages too."""

    def __init__(self, app: ASGIApp, language: str) -> None:
        self.app = app
        self.language = language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with text.speaking(self.language):
            await self.app(scope, receive, send)


class _SecurityHeaders:
    """ASGI middleware: the security headers on every answer, no-store on all but static files.

    Plain ASGI (not ``@app.middleware``), so that an error raised while a body
    is read (``host.backoffice.body_limit``) reaches the handlers unwrapped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = str(scope.get("root_path", "")).rstrip("/")  # (routing rewrites it later)
        static = str(scope.get("path", "")).startswith(f"{base}/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def _safe_next(base: str, target: str | None) -> str:
    """Where to go after signing in: a path of this app only, never another site."""
    home = f"{base}/"
    if not target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(home) or "\\" in target:
        return home
    return target


def create_web_app(office: BackOffice, language: str = messages.DEFAULT_LANGUAGE) -> FastAPI:
    from host.web import (  # the routes need Web; imported here to keep one direction
        access_pages,
        pages,
    )

    web = Web(office, language)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.add_middleware(_Language, language=web.language)
    app.add_middleware(_SecurityHeaders)

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, _exc: SignInNeeded) -> Response:
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = f"{web.base(request)}/login?next={quote(wanted, safe='')}"
        return RedirectResponse(target, status_code=303)

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        try:
            identity = web.sign_in.identify(request.cookies.get(SESSION_COOKIE))
        except Exception:
            identity = None
        return web.render(request, "error.html", identity, status, code=status, message=message)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        return error_page(request, _STATUS.get(type(exc), 400), text.plain(exc.key, **exc.values))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = text.plain("http.not_found")
        elif isinstance(exc, BodyTooLarge):
            message = text.plain("http.body_too_large", max=exc.limit)
        else:
            message = str(exc.detail)
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return error_page(request, 400, text.plain("http.invalid_request", detail=detail))

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str | None = None) -> Response:
        token = secrets.token_urlsafe(24)
        response = web.render(
            request, "login.html", None, login_csrf=token, next=_safe_next(web.base(request), next)
        )
        _set_cookie(request, response, LOGIN_COOKIE, token, 15 * 60, web.base(request))
        return response

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "",
    ) -> Response:
        base = web.base(request)
        web.check_post(request, request.cookies.get(LOGIN_COOKIE, ""), csrf)
        try:
            client = request.client.host if request.client else ""
            token, _identity = web.sign_in.sign_in(username, password, client)
        except (Unauthenticated, Forbidden) as err:
            fresh = secrets.token_urlsafe(24)
            response = web.render(
                request,
                "login.html",
                None,
                401 if isinstance(err, Unauthenticated) else 429,
                login_csrf=fresh,
                next=_safe_next(base, next),
                error=text.plain(err.key, **err.values),
                username=username,
            )
            _set_cookie(request, response, LOGIN_COOKIE, fresh, 15 * 60, base)
            return response
        redirect = RedirectResponse(_safe_next(base, next), status_code=303)
        _set_cookie(request, redirect, SESSION_COOKIE, token, MAX_AGE_S, base)
        redirect.delete_cookie(LOGIN_COOKIE, path=f"{base}/")
        return redirect

    @app.post("/logout")
    def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        identity = web.identity(request)
        web.check_post(request, identity.csrf, csrf)
        web.sign_in.sign_out(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"{web.base(request)}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=f"{web.base(request)}/")
        return response

    app.include_router(pages.router)
    app.include_router(access_pages.router)
    return app


def _set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int, base: str
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=f"{base}/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
