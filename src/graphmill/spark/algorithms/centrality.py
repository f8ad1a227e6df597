"""Closeness and betweenness on Spark: breadth-first levels from many sources at once.

Both run one BFS per source, all sources of a batch in the same DataFrame rounds (rows
``(s, v, …)``), so a round costs one join whatever the number of sources.  The local
engine's definitions are kept: hop distances along edge direction (``is_directed=false``
adds reverse edges), sources from the largest weakly connected component, Brandes
dependencies with parallel edges multiplying path counts.  Sampled sources are the ones
with the smallest ``xxhash64(seed, vertex)`` — a draw without replacement that Spark can
make without bringing the component to the driver; it is a different draw than the local
engine's for the same seed, so sampled values differ while exact ones are equal.
"""

from __future__ import annotations

from typing import Any

from graphmill.spark.algorithms.community import wcc
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph, dense_index

Params = dict[str, Any]

#: Sources per batch of exact betweenness (rows per round ~ batch x reachable vertices).
_EXACT_BATCH = 256
#: Sources per batch of sampled betweenness; the stopping rule is then applied per source.
_SAMPLED_BATCH = 32


def pin(frame: Any) -> Any:
    """``frame`` materialised for the rest of the task.

    ``SparkRun.keep`` is for a loop's rolling state (it frees what it kept two rounds ago);
    what later rounds or the result still read is pinned instead.
    """
    return frame.localCheckpoint(eager=True)


def major_component(graph: SparkGraph, run: SparkRun) -> tuple[Any, int]:
    """(``id`` of every vertex of the largest weakly connected component, its size).

    Ties go to the component of the smallest vertex id, as the local engine's.
    """
    from pyspark.sql import functions as F

    labels = pin(wcc(graph, {}, run))
    sizes = labels.groupBy("LABEL").count()
    best = sizes.orderBy(F.col("count").desc(), F.col("LABEL")).first()
    if best is None:
        return labels.select(F.col("VID").alias("id")), 0
    members = labels.filter(F.col("LABEL") == F.lit(best["LABEL"])).select(F.col("VID").alias("id"))
    return pin(members), int(best["count"])


def ranked_sample(members: Any, seed: int, limit: int) -> Any:
    """``id, rank``: the ``limit`` members with the smallest ``xxhash64(seed, id)`` (then id), ranked."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    key = F.xxhash64(F.lit(seed).cast("long"), F.col("id"))
    top = members.orderBy(key, F.col("id")).limit(limit)  # a distributed top-k, not a global sort
    return top.withColumn("rank", F.row_number().over(Window.orderBy(key, F.col("id"))) - 1)


def _hop_links(graph: SparkGraph, params: Params, run: SparkRun) -> tuple[SparkGraph, Any]:
    """The oriented graph and its links ``src, dst, mult`` (self-loops dropped: never on a shortest path)."""
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    links = (
        g.edges.filter(F.col("src") != F.col("dst"))
        .groupBy("src", "dst")
        .agg(F.count(F.lit(1)).cast("double").alias("mult"))
    )
    return g, links.repartition(run.partitions, "src").cache()


def bfs_levels(links: Any, sources: Any, run: SparkRun, name: str) -> Any:
    """``s, v, d, sigma`` (hop distance, number of shortest paths) from every source, pinned.

    ``sources`` has a column ``s``.  One round per BFS level: the new level is what the
    previous one reaches and no earlier level holds.
    """
    from pyspark.sql import functions as F

    start = sources.select("s", F.col("s").alias("v"), F.lit(0).alias("d"), F.lit(1.0).alias("sigma"))
    seen = run.keep(start, 0)
    level = seen
    depth = 0
    while True:
        depth += 1
        step = level.join(links.withColumnRenamed("src", "v"), "v").groupBy("s", F.col("dst").alias("v"))
        reached = step.agg(F.sum(F.col("sigma") * F.col("mult")).alias("sigma"))
        reached = reached.join(seen.select("s", "v"), ["s", "v"], "left_anti")
        reached = run.keep(reached.select("s", "v", F.lit(depth).alias("d"), "sigma"), depth)
        count = reached.count()
        run.iteration(name, depth, None, f"BFS level {depth}: {count} (source, vertex) pairs")
        if count == 0:
            return pin(seen)
        seen = run.keep(seen.unionByName(reached), depth)
        level = reached


def closeness(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Sampled closeness (Eppstein–Wang) with the local engine's estimator.

    ``k = min(num_samples, N)`` sources of the largest component (N vertices); ``S(v)`` sums
    the hop distances from the sources that reach v; ``closeness(v) = k (N-1) / (N S(v))``,
    0 when ``S(v) = 0``.  With ``num_samples >= N`` every component vertex is a source and
    the value is exact (equal to the local engine's).
    """
    from pyspark.sql import functions as F

    g, links = _hop_links(graph, params, run)
    members, big_n = major_component(g, run)
    k = min(int(params["num_samples"]), big_n)
    sources = ranked_sample(members, int(params.get("seed", 0)), k).select(F.col("id").alias("s"))
    run.progress.log(f"closeness: {k} sources of the largest component ({big_n} vertices)")
    dist = bfs_levels(links, sources, run, "Closeness")
    sums = dist.groupBy(F.col("v").alias("id")).agg(F.sum("d").cast("double").alias("S"))
    factor = big_n / k / (big_n - 1) if big_n > 1 and k > 0 else 0.0
    value = F.when(F.col("S") * F.lit(factor) > 0, 1.0 / (F.col("S") * F.lit(factor))).otherwise(0.0)
    return g.vertices.join(sums, "id", "left").select(
        F.col("id").alias("VID"), F.coalesce(value, F.lit(0.0)).alias("VALUE")
    )


