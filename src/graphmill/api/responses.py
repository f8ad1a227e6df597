"""The wire format of api.md §1: compact JSON of the bodies ``graphmill.views`` builds."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from graphmill import views
from graphmill.errors import GraphmillError


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


class EnvelopeResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def ok(data: Any, *, headers: dict[str, str] | None = None) -> EnvelopeResponse:
    return EnvelopeResponse(views.envelope(data), headers=headers)


def error(code: int, detail: str = "", data: Any = None) -> EnvelopeResponse:
    return EnvelopeResponse(views.error_envelope(code, detail, data), status_code=code // 100000)


def from_exception(exc: GraphmillError) -> EnvelopeResponse:
    data = exc.data if isinstance(exc.data, dict) else ({"items": exc.data} if exc.data is not None else None)
    return error(exc.code, exc.detail, data)
