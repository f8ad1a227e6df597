"""The algorithm catalogue and memory estimates."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill import views
from graphmill.api.responses import ok
from graphmill.service.core import Service


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def catalogue(request: Request) -> Response:
    items = _service(request).algorithms()
    return ok(views.counted(items))


async def estimate(request: Request) -> Response:
    q = request.query_params
    data = _service(request).estimate(
        request.path_params["task_type"], q.get("space", ""), q.get("edges", ""), q.get("props", "")
    )
    return ok(data)
