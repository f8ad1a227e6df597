from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill import views
from graphmill.api.inputs import TOKEN_NAME, json_body
from graphmill.api.responses import ok
from graphmill.api.schemas import ConnectBody, parse_body
from graphmill.service.core import Service


async def connect(request: Request) -> Response:
    service: Service = request.app.state.service
    body: ConnectBody = parse_body(ConnectBody, await json_body(request, required=True))
    token = service.connect(request.headers.get("authorization"), body.address, body.port)
    cookie = f"{TOKEN_NAME}={token}; Path=/; Max-Age={service.tokens.max_age_s}; HttpOnly"
    return ok(views.success(), headers={"set-cookie": cookie})
