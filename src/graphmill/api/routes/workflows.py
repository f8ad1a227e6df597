"""graphmill's workflow API (Explorer has none in its open API): CRUD and clone."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill import views
from graphmill.api.inputs import json_body, paging, parse_json, path_int
from graphmill.api.responses import ok
from graphmill.api.schemas import CloneBody, WorkflowCreateBody, WorkflowUpdateBody, parse_body
from graphmill.errors import ParamError
from graphmill.service.access import AccessControl
from graphmill.service.core import Service


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def create(request: Request) -> Response:
    body: WorkflowCreateBody = parse_body(WorkflowCreateBody, await json_body(request, required=True))
    wid = _service(request).create_workflow(
        body.name, body.schema_, body.webhook, owner=request.state.principal.user
    )
    return ok(views.created(wid))


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


async def detail(request: Request) -> Response:
    wf = _service(request).get_workflow(path_int(request, "workflow_id", "workflow id"))
    return ok(views.workflow_detail(wf))


async def update(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    body: WorkflowUpdateBody = parse_body(WorkflowUpdateBody, await json_body(request, required=True))
    wf = _service(request).update_workflow(wid, body.name, body.schema_, body.webhook)
    return ok(views.workflow_detail(wf))


async def delete(request: Request) -> Response:
    _service(request).delete_workflow(path_int(request, "workflow_id", "workflow id"))
    return ok(views.success())


async def clone(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    body: CloneBody = parse_body(CloneBody, await json_body(request, required=False))
    owner = request.state.principal.user
    return ok(views.created(_service(request).clone_workflow(wid, body.name, owner=owner)))


async def versions(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    saved = _service(request).workflow_versions(wid)
    return ok({"items": [views.workflow_version(v, name, at, schema) for v, name, at, schema in saved]})
