"""Running graphmill's algorithms on Apache Spark (``engine: spark``).

This package is light to import: pyspark (the ``graphmill[spark]`` extra) is imported only
inside :mod:`graphmill.spark.runner` and the algorithm modules, when a task runs on Spark.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Literal

from graphmill import errors

Engine = Literal["local", "spark", "auto"]
ENGINES: tuple[str, ...] = ("local", "spark", "auto")

#: Task types that run on Spark, with the module and function that run them.
SPARK_ALGORITHMS: Mapping[str, tuple[str, str]] = {
    "analytics_pagerank": ("graphx", "pagerank"),
    "analytics_nstepdegrees": ("importance", "degrees"),
    "analytics_kcore": ("importance", "kcore"),
    "analytics_jaccard_similarity": ("features", "jaccard"),
    "analytics_wcc": ("graphx", "wcc"),
    "analytics_scc": ("graphx", "scc"),
    "analytics_lpa": ("graphx", "lpa"),
    "analytics_bfs": ("graphx", "bfs"),
    "analytics_sssp": ("paths", "sssp"),
    "analytics_triangle_count": ("graphx", "triangle_count"),
    "analytics_clustering_coefficient": ("features", "clustering_coefficient"),
    "analytics_hanp": ("hanp", "hanp"),
    "analytics_degree_with_time": ("degrees", "degree_with_time"),
    "analytics_hyperanf": ("hll", "hyperanf"),
}


def supported_text() -> str:
    return ", ".join(sorted(SPARK_ALGORITHMS))


def check_supported(task_type: str) -> None:
    """ParamError naming what Spark runs, for a task type that runs on the local engine only."""
    if task_type not in SPARK_ALGORITHMS:
        raise errors.ParamError(
            f"{task_type} runs on the local engine only; engine spark runs {supported_text()}"
        )


def pyspark_installed() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def check_installed() -> None:
    if not pyspark_installed():
        raise errors.ParamError("engine spark needs pyspark: pip install 'graphmill[spark]'")


_CLUSTER_SIZE_KEYS = ("clustersize", "cluster_size")


def requested_engine(spec: Mapping[str, object], default: str) -> Engine:
    """The task's ``spec.engine`` (any case), else the server default; a bad value is a ParamError."""
    raw = next((v for k, v in spec.items() if str(k).lower() == "engine"), None)
    value = default if raw is None or (isinstance(raw, str) and not raw.strip()) else str(raw).strip().lower()
    if value not in ENGINES:
        raise errors.ParamError(f"spec.engine must be one of {', '.join(ENGINES)}, not {raw!r}")
    return value  # type: ignore[return-value]


def cluster_size(spec: Mapping[str, object]) -> int:
    """Explorer's ``clusterSize`` of a task (1 when absent or not a number)."""
    for key, value in spec.items():
        if str(key).lower() in _CLUSTER_SIZE_KEYS:
            try:
                return int(str(value).strip())
            except ValueError:
                return 1
    return 1


def choose_engine(
    task_type: str, spec: Mapping[str, object], default: str, *, estimated_bytes: int, budget_bytes: int
) -> tuple[Literal["local", "spark"], str]:
    """Which engine runs a task, and why (a line for the task log).

    ``spark`` is checked (supported task type, pyspark installed); ``auto`` picks Spark when
    Explorer asks for more than one machine (``clusterSize > 1``) or the task's memory
    estimate exceeds the local budget, and the local engine otherwise or when Spark cannot
    run the task.
    """
    engine = requested_engine(spec, default)
    if engine == "local":
        return "local", "engine local"
    if engine == "spark":
        check_supported(task_type)
        check_installed()
        return "spark", "engine spark"
    size = cluster_size(spec)
    reasons = []
    if size > 1:
        reasons.append(f"clusterSize {size} > 1")
    if estimated_bytes > budget_bytes:
        reasons.append(f"estimated {estimated_bytes >> 20} MiB > local budget {budget_bytes >> 20} MiB")
    if not reasons:
        return "local", "engine auto: local (fits the local budget)"
    if task_type not in SPARK_ALGORITHMS or not pyspark_installed():
        why = "pyspark is not installed" if pyspark_installed() is False else f"{task_type} is local-only"
        return "local", f"engine auto: local although {' and '.join(reasons)} ({why})"
    return "spark", f"engine auto: spark ({' and '.join(reasons)})"
