"""The API's own description: the OpenAPI document, a browsable page, health and metrics."""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from graphmill import views
from graphmill.api.responses import ok
from graphmill.errors import NotFound

ASSETS = resources.files("graphmill.api") / "static" / "swagger-ui"
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "LICENSE": "text/plain; charset=utf-8",
    "NOTICE": "text/plain; charset=utf-8",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>graphmill API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/api-open/v1/openapi.json",
      dom_id: "#swagger-ui",
      validatorUrl: null,
      deepLinking: true,
      withCredentials: true
    });
  </script>
</body>
</html>
"""


async def openapi(request: Request) -> Response:
    body: bytes = request.app.state.openapi_bytes
    return Response(body, media_type="application/json")


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    media = ASSET_TYPES.get(name)
    if media is None:
        raise NotFound(f"no documentation asset {name!r}")
    return Response(
        (ASSETS / name).read_bytes(), media_type=media, headers={"cache-control": "public, max-age=86400"}
    )


async def healthz(request: Request) -> Response:
    return ok(views.health())


async def metrics(request: Request) -> Response:
    body = request.app.state.service.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
