from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill.api.inputs import TOKEN_NAME, json_body
from graphmill.api.render import ok
from graphmill.service.core import Service


async def connect(request: Request) -> Response:
    service: Service = request.app.state.service
    body = await json_body(request, required=True)
    token = service.connect(request.headers.get("authorization"), body.get("address"), body.get("port"))
    cookie = f"{TOKEN_NAME}={token}; Path=/; Max-Age={service.tokens.max_age_s}; HttpOnly"
    return ok({"success": True}, headers={"set-cookie": cookie})
