"""The server's long-lived Spark driver process (``[spark] session = "server"``), seen from the server.

The driver is a process of its own (``worker.driver_child``), so a Spark job never holds up
the API: the server only reads its pipe on the event loop.  It is started on the first Spark
task, started again for the next task when it died (the tasks it was running fail, saying
so), and stopped with the server.  A cancel is the task's ``cancelJobGroup`` in the driver:
the session stays up for the next task.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

from graphmill.scheduler.base import TaskEvents, TaskOutcome
from graphmill.spark.config import SparkConfig
from graphmill.worker import driver_child
from graphmill.worker.plan import TaskPlan
from graphmill.worker.process import WorkerProcess
from graphmill.worker.report import TaskReport, exit_reason

log = logging.getLogger("graphmill.worker")

#: A cancelled task whose driver has not let go of it after this long takes the driver down.
_STUCK_CANCEL_S = 30.0
#: How long the driver has to stop its session when the server shuts down.
_STOP_GRACE_S = 10.0


class SparkDriver:
    """Owns the driver process and routes its messages to the tasks running in it."""

    def __init__(self, *, grace_s: float) -> None:
        self.grace_s = grace_s
        self._process: WorkerProcess | None = None
        self._keys = itertools.count(1)
        #: Task key → (the process running it, its message queue); until the task's end.
        self._tasks: dict[int, tuple[WorkerProcess, asyncio.Queue[tuple[Any, ...]]]] = {}
        self._background: set[asyncio.Task[None]] = set()

    @property
    def alive(self) -> bool:
        """Whether the driver process runs (and holds its memory)."""
        return self._process is not None and self._process.exitcode is None

    def start(self, plan: TaskPlan, events: TaskEvents, note: str) -> DriverTask:
        process = self._driver(plan.spark or SparkConfig(session="server"))
        key = next(self._keys)
        queue: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self._tasks[key] = (process, queue)
        if not process.send("task", key, plan):
            queue.put_nowait(("gone", "the Spark driver process had ended; the next task starts a new one"))
        return DriverTask(self, key, queue, TaskReport(plan, events, note))

    def _driver(self, config: SparkConfig) -> WorkerProcess:
        """The running driver process, or a new one (the first Spark task, or the last one died)."""
        if self._process is None or self._process.exitcode is not None:
            self._process = WorkerProcess(reusable=False, target=driver_child.serve, args=(config,))
            log.info("started the Spark driver process %s (session = server)", self._process.pid)
            self._in_background(self._read(self._process))
        return self._process

    async def _read(self, process: WorkerProcess) -> None:
        why = ""
        while (message := await process.receive()) is not None:
            if message[0] == "task":
                entry = self._tasks.get(message[1])
                if entry is not None:
                    entry[1].put_nowait(message[2])
                    if message[2][0] == "end":
                        del self._tasks[message[1]]
            elif message[1] == "broken":
                why = str(message[2])
                log.warning("%s", why)
            else:
                log.info("Spark driver process %s: %s", process.pid, message[2])
        await process.exited()
        if self._process is process:
            self._process = None
        why = why or (
            "the Spark driver process ended while running the task: "
            + exit_reason(process.exitcode, "the driver process")
        )
        for key, (owner, queue) in list(self._tasks.items()):
            if owner is process:
                del self._tasks[key]
                queue.put_nowait(("gone", why))

    def cancel(self, key: int) -> None:
        """Ask the driver to cancel the task's job group; take the driver down if it never lets go."""
        entry = self._tasks.get(key)
        if entry is not None and entry[0].send("cancel", key):
            self._in_background(self._watch_cancel(key, entry[0]))

    async def _watch_cancel(self, key: int, process: WorkerProcess) -> None:
        await asyncio.sleep(_STUCK_CANCEL_S)
        if key in self._tasks and self._tasks[key][0] is process:
            log.warning(
                "the Spark driver did not let go of a cancelled task in %.0fs: stopping it", _STUCK_CANCEL_S
            )
            await process.stop(self.grace_s)

    def _in_background(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        """Stop the driver: closing its pipe stops the session; killed if it takes too long."""
        process, self._process = self._process, None
        if process is not None:
            await process.retire(_STOP_GRACE_S)
        for task in list(self._background):
            task.cancel()


class DriverTask:
    """One task running in the server's Spark session (implements scheduler.base.RunningTask)."""

    def __init__(
        self,
        driver: SparkDriver,
        key: int,
        queue: asyncio.Queue[tuple[Any, ...]],
        report: TaskReport,
    ) -> None:
        self._driver = driver
        self._key = key
        self._queue = queue
        self.report = report
        self._over = asyncio.Event()
        self._drain: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return None  # the driver process is the server's, shared by its Spark tasks

    async def wait(self) -> TaskOutcome:
        finished = False
        while True:
            message = await self._queue.get()
            if message[0] in ("end", "stopped"):
                finished = message[0] == "end"
                break
            if message[0] == "gone":
                if not self.report.stopped:
                    self.report.handle(("error", message[1]))
                break
            self.report.handle(message)
        self._over.set()
        if not finished and self.report.stopped:
            # Stopped before the driver answered: its last log lines (jobs ended) still reach /logs.
            self._drain = asyncio.get_running_loop().create_task(self._log_rest())
        return self.report.outcome(finished=finished, exitcode=None)

    async def _log_rest(self) -> None:
        while (message := await self._queue.get())[0] not in ("end", "gone"):
            if message[0] == "log":
                self.report.handle(message)

    async def stop(self) -> None:
        """Cancel the task's Spark jobs; back within the grace period even if the driver is slow.

        The task counts as stopped from then on; the driver's answer (its jobs ended) comes
        in the task log if it comes in time, and a driver that never lets go is stopped.
        """
        if self._over.is_set():
            return
        self.report.stopped = True
        self._driver.cancel(self._key)
        try:
            await asyncio.wait_for(asyncio.shield(self._over.wait()), self._driver.grace_s)
        except TimeoutError:
            self._queue.put_nowait(("stopped",))  # wait() returns at once, as a stopped task
