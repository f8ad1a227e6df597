"""The route table: every endpoint, its handler, and what the OpenAPI document says about it.

``app.py`` builds the Starlette routes from this table and ``openapi.py`` builds the document
from it, so a route cannot exist without being described.
"""

from __future__ import annotations

from graphmill.api import schemas as s
from graphmill.api.console_table import CONSOLE
from graphmill.api.operation import (
    JOB_ERRORS,
    SCHEMA_EXAMPLE,
    TASK_ERRORS,
    WF_ERRORS,
    Operation,
    Param,
    int_schema,
)
from graphmill.api.routes import access, algorithms, auth, docs, jobs, operations, workflows
from graphmill.api.routes.operations import MAX_LOG_LIMIT, MAX_RESULT_LIMIT
from graphmill.service.core import MAX_PAGE_SIZE, MAX_SAMPLE_LIMIT

PAGING = (
    Param("page", int_schema(1, 10**9, 1), "1-based page number"),
    Param("pageSize", int_schema(1, MAX_PAGE_SIZE, 10), "items per page"),
)
JOB_FILTER = Param(
    "filter",
    {"type": "string"},
    'URL-encoded JSON: {"name","status","fromCreateTime","toCreateTime","orderByCreateTime":"asc|desc"}',
)
WF_FILTER = Param("filter", {"type": "string"}, 'a name, or URL-encoded JSON {"name": …}')

_WF_EXAMPLE = {"id": 3119460531, "name": "pr", "createTime": 1700000000000, "updateTime": 1700000000000}
_TASK_EXAMPLE = {
    "id": "6f1c0e5b2a8d4d0c9b1e2f3a4b5c6d7e",
    "name": "PageRank",
    "runBeginTime": "2024-01-01T10:00:00+08:00",
    "runEndTime": "2024-01-01T10:00:01+08:00",
    "status": 2,
}
_JOB_EXAMPLE = {
    "id": 1,
    "name": "pr_20240101100000",
    "workflowId": "3119460531",
    "workflowName": "pr",
    "status": 2,
    "tasks": [_TASK_EXAMPLE],
    "runBeginTime": 1704074400000,
    "runEndTime": 1704074401000,
    "createTime": 1704074400000,
}
_PROGRESS_EXAMPLE = {
    "id": 1,
    "status": 1,
    "percent": 55.0,
    "elapsedMs": 1200,
    "remainingMs": 980,
    "reason": "",
    "rerunOf": None,
    "tasks": [
        {
            "id": _TASK_EXAMPLE["id"],
            "taskId": "analytics_pagerank_1",
            "name": "PageRank",
            "status": 1,
            "percent": 55.0,
            "phase": "computing",
            "message": "iteration 5 of 10",
            "rowsWritten": 0,
            "reusedFrom": "",
            "estimatedBytes": 1048576,
            "peakBytes": 0,
        }
    ],
}


#: Log in, and graphmill's workflow API (Explorer has none in its open API).
_WORKFLOWS: tuple[Operation, ...] = (
    Operation(
        "POST",
        "/connect",
        auth.connect,
        "Log in to a graph database; the token comes as a cookie",
        explorer=True,
        protected=False,
        body=s.ConnectBody,
        body_required=True,
        data=s.Success,
        example={"success": True},
        errors=(40004000, 40004001),
        headers=(
            Param(
                "Authorization",
                {"type": "string"},
                'Bearer base64(["user","password"]) or Bearer base64("user:password")',
            ),
        ),
    ),
    Operation(
        "POST",
        "/workflows",
        workflows.create,
        "Create a workflow",
        body=s.WorkflowCreateBody,
        body_required=True,
        data=s.WorkflowCreated,
        example={"id": 3119460531, "problems": []},
        errors=(40004001, 40304000),
    ),
    Operation(
        "GET",
        "/workflows",
        workflows.list_all,
        "List workflows",
        query=(WF_FILTER, *PAGING),
        data=s.WorkflowPage,
        example={"items": [_WF_EXAMPLE], "total": 1, "Page": 1, "PageSize": 10},
        errors=(40004001,),
    ),
    Operation(
        "GET",
        "/workflows/{workflow_id}",
        workflows.detail,
        "A workflow with its schema",
        data=s.WorkflowDetail,
        example={**_WF_EXAMPLE, "schema": SCHEMA_EXAMPLE, "valid": True, "problems": []},
        errors=WF_ERRORS,
    ),
    Operation(
        "PUT",
        "/workflows/{workflow_id}",
        workflows.update,
        "Change a workflow (a new version)",
        body=s.WorkflowUpdateBody,
        body_required=True,
        data=s.WorkflowDetail,
        example={**_WF_EXAMPLE, "schema": SCHEMA_EXAMPLE, "valid": True, "problems": []},
        errors=(*WF_ERRORS, 40304000),
    ),
    Operation(
        "DELETE",
        "/workflows/{workflow_id}",
        workflows.delete,
        "Delete a workflow",
        data=s.Success,
        example={"success": True},
        errors=WF_ERRORS,
    ),
    Operation(
        "POST",
        "/workflows/{workflow_id}/clone",
        workflows.clone,
        "Copy a workflow",
        body=s.CloneBody,
        data=s.Created,
        example={"id": 42},
        errors=WF_ERRORS,
    ),
    Operation(
        "GET",
        "/workflows/{workflow_id}/versions",
        workflows.versions,
        "Every saved version of a workflow, newest (current) first",
        data=s.WorkflowVersions,
        example={
            "items": [
                {
                    "version": 1,
                    "name": "pr",
                    "createTime": 1700000000000,
                    "schema": SCHEMA_EXAMPLE,
                    "current": True,
                }
            ],
            "total": 1,
        },
        errors=WF_ERRORS,
    ),
)