def _dependencies(links: Any, levels: Any, run: SparkRun, pins: list[Any]) -> Any:
    """``s, v, delta``: Brandes' dependency of every vertex a source reached (not the source)."""
    from pyspark.sql import functions as F

    depth = int(levels.agg(F.max("d")).first()[0] or 0)
    child = levels.filter(F.col("d") == depth).select(
        "s", F.col("v").alias("w"), F.col("sigma").alias("sw"), F.lit(0.0).alias("dw")
    )
    out = [child]
    to_child = links.withColumnRenamed("src", "v").withColumnRenamed("dst", "w")
    for d in range(depth - 1, -1, -1):
        parents = levels.filter(F.col("d") == d).select("s", "v", "sigma")
        share = parents.join(to_child, "v").join(child, ["s", "w"])
        share = share.select(
            "s", "v", (F.col("mult") * F.col("sigma") / F.col("sw") * (1.0 + F.col("dw"))).alias("c")
        )
        summed = share.groupBy("s", "v").agg(F.sum("c").alias("dw"))
        current = parents.join(summed, ["s", "v"], "left").select(
            "s", F.col("v").alias("w"), F.col("sigma").alias("sw"), F.coalesce("dw", F.lit(0.0)).alias("dw")
        )
        child = pin(current)
        pins.append(child)
        out.append(child)
        run.iteration("Betweenness", depth - d, depth, f"dependencies of BFS level {d}")
    result = out[0]
    for more in out[1:]:
        result = result.unionByName(more)
    return result.filter(F.col("s") != F.col("w")).select(
        "s", F.col("w").alias("v"), F.col("dw").alias("delta")
    )


def _add(total: Any, scores: Any) -> Any:
    """``id, bc``: ``total`` plus the summed dependencies of ``scores``, pinned (the old total freed)."""
    from pyspark.sql import functions as F

    part = scores.groupBy(F.col("v").alias("id")).agg(F.sum("delta").alias("bc"))
    if total is not None:
        part = total.unionByName(part).groupBy("id").agg(F.sum("bc").alias("bc"))
    new = pin(part)
    if total is not None:
        total.unpersist()
    return new


def _release(pins: list[Any]) -> None:
    for frame in pins:
        frame.unpersist()
    pins.clear()


