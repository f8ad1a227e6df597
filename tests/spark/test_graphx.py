"""The GraphX implementations against the local engine and Graphalytics, and the helper's build.

The helper jar is built once for this module into a fresh cache folder and put into the
module's session (so the build and the attachment are exercised on every run); every
algorithm then finds it there.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

import pytest

from graphmill.engine.base import RecordingProgress
from graphmill.engine.loader import EdgeSource
from graphmill.engine.registry import get_algorithm
from graphmill.spark.algorithms import graphx
from graphmill.spark.context import SparkRun
from graphmill.spark.graphx import build
from tests.engine import graphalytics as ga

from .conftest import TEST_CONFIG
from .test_algorithms import _assert_same, _local_table, _spark_table
from .test_algorithms import graphs as graphs  # the same random multigraphs (a module fixture)
from .test_graphalytics import _cases, _graph

# The module's first GraphX call compiles the helper (javac, ~10 s) and warms GraphX's classes:
# on a loaded 2-core machine that alone can take a minute.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cache(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache: the helper is compiled here, then put into the module's session."""
    from graphmill.spark.graphx.bridge import helper_class

    folder = tmp_path_factory.mktemp("graphx-cache")
    helper_class(spark, folder)
    return folder


def _run(
    spark: Any,
    task_type: str,
    raw: dict[str, object],
    source: EdgeSource,
    *,
    use_graphx: bool = True,
    progress: RecordingProgress | None = None,
) -> tuple[Any, list[str]]:
    progress = progress or RecordingProgress()
    config = dataclasses.replace(TEST_CONFIG, graphx=use_graphx)
    return _spark_table(spark, task_type, raw, source, config, progress), progress.lines


CASES = [
    ("analytics_pagerank", {}, "int", "GraphX (PageRank"),
    ("analytics_pagerank", {"is_directed": False, "iterations": 50, "eps": 0.05}, "str", "GraphX (PageRank"),
    ("analytics_wcc", {}, "str", "GraphX (ConnectedComponents rounds"),
    ("analytics_scc", {}, "int", "GraphX (StronglyConnectedComponents rounds)"),
    ("analytics_scc", {}, "str", "GraphX (StronglyConnectedComponents rounds)"),
    ("analytics_bfs", {"root": "2"}, "int", "GraphX (BFS rounds"),
    ("analytics_bfs", {"root": "v002", "variant": "graphalytics", "is_directed": False}, "str", "GraphX"),
    ("analytics_lpa", {"iterations": 6, "variant": "graphalytics"}, "str", "GraphX (CDLP rounds"),
    ("analytics_triangle_count", {"opt": 1}, "int", "GraphX (TriangleCount)"),
    ("analytics_triangle_count", {"opt": 2}, "str", "GraphX (TriangleCount)"),
    # Where GraphX cannot give NA's answer the DataFrame implementation runs, and says why.
    ("analytics_triangle_count", {"opt": 3}, "int", "DataFrame (GraphX's TriangleCount counts"),
]

UNFIT = [
    ("analytics_pagerank", {}, None),
    ("analytics_pagerank", {"variant": "graphalytics"}, "does not spread sink rank"),
    ("analytics_lpa", {"variant": "graphalytics"}, None),
    ("analytics_lpa", {}, "neither NA's weighted votes nor its seeded tie rule"),
    ("analytics_triangle_count", {"opt": 2}, None),
    ("analytics_triangle_count", {"opt": 3}, "cannot list them"),
    ("analytics_triangle_count", {"opt": 1, "removed_duplication_edge": False}, "ignores parallel edges"),
    ("analytics_wcc", {}, None),
]


@pytest.mark.parametrize(("task_type", "raw", "why"), UNFIT)
def test_graphx_is_chosen_only_where_it_gives_nas_answer(
    task_type: str, raw: dict[str, object], why: str | None
) -> None:
    reason = graphx.graphx_unfit(task_type, dict(get_algorithm(task_type).parse_params(raw)))
    if why is None:
        assert reason is None
    else:
        assert reason is not None
        assert why in reason


