"""Triangles and clustering coefficients on Spark DataFrames (the undirected view)."""

from __future__ import annotations

from typing import Any

from graphmill import errors
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph

Params = dict[str, Any]


def _pairs(graph: SparkGraph, run: SparkRun) -> Any:
    """``a, b, mult``: distinct unordered neighbour pairs (a < b), self-loops dropped.

    ``mult`` counts the input edges between the two in either direction (an edge of a
    graph taken undirected counts once, as the local engine's undirected view does).
    """
    from pyspark.sql import functions as F

    e = graph.edges.filter(F.col("src") != F.col("dst"))
    pairs = e.select(F.least("src", "dst").alias("a"), F.greatest("src", "dst").alias("b"))
    return (
        pairs.groupBy("a", "b").agg(F.count(F.lit(1)).alias("mult")).repartition(run.partitions, "a").cache()
    )


def _triangles(graph: SparkGraph, multiplicity: bool, run: SparkRun) -> tuple[Any, Any]:
    """(pairs, triangles ``x, y, z, t``): each triangle once, ``t`` its count.

    Edges point from the lower to the higher (degree, id) end, so a hub's wedges are
    enumerated from its low-degree neighbours: the wedge join stays near O(m^1.5).
    """
    from pyspark.sql import functions as F

    pairs = _pairs(graph, run)
    ends = pairs.select(F.col("a").alias("id")).unionAll(pairs.select(F.col("b").alias("id")))
    degree = ends.groupBy("id").agg(F.count(F.lit(1)).alias("deg"))
    ranked = pairs.join(degree.select(F.col("id").alias("a"), F.col("deg").alias("da")), "a").join(
        degree.select(F.col("id").alias("b"), F.col("deg").alias("db")), "b"
    )
    a_first = F.struct("da", "a") < F.struct("db", "b")
    oriented = ranked.select(
        F.when(a_first, F.col("a")).otherwise(F.col("b")).alias("x"),
        F.when(a_first, F.col("b")).otherwise(F.col("a")).alias("y"),
        F.when(a_first, F.col("db")).otherwise(F.col("da")).alias("dy"),
        "mult",
    )
    oriented = run.keep(oriented.repartition(run.partitions, "x"), 0)
    first = oriented.select("x", F.col("y").alias("y1"), F.col("dy").alias("d1"), F.col("mult").alias("m1"))
    second = oriented.select("x", F.col("y").alias("y2"), F.col("dy").alias("d2"), F.col("mult").alias("m2"))
    wedges = first.join(second, "x").filter(F.struct("d1", "y1") < F.struct("d2", "y2"))
    closing = oriented.select(F.col("x").alias("y1"), F.col("y").alias("y2"), F.col("mult").alias("m3"))
    found = wedges.join(closing, ["y1", "y2"])
    count = F.col("m1") * F.col("m2") * F.col("m3") if multiplicity else F.lit(1).cast("long")
    triangles = run.keep(
        found.select("x", F.col("y1").alias("y"), F.col("y2").alias("z"), count.alias("t")), 1
    )
    return pairs, triangles


def _per_vertex(graph: SparkGraph, triangles: Any) -> Any:
    from pyspark.sql import functions as F

    corners = triangles.select(F.explode(F.array("x", "y", "z")).alias("id"), "t")
    counts = corners.groupBy("id").agg(F.sum("t").alias("tri"))
    return graph.vertices.join(counts, "id", "left").select("id", F.coalesce("tri", F.lit(0)).alias("tri"))


