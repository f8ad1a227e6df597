"""Every Spark DataFrame implementation against the local engine on the same random multigraphs.

The graphs have parallel edges, self-loops, reciprocal pairs, isolated parts and (for one
case) string ids, so the NA details (parallel edges each count, dangling rank dropped,
smallest-id labels, hashed LPA ties) are all exercised.  Doubles are compared under the
Graphalytics epsilon rule (relative 1e-4; Spark sums in another order), everything else
exactly.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill.engine.base import NullProgress, RecordingProgress
from graphmill.engine.execute import run_task
from graphmill.engine.loader import EdgeSource
from graphmill.engine.registry import get_algorithm
from graphmill.spark.config import SparkConfig
from graphmill.spark.runner import SparkTask, run_on_session

from .conftest import TEST_CONFIG

EPSILON = 1e-4
# The module's first Spark query warms the JVM (JIT, code generation): on a loaded 2-core
# machine that alone has taken over a minute, past the default 120 s with the session start.
pytestmark = pytest.mark.timeout(600)
#: The DataFrame implementations (GraphX's, where it fits, are compared in test_graphx.py).
DATAFRAME_CONFIG = dataclasses.replace(TEST_CONFIG, graphx=False)


def _write_graph(path: Path, *, seed: int, string_ids: bool) -> EdgeSource:
    rng = np.random.default_rng(seed)
    m, n = 260, 70
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    src[:8], dst[:8] = [1, 2, 2, 5, 5, 5, 9, 9], [2, 1, 1, 5, 6, 6, 9, 10]  # reciprocal, parallel, loops
    src[8:12], dst[8:12] = [200, 201, 202, 300], [201, 202, 200, 301]  # separate components
    weight = rng.integers(1, 6, m).astype(np.float64)
    ids = (lambda a: pa.array([f"v{x:03d}" for x in a])) if string_ids else pa.array
    pq.write_table(pa.table({"src": ids(src), "dst": ids(dst), "w": weight}), path)
    return EdgeSource(path=path, format="parquet", src="src", dst="dst", weight="w")


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EdgeSource]:
    folder = tmp_path_factory.mktemp("graphs")
    return {
        "int": _write_graph(folder / "int.parquet", seed=7, string_ids=False),
        "str": _write_graph(folder / "str.parquet", seed=11, string_ids=True),
    }


def _spark_table(
    spark: Any,
    task_type: str,
    raw: dict[str, object],
    source: EdgeSource,
    config: SparkConfig = DATAFRAME_CONFIG,
    progress: RecordingProgress | None = None,
) -> pa.Table:
    spec = get_algorithm(task_type)
    params = spec.parse_params(raw)
    task = SparkTask(
        task_id="t",
        task_type=task_type,
        params=dict(params),
        columns=tuple((c.name, c.dtype) for c in spec.output_columns(params)),
        float_format=spec.float_format(params),
        weighted=spec.needs_weight,
        vid_type=None,
    )
    return run_on_session(spark, task, [source], config, progress or RecordingProgress())


def _local_table(task_type: str, raw: dict[str, object], source: EdgeSource, out: Path) -> pa.Table:
    run_task(task_type, raw, [source], out, vid_type=None, cache_dir=None, progress=NullProgress())
    return pq.read_table(out / "result.parquet")


def _assert_same(local: pa.Table, spark: pa.Table) -> None:
    assert spark.schema == local.schema
    assert spark.num_rows == local.num_rows
    for name in local.column_names:
        want, got = local.column(name).to_pylist(), spark.column(name).to_pylist()
        if pa.types.is_floating(local.schema.field(name).type):
            bad = [
                (i, w, g)
                for i, (w, g) in enumerate(zip(want, got, strict=True))
                if not (w == g if math.isinf(w) or math.isinf(g) else abs(w - g) <= EPSILON * abs(w))
            ]
            assert bad == [], f"{name}: {bad[:5]}"
        else:
            assert got == want, name


CASES = [
    ("analytics_pagerank", {}, "int"),
    ("analytics_pagerank", {"is_directed": False, "iterations": 12, "eps": 1e-9}, "str"),
    ("analytics_pagerank", {"variant": "graphalytics", "iterations": 15}, "int"),
    ("analytics_wcc", {}, "int"),
    ("analytics_wcc", {}, "str"),
    ("analytics_bfs", {"root": "2"}, "int"),
    ("analytics_bfs", {"root": "2", "variant": "graphalytics", "is_directed": False}, "int"),
    ("analytics_sssp", {"root": "v005"}, "str"),
    ("analytics_sssp", {"root": "2", "variant": "graphalytics"}, "int"),
    ("analytics_lpa", {"iterations": 4, "seed": 3}, "str"),
    ("analytics_lpa", {"iterations": 4, "variant": "graphalytics"}, "int"),
    ("analytics_triangle_count", {"opt": 1, "removed_duplication_edge": False}, "int"),
    ("analytics_triangle_count", {"opt": 2}, "str"),
    ("analytics_triangle_count", {"opt": 3}, "int"),
    ("analytics_clustering_coefficient", {}, "int"),
    ("analytics_clustering_coefficient", {"type": "global", "removed_duplication_edge": False}, "str"),
    ("analytics_nstepdegrees", {"step": 1}, "int"),
    ("analytics_kcore", {}, "int"),
    ("analytics_kcore", {}, "str"),
    ("analytics_jaccard_similarity", {"ids1": "9,2,5"}, "int"),
    (
        "analytics_jaccard_similarity",
        {"ids1": "v009,v002", "ids2": "v005,v010,v002", "removed_self_edge": False},
        "str",
    ),
    ("analytics_nstepdegrees", {"step": 1, "type": "in", "is_directed": False}, "str"),
]


@pytest.mark.parametrize(
    ("task_type", "raw", "ids"),
    CASES,
    ids=[f"{t.removeprefix('analytics_')}-{i}" for i, (t, _, _) in enumerate(CASES)],
)
def test_spark_equals_local_engine(
    spark: Any,
    graphs: dict[str, EdgeSource],
    tmp_path: Path,
    task_type: str,
    raw: dict[str, object],
    ids: str,
) -> None:
    source = graphs[ids]
    _assert_same(
        _local_table(task_type, raw, source, tmp_path / "local"), _spark_table(spark, task_type, raw, source)
    )


def test_missing_root_fails_the_task(spark: Any, graphs: dict[str, EdgeSource]) -> None:
    from graphmill.errors import TaskFailed

    with pytest.raises(TaskFailed, match="root '99999' is not a vertex"):
        _spark_table(spark, "analytics_bfs", {"root": "99999"}, graphs["int"])


def test_negative_weight_fails_sssp(spark: Any, tmp_path: Path) -> None:
    from graphmill.errors import TaskFailed

    path = tmp_path / "neg.parquet"
    pq.write_table(pa.table({"src": [1, 2], "dst": [2, 3], "w": [1.0, -2.0]}), path)
    source = EdgeSource(path=path, format="parquet", src="src", dst="dst", weight="w")
    with pytest.raises(TaskFailed, match="non-negative"):
        _spark_table(spark, "analytics_sssp", {"root": "1"}, source)


def test_csv_edges_with_detected_header(spark: Any, tmp_path: Path) -> None:
    """CSV is read by Spark itself, header detected as the local loader does."""
    path = tmp_path / "edges.csv"
    path.write_text("from,to\n1,2\n2,3\n3,1\n4,5\n")
    source = EdgeSource(path=path, format="csv")
    local = _local_table("analytics_wcc", {}, source, tmp_path / "local")
    _assert_same(local, _spark_table(spark, "analytics_wcc", {}, source))
    assert local.column("LABEL").to_pylist() == [1, 1, 1, 4, 4]
