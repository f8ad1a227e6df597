"""The worker's hook into the Spark backend: a task whose plan says ``engine == "spark"``.

Parameters are parsed by the same algorithm declaration as on the local engine, so a bad
parameter fails the same way; edge files on HDFS, S3 or local paths are handed to Spark
to read itself (no staging through this process); a NebulaGraph cluster's edges are
scanned into Parquet first, then read by Spark.
"""

from __future__ import annotations

from typing import Any

from graphmill.engine.base import Progress
from graphmill.engine.loader import EdgeSource
from graphmill.engine.registry import get_algorithm
from graphmill.engine.results import ResultManifest
from graphmill.worker.plan import TaskPlan


def _remote_files(plan: TaskPlan) -> list[Any]:
    from graphmill.fs import parse_location
    from graphmill.spark.graph import RemoteEdgeFile

    files = []
    for remote in plan.remote_inputs:
        location = parse_location(remote.uri, files_root=plan.files_root or plan.out_dir)
        if location.scheme == "file":
            path = location.path
        elif location.scheme == "s3":
            path = f"s3a://{location.host}/{location.path}"
        else:
            path = remote.uri
        files.append(RemoteEdgeFile(path=path, format=remote.format, has_header=remote.has_header))
    return files


def run_on_spark(
    plan: TaskPlan, scanned: tuple[EdgeSource, ...], progress: Progress, shared: Any = None
) -> ResultManifest:
    """Run the plan's algorithm on Spark: in ``shared`` (the server's session) or an application of its own."""
    from graphmill.spark.config import SparkConfig
    from graphmill.spark.runner import SparkTask, run_spark_task

    spec = get_algorithm(plan.task_type)
    params = spec.parse_params(plan.params)
    progress.log(f"{spec.name} parameters: {', '.join(f'{k}={v}' for k, v in params.items())}")
    task = SparkTask(
        task_id=plan.task_id,
        task_type=plan.task_type,
        params=dict(params),
        columns=tuple((c.name, c.dtype) for c in spec.output_columns(params)),
        float_format=spec.float_format(params),
        weighted=spec.needs_weight,
        vid_type=plan.vid_type,
    )
    sources = [*plan.sources, *_remote_files(plan), *scanned]
    return run_spark_task(task, sources, plan.out_dir, plan.spark or SparkConfig(), progress, shared)
