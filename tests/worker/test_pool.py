"""The warm worker pool: reuse, per-task peak memory, replacement, cancel, shutdown (issue 13 item 5)."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import psutil

from graphmill.scheduler.base import TaskOutcome
from graphmill.worker.pool import WorkerPool
from graphmill.worker.process import ProcessTask
from tests.worker.tasks import QuietEvents, wcc_plan


async def run_in_pool(pool: WorkerPool, tmp_path: Path, n: int, edges: int = 50) -> tuple[TaskOutcome, int]:
    task = ProcessTask(
        pool.acquire, wcc_plan(tmp_path, n, edges=edges), QuietEvents(), grace_s=0.5, release=pool.release
    )
    outcome = await task.wait()
    assert task.pid is not None
    return outcome, task.pid  # the process that ran it


async def settle(pool: WorkerPool, idle: int) -> None:
    """Until the pool has ``idle`` warm workers (spares warm up and workers come back in the background)."""
    for _ in range(600):
        if len(pool.idle_pids) == idle:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"pool has {len(pool.idle_pids)} idle workers, expected {idle}")


def test_a_worker_is_reused_and_measures_each_task_peak_alone(tmp_path: Path) -> None:
    async def scenario() -> None:
        pool = WorkerPool(1, grace_s=0.5)
        pool.start()  # as the server does at its start
        spare = pool.warming_pids
        try:
            big, big_pid = await run_in_pool(pool, tmp_path, 0, edges=2_000_000)
            await settle(pool, 1)
            small, small_pid = await run_in_pool(pool, tmp_path, 1)
            await settle(pool, 1)
            again, again_pid = await run_in_pool(pool, tmp_path, 2)
        finally:
            await pool.close()
        assert [big.ok, small.ok, again.ok] == [True, True, True]
        assert small_pid == again_pid  # the warm worker took the next task
        assert [big_pid] == spare  # the spare, still warming up, took the first task: no third process
        # ... and came back after it: Arrow's allocator gave back the pages the big task freed.
        assert small_pid == big_pid
        # A reused process's lifetime high-water mark would repeat the big task's peak.
        assert 0 < small.peak_bytes < big.peak_bytes - 50 * 2**20, (small.peak_bytes, big.peak_bytes)
        assert big_pid > 0

    asyncio.run(scenario())


def test_a_task_given_to_a_warming_spare_cuts_its_warm_up_short(tmp_path: Path) -> None:
    """The spare stops warming up at the next step and runs the task; the rest of its warm-up
    runs after the task, without counting against the task's memory: the worker is reused,
    and its next task finds the warm-up over."""

    async def scenario() -> tuple[list[str], list[str]]:
        pool = WorkerPool(1, grace_s=0.5)
        pool.start()
        spare = pool.warming_pids
        await asyncio.sleep(0.05)  # the pool sends ("warm",): the spare is busy warming up
        first_events, second_events = QuietEvents(), QuietEvents()
        try:
            first = ProcessTask(
                pool.acquire, wcc_plan(tmp_path, 0), first_events, grace_s=0.5, release=pool.release
            )
            assert (await first.wait()).ok
            await settle(pool, 1)
            second = ProcessTask(
                pool.acquire, wcc_plan(tmp_path, 1), second_events, grace_s=0.5, release=pool.release
            )
            assert (await second.wait()).ok
        finally:
            await pool.close()
        assert [first.pid] == spare == [second.pid]
        return first_events.lines, second_events.lines

    first_lines, second_lines = asyncio.run(scenario())
    cut = [line for line in first_lines if "warm-up was cut short" in line]
    assert len(cut) == 1, first_lines
    # Sent right after the spare started: cut well before the warm-up's last step.
    assert "KCore (read-only)" not in cut[0], cut
    assert not any("warm-up was cut short" in line for line in second_lines), second_lines


def test_a_killed_idle_worker_is_replaced_and_no_task_fails(tmp_path: Path) -> None:
    async def scenario() -> None:
        pool = WorkerPool(2, grace_s=0.5)
        try:
            first, _ = await run_in_pool(pool, tmp_path, 0)
            await settle(pool, 2)
            victims = pool.idle_pids
            for pid in victims:
                os.kill(pid, signal.SIGKILL)
            outcome, pid = await run_in_pool(pool, tmp_path, 1)
            assert pid not in victims
            await settle(pool, 2)
            assert not set(pool.idle_pids) & set(victims)
        finally:
            await pool.close()
        assert first.ok, first
        assert outcome.ok, outcome

    asyncio.run(scenario())


def test_a_stopped_task_kills_its_worker_and_the_pool_refills(tmp_path: Path) -> None:
    async def scenario() -> None:
        pool = WorkerPool(1, grace_s=0.5)
        try:
            await run_in_pool(pool, tmp_path, 0)
            await settle(pool, 1)
            task = ProcessTask(
                pool.acquire,
                wcc_plan(tmp_path, 1, edges=4_000_000),
                QuietEvents(),
                grace_s=0.5,
                release=pool.release,
            )
            assert task.pid is not None
            victim = psutil.Process(task.pid)
            await asyncio.sleep(0.2)
            await task.stop()
            outcome = await task.wait()
            assert outcome.stopped
            assert not outcome.ok
            assert not victim.is_running() or victim.status() == psutil.STATUS_ZOMBIE
            await settle(pool, 1)
            assert task.pid not in pool.idle_pids
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_closing_the_pool_ends_its_idle_workers(tmp_path: Path) -> None:
    async def scenario() -> list[int]:
        pool = WorkerPool(2, grace_s=0.5)
        await run_in_pool(pool, tmp_path, 0)
        await settle(pool, 2)
        pids = pool.idle_pids
        await pool.close()
        return pids

    async def closed_while_warming() -> list[int]:
        pool = WorkerPool(1, grace_s=0.5)
        pool.start()
        pids = pool.warming_pids
        await pool.close()
        return pids

    pids = asyncio.run(scenario()) + asyncio.run(closed_while_warming())
    assert len(pids) == 3
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
