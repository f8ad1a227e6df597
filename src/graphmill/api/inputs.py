"""Reading and checking what a request carries: path ids, query values, JSON bodies."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from graphmill.errors import ParamError
from graphmill.models import Status
from graphmill.service.core import MAX_PAGE_SIZE, Page
from graphmill.store.base import JobFilter

TOKEN_NAME = "explorer_token"


def token_of(request: Request) -> str | None:
    return request.cookies.get(TOKEN_NAME) or request.headers.get(TOKEN_NAME)


def path_int(request: Request, name: str, what: str) -> int:
    raw = request.path_params[name]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or int(raw) > 2**63 - 1:
        raise ParamError(f"{what} must be a positive integer, not {raw!r}")
    return int(raw)


def query_int(request: Request, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(f"{name} must be an integer, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ParamError(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


def paging(request: Request) -> Page:
    return Page(
        query_int(request, "page", 1, minimum=1, maximum=10**9),
        query_int(request, "pageSize", 10, minimum=1, maximum=MAX_PAGE_SIZE),
    )


async def json_body(request: Request, *, required: bool) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise ParamError("a JSON body is required")
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParamError(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ParamError("the body must be a JSON object")
    return body


def _epoch_ms(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ParamError(f"filter.{field} must be epoch milliseconds")
    try:
        return int(value)
    except ValueError:
        raise ParamError(f"filter.{field} must be epoch milliseconds, not {value!r}") from None


def job_filter(request: Request, workflow_id: int | None = None) -> JobFilter:
    raw = request.query_params.get("filter")
    if not raw:
        return JobFilter(workflow_id=workflow_id)
    try:
        spec = json.loads(raw)
    except json.JSONDecodeError:
        raise ParamError("filter must be URL-encoded JSON") from None
    if not isinstance(spec, dict):
        raise ParamError("filter must be a JSON object")
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise ParamError("filter.name must be a string")
    status = spec.get("status")
    if status is not None and status != "":
        try:
            status = Status(int(status))
        except (TypeError, ValueError):
            raise ParamError(f"filter.status must be one of 0..5, not {status!r}") from None
    else:
        status = None
    order = spec.get("orderByCreateTime", "desc") or "desc"
    if order not in ("asc", "desc"):
        raise ParamError('filter.orderByCreateTime must be "asc" or "desc"')
    return JobFilter(
        name=name or None,
        status=status,
        from_create_time_ms=_epoch_ms(spec.get("fromCreateTime"), "fromCreateTime"),
        to_create_time_ms=_epoch_ms(spec.get("toCreateTime"), "toCreateTime"),
        newest_first=order == "desc",
        workflow_id=workflow_id,
    )
