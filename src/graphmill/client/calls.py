"""What each client method asks the server and how it reads the answer, shared by the sync and
async clients (which only differ in how they send)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from graphmill.client.errors import ClientError, error_for
from graphmill.client.models import (
    Algorithm,
    Estimate,
    JobInfo,
    JobProgress,
    LogLine,
    Workflow,
    WorkflowSummary,
    WorkflowVersion,
)
from graphmill.models import Status

T = TypeVar("T")
PREFIX = "/api-open/v1"
DEFAULT_URL = "http://127.0.0.1:7002"
Encoding = Literal["json", "colon"]


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request: method, path under the API prefix, query, JSON body, and the reader of ``data``."""

    method: str
    path: str
    read: Callable[[Any], T]
    params: Mapping[str, Any] | None = None
    json: Any = None
    form: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return PREFIX + self.path

    def request_args(self) -> dict[str, Any]:
        """The arguments of ``httpx.Client.request`` and ``AsyncClient.request`` alike."""
        form = {"Content-Type": "application/x-www-form-urlencoded"} if self.form else {}
        return {
            "method": self.method,
            "url": self.url,
            "params": self.params,
            "json": None if self.form else self.json,
            "headers": {**self.headers, **form},
        }


def unwrap(call: Call[T], status: int, text: str) -> T:
    """The envelope's ``data`` read by ``call.read``, or the matching ApiError."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        raise ClientError(
            f"{call.method} {call.url}: HTTP {status}, not a JSON answer: {text[:200]!r}"
        ) from None
    if not isinstance(body, dict) or "code" not in body:
        raise ClientError(f"{call.method} {call.url}: HTTP {status}, not an API envelope")
    if body["code"] != 0:
        raise error_for(body, call.path)
    return call.read(body["data"])


def account(user: str, password: str, encoding: Encoding = "json") -> str:
    """The Authorization value of ``/connect``: base64 of ``["user","password"]`` or ``user:password``."""
    raw = json.dumps([user, password]) if encoding == "json" else f"{user}:{password}"
    return "Bearer " + base64.b64encode(raw.encode()).decode()


def connect(user: str, password: str, address: str, port: int, encoding: Encoding) -> Call[None]:
    return Call(
        "POST",
        "/connect",
        lambda _: None,
        json={"address": address, "port": port},
        headers={"Authorization": account(user, password, encoding)},
    )


def load_workflow(
    source: Mapping[str, Any] | str | Path, name: str | None
) -> tuple[str | None, dict[str, Any]]:
    """(name, schema) from a schema dict, a ``{"name","schema"}`` dict (an export), or a JSON file of
    either.  The name: ``name``, else the one inside, else the file's stem."""
    fallback = None
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            source = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ClientError(f"cannot read workflow file {path}: {exc}") from None
        fallback = path.stem
    if not isinstance(source, Mapping):
        raise ClientError("a workflow is a JSON object: its schema, or {name, schema}")
    if "schema" not in source:
        return name or fallback, dict(source)
    schema = source["schema"]
    if isinstance(schema, str):
        schema = json.loads(schema)
    if not isinstance(schema, Mapping):
        raise ClientError("a workflow's schema is a JSON object")
    return name or source.get("name") or fallback, dict(schema)


def _page_items(data: Any) -> list[Any]:
    items: list[Any] = data["items"]
    return items


def create_workflow(schema: dict[str, Any], name: str | None, webhook: str | None) -> Call[int]:
    body: dict[str, Any] = {"name": name, "schema": schema}
    if webhook:
        body["webhook"] = webhook
    return Call("POST", "/workflows", lambda d: int(d["id"]), json=body)


def list_workflows(name: str | None, page: int, page_size: int) -> Call[tuple[list[WorkflowSummary], int]]:
    params: dict[str, Any] = {"page": page, "pageSize": page_size}
    if name:
        params["filter"] = json.dumps({"name": name})
    return Call(
        "GET",
        "/workflows",
        lambda d: ([WorkflowSummary.model_validate(i) for i in d["items"]], int(d["total"])),
        params=params,
    )


