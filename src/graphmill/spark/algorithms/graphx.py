"""The algorithms GraphX runs with NA's answer, and the choice between GraphX and DataFrames.

Each entry point picks GraphX where its routine gives NA's (or Graphalytics') result for the
task's parameters and the DataFrame implementation otherwise, and says which in the task log.
Measured differences that decide the choice (bench/SPARK.md, "GraphX"):

* PageRank: GraphX's ``PageRank.run`` rescales the ranks to sum to n, so it is off by that
  factor whenever a graph has dangling vertices; its unnormalised rounds
  (``runWithOptions(normalized=false)``) are NA's rounds exactly but run a fixed count.  The
  helper runs the same round (``aggregateMessages`` of rank/outdeg, then (1-d) + d·sum) one
  job at a time, so NA's L1 stop is checked between rounds.  Graphalytics' variant spreads sink rank over all vertices,
  which no GraphX routine does: DataFrames.
* WCC, SCC: GraphX's labels are the smallest vertex id of the component, NA's rule.  Their
  Pregel loops (and BFS's) are driven from Python one round per job, as PageRank's and
  CDLP's are, so every round is reported in ``/progress`` and every ``checkpoint_every``-th
  round's graph is checkpointed to reliable storage (``staging_dir``).
* BFS: the hop counts of GraphX ``ShortestPaths``, one level per round from the root along
  out-edges (its Pregel message, driven round by round).
* TriangleCount: GraphX counts triangles over distinct neighbours (it canonicalises the
  edges and drops self-loops): NA's ``removed_duplication_edge=true`` with opt 1 or 2.  It
  cannot count parallel edges' multiplicity nor list triangles (opt 3): DataFrames.
* LPA: GraphX's LabelPropagation breaks ties by its hash map's order, neither NA's hashed
  rule nor CDLP's smallest label.  Graphalytics CDLP runs the same GraphX rounds in the helper
  with CDLP's smallest-label rule; NA's LPA (weighted votes, seeded hashed ties, stop when
  stable) stays on DataFrames.
"""

from __future__ import annotations

from typing import Any

from graphmill.spark.algorithms import community, features, importance, paths
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph, dense_index

Params = dict[str, Any]


def graphx_unfit(task_type: str, params: Params) -> str | None:
    """Why GraphX cannot give NA's answer for this task's parameters (None: it can)."""
    graphalytics = params.get("variant") == "graphalytics"
    if task_type == "analytics_pagerank" and graphalytics:
        return "GraphX's PageRank does not spread sink rank as Graphalytics does"
    if task_type == "analytics_lpa" and not graphalytics:
        return "GraphX's label propagation has neither NA's weighted votes nor its seeded tie rule"
    if task_type == "analytics_triangle_count":
        if int(params["opt"]) == 3:
            return "GraphX's TriangleCount counts triangles but cannot list them (opt=3)"
        if not params["removed_duplication_edge"]:
            return "GraphX's TriangleCount ignores parallel edges (removed_duplication_edge=false)"
    return None


def _use_graphx(run: SparkRun, routine: str, unfit: str | None) -> bool:
    """Whether to run GraphX's ``routine``; logs the choice (``unfit``: why GraphX does not fit).

    A helper that cannot be built (no JDK) falls back to the DataFrame implementation, which
    gives the same result, and the log says why.
    """
    from graphmill.spark.graphx.bridge import helper_class
    from graphmill.spark.graphx.build import HelperBuildError

    why = unfit or (None if run.graphx else "graphx = false in [spark]")
    if why is None:
        try:
            helper_class(run.spark)
        except HelperBuildError as exc:
            why = f"GraphX helper unavailable: {exc}"
    if why is None:
        run.progress.log(f"implementation: GraphX ({routine})")
        return True
    run.progress.log(f"implementation: DataFrame ({why})")
    return False


