"""The OpenAPI 3.1 document, generated from the route table and the pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from graphmill import __version__, views
from graphmill.api import schemas
from graphmill.api.operation import AUTH_ERRORS, Operation
from graphmill.api.table import OPERATIONS
from graphmill.errors import ERROR_NAMES

REF = "#/components/schemas/{model}"
PATH_PARAMS = {
    "workflow_id": ({"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, "workflow id"),
    "job_id": ({"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, "job id"),
    "task_id": ({"type": "string"}, "task id (as GET /jobs/<id> lists it)"),
    "task_type": ({"type": "string"}, "algorithm task type, e.g. analytics_pagerank"),
    "name": ({"type": "string"}, "file name"),
    "version": ({"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, "workflow version"),
    "space": ({"type": "string"}, "graph space name"),
}
ERROR_WHEN = {
    40004000: "bad request: wrong password, unknown graph address, bad Authorization header, wrong method",
    40004001: "invalid parameter, body, filter, paging, schema or job input",
    40104000: "missing or invalid explorer_token",
    40104001: "expired token",
    40304000: "a task that can never fit the memory budget; a webhook URL not allowed",
    40404000: "unknown workflow, task, space or route; task without a result",
    41304000: "graphmill: a request body over the cap (GRAPHMILL_MAX_BODY_MB)",
    41504000: "graphmill: a body that is not JSON where JSON is documented",
    42904000: "graphmill: too many failed logins (see Retry-After)",
    50004001: "unknown job id (Explorer's own code for it)",
    50004002: "a required parameter left empty when adding a job (Explorer's own code for it)",
}
INTRO = """graphmill speaks NebulaGraph Explorer's Workflow API (`/api-open/v1`), plus extensions.

Every JSON answer is an envelope `{"code","data","message"}` in that order; errors add `detail`
and use the HTTP status embedded in the code (40004001 → 400). Operations tagged **Explorer** answer
exactly as Explorer does; the others are graphmill's extensions, which never change those answers.
Each schema lists its keys in wire order as `x-key-order`.

Log in with `POST /connect`; the `explorer_token` cookie it sets authorises the rest."""


def _components() -> dict[str, Any]:
    models: list[type[BaseModel]] = [
        m
        for m in vars(schemas).values()
        if isinstance(m, type)
        and issubclass(m, schemas.Shape | schemas.Body)
        and m not in (schemas.Shape, schemas.Body)
    ]
    pairs = [(m, "validation" if issubclass(m, schemas.Body) else "serialization") for m in models]
    _, top = models_json_schema(pairs, ref_template=REF)  # type: ignore[arg-type]
    defs: dict[str, Any] = top["$defs"]
    return defs


def _envelope(data_ref: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "code": {"const": 0},
            "data": data_ref,
            "message": {"const": views.SUCCESS},
        },
        "required": ["code", "data", "message"],
        "x-key-order": ["code", "data", "message"],
    }


def _guard_errors(op: Operation) -> set[int]:
    """Codes the middleware and access checks can answer for this operation."""
    codes: set[int] = set()
    if op.body is not None:
        codes |= {40004001, 41304000, 41504000}
    if op.path == "/connect":
        codes.add(42904000)
    if "{workflow_id}" in op.path:
        codes |= {40304000, 40404000}
    if "{job_id}" in op.path:
        codes |= {40304000, 50004001}
    return codes


def _error_responses(op: Operation) -> dict[str, Any]:
    codes = sorted({*op.errors, *(AUTH_ERRORS if op.protected else ()), *_guard_errors(op), 50004000})
    by_status: dict[int, list[int]] = {}
    for code in codes:
        by_status.setdefault(code // 100000, []).append(code)
    out: dict[str, Any] = {}
    for status, group in sorted(by_status.items()):
        examples = {
            ERROR_NAMES[c]: {
                "summary": ERROR_WHEN.get(c, "unexpected server error"),
                "value": views.error_envelope(c, ERROR_WHEN.get(c, "internal error")),
            }
            for c in group
        }
        out[str(status)] = {
            "description": "; ".join(f"{c} {ERROR_NAMES[c]}" for c in group),
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model="ErrorEnvelope")},
                    "examples": examples,
                }
            },
        }
    return out


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for name in re.findall(r"{(\w+)}", op.path):
        schema, what = PATH_PARAMS[name]
        params.append({"name": name, "in": "path", "required": True, "schema": schema, "description": what})
    params += [
        {"name": p.name, "in": "query", "required": False, "schema": p.schema, "description": p.description}
        for p in op.query
    ]
    params += [
        {"name": p.name, "in": "header", "required": False, "schema": p.schema, "description": p.description}
        for p in op.headers
    ]
    return params


def _success(op: Operation) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if op.data is not None:
        content["application/json"] = {
            "schema": _envelope({"$ref": REF.format(model=op.data.__name__)}),
            "example": views.envelope(op.example),
        }
    for media, what in op.media.items():
        if media not in content:
            kind = "object" if media == "application/json" else "string"
            content[media] = {"schema": {"type": kind}, "x-description": what}
    return {"200": {"description": "Success", "content": content}}


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method.lower()}_{op.endpoint.__module__.rsplit('.', 1)[-1]}_{op.endpoint.__name__}",
        "tags": ["Explorer" if op.explorer else "graphmill"],
        "x-explorer": op.explorer,
        "parameters": _parameters(op),
        "responses": {**_success(op), **_error_responses(op)},
    }
    if not op.protected:
        doc["security"] = []
    if op.body is not None:
        doc["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}},
        }
    elif op.method == "PUT":  # cancel: Explorer's clients send an empty form
        doc["requestBody"] = {
            "required": False,
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
        }
    return doc


def build_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        if op.in_schema:
            paths.setdefault(op.full_path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "graphmill", "version": __version__, "description": INTRO},
        "tags": [
            {
                "name": "Explorer",
                "description": "NebulaGraph Explorer's Workflow API, answered as Explorer does",
            },
            {"name": "graphmill", "description": "graphmill's extensions"},
        ],
        "paths": paths,
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "explorer_token": {"type": "apiKey", "in": "cookie", "name": "explorer_token"}
            },
        },
        "security": [{"explorer_token": []}],
    }
