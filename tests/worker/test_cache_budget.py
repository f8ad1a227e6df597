"""A worker keeps the graph cache within GRAPHMILL_GRAPH_CACHE_MB after each task (issue 13 item 7)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from graphmill.engine import graph_cache
from graphmill.worker.pool import WorkerPool
from graphmill.worker.process import ProcessTask
from tests.worker.tasks import QuietEvents, wcc_plan


def test_the_worker_evicts_down_to_the_budget_after_a_task(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    async def run_two() -> None:
        pool = WorkerPool(0, grace_s=0.5)
        try:
            for n, edges in enumerate((1000, 2000)):
                plan = dataclasses.replace(
                    wcc_plan(tmp_path, n, edges=edges), cache_dir=cache, cache_budget_bytes=1
                )
                task = ProcessTask(pool.acquire, plan, QuietEvents(), grace_s=0.5, release=pool.release)
                assert (await task.wait()).ok
                await task.worker.exited(30)  # the budget is enforced after the task's last message
        finally:
            await pool.close()

    asyncio.run(run_two())
    left = graph_cache.entries(cache)
    assert [Path(e.sources[0]).name for e in left] == ["edges-2000.parquet"]
