from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill import views
from graphmill.api.inputs import TOKEN_NAME, json_body
from graphmill.api.responses import ok
from graphmill.api.schemas import ConnectBody, parse_body
from graphmill.auth.tokens import decode_account
from graphmill.service.core import Service


async def connect(request: Request) -> Response:
    service: Service = request.app.state.service
    # The account first: a request without one is refused before its body is read.
    user, password = decode_account(request.headers.get("authorization"))
    client = request.client.host if request.client else ""
    service.access.logins.check(user, client)
    body: ConnectBody = parse_body(ConnectBody, await json_body(request, required=True))
    token = await service.connect(user, password, body.address, body.port, client)
    secure = "; Secure" if request.url.scheme == "https" else ""
    cookie = (
        f"{TOKEN_NAME}={token}; Path=/; Max-Age={service.tokens.max_age_s}; HttpOnly; SameSite=Lax{secure}"
    )
    return ok(views.success(), headers={"set-cookie": cookie})
