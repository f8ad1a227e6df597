"""graphmill's workflow API (Explorer has none in its open API): CRUD and clone.

Saving answers success for any draft and lists its problems (``data.problems``); a body's
``"strict": true`` refuses a schema with problems instead.  Checking a schema is O(tasks)
but not free, so it runs in a worker thread, off the event loop.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from graphmill import views
from graphmill.api.inputs import json_body, paging, parse_json, path_int, strict_flag
from graphmill.api.responses import ok
from graphmill.api.schemas import CloneBody, WorkflowCreateBody, WorkflowUpdateBody, parse_body
from graphmill.errors import ParamError
from graphmill.models import Workflow
from graphmill.service.access import AccessControl
from graphmill.service.core import Service
from graphmill.workflow.schema import Problem


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _problems(problems: list[Problem]) -> list[dict[str, str | None]]:
    return [p.as_json() for p in problems]


async def create(request: Request) -> Response:
    body: WorkflowCreateBody = parse_body(WorkflowCreateBody, await json_body(request, required=True))
    wid, problems = await run_in_threadpool(
        _service(request).create_workflow,
        body.name,
        body.schema_,
        body.webhook,
        strict=strict_flag(body.strict, default=False),
        owner=request.state.principal.user,
    )
    return ok(views.created_with_problems(wid, _problems(problems)))


async def list_all(request: Request) -> Response:
    name = request.query_params.get("filter")
    if name and name.lstrip().startswith("{"):
        spec = parse_json(name, "filter")
        name = spec.get("name") if isinstance(spec, dict) else None
        if name is not None and not isinstance(name, str):
            raise ParamError("filter.name must be a string")
    pg = paging(request)
    items, total = _service(request).list_workflows(
        name or None, pg, visible_to=AccessControl.visible_to(request.state.principal)
    )
    return ok(views.page([views.workflow_item(w) for w in items], total, pg.page, pg.size))


def _with_problems(wf: Workflow, problems: list[Problem]) -> dict[str, object]:
    return views.workflow_checked(wf, _problems(problems))


async def detail(request: Request) -> Response:
    service = _service(request)
    wf = service.get_workflow(path_int(request, "workflow_id", "workflow id"))
    problems = await run_in_threadpool(service.workflow_problems, wf)
    return ok(_with_problems(wf, problems))


async def update(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    body: WorkflowUpdateBody = parse_body(WorkflowUpdateBody, await json_body(request, required=True))
    wf, problems = await run_in_threadpool(
        _service(request).update_workflow,
        wid,
        body.name,
        body.schema_,
        body.webhook,
        strict=strict_flag(body.strict, default=False),
    )
    return ok(_with_problems(wf, problems))


async def delete(request: Request) -> Response:
    _service(request).delete_workflow(path_int(request, "workflow_id", "workflow id"))
    return ok(views.success())


async def clone(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    body: CloneBody = parse_body(CloneBody, await json_body(request, required=False))
    owner = request.state.principal.user
    new_id = await run_in_threadpool(_service(request).clone_workflow, wid, body.name, owner=owner)
    return ok(views.created(new_id))


async def versions(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    saved = await run_in_threadpool(_service(request).workflow_versions, wid)
    newest = max((v for v, *_ in saved), default=0)
    # Newest first, as a history is read; the newest is the current version.
    items = [
        views.workflow_version(v, n, at, schema, current=v == newest) for v, n, at, schema in reversed(saved)
    ]
    return ok({"items": items, "total": len(items)})
