"""graphmill's extensions for accounts: who am I, who owns a workflow or job, sharing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill.api.inputs import json_body, path_int
from graphmill.api.render import ok
from graphmill.service.core import Service


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def me(request: Request) -> Response:
    principal = request.state.principal
    return ok({"name": principal.user, "role": principal.role, "address": principal.address})


async def workflow_access(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    return ok(_service(request).access.access_of(wid))


async def share_workflow(request: Request) -> Response:
    wid = path_int(request, "workflow_id", "workflow id")
    body = await json_body(request, required=True)
    access = _service(request).access
    access.share(request.state.principal, wid, body.get("share"), body.get("unshare"))
    return ok(access.access_of(wid))


async def job_access(request: Request) -> Response:
    job = _service(request).get_job(path_int(request, "job_id", "job id"))
    return ok({"owner": job.owner, "workflowId": str(job.workflow_id)})