def _exact_betweenness(g: SparkGraph, links: Any, run: SparkRun) -> Any:
    from pyspark.sql import functions as F

    ranked = pin(dense_index(g.vertices).withColumnRenamed("vx", "rank"))
    n = ranked.count()
    total: Any = None
    pins: list[Any] = []
    for start in range(0, n, _EXACT_BATCH):
        batch = ranked.filter((F.col("rank") >= start) & (F.col("rank") < start + _EXACT_BATCH))
        levels = bfs_levels(links, batch.select(F.col("id").alias("s")), run, "Betweenness")
        pins.append(levels)
        total = _add(total, _dependencies(links, levels, run, pins))
        _release(pins)
        done = min(n, start + _EXACT_BATCH)
        run.progress("computing", done / max(n, 1), f"{done} of {n} sources")
    return total


def _chosen(g: SparkGraph, members: Any, params: Params, seed: int) -> Any:
    """The vertex whose dependency stops the sampling: ``chosen``, or a hashed pick of the component."""
    from pyspark.sql import functions as F

    raw = str(params.get("chosen", "-1"))
    if raw != "-1":
        return g.vid_literal(raw, "chosen")
    pick = members.orderBy(F.xxhash64(F.lit(seed).cast("long"), F.lit("chosen"), F.col("id")), "id").first()
    return None if pick is None else pick["id"]


def _sampled_betweenness(g: SparkGraph, links: Any, params: Params, run: SparkRun) -> tuple[Any, float]:
    """Bader's adaptive sampling: summed dependencies of the sources used, and the scale ``N / used``."""
    from pyspark.sql import functions as F

    seed = int(params.get("seed", 0))
    members, big_n = major_component(g, run)
    chosen = _chosen(g, members, params, seed)
    run.progress.log(f"chosen vertex: {chosen!r}")
    limit = min(int(params["iterations"]), big_n)
    threshold = float(params["constant"]) * big_n
    ranked = pin(ranked_sample(members, seed, limit))
    used, dependency, total = 0, 0.0, None
    pins: list[Any] = []
    while used < limit and dependency < threshold:
        first = used
        batch = ranked.filter((F.col("rank") >= first) & (F.col("rank") < first + _SAMPLED_BATCH))
        batch = batch.select("rank", F.col("id").alias("s"))
        levels = bfs_levels(links, batch.select("s"), run, "Betweenness")
        pins.append(levels)
        scores = pin(_dependencies(links, levels, run, pins).join(batch, "s"))
        pins.append(scores)
        at_chosen = {
            r["rank"]: float(r["delta"]) for r in scores.filter(F.col("v") == F.lit(chosen)).collect()
        }
        for rank in range(first, min(limit, first + _SAMPLED_BATCH)):  # Bader's rule, source by source
            used += 1
            dependency += at_chosen.get(rank, 0.0)
            if dependency >= threshold:
                break
        total = _add(total, scores.filter(F.col("rank") < used))
        _release(pins)
        run.progress("computing", used / max(limit, 1), f"{used} of at most {limit} sources")
    run.progress.log(
        f"sampled {used} sources of the largest component ({big_n} vertices); "
        f"dependency of the chosen vertex {dependency:.6g} (stop at {threshold:.6g})"
    )
    return total, (big_n / used if used else 0.0)


def betweenness(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Betweenness over hop-count shortest paths, as the local engine defines it.

    ``iterations = 0``: exact Brandes from every vertex (batches of sources).  Otherwise
    Bader's adaptive sampling: sources in hashed order from the largest component, stopping
    after ``iterations`` sources or once the ``chosen`` vertex's summed dependency reaches
    ``constant x N``; the estimate is ``N x sum / k``.
    """
    from pyspark.sql import functions as F

    g, links = _hop_links(graph, params, run)
    if int(params["iterations"]) == 0:
        run.progress.log("betweenness: exact (every vertex a source)")
        total, scale = _exact_betweenness(g, links, run), 1.0
    else:
        total, scale = _sampled_betweenness(g, links, params, run)
    if total is None:  # no vertex, or no source
        total = g.vertices.select("id", F.lit(0.0).alias("bc"))
    return g.vertices.join(total, "id", "left").select(
        F.col("id").alias("VID"), (F.coalesce("bc", F.lit(0.0)) * F.lit(scale)).alias("VALUE")
    )
