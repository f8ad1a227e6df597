"""``graphmill.Client``: the synchronous client (httpx)."""

from __future__ import annotations

import builtins
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

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
from graphmill.client.sse import RETRY_S, STREAM_TIMEOUT, Event, Reconnects, parse

T = TypeVar("T")
WorkflowSource = Mapping[str, Any] | str | Path


class Client:
    """A logged-in session with a graphmill (or Explorer) server; the token is kept as a cookie.

    ``Client(url, user=…, password=…)`` connects at once; without them it reads GRAPHMILL_USER and
    GRAPHMILL_PASSWORD if set.  ``url`` defaults to GRAPHMILL_URL, then http://127.0.0.1:7002.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        address: str = "127.0.0.1",
        port: int = 9669,
        encoding: Encoding = "json",
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = (url or os.environ.get("GRAPHMILL_URL") or calls.DEFAULT_URL).rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=timeout_s, transport=transport)
        self.workflows = Workflows(self)
        self.jobs = Jobs(self)
        user = user or os.environ.get("GRAPHMILL_USER")
        password = password if password is not None else os.environ.get("GRAPHMILL_PASSWORD")
        if user and password is not None:
            try:
                self.connect(user, password, address=address, port=port, encoding=encoding)
            except BaseException:
                self.close()
                raise

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"<graphmill.Client {self.url}>"

    def call(self, call: Call[T]) -> T:
        """Send one request and read its envelope (the building block of every method)."""
        try:
            response = self._http.request(**call.request_args())
        except httpx.TransportError as exc:
            raise ClientError(f"cannot reach {self.url}: {exc}") from exc
        return calls.unwrap(call, response.status_code, response.text)

    def drive(self, plan: calls.Plan[T]) -> T:
        """Run a plan of several requests (see ``calls``)."""
        return calls.drive_sync(self.call, plan)

    def connect(
        self,
        user: str,
        password: str,
        *,
        address: str = "127.0.0.1",
        port: int = 9669,
        encoding: Encoding = "json",
    ) -> None:
        """Log in to the graph database at address:port; either account encoding works."""
        self.call(calls.connect(user, password, address, port, encoding))

    def run(
        self,
        workflow: int | WorkflowSource,
        input: Mapping[str, Any] | None = None,
        *,
        strict: bool = True,
        webhook: str | None = None,
        idempotency_key: str | None = None,
    ) -> Job:
        """Start a job of a saved workflow (its id) or of a new one (a dict or JSON file)."""
        workflow_id = workflow if isinstance(workflow, int) else self.workflows.create(workflow).id
        add = calls.add_job(workflow_id, input, strict, webhook, idempotency_key)
        return Job(self, self.drive(calls.created_then(add, calls.get_job)))

    def algorithms(self) -> list[Algorithm]:
        return self.call(calls.algorithms())

    def estimate(self, task_type: str, space: str, edges: str, props: str = "") -> Estimate:
        return self.call(calls.estimate(task_type, space, edges, props))


class Workflows:
    def __init__(self, client: Client) -> None:
        self._c = client

    def create(
        self, source: WorkflowSource, *, name: str | None = None, webhook: str | None = None
    ) -> Workflow:
        """From a schema dict, an exported ``{"name","schema"}`` dict, or a JSON file of either."""
        wf_name, schema = calls.load_workflow(source, name)
        return self._c.drive(
            calls.created_then(calls.create_workflow(schema, wf_name, webhook), calls.get_workflow)
        )

    def list(self, name: str | None = None, *, page: int = 1, page_size: int = 100) -> list[WorkflowSummary]:
        return self._c.call(calls.list_workflows(name, page, page_size))[0]

    def get(self, workflow_id: int) -> Workflow:
        return self._c.call(calls.get_workflow(workflow_id))

    def update(
        self,
        workflow_id: int,
        *,
        name: str | None = None,
        schema: WorkflowSource | None = None,
        webhook: str | None = None,
    ) -> Workflow:
        new_schema = calls.load_workflow(schema, None)[1] if schema is not None else None
        return self._c.call(calls.update_workflow(workflow_id, name, new_schema, webhook))

    def clone(self, workflow_id: int, *, name: str | None = None) -> Workflow:
        return self._c.drive(calls.created_then(calls.clone_workflow(workflow_id, name), calls.get_workflow))

    def delete(self, workflow_id: int) -> bool:
        return self._c.call(calls.delete_workflow(workflow_id))

    def versions(self, workflow_id: int) -> builtins.list[WorkflowVersion]:
        return self._c.call(calls.workflow_versions(workflow_id))


class Jobs:
    def __init__(self, client: Client) -> None:
        self._c = client

    def list(
        self,
        *,
        workflow: int | None = None,
        status: Status | int | None = None,
        name: str | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> list[JobInfo]:
        return self._c.call(calls.list_jobs(workflow, status, name, page, page_size))[0]

    def get(self, job_id: int) -> Job:
        return Job(self._c, self._c.call(calls.get_job(job_id)))


class Job(JobState["Client"]):
    """A job on the server.  ``info`` is the last detail read; ``refresh()`` reads it again."""

    def refresh(self) -> Job:
        self.info = self._c.call(calls.get_job(self.id))
        return self

    def progress(self) -> JobProgress:
        return self._c.call(calls.job_progress(self.id))

    def wait(self, *, progress: bool = False, timeout_s: float | None = None, poll_s: float = 0.2) -> Job:
        """Block until the job ends (a live bar with ``progress=True``); TimeoutError after ``timeout_s``."""
        self.info = self._c.drive(calls.wait_plan(self.id, progress, timeout_s, poll_s))
        return self

    def cancel(self) -> bool:
        """True if this stopped it, False if it had already ended."""
        return self._c.call(calls.cancel_job(self.id))

    def rerun(self, *, from_failure: bool = False, input: Mapping[str, Any] | None = None) -> Job:
        rerun = calls.rerun_job(self.id, input, from_failure)
        return Job(self._c, self._c.drive(calls.created_then(rerun, calls.get_job)))

    def task_id(self, task: str) -> str:
        return calls.resolve_task(self.progress(), task)

    def logs(self, task: str | None = None) -> list[LogLine]:
        """Every log line of one task (run id, schema id or name), or of all tasks in order."""
        return self._c.drive(calls.logs_plan(self.id, task))

    def result(self, task: str, *, page_size: int = PAGE_SIZE) -> Result:
        """A task's whole result, read in pages of ``page_size`` rows, as a pyarrow Table."""
        tid, table = self._c.drive(calls.result_plan(self.id, task, page_size))
        return Result(self.id, tid, task, table)

    def download(self, task: str, dest: BinaryIO, *, format: str = "csv", header: bool = True) -> int:
        """Stream a task's whole result as CSV or Parquet into ``dest``; the number of bytes."""
        tid = self.task_id(task)
        params = {"format": format, "header": str(header).lower()}
        call = Call("GET", f"/jobs/{self.id}/tasks/{tid}/result", lambda d: d, params=params)
        written = 0
        with self._c._http.stream("GET", call.url, params=params) as response:
            if response.status_code != 200:
                calls.unwrap(call, response.status_code, response.read().decode())
            for chunk in response.iter_bytes():
                dest.write(chunk)
                written += len(chunk)
        return written

    def sample(self, task: str, limit: int = 10) -> list[list[str]]:
        return self._c.call(calls.sample_result(self.id, self.task_id(task), limit))

    def events(self, *, reconnect_s: float = 30.0) -> Iterator[Event]:
        """Server-Sent Events until ``end``; across a server restart it reconnects (the server starts
        again with a ``snapshot``), and raises StreamLost if it cannot within ``reconnect_s``."""
        reconnects = Reconnects(self.id, self._c.url, reconnect_s)
        call = Call("GET", f"/jobs/{self.id}/events", lambda d: d)
        while True:
            try:
                with self._c._http.stream("GET", call.url, timeout=STREAM_TIMEOUT) as response:
                    if response.status_code != 200:
                        calls.unwrap(call, response.status_code, response.read().decode())
                    reconnects.connected()
                    for event in parse(response.iter_lines()):
                        yield event
                        if event.kind == "end":
                            return
            except (httpx.TransportError, httpx.StreamError):
                pass
            reconnects.broke()
            time.sleep(RETRY_S)
