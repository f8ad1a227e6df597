"""Worker processes, watched from the event loop, and a task running in one.

Processes come from a forkserver that has the engine preloaded.  The parent reads each
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
import collections
import contextlib
import multiprocessing as mp
import multiprocessing.process
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from graphmill.scheduler.base import TaskEvents, TaskOutcome
from graphmill.worker import child
from graphmill.worker.plan import TaskPlan
from graphmill.worker.report import TaskReport

_context: Any = None
#: Preloaded last: sets up numba's CPU target in the forkserver (see its docstring).
_NUMBA = "graphmill.worker.numba_target"

Message = tuple[Any, ...]


def _mp_context() -> Any:
    global _context
    if _context is None:
        ctx = mp.get_context("forkserver")
        # numba's import alone is ~0.3 s, its CPU target's set-up more: pay them once in the
        # forkserver, not in every worker.  (No kernel runs there: that would start threads,
        # and forking after that is unsafe.)
        ctx.set_forkserver_preload(["graphmill.worker.child", "graphmill.engine.algorithms._kernels", _NUMBA])
        _context = ctx
    return _context


class WorkerProcess:
    """One worker process and the duplex pipe to it; every method runs on the event loop."""

    def __init__(
        self, *, reusable: bool, target: Callable[..., None] | None = None, args: tuple[Any, ...] = ()
    ) -> None:
        """A worker (``child.serve``), or with ``target`` another process on the same pipe protocol."""
        ctx = _mp_context()
        ours, theirs = ctx.Pipe(duplex=True)
        self._conn: Connection = ours
        self._inbox: collections.deque[Message] = collections.deque()
        self._fd = ours.fileno()
        self._watching = False
        self._eof = False
        self._arrived: asyncio.Future[None] | None = None
        self._exit: asyncio.Future[None] | None = None
        if target is None:
            target, args = child.serve, (reusable,)
        self.process = ctx.Process(target=target, args=(theirs, *args), name="graphmill-worker")
        self.process.start()
        _detach(self.process)
        theirs.close()

    @property
    def pid(self) -> int | None:
        pid: int | None = self.process.pid
        return pid

    @property
    def exitcode(self) -> int | None:
        code: int | None = self.process.exitcode
        return code

    def send(self, *message: Any) -> bool:
        """Send a message; False if the process is gone (its pipe is closed)."""
        try:
            self._conn.send(message)
        except (OSError, ValueError):
            return False
        return True

    async def receive(self) -> Message | None:
        """The next message from the process; None once it closed its end (exited).

        One loop reader per pipe, kept while the process lives: a waiter that is cancelled
        (an idle worker's watch, when a task takes the worker) leaves it in place.
        """
        while not self._inbox and not self._eof:
            self._watch_pipe()
            self._arrived = asyncio.get_running_loop().create_future()
            await self._arrived
        return self._inbox.popleft() if self._inbox else None

    def _watch_pipe(self) -> None:
        if not self._watching and not self._eof:
            asyncio.get_running_loop().add_reader(self._fd, self._on_readable)
            self._watching = True

    def _unwatch_pipe(self) -> None:
        if self._watching:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._watching = False

    def _on_readable(self) -> None:
        try:
            while self._conn.poll():
                self._inbox.append(self._conn.recv())
        except (EOFError, OSError):
            self._eof = True
            self._unwatch_pipe()
        if self._arrived is not None and not self._arrived.done():
            self._arrived.set_result(None)

    def _exit_signal(self) -> asyncio.Future[None]:
        """Done once the process's sentinel is readable: one loop reader for every waiter."""
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

    async def exited(self, timeout_s: float | None = None) -> bool:
        """Wait (on the loop) until the process has exited, at most ``timeout_s``; whether it has."""
        if self.process.exitcode is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._exit_signal()), timeout_s)
            # Readable sentinel or not, join(0) never blocks; it runs on this thread only.
            self.process.join(0)
        return self.process.exitcode is not None

    async def stop(self, grace_s: float) -> None:
        """SIGTERM, then SIGKILL after ``grace_s``; returns once the process is gone."""
        if not await self.exited(0):
            self.process.terminate()
            if not await self.exited(grace_s):
                self.process.kill()
                await self.exited()

    async def retire(self, grace_s: float) -> None:
        """Close the pipe (an idle process then ends by itself), stop it if it does not, reap it."""
        self._unwatch_pipe()
        self._eof = True
        if self._arrived is not None and not self._arrived.done():
            self._arrived.set_result(None)  # a waiting receive() gets None
        self._conn.close()
        if not await self.exited(grace_s):
            await self.stop(grace_s)


def _detach(process: Any) -> None:
    """Make this module the only code that polls ``process`` (see the module docstring)."""
    children: set[Any] = getattr(multiprocessing.process, "_children", set())
    children.discard(process)


#: Called when a task is over: its worker, and whether the task ran to its end (else the
#: process is gone or going).
Release = Callable[[WorkerProcess, bool], None]


class ProcessTask:
    """One task running in a worker process (implements scheduler.base.RunningTask).

    ``acquire`` gives the worker: an idle one can have died unnoticed (killed from outside,
    its exit not yet reported), so a worker that goes away before it says a word about the
    task is replaced, once, by a new process (``acquire(True)``), instead of failing a task
    that never ran.
    """

    def __init__(
        self,
        acquire: Callable[[bool], WorkerProcess],
        plan: TaskPlan,
        events: TaskEvents,
        *,
        grace_s: float,
        release: Release,
        note: str = "",
    ) -> None:
        self.plan = plan
        self._acquire = acquire
        self._grace_s = grace_s
        self._release = release
        self.report = TaskReport(plan, events, note)
        self._released = False
        self.worker = acquire(False)
        self._sent = self.worker.send("task", plan)

    @property
    def pid(self) -> int | None:
        return self.worker.pid

    async def wait(self) -> TaskOutcome:
        # ("peak", bytes) is the task's last message: what the process does after it (tidy up
        # and offer itself for another task, or exit) is the pool's business, not the task's.
        finished = heard = False
        for attempt in range(2):
            if self._sent:
                while not finished and (msg := await self.worker.receive()) is not None:
                    if msg == ("ready",):  # a spare taken while it warmed up: its warm-up ended
                        continue
                    heard = True
                    self.report.handle(msg)
                    finished = msg[0] == "peak"
            if finished or heard or self.report.stopped or attempt:
                break
            self._release(self.worker, False)  # gone before it started the task: use another
            self.worker = self._acquire(True)
            self._sent = self.worker.send("task", self.plan)
        if not finished:
            await self.worker.exited()
        self._released = True
        self._release(self.worker, finished and not self.report.stopped)
        return self.report.outcome(finished=finished, exitcode=self.worker.exitcode)

    async def stop(self) -> None:
        if self._released:  # over already: the process may be running someone else's task now
            return
        self.report.stopped = True
        await self.worker.stop(self._grace_s)
