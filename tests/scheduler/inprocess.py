"""A TaskLauncher that runs each task in a thread of the test process, not in a worker process.

For tests of scheduling (DAG order, failures, results, records): the runner, planner and engine
are the real ones, only the process around the task is left out, so such a test pays no process
start.  A stop cannot interrupt a thread: it waits for the task and reports it stopped.
"""

from __future__ import annotations

import asyncio
from typing import Any

from graphmill.scheduler.base import RunningTask, TaskEvents, TaskOutcome
from graphmill.worker import child
from graphmill.worker.launcher import ProcessLauncher, TaskPlanner
from graphmill.worker.plan import TaskPlan


class _ToLoop:
    """Stands in for the worker's pipe: each message is handled on the event loop, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, task: InProcessTask) -> None:
        self._loop = loop
        self._task = task

    def send(self, message: tuple[Any, ...]) -> None:
        self._loop.call_soon_threadsafe(self._task.handle, message)


class InProcessTask:
    pid = None

    def __init__(self, plan: TaskPlan, events: TaskEvents, note: str) -> None:
        self.plan = plan
        self._events = events
        self._note = note
        self._stopped = False
        self._done: dict[str, Any] | None = None
        self._error: str | None = None
        loop = asyncio.get_running_loop()
        reporter = child._Reporter(_ToLoop(loop, self))  # type: ignore[arg-type]
        self._thread = loop.run_in_executor(None, child.run_plan, plan, reporter)

    def handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "log":
            self._events.log(message[1], message[2])
        elif kind == "progress":
            self._events.progress(message[1], message[2], message[3])
        elif kind == "done":
            self._done = message[1]
        elif kind == "error":
            self._error = message[1]

    async def wait(self) -> TaskOutcome:
        await self._thread
        await asyncio.sleep(0)  # the messages the thread queued on the loop are handled first
        if self._stopped:
            return TaskOutcome(ok=False, stopped=True, error="stopped by cancel", note=self._note)
        if self._done is not None:
            return TaskOutcome(
                ok=True,
                result_dir=str(self.plan.out_dir),
                rows=int(self._done["rows"]),
                columns=list(self._done["columns"]),
                note=self._note,
            )
        return TaskOutcome(ok=False, error=self._error or "no result", note=self._note)

    async def stop(self) -> None:
        self._stopped = True
        await self._thread


class InProcessLauncher(ProcessLauncher):
    """Plans, logs and cleans up as the real launcher does; only ``start`` differs."""

    def __init__(self, planner: TaskPlanner) -> None:
        super().__init__(planner, grace_s=0.0)

    def start(self, plan: TaskPlan, events: TaskEvents, note: str) -> RunningTask:
        return InProcessTask(plan, events, note)
