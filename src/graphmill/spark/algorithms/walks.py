"""Node2Vec random walks on Spark, drawn with the local engine's hashes.

Every walker is a row; each step joins the walkers with the adjacency of their current
vertex.  The draws are the local kernels' ``hash4(seed, walk, step, attempt)`` over dense
indices (reproduced in Spark SQL, see ``community.with_hash4``) and a neighbour is picked
by its position in the vertex's sorted adjacency, as in the local CSR: unweighted walks are
the local engine's walks.  Weighted steps pick by per-vertex cumulative weights, where the
local engine uses one cumulative sum over all edges: the distribution is the same, but a
draw that falls within rounding distance of a boundary may pick the other neighbour.
"""

from __future__ import annotations

from typing import Any

from graphmill import errors
from graphmill.spark.algorithms.centrality import pin
from graphmill.spark.algorithms.community import _mix64 as mix64_column
from graphmill.spark.algorithms.community import with_hash4
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph, dense_index

Params = dict[str, Any]

#: Rejection-sampling attempts tried per walker and round (most walkers accept at the first).
_ATTEMPTS = 8
_UNIT = 1.0 / 9007199254740992.0


def _unit(column: Any) -> Any:
    """The local kernels' ``unit``: the top 53 bits of a hash as a double in [0, 1)."""
    from pyspark.sql import functions as F

    return F.shiftrightunsigned(column, 11).cast("double") * F.lit(_UNIT)


def _adjacency(g: SparkGraph, index: Any, weighted: bool) -> tuple[Any, Any]:
    """(``u, pos, x, xid, lo, hi``: neighbours of ``u`` in CSR order; ``u, deg, total``).

    Unweighted: one row per edge (parallel edges each take a position).  Weighted: one row
    per distinct neighbour with the cumulative weight interval ``[lo, hi)`` it covers.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    edges = g.edges.join(index.select(F.col("id").alias("src"), F.col("vx").alias("u")), "src").join(
        index.select(F.col("id").alias("dst"), F.col("vx").alias("x")), "dst"
    )
    edges = edges.select("u", "x", F.col("dst").alias("xid"), "w")
    if weighted:
        edges = edges.groupBy("u", "x", "xid").agg(F.sum("w").alias("w"))
        row = Window.partitionBy("u").orderBy("x")
        adj = edges.withColumn("hi", F.sum("w").over(row)).withColumn("lo", F.col("hi") - F.col("w"))
        adj = adj.withColumn("pos", F.row_number().over(row) - 1)
    else:
        row = Window.partitionBy("u").orderBy("x")
        adj = edges.withColumn("pos", F.row_number().over(row) - 1)
        adj = adj.withColumn("lo", F.lit(0.0)).withColumn("hi", F.lit(0.0))
    adj = adj.select("u", "pos", "x", "xid", "lo", "hi").cache()
    sizes = edges.groupBy("u").agg(F.count(F.lit(1)).alias("deg"), F.sum("w").alias("total")).cache()
    return adj, sizes


def _draws(walkers: Any, sizes: Any, params: Params, step: int) -> Any:
    """Candidate moves ``wid, attempt, cand_pos|target, accept_u`` for every walker and attempt."""
    from pyspark.sql import functions as F

    seed = int(params.get("seed", 0))
    tries = walkers.join(sizes, "u").withColumn(
        "attempt", F.explode(F.sequence(F.col("tried"), F.col("tried") + F.lit(_ATTEMPTS - 1)))
    )
    tries = with_hash4(
        tries, seed, F.col("wid"), F.lit(step).cast("long"), F.col("attempt").cast("long"), "h"
    )
    tries = tries.withColumn("r", _unit(F.col("h")))
    tries = mix64_column(tries.withColumn("h2", F.col("h")), "h2")
    return tries.withColumn("accept_u", _unit(F.col("h2")))


def _pick(tries: Any, adj: Any, weighted: bool) -> Any:
    """The neighbour each draw ``r`` lands on, as the local ``_pick`` chooses it."""
    from pyspark.sql import functions as F

    if not weighted:
        pos = F.least(F.floor(F.col("r") * F.col("deg")).cast("long"), F.col("deg") - 1)
        return tries.withColumn("pos", pos).join(adj.drop("lo", "hi"), ["u", "pos"])
    target = tries.withColumn("target", F.col("r") * F.col("total"))
    hit = (F.col("lo") <= F.col("target")) & (F.col("target") < F.col("hi"))
    last = F.col("pos") == F.col("deg") - 1  # a draw at the very top lands on the last neighbour
    return target.join(adj, "u").filter(hit | (last & (F.col("target") >= F.col("hi"))))


def _step(walkers: Any, adj: Any, sizes: Any, links: Any, params: Params, step: int) -> Any:
    """``wid, u, x, xid``: the walkers that accepted a move in one of their next attempts, and where."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    p, q = float(params["p"]), float(params["q"])
    amax = max(1.0 / p, 1.0, 1.0 / q)
    picked = _pick(_draws(walkers, sizes, params, step), adj, bool(params["is_weighted"]))
    picked = picked.join(links, (picked.prev == links.a) & (picked.x == links.b), "left")
    alpha = (
        F.when(F.col("x") == F.col("prev"), F.lit(1.0 / p))
        .when(F.col("b").isNotNull(), F.lit(1.0))
        .otherwise(F.lit(1.0 / q))
    )
    ok = (F.col("prev") < 0) | (F.col("accept_u") * F.lit(amax) < alpha)
    accepted = picked.filter(ok)
    first = Window.partitionBy("wid").orderBy("attempt")
    moved = accepted.withColumn("k", F.row_number().over(first)).filter(F.col("k") == 1)
    return moved.select("wid", "u", "x", "xid")


