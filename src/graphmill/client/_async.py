"""``graphmill.AsyncClient``: the asyncio twin of ``graphmill.Client``, method for method."""

from __future__ import annotations

import asyncio
import builtins
import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import httpx

from graphmill.client import calls
from graphmill.client._job import JobState
from graphmill.client.calls import Call, Encoding
from graphmill.client.errors import ClientError
from graphmill.client.models import (
    Algorithm,
    Estimate,
    JobInfo,
    JobProgress,
    LogLine,
    Status,
    Workflow,
    WorkflowSummary,
    WorkflowVersion,
)
from graphmill.client.results import PAGE_SIZE, Result
from graphmill.client.sse import RETRY_S, STREAM_TIMEOUT, Event, EventParser, Reconnects

T = TypeVar("T")
WorkflowSource = Mapping[str, Any] | str | Path


class AsyncClient:
    """``async with AsyncClient(url) as c: await c.connect(user, password)``."""

    def __init__(
        self,
        url: str | None = None,
        *,
        timeout_s: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = (url or os.environ.get("GRAPHMILL_URL") or calls.DEFAULT_URL).rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.url, timeout=timeout_s, transport=transport)
        self.workflows = AsyncWorkflows(self)
        self.jobs = AsyncJobs(self)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"<graphmill.AsyncClient {self.url}>"

    async def call(self, call: Call[T]) -> T:
        try:
            response = await self._http.request(**call.request_args())
        except httpx.TransportError as exc:
            raise ClientError(f"cannot reach {self.url}: {exc}") from exc
        return calls.unwrap(call, response.status_code, response.text)

    async def drive(self, plan: calls.Plan[T]) -> T:
        return await calls.drive_async(self.call, plan)

    async def connect(
        self,
        user: str | None = None,
        password: str | None = None,
        *,
        address: str = "127.0.0.1",
        port: int = 9669,
        encoding: Encoding = "json",
    ) -> None:
        """Log in; user and password default to GRAPHMILL_USER / GRAPHMILL_PASSWORD."""
        user = user or os.environ.get("GRAPHMILL_USER", "root")
        password = password if password is not None else os.environ.get("GRAPHMILL_PASSWORD", "nebula")
        await self.call(calls.connect(user, password, address, port, encoding))

    async def run(
        self,
        workflow: int | WorkflowSource,
        input: Mapping[str, Any] | None = None,
        *,
        strict: bool = True,
        webhook: str | None = None,
        idempotency_key: str | None = None,
    ) -> AsyncJob:
        workflow_id = workflow if isinstance(workflow, int) else (await self.workflows.create(workflow)).id
        add = calls.add_job(workflow_id, input, strict, webhook, idempotency_key)
        return AsyncJob(self, await self.drive(calls.created_then(add, calls.get_job)))

    async def algorithms(self) -> list[Algorithm]:
        return await self.call(calls.algorithms())

    async def estimate(self, task_type: str, space: str, edges: str, props: str = "") -> Estimate:
        return await self.call(calls.estimate(task_type, space, edges, props))


class AsyncWorkflows:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def create(
        self, source: WorkflowSource, *, name: str | None = None, webhook: str | None = None
    ) -> Workflow:
        wf_name, schema = calls.load_workflow(source, name)
        create = calls.create_workflow(schema, wf_name, webhook)
        return await self._c.drive(calls.created_then(create, calls.get_workflow))

    async def list(
        self, name: str | None = None, *, page: int = 1, page_size: int = 100
    ) -> list[WorkflowSummary]:
        return (await self._c.call(calls.list_workflows(name, page, page_size)))[0]

    async def get(self, workflow_id: int) -> Workflow:
        return await self._c.call(calls.get_workflow(workflow_id))

    async def update(
        self,
        workflow_id: int,
        *,
        name: str | None = None,
        schema: WorkflowSource | None = None,
        webhook: str | None = None,
    ) -> Workflow:
        new_schema = calls.load_workflow(schema, None)[1] if schema is not None else None
        return await self._c.call(calls.update_workflow(workflow_id, name, new_schema, webhook))

    async def clone(self, workflow_id: int, *, name: str | None = None) -> Workflow:
        clone = calls.clone_workflow(workflow_id, name)
        return await self._c.drive(calls.created_then(clone, calls.get_workflow))

    async def delete(self, workflow_id: int) -> bool:
        return await self._c.call(calls.delete_workflow(workflow_id))

    async def versions(self, workflow_id: int) -> builtins.list[WorkflowVersion]:
        return await self._c.call(calls.workflow_versions(workflow_id))


class AsyncJobs:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def list(
        self,
        *,
        workflow: int | None = None,
        status: Status | int | None = None,
        name: str | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> list[JobInfo]:
        return (await self._c.call(calls.list_jobs(workflow, status, name, page, page_size)))[0]

    async def get(self, job_id: int) -> AsyncJob:
        return AsyncJob(self._c, await self._c.call(calls.get_job(job_id)))


class AsyncJob(JobState["AsyncClient"]):
    async def refresh(self) -> AsyncJob:
        self.info = await self._c.call(calls.get_job(self.id))
        return self

    async def progress(self) -> JobProgress:
        return await self._c.call(calls.job_progress(self.id))

    async def wait(
        self, *, progress: bool = False, timeout_s: float | None = None, poll_s: float = 0.2
    ) -> AsyncJob:
        self.info = await self._c.drive(calls.wait_plan(self.id, progress, timeout_s, poll_s))
        return self

    async def cancel(self) -> bool:
        return await self._c.call(calls.cancel_job(self.id))

    async def rerun(self, *, from_failure: bool = False, input: Mapping[str, Any] | None = None) -> AsyncJob:
        rerun = calls.rerun_job(self.id, input, from_failure)
        return AsyncJob(self._c, await self._c.drive(calls.created_then(rerun, calls.get_job)))

    async def task_id(self, task: str) -> str:
        return calls.resolve_task(await self.progress(), task)

    async def logs(self, task: str | None = None) -> list[LogLine]:
        return await self._c.drive(calls.logs_plan(self.id, task))

    async def result(self, task: str, *, page_size: int = PAGE_SIZE) -> Result:
        tid, table = await self._c.drive(calls.result_plan(self.id, task, page_size))
        return Result(self.id, tid, task, table)

    async def events(self, *, reconnect_s: float = 30.0) -> AsyncIterator[Event]:
        """As ``Job.events``: reconnects across a server restart, or raises StreamLost."""
        reconnects = Reconnects(self.id, self._c.url, reconnect_s)
        call = Call("GET", f"/jobs/{self.id}/events", lambda d: d)
        while True:
            try:
                async with self._c._http.stream("GET", call.url, timeout=STREAM_TIMEOUT) as response:
                    if response.status_code != 200:
                        calls.unwrap(call, response.status_code, (await response.aread()).decode())
                    reconnects.connected()
                    parser = EventParser()
                    async for line in response.aiter_lines():
                        event = parser.feed(line)
                        if event is None:
                            continue
                        yield event
                        if event.kind == "end":
                            return
            except (httpx.TransportError, httpx.StreamError):
                pass
            reconnects.broke()
            await asyncio.sleep(RETRY_S)
