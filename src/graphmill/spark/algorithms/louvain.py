"""Louvain on Spark: synchronous local moving with a deterministic conflict rule, then aggregation.

This is a different algorithm from the local engine's sequential Louvain (which moves one
vertex at a time in a shuffled order and so always sees up-to-date community totals).  Here
every vertex of a round picks its best move from the totals of the previous round, all at
once, as distributed Louvain implementations do (Lu et al. 2015; nebula-algorithm's Spark
Louvain).  Moves made together can undo each other's gain, so:

* a vertex alone in its community moves to another singleton only if that community's id
  is smaller (two singletons never swap; Lu et al.'s minimum-label rule), ties between
  equally good communities go to the smallest id;
* a round is accepted only if it raises modularity; otherwise it is redone with a hashed
  half of the movers (``xxhash64(seed, vertex, level, round)``), then a quarter…, and the
  level ends when even an eighth does not help.

The result has the local engine's parameters and columns (LABEL = smallest vertex id of the
community) and reaches a modularity close to the local engine's, not the same partition.
"""

from __future__ import annotations

from typing import Any

from graphmill.spark.algorithms.centrality import pin
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph

Params = dict[str, Any]

#: The smallest share of movers tried before a level gives up on a round.
_MIN_SHARE = 1.0 / 8.0
_UNIT = 1.0 / 9007199254740992.0


def _symmetric(graph: SparkGraph) -> tuple[Any, Any]:
    """(links ``a, b, w`` of the undirected weighted view, nodes ``id, k``).

    Every edge counts in both directions (a self-loop adds twice its weight to its vertex),
    parallel weights add: the local engine's view and its modularity's ``2m``.
    """
    from pyspark.sql import functions as F

    e = graph.edges
    both = e.select(F.col("src").alias("a"), F.col("dst").alias("b"), "w").unionByName(
        e.select(F.col("dst").alias("a"), F.col("src").alias("b"), "w")
    )
    links = both.groupBy("a", "b").agg(F.sum("w").alias("w"))
    strength = links.groupBy(F.col("a").alias("id")).agg(F.sum("w").alias("k"))
    nodes = graph.vertices.join(strength, "id", "left").select("id", F.coalesce("k", F.lit(0.0)).alias("k"))
    return links, nodes


def _modularity(links: Any, nodes: Any, comm: Any, two_m: float) -> float:
    """Newman modularity of ``comm`` (``id, c``) on a level's graph."""
    from pyspark.sql import functions as F

    inside = (
        links.join(comm.select(F.col("id").alias("a"), F.col("c").alias("ca")), "a")
        .join(comm.select(F.col("id").alias("b"), F.col("c").alias("cb")), "b")
        .filter(F.col("ca") == F.col("cb"))
        .agg(F.sum("w"))
        .first()[0]
        or 0.0
    )
    totals = nodes.join(comm, "id").groupBy("c").agg(F.sum("k").alias("t"))
    squares = totals.agg(F.sum(F.col("t") * F.col("t"))).first()[0] or 0.0
    return float(inside) / two_m - float(squares) / (two_m * two_m)


def _proposals(links: Any, nodes: Any, comm: Any, two_m: float) -> Any:
    """``id, c, best``: each vertex's best other community where moving beats staying."""
    from pyspark.sql import functions as F

    info = comm.join(nodes, "id")
    tot = info.groupBy("c").agg(F.sum("k").alias("tot"), F.count(F.lit(1)).alias("size"))
    me = info.join(tot, "c").select(
        F.col("id").alias("a"),
        F.col("c").alias("cv"),
        "k",
        F.col("tot").alias("totv"),
        F.col("size").alias("sizev"),
    )
    heard = links.filter(F.col("a") != F.col("b")).join(
        comm.select(F.col("id").alias("b"), F.col("c").alias("cb")), "b"
    )
    weights = heard.groupBy("a", "cb").agg(F.sum("w").alias("nw"))
    cand = weights.join(me, "a").join(
        tot.select(F.col("c").alias("cb"), F.col("tot").alias("totb"), F.col("size").alias("sizeb")), "cb"
    )
    own = F.col("cb") == F.col("cv")
    cand = cand.withColumn(
        "gain", F.col("nw") - (F.col("totb") - F.when(own, F.col("k")).otherwise(0.0)) * F.col("k") / two_m
    )
    stay_nw = cand.filter(own).select("a", F.col("nw").alias("nw_own"))
    best = (
        cand.filter(~own)
        .groupBy("a")
        .agg(F.min(F.struct((-F.col("gain")).alias("g"), "cb", "sizeb")).alias("m"))
    )
    moves = me.join(best, "a").join(stay_nw, "a", "left")
    stay = F.coalesce("nw_own", F.lit(0.0)) - (F.col("totv") - F.col("k")) * F.col("k") / two_m
    gain = -F.col("m.g")
    swap = (F.col("sizev") == 1) & (F.col("m.sizeb") == 1) & (F.col("m.cb") > F.col("cv"))
    better = gain > stay + F.lit(1e-12) * F.greatest(F.lit(1.0), F.abs(stay))
    return moves.filter(better & ~swap).select(F.col("a").alias("id"), F.col("m.cb").alias("best"))