class _LongGraph:
    """The graph with ``long`` vertex ids, as GraphX needs; string ids go through the dense index."""

    def __init__(self, graph: SparkGraph, run: SparkRun) -> None:
        from pyspark.sql import functions as F

        self.spark = run.spark
        self.index: Any = None
        if graph.vid_type == "int64":
            self.vertices, self.edges = graph.vertices, graph.edges.select("src", "dst")
            return
        # Dense indices follow id order, so "the smallest index" is still "the smallest id".
        self.index = run.keep(dense_index(graph.vertices), 0)
        self.vertices = self.index.select(F.col("vx").alias("id"))
        self.edges = graph.edges.join(
            self.index.select(F.col("id").alias("src"), F.col("vx").alias("s")), "src"
        ).join(self.index.select(F.col("id").alias("dst"), F.col("vx").alias("d")), "dst")
        self.edges = self.edges.select(F.col("s").alias("src"), F.col("d").alias("dst"))

    def helper(self) -> Any:
        from graphmill.spark.graphx.bridge import helper_class

        return helper_class(self.spark)

    def vertex(self, typed: object) -> int:
        """A vertex id parameter as GraphX's long id."""
        from pyspark.sql import functions as F

        if self.index is None:
            return int(str(typed))
        return int(self.index.filter(F.col("id") == F.lit(typed)).first()["vx"])

    def decode(self, frame: Any, *columns: str) -> Any:
        """``frame`` with each named long column turned back into the graph's own ids."""
        from pyspark.sql import functions as F

        if self.index is None:
            return frame
        for column in columns:
            names = self.index.select(F.col("vx").alias(column), F.col("id").alias(f"_{column}"))
            frame = frame.join(names, column).drop(column).withColumnRenamed(f"_{column}", column)
        return frame


