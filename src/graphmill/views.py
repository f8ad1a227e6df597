"""Every response body the API sends, built in one place with the documented key order (api.md §1, §3).

The API wraps these in ``api/responses.py``; webhooks send a job exactly as ``GET /jobs/<id>``
shows it, so they use :func:`job_detail` too.  The pydantic models in ``api/schemas.py`` describe
the same shapes for the OpenAPI document, and a test checks real bodies against them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphmill.errors import ERROR_NAMES
from graphmill.models import Job, TaskRun, Workflow

SUCCESS = "Success"


def envelope(data: Any) -> dict[str, Any]:
    """``{"code":0,"data":…,"message":"Success"}`` in that order."""
    return {"code": 0, "data": data, "message": SUCCESS}


def error_envelope(code: int, detail: str = "", data: Any = None) -> dict[str, Any]:
    """``{"code","data","message"}`` plus ``detail`` when there is an explanation."""
    body: dict[str, Any] = {"code": code, "data": data, "message": ERROR_NAMES[code]}
    if detail:
        body["detail"] = detail
    return body


def task_time(ms: int) -> str:
    """RFC 3339 in the server's zone, to the second, as Explorer (Go) prints it: "" when unset."""
    if not ms:
        return ""
    text = datetime.fromtimestamp(ms / 1000).astimezone().isoformat(timespec="seconds")
    # Go's time.RFC3339 writes a zero offset as "Z".
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def job_item(job: Job, *, with_tasks: bool) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "workflowId": str(job.workflow_id),
        "workflowName": job.workflow_name,
        "status": int(job.status),
        "tasks": [task_item(t) for t in job.tasks] if with_tasks else None,
        "runBeginTime": job.begin_time_ms,
        "runEndTime": job.end_time_ms,
        "createTime": job.create_time_ms,
    }


def job_detail(job: Job) -> dict[str, Any]:
    return job_item(job, with_tasks=True)


def task_item(task: TaskRun) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "runBeginTime": task_time(task.begin_time_ms),
        "runEndTime": task_time(task.end_time_ms),
        "status": int(task.status),
    }


def workflow_item(wf: Workflow) -> dict[str, Any]:
    return {"id": wf.id, "name": wf.name, "createTime": wf.create_time_ms, "updateTime": wf.update_time_ms}


def workflow_detail(wf: Workflow) -> dict[str, Any]:
    return {
        "id": wf.id,
        "name": wf.name,
        "schema": wf.schema,
        "createTime": wf.create_time_ms,
        "updateTime": wf.update_time_ms,
    }


def workflow_checked(wf: Workflow, problems: list[dict[str, Any]]) -> dict[str, Any]:
    """A workflow's detail plus whether its schema would run as saved, and what stops it."""
    return {**workflow_detail(wf), "valid": not problems, "problems": problems}


def created_with_problems(object_id: int, problems: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": object_id, "problems": problems}


def workflow_version(
    version: int, name: str, create_time_ms: int, schema: Any, *, current: bool
) -> dict[str, Any]:
    return {
        "version": version,
        "name": name,
        "createTime": create_time_ms,
        "schema": schema,
        "current": current,
    }


def page(items: list[dict[str, Any]], total: int, page_no: int, size: int) -> dict[str, Any]:
    """Explorer's paged list: note the capitalised ``Page`` and ``PageSize``."""
    return {"items": items, "total": total, "Page": page_no, "PageSize": size}


def created(object_id: int) -> dict[str, Any]:
    return {"id": object_id}


def success(flag: bool = True) -> dict[str, Any]:
    return {"success": flag}


def items(rows: list[Any]) -> dict[str, Any]:
    return {"items": rows}


def counted(rows: list[Any]) -> dict[str, Any]:
    return {"items": rows, "total": len(rows)}


def task_logs(lines: list[dict[str, Any]], offset: int) -> dict[str, Any]:
    next_offset = lines[-1]["seq"] + 1 if lines else offset
    return {"items": lines, "nextOffset": next_offset}


def result_slice(
    columns: list[str], types: list[str], total: int, offset: int, limit: int, rows: list[Any]
) -> dict[str, Any]:
    return {
        "columns": columns,
        "types": types,
        "total": total,
        "offset": offset,
        "limit": limit,
        "items": rows,
    }


def health() -> dict[str, Any]:
    return {"status": "ok"}


def account(user: str, role: str, address: str) -> dict[str, Any]:
    return {"name": user, "role": role, "address": address}


def workflow_access(owner: str, shared_with: list[str]) -> dict[str, Any]:
    return {"owner": owner, "sharedWith": shared_with}


def job_access(owner: str, workflow_id: int) -> dict[str, Any]:
    return {"owner": owner, "workflowId": str(workflow_id)}
