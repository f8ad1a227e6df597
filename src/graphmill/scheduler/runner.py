"""Runs jobs as DAGs of tasks on the event loop; the work itself happens elsewhere.

- Up to ``max_jobs`` jobs and ``max_tasks`` tasks run at once (Explorer: 3 and 10).
- A task starts when all its upstream tasks succeeded.  A failed task fails the job;
  branches that do not depend on it still run to the end, and the tasks downstream of
  it never start: they are marked Interrupted with the reason, so no record of a
  finished job claims to be waiting.
- Cancel is a persisted request (the store's ``cancel_requested`` and status 5) that the
  runner acts on: it stops the running tasks' processes, then moves everything to 4.
- On start, jobs a crash left Running/Stopping end as Interrupted with the reason, and
  jobs still Preparing (nothing ran yet) are picked up again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from graphmill.errors import GraphmillError
from graphmill.models import Job, Status, TaskRun
from graphmill.scheduler.base import RunningTask, TaskEvents, TaskLauncher, TaskOutcome, TaskProgress
from graphmill.scheduler.events import EventHub, JobEvent
from graphmill.store.base import MetadataStore
from graphmill.types import JobId, TaskRunId

log = logging.getLogger("graphmill.scheduler")

Clock = Callable[[], int]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class _Events:
    """Task events recorded in the store (logs) and in memory (latest progress)."""

    def __init__(self, runner: Runner, job_id: JobId, task_id: TaskRunId) -> None:
        self._runner = runner
        self._job_id = job_id
        self._task_id = task_id

    def log(self, level: str, message: str) -> None:
        self._runner.store.append_log(self._task_id, self._runner.clock(), level, message)

    def progress(self, phase: str, fraction: float | None, message: str) -> None:
        self._runner.progress[self._task_id] = TaskProgress(phase, fraction, message)
        self._runner.hub.publish(
            JobEvent(
                "progress",
                self._job_id,
                {"taskId": self._task_id, "phase": phase, "fraction": fraction, "message": message},
            )
        )


class Runner:
    def __init__(
        self,
        store: MetadataStore,
        launcher: TaskLauncher,
        *,
        max_jobs: int = 3,
        max_tasks: int = 10,
        clock: Clock = wall_clock_ms,
        poll_interval_s: float = 1.0,
        memory_budget_bytes: int = 0,
        hub: EventHub | None = None,
    ) -> None:
        self.store = store
        self.launcher = launcher
        self.clock = clock
        self.max_jobs = max_jobs
        self._task_slots = asyncio.Semaphore(max_tasks)
        self._poll_interval_s = poll_interval_s
        self._wake = asyncio.Event()
        self._active: dict[JobId, asyncio.Task[None]] = {}
        self._cancel: dict[JobId, asyncio.Event] = {}
        self._handles: dict[JobId, dict[TaskRunId, RunningTask]] = {}
        self._main: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        #: Latest progress report of each running task.
        self.progress: dict[TaskRunId, TaskProgress] = {}
        self.hub = hub or EventHub()
        #: Memory all running tasks were estimated to need; 0 budget = no admission control.
        self.memory_budget_bytes = memory_budget_bytes
        self.reserved_bytes = 0
        #: Long-lived processes' memory (the server's Spark driver), charged once while they live.
        self.resident_bytes: dict[str, int] = {}
        self._resident_users: collections.Counter[str] = collections.Counter()
        self._memory_freed = asyncio.Condition()

    # -- recorded moves ------------------------------------------------------------------
    def _move_job(self, job_id: JobId, new: Status, *, now_ms: int, reason: str | None = None) -> bool:
        moved = self.store.move_job(job_id, new, now_ms=now_ms, reason=reason)
        if moved:
            log.info("job %s", _describe(new, reason), extra={"job_id": job_id})
            self.hub.publish(
                JobEvent("job", job_id, {"status": int(new), "time": now_ms, "reason": reason or ""})
            )
            if new.is_terminal:
                self.hub.job_ended(job_id)
        return moved

    def _move_task(
        self, task_id: TaskRunId, new: Status, *, now_ms: int, reason: str | None = None, job_id: JobId = 0
    ) -> bool:
        moved = self.store.move_task(task_id, new, now_ms=now_ms, reason=reason)
        if moved:
            self._announce_task(job_id or self.store.get_task(task_id).job_id, task_id, new, now_ms, reason)
        return moved

    def _announce_task(
        self, job_id: JobId, task_id: TaskRunId, new: Status, now_ms: int, reason: str | None
    ) -> None:
        log.info("task %s", _describe(new, reason), extra={"job_id": job_id, "task_id": task_id})
        self.hub.publish(
            JobEvent(
                "task",
                job_id,
                {"taskId": task_id, "status": int(new), "time": now_ms, "reason": reason or ""},
            )
        )

    # -- lifecycle ---------------------------------------------------------------------
    def reconcile(self) -> list[JobId]:
        """End every job a previous process left Running or Stopping; return their ids."""
        now = self.clock()
        ended: list[JobId] = []
        for job_id in self.store.job_ids_in(frozenset({Status.RUNNING, Status.STOPPING})):
            job = self.store.get_job(job_id)
            cancelled = job.status is Status.STOPPING
            reason = (
                "cancelled by user; the server restarted before the cancel completed"
                if cancelled
                else "interrupted: the server stopped while the job was running"
            )
            for task in job.tasks:
                if task.status.is_terminal:
                    continue
                why = reason if task.status is not Status.PREPARING else "not run: " + reason
                if task.status is Status.RUNNING:
                    self._move_task(task.id, Status.STOPPING, now_ms=now)
                self._move_task(task.id, Status.INTERRUPTED, now_ms=now, reason=why)
                self.launcher.discard_result(job, task)
            if job.status is Status.RUNNING:
                self._move_job(job_id, Status.STOPPING, now_ms=now)
            self._move_job(job_id, Status.INTERRUPTED, now_ms=now, reason=reason)
            log.warning("job %s ended as Interrupted at start-up: %s", job_id, reason)
            ended.append(job_id)
        return ended

    async def start(self, *, start_workers: bool = False) -> None:
        """Admit jobs from now on; with ``start_workers``, fork the warm worker processes too."""
        self.reconcile()
        self._loop = asyncio.get_running_loop()
        if start_workers:
            self.launcher.start_workers()
        self._main = asyncio.create_task(self._admit_forever(), name="graphmill-scheduler")

    def _on_loop(self, call: Callable[[], None]) -> None:
        """Run ``call`` on the scheduler's event loop: now if this is it, else as soon as it can.

        Submission runs in a worker thread (a big workflow takes a while to check); asyncio
        events and the SSE queues may only be touched from the loop's own thread.
        """
        loop = self._loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is None or running is loop:
            call()
        else:
            loop.call_soon_threadsafe(call)

    def notify(self) -> None:
        """Something changed (a job was added or finished): look for work now.  Any thread."""
        self._on_loop(self._wake.set)

    async def shutdown(self) -> None:
        """Stop admitting jobs, stop running tasks and record why."""
        self._closing = True
        if self._main is not None:
            self._main.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._main
        for job_id in list(self._active):
            await self._stop_job(job_id, "interrupted: the server shut down")
        await self.launcher.close()

    # -- admission -------------------------------------------------------------------------
    async def _admit_forever(self) -> None:
        while not self._closing:
            try:
                self._admit()
            except Exception:  # the loop must survive anything a single admission does
                log.exception("scheduler admission failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval_s)

    def _admit(self) -> None:
        if len(self._active) >= self.max_jobs:
            return
        for job_id in self.store.job_ids_in(frozenset({Status.PREPARING})):
            if len(self._active) >= self.max_jobs:
                break
            if job_id in self._active:
                continue
            if not self._fits_now(job_id):
                continue  # waits in Preparing until memory frees up
            self._cancel[job_id] = asyncio.Event()
            self._handles[job_id] = {}
            self._active[job_id] = asyncio.create_task(self._run_job(job_id), name=f"job-{job_id}")

    def _fits_now(self, job_id: JobId) -> bool:
        """Whether the job's largest task fits in the memory not reserved by running tasks."""
        if not self.memory_budget_bytes or not self.reserved_bytes:
            return True
        peak = max((t.estimated_bytes for t in self.store.get_job(job_id).tasks), default=0)
        return self.reserved_bytes + peak <= self.memory_budget_bytes

    def _held_resident_bytes(self) -> int:
        """Memory of the long-lived processes that still run or that a running task is about to start."""
        for key in [k for k in self.resident_bytes if not self._resident_users[k]]:
            if not self.launcher.resident_alive(key):
                del self.resident_bytes[key]
        return sum(self.resident_bytes.values())

    async def _reserve(self, job: Job, task: TaskRun, cancel: asyncio.Event) -> _Charge | None:
        """Wait until the task fits in the budget (a task alone always fits); None if cancelled.

        A task that runs in a long-lived process (``launcher.resident_need``) is charged that
        process's memory only if no earlier task has it charged already: the process stays
        charged, while it lives, as :attr:`resident_bytes`; the task itself adds the rest of
        its estimate.
        """
        need = self.launcher.resident_need(job, task) if self.memory_budget_bytes else None
        own = task.estimated_bytes - (need.nbytes if need is not None else 0)
        async with self._memory_freed:
            while self.memory_budget_bytes and self.reserved_bytes:
                held = self._held_resident_bytes()
                starts = need.nbytes if need is not None and need.key not in self.resident_bytes else 0
                if self.reserved_bytes + held + max(0, own) + starts <= self.memory_budget_bytes:
                    break
                if cancel.is_set():
                    return None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._memory_freed.wait(), 0.2)
            if need is not None:
                self.resident_bytes.setdefault(need.key, need.nbytes)
                self._resident_users[need.key] += 1
            self.reserved_bytes += max(0, own)
            return _Charge(max(0, own), need.key if need is not None else None)

    async def _release(self, charge: _Charge) -> None:
        async with self._memory_freed:
            self.reserved_bytes -= charge.nbytes
            if charge.resident is not None:
                self._resident_users[charge.resident] -= 1
            self._memory_freed.notify_all()
        self.notify()

    def finish_without_tasks(self, job_id: JobId) -> None:
        """A job with nothing to run (every result kept by a rerun) succeeds at once.  Any thread."""
        self._on_loop(lambda: self._finish_without_tasks(job_id))

    def _finish_without_tasks(self, job_id: JobId) -> None:
        now = self.clock()
        self._move_job(job_id, Status.RUNNING, now_ms=now)
        self._move_job(job_id, Status.SUCCESS, now_ms=self.clock())

    def worker_pids(self) -> list[int]:
        return [h.pid for handles in self._handles.values() for h in handles.values() if h.pid is not None]

    # -- cancel -----------------------------------------------------------------------------
    def is_active(self, job_id: JobId) -> bool:
        return job_id in self._active

    async def cancel(self, job_id: JobId) -> bool:
        """Cancel a job: True if it was not finished.  Returns once the job is in status 5 or 4."""
        job = self.store.get_job(job_id, with_tasks=False)
        if job.status.is_terminal:
            return False
        now = self.clock()
        self.store.request_cancel(job_id)
        if not self._move_job(job_id, Status.STOPPING, now_ms=now, reason="cancelled by user"):
            # Finished (or already stopping) in the meantime.
            return not self.store.get_job(job_id, with_tasks=False).status.is_terminal
        if job_id in self._active:
            self._cancel[job_id].set()
        else:
            # Not picked up yet: nothing runs, so it can end right away.
            await self._finish_interrupted(job_id, "cancelled by user before it started")
        return True

    async def _stop_job(self, job_id: JobId, reason: str) -> None:
        now = self.clock()
        if self._move_job(job_id, Status.STOPPING, now_ms=now, reason=reason):
            pass
        event = self._cancel.get(job_id)
        if event is not None:
            event.set()
        task = self._active.get(job_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _finish_interrupted(self, job_id: JobId, reason: str) -> None:
        # A job may have thousands of tasks: their records change in a worker thread, so the
        # event loop (every other request) does not wait for the database meanwhile.
        job = await asyncio.to_thread(self.store.get_job, job_id)
        now = self.clock()
        moves: list[tuple[TaskRunId, Status, str | None]] = []
        for task in job.tasks:
            if task.status.is_terminal:
                continue
            why = reason if task.status is not Status.PREPARING else f"not run: {reason}"
            if task.status is Status.RUNNING:
                moves.append((task.id, Status.STOPPING, None))
            moves.append((task.id, Status.INTERRUPTED, why))
        moved = await asyncio.to_thread(self._store_moves, moves, now)
        for task_id, new, task_reason in moved:
            self._announce_task(job_id, task_id, new, now, task_reason)
        self._move_job(job_id, Status.INTERRUPTED, now_ms=now, reason=job.reason or reason)

    def _store_moves(
        self, moves: list[tuple[TaskRunId, Status, str | None]], now_ms: int
    ) -> list[tuple[TaskRunId, Status, str | None]]:
        return [m for m in moves if self.store.move_task(m[0], m[1], now_ms=now_ms, reason=m[2])]

    # -- running a job -------------------------------------------------------------------------
    async def _run_job(self, job_id: JobId) -> None:
        try:
            await self._run_job_inner(job_id)
        except Exception as exc:  # never leave a job in a state that lies
            log.exception("job %s crashed in the scheduler", job_id)
            with contextlib.suppress(Exception):
                self._fail_job(job_id, f"scheduler error: {exc}")
        finally:
            self._active.pop(job_id, None)
            self._cancel.pop(job_id, None)
            self._handles.pop(job_id, None)
            self.notify()

    def _fail_job(self, job_id: JobId, reason: str) -> None:
        job = self.store.get_job(job_id)
        now = self.clock()
        for task in job.tasks:
            if not task.status.is_terminal:
                if task.status is Status.RUNNING:
                    self._move_task(task.id, Status.FAILED, now_ms=now, reason=reason)
                else:
                    self._move_task(task.id, Status.INTERRUPTED, now_ms=now, reason=f"not run: {reason}")
        if (
            not self._move_job(job_id, Status.FAILED, now_ms=now, reason=reason)
            and job.status is Status.STOPPING
        ):
            self._move_job(job_id, Status.INTERRUPTED, now_ms=now)

    async def _run_job_inner(self, job_id: JobId) -> None:
        cancel = self._cancel[job_id]
        if not self._move_job(job_id, Status.RUNNING, now_ms=self.clock()):
            # A cancel got there first: the job is Stopping and nothing has run.
            await self._finish_interrupted(job_id, "cancelled by user before it started")
            return
        job = self.store.get_job(job_id)
        upstream = _upstream_of(job)
        by_id = {t.schema_task_id: t for t in job.tasks}
        # A rerun from failure starts with the kept tasks already successful.
        done: dict[str, TaskOutcome] = {
            t.schema_task_id: TaskOutcome(ok=True, result_dir=t.result_dir, rows=t.result_rows)
            for t in job.tasks
            if t.status is Status.SUCCESS
        }
        running: dict[asyncio.Task[TaskOutcome], TaskRun] = {}
        started: set[str] = set()  # schema ids in ``running``: O(1) membership, not a scan
        failure: str | None = None
        cancel_wait = asyncio.create_task(cancel.wait())
        stop_sent = False
        try:
            while True:
                if not cancel.is_set():
                    # Independent branches go on after a failure; only what depends on a failed
                    # task never starts (Airflow's all_success rule).
                    for task in job.tasks:
                        sid = task.schema_task_id
                        if sid in done or sid in started:
                            continue
                        ups = upstream.get(sid, [])
                        if all(u in done and done[u].ok for u in ups):
                            up_runs = {u: self.store.get_task(by_id[u].id) for u in ups}
                            running[asyncio.create_task(self._run_task(job, task, up_runs))] = task
                            started.add(sid)
                if not running:
                    break
                waiters: set[asyncio.Future[Any]] = set(running)
                if not stop_sent:
                    waiters.add(cancel_wait)
                finished, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                if cancel_wait in finished and not stop_sent:
                    stop_sent = True
                    await asyncio.gather(*(h.stop() for h in list(self._handles[job_id].values())))
                for fut in finished:
                    if fut is cancel_wait:
                        continue
                    task = running.pop(cast("asyncio.Task[TaskOutcome]", fut))
                    started.discard(task.schema_task_id)
                    outcome = cast(TaskOutcome, fut.result())
                    done[task.schema_task_id] = outcome
                    if not outcome.ok and not outcome.stopped and failure is None:
                        failure = f"task {task.schema_task_id} ({task.name}) failed: {outcome.error}"
        finally:
            cancel_wait.cancel()
        if cancel.is_set():
            await self._finish_interrupted(
                job_id, self.store.get_job(job_id, with_tasks=False).reason or "cancelled"
            )
        elif failure is not None:
            self._fail_job(job_id, failure)
        else:
            self._move_job(job_id, Status.SUCCESS, now_ms=self.clock())

    async def _run_task(self, job: Job, task: TaskRun, upstream: dict[str, TaskRun]) -> TaskOutcome:
        cancel = self._cancel[job.id]
        async with self._task_slots:
            charge = None if cancel.is_set() else await self._reserve(job, task, cancel)
            if charge is None:
                outcome = TaskOutcome(ok=False, stopped=True, error="cancelled before it started")
                self._record_outcome(job, task, outcome)
                return outcome
            try:
                return await self._run_reserved(job, task, upstream, cancel)
            finally:
                await self._release(charge)

    async def _run_reserved(
        self, job: Job, task: TaskRun, upstream: dict[str, TaskRun], cancel: asyncio.Event
    ) -> TaskOutcome:
        if not self._move_task(task.id, Status.RUNNING, now_ms=self.clock(), job_id=job.id):
            return TaskOutcome(ok=False, stopped=True, error="task was not runnable")
        events: TaskEvents = _Events(self, job.id, task.id)
        try:
            handle = self.launcher.launch(job, task, upstream, events)
        except GraphmillError as exc:
            outcome = TaskOutcome(ok=False, error=exc.detail or exc.name)
        except Exception as exc:
            log.exception("launching task %s failed", task.id)
            outcome = TaskOutcome(ok=False, error=f"{type(exc).__name__}: {exc}")
        else:
            self._handles[job.id][task.id] = handle
            if cancel.is_set():  # the cancel came while the process was starting
                await handle.stop()
            try:
                outcome = await handle.wait()
            finally:
                self._handles[job.id].pop(task.id, None)
        self._record_outcome(job, task, outcome)
        return outcome

    def _record_outcome(self, job: Job, task: TaskRun, outcome: TaskOutcome) -> None:
        now = self.clock()
        self.progress.pop(task.id, None)
        if outcome.note:
            self.store.set_task_note(task.id, outcome.note)
        if outcome.peak_bytes:
            self.store.set_task_memory(task.id, peak_bytes=outcome.peak_bytes)
        if outcome.ok:
            self.store.record_task_result(
                task.id, result_dir=outcome.result_dir, rows=outcome.rows, columns=outcome.columns
            )
            if not self._move_task(task.id, Status.SUCCESS, now_ms=now):
                log.warning("task %s finished after it was stopped; result kept, status unchanged", task.id)
            return
        self.launcher.discard_result(job, task)
        if outcome.stopped:
            self._move_task(task.id, Status.STOPPING, now_ms=now)
            self._move_task(task.id, Status.INTERRUPTED, now_ms=now, reason=outcome.error or "stopped")
        else:
            self.store.append_log(task.id, now, "error", outcome.error)
            self._move_task(task.id, Status.FAILED, now_ms=now, reason=outcome.error)


@dataclass(frozen=True, slots=True)
class _Charge:
    """What a running task has reserved: its own bytes, and the long-lived process it uses."""

    nbytes: int
    resident: str | None


def _upstream_of(job: Job) -> dict[str, list[str]]:
    deps = job.schema.get("deps") or []
    ups: dict[str, list[str]] = {t.schema_task_id: [] for t in job.tasks}
    if isinstance(deps, list):
        for d in deps:
            if isinstance(d, dict):
                src, dst = d.get("src"), d.get("dst")
                if isinstance(src, str) and isinstance(dst, str) and dst in ups and src not in ups[dst]:
                    ups[dst].append(src)
    return ups


def _describe(status: Status, reason: str | None) -> str:
    return status.name.lower() + (f": {reason}" if reason else "")
