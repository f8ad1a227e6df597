"""PageRank and exact degrees on Spark DataFrames."""

from __future__ import annotations

from typing import Any

from graphmill.spark.algorithms.degrees import counted, degree_table, nstep_degrees
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph

Params = dict[str, Any]


def pagerank(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """NA PageRank (start 1.0, dangling rank dropped, stop when the L1 change < eps) or LDBC's.

    Same definitions as the local engine.  Parallel edges each count: edges are reduced to
    ``(src, dst, multiplicity)`` once, which also shrinks the shuffle of every round.  GraphX's
    own PageRank is not used: it keeps only vertices with edges in its normalisation and
    spreads no dangling mass, which matches neither definition.
    """
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    iterations, damping, eps = int(params["iterations"]), float(params["damping"]), float(params["eps"])
    graphalytics = params.get("variant") == "graphalytics"
    links = g.edges.groupBy("src", "dst").agg(F.count(F.lit(1)).cast("double").alias("mult"))
    links = links.repartition(run.partitions, "src").cache()
    outdeg = g.edges.groupBy(F.col("src").alias("id")).agg(F.count(F.lit(1)).alias("deg"))
    n = g.vertices.count()
    if n == 0:
        return g.vertices.select(F.col("id").alias("VID"), F.lit(0.0).alias("VALUE"))
    start = 1.0 / n if graphalytics else 1.0
    state = g.vertices.join(outdeg, "id", "left").select(
        "id",
        F.when(F.col("deg") > 0, 1.0 / F.col("deg")).otherwise(0.0).alias("inv"),
        F.lit(start).alias("rank"),
    )
    state = run.keep(state.repartition(run.partitions, "id"), 0)
    for it in range(1, iterations + 1):
        base = 1.0 - damping
        if graphalytics:
            sinks = state.filter(F.col("inv") == 0.0).agg(F.sum("rank")).first()[0] or 0.0
            base = (1.0 - damping) / n + damping * float(sinks) / n
        share = state.filter(F.col("inv") > 0).select(
            F.col("id").alias("src"), (F.col("rank") * F.col("inv")).alias("c")
        )
        incoming = (
            links.join(share, "src")
            .groupBy(F.col("dst").alias("id"))
            .agg(F.sum(F.col("c") * F.col("mult")).alias("s"))
        )
        new = state.join(incoming, "id", "left").select(
            "id",
            "inv",
            (F.lit(base) + F.lit(damping) * F.coalesce(F.col("s"), F.lit(0.0))).alias("rank"),
            F.col("rank").alias("old"),
        )
        new = run.keep(new, it)
        delta = float(new.agg(F.sum(F.abs(F.col("rank") - F.col("old")))).first()[0] or 0.0)
        state = new.drop("old")
        run.iteration("PageRank", it, iterations, f"L1 change {delta:.6g}")
        if not graphalytics and delta < eps:
            run.progress.log(f"converged after {it} iterations (L1 change {delta:.6g} < eps {eps:g})")
            break
    else:
        if not graphalytics:
            run.progress.log(f"stopped after {iterations} iterations (eps {eps:g})")
    return state.select(F.col("id").alias("VID"), F.col("rank").alias("VALUE"))


def degrees(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """DegreeCentrality: exact in/out degrees with ``step=1`` (parallel edges and self-loops count).

    Other steps count the vertices within ``step`` hops with HyperLogLog counters (``degrees.py``).
    """
    if int(params.get("step", 1)) != 1:
        return nstep_degrees(graph, params, run)
    g = graph if params.get("is_directed", True) else graph.undirected()
    kind = str(params.get("type", "both"))
    return degree_table(g.vertices, counted(g.edges, "src"), counted(g.edges, "dst"), kind)


def kcore(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """KCore: core numbers (type=vertex), or the edges out of the vertices with a core number
    in [kmin, kmax] (type=subgraph: one row per distinct neighbour, ordered by core number).
    """
    from pyspark.sql import functions as F

    core = core_numbers(graph, run)
    if str(params.get("type", "vertex")) == "vertex":
        return core.select(F.col("id").alias("VID"), F.col("core").alias("VALUE"))
    kmin, kmax = int(params["kmin"]), int(params["kmax"])
    plain = graph.edges.filter(F.col("src") != F.col("dst"))
    pairs = plain.select("src", "dst").unionByName(
        plain.select(F.col("dst").alias("src"), F.col("src").alias("dst"))
    )
    kept = (
        pairs.distinct()
        .join(core.select(F.col("id").alias("src"), "core"), "src")
        .filter(F.col("core").between(kmin, kmax))
        .cache()
    )
    run.progress.log(f"{kept.select('src').distinct().count()} vertices with core number in [{kmin}, {kmax}]")
    # The runner sorts by _order, then VID, VALUE: the local engine's order.
    return kept.select(F.col("core").alias("_order"), F.col("src").alias("VID"), F.col("dst").alias("VALUE"))


def core_numbers(graph: SparkGraph, run: SparkRun) -> Any:
    """``id, core``: core numbers by the distributed h-index rounds of Montresor et al.

    Every vertex starts at its degree (direction ignored, parallel edges each count,
    self-loops ignored) and repeatedly lowers it to the h-index of its neighbours' values,
    counted per edge: the largest k with at least k incident edges whose other end has a
    value >= k.  The fixed point is the core number; only vertices next to a change recompute.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    plain = graph.edges.filter(F.col("src") != F.col("dst"))
    pairs = plain.select("src", "dst").unionAll(
        plain.select(F.col("dst").alias("src"), F.col("src").alias("dst"))
    )
    links = pairs.groupBy("src", "dst").agg(F.count(F.lit(1)).alias("mult"))
    links = links.repartition(run.partitions, "dst").cache()
    degree = links.groupBy(F.col("src").alias("id")).agg(F.sum("mult").alias("core"))
    core = graph.vertices.join(degree, "id", "left").select(
        "id", F.coalesce("core", F.lit(0)).cast("long").alias("core")
    )
    core = run.keep(core, 0)
    by_value = Window.partitionBy("src").orderBy(F.col("c").desc()).rangeBetween(Window.unboundedPreceding, 0)
    rounds = 0
    while True:
        rounds += 1
        heard = links.join(core.select(F.col("id").alias("dst"), F.col("core").alias("c")), "dst")
        counted = heard.groupBy("src", "c").agg(F.sum("mult").alias("m"))
        counted = counted.withColumn("atleast", F.sum("m").over(by_value))
        h = counted.groupBy(F.col("src").alias("id")).agg(F.max(F.least("c", "atleast")).alias("h"))
        lower = h.join(core, "id").filter(F.col("h") < F.col("core")).select("id", F.col("h").alias("core"))
        lower = run.keep(lower, rounds)
        changed = lower.count()
        run.iteration("KCore", rounds, None, f"{changed} values lowered")
        if changed == 0:
            break
        core = run.keep(core.join(lower, "id", "left_anti").unionByName(lower), rounds)
    return core
