"""The real ``scheduler.base.TaskLauncher``: each task runs in a (warm, pooled) worker process."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from graphmill.models import Job, TaskRun
from graphmill.scheduler.base import Resident, RunningTask, TaskEvents
from graphmill.spark.config import DRIVER_RESIDENT
from graphmill.worker.driver import SparkDriver
from graphmill.worker.plan import TaskPlan
from graphmill.worker.pool import WorkerPool
from graphmill.worker.process import ProcessTask


class TaskPlanner(Protocol):
    """Turns a task of a job into a worker plan (implemented by ``service.planning.Planner``)."""

    def plan(self, job: Job, task: TaskRun, upstream: dict[str, TaskRun]) -> tuple[TaskPlan, str, str]:
        """(plan, note for the task record, description of the input)."""
        ...

    def out_dir(self, job_id: int, task_id: str) -> Path: ...

    def warnings(self, job: Job, task: TaskRun) -> list[str]:
        """Lines for the task log before it runs (spec keys kept but not used)."""
        ...

    def resident_need(self, job: Job, task: TaskRun) -> Resident | None:
        """The server's Spark driver, for a task that runs in it."""
        ...


class ProcessLauncher:
    def __init__(self, planner: TaskPlanner, *, grace_s: float, warm_workers: int = 0) -> None:
        self.planner = planner
        self.grace_s = grace_s
        self.pool = WorkerPool(warm_workers, grace_s=grace_s)
        #: The server's Spark session (``[spark] session = "server"``), started by its first task.
        self.spark_driver = SparkDriver(grace_s=grace_s)

    def launch(
        self, job: Job, task: TaskRun, upstream: dict[str, TaskRun], events: TaskEvents
    ) -> RunningTask:
        for line in self.planner.warnings(job, task):
            events.log("warning", line)
        plan, note, description = self.planner.plan(job, task, upstream)
        events.log("info", f"input: {description}")
        if note:
            events.log("warning", note)
        shutil.rmtree(plan.out_dir, ignore_errors=True)
        return self.start(plan, events, note)

    def start(self, plan: TaskPlan, events: TaskEvents, note: str) -> RunningTask:
        """Run a planned task: in a worker process of the pool, or in the server's Spark session."""
        if plan.engine == "spark" and plan.spark is not None and plan.spark.session == "server":
            return self.spark_driver.start(plan, events, note)
        return ProcessTask(
            self.pool.acquire, plan, events, grace_s=self.grace_s, release=self.pool.release, note=note
        )

    def resident_need(self, job: Job, task: TaskRun) -> Resident | None:
        return self.planner.resident_need(job, task)

    def resident_alive(self, key: str) -> bool:
        return key == DRIVER_RESIDENT and self.spark_driver.alive

    def discard_result(self, job: Job, task: TaskRun) -> None:
        out_dir = self.planner.out_dir(job.id, task.id)
        shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(out_dir.parent / f".staging-{task.id}", ignore_errors=True)
        shutil.rmtree(out_dir.parent / f".spark-{task.id}", ignore_errors=True)

    def start_workers(self) -> None:
        self.pool.start()

    async def close(self) -> None:
        """Stop the idle worker processes and the Spark driver (running tasks are stopped by the runner first)."""
        await self.pool.close()
        await self.spark_driver.close()
