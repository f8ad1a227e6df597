"""``create_app(settings)`` → the ASGI application."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphmill.api.guards import BodyLimit, OriginCheck
from graphmill.api.inputs import path_id, token_of
from graphmill.api.openapi import build_document
from graphmill.api.operation import PREFIX, Endpoint
from graphmill.api.responses import dumps, error, from_exception
from graphmill.api.table import OPERATIONS
from graphmill.config import Settings
from graphmill.errors import GraphmillError, PayloadTooLarge, TooManyRequests

log = logging.getLogger("graphmill.api")

#: A login body is two small fields: anything bigger is refused before credentials are checked.
CONNECT_MAX_BODY_BYTES = 64 << 10


#: Requests that only read (or run) what they name; every other state change needs ownership.
_READ_SUFFIXES = ("/jobs", "/clone", "/rerun")


def _protected(endpoint: Endpoint) -> Endpoint:
    """Check the explorer_token, the account behind it and its right to what the path names,
    before anything else the endpoint does."""

    async def guarded(request: Request) -> Response:
        service = request.app.state.service
        principal = service.authenticate(token_of(request))
        request.state.principal = principal
        action = "read" if request.method == "GET" or request.url.path.endswith(_READ_SUFFIXES) else "manage"
        workflow_id = path_id(request, "workflow_id")
        if workflow_id is not None:
            service.access.check_workflow(principal, workflow_id, action)
        job_id = path_id(request, "job_id")
        if job_id is not None:
            service.access.check_job(principal, job_id, action)
        return await endpoint(request)

    guarded.__name__ = endpoint.__name__
    return guarded


class _Timing:
    """ASGI middleware: HTTP latency per method, route template and code, into /metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        code = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal code
            if message["type"] == "http.response.start":
                code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            service = getattr(scope["app"].state, "service", None) if "app" in scope else None
            if service is not None:
                service.metrics.http_latency.labels(scope["method"], template, str(code)).observe(
                    time.perf_counter() - started
                )


def _routes() -> list[Route]:
    """One Starlette route per entry of the route table (which the OpenAPI document describes)."""
    return [
        Route(op.full_path, _protected(op.endpoint) if op.protected else op.endpoint, methods=[op.method])
        for op in OPERATIONS
    ]


async def _graphmill_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GraphmillError)
    response = from_exception(exc)
    if isinstance(exc, TooManyRequests):
        response.headers["retry-after"] = str(exc.retry_after_s)
    elif isinstance(exc, PayloadTooLarge):
        # The rest of the body is not read: the connection cannot carry another request.
        response.headers["connection"] = "close"
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error(40404000, f"no endpoint {request.method} {request.url.path}")
    if exc.status_code == 405:
        return error(40004000, f"method {request.method} is not allowed on {request.url.path}")
    return error(40004000, str(exc.detail))


async def _client_gone(request: Request, exc: Exception) -> Response:
    # The client hung up mid-body: nobody reads this answer, and it is not our error.
    return error(40004000, "the client disconnected before the request body was complete")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error(50004000, f"internal error: {type(exc).__name__}")


def _middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: timing, CORS (only when configured), the Origin check, the body cap."""
    stack = [Middleware(_Timing)]
    if settings.cors_allow_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_allow_origins,
                allow_credentials=True,
                allow_methods=["GET", "POST", "PUT", "DELETE"],
                allow_headers=["content-type", "authorization", "explorer_token", "idempotency-key"],
            )
        )
    stack.append(Middleware(OriginCheck, allowed_origins=settings.cors_allow_origins))
    stack.append(
        Middleware(
            BodyLimit,
            max_bytes=settings.max_body_bytes,
            small_paths=[f"{PREFIX}/connect"],
            small_bytes=min(CONNECT_MAX_BODY_BYTES, settings.max_body_bytes),
        )
    )
    return stack


def create_app(settings: Settings, *, service: Any = None, start_workers: bool = False) -> Starlette:
    """The application; ``service`` may be injected (tests), else it is built from settings.

    ``start_workers`` (``graphmill serve``): fork the warm worker processes at start, so the
    first job finds one warm.  Without it (in-process test apps, most of which never run a
    task) the first task starts them.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        svc = service
        if svc is None:
            from graphmill.service.factory import build_service

            svc = build_service(settings)
        app.state.service = svc
        await svc.start(start_workers=start_workers)
        try:
            yield
        finally:
            await svc.close()

    app = Starlette(
        routes=_routes(),
        lifespan=lifespan,
        middleware=_middleware(settings),
        exception_handlers={
            GraphmillError: _graphmill_error,
            HTTPException: _http_error,
            ClientDisconnect: _client_gone,
            Exception: _unexpected,
        },
    )
    app.state.openapi_bytes = dumps(build_document())
    return app