def pagerank(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """NA PageRank by GraphX rounds (unnormalised), one job each, stopping on NA's L1 rule."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    unfit = graphx_unfit("analytics_pagerank", params)
    if not _use_graphx(run, "PageRank rounds by aggregateMessages, unnormalised", unfit):
        return importance.pagerank(graph, params, run)
    g = graph if params.get("is_directed", True) else graph.undirected()
    iterations, damping, eps = int(params["iterations"]), float(params["damping"]), float(params["eps"])
    longs = _LongGraph(g, run)
    rounds = longs.helper().pageRankRounds(longs.vertices._jdf, longs.edges._jdf, damping)
    for it in range(1, iterations + 1):
        delta = float(rounds.step(run.reliable_round(it)))
        run.iteration("PageRank", it, iterations, f"L1 change {delta:.6g}")
        if delta < eps:
            run.progress.log(f"converged after {it} iterations (L1 change {delta:.6g} < eps {eps:g})")
            break
    else:
        run.progress.log(f"stopped after {iterations} iterations (eps {eps:g})")
    ranks = DataFrame(rounds.result(run.spark._jsparkSession), run.spark)
    ranks = longs.decode(ranks, "id")
    return ranks.select(F.col("id").alias("VID"), F.col("value").alias("VALUE"))


def _until_stable(rounds: Any, run: SparkRun, name: str, what: str) -> int:
    """Drive a helper's ``MinRounds`` until a round changes nothing; each round reported and
    every ``checkpoint_every``-th checkpointed to reliable storage.  Returns the rounds run."""
    it = 0
    while True:
        it += 1
        changed = int(rounds.step(run.reliable_round(it)))
        run.iteration(name, it, None, f"{changed} {what}")
        if changed == 0:
            return it


def _component_labels(longs: _LongGraph, rounds: Any, run: SparkRun) -> Any:
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    labels = longs.decode(DataFrame(rounds.result(run.spark._jsparkSession), run.spark), "id", "value")
    run.progress.log(f"{labels.select('value').distinct().count()} components")
    return labels.select(F.col("id").alias("VID"), F.col("value").alias("LABEL"))


def wcc(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Weakly connected components by GraphX rounds of ConnectedComponents' message (LABEL: smallest id)."""
    community.check_outputs(params, "WCC")
    if not _use_graphx(run, "ConnectedComponents rounds by aggregateMessages", None):
        return community.wcc(graph, params, run)
    longs = _LongGraph(graph, run)
    rounds = longs.helper().componentRounds(longs.vertices._jdf, longs.edges._jdf)
    done = _until_stable(rounds, run, "WCC", "labels changed")
    run.progress.log(f"labels stable after {done} rounds")
    return _component_labels(longs, rounds, run)


def scc(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Strongly connected components by GraphX rounds (LABEL: the smallest id of the component).

    GraphX is the only Spark implementation: ``graphx = false`` does not apply here, and a
    helper that cannot be built (no JDK) fails the task.  The rounds are GraphX
    StronglyConnectedComponents' (trim, forward colouring, backward closure), one job each.
    """
    from graphmill.spark.graphx.bridge import helper_class

    community.check_outputs(params, "SCC")
    helper_class(run.spark)  # no DataFrame SCC to fall back to: no helper fails the task, saying why
    run.progress.log("implementation: GraphX (StronglyConnectedComponents rounds)")
    g = graph if params.get("is_directed", True) else graph.undirected()
    longs = _LongGraph(g, run)
    rounds = longs.helper().sccRounds(longs.vertices._jdf, longs.edges._jdf)
    it = 0
    while not rounds.finished():
        it += 1
        phase = str(rounds.phase())
        changed = int(rounds.step(run.reliable_round(it)))
        run.iteration("SCC", it, None, f"{phase}: {changed} vertices changed")
    run.progress.log(f"components found after {it} rounds")
    return _component_labels(longs, rounds, run)


def bfs(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """BFS depths from the root by GraphX rounds, one level each (ShortestPaths' message, hop counts)."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    if not _use_graphx(run, "BFS rounds by aggregateMessages", None):
        return paths.bfs(graph, params, run)
    g = graph if params.get("is_directed", True) else graph.undirected()
    root = g.vid_literal(str(params["root"]), "root")
    longs = _LongGraph(g, run)
    rounds = longs.helper().hopRounds(longs.vertices._jdf, longs.edges._jdf, longs.vertex(root))
    _until_stable(rounds, run, "BFS", "vertices reached")
    depths = DataFrame(rounds.reached(run.spark._jsparkSession), run.spark)
    depths = run.keep(longs.decode(depths, "id"), 1)
    visited = depths.count()
    run.progress.log(f"visited {visited} vertices (root included)")
    if params.get("variant") == "graphalytics":
        return g.vertices.join(depths, "id", "left").select(
            F.col("id").alias("VID"), F.coalesce("value", F.lit(paths.UNREACHABLE_DEPTH)).alias("DEPTH")
        )
    return run.spark.createDataFrame(
        [(root, visited)],
        depths.select(F.col("id").alias("ROOT"), F.lit(0).cast("long").alias("VISITED")).schema,
    )


def triangle_count(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Per-vertex (opt 2) and total (opt 1) triangles by GraphX ``TriangleCount``, pass by pass."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    opt = int(params["opt"])
    if not _use_graphx(run, "TriangleCount", graphx_unfit("analytics_triangle_count", params)):
        return features.triangle_count(graph, params, run)
    longs = _LongGraph(graph, run)
    steps = longs.helper().triangleSteps(longs.vertices._jdf, longs.edges._jdf)
    run.progress("computing", 0.0, "TriangleCount pass 1 of 2: canonical edges")
    pairs = int(steps.canonicalize())
    run.progress("computing", 0.5, f"TriangleCount pass 2 of 2: neighbour sets of {pairs} vertex pairs")
    total = int(steps.count()) // 3
    run.progress("computing", 1.0, f"TriangleCount done: {total} triangles")
    run.progress.log(f"{total} triangles ({pairs} distinct vertex pairs with an edge, self-loops dropped)")
    if opt == 1:
        return run.spark.createDataFrame([(total,)], "COUNT long")
    per = longs.decode(DataFrame(steps.result(run.spark._jsparkSession), run.spark), "id")
    return per.select(F.col("id").alias("VID"), F.col("value").cast("long").alias("COUNT"))


def lpa(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Graphalytics CDLP by GraphX rounds with smallest-label ties; NA's LPA on DataFrames."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    community.check_outputs(params, "LPA")
    unfit = graphx_unfit("analytics_lpa", params)
    if not _use_graphx(run, "CDLP rounds by aggregateMessages, smallest-label ties", unfit):
        return community.lpa(graph, params, run)
    iterations = int(params["iterations"])
    longs = _LongGraph(graph, run)
    rounds = longs.helper().cdlpRounds(longs.vertices._jdf, longs.edges._jdf)
    for it in range(1, iterations + 1):
        changed = int(rounds.step(run.reliable_round(it)))
        run.iteration("LPA", it, iterations, f"{changed} labels changed")
        if changed == 0:  # synchronous rounds: a round that changes nothing is a fixed point
            run.progress.log(f"labels stable after {it} iterations")
            break
    labels = DataFrame(rounds.result(run.spark._jsparkSession), run.spark)
    labels = longs.decode(labels, "id", "value")
    return labels.select(F.col("id").alias("VID"), F.col("value").alias("LABEL"))