def get_workflow(workflow_id: int) -> Call[Workflow]:
    return Call("GET", f"/workflows/{workflow_id}", Workflow.model_validate)


def update_workflow(
    workflow_id: int, name: str | None, schema: dict[str, Any] | None, webhook: str | None
) -> Call[Workflow]:
    body = {k: v for k, v in (("name", name), ("schema", schema), ("webhook", webhook)) if v is not None}
    return Call("PUT", f"/workflows/{workflow_id}", Workflow.model_validate, json=body)


def clone_workflow(workflow_id: int, name: str | None) -> Call[int]:
    body = {"name": name} if name else {}
    return Call("POST", f"/workflows/{workflow_id}/clone", lambda d: int(d["id"]), json=body)


def delete_workflow(workflow_id: int) -> Call[bool]:
    return Call("DELETE", f"/workflows/{workflow_id}", lambda d: bool(d["success"]))


def workflow_versions(workflow_id: int) -> Call[list[WorkflowVersion]]:
    return Call(
        "GET",
        f"/workflows/{workflow_id}/versions",
        lambda d: [WorkflowVersion.model_validate(i) for i in _page_items(d)],
    )


def add_job(
    workflow_id: int,
    job_input: Mapping[str, Any] | None,
    strict: bool,
    webhook: str | None,
    idempotency_key: str | None,
) -> Call[int]:
    body: dict[str, Any] = {"id": str(workflow_id), "input": dict(job_input or {}), "strict": strict}
    if webhook:
        body["webhook"] = webhook
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return Call("POST", f"/workflows/{workflow_id}/jobs", lambda d: int(d["id"]), json=body, headers=headers)


def list_jobs(
    workflow_id: int | None, status: Status | int | None, name: str | None, page: int, page_size: int
) -> Call[tuple[list[JobInfo], int]]:
    flt: dict[str, Any] = {}
    if status is not None:
        flt["status"] = int(status)
    if name:
        flt["name"] = name
    params: dict[str, Any] = {"page": page, "pageSize": page_size}
    if flt:
        params["filter"] = json.dumps(flt)
    path = f"/workflows/{workflow_id}/jobs" if workflow_id is not None else "/jobs"
    return Call(
        "GET",
        path,
        lambda d: ([JobInfo.model_validate(i) for i in d["items"]], int(d["total"])),
        params=params,
    )


def get_job(job_id: int) -> Call[JobInfo]:
    return Call("GET", f"/jobs/{job_id}", JobInfo.model_validate)


def job_progress(job_id: int) -> Call[JobProgress]:
    return Call("GET", f"/jobs/{job_id}/progress", JobProgress.model_validate)


def cancel_job(job_id: int) -> Call[bool]:
    return Call("PUT", f"/jobs/{job_id}/cancel", lambda d: bool(d["success"]), form=True)


def rerun_job(job_id: int, job_input: Mapping[str, Any] | None, from_failure: bool) -> Call[int]:
    body: dict[str, Any] = {"fromFailure": from_failure}
    if job_input is not None:
        body["input"] = dict(job_input)
    return Call("POST", f"/jobs/{job_id}/rerun", lambda d: int(d["id"]), json=body)


def task_logs(job_id: int, task_id: str, offset: int, limit: int) -> Call[tuple[list[LogLine], int]]:
    return Call(
        "GET",
        f"/jobs/{job_id}/tasks/{task_id}/logs",
        lambda d: ([LogLine.model_validate(i) for i in d["items"]], int(d["nextOffset"])),
        params={"offset": offset, "limit": limit},
    )


def result_page(job_id: int, task_id: str, offset: int, limit: int) -> Call[dict[str, Any]]:
    return Call(
        "GET",
        f"/jobs/{job_id}/tasks/{task_id}/result",
        lambda d: dict(d),
        params={"format": "json", "offset": offset, "limit": limit},
    )


def sample_result(job_id: int, task_id: str, limit: int) -> Call[list[list[str]]]:
    return Call("GET", f"/jobs/{job_id}/tasks/{task_id}/sample_result", _page_items, params={"limit": limit})


def algorithms() -> Call[list[Algorithm]]:
    return Call("GET", "/algorithms", lambda d: [Algorithm.model_validate(i) for i in d["items"]])


