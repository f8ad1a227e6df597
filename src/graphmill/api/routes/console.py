"""The web console: its static files at ``/`` and the extension endpoints it reads.

The endpoints are extensions under the API prefix (same envelope and token); none changes a
documented Explorer response.  ``routes(prefix, protect)`` is the one hook ``app.py`` calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

from graphmill import wire
from graphmill.api.inputs import TOKEN_NAME, path_int, query_int
from graphmill.api.render import error, ok
from graphmill.errors import GraphmillError, ParamError
from graphmill.scheduler.events import JobEvent
from graphmill.service.core import Service
from graphmill.service.explore import MAX_NEIGHBOURHOOD_EDGES, neighbourhood, space_view
from graphmill.service.result_views import column_summary, rows_of_vertices, sorted_slice

Endpoint = Callable[[Request], Awaitable[Response]]
HEARTBEAT_S = 15.0
MAX_LOOKUP_VIDS = 5000
_STATIC = Path(str(resources.files("graphmill.web") / "static"))
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html"}


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def logout(request: Request) -> Response:
    """Forget the session cookie (it is HttpOnly, so the page cannot drop it itself)."""
    return ok({"success": True}, headers={"set-cookie": f"{TOKEN_NAME}=; Path=/; Max-Age=0; HttpOnly"})


# -- workflow versions -------------------------------------------------------------------------------
async def versions(request: Request) -> Response:
    service = _service(request)
    wid = path_int(request, "workflow_id", "workflow id")
    current = service.get_workflow(wid)
    items = [
        {"version": v, "name": name, "createTime": at, "current": v == current.version}
        for v, name, at in service.store.workflow_versions(wid)
    ]
    return ok({"items": items, "total": len(items)})


def _saved_version(request: Request) -> tuple[int, int, str, dict[str, Any]]:
    """(workflow id, version, name, schema) named by the path; the workflow must still exist."""
    service = _service(request)
    wid = path_int(request, "workflow_id", "workflow id")
    version = path_int(request, "version", "version")
    service.get_workflow(wid)
    name, schema = service.store.get_workflow_version(wid, version)
    return wid, version, name, dict(schema)


async def version_detail(request: Request) -> Response:
    wid, version, name, schema = _saved_version(request)
    return ok({"id": wid, "version": version, "name": name, "schema": schema})


async def restore(request: Request) -> Response:
    """Save an old version's name and schema as the newest version (history is never rewritten)."""
    wid, _, name, schema = _saved_version(request)
    wf, problems = _service(request).update_workflow(wid, name, schema)
    detail = wire.workflow_detail(wf)
    return ok(
        {**detail, "valid": not problems, "problems": [p.as_json() for p in problems], "version": wf.version}
    )


async def job_schema(request: Request) -> Response:
    """What a job runs: its workflow version, the schema with its input applied, and the input."""
    job = _service(request).get_job(path_int(request, "job_id", "job id"))
    return ok(
        {
            "id": job.id,
            "workflowId": str(job.workflow_id),
            "workflowVersion": job.workflow_version,
            "schema": job.schema,
            "input": job.input,
            "rerunOf": job.rerun_of,
            "taskIds": {t.id: t.schema_task_id for t in job.tasks},
        }
    )


# -- results ------------------------------------------------------------------------------------------
async def result_sorted(request: Request) -> Response:
    """A page of a task's result ordered by one column (``/result`` pages in file order)."""
    job_id = path_int(request, "job_id", "job id")
    task, manifest = _service(request).result_of(job_id, request.path_params["task_id"])
    column = request.query_params.get("sort") or manifest["columns"][0]
    descending = request.query_params.get("order", "asc") == "desc"
    offset = query_int(request, "offset", 0, minimum=0, maximum=2**62)
    limit = query_int(request, "limit", 100, minimum=1, maximum=10000)
    items = await asyncio.to_thread(sorted_slice, Path(task.result_dir), column, descending, offset, limit)
    return ok(
        {
            "columns": manifest["columns"],
            "types": manifest.get("types", []),
            "total": int(manifest["rows"]),
            "offset": offset,
            "limit": limit,
            "sort": column,
            "order": "desc" if descending else "asc",
            "items": items,
        }
    )


