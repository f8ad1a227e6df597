"""Starting, watching and stopping worker processes from the event loop.

Processes come from a forkserver that has the engine preloaded.  The parent reads the
pipe with ``loop.add_reader`` (no thread per task), and a stop is SIGTERM, then SIGKILL
after a grace period: a task busy inside a native kernel cannot ignore it.

Each process has exactly one owner that reads its exit status: the event-loop thread.
A forkserver child's exit code arrives once, as 8 bytes on its sentinel pipe; a second
reader gets EOF and multiprocessing reports 255.  So the process is taken out of
multiprocessing's registry of children right after it starts (else any ``Process.start()``
or ``active_children()``, in any thread, polls it too), and its exit is awaited on the
loop (never ``join()`` in a thread pool).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import multiprocessing.process
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
        self._exit: asyncio.Future[None] | None = None
        reader, writer = ctx.Pipe(duplex=False)
        self._conn: Connection = reader
        self.process = ctx.Process(
            target=child.run, args=(plan, writer), name=f"graphmill-task-{plan.task_id}"
        )
        self.process.start()
        _detach(self.process)
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
        await self._exited()
        return self._outcome()

    def _exit_signal(self) -> asyncio.Future[None]:
        """Done once the process's sentinel is readable: one loop reader shared by wait() and stop()."""
        if self._exit is None:
            loop = asyncio.get_running_loop()
            self._exit = exit_future = loop.create_future()
            sentinel = self.process.sentinel

            def on_exit() -> None:
                loop.remove_reader(sentinel)
                if not exit_future.done():
                    exit_future.set_result(None)

            loop.add_reader(sentinel, on_exit)
        return self._exit

    async def _exited(self, timeout_s: float | None = None) -> bool:
        """Wait (on the loop) until the process has exited, at most ``timeout_s``; whether it has."""
        if self.process.exitcode is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._exit_signal()), timeout_s)
            # Readable sentinel or not, join(0) never blocks; it runs on this thread only.
            self.process.join(0)
        return self.process.exitcode is not None

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
        if await self._exited(0):
            return
        self.process.terminate()
        if not await self._exited(self._grace_s):
            self.process.kill()
            await self._exited()


def _detach(process: Any) -> None:
    """Make this module the only code that polls ``process`` (see the module docstring)."""
    children: set[Any] = getattr(multiprocessing.process, "_children", set())
    children.discard(process)