@pytest.mark.parametrize(
    ("task_type", "raw", "ids", "chosen"),
    CASES,
    ids=[f"{t.removeprefix('analytics_')}-{i}" for i, (t, _, _, _) in enumerate(CASES)],
)
def test_graphx_equals_local_engine(
    spark: Any,
    cache: Path,
    graphs: dict[str, EdgeSource],
    tmp_path: Path,
    task_type: str,
    raw: dict[str, object],
    ids: str,
    chosen: str,
) -> None:
    source = graphs[ids]
    progress = RecordingProgress()
    table, logs = _run(spark, task_type, raw, source, progress=progress)
    _assert_same(_local_table(task_type, raw, source, tmp_path / "local"), table)
    assert any(line.startswith(f"implementation: {chosen}") for line in logs), logs
    rounds = ROUNDS.get(task_type)
    if rounds is not None:  # the iterative ones report every round, the last one changing nothing
        reported = [m for _, _, m in progress.events if m.startswith(f"{rounds} iteration ")]
        assert reported[0].startswith(f"{rounds} iteration 1,"), reported
        assert len(reported) >= 2
        assert re.search(r"[,:] 0 (labels|vertices) ", reported[-1]), reported
    if task_type == "analytics_triangle_count" and chosen.startswith("GraphX"):
        passes = [m for _, _, m in progress.events if m.startswith("TriangleCount pass")]
        assert [m.split(":")[0] for m in passes] == ["TriangleCount pass 1 of 2", "TriangleCount pass 2 of 2"]


#: The progress name of the algorithms whose GraphX rounds are driven (and reported) one by one.
ROUNDS = {"analytics_wcc": "WCC", "analytics_scc": "SCC", "analytics_bfs": "BFS"}


def test_graphx_rounds_are_checkpointed_every_n_rounds(
    spark: Any, cache: Path, graphs: dict[str, EdgeSource], tmp_path: Path
) -> None:
    """WCC's rounds write a reliable checkpoint every ``checkpoint_every`` (2 here) rounds."""
    folder = Path(spark.sparkContext.getCheckpointDir().removeprefix("file:"))

    def written() -> set[Path]:
        return {p for p in folder.rglob("rdd-*") if p.is_dir()}

    before = written()
    progress = RecordingProgress()
    table, _ = _run(spark, "analytics_wcc", {}, graphs["int"], progress=progress)
    _assert_same(_local_table("analytics_wcc", {}, graphs["int"], tmp_path / "local"), table)
    rounds = sum(1 for _, _, m in progress.events if m.startswith("WCC iteration "))
    assert rounds >= 2
    # Graph.checkpoint writes every second round's vertices (its edges when a later job reads them).
    assert len(written() - before) >= rounds // TEST_CONFIG.checkpoint_every


def test_graphx_off_runs_the_dataframe_implementation(
    spark: Any, cache: Path, graphs: dict[str, EdgeSource], tmp_path: Path
) -> None:
    table, logs = _run(spark, "analytics_wcc", {}, graphs["int"], use_graphx=False)
    _assert_same(_local_table("analytics_wcc", {}, graphs["int"], tmp_path / "local"), table)
    assert "implementation: DataFrame (graphx = false in [spark])" in logs


