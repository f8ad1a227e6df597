"""Typed objects of the client, parsed from the server's JSON (names in snake_case).

A test checks every model against the OpenAPI document's schema of the same shape, so the
client and the server cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from graphmill.models import Status

__all__ = [
    "Algorithm",
    "Estimate",
    "JobInfo",
    "JobProgress",
    "LogLine",
    "Problem",
    "Status",
    "TaskInfo",
    "TaskProgress",
    "Workflow",
    "WorkflowSummary",
    "WorkflowVersion",
]


class Model(BaseModel):
    """Unknown keys from a newer server are kept, not refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow", frozen=True)


class Problem(Model):
    task: str | None = None
    field: str
    reason: str


class WorkflowSummary(Model):
    id: int
    name: str
    create_time: int
    update_time: int


class Workflow(WorkflowSummary):
    schema_: dict[str, Any] = Field(alias="schema", validation_alias=AliasChoices("schema", "schema_"))
    valid: bool = True
    problems: list[Problem] = []


class WorkflowVersion(Model):
    version: int
    name: str
    create_time: int
    schema_: dict[str, Any] = Field(alias="schema", validation_alias=AliasChoices("schema", "schema_"))
    current: bool = False


class TaskInfo(Model):
    id: str
    name: str
    run_begin_time: str
    run_end_time: str
    status: Status


class JobInfo(Model):
    id: int
    name: str
    workflow_id: str
    workflow_name: str
    status: Status
    tasks: list[TaskInfo] | None
    run_begin_time: int
    run_end_time: int
    create_time: int


class TaskProgress(Model):
    id: str
    task_id: str
    name: str
    status: Status
    percent: float
    phase: str
    message: str
    rows_written: int
    reused_from: str
    estimated_bytes: int
    peak_bytes: int


class JobProgress(Model):
    id: int
    status: Status
    percent: float
    elapsed_ms: int
    remaining_ms: int | None
    reason: str
    rerun_of: int | None
    tasks: list[TaskProgress]


class LogLine(Model):
    seq: int
    time: int
    level: str
    message: str


class Algorithm(Model):
    type: str
    name: str
    group: str
    needs_weight: bool
    output_columns: list[str] | None
    parameters: dict[str, Any]


class Estimate(Model):
    type: str
    vertices: int
    edges: int
    weighted: bool
    estimated_bytes: int
    budget_bytes: int
    fits: bool


#: Client model → the OpenAPI component it mirrors (checked by a test).
MIRRORS: dict[type[Model], str] = {
    Problem: "Problem",
    WorkflowSummary: "WorkflowItem",
    Workflow: "WorkflowDetail",
    WorkflowVersion: "WorkflowVersion",
    TaskInfo: "TaskItem",
    JobInfo: "JobItem",
    TaskProgress: "TaskProgress",
    JobProgress: "JobProgress",
    LogLine: "LogLine",
    Algorithm: "Algorithm",
    Estimate: "Estimate",
}
