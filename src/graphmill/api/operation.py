"""What one endpoint is: its method, path, handler and what the OpenAPI document says of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from graphmill.api import schemas as s

Endpoint = Callable[[Request], Awaitable[Response]]
PREFIX = "/api-open/v1"

#: Errors every token-protected route can give.
AUTH_ERRORS = (40104000, 40104001)


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    description: str = ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    endpoint: Endpoint
    summary: str
    #: Explorer's documented endpoint (answered exactly as Explorer does) or graphmill's extension.
    explorer: bool = False
    protected: bool = True
    body: type[s.Body] | None = None
    body_required: bool = False
    query: tuple[Param, ...] = ()
    #: The ``data`` of a success envelope; None for a non-JSON answer (``media``).
    data: type[BaseModel] | None = None
    example: Any = None
    media: dict[str, str] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    headers: tuple[Param, ...] = ()
    in_schema: bool = True

    @property
    def full_path(self) -> str:
        """Explorer's and graphmill's API live under the prefix; health, metrics and docs at the root."""
        return self.path if self.path.split("/")[1] in ROOT_LEVEL else PREFIX + self.path


ROOT_LEVEL = frozenset({"healthz", "metrics", "docs", "", "assets"})


def int_schema(minimum: int, maximum: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum, "default": default}


SCHEMA_EXAMPLE: dict[str, Any] = {"tasks": [], "deps": []}
WF_ERRORS = (40004001, 40404000)
JOB_ERRORS = (40004001, 50004001)
TASK_ERRORS = (40004001, 50004001, 40404000)