def estimate(task_type: str, space: str, edges: str, props: str) -> Call[Estimate]:
    return Call(
        "GET",
        f"/algorithms/{task_type}/estimate",
        Estimate.model_validate,
        params={"space": space, "edges": edges, "props": props},
    )


def resolve_task(progress: JobProgress, task: str) -> str:
    """A task's run id from its run id, its id in the workflow schema, or its name."""
    for key in ("id", "task_id", "name"):
        hits = [t.id for t in progress.tasks if getattr(t, key) == task]
        if len(hits) == 1:
            return hits[0]
    known = ", ".join(f"{t.task_id} ({t.name})" for t in progress.tasks)
    raise ClientError(f"job {progress.id} has no task {task!r}; its tasks: {known}")


# -- plans: operations of several requests, written once for both clients ---------------------------
@dataclass(frozen=True)
class Pause:
    """A plan's step that waits instead of asking."""

    seconds: float


#: A plan yields the calls it needs (or pauses), is sent each answer, and returns its result.
Plan = Generator["Call[Any] | Pause", Any, T]
LOG_PAGE = 1000
ENDED = (Status.SUCCESS, Status.FAILED, Status.INTERRUPTED)


def drive_sync(send: Callable[[Call[Any]], Any], plan: Plan[T]) -> T:
    try:
        step = next(plan)
        while True:
            if isinstance(step, Pause):
                time.sleep(step.seconds)
                step = plan.send(None)
            else:
                step = plan.send(send(step))
    except StopIteration as done:
        result: T = done.value
        return result


async def drive_async(send: Callable[[Call[Any]], Awaitable[Any]], plan: Plan[T]) -> T:
    try:
        step = next(plan)
        while True:
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
                step = plan.send(None)
            else:
                step = plan.send(await send(step))
    except StopIteration as done:
        result: T = done.value
        return result


def wait_plan(job_id: int, progress: bool, timeout_s: float | None, poll_s: float) -> Plan[JobInfo]:
    """Poll progress until the job ends (drawing a bar if asked); the final job detail."""
    from graphmill.client.bars import make_bar
    from graphmill.client.display import progress_text

    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    bar = make_bar(f"job {job_id}") if progress else None
    try:
        while True:
            now: JobProgress = yield job_progress(job_id)
            if bar is not None:
                bar.update(now.percent, progress_text(now))
            if now.status in ENDED:
                final: JobInfo = yield get_job(job_id)
                return final
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {now.status.name.title()} after {timeout_s}s")
            yield Pause(poll_s)
    finally:
        if bar is not None:
            bar.close()


def task_ids_plan(job_id: int, task: str | None) -> Plan[list[str]]:
    progress: JobProgress = yield job_progress(job_id)
    return [resolve_task(progress, task)] if task is not None else [t.id for t in progress.tasks]


def logs_plan(job_id: int, task: str | None) -> Plan[list[LogLine]]:
    lines: list[LogLine] = []
    for tid in (yield from task_ids_plan(job_id, task)):
        offset = 0
        while True:
            page, offset = yield task_logs(job_id, tid, offset, LOG_PAGE)
            lines += page
            if len(page) < LOG_PAGE:
                break
    return lines


def result_plan(job_id: int, task: str, page_size: int) -> Plan[tuple[str, Any]]:
    """(task run id, Arrow table): JSON pages converted one by one as they arrive."""
    from graphmill.client.results import table_from_pages

    (tid,) = yield from task_ids_plan(job_id, task)
    first: dict[str, Any] = yield result_page(job_id, tid, 0, page_size)
    pages = [first["items"]]
    offset = len(first["items"])
    while offset < first["total"] and pages[-1]:
        page = yield result_page(job_id, tid, offset, page_size)
        pages.append(page["items"])
        offset += len(page["items"])
    return tid, table_from_pages(first["columns"], first["types"], pages)


def created_then(make: Call[int], then: Callable[[int], Call[T]]) -> Plan[T]:
    """Create something, then read it back (workflows, jobs)."""
    new_id: int = yield make
    created: T = yield then(new_id)
    return created
