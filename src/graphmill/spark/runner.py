"""One task on Spark end to end: read the edges, run the algorithm, write the result.

Called in the task's worker process (``worker.child``) in place of the local engine: the
result directory, manifest and CSV are written by the same ``engine.results`` code, so
``sample_result``, ``/result`` and downstream tasks see no difference.
"""

from __future__ import annotations

import importlib
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa

from graphmill import errors
from graphmill.engine.base import Phase, Progress
from graphmill.engine.results import FloatFormat, ResultManifest, write_result
from graphmill.spark import SPARK_ALGORITHMS, check_supported
from graphmill.spark.config import SparkConfig
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import EdgeFile, VidType, read_graph
from graphmill.spark.session import (
    ServerSession,
    StageWatcher,
    delete_checkpoints,
    elapsed_since,
    spark_session,
)

_ARROW_TYPES = {"int64": pa.int64(), "double": pa.float64(), "string": pa.large_string()}


@dataclass(frozen=True, slots=True)
class SparkTask:
    """What the worker resolved for the task (parameters already parsed and checked)."""

    task_id: str
    task_type: str
    params: dict[str, Any]
    #: (name, dtype) of each result column, dtype as in the algorithm's declaration.
    columns: tuple[tuple[str, str], ...]
    float_format: FloatFormat
    weighted: bool
    vid_type: VidType | None


class Cancelled(errors.TaskFailed):
    """SIGTERM arrived: the task's Spark jobs were cancelled and its application stopped (no traceback)."""


def _algorithm(task_type: str) -> Any:
    check_supported(task_type)
    module, name = SPARK_ALGORITHMS[task_type]
    return getattr(importlib.import_module(f"graphmill.spark.algorithms.{module}"), name)


def _to_arrow(frame: Any, task: SparkTask, vid_type: VidType) -> pa.Table:
    """The result rows in the declared column types, sorted by their vertex columns like the local engine's."""
    names = [name for name, _ in task.columns]
    # An algorithm whose rows follow a parameter's order (Jaccard's ids1) gives it as _order.
    keys = (["_order"] if "_order" in frame.columns else []) + [
        n for n, dtype in task.columns if dtype == "vid"
    ]
    if keys:
        frame = frame.orderBy(*keys)
    frame = frame.select(*names)
    table = frame.toArrow()
    arrays = []
    for (_, dtype), column in zip(task.columns, table.columns, strict=True):
        target = (
            (pa.int64() if vid_type == "int64" else pa.large_string())
            if dtype == "vid"
            else _ARROW_TYPES[dtype]
        )
        arrays.append(column.cast(target) if column.type != target else column)
    return pa.Table.from_arrays(arrays, names=names)


def run_spark_task(
    task: SparkTask,
    sources: Sequence[EdgeFile],
    out_dir: Path,
    config: SparkConfig,
    progress: Progress,
    shared: ServerSession | None = None,
) -> ResultManifest:
    """Run ``task`` on Spark and write its result into ``out_dir``.

    ``shared``: the server's long-lived session (``session = "server"``), in which the task
    is one job group; else the task starts its own application and stops it after.
    """
    _algorithm(task.task_type)  # an unsupported type fails before Spark starts
    group = job_group(task.task_id)
    progress.log(f"engine spark: master {config.master}, driver memory {config.driver_memory}")
    if shared is not None:
        progress.log(f"{shared.describe()}: task {shared.next_task_number()} of this session")
        table = _run_in_group(shared.spark, task, sources, config, progress, group)
    else:
        table = _run_in_own_session(task, sources, out_dir, config, progress, group)
    progress("writing", 0.0, f"writing {table.num_rows} rows")
    manifest = write_result(table, out_dir, float_format=task.float_format, progress=progress)
    progress("writing", 1.0, f"wrote {manifest.rows} rows")
    progress.log(f"result: {manifest.rows} rows, columns {', '.join(manifest.columns)}")
    return manifest


def job_group(task_id: str) -> str:
    """The Spark job group of a task's jobs (what a cancel cancels)."""
    return f"graphmill-{task_id}"


def _run_in_own_session(
    task: SparkTask,
    sources: Sequence[EdgeFile],
    out_dir: Path,
    config: SparkConfig,
    progress: Progress,
    group: str,
) -> pa.Table:
    progress("loading", 0.0, f"starting Spark ({config.master})")
    started = time.perf_counter()
    with spark_session(config, group) as spark:
        sc = spark.sparkContext
        sc.setCheckpointDir(_staging(config, out_dir, task.task_id, progress))
        try:
            with _SigtermCancel(spark, group, progress) as cancel:
                progress.log(
                    f"Spark {spark.version} application {sc.applicationId} up in {elapsed_since(started)}"
                )
                try:
                    return _run_in_group(spark, task, sources, config, _Stoppable(progress, cancel), group)
                except Exception:
                    if cancel.requested.is_set():  # the cancelled job's error is how the cancel stopped it
                        raise Cancelled("stopped by cancel") from None
                    raise
        finally:
            delete_checkpoints(spark)


