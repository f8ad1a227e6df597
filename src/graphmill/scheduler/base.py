"""What the scheduler needs from whoever actually runs a task (injected, never imported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from graphmill.models import Job, TaskRun


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    ok: bool
    #: Why it failed ("" on success).
    error: str = ""
    #: True when the task ended because it was stopped, not by itself.
    stopped: bool = False
    result_dir: str = ""
    rows: int = 0
    columns: list[str] = field(default_factory=list)
    #: A remark to keep on the task record (e.g. how a sink was resolved).
    note: str = ""
    #: Peak resident memory of the worker process, when known.
    peak_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Resident:
    """Memory a long-lived process the launcher keeps for many tasks holds (the server's Spark
    driver): admission control charges it once, from its first task until the process ends."""

    key: str
    nbytes: int


@dataclass(frozen=True, slots=True)
class TaskProgress:
    """The latest progress report of a running task."""

    phase: str
    fraction: float | None
    message: str


class TaskEvents(Protocol):
    """Callbacks a running task reports through."""

    def log(self, level: str, message: str) -> None: ...

    def progress(self, phase: str, fraction: float | None, message: str) -> None: ...


class RunningTask(Protocol):
    @property
    def pid(self) -> int | None:
        """The worker process id, if the task runs in a process of its own."""
        ...

    async def wait(self) -> TaskOutcome: ...

    async def stop(self) -> None:
        """Stop the task now and return once its process is gone."""
        ...


class TaskLauncher(Protocol):
    def launch(
        self, job: Job, task: TaskRun, upstream: dict[str, TaskRun], events: TaskEvents
    ) -> RunningTask:
        """Start ``task``.  Raises GraphmillError when it cannot be planned (bad datasource …)."""
        ...

    def discard_result(self, job: Job, task: TaskRun) -> None:
        """Remove whatever a task that did not succeed left in its result folder."""
        ...

    def resident_need(self, job: Job, task: TaskRun) -> Resident | None:
        """The long-lived process ``task`` runs in, if any (its estimate includes that process's memory)."""
        ...

    def resident_alive(self, key: str) -> bool:
        """Whether the long-lived process ``key`` still runs (holds its memory)."""
        ...

    def start_workers(self) -> None:
        """Start the idle worker processes now, not at the first task (the server's start)."""
        ...

    async def close(self) -> None:
        """Release what the launcher holds (idle worker processes); tasks are stopped already."""
        ...
