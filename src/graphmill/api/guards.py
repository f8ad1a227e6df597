"""ASGI middleware that guards every request before an endpoint sees it.

* :class:`BodyLimit` — request bodies are capped while they stream in: a declared
  ``Content-Length`` over the cap is answered 413 at once, without reading the body, and a
  chunked body is cut off as soon as it passes the cap.  Nothing over the cap is ever held.
* :class:`OriginCheck` — a state-changing request (POST, PUT, PATCH, DELETE) from a browser
  page of another origin is refused (403): the ``Origin`` header must name this server's
  ``Host`` (host and port; the scheme is not compared, for proxies that end TLS), or
  one of the origins allowed by ``GRAPHMILL_CORS_ALLOW_ORIGINS``.  Requests without
  ``Origin`` (scripts, curl, the CLI) are not browser forgeries and pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphmill.api.render import error
from graphmill.errors import PayloadTooLarge

#: Methods that change state, so need the Origin check.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def too_large_message(limit: int) -> str:
    return f"the request body is larger than {limit} bytes (GRAPHMILL_MAX_BODY_MB)"


class BodyLimit:
    """Cap request bodies at ``max_bytes`` (``small_paths`` get ``small_bytes``)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, small_paths: Iterable[str], small_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.small_paths = frozenset(small_paths)
        self.small_bytes = small_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.small_bytes if scope["path"] in self.small_paths else self.max_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            # Answer before reading anything; the server closes the connection after it.
            response = error(PayloadTooLarge.code, too_large_message(limit))
            response.headers["connection"] = "close"
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(too_large_message(limit))
            return message

        await self.app(scope, counted, send)


class OriginCheck:
    """Refuse state-changing requests whose ``Origin`` is neither this server nor allowed."""

    def __init__(self, app: ASGIApp, *, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(o.rstrip("/").lower() for o in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is not None and not self._same_or_allowed(origin, headers):
                detail = f"cross-origin {scope['method']} from {origin[:100]!r} refused"
                await error(40304000, detail)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _same_or_allowed(self, origin: str, headers: Headers) -> bool:
        origin = origin.strip().rstrip("/").lower()
        if origin in self.allowed:
            return True
        # host:port only: behind a proxy that ends TLS the page is https while we see http.
        host = headers.get("host", "").lower()
        return bool(host) and urlsplit(origin).netloc == host
