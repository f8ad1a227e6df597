"""Domain records and the job/task lifecycle.

Statuses are Explorer's numbers (api.md §4).  The transition table is the single
place that says which moves are legal; the store refuses any other move, so a
finished job can never be changed by a late cancel or a late worker report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from graphmill.types import JobId, JSONObject, SchemaTaskId, TaskRunId, WorkflowId


class Status(IntEnum):
    #: Accepted, waiting for a slot (or, for a task, for its upstream tasks).
    PREPARING = 0
    RUNNING = 1
    SUCCESS = 2
    FAILED = 3
    #: Stopped by a cancel, a crash or a shutdown; the reason is recorded beside it.
    INTERRUPTED = 4
    #: A cancel was requested and work is being stopped.
    STOPPING = 5

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({Status.SUCCESS, Status.FAILED, Status.INTERRUPTED})

#: Allowed moves.  Terminal states have no way out.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PREPARING: frozenset({Status.RUNNING, Status.STOPPING, Status.INTERRUPTED, Status.FAILED}),
    Status.RUNNING: frozenset({Status.SUCCESS, Status.FAILED, Status.STOPPING, Status.INTERRUPTED}),
    Status.STOPPING: frozenset({Status.INTERRUPTED}),
    Status.SUCCESS: frozenset(),
    Status.FAILED: frozenset(),
    Status.INTERRUPTED: frozenset(),
}


def can_transition(old: Status, new: Status) -> bool:
    return new in TRANSITIONS[old]


#: The roles of an account: an admin sees and manages everything; a user their own and what is shared.
ROLES = ("admin", "user")
ADMIN = "admin"
#: Who owns what existed before owners did, and what the default account creates.
DEFAULT_OWNER = "root"


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    role: str
    #: Tokens carry the epoch they were issued in; a password change bumps it.
    token_epoch: int

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


@dataclass(slots=True)
class Workflow:
    id: WorkflowId
    name: str
    schema: JSONObject
    version: int
    create_time_ms: int
    update_time_ms: int
    #: URL that receives a signed POST when a job of this workflow ends ("" = none).
    webhook: str = ""
    #: The account that created it (graphmill's extension; see ``/workflows/<id>/access``).
    owner: str = DEFAULT_OWNER


@dataclass(slots=True)
class TaskRun:
    """One component of a job, as it runs."""

    id: TaskRunId
    job_id: JobId
    schema_task_id: SchemaTaskId
    name: str
    type: str
    status: Status = Status.PREPARING
    begin_time_ms: int = 0
    end_time_ms: int = 0
    #: Why the task ended the way it did (error message, "cancelled by user", …).
    reason: str = ""
    #: Where the result files are, relative to the files root ("" until written).
    result_dir: str = ""
    result_rows: int = 0
    result_columns: list[str] = field(default_factory=list)
    note: str = ""
    #: Id of the task (of an earlier job) whose result a rerun kept, "" if it ran itself.
    reused_from: str = ""
    estimated_bytes: int = 0
    peak_bytes: int = 0


@dataclass(slots=True)
class Job:
    id: JobId
    name: str
    workflow_id: WorkflowId
    workflow_name: str
    workflow_version: int
    status: Status
    create_time_ms: int
    begin_time_ms: int = 0
    end_time_ms: int = 0
    #: The exact workflow schema this job runs, with the job's input applied.
    schema: JSONObject = field(default_factory=dict)
    input: JSONObject = field(default_factory=dict)
    reason: str = ""
    cancel_requested: bool = False
    #: The job this one reran (``POST /jobs/<id>/rerun``), if any.
    rerun_of: JobId | None = None
    idempotency_key: str | None = None
    webhook: str = ""
    tasks: list[TaskRun] = field(default_factory=list)
    #: The account that started it.
    owner: str = DEFAULT_OWNER
