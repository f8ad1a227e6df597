"""BFS and SSSP on Spark DataFrames: frontier rounds, only the vertices that changed send."""

from __future__ import annotations

from typing import Any

from graphmill import errors
from graphmill.spark.algorithms._rounds import lower_until_stable
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph

Params = dict[str, Any]

#: Graphalytics' BFS depth of an unreachable vertex (2**63 - 1), as the local engine writes it.
UNREACHABLE_DEPTH = 9223372036854775807


def bfs(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Hop depths from ``root`` along out-edges; NA: one row ROOT, VISITED; LDBC: every depth."""
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    root = g.vid_literal(str(params["root"]), "root")
    links = g.edges.select("src", "dst").distinct().repartition(run.partitions, "src").cache()
    seen = run.keep(
        g.vertices.filter(F.col("id") == F.lit(root)).select("id", F.lit(0).cast("long").alias("depth")), 0
    )
    frontier = seen.select(F.col("id").alias("src"))
    depth = 0
    while True:
        depth += 1
        reached = links.join(frontier, "src").select(F.col("dst").alias("id")).distinct()
        fresh = run.keep(
            reached.join(seen, "id", "left_anti").select("id", F.lit(depth).cast("long").alias("depth")),
            depth,
        )
        count = fresh.count()
        run.iteration("BFS", depth, None, f"{count} vertices at depth {depth}")
        if count == 0:
            break
        seen = run.keep(seen.unionByName(fresh), depth)
        frontier = fresh.select(F.col("id").alias("src"))
    visited = seen.count()
    run.progress.log(f"visited {visited} vertices (root included), max depth {depth - 1}")
    if params.get("variant") == "graphalytics":
        return g.vertices.join(seen, "id", "left").select(
            F.col("id").alias("VID"), F.coalesce("depth", F.lit(UNREACHABLE_DEPTH)).alias("DEPTH")
        )
    return run.spark.createDataFrame(
        [(root, visited)],
        seen.select(F.col("id").alias("ROOT"), F.lit(0).cast("long").alias("VISITED")).schema,
    )


def sssp(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Shortest distances from ``root`` (Bellman-Ford rounds from the improved vertices only).

    Parallel edges count with their smallest weight; weight 1.0 where there is none;
    negative weights fail the task (as Dijkstra does locally).  NA writes the reachable
    vertices; variant=graphalytics every vertex with ``inf`` where unreachable.
    """
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    root = g.vid_literal(str(params["root"]), "root")
    lightest = g.edges.agg(F.min("w")).first()[0]
    if lightest is not None and lightest < 0:
        raise errors.TaskFailed("SSSP needs non-negative edge weights; the graph has a negative weight")
    links = (
        g.edges.groupBy("src", "dst").agg(F.min("w").alias("w")).repartition(run.partitions, "src").cache()
    )
    dist = run.keep(g.vertices.filter(F.col("id") == F.lit(root)).select("id", F.lit(0.0).alias("dist")), 0)
    dist = lower_until_stable(
        links, dist, run, name="SSSP", column="dist", offer=F.col("v") + F.col("w"), what="distances improved"
    )
    if params.get("variant") == "graphalytics":
        return g.vertices.join(dist, "id", "left").select(
            F.col("id").alias("VID"), F.coalesce("dist", F.lit(float("inf"))).alias("DISTANCE")
        )
    run.progress.log(f"reached {dist.count()} vertices")
    return dist.select(F.col("id").alias("VID"), F.col("dist").alias("DISTANCE"))
