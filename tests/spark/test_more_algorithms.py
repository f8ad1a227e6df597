"""HANP, DegreeWithTime, KCore subgraphs, n-step degrees and HyperANF: Spark against the local engine.

Same random multigraphs as ``test_algorithms`` (parallel edges, self-loops, reciprocal
pairs, separate components, int and string ids).  HANP's hashed ties, the HyperLogLog
registers and the rounded n-step degrees must agree exactly; HyperANF's average distance
differs only by the order Spark sums the estimates in, so it is held to 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graphmill.engine.algorithms.hyperloglog import hll_init
from graphmill.engine.base import RecordingProgress
from graphmill.engine.loader import EdgeSource
from graphmill.spark.algorithms.hll import registers
from graphmill.spark.graph import dense_index

from .test_algorithms import _assert_same, _local_table, _spark_table, _write_graph

# The module's first Spark job pays the JVM's class loading and code generation (over a
# minute on a loaded machine); the default 120 s per test is too tight for it.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EdgeSource]:
    """Other seeds than ``test_algorithms``' graphs: more ties and shapes for the same checks."""
    folder = tmp_path_factory.mktemp("graphs")
    made = [("int", 23, False), ("str", 5, True)]
    return {name: _write_graph(folder / f"{name}.parquet", seed=seed, string_ids=s) for name, seed, s in made}


#: (task type, parameters, graph, the progress line each round reports or None).
CASES = [
    (
        "analytics_hanp",
        {"iterations": 3, "preference": 0.5, "hop_att": 0.2, "seed": 5, "is_output_modularity": True},
        "str",
        "HANP iteration",
    ),
    (
        "analytics_hanp",
        {"iterations": 3, "preference": -1.0, "hop_att": 0.05, "seed": 1, "is_directed": False},
        "int",
        "HANP iteration",
    ),
    ("analytics_degree_with_time", {}, "int", None),
    ("analytics_degree_with_time", {"begin_time": "2", "end_time": "4", "type": "in"}, "str", None),
    (
        "analytics_degree_with_time",
        {"begin_time": "1970-01-01 00:00:00.003", "time_unit": "ms", "is_directed": False},
        "int",
        None,
    ),
    ("analytics_kcore", {"type": "subgraph", "kmin": 2, "kmax": 4}, "str", "KCore iteration"),
    ("analytics_nstepdegrees", {}, "int", "DegreeCentrality out iteration"),
    (
        "analytics_nstepdegrees",
        {"step": -1, "bits": 4, "is_directed": False},
        "str",
        "DegreeCentrality out iteration",
    ),
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c[0].removeprefix('analytics_')}-{i}" for i, c in enumerate(CASES)]
)
def test_same_rows_as_the_local_engine(
    spark: Any,
    graphs: dict[str, EdgeSource],
    tmp_path: Path,
    case: tuple[str, dict[str, object], str, str | None],
) -> None:
    task_type, raw, ids, per_round = case
    local = _local_table(task_type, raw, graphs[ids], tmp_path / "local")
    assert local.num_rows > 0
    progress = RecordingProgress()
    _assert_same(local, _spark_table(spark, task_type, raw, graphs[ids], progress=progress))
    if per_round is not None:  # every round reached /progress
        rounds = [m for _, _, m in progress.events if m.startswith(per_round)]
        assert len(rounds) > 1
        assert rounds[0].startswith(f"{per_round} 1")


def test_hyperanf_matches_local_engine(spark: Any, graphs: dict[str, EdgeSource], tmp_path: Path) -> None:
    raw: dict[str, object] = {"bits": 7}
    local = _local_table("analytics_hyperanf", raw, graphs["str"], tmp_path / "local")
    remote = _spark_table(spark, "analytics_hyperanf", raw, graphs["str"])
    assert remote.column_names == local.column_names == ["VALUE"]
    want, got = local.column("VALUE")[0].as_py(), remote.column("VALUE")[0].as_py()
    assert want > 1.0
    assert got == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("bits", [4, 6, 16])
def test_registers_are_the_local_engines(spark: Any, bits: int) -> None:
    """Same vertex hash, register choice and leading-zero count as ``hll_init``, bit for bit."""
    n = 300
    vertices = spark.createDataFrame([(i * 7,) for i in range(n)], "id long")
    rows = registers(dense_index(vertices), bits).collect()
    got = np.zeros((n, 1 << bits), dtype=np.uint8)
    for row in rows:
        got[row["id"] // 7, row["b"]] = row["r"]
    assert len(rows) == n
    np.testing.assert_array_equal(got, hll_init(n, bits))
