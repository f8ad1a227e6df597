"""A job's progress as users see it: percent done, elapsed time, time left, per task.

A running task's percent comes from what its algorithm reports: loading counts for
the first 10 %, computing (iteration k of n, sources processed …) for the next 80 %,
writing for the last 10 %.
"""

from __future__ import annotations

from typing import Any

from graphmill.models import Job, Status, TaskRun
from graphmill.scheduler.base import TaskProgress

PHASE_SPAN = {"loading": (0.0, 0.1), "computing": (0.1, 0.9), "writing": (0.9, 1.0)}


def task_percent(task: TaskRun, progress: TaskProgress | None) -> float:
    if task.status is Status.SUCCESS:
        return 100.0
    if task.status is not Status.RUNNING or progress is None:
        return 0.0
    start, end = PHASE_SPAN.get(progress.phase, (0.1, 0.9))
    within = progress.fraction if progress.fraction is not None else 0.0
    return round(100.0 * (start + (end - start) * min(max(within, 0.0), 1.0)), 2)


def job_progress(job: Job, live: dict[str, TaskProgress], now_ms: int) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = []
    percents: list[float] = []
    for task in job.tasks:
        p = live.get(task.id) if task.status is Status.RUNNING else None
        percents.append(task_percent(task, p))
        tasks.append(
            {
                "id": task.id,
                "taskId": task.schema_task_id,
                "name": task.name,
                "status": int(task.status),
                "percent": percents[-1],
                "phase": p.phase if p else ("done" if task.status.is_terminal else "waiting"),
                "message": p.message if p else task.reason,
                "rowsWritten": task.result_rows if task.status is Status.SUCCESS else 0,
                "reusedFrom": task.reused_from,
                "estimatedBytes": task.estimated_bytes,
                "peakBytes": task.peak_bytes,
            }
        )
    if job.status is Status.SUCCESS or not job.tasks:
        percent = 100.0 if job.status is Status.SUCCESS else 0.0
    else:
        percent = round(sum(percents) / len(percents), 2)
    elapsed = (job.end_time_ms or now_ms) - job.begin_time_ms if job.begin_time_ms else 0
    remaining: int | None = None
    if job.status.is_terminal:
        remaining = 0
    elif job.status is Status.RUNNING and 0 < percent < 100:
        remaining = int(elapsed * (100 - percent) / percent)
    return {
        "id": job.id,
        "status": int(job.status),
        "percent": percent,
        "elapsedMs": elapsed,
        "remainingMs": remaining,
        "reason": job.reason,
        "rerunOf": job.rerun_of,
        "tasks": tasks,
    }
