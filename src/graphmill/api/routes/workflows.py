"""graphmill's workflow API (Explorer has none in its open API): CRUD and clone."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill import wire as views
from graphmill.api.inputs import json_body, paging, parse_json, path_int
from graphmill.api.render import ok
from graphmill.errors import ParamError
from graphmill.service.access import AccessControl
from graphmill.service.core import Service


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def create(request: Request) -> Response:
    body = await json_body(request, required=True)
    wid = _service(request).create_workflow(
        body.get("name"), body.get("schema"), body.get("webhook"), owner=request.state.principal.user
    )
    return ok({"id": wid})


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
    body = await json_body(request, required=True)
    wf = _service(request).update_workflow(wid, body.get("name"), body.get("schema"), body.get("webhook"))
    return ok(views.workflow_detail(wf))


async def delete(request: Request) -> Response:
    _service(request).delete_workflow(path_int(request, "workflow_id", "workflow id"))
    return ok({"success": True})


async def clone(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    body = await json_body(request, required=False)
    owner = request.state.principal.user
    return ok({"id": _service(request).clone_workflow(wid, body.get("name"), owner=owner)})
