"""The wire format of api.md §1: compact JSON, keys ``code``, ``data``, ``message`` in order."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from graphmill.errors import ERROR_NAMES, GraphmillError

SUCCESS = "Success"


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


class EnvelopeResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def ok(data: Any, *, headers: dict[str, str] | None = None) -> EnvelopeResponse:
    return EnvelopeResponse({"code": 0, "data": data, "message": SUCCESS}, headers=headers)


def error(code: int, detail: str = "", data: Any = None) -> EnvelopeResponse:
    body: dict[str, Any] = {"code": code, "data": data, "message": ERROR_NAMES[code]}
    if detail:
        body["detail"] = detail
    return EnvelopeResponse(body, status_code=code // 100000)


def from_exception(exc: GraphmillError) -> EnvelopeResponse:
    data = exc.data if isinstance(exc.data, dict) else ({"items": exc.data} if exc.data is not None else None)
    return error(exc.code, exc.detail, data)
