"""HANP (hop attenuation & node preference label propagation) on Spark DataFrames."""

from __future__ import annotations

from typing import Any

from graphmill.spark.algorithms.community import _SIGN, with_hash4
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph, dense_index

Params = dict[str, Any]

#: The local kernel's tie tolerance: label totals this close (relative) are a tie.
_TIE = 1e-12


def _votes(graph: SparkGraph, index: Any, run: SparkRun) -> tuple[Any, Any]:
    """(``rcv, frm, w``: summed edge weight per hearing pair, ``frm, dp`` degree counts).

    A vertex hears its out- and in-neighbours, an edge in either direction counting once
    per stored edge (a self-loop twice, as in the local engine's in- and out-lists);
    taken undirected (reverse edges added) it hears exactly the same, so ``is_directed``
    changes nothing.  The degree is the number of votes a vertex casts (in + out degree).
    """
    from pyspark.sql import functions as F

    dense = (
        graph.edges.join(index.select(F.col("id").alias("src"), F.col("vx").alias("u")), "src")
        .join(index.select(F.col("id").alias("dst"), F.col("vx").alias("v")), "dst")
        .select("u", "v", "w")
    )
    both = dense.select(F.col("v").alias("rcv"), F.col("u").alias("frm"), "w").unionByName(
        dense.select(F.col("u").alias("rcv"), F.col("v").alias("frm"), "w")
    )
    votes = both.groupBy("rcv", "frm").agg(F.sum("w").alias("w"), F.count(F.lit(1)).alias("k"))
    votes = votes.repartition(run.partitions, "frm").cache()
    degree = votes.groupBy("frm").agg(F.sum("k").alias("deg"))
    return votes.drop("k"), degree


def _round(votes: Any, state: Any, seed: int, it: int, hop_att: float) -> Any:
    """``frm, label, score, dp, old``: one synchronous round over ``state`` (``frm, label, score, dp``).

    A neighbour u votes ``score(u) * dp(u) * w``; the best total wins, totals within the
    local kernel's relative 1e-12 of the best are ties, broken by the smallest
    ``hash4(seed, vertex, round, label)``.  A vertex that changes label takes the best
    score among the neighbours carrying it minus ``hop_att``; one that keeps it keeps its score.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    heard = votes.join(state, "frm").select(
        "rcv", "label", "score", (F.col("score") * F.col("dp") * F.col("w")).alias("vote")
    )
    totals = heard.groupBy("rcv", "label").agg(F.sum("vote").alias("s"), F.max("score").alias("top"))
    totals = totals.withColumn("best", F.max("s").over(Window.partitionBy("rcv")))
    ties = totals.filter(F.col("s") >= F.col("best") - F.lit(_TIE) * F.abs(F.col("best")))
    ties = with_hash4(ties, seed, F.col("rcv"), F.lit(it).cast("long"), F.col("label"), "tie")
    # Unsigned order of the hash as signed order: flip the sign bit.
    ties = ties.withColumn("tie", F.col("tie").bitwiseXOR(F.lit(_SIGN)))
    won = ties.groupBy("rcv").agg(F.min(F.struct("tie", "label", "top")).alias("b"))
    moved = F.col("b.label").isNotNull() & (F.col("b.label") != F.col("label"))
    return state.join(won, state.frm == won.rcv, "left").select(
        "frm",
        F.when(moved, F.col("b.label")).otherwise(F.col("label")).alias("label"),
        F.when(moved, F.col("b.top") - F.lit(hop_att)).otherwise(F.col("score")).alias("score"),
        "dp",
        F.col("label").alias("old"),
    )


def hanp(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Leung et al.'s HANP with the local engine's rules, round for round (see ``_round``).

    Labels start as the vertices themselves with score 1.0; a vertex's preference factor is
    ``max(degree, 1) ** preference``.  Stops after ``iterations`` rounds or when no label changes.
    """
    from pyspark.sql import functions as F

    iterations, seed = int(params["iterations"]), int(params.get("seed", 0))
    preference, hop_att = float(params["preference"]), float(params["hop_att"])
    index = run.keep(dense_index(graph.vertices), 0)
    votes, degree = _votes(graph, index, run)
    dp = F.pow(F.greatest(F.coalesce(F.col("deg"), F.lit(0)), F.lit(1)).cast("double"), F.lit(preference))
    state = index.join(degree, index.vx == degree.frm, "left").select(
        F.col("vx").alias("frm"), F.col("vx").alias("label"), F.lit(1.0).alias("score"), dp.alias("dp")
    )
    state = run.keep(state.repartition(run.partitions, "frm"), 0)
    for it in range(1, iterations + 1):
        new = run.keep(_round(votes, state, seed, it, hop_att), it)
        changed = new.filter(F.col("label") != F.col("old")).count()
        state = new.drop("old")
        run.iteration("HANP", it, iterations, f"{changed} labels changed")
        if changed == 0:
            run.progress.log(f"labels stable after {it} iterations")
            break
    labels = state.select("frm", F.col("label").alias("lab")).cache()
    _log_communities(labels, params, run)
    named = labels.join(index.select(F.col("vx").alias("frm"), F.col("id").alias("vid_out")), "frm").join(
        index.select(F.col("vx").alias("lab"), F.col("id").alias("label_out")), "lab"
    )
    result = named.select(F.col("vid_out").alias("VID"), F.col("label_out").alias("LABEL"))
    if params.get("is_output_modularity"):
        q = modularity(graph, result.select(F.col("VID").alias("id"), F.col("LABEL").alias("c")))
        run.progress.log(f"modularity {q:.6f}")
        result = result.withColumn("MODULARITY", F.lit(q))
    return result


def _log_communities(labels: Any, params: Params, run: SparkRun) -> None:
    """The local engine's log lines: the community count and, when asked, the largest sizes."""
    from pyspark.sql import functions as F

    sizes = labels.groupBy("lab").agg(F.count(F.lit(1)).alias("size"))
    run.progress.log(f"{sizes.count()} communities")
    if params.get("is_stat_community"):
        biggest = [int(r["size"]) for r in sizes.orderBy(F.col("size").desc()).limit(10).collect()]
        singletons = sizes.filter(F.col("size") == 1).count()
        run.progress.log(
            f"{sizes.count()} communities; largest sizes {', '.join(map(str, biggest))}; "
            f"{singletons} single-vertex"
        )


def modularity(graph: SparkGraph, communities: Any) -> float:
    """Newman modularity of ``communities`` (``id, c``) on the weighted undirected view.

    The local engine's definition: every stored edge is one undirected edge of its
    weight, a vertex's strength is its in + out weight, ``Q = same / total -
    sum_c (K_c / 2 total)^2``; 0 for a graph whose weights sum to 0.
    """
    from pyspark.sql import functions as F

    ends = graph.edges.join(communities.select(F.col("id").alias("src"), F.col("c").alias("cs")), "src").join(
        communities.select(F.col("id").alias("dst"), F.col("c").alias("cd")), "dst"
    )
    sums = ends.agg(
        F.sum("w").alias("total"), F.sum(F.when(F.col("cs") == F.col("cd"), F.col("w")).otherwise(0.0))
    ).first()
    total = float(sums[0] or 0.0)
    if total == 0.0:
        return 0.0
    strength = ends.select(F.col("cs").alias("c"), "w").unionByName(ends.select(F.col("cd").alias("c"), "w"))
    per = strength.groupBy("c").agg(F.sum("w").alias("k"))
    spread = float(per.agg(F.sum((F.col("k") / F.lit(2.0 * total)) ** 2)).first()[0] or 0.0)
    return float(sums[1] or 0.0) / total - spread
