"""Domain records → wire objects, with the documented key order (api.md §3).

Used by the API and by webhooks, which send a job exactly as ``GET /jobs/<id>`` shows it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphmill.models import Job, TaskRun, Workflow


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


def page(items: list[dict[str, Any]], total: int, page_no: int, size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "Page": page_no, "PageSize": size}