class _Stoppable:
    """The task's ``Progress``; once a cancel was asked for, the next report stops the task."""

    def __init__(self, progress: Progress, cancel: _SigtermCancel) -> None:
        self._progress = progress
        self._cancel = cancel

    def log(self, message: str) -> None:
        self._progress.log(message)

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        if not self._cancel.requested.is_set():
            self._progress(phase, done, message)
        elif threading.current_thread() is threading.main_thread():  # not the stage watcher's
            raise Cancelled("stopped by cancel")


def _staging(config: SparkConfig, out_dir: Path, task_id: str, progress: Progress) -> str:
    """Where the task's reliable checkpoints go: ``staging_dir``, else a folder beside its result."""
    if config.staging_dir:
        return config.staging_dir
    staging = str(out_dir.parent / f".spark-{task_id}")
    if not config.master.startswith("local"):
        progress.log(
            f"[spark] staging_dir is not set: checkpoints go to {staging}, a folder on this machine that "
            "executors on other machines cannot share; set staging_dir to storage every executor reaches"
        )
    return staging


def _run_in_group(
    spark: Any,
    task: SparkTask,
    sources: Sequence[EdgeFile],
    config: SparkConfig,
    progress: Progress,
    group: str,
) -> pa.Table:
    """The task's jobs under its own job group (thread-local in pyspark: one per task thread)."""
    started = time.perf_counter()
    spark.sparkContext.setJobGroup(
        group, f"graphmill task {task.task_id} ({task.task_type})", interruptOnCancel=True
    )
    with StageWatcher(spark, progress, group) as watcher:
        table = run_on_session(spark, task, sources, config, progress)
    progress.log(f"Spark ran {watcher.stages_seen} stages in {elapsed_since(started)}")
    return table


def run_on_session(
    spark: Any, task: SparkTask, sources: Sequence[EdgeFile], config: SparkConfig, progress: Progress
) -> pa.Table:
    """The task's result table, computed on an existing session (tests share one)."""
    algorithm = _algorithm(task.task_type)
    progress("loading", 0.0, "reading edges into Spark")
    graph = read_graph(
        spark, sources, vid_type=task.vid_type, weighted=task.weighted, partitions=config.partitions
    )
    progress.log(
        f"graph: {graph.vertices.count()} vertices, {graph.edges.count()} edges ({graph.vid_type} ids)"
    )
    run = SparkRun(
        spark, progress, config.partitions, config.checkpoint_every, reliable=True, graphx=config.graphx
    )
    progress("computing", 0.0, f"running {task.task_type} on Spark")
    frame = algorithm(graph, task.params, run)
    progress("writing", 0.0, "collecting the result")
    return _to_arrow(frame, task, graph.vid_type)


class _SigtermCancel:
    """graphmill's cancel (SIGTERM) in job mode: the task's Spark jobs are cancelled from a thread.

    A signal handler runs on the main thread, which is usually waiting inside a py4j call:
    calling the JVM from the handler would reuse that thread's py4j connection mid-answer
    ("reentrant call").  The handler only wakes a thread that already holds a connection of
    its own, and the main thread's Spark call then ends with the cancelled job's error.  The
    worker is SIGKILLed after its grace period anyway; cancelling first, then stopping the
    application, lets a cluster free the executors at once instead of when the driver's
    connection drops.
    """

    def __init__(self, spark: Any, group: str, progress: Progress) -> None:
        self._spark = spark
        self._sc = spark.sparkContext
        self._group = group
        self._progress = progress
        self.requested = threading.Event()
        self._wake = threading.Event()  # a cancel, or the task's end
        self._thread = threading.Thread(target=self._wait, name="spark-cancel", daemon=True)
        self._previous: Any = None

    def __enter__(self) -> _SigtermCancel:
        self._thread.start()
        self._previous = signal.signal(signal.SIGTERM, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGTERM, self._previous)
        self._wake.set()

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self.requested.set()  # no JVM call here: see the class docstring
        self._wake.set()

    def _wait(self) -> None:
        self._sc.statusTracker()  # opens this thread's py4j connection now, not when cancelling
        self._wake.wait()
        if not self.requested.is_set():
            return
        self._sc.cancelJobGroup(self._group)
        self._progress.log(f"cancelled Spark job group {self._group}")
        self._spark.stop()  # a cluster's master frees the application's executors now


__all__ = ["Cancelled", "SparkTask", "job_group", "run_on_session", "run_spark_task"]
