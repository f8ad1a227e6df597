"""Reading and checking what a request carries: path ids, query values, JSON bodies."""

from __future__ import annotations

import json
import re
from typing import Any

import anyio.to_thread
from starlette.requests import Request

from graphmill.errors import ParamError, UnsupportedMediaType
from graphmill.models import Status
from graphmill.service.access import AccessControl
from graphmill.service.core import MAX_PAGE_SIZE, Page
from graphmill.store.base import JobFilter

TOKEN_NAME = "explorer_token"
#: Bodies up to this size are parsed on the event loop; bigger ones in a worker thread.
_INLINE_PARSE_BYTES = 256 << 10


def token_of(request: Request) -> str | None:
    return request.cookies.get(TOKEN_NAME) or request.headers.get(TOKEN_NAME)


#: Ids and epoch times are SQLite integers: signed 64-bit.
MAX_INT64 = 2**63 - 1
#: Nesting allowed in a JSON body or filter (a workflow schema needs about 8).
MAX_JSON_DEPTH = 64


def _ascii_int(raw: str) -> int | None:
    """``raw`` as an int when it is ASCII digits only (``"١٢"``, ``"²"`` are not ids)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if value <= MAX_INT64 else None


def path_int(request: Request, name: str, what: str) -> int:
    raw = request.path_params[name]
    value = _ascii_int(raw)
    if value is None:
        raise ParamError(f"{what} must be a positive integer below 2^63, not {_excerpt(raw)}")
    return value


def path_id(request: Request, name: str) -> int | None:
    """The id in path parameter ``name`` if there is one and it is valid, else None."""
    raw = request.path_params.get(name)
    return None if raw is None else _ascii_int(raw)


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates ("\ud800")
        return False
    return True


def _excerpt(raw: str) -> str:
    shown = raw if _encodable(raw) else raw.encode("utf-8", "backslashreplace").decode("ascii")
    return repr(shown[:40] + ("…" if len(shown) > 40 else ""))


def parse_json(text: str | bytes, what: str) -> Any:
    """JSON with no 500 for what a client can send: too deep, lone surrogates, huge numbers.

    ``NaN``/``Infinity`` are refused (they are not JSON), and so is a string that is not
    valid Unicode, at any depth, as key or value.
    """
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ParamError(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        raise ParamError(f"{what} is not valid JSON: {exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:  # bad UTF-8; integers over 4,300 digits
        raise ParamError(f"{what} is not acceptable JSON: {str(exc)[:120]}") from None
    _check_tree(value, what)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def is_json_type(content_type: str) -> bool:
    """``application/json`` or any ``application/…+json``, parameters (charset) ignored."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _check_tree(value: Any, what: str) -> None:
    """Depth and string validity of a parsed JSON value, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if not _encodable(node):
                raise ParamError(f"{what} holds a string that is not valid Unicode (a lone surrogate)")
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise ParamError(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((k, depth) for k in node)
            stack.extend((v, depth + 1) for v in node.values())
        else:
            stack.extend((v, depth + 1) for v in node)


def strict_flag(value: object, default: bool) -> bool:
    """A body's ``strict`` field: absent means the server's default."""
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ParamError("strict must be true or false")
    return value


def job_input(value: object) -> dict[str, Any] | None:
    """A body's ``input``: parameter values per task id, or None for none.

    Typed ``Any`` in the body models so that this refusal is worded as before; which tasks
    and parameters it may name is the service's to check, against the workflow.
    """
    if value is None or isinstance(value, dict):
        return value
    raise ParamError("input must be an object keyed by task id", data={"field": "input"})


def query_int(request: Request, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        if not raw.isascii():  # int() would read "١٢" as 12
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        raise ParamError(f"{name} must be an integer, not {_excerpt(raw)}") from None
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
    if not is_json_type(request.headers.get("content-type", "")):
        # A form or text/plain body is what a cross-site page can send without asking: refused.
        raise UnsupportedMediaType("the body must be JSON, sent with Content-Type: application/json")
    if len(raw) > _INLINE_PARSE_BYTES:
        body = await anyio.to_thread.run_sync(parse_json, raw, "the body")
    else:
        body = parse_json(raw, "the body")
    if not isinstance(body, dict):
        raise ParamError("the body must be a JSON object")
    return body


def _epoch_ms(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ParamError(f"filter.{field} must be epoch milliseconds")
    try:
        if isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,19}", value.strip()):
            raise ValueError(value)
        number = int(value)
    except (ValueError, OverflowError):  # "x", "١٢", 1e400, inf
        raise ParamError(f"filter.{field} must be epoch milliseconds, not {_excerpt(str(value))}") from None
    if not -MAX_INT64 <= number <= MAX_INT64:
        raise ParamError(f"filter.{field} must be epoch milliseconds below 2^63")
    return number


def job_filter(request: Request, workflow_id: int | None = None) -> JobFilter:
    """The documented ``filter``, limited to the jobs the logged-in account may see."""
    visible_to = AccessControl.visible_to(getattr(request.state, "principal", None))
    raw = request.query_params.get("filter")
    if not raw:
        return JobFilter(workflow_id=workflow_id, visible_to=visible_to)
    spec = parse_json(raw, "filter")
    if not isinstance(spec, dict):
        raise ParamError("filter must be a JSON object")
    name = spec.get("name")
    if name is not None and not isinstance(name, str):
        raise ParamError("filter.name must be a string")
    status = spec.get("status")
    if status is not None and status != "":
        try:
            if isinstance(status, str) and not (status.isascii() and status.strip().isdigit()):
                raise ValueError(status)
            status = Status(int(status))
        except (TypeError, ValueError, OverflowError):
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
        visible_to=visible_to,
    )