#: Explorer's documented job endpoints.
_JOBS: tuple[Operation, ...] = (
    Operation(
        "POST",
        "/workflows/{workflow_id}/jobs",
        jobs.add,
        "Run a workflow: add a job",
        explorer=True,
        body=s.AddJobBody,
        data=s.Created,
        example={"id": 1},
        errors=(40004001, 40304000, 40404000, 50004002),
        headers=(
            Param(
                "Idempotency-Key",
                {"type": "string", "maxLength": 255},
                "graphmill: the same key within 24 h returns the first job",
            ),
        ),
    ),
    Operation(
        "GET",
        "/workflows/{workflow_id}/jobs",
        jobs.list_of_workflow,
        "Jobs of a workflow",
        explorer=True,
        query=(JOB_FILTER, *PAGING),
        data=s.JobPage,
        example={"items": [{**_JOB_EXAMPLE, "tasks": None}], "total": 1, "Page": 1, "PageSize": 10},
        errors=WF_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs",
        jobs.list_all,
        "List jobs",
        explorer=True,
        query=(JOB_FILTER, *PAGING),
        data=s.JobPage,
        example={"items": [{**_JOB_EXAMPLE, "tasks": None}], "total": 1, "Page": 1, "PageSize": 10},
        errors=(40004001,),
    ),
    Operation(
        "GET",
        "/jobs/{job_id}",
        jobs.detail,
        "A job with its tasks",
        explorer=True,
        data=s.JobItem,
        example=_JOB_EXAMPLE,
        errors=JOB_ERRORS,
    ),
    Operation(
        "PUT",
        "/jobs/{job_id}/cancel",
        jobs.cancel,
        "Cancel a job (form-encoded, empty body)",
        explorer=True,
        data=s.Success,
        example={"success": True},
        errors=JOB_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/tasks/{task_id}/sample_result",
        jobs.sample_result,
        "First rows of a task's result, every cell a string",
        explorer=True,
        query=(Param("limit", int_schema(0, MAX_SAMPLE_LIMIT, 10)),),
        data=s.SampleResult,
        example={"items": [["player100", "0.1632"]]},
        errors=TASK_ERRORS,
    ),
)

