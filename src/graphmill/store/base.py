"""What the service and scheduler need from a metadata store.

The SQLite store implements it; a PostgreSQL store can implement the same contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from graphmill.models import Job, Status, TaskRun, Workflow
from graphmill.types import JobId, JSONObject, TaskRunId, WorkflowId


@dataclass(frozen=True, slots=True)
class JobFilter:
    name: str | None = None
    status: Status | None = None
    from_create_time_ms: int | None = None
    to_create_time_ms: int | None = None
    newest_first: bool = True
    workflow_id: WorkflowId | None = None


@dataclass(frozen=True, slots=True)
class LogLine:
    seq: int
    time_ms: int
    level: str
    message: str


class MetadataStore(Protocol):
    def close(self) -> None: ...

    # workflows
    def create_workflow(self, workflow: Workflow) -> None: ...
    def workflow_exists(self, workflow_id: WorkflowId) -> bool: ...
    def get_workflow(self, workflow_id: WorkflowId) -> Workflow: ...
    def update_workflow(
        self, workflow_id: WorkflowId, *, name: str | None, schema: JSONObject | None, now_ms: int
    ) -> Workflow: ...
    def delete_workflow(self, workflow_id: WorkflowId) -> None: ...
    def list_workflows(
        self, *, name: str | None, offset: int, limit: int
    ) -> tuple[list[Workflow], int]: ...

    # jobs and tasks
    def create_job(self, job: Job) -> JobId: ...
    def get_job(self, job_id: JobId, *, with_tasks: bool = True) -> Job: ...
    def list_jobs(self, flt: JobFilter, *, offset: int, limit: int) -> tuple[list[Job], int]: ...
    def job_ids_in(self, statuses: frozenset[Status]) -> list[JobId]: ...
    def move_job(
        self, job_id: JobId, new: Status, *, now_ms: int, reason: str | None = None
    ) -> bool: ...
    def request_cancel(self, job_id: JobId) -> None: ...
    def move_task(
        self, task_id: TaskRunId, new: Status, *, now_ms: int, reason: str | None = None
    ) -> bool: ...
    def record_task_result(
        self, task_id: TaskRunId, *, result_dir: str, rows: int, columns: list[str]
    ) -> None: ...
    def set_task_note(self, task_id: TaskRunId, note: str) -> None: ...
    def get_task(self, task_id: TaskRunId) -> TaskRun: ...
    def append_log(self, task_id: TaskRunId, time_ms: int, level: str, message: str) -> None: ...
    def read_logs(self, task_id: TaskRunId, *, offset: int, limit: int) -> list[LogLine]: ...
