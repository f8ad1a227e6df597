"""Starting and stopping a task's Spark application, and watching it for ``/progress``."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphmill.engine.base import Progress
from graphmill.spark.config import SparkConfig

_WATCH_EVERY_S = 1.0


@contextmanager
def spark_session(config: SparkConfig, app_name: str) -> Iterator[Any]:
    """A Spark session for one task; stopped (its JVM and executors released) on exit."""
    from pyspark.sql import SparkSession

    # The JVM must not read a terminal, and must die with this process (pyspark's gateway
    # exits when its stdin, our pipe, closes).
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "pyspark-shell")
    if config.master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # every socket of the JVM on loopback
    builder = SparkSession.builder.appName(app_name)
    for key, value in config.spark_conf().items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    try:
        yield spark
    finally:
        spark.stop()


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

    def _loop(self) -> None:
        seen: set[int] = set()
        while not self._stop.wait(_WATCH_EVERY_S):
            try:
                stages = [self._tracker.getStageInfo(s) for s in self._tracker.getActiveStageIds()]
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
