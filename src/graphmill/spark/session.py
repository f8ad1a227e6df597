"""Starting and stopping Spark applications (one per task, or one per server), and watching them.

``session = "job"``: :func:`spark_session` starts an application for one task and stops it
after.  ``session = "server"``: :func:`open_server_session` starts the long-lived one that
the server's driver process keeps; each task is a job group in it (:func:`cancel_group`).
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graphmill.engine.base import Progress
from graphmill.spark.config import SparkConfig

_WATCH_EVERY_S = 1.0


@contextmanager
def spark_session(config: SparkConfig, app_name: str) -> Iterator[Any]:
    """A Spark session for one task; stopped (its JVM and executors released) on exit."""
    spark = _build_session(config, app_name)
    try:
        yield spark
    finally:
        spark.stop()


def _build_session(config: SparkConfig, app_name: str) -> Any:
    from pyspark.sql import SparkSession

    # The JVM must not read a terminal, and must die with this process (pyspark's gateway
    # exits when its stdin, our pipe, closes).
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "pyspark-shell")
    settings = config.spark_conf()
    # Every socket of the JVM on the driver's bind address (loopback for local[N]), not only
    # the RPC ones: Spark otherwise binds the rest to the address its host name resolves to.
    if bind := settings.get("spark.driver.bindAddress"):
        os.environ.setdefault("SPARK_LOCAL_IP", bind)
    builder = SparkSession.builder.appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


@dataclass(slots=True)
class ServerSession:
    """The server's long-lived Spark application, as the driver process holds it."""

    spark: Any
    #: Where reliable checkpoints go (``staging_dir``, else a temporary folder of this process).
    staging: str
    up_s: float
    started: float = field(default_factory=time.monotonic)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_task_number(self) -> int:
        return next(self._numbers)

    def describe(self) -> str:
        sc = self.spark.sparkContext
        return (
            f"Spark {self.spark.version} application {sc.applicationId} (server session, "
            f"started in {self.up_s:.2f}s, up {time.monotonic() - self.started:.0f}s)"
        )


def open_server_session(config: SparkConfig) -> ServerSession:
    """Start the server's Spark application (``session = "server"``)."""
    started = time.perf_counter()
    spark = _build_session(config, "graphmill-server")
    staging = config.staging_dir or tempfile.mkdtemp(prefix="graphmill-spark-")
    spark.sparkContext.setCheckpointDir(staging)
    return ServerSession(spark, staging, up_s=time.perf_counter() - started)


def delete_checkpoints(spark: Any) -> None:
    """Remove the application's checkpoint folder (a uuid folder under the checkpoint dir), on any file system.

    Spark leaves it behind when the application stops; through Hadoop's FileSystem API the
    same call clears a local, ``hdfs://`` or ``s3a://`` staging directory.
    """
    sc = spark.sparkContext
    try:
        folder = sc._jsc.sc().getCheckpointDir()
        if folder.isEmpty():
            return
        path = sc._jvm.org.apache.hadoop.fs.Path(folder.get())
        path.getFileSystem(sc._jsc.hadoopConfiguration()).delete(path, True)
    except Exception:  # the JVM is going (a cancel): the worker's clean-up removes a local folder
        return


def running_jobs(spark: Any, group: str) -> list[int]:
    """The ids of the group's Spark jobs that are still running."""
    tracker = spark.sparkContext.statusTracker()
    running = []
    for job_id in tracker.getJobIdsForGroup(group):
        info = tracker.getJobInfo(job_id)
        if info is not None and info.status == "RUNNING":
            running.append(job_id)
    return running


def cancel_group(spark: Any, group: str, timeout_s: float) -> list[int]:
    """Cancel the group's jobs (their running tasks are interrupted); the ones still running after ``timeout_s``."""
    spark.sparkContext.cancelJobGroup(group)
    deadline = time.monotonic() + timeout_s
    while (left := running_jobs(spark, group)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def drop_cached(spark: Any) -> None:
    """Unpersist every cached frame and RDD (the session is idle: no task of it still reads them)."""
    spark.catalog.clearCache()
    for rdd in list(spark.sparkContext._jsc.getPersistentRDDs().values()):
        rdd.unpersist(False)


class StageWatcher:
    """Reports the stages Spark is running (tasks done of total) as progress lines.

    Spark's status tracker is the listener's view as seen from the driver; polled once a
    second from a daemon thread so the algorithm's own thread never waits for it.
    """

    def __init__(self, spark: Any, progress: Progress, group: str) -> None:
        self._tracker = spark.sparkContext.statusTracker()
        self._progress = progress
        self._group = group
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="spark-stage-watcher", daemon=True)
        self.stages_seen = 0

    def __enter__(self) -> StageWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _group_stages(self) -> list[int]:
        """Active stages of this task's jobs only: a server session runs other tasks' jobs too."""
        active = set(self._tracker.getActiveStageIds())
        mine: set[int] = set()
        for job_id in self._tracker.getJobIdsForGroup(self._group):
            info = self._tracker.getJobInfo(job_id)
            if info is not None:
                mine.update(info.stageIds)
        return sorted(active & mine)

    def _loop(self) -> None:
        seen: set[int] = set()
        while not self._stop.wait(_WATCH_EVERY_S):
            try:
                stages = [self._tracker.getStageInfo(s) for s in self._group_stages()]
            except Exception:  # the session is stopping
                return
            for info in stages:
                if info is None:
                    continue
                if info.stageId not in seen:
                    seen.add(info.stageId)
                    self.stages_seen = len(seen)
                total = max(1, info.numTasks)
                self._progress(
                    "computing",
                    None,
                    f"spark stage {info.stageId} ({info.name.split(' at ')[0]}): "
                    f"{info.numCompletedTasks}/{info.numTasks} tasks, {info.numActiveTasks} running"
                    f" ({100 * info.numCompletedTasks // total}%)",
                )


def elapsed_since(started: float) -> str:
    return f"{time.perf_counter() - started:.2f}s"