def triangle_count(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """opt=1: COUNT; opt=2: VID, COUNT; opt=3: every distinct triangle, ids ascending, sorted."""
    from pyspark.sql import functions as F

    opt = int(params["opt"])
    multiplicity = not params["removed_duplication_edge"]
    _, triangles = _triangles(graph, multiplicity and opt != 3, run)
    run.progress("computing", 0.5, "triangles found")
    if opt == 1:
        total = int(triangles.agg(F.sum("t")).first()[0] or 0)
        run.progress.log(f"{total} triangles")
        return run.spark.createDataFrame([(total,)], "COUNT long")
    if opt == 2:
        per = _per_vertex(graph, triangles)
        return per.select(F.col("id").alias("VID"), F.col("tri").alias("COUNT"))
    ordered = triangles.select(F.array_sort(F.array("x", "y", "z")).alias("v"))
    return ordered.select(
        F.col("v")[0].alias("VID1"), F.col("v")[1].alias("VID2"), F.col("v")[2].alias("VID3")
    )


def clustering_coefficient(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """NA local/global clustering coefficient: T(v) / (d(d-1)/2) on the undirected view.

    ``d`` counts distinct neighbours, or edges with multiplicity when duplicate edges are
    kept.  variant=graphalytics runs on the local engine only (its LDBC numerator counts
    directed edges among neighbours).
    """
    from pyspark.sql import functions as F

    multiplicity = not params["removed_duplication_edge"]
    pairs, triangles = _triangles(graph, multiplicity, run)
    ends = pairs.select(F.col("a").alias("id"), "mult").unionAll(pairs.select(F.col("b").alias("id"), "mult"))
    size = F.sum("mult") if multiplicity else F.count(F.lit(1))
    degree = ends.groupBy("id").agg(size.cast("double").alias("d"))
    per = (
        _per_vertex(graph, triangles)
        .join(degree, "id", "left")
        .select(
            "id",
            "tri",
            (F.coalesce("d", F.lit(0.0)) * (F.coalesce("d", F.lit(0.0)) - 1.0) / 2.0).alias("pairs"),
        )
    )
    local = per.select(
        "id",
        "tri",
        "pairs",
        F.when(F.col("pairs") > 0, F.col("tri") / F.col("pairs")).otherwise(0.0).alias("c"),
    )
    if str(params.get("type", "local")) == "global":
        sums = local.agg(F.sum("tri"), F.sum("pairs")).first()
        value = float(sums[0]) / float(sums[1]) if sums[1] else 0.0
        run.progress.log(f"global clustering coefficient {value:.6f}")
        return run.spark.createDataFrame(
            [(None, value)], f"VID {'long' if graph.vid_type == 'int64' else 'string'}, VALUE double"
        )
    return local.select(F.col("id").alias("VID"), F.col("c").alias("VALUE"))


def _vertex_list(graph: SparkGraph, run: SparkRun, ids: list[str], what: str) -> Any:
    """The listed vertices with their position in the list; missing ones fail the task."""
    unique = list(dict.fromkeys(ids))
    typed: list[object] = list(unique)
    if graph.vid_type == "int64":
        try:
            typed = [int(v) for v in unique]
        except ValueError:
            raise errors.TaskFailed(f"{what}: not int64 vertex ids: {', '.join(unique[:5])}") from None
    schema = f"id {'long' if graph.vid_type == 'int64' else 'string'}, pos long"
    listed = run.spark.createDataFrame(list(zip(typed, range(len(typed)), strict=True)), schema)
    missing = listed.join(graph.vertices, "id", "left_anti").orderBy("pos").limit(5).collect()
    if missing:
        raise errors.TaskFailed(
            f"{what}: vertices not in the graph: {', '.join(str(r['id']) for r in missing)}"
        )
    return listed


def jaccard(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """|N(a) & N(b)| / |N(a) | N(b)| over distinct neighbours ignoring direction.

    For every a in ids1 (in list order) and b in ids2 (b != a); with ids2 empty, every b that
    shares a neighbour with a.  A self-loop makes a vertex its own neighbour unless
    removed_self_edge.
    """
    from pyspark.sql import functions as F

    keep_self = not params["removed_self_edge"]
    e = graph.edges if keep_self else graph.edges.filter(F.col("src") != F.col("dst"))
    near = (
        e.select("src", "dst")
        .unionAll(e.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
        .distinct()
    )
    near = near.select(F.col("src").alias("v"), F.col("dst").alias("x")).cache()
    degree = near.groupBy("v").agg(F.count(F.lit(1)).alias("d"))
    first = _vertex_list(graph, run, list(params["ids1"]), "ids1")
    a_near = near.join(F.broadcast(first.select(F.col("id").alias("v"), "pos")), "v").select(
        F.col("v").alias("a"), "pos", "x"
    )
    shared = a_near.join(near.select(F.col("v").alias("b"), "x"), "x").filter(F.col("a") != F.col("b"))
    inter = shared.groupBy("a", "pos", "b").agg(F.count(F.lit(1)).alias("i"))
    if params.get("ids2"):
        listed = list(params["ids2"])
        second = _vertex_list(graph, run, listed, "ids2").select(
            F.col("id").alias("b"), F.col("pos").alias("pb")
        )
        pairs = (
            first.select(F.col("id").alias("a"), "pos")
            .crossJoin(F.broadcast(second))
            .filter(F.col("a") != F.col("b"))
        )
        inter = pairs.join(inter, ["a", "pos", "b"], "left").fillna(0, subset=["i"])
        # Rows follow ids1, then ids2 (the local engine's order).
        inter = inter.withColumn("pos", F.col("pos") * len(listed) + F.col("pb"))
    da = degree.select(F.col("v").alias("a"), F.col("d").alias("da"))
    db = degree.select(F.col("v").alias("b"), F.col("d").alias("db"))
    scored = inter.join(da, "a", "left").join(db, "b", "left").fillna(0, subset=["da", "db"])
    union = F.col("da") + F.col("db") - F.col("i")
    value = F.when(union > 0, F.col("i") / union).otherwise(0.0)
    return scored.select(
        F.col("pos").alias("_order"), F.col("a").alias("VID1"), F.col("b").alias("VID2"), value.alias("VALUE")
    )
