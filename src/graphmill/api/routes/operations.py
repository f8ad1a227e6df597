"""graphmill's extensions for operating jobs: progress, logs, rerun, full results, events.

They live beside the documented endpoints and never change those responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from graphmill import views
from graphmill.api.inputs import job_input, json_body, path_int, query_int, strict_flag
from graphmill.api.responses import ok
from graphmill.api.schemas import RerunBody, parse_body
from graphmill.errors import ParamError
from graphmill.models import Status
from graphmill.scheduler.events import JobEvent
from graphmill.service.core import Service
from graphmill.service.results import read_slice, stream_csv, stream_file

MAX_RESULT_LIMIT = 10000
MAX_LOG_LIMIT = 10000
HEARTBEAT_S = 15.0


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def progress(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    return ok(await run_in_threadpool(_service(request).job_progress, job_id))


async def task_logs(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    offset = query_int(request, "offset", 0, minimum=0, maximum=2**62)
    limit = query_int(request, "limit", 100, minimum=1, maximum=MAX_LOG_LIMIT)
    lines = _service(request).task_logs(job_id, request.path_params["task_id"], offset, limit)
    return ok(views.task_logs(lines, offset))


async def rerun(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    body: RerunBody = parse_body(RerunBody, await json_body(request, required=False))
    service = _service(request)
    new_id = await run_in_threadpool(
        service.rerun_job,
        job_id,
        job_input(body.input),
        bool(body.fromFailure),
        strict=strict_flag(body.strict, default=service.settings.strict_submit),
        owner=request.state.principal.user,
    )
    return ok(views.created(new_id))


async def result(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "csv", "parquet"):
        raise ParamError(f"format must be json, csv or parquet, not {fmt!r}")
    task, manifest = _service(request).result_of(job_id, request.path_params["task_id"])
    folder = Path(task.result_dir)
    columns: list[str] = list(manifest["columns"])
    rows = int(manifest["rows"])
    if fmt == "csv":
        header = request.query_params.get("header", "true").lower() not in ("false", "0", "no")
        return StreamingResponse(
            stream_csv(folder, columns, header=header),
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": f'attachment; filename="{task.id}.csv"',
                "x-total-rows": str(rows),
            },
        )
    if fmt == "parquet":
        path = folder / "result.parquet"
        return StreamingResponse(
            stream_file(path),
            media_type="application/vnd.apache.parquet",
            headers={
                "content-disposition": f'attachment; filename="{task.id}.parquet"',
                "content-length": str(path.stat().st_size),
                "x-total-rows": str(rows),
            },
        )
    offset = query_int(request, "offset", 0, minimum=0, maximum=2**62)
    limit = query_int(request, "limit", 100, minimum=1, maximum=MAX_RESULT_LIMIT)
    items = read_slice(folder, offset, limit) if offset < rows else []
    return ok(views.result_slice(columns, list(manifest.get("types", [])), rows, offset, limit, items))


def _sse(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def events(request: Request) -> Response:
    """Server-Sent Events: a snapshot, then every status change and progress report until the job ends."""
    service = _service(request)
    job_id = path_int(request, "job_id", "job id")
    service.get_job(job_id)  # unknown job → the documented error before the stream starts
    hub = service.runner.hub
    queue = hub.subscribe(job_id)

    async def stream() -> AsyncIterator[bytes]:
        try:
            job = service.get_job(job_id)
            yield _sse("snapshot", {"job": views.job_detail(job), "progress": service.job_progress(job_id)})
            if job.status.is_terminal:
                yield _sse("end", {"status": int(job.status)})
                return
            while True:
                try:
                    ev: JobEvent = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                yield _sse(ev.kind, {"jobId": ev.job_id, **ev.data})
                if ev.kind == "job" and Status(ev.data["status"]).is_terminal:
                    yield _sse("end", {"status": ev.data["status"]})
                    return
        finally:
            with contextlib.suppress(Exception):
                hub.unsubscribe(job_id, queue)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


async def deliveries(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    service = _service(request)
    service.get_job(job_id)
    return ok(views.items(service.store.deliveries(job_id)))
