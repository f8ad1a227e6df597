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
from graphmill.worker.report import TaskReport


class _ToLoop:
    """Stands in for the worker's pipe: each message is handled on the event loop, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, report: TaskReport) -> None:
        self._loop = loop
        self._report = report

    def send(self, message: tuple[Any, ...]) -> None:
        self._loop.call_soon_threadsafe(self._report.handle, message)


class InProcessTask:
    pid = None

    def __init__(self, plan: TaskPlan, events: TaskEvents, note: str) -> None:
        self.report = TaskReport(plan, events, note)
        loop = asyncio.get_running_loop()
        reporter = child._Reporter(_ToLoop(loop, self.report))  # type: ignore[arg-type]
        self._thread = loop.run_in_executor(None, child.run_plan, plan, reporter)

    async def wait(self) -> TaskOutcome:
        await self._thread
        await asyncio.sleep(0)  # the messages the thread queued on the loop are handled first
        return self.report.outcome(finished=True, exitcode=0)

    async def stop(self) -> None:
        self.report.stopped = True
        await self._thread


class InProcessLauncher(ProcessLauncher):
    """Plans, logs and cleans up as the real launcher does; only ``start`` differs."""

    def __init__(self, planner: TaskPlanner) -> None:
        super().__init__(planner, grace_s=0.0)

    def start(self, plan: TaskPlan, events: TaskEvents, note: str) -> RunningTask:
        return InProcessTask(plan, events, note)
