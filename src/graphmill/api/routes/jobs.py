"""The six documented job endpoints (api.md §3), plus task logs.

A task in a task URL is named by its 32-hex job task id or by its id in the workflow
schema (``query_1``), as scripts written against Explorer do.  Submitting and cancelling
touch every task of a job, so they run in a worker thread, off the event loop.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from graphmill import views
from graphmill.api.inputs import job_filter, job_input, json_body, paging, path_int, query_int, strict_flag
from graphmill.api.responses import ok
from graphmill.api.schemas import AddJobBody, parse_body
from graphmill.errors import DatabaseError, ParamError
from graphmill.service.core import MAX_SAMPLE_LIMIT, Service


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def add(request: Request) -> Response:
    try:
        wid = path_int(request, "workflow_id", "workflow id")
    except ParamError as exc:  # Explorer answers a malformed workflow id like an unknown one
        raise DatabaseError(exc.detail) from None
    body: AddJobBody = parse_body(AddJobBody, await json_body(request, required=True))
    service = _service(request)
    # Clients also send "id": the workflow id; it is accepted and ignored.
    job_id = await run_in_threadpool(
        service.add_job,
        wid,
        job_input(body.input),
        strict=strict_flag(body.strict, default=service.settings.strict_submit),
        idempotency_key=request.headers.get("idempotency-key"),
        webhook=body.webhook,
        owner=request.state.principal.user,
    )
    return ok(views.created(job_id))


async def list_all(request: Request) -> Response:
    flt = job_filter(request)
    pg = paging(request)
    jobs, total = _service(request).list_jobs(flt, pg)
    return ok(views.page([views.job_item(j, with_tasks=False) for j in jobs], total, pg.page, pg.size))


async def list_of_workflow(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    flt = job_filter(request, workflow_id=wid)
    pg = paging(request)
    jobs, total = _service(request).list_jobs(flt, pg)
    return ok(views.page([views.job_item(j, with_tasks=False) for j in jobs], total, pg.page, pg.size))


async def detail(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    item = await run_in_threadpool(lambda: views.job_item(_service(request).get_job(job_id), with_tasks=True))
    return ok(item)


async def cancel(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    return ok(views.success(await _service(request).cancel_job(job_id)))


async def sample_result(request: Request) -> Response:
    job_id = path_int(request, "job_id", "job id")
    limit = query_int(request, "limit", 10, minimum=0, maximum=MAX_SAMPLE_LIMIT)
    rows = _service(request).sample_result(job_id, request.path_params["task_id"], limit)
    return ok(views.items(rows))
