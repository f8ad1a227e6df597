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

from graphmill.engine.loader import EdgeSource
from graphmill.scheduler.base import TaskOutcome
from graphmill.worker.plan import TaskPlan
from graphmill.worker.process import ProcessTask


class _Quiet:
    def log(self, level: str, message: str) -> None:
        pass

    def progress(self, phase: str, fraction: float | None, message: str) -> None:
        pass


def _plan(tmp_path: Path, n: int) -> TaskPlan:
    edges = tmp_path / "edges.csv"
    if not edges.exists():
        edges.write_text("".join(f"{i},{(i * 7 + 1) % 50}\n" for i in range(50)))
    source = EdgeSource(path=edges, format="csv", src=0, dst=1, weight=None, has_header=False)
    return TaskPlan(
        task_id=f"t{n}",
        task_type="analytics_wcc",
        params={},
        sources=(source,),
        vid_type="int64",
        out_dir=tmp_path / "out" / f"t{n}",
        cache_dir=None,
    )


async def _run_batch(tmp_path: Path, first: int, count: int) -> list[TaskOutcome]:
    tasks = [ProcessTask(_plan(tmp_path, first + i), _Quiet(), grace_s=0.5) for i in range(count)]
    return list(await asyncio.gather(*(t.wait() for t in tasks)))


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
    assert all(o.rows == 50 for o in outcomes)
