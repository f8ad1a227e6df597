"""``create_app(settings)`` → the ASGI application."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
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
from graphmill.api.render import error, from_exception, ok
from graphmill.api.routes import access, algorithms, auth, console, jobs, operations, workflows
from graphmill.config import Settings
from graphmill.errors import GraphmillError, PayloadTooLarge, TooManyRequests

log = logging.getLogger("graphmill.api")

Endpoint = Callable[[Request], Awaitable[Response]]
PREFIX = "/api-open/v1"
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


async def healthz(request: Request) -> Response:
    return ok({"status": "ok"})


async def metrics(request: Request) -> Response:
    body = request.app.state.service.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


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
    p = PREFIX
    return [
        Route(f"{p}/connect", auth.connect, methods=["POST"]),
        Route(f"{p}/workflows", _protected(workflows.create), methods=["POST"]),
        Route(f"{p}/workflows", _protected(workflows.list_all), methods=["GET"]),
        Route(f"{p}/workflows/{{workflow_id}}", _protected(workflows.detail), methods=["GET"]),
        Route(f"{p}/workflows/{{workflow_id}}", _protected(workflows.update), methods=["PUT"]),
        Route(f"{p}/workflows/{{workflow_id}}", _protected(workflows.delete), methods=["DELETE"]),
        Route(f"{p}/workflows/{{workflow_id}}/clone", _protected(workflows.clone), methods=["POST"]),
        Route(f"{p}/workflows/{{workflow_id}}/jobs", _protected(jobs.add), methods=["POST"]),
        Route(f"{p}/workflows/{{workflow_id}}/jobs", _protected(jobs.list_of_workflow), methods=["GET"]),
        Route(f"{p}/jobs", _protected(jobs.list_all), methods=["GET"]),
        Route(f"{p}/jobs/{{job_id}}", _protected(jobs.detail), methods=["GET"]),
        Route(f"{p}/jobs/{{job_id}}/cancel", _protected(jobs.cancel), methods=["PUT"]),
        Route(
            f"{p}/jobs/{{job_id}}/tasks/{{task_id}}/sample_result",
            _protected(jobs.sample_result),
            methods=["GET"],
        ),
        # graphmill's extensions
        Route(f"{p}/jobs/{{job_id}}/progress", _protected(operations.progress), methods=["GET"]),
        Route(f"{p}/jobs/{{job_id}}/events", _protected(operations.events), methods=["GET"]),
        Route(f"{p}/jobs/{{job_id}}/rerun", _protected(operations.rerun), methods=["POST"]),
        Route(f"{p}/jobs/{{job_id}}/webhook_deliveries", _protected(operations.deliveries), methods=["GET"]),
        Route(
            f"{p}/jobs/{{job_id}}/tasks/{{task_id}}/logs", _protected(operations.task_logs), methods=["GET"]
        ),
        Route(
            f"{p}/jobs/{{job_id}}/tasks/{{task_id}}/result", _protected(operations.result), methods=["GET"]
        ),
        Route(f"{p}/account", _protected(access.me), methods=["GET"]),
        Route(f"{p}/workflows/{{workflow_id}}/access", _protected(access.workflow_access), methods=["GET"]),
        Route(f"{p}/workflows/{{workflow_id}}/access", _protected(access.share_workflow), methods=["PUT"]),
        Route(f"{p}/jobs/{{job_id}}/access", _protected(access.job_access), methods=["GET"]),
        Route(f"{p}/algorithms", _protected(algorithms.catalogue), methods=["GET"]),
        Route(f"{p}/algorithms/{{task_type}}/estimate", _protected(algorithms.estimate), methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        *console.routes(p, _protected),  # the web console at / and the endpoints it reads
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


def create_app(settings: Settings, *, service: Any = None) -> Starlette:
    """The application; ``service`` may be injected (tests), else it is built from settings."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        svc = service
        if svc is None:
            from graphmill.service.factory import build_service

            svc = build_service(settings)
        app.state.service = svc
        await svc.start()
        try:
            yield
        finally:
            await svc.close()

    return Starlette(
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
