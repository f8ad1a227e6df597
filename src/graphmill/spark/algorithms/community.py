"""Components and label propagation on Spark DataFrames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphmill import errors
from graphmill.spark.algorithms._rounds import lower_until_stable
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph, dense_index

Params = dict[str, Any]

# splitmix64 constants as signed longs: Spark's long arithmetic wraps (ANSI mode off).
_GOLDEN = 0x9E3779B97F4A7C15 - 2**64
_M1 = 0xBF58476D1CE4E5B9 - 2**64
_M2 = 0x94D049BB133111EB - 2**64
_SIGN = -(2**63)


def check_outputs(params: Params, name: str) -> None:
    if params.get("is_output_modularity") and params.get("variant") != "graphalytics":
        raise errors.ParamError(f"{name} on Spark does not compute modularity; run it on the local engine")


def wcc(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Weakly connected components; LABEL = the smallest vertex id of the component."""
    from pyspark.sql import functions as F

    check_outputs(params, "WCC")
    both = graph.edges.select("src", "dst").unionByName(
        graph.edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"))
    )
    links = both.filter(F.col("src") != F.col("dst")).distinct().repartition(run.partitions, "src").cache()
    labels = run.keep(graph.vertices.select("id", F.col("id").alias("label")), 0)
    labels = lower_until_stable(
        links, labels, run, name="WCC", column="label", offer=F.col("v"), what="labels changed"
    )
    run.progress.log(f"{labels.select('label').distinct().count()} components")
    return labels.select(F.col("id").alias("VID"), F.col("label").alias("LABEL"))


def _mix64(frame: Any, column: str) -> Any:
    """splitmix64's finaliser of a long column, one projection per step.

    Written as one expression, each step would repeat its input twice and the four nested
    finalisers of ``hash4`` would grow into thousands of copies of the same subexpression.
    """
    from pyspark.sql import functions as F

    steps: list[Callable[[Any], Any]] = [
        lambda z: z + F.lit(_GOLDEN),
        lambda z: z.bitwiseXOR(F.shiftrightunsigned(z, 30)) * F.lit(_M1),
        lambda z: z.bitwiseXOR(F.shiftrightunsigned(z, 27)) * F.lit(_M2),
        lambda z: z.bitwiseXOR(F.shiftrightunsigned(z, 31)),
    ]
    for step in steps:
        frame = frame.withColumn(column, step(F.col(column)))
    return frame


def with_hash4(frame: Any, seed: int, a: Any, b: Any, c: Any, column: str) -> Any:
    """``frame`` plus ``column`` = the local kernels' ``hash4(seed, a, b, c)`` on longs."""
    from pyspark.sql import functions as F

    seed_signed = seed - 2**64 if seed >= 2**63 else seed
    frame = _mix64(frame.withColumn(column, F.lit(seed_signed).cast("long")), column)
    for part in (a, b, c):
        frame = _mix64(frame.withColumn(column, F.col(column).bitwiseXOR(part)), column)
    return frame


def lpa(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Synchronous label propagation with the local engine's rules.

    Each round a vertex takes the label its in- and out-neighbours carry most (parallel
    edges each vote; NA: votes weighted by edge weight, ties to the smallest
    ``hash4(seed, vertex, round, label)`` over dense indices, stop when nothing changes;
    Graphalytics CDLP: unweighted, ties to the smallest label, exactly ``iterations`` rounds).
    A vertex with no neighbours keeps its label.
    """
    from pyspark.sql import functions as F

    check_outputs(params, "LPA")
    graphalytics = params.get("variant") == "graphalytics"
    iterations, seed = int(params["iterations"]), int(params.get("seed", 0))
    index = run.keep(dense_index(graph.vertices), 0)
    weight = F.lit(1.0) if graphalytics else F.col("w")
    edges = (
        graph.edges.join(index.select(F.col("id").alias("src"), F.col("vx").alias("u")), "src")
        .join(index.select(F.col("id").alias("dst"), F.col("vx").alias("v")), "dst")
        .groupBy("u", "v")
        .agg(F.sum(weight).alias("w"))
    )
    # A vote for every (receiver, sender) pair: the receiver hears out- and in-neighbours.
    votes = edges.select(F.col("v").alias("rcv"), F.col("u").alias("frm"), "w").unionByName(
        edges.select(F.col("u").alias("rcv"), F.col("v").alias("frm"), "w")
    )
    votes = votes.repartition(run.partitions, "frm").cache()
    labels = run.keep(index.select(F.col("vx").alias("frm"), F.col("vx").alias("label")), 0)
    for it in range(1, iterations + 1):
        scores = votes.join(labels, "frm").groupBy("rcv", "label").agg(F.sum("w").alias("score"))
        if graphalytics:
            scores = scores.withColumn("tie", F.col("label"))
        else:
            scores = with_hash4(scores, seed, F.col("rcv"), F.lit(it).cast("long"), F.col("label"), "tie")
            # Unsigned order of the hash as signed order: flip the sign bit.
            scores = scores.withColumn("tie", F.col("tie").bitwiseXOR(F.lit(_SIGN)))
        best = scores.groupBy("rcv").agg(
            F.min(F.struct((-F.col("score")).alias("s"), "tie", "label")).alias("b")
        )
        new = labels.join(best, labels.frm == best.rcv, "left").select(
            "frm", F.coalesce(F.col("b.label"), F.col("label")).alias("label"), F.col("label").alias("old")
        )
        new = run.keep(new, it)
        changed = new.filter(F.col("label") != F.col("old")).count()
        labels = new.drop("old")
        run.iteration("LPA", it, iterations, f"{changed} labels changed")
        if changed == 0 and not graphalytics:
            run.progress.log(f"labels stable after {it} iterations")
            break
    # Spark resolves names case-insensitively: "label" would clash with the output's "LABEL".
    final = labels.select("frm", F.col("label").alias("lab"))
    named = final.join(index.select(F.col("vx").alias("frm"), F.col("id").alias("vid_out")), "frm").join(
        index.select(F.col("vx").alias("lab"), F.col("id").alias("label_out")), "lab"
    )
    return named.select(F.col("vid_out").alias("VID"), F.col("label_out").alias("LABEL"))