def node2vec(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """``epoch`` second-order walks of ``step`` steps from every vertex: ``VID0 … VIDstep``."""
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    weighted = bool(params["is_weighted"])
    if weighted and g.edges.filter(F.col("w") < 0).limit(1).count():
        raise errors.TaskFailed("node2vec with is_weighted=true needs non-negative weights")
    index = pin(dense_index(g.vertices))
    n = index.count()
    adj, sizes = _adjacency(g, index, weighted)
    links = adj.select(F.col("u").alias("a"), F.col("x").alias("b")).distinct().cache()
    epochs, length = int(params["epoch"]), int(params["step"]) + 1
    starts = index.crossJoin(g.vertices.sparkSession.range(epochs).withColumnRenamed("id", "epoch"))
    starts = starts.withColumn("wid", F.col("epoch") * F.lit(n) + F.col("vx"))
    walkers = run.keep(
        starts.select(
            "wid", F.col("vx").alias("u"), F.lit(-1).cast("long").alias("prev"), F.lit(0).alias("tried")
        ),
        0,
    )
    visits = [starts.select("wid", F.lit(0).alias("s"), "id")]
    rounds = 0
    for s in range(1, length):
        moving = walkers.join(sizes.select("u"), "u")  # a walker at a dead end stops
        moved_parts = []
        while True:
            rounds += 1
            moved = pin(_step(moving, adj, sizes, links, params, s))  # read by the next step and the result
            moved_parts.append(moved)
            retry = moving.join(moved.select("wid"), "wid", "left_anti")
            moving = run.keep(retry.withColumn("tried", F.col("tried") + F.lit(_ATTEMPTS)), rounds)
            if moving.count() == 0:
                break
        moved_all = moved_parts[0]
        for more in moved_parts[1:]:
            moved_all = moved_all.unionByName(more)
        walkers = run.keep(
            moved_all.select("wid", F.col("x").alias("u"), F.col("u").alias("prev"), F.lit(0).alias("tried")),
            rounds,
        )
        visits.append(moved_all.select("wid", F.lit(s).alias("s"), F.col("xid").alias("id")))
        run.iteration("Node2Vec", s, length - 1, f"{rounds} rounds so far")
    steps = visits[0]
    for more in visits[1:]:
        steps = steps.unionByName(more)
    table = steps.groupBy("wid").pivot("s", list(range(length))).agg(F.first("id"))
    run.progress.log(f"{n * epochs} walks")
    return table.select(
        F.col("wid").alias("_order"), *(F.col(str(i)).alias(f"VID{i}") for i in range(length))
    )