async def result_summary(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    task, manifest = _service(request).result_of(job_id, request.path_params["task_id"])
    columns = manifest["columns"]
    column = request.query_params.get("column") or columns[-1]
    kind = request.query_params.get("kind", "score")
    top_k = query_int(request, "top", 20, minimum=1, maximum=200)
    data = await asyncio.to_thread(column_summary, Path(task.result_dir), column, kind, top_k)
    return ok(data)


async def result_rows(request: Request) -> Response:
    """The result rows of some vertices (the graph view colours the vertices it shows)."""
    job_id = path_int(request, "job_id", "job id")
    task, manifest = _service(request).result_of(job_id, request.path_params["task_id"])
    vids = _csv_param(request, "vids")
    if not vids or len(vids) > MAX_LOOKUP_VIDS:
        raise ParamError(f"vids: name between 1 and {MAX_LOOKUP_VIDS} vertex ids")
    items = await asyncio.to_thread(rows_of_vertices, Path(task.result_dir), vids)
    return ok({"columns": manifest["columns"], "items": items})


# -- graph store ---------------------------------------------------------------------------------------
async def spaces(request: Request) -> Response:
    items = [space_view(info) for info in _service(request).graphstore.list_spaces()]
    return ok({"items": items, "total": len(items)})


async def space_detail(request: Request) -> Response:
    return ok(space_view(_service(request).graphstore.get_space(request.path_params["space"])))


def _csv_param(request: Request, name: str) -> list[str]:
    return [part for part in request.query_params.get(name, "").split(",") if part]


async def space_neighbourhood(request: Request) -> Response:
    limit = query_int(request, "limit", 500, minimum=1, maximum=MAX_NEIGHBOURHOOD_EDGES)
    store = _service(request).graphstore
    data = await asyncio.to_thread(
        neighbourhood,
        store,
        request.path_params["space"],
        _csv_param(request, "vids"),
        _csv_param(request, "edges"),
        limit,
    )
    return ok(data)


# -- a job-list event stream ------------------------------------------------------------------------------
class _JobFeed:
    """Fans every job status change out to the console's job lists (one listener on the hub)."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[dict[str, Any]]] = set()

    def __call__(self, event: JobEvent) -> None:
        if event.kind != "job":
            return
        data = {"jobId": event.job_id, **event.data}
        for queue in self.queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(data)


def _feed(service: Service) -> _JobFeed:
    feed = getattr(service, "_console_job_feed", None)
    if feed is None:
        feed = _JobFeed()
        service.runner.hub.listen(feed)
        service._console_job_feed = feed  # type: ignore[attr-defined]
    return feed


def _may_read(service: Service, principal: Any, job_id: int) -> bool:
    try:
        service.access.check_job(principal, job_id, "read")
    except GraphmillError:
        return False
    return True


async def job_feed(request: Request) -> Response:
    """Server-Sent Events: a ``job`` event (jobId, status) whenever a job this account may see changes status."""
    service = _service(request)
    principal = request.state.principal
    feed = _feed(service)
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(1000)
    feed.queues.add(queue)

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 2000\n\n"
            while True:
                try:
                    data = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if _may_read(service, principal, data["jobId"]):
                    yield f"event: job\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()
        finally:
            feed.queues.discard(queue)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


# -- static files -------------------------------------------------------------------------------------------
def _static_file(request: Request, relative: str) -> Response:
    path = (_STATIC / relative).resolve()
    if not path.is_relative_to(_STATIC.resolve()) or not path.is_file():
        return error(40404000, f"no console file {relative}")
    headers = {
        "cache-control": "no-cache" if relative == "index.html" else "public, max-age=31536000, immutable"
    }
    gz = path.with_name(path.name + ".gz")
    media = _TYPES.get(path.suffix)
    if gz.is_file() and "gzip" in request.headers.get("accept-encoding", ""):
        headers |= {"content-encoding": "gzip", "vary": "accept-encoding"}
        return FileResponse(gz, media_type=media, headers=headers)
    return FileResponse(path, media_type=media, headers=headers)


async def index(request: Request) -> Response:
    return _static_file(request, "index.html")


async def asset(request: Request) -> Response:
    return _static_file(request, "assets/" + request.path_params["path"])


def routes(prefix: str, protect: Callable[[Endpoint], Endpoint]) -> list[Route]:
    p = prefix
    return [
        Route(f"{p}/logout", logout, methods=["POST"]),
        Route(f"{p}/workflows/{{workflow_id}}/versions", protect(versions), methods=["GET"]),
        Route(
            f"{p}/workflows/{{workflow_id}}/versions/{{version}}", protect(version_detail), methods=["GET"]
        ),
        Route(
            f"{p}/workflows/{{workflow_id}}/versions/{{version}}/restore", protect(restore), methods=["POST"]
        ),
        Route(f"{p}/jobs/{{job_id}}/schema", protect(job_schema), methods=["GET"]),
        Route(
            f"{p}/jobs/{{job_id}}/tasks/{{task_id}}/result_sorted", protect(result_sorted), methods=["GET"]
        ),
        Route(
            f"{p}/jobs/{{job_id}}/tasks/{{task_id}}/result_summary", protect(result_summary), methods=["GET"]
        ),
        Route(f"{p}/jobs/{{job_id}}/tasks/{{task_id}}/result_rows", protect(result_rows), methods=["GET"]),
        Route(f"{p}/spaces", protect(spaces), methods=["GET"]),
        Route(f"{p}/spaces/{{space}}", protect(space_detail), methods=["GET"]),
        Route(f"{p}/spaces/{{space}}/neighbourhood", protect(space_neighbourhood), methods=["GET"]),
        Route(f"{p}/job_events", protect(job_feed), methods=["GET"]),
        Route("/", index, methods=["GET"]),
        Route("/assets/{path:path}", asset, methods=["GET"]),
    ]
