from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from graphmill.api.inputs import TOKEN_NAME, json_body
from graphmill.api.render import ok
from graphmill.auth.tokens import decode_account
from graphmill.service.core import Service


async def connect(request: Request) -> Response:
    service: Service = request.app.state.service
    # The account first: a request without one is refused before its body is read.
    user, password = decode_account(request.headers.get("authorization"))
    client = request.client.host if request.client else ""
    service.access.logins.check(user, client)
    body = await json_body(request, required=True)
    token = await service.connect(user, password, body.get("address"), body.get("port"), client)
    secure = "; Secure" if request.url.scheme == "https" else ""
    cookie = (
        f"{TOKEN_NAME}={token}; Path=/; Max-Age={service.tokens.max_age_s}; HttpOnly; SameSite=Lax{secure}"
    )
    return ok({"success": True}, headers={"set-cookie": cookie})
