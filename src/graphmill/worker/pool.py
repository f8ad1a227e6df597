"""Warm worker processes, so a small job does not pay for a process start.

``spares`` idle workers are kept ready, each forked from the forkserver and warmed up
(it has run the common small-job path once).  The server starts them when it starts
(``start``); else the first task does.  A task takes an idle worker, else a spare still
warming up (which stops its warm-up at the next step and runs the task, then finishes the
warm-up after it), else a fresh process; a worker
that finished its task cleanly goes back to the pool, and anything else (a failure, a
cancel, a kill, too much memory left behind) retires it.  The pool then starts
replacements in the background.  With ``spares == 0`` every task gets a fresh process that
runs only that task, as before the pool existed.

Why a warming spare beats a fresh process: on a server's first big job, a fresh process
loaded its kernels inside the task while both spares warmed up beside it (three processes
on two cores); measured in bench/RESULTS.md ("The first job of a fresh server").

Only the event-loop thread touches the pool and its processes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from graphmill.worker.process import WorkerProcess

log = logging.getLogger("graphmill.worker")


class WorkerPool:
    def __init__(self, spares: int, *, grace_s: float) -> None:
        self.spares = spares
        self._grace_s = grace_s
        #: Idle workers, each with the task that watches it for an early death.
        self._idle: dict[WorkerProcess, asyncio.Task[None]] = {}
        self._warming: dict[WorkerProcess, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._closed = False
        self._started = False

    @property
    def idle_pids(self) -> list[int]:
        return [w.pid for w in self._idle if w.pid is not None]

    @property
    def warming_pids(self) -> list[int]:
        return [w.pid for w in self._warming if w.pid is not None]

    def start(self) -> None:
        """Fork the spares now (the server's start calls this): they warm up in the background.

        The first call starts the forkserver, which imports the engine first: about a second
        that the server's first task paid before.  Later calls do nothing.
        """
        if not self._started:
            self._started = True
            self._top_up()

    def acquire(self, fresh: bool = False) -> WorkerProcess:
        """A live idle worker, else a spare still warming up, else (or when ``fresh``) a new process.

        A borrowed worker comes back, so borrowing starts no spare; losing one does (see
        ``release``).  A pool nobody started is started by its first task.
        """
        worker = None
        while self._idle and worker is None and not fresh:
            candidate, watch = self._idle.popitem()
            watch.cancel()
            if candidate.exitcode is None:
                worker = candidate
            else:  # died while idle, not yet noticed: reap and replace it, take the next
                self._in_background(self._retire(candidate))
        if worker is None and self._warming and not fresh:
            # It stops its warm-up at the next step and reads the task; its ("ready",) reaches the task first.
            worker, warming = self._warming.popitem()
            warming.cancel()
        if worker is None:
            worker = WorkerProcess(reusable=self.spares > 0)
        self.start()
        return worker

    def release(self, worker: WorkerProcess, finished: bool) -> None:
        """A task is over: a worker whose task ran to its end may come back once it says so."""
        if finished and self.spares > 0:
            self._in_background(self._take_back(worker))
        else:
            self._in_background(self._retire(worker))

    async def _retire(self, worker: WorkerProcess) -> None:
        await worker.retire(self._grace_s)
        self._top_up()

    async def _take_back(self, worker: WorkerProcess) -> None:
        # The worker tidies up first (or exits, when it must not be reused): off the task's path.
        if await worker.receive() == ("ready",):
            self._keep(worker)
        else:
            await self._retire(worker)

    def _keep(self, worker: WorkerProcess) -> None:
        if not self._closed and len(self._idle) < self.spares:
            self._idle[worker] = self._in_background(self._watch_idle(worker))
        else:  # a burst is over: more workers than spares came back
            self._in_background(worker.retire(self._grace_s))

    async def _watch_idle(self, worker: WorkerProcess) -> None:
        """An idle worker says nothing: its pipe closing means it died (killed from outside)."""
        try:
            await worker.receive()
        except asyncio.CancelledError:
            return  # acquired, or the pool closes
        if self._idle.pop(worker, None) is not None:
            log.warning("an idle worker process died (exit code %s); replacing it", worker.exitcode)
            await self._retire(worker)

    def _top_up(self) -> None:
        while not self._closed and len(self._idle) + len(self._warming) < self.spares:
            worker = WorkerProcess(reusable=True)
            self._warming[worker] = self._in_background(self._warm(worker))

    async def _warm(self, worker: WorkerProcess) -> None:
        try:
            ready = worker.send("warm") and await worker.receive() == ("ready",)
        except asyncio.CancelledError:
            return  # a task took the worker (acquire), or the pool closes (close retires it)
        self._warming.pop(worker, None)
        if ready:
            self._keep(worker)
            return
        if not self._closed:
            log.warning("a spare worker process did not warm up (exit code %s)", worker.exitcode)
        await worker.retire(self._grace_s)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def close(self) -> None:
        """Stop every worker the pool holds (running tasks are the runner's to stop)."""
        self._closed = True
        warming, self._warming = self._warming, {}
        for worker, warm in warming.items():
            warm.cancel()
            self._in_background(worker.retire(self._grace_s))
        idle, self._idle = self._idle, {}
        for worker, watch in idle.items():
            watch.cancel()
            self._in_background(worker.retire(self._grace_s))
        # Bounded: whatever is still busy then (a worker tidying up) dies with the server anyway.
        if self._background:
            await asyncio.wait(set(self._background), timeout=self._grace_s + 5)
