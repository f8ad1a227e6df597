"""Each worker process has exactly one owner that reads its exit status (issue 8, item 3).

With the forkserver, a child's exit code arrives once, over a pipe.  Anything else in the
server that polls multiprocessing's children (``Process.start()``, ``active_children()``)
from another thread used to race the task's own ``join()``: the loser read EOF and the task
ended Failed with "the worker process exited with code 255" after writing its results.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from pathlib import Path

from graphmill.scheduler.base import TaskOutcome
from graphmill.worker.process import ProcessTask, WorkerProcess
from tests.worker.tasks import QuietEvents, wcc_plan


async def _run_batch(tmp_path: Path, first: int, count: int) -> list[TaskOutcome]:
    finished: list[WorkerProcess] = []
    tasks = [
        ProcessTask(
            lambda _fresh: WorkerProcess(reusable=False),
            wcc_plan(tmp_path, first + i),
            QuietEvents(),
            grace_s=0.5,
            release=lambda worker, _reusable: finished.append(worker),
        )
        for i in range(count)
    ]
    outcomes = list(await asyncio.gather(*(t.wait() for t in tasks)))
    # A one-task worker exits by itself after its task: its exit code is read once, correctly.
    assert all([await w.exited(30) for w in finished])
    assert [w.exitcode for w in finished] == [0] * count
    return outcomes


def test_no_spurious_exit_code_while_other_threads_poll_children(tmp_path: Path) -> None:
    """Another thread polling every child (as Process.start() does) never steals a task's exit code."""
    stop = threading.Event()

    def poll_children() -> None:
        while not stop.is_set():
            multiprocessing.active_children()

    poller = threading.Thread(target=poll_children, daemon=True)
    poller.start()
    outcomes: list[TaskOutcome] = []
    try:
        for batch in range(6):
            outcomes += asyncio.run(_run_batch(tmp_path, batch * 5, 5))
    finally:
        stop.set()
        poller.join()
    failed = [o.error for o in outcomes if not o.ok]
    assert failed == [], failed
    assert all(o.rows > 0 for o in outcomes)