def _move(comm: Any, proposals: Any, share: float, seed: int, level: int, round_no: int) -> Any:
    """``comm`` after the proposed moves of the hashed ``share`` of the movers."""
    from pyspark.sql import functions as F

    if share < 1.0:
        draw = F.xxhash64(F.lit(seed).cast("long"), F.col("id"), F.lit(level), F.lit(round_no))
        proposals = proposals.filter(F.shiftrightunsigned(draw, 11).cast("double") * F.lit(_UNIT) < share)
    return comm.join(proposals, "id", "left").select("id", F.coalesce("best", "c").alias("c"))


def _level(
    links: Any, nodes: Any, two_m: float, q: float, params: Params, run: SparkRun, level: int
) -> tuple[Any, float, int]:
    """(``id, c`` after a level's local moving, its modularity, rounds that moved something)."""
    from pyspark.sql import functions as F

    seed, inner = int(params.get("seed", 0)), int(params["inner_iteration"])
    comm = run.keep(nodes.select("id", F.col("id").alias("c")), 0)
    share, accepted = 1.0, 0
    for round_no in range(1, inner + 1):
        proposals = _proposals(links, nodes, comm, two_m).cache()
        wanted = proposals.count()
        if wanted == 0:
            break
        moved = run.keep(_move(comm, proposals, share, seed, level, round_no), round_no)
        proposals.unpersist()
        new_q = _modularity(links, nodes, moved, two_m)
        verdict = "kept" if new_q > q + 1e-12 else "undone"
        run.iteration(
            "Louvain",
            round_no,
            inner,
            f"level {level}: {wanted} moves wanted, share {share:g}, Q {new_q:.6f} {verdict}",
        )
        if new_q > q + 1e-12:
            comm, q, accepted = moved, new_q, accepted + 1
            continue
        share /= 2.0
        if share < _MIN_SHARE:
            break
        comm = run.keep(comm, round_no)  # kept again: keep() frees what it kept two calls ago
    return pin(comm), q, accepted


def louvain(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Communities by distributed Louvain; ``VID, LABEL`` (+ ``MODULARITY`` when asked)."""
    from pyspark.sql import functions as F

    links, nodes = _symmetric(graph)
    links, nodes = pin(links.repartition(run.partitions, "a")), pin(nodes)
    member = pin(nodes.select(F.col("id").alias("vid"), F.col("id").alias("node")))
    two_m = float(nodes.agg(F.sum("k")).first()[0] or 0.0)
    q = (
        _modularity(links, nodes, member.select(F.col("vid").alias("id"), F.col("node").alias("c")), two_m)
        if two_m > 0
        else 0.0
    )
    run.progress.log(f"Louvain (distributed variant): 2m = {two_m:g}, modularity of singletons {q:.6f}")
    levels = int(params["outer_iteration"]) if two_m > 0 else 0
    for level in range(1, levels + 1):
        comm, q, accepted = _level(links, nodes, two_m, q, params, run, level)
        if accepted == 0:
            break
        as_node = comm.select(F.col("id").alias("node"), "c")
        member = pin(member.join(as_node, "node").select("vid", F.col("c").alias("node")))
        ends = comm.select(F.col("id").alias("a"), F.col("c").alias("ca"))
        links = links.join(ends, "a").join(ends.select(F.col("a").alias("b"), F.col("ca").alias("cb")), "b")
        links = pin(links.groupBy(F.col("ca").alias("a"), F.col("cb").alias("b")).agg(F.sum("w").alias("w")))
        nodes = pin(nodes.join(comm, "id").groupBy(F.col("c").alias("id")).agg(F.sum("k").alias("k")))
        run.progress.log(f"level {level}: {nodes.count()} communities, modularity {q:.6f}")
    labels = member.groupBy("node").agg(F.min("vid").alias("label_out"))
    out = member.join(labels, "node").select(F.col("vid").alias("VID"), F.col("label_out").alias("LABEL"))
    _log_stats(out, params, run)
    if params.get("is_calc_modularity") or params.get("is_output_modularity"):
        run.progress.log(f"modularity {q:.6f}")
    if params.get("is_output_modularity"):
        out = out.withColumn("MODULARITY", F.lit(q))
    return out


def _log_stats(out: Any, params: Params, run: SparkRun) -> None:
    from pyspark.sql import functions as F

    sizes = out.groupBy("LABEL").count()
    run.progress.log(f"{sizes.count()} communities")
    if params.get("is_stat_community"):
        top = sizes.orderBy(F.col("count").desc(), "LABEL").limit(10).collect()
        run.progress.log("largest communities: " + ", ".join(f"{r['LABEL']} ({r['count']})" for r in top))
