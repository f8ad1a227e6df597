"""Starting, watching and stopping worker processes from the event loop.

Processes come from a forkserver that has the engine preloaded.  The parent reads the
pipe with ``loop.add_reader`` (no thread per task), and a stop is SIGTERM, then SIGKILL
after a grace period: a task busy inside a native kernel cannot ignore it.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import signal
from multiprocessing.connection import Connection
from typing import Any

from graphmill.scheduler.base import TaskEvents, TaskOutcome
from graphmill.worker import child
from graphmill.worker.plan import TaskPlan

_context: Any = None


def _mp_context() -> Any:
    global _context
    if _context is None:
        ctx = mp.get_context("forkserver")
        # numba's import alone is ~0.3 s: pay it once in the forkserver, not in every task.
        # (Only imports: a kernel run there would start threads, and forking after that is unsafe.)
        ctx.set_forkserver_preload(["graphmill.worker.child", "graphmill.engine.algorithms._kernels"])
        _context = ctx
    return _context


class ProcessTask:
    """One task running in a worker process (implements scheduler.base.RunningTask)."""

    def __init__(self, plan: TaskPlan, events: TaskEvents, *, grace_s: float, note: str = "") -> None:
        ctx = _mp_context()
        self.plan = plan
        self._events = events
        self._grace_s = grace_s
        self._note = note
        self._stopped = False
        self._done: dict[str, Any] | None = None
        self._error: str | None = None
        self._peak = 0
        reader, writer = ctx.Pipe(duplex=False)
        self._conn: Connection = reader
        self.process = ctx.Process(
            target=child.run, args=(plan, writer), name=f"graphmill-task-{plan.task_id}"
        )
        self.process.start()
        writer.close()

    @property
    def pid(self) -> int | None:
        pid: int | None = self.process.pid
        return pid

    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "log":
            self._events.log(msg[1], msg[2])
        elif kind == "progress":
            self._events.progress(msg[1], msg[2], msg[3])
        elif kind == "done":
            self._done = msg[1]
        elif kind == "error":
            self._error = msg[1]
        elif kind == "peak":
            self._peak = int(msg[1])

    async def wait(self) -> TaskOutcome:
        loop = asyncio.get_running_loop()
        eof: asyncio.Future[None] = loop.create_future()
        fd = self._conn.fileno()

        def on_readable() -> None:
            try:
                while self._conn.poll():
                    self._handle(self._conn.recv())
            except (EOFError, OSError):
                loop.remove_reader(fd)
                if not eof.done():
                    eof.set_result(None)

        loop.add_reader(fd, on_readable)
        try:
            await eof
        finally:
            loop.remove_reader(fd)
            self._conn.close()
        await loop.run_in_executor(None, self.process.join)
        return self._outcome()

    def _outcome(self) -> TaskOutcome:
        plan = self.plan
        if self._stopped:
            return TaskOutcome(
                ok=False, stopped=True, error="stopped by cancel", note=self._note, peak_bytes=self._peak
            )
        if self._done is not None and self.process.exitcode == 0:
            return TaskOutcome(
                ok=True,
                result_dir=str(plan.out_dir),
                rows=int(self._done["rows"]),
                columns=list(self._done["columns"]),
                note=self._note,
                peak_bytes=self._peak,
            )
        if self._error is not None:
            return TaskOutcome(ok=False, error=self._error, note=self._note, peak_bytes=self._peak)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            why = f"the worker process was killed by {name}"
            if -code == signal.SIGKILL:
                why += " (out of memory?)"
        else:
            why = f"the worker process exited with code {code}"
        return TaskOutcome(ok=False, error=why, note=self._note)

    async def stop(self) -> None:
        self._stopped = True
        loop = asyncio.get_running_loop()
        if self.process.is_alive():
            self.process.terminate()
            await loop.run_in_executor(None, self.process.join, self._grace_s)
        if self.process.is_alive():
            self.process.kill()
        await loop.run_in_executor(None, self.process.join)
