"""The station HTTP API (SPEC.md section 9), a FastAPI app with a published OpenAPI document.

Paths:

* ``GET /api/v1/stations/{id}/bundle``: the bundle (8.4), ``ETag: "<serial>"``;
  304 when ``If-None-Match`` names the current serial;
* ``POST /api/v1/stations/{id}/audit``: an upload batch (9.1); the JSON
  acknowledgement comes only after the commit;
* ``POST /api/v1/stations/{id}/heartbeat``: JSON status; answers ``{"time": …}``;
* ``GET /api/v1/time``: ``{"time": …}``, the back office's clock.

The follow-up web pages (``host.web``) are mounted at ``/web`` in the same
app, outside the OpenAPI document; ``/`` redirects there.

Every request is authenticated as a station with ``Authorization: Bearer
<credential>``; the back office keeps only the credential's SHA-256. The
credential and the path's station are checked before any body is read: no or
an unknown credential gets 401, a valid credential used for another station's
path 403, whatever the request carries. No body is read past its cap
(``host.backoffice.body_limit``: 64 KiB for an upload, 4 KiB for a
heartbeat): a bigger one gets 413 with the error ``too_large``. Errors always have the JSON body
``{"error": <kind>, "message": "svenska / English"}``. The OpenAPI document
is at ``/openapi.json``.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from host.backoffice import messages
from host.backoffice.audit_ingest import MAX_UPLOAD
from host.backoffice.body_limit import HEARTBEAT_LIMIT, BodyLimit
from host.backoffice.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
)
from host.backoffice.roles import Actor
from host.backoffice.service import BackOffice
from host.backoffice.site import Clock, Site, system_clock

U32 = 0xFFFFFFFF
BINARY = {"schema": {"type": "string", "format": "binary"}}

StationId = Annotated[int, Path(ge=1, le=U32, description="The station's id")]
U32Field = Field(default=None, ge=0, le=U32)


class ErrorBody(BaseModel):
    error: str = Field(
        description="unauthorized, forbidden, not_found, conflict, invalid or too_large"
    )
    message: str = Field(description="svenska / English")


class TimeBody(BaseModel):
    time: int = Field(description="Back-office time, u32 seconds since 1970 UTC")


class AckBody(BaseModel):
    acked_through: int = Field(description="Outbox index through which records may be removed")
    stored: int
    duplicates: int
    rejected: int = Field(description="Records refused and recorded as anomalies")


class StationStatus(BaseModel):
    """What the station reports (the fields of STATION_STATUS, SPEC.md section 7)."""

    model_config = ConfigDict(extra="ignore")
    station_id: int | None = U32Field
    unit_id: int | None = U32Field
    firmware: int | None = U32Field
    online: int | None = U32Field
    last_error: int | None = U32Field
    clock: int | None = U32Field
    bundle_serial: int | None = U32Field
    bundle_issued: int | None = U32Field
    offline_until: int | None = U32Field
    outbox_records: int | None = U32Field
    outbox_bytes: int | None = U32Field
    flash_free: int | None = U32Field
    last_upload: int | None = U32Field
    uptime_s: int | None = U32Field
    crc_errors: int | None = U32Field
    key_present: int | None = U32Field
    flags: int | None = U32Field


STATUS_SCHEMA = StationStatus.model_json_schema()

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request"},
    401: {"model": ErrorBody, "description": "No or unknown station credential"},
    403: {"model": ErrorBody, "description": "The credential of another station"},
    404: {"model": ErrorBody, "description": "No such station"},
}

_STATUS = {
    Unauthenticated: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    Invalid: (400, "invalid"),
}


def _error(status: int, kind: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": kind, "message": message}, status_code=status, headers=headers)


def _matches(if_none_match: str | None, serial: int) -> bool:
    """Whether an If-None-Match header names this serial's ETag (weak comparison)."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or f'"{serial}"' in tags


