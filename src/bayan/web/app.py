"""The ASGI application: one Store, the JSON API under ``/api`` and the HTML dashboard at ``/``.

FastAPI gives typed endpoints and the OpenAPI document for free; the dashboard is
server-rendered Jinja2 so article text is always escaped by the template engine.
Every response carries a strict Content-Security-Policy, and every error is a small JSON
object (never a traceback), whatever raised it.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bayan.store.repository import Store

log = logging.getLogger("bayan.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_RAW_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware) adding the security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _RAW_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one error shape: ``{"error": {"status": int, "message": str}}``."""
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status,
                        headers={**SECURITY_HEADERS, **(headers or {})})


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = [str(x) for x in err.get("loc", ())]
        where = f"{loc[0]} parameter '{'.'.join(loc[1:])}'" if len(loc) > 1 else (loc[0] if loc else "request")
        parts.append(f"invalid {where}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    return error_response(exc.status_code, message, dict(exc.headers or {}))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, _validation_message(exc))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # the traceback goes to the server log only, never to the client
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal server error")


def create_app(
    db_url: str | None = None,
    *,
    store: Store | None = None,
    token: str | None = None,
    host: str = "127.0.0.1",
    max_upload: int | None = None,
) -> FastAPI:
    """Build the app over ``store`` (or a Store opened on ``db_url``).

    ``host`` is the address the server binds to: without a ``token`` writes are only
    accepted when it is loopback. Swagger/ReDoc pages are off (they load scripts from a
    CDN, which the CSP forbids); the OpenAPI document is at ``/openapi.json``.
    """
    from bayan.web import api

    app = FastAPI(title="Bayan", version="0.1", summary="Arabic diplomatic-meeting records",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.store = store or Store(db_url)
    app.state.token = token or None
    app.state.host = host
    app.state.max_upload = max_upload or api.MAX_UPLOAD_BYTES

    app.add_middleware(SecurityHeadersMiddleware)
    handlers: dict[Any, Any] = {
        StarletteHTTPException: _http_error,
        RequestValidationError: _validation_error,
        Exception: _unexpected_error,
    }
    for exc_class, handler in handlers.items():
        app.add_exception_handler(exc_class, handler)

    app.include_router(api.router, prefix="/api")
    if importlib.util.find_spec("bayan.web.views") is not None:
        from bayan.web import views

        app.include_router(views.router)
        setup = getattr(views, "setup", None)
        if callable(setup):  # e.g. mounting /static
            setup(app)
    return app
