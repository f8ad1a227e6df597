"""The route-table entries of the endpoints the web console reads (graphmill extensions)."""

from __future__ import annotations

from graphmill.api import schemas as s
from graphmill.api.operation import (
    JOB_ERRORS,
    SCHEMA_EXAMPLE,
    TASK_ERRORS,
    WF_ERRORS,
    Operation,
    Param,
    int_schema,
)
from graphmill.api.routes import console

_VIEW = s.ConsoleView
_SCORE_QUERY = (
    Param("sort", {"type": "string"}, "column to sort by (default: the first)"),
    Param("order", {"type": "string", "enum": ["asc", "desc"], "default": "asc"}),
    Param("offset", int_schema(0, 2**62, 0)),
    Param("limit", int_schema(1, 10000, 100)),
)
#: The endpoints the web console reads (graphmill extensions; none changes an Explorer answer).
CONSOLE: tuple[Operation, ...] = (
    Operation(
        "POST",
        "/logout",
        console.logout,
        "Forget the session cookie",
        protected=False,
        data=s.Success,
        example={"success": True},
    ),
    Operation(
        "GET",
        "/workflows/{workflow_id}/versions/{version}",
        console.version_detail,
        "One saved version of a workflow: id, version, name, schema",
        data=_VIEW,
        example={"id": 3119460531, "version": 1, "name": "pr", "schema": SCHEMA_EXAMPLE},
        errors=WF_ERRORS,
    ),
    Operation(
        "POST",
        "/workflows/{workflow_id}/versions/{version}/restore",
        console.restore,
        "Save an old version's name and schema as the newest version",
        data=_VIEW,
        example={"id": 3119460531, "name": "pr", "version": 3, "valid": True, "problems": []},
        errors=(*WF_ERRORS, 40304000),
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/schema",
        console.job_schema,
        "The schema a job ran",
        data=_VIEW,
        example={"schema": SCHEMA_EXAMPLE},
        errors=JOB_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/tasks/{task_id}/result_sorted",
        console.result_sorted,
        "A page of a task's whole result, sorted by a column",
        query=_SCORE_QUERY,
        data=_VIEW,
        example={
            "columns": ["VID", "VALUE"],
            "total": 2,
            "offset": 0,
            "limit": 100,
            "items": [["a", 0.5], ["b", 0.2]],
        },
        errors=TASK_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/tasks/{task_id}/result_summary",
        console.result_summary,
        "Chart data of a result column: top-k and histogram (score) or size distribution (community)",
        query=(
            Param("column", {"type": "string"}),
            Param("kind", {"type": "string", "enum": ["score", "community", "depth"], "default": "score"}),
            Param("top", int_schema(1, 200, 20)),
        ),
        data=_VIEW,
        example={"column": "VALUE", "kind": "score", "top": [["a", 0.5]], "histogram": []},
        errors=TASK_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/tasks/{task_id}/result_rows",
        console.result_rows,
        "The result rows of the given vertex ids",
        query=(Param("vids", {"type": "string"}, "comma-separated vertex ids"),),
        data=_VIEW,
        example={"columns": ["VID", "VALUE"], "items": [["a", 0.5]]},
        errors=TASK_ERRORS,
    ),
    Operation(
        "GET",
        "/spaces",
        console.spaces,
        "Graph spaces with tags, edge types and counts",
        data=_VIEW,
        example={"items": [{"name": "basketballplayer"}]},
    ),
    Operation(
        "GET",
        "/spaces/{space}",
        console.space_detail,
        "One space's schema and counts",
        data=_VIEW,
        example={"name": "basketballplayer", "tags": [], "edges": []},
        errors=(40404000,),
    ),
    Operation(
        "GET",
        "/spaces/{space}/neighbourhood",
        console.space_neighbourhood,
        "Edges around the given vertices, for the console's graph view",
        query=(
            Param("vids", {"type": "string"}, "comma-separated vertex ids"),
            Param("edges", {"type": "string"}, "comma-separated edge types"),
            Param("limit", {"type": "integer", "minimum": 1, "default": 500}),
        ),
        data=_VIEW,
        example={"vertices": [], "edges": []},
        errors=(40004001, 40404000),
    ),
    Operation(
        "GET",
        "/job_events",
        console.job_feed,
        "Server-Sent Events: status changes of every job the account may read",
        media={"text/event-stream": "event: job; data: JSON"},
    ),
    Operation("GET", "/", console.index, "The web console", protected=False, in_schema=False),
    Operation(
        "GET", "/assets/{path:path}", console.asset, "The console's files", protected=False, in_schema=False
    ),
)