def create_app(
    site: Site, clock: Clock = system_clock, language: str = messages.DEFAULT_LANGUAGE
) -> FastAPI:
    """The API of one site, its web pages in ``language`` (``messages.LANGUAGES``). Refuses to
    start when the authority key cannot be used."""
    office = BackOffice(site, clock)
    office.check_authority()
    app = FastAPI(
        title="synk back office: station API",
        version="1",
        description=__doc__,
        docs_url=None,
        redoc_url=None,
    )
    app.state.backoffice = office
    app.add_middleware(BodyLimit)  # every body, the web pages' too: capped before it is read
    bearer = HTTPBearer(auto_error=False, description="The station's credential")

    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        status, kind = _STATUS.get(type(exc), (400, "invalid"))
        if exc.key == "upload.too_large":
            status = 413
        return _error(status, kind, exc.text)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error(400, "invalid", messages.text("http.invalid_request", detail=detail))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _error(404, "not_found", messages.text("http.not_found"))
        if exc.status_code == 413:
            return _error(413, "too_large", str(exc.detail))
        return _error(exc.status_code, "http", str(exc.detail))

    def station(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Actor:
        return office.authenticate_station(credentials.credentials if credentials else None)

    StationActor = Annotated[Actor, Depends(station)]

    def own_station(station_id: StationId, actor: StationActor) -> Actor:
        # A dependency, so that another station's credential gets 403 before any body check.
        office.check_station(actor, station_id)
        return actor

    OwnStation = Annotated[Actor, Depends(own_station)]

    from host.web.app import create_web_app  # jinja2 and the templates: only with the app

    app.mount("/web", create_web_app(office, language))

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/web/", status_code=303)

    @app.get("/api/v1/time", response_model=TimeBody, responses=ERROR_RESPONSES)
    def get_time(actor: StationActor) -> TimeBody:
        """The back office's clock, for a station to compare with its own."""
        return TimeBody(time=office.station_time(actor))

    @app.get(
        "/api/v1/stations/{station_id}/bundle",
        response_class=Response,
        responses={
            **ERROR_RESPONSES,
            200: {"content": {"application/octet-stream": BINARY}, "description": "Bundle (8.4)"},
            304: {"description": "The station already has this serial"},
        },
    )
    def get_bundle(
        station_id: StationId,
        actor: OwnStation,
        if_none_match: Annotated[str | None, Header(description='"<serial>"')] = None,
    ) -> Response:
        """The station's current bundle; 304 when ``If-None-Match`` names its serial."""
        bundle = office.station_bundle(actor, station_id)
        office.bundle_delivered(actor, station_id, bundle.serial)
        headers = {"ETag": f'"{bundle.serial}"', "Cache-Control": "no-cache"}
        if _matches(if_none_match, bundle.serial):
            return Response(status_code=304, headers=headers)
        return Response(bundle.data, media_type="application/octet-stream", headers=headers)

    @app.post(
        "/api/v1/stations/{station_id}/audit",
        response_model=AckBody,
        responses={**ERROR_RESPONSES, 413: {"model": ErrorBody, "description": "Over 64 KiB"}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "Upload batch (SPEC.md 9.1)",
                "content": {"application/octet-stream": BINARY},
            }
        },
    )
    async def post_audit(station_id: StationId, actor: OwnStation, request: Request) -> AckBody:
        """Store an upload batch; the acknowledgement is sent only after the commit."""
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPLOAD:
                raise Invalid("upload.too_large", size=f">{MAX_UPLOAD}", max=MAX_UPLOAD)
        ack = await run_in_threadpool(office.ingest_upload, actor, station_id, bytes(body))
        return AckBody(**ack.as_json())

    @app.post(
        "/api/v1/stations/{station_id}/heartbeat",
        response_model=TimeBody,
        responses={
            **ERROR_RESPONSES,
            413: {"model": ErrorBody, "description": f"Over {HEARTBEAT_LIMIT} bytes"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "The station's status (STATION_STATUS fields, SPEC.md section 7)",
                "content": {"application/json": {"schema": STATUS_SCHEMA}},
            }
        },
    )
    async def post_heartbeat(
        station_id: StationId, actor: OwnStation, request: Request
    ) -> TimeBody:
        """Record the station's status and that it was seen; answers the time.

        The body is read here, after the credential and the station were
        checked, so that a request without them gets 401/403 whatever it carries.
        """
        body = await request.body()
        try:
            status = StationStatus.model_validate_json(body)
        except ValidationError as err:
            raise RequestValidationError(err.errors(include_url=False)) from None
        reported = status.model_dump(exclude_none=True)
        if reported.get("station_id", station_id) != station_id:
            raise Invalid("upload.other_station", batch=reported["station_id"], station=station_id)
        return TimeBody(time=await run_in_threadpool(office.heartbeat, actor, station_id, reported))

    return app