#: graphmill's extensions for operating jobs and the algorithm catalogue.
_EXTENSIONS: tuple[Operation, ...] = (
    Operation(
        "GET",
        "/jobs/{job_id}/progress",
        operations.progress,
        "Percent done, time left, per task",
        data=s.JobProgress,
        example=_PROGRESS_EXAMPLE,
        errors=JOB_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/events",
        operations.events,
        "Server-Sent Events: snapshot, then job, task and progress events until end",
        media={"text/event-stream": "event: snapshot / job / task / progress / end; data: JSON"},
        errors=JOB_ERRORS,
    ),
    Operation(
        "POST",
        "/jobs/{job_id}/rerun",
        operations.rerun,
        "A new job of the same workflow version",
        body=s.RerunBody,
        data=s.Created,
        example={"id": 2},
        errors=(40004000, 40004001, 40304000, 50004001),
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/webhook_deliveries",
        operations.deliveries,
        "Webhook attempts of a job",
        data=s.Deliveries,
        example={"items": []},
        errors=JOB_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/tasks/{task_id}/logs",
        operations.task_logs,
        "A task's log lines, paged",
        query=(Param("offset", int_schema(0, 2**62, 0)), Param("limit", int_schema(1, MAX_LOG_LIMIT, 100))),
        data=s.TaskLogs,
        example={
            "items": [{"seq": 0, "time": 1704074400000, "level": "INFO", "message": "loaded 81 vertices"}],
            "nextOffset": 1,
        },
        errors=TASK_ERRORS,
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/tasks/{task_id}/result",
        operations.result,
        "Any slice of a task's whole result as JSON, or all of it as CSV or Parquet",
        query=(
            Param("format", {"type": "string", "enum": ["json", "csv", "parquet"], "default": "json"}),
            Param("offset", int_schema(0, 2**62, 0)),
            Param("limit", int_schema(1, MAX_RESULT_LIMIT, 100)),
            Param(
                "header",
                {"type": "string", "enum": ["true", "false"], "default": "true"},
                "CSV: write a header line",
            ),
        ),
        data=s.ResultSlice,
        example={
            "columns": ["vid", "value"],
            "types": ["string", "double"],
            "total": 1,
            "offset": 0,
            "limit": 100,
            "items": [["player100", 0.1632]],
        },
        media={"text/csv": "the whole result", "application/vnd.apache.parquet": "the whole result"},
        errors=TASK_ERRORS,
    ),
    Operation(
        "GET",
        "/algorithms",
        algorithms.catalogue,
        "The algorithm catalogue",
        data=s.Algorithms,
        example={"items": [], "total": 0},
    ),
    Operation(
        "GET",
        "/algorithms/{task_type}/estimate",
        algorithms.estimate,
        "The memory a task would need on a space",
        query=(
            Param("space", {"type": "string"}),
            Param("edges", {"type": "string"}, "comma-joined edge types"),
            Param("props", {"type": "string"}, "weight property per edge type"),
        ),
        data=s.Estimate,
        example={
            "type": "analytics_pagerank",
            "vertices": 81,
            "edges": 233,
            "weighted": False,
            "estimatedBytes": 1048576,
            "budgetBytes": 1073741824,
            "fits": True,
        },
        errors=(40004001, 40404000),
    ),
)

#: graphmill's accounts: who am I, who owns what, sharing.
_ACCESS: tuple[Operation, ...] = (
    Operation(
        "GET",
        "/account",
        access.me,
        "The account behind the token",
        data=s.Account,
        example={"name": "root", "role": "admin", "address": "127.0.0.1:9669"},
    ),
    Operation(
        "GET",
        "/workflows/{workflow_id}/access",
        access.workflow_access,
        "A workflow's owner and who it is shared with",
        data=s.WorkflowAccess,
        example={"owner": "root", "sharedWith": ["alice"]},
        errors=(40004001, 40304000, 40404000),
    ),
    Operation(
        "PUT",
        "/workflows/{workflow_id}/access",
        access.share_workflow,
        "Share a workflow with accounts, or stop sharing (owner or admin)",
        body=s.ShareBody,
        body_required=True,
        data=s.WorkflowAccess,
        example={"owner": "root", "sharedWith": ["alice", "bob"]},
        errors=(40004001, 40304000, 40404000),
    ),
    Operation(
        "GET",
        "/jobs/{job_id}/access",
        access.job_access,
        "A job's owner",
        data=s.JobAccess,
        example={"owner": "root", "workflowId": "3119460531"},
        errors=(40004001, 40304000, 50004001),
    ),
)

#: The API's own description, health and metrics.
_DOCS: tuple[Operation, ...] = (
    Operation(
        "GET",
        "/openapi.json",
        docs.openapi,
        "This document",
        protected=False,
        media={"application/json": "OpenAPI 3.1"},
    ),
    Operation(
        "GET",
        "/healthz",
        docs.healthz,
        "Liveness",
        protected=False,
        data=s.Health,
        example={"status": "ok"},
    ),
    Operation(
        "GET",
        "/metrics",
        docs.metrics,
        "Prometheus metrics",
        protected=False,
        media={"text/plain": "Prometheus text format"},
    ),
    Operation(
        "GET",
        "/docs",
        docs.page,
        "This document, browsable",
        protected=False,
        media={"text/html": "Swagger UI"},
    ),
    Operation(
        "GET", "/docs/assets/{name}", docs.asset, "Swagger UI's files", protected=False, in_schema=False
    ),
)

OPERATIONS: tuple[Operation, ...] = (*_WORKFLOWS, *_JOBS, *_EXTENSIONS, *_ACCESS, *_DOCS, *CONSOLE)