def test_without_a_jdk_graphx_tasks_fall_back_and_scc_fails_saying_why(
    spark: Any, graphs: dict[str, EdgeSource], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphmill.errors import TaskFailed
    from graphmill.spark.graphx import bridge

    def no_jdk(spark: Any, cache_dir: Path | None = None) -> Any:
        raise build.HelperBuildError("GraphX needs a JDK to build graphmill's helper, but no javac was found")

    monkeypatch.setattr(bridge, "helper_class", no_jdk)
    table, logs = _run(spark, "analytics_wcc", {}, graphs["str"])
    _assert_same(_local_table("analytics_wcc", {}, graphs["str"], tmp_path / "local"), table)
    fallback = "implementation: DataFrame (GraphX helper unavailable: GraphX needs a JDK"
    assert any(line.startswith(fallback) for line in logs), logs
    with pytest.raises(TaskFailed, match="no javac was found"):
        _run(spark, "analytics_scc", {}, graphs["int"])


GRAPHX_REFERENCE = {
    "BFS": ("analytics_bfs", graphx.bfs, ga.match_exact),
    "WCC": ("analytics_wcc", graphx.wcc, ga.match_equivalence),
    "CDLP": ("analytics_lpa", graphx.lpa, ga.match_exact),
}


@pytest.mark.parametrize(("props", "alg"), [c for c in _cases() if c.values[1] in GRAPHX_REFERENCE])
def test_graphx_graphalytics_reference(spark: Any, cache: Path, props: Path, alg: str) -> None:
    """GraphX's BFS, WCC and CDLP against LDBC's outputs (the graphs have isolated vertices)."""
    task_type, run_fn, rule = GRAPHX_REFERENCE[alg]
    p = ga.load_evlp(props, weighted=False)[1]
    raw: dict[str, object] = {"variant": "graphalytics", "is_directed": p.get("directed", "true") == "true"}
    if alg == "BFS":
        raw["root"] = p["bfs.source-vertex"]
    if alg == "CDLP":
        raw["iterations"] = p["cdlp.max-iterations"]
    params = get_algorithm(task_type).parse_params(raw)
    progress = RecordingProgress()
    run = SparkRun(spark, progress, partitions=1, checkpoint_every=2, reliable=True)
    rows = run_fn(_graph(spark, props, p, weighted=False), dict(params), run).collect()
    assert any(line.startswith("implementation: GraphX") for line in progress.lines)
    actual = {int(r[0]): str(r[1]) for r in rows}
    name = props.name.removesuffix(".properties")
    assert rule(ga.read_output(props.parent / f"{name}-{alg}"), actual) == []


def test_helper_jar_is_reused_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jar = build.helper_jar(cache)
    assert jar.is_relative_to(cache)
    assert jar.name == build.JAR_NAME
    version, _ = build.pyspark_jars()
    assert jar.parent.name == build.cache_key(version, build.SOURCE.read_bytes())
    stamp = jar.stat().st_mtime_ns
    # No JDK now: a cached jar needs none, and is not rebuilt.
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert build.helper_jar(cache) == jar
    assert jar.stat().st_mtime_ns == stamp


def test_cache_folder_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(build.CACHE_ENV, str(tmp_path / "mine"))
    assert build.default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(build.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert build.default_cache_dir() == tmp_path / "xdg" / "graphmill" / "graphx"


def test_cache_key_follows_pyspark_version_and_source() -> None:
    source = build.SOURCE.read_bytes()
    key = build.cache_key("4.3.0", source)
    assert key != build.cache_key("4.3.1", source)
    assert key != build.cache_key("4.3.0", source + b"\n")


def test_missing_javac_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(build.HelperBuildError, match=r"no javac was found .* install a JDK 17"):
        build.helper_jar(tmp_path / "empty-cache")
    assert not any((tmp_path / "empty-cache").rglob("*.jar"))


def test_javac_failure_names_the_compiler_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "GraphmillGraphX.java"
    broken.write_text("package graphmill.graphx; public final class GraphmillGraphX { int x = ; }\n")
    monkeypatch.setattr(build, "SOURCE", broken)
    with pytest.raises(build.HelperBuildError, match=r"javac exited 1: .*error"):
        build.helper_jar(tmp_path / "cache")
    assert not any((tmp_path / "cache").rglob("*.jar"))
    assert os.listdir(next((tmp_path / "cache").iterdir())) == []  # the build folder is gone
