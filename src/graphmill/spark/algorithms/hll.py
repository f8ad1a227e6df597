"""HyperLogLog reach counters on Spark: DegreeCentrality's n-step degrees and HyperANF.

The registers are the local engine's (``engine/algorithms/hyperloglog.py``) bit for bit:
vertex ``i`` of the dense index (id order) hashes as ``splitmix64(i)``, the top ``bits``
bits pick the register and the leading zeros of the rest (+1) are its value.  A counter
is kept sparse, one row ``id, b, r`` per non-zero register, and a round merges (max) the
registers of each vertex's neighbours; only registers raised in the previous round are
sent again, which gives the same registers as merging everything every round.

The estimates are the local formula; the only difference is the order Spark sums a
counter's ``2**-r`` terms and HyperANF's N(t) in, which changes a double in its last bits
(relative 1e-12 at most).  n-step degrees are rounded to integers and agree exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphmill.spark.algorithms.community import _mix64
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph, dense_index

Params = dict[str, Any]


def registers(index: Any, bits: int) -> Any:
    """``id, b, r``: each vertex's counter holding only itself (``index``: ``id, vx``)."""
    from pyspark.sql import functions as F

    hashed = _mix64(index.select("id", F.col("vx").alias("h")), "h")
    rest = F.shiftleft(F.col("h"), bits)
    # bin() of a long is its two's complement without leading zeros (64 digits when negative).
    zeros = F.when(rest == 0, F.lit(64)).otherwise(F.lit(64) - F.length(F.bin(rest)))
    return hashed.select(
        "id",
        F.shiftrightunsigned(F.col("h"), 64 - bits).cast("int").alias("b"),
        F.least(zeros + 1, F.lit(64 - bits + 1)).cast("int").alias("r"),
    )


def estimates(state: Any, bits: int) -> Any:
    """``id, est``: the HyperLogLog estimate of every counter (with the small-range correction)."""
    from pyspark.sql import functions as F

    m = 1 << bits
    alpha = {16: 0.673, 32: 0.697, 64: 0.709}.get(m, 0.7213 / (1.0 + 1.079 / m))
    per = state.groupBy("id").agg(
        F.sum(F.pow(F.lit(2.0), -F.col("r"))).alias("part"), F.count(F.lit(1)).alias("nonzero")
    )
    zeros = F.lit(m) - F.col("nonzero")
    raw = F.lit(alpha * m * m) / (F.col("part") + zeros)
    linear = F.lit(float(m)) * F.log(F.lit(float(m)) / zeros)
    small = (raw <= F.lit(2.5 * m)) & (zeros > 0)
    return per.select("id", F.when(small, linear).otherwise(raw).alias("est"))


def _raise_round(links: Any, state: Any, sent: Any) -> Any:
    """``id, b, r`` of the registers a round raises: ``links`` (``reader, source``) read ``sent``."""
    from pyspark.sql import functions as F

    offers = (
        links.join(sent.withColumnRenamed("id", "source"), "source")
        .groupBy(F.col("reader").alias("id"), "b")
        .agg(F.max("r").alias("offer"))
    )
    better = offers.join(state, ["id", "b"], "left").filter(
        F.col("r").isNull() | (F.col("offer") > F.col("r"))
    )
    return better.select("id", "b", F.col("offer").alias("r"))


def spread(
    links: Any, state: Any, run: SparkRun, *, rounds: int | None, name: str, on_round: Any = None
) -> Any:
    """The counters after ``rounds`` merge rounds (``None``: until no register changes).

    ``on_round(t, state)`` runs after every round that raised a register.
    """
    sent = state
    t = 0
    while rounds is None or t < rounds:
        t += 1
        raised = run.keep(_raise_round(links, state, sent), t)
        changed = raised.count()
        run.iteration(name, t, rounds, f"{changed} registers raised")
        if changed == 0:
            run.progress.log(f"{name}: counters stable after step {t}")
            break
        state = run.keep(state.join(raised, ["id", "b"], "left_anti").unionByName(raised), t)
        sent = raised
        if on_round is not None:
            on_round(t, state)
    return state


def _reach_links(graph: SparkGraph, direction: str, run: SparkRun) -> Any:
    """``reader, source``: a vertex reads its out-neighbours' counters (``in``: in-neighbours')."""
    from pyspark.sql import functions as F

    reader, source = ("src", "dst") if direction == "out" else ("dst", "src")
    links = graph.edges.select(F.col(reader).alias("reader"), F.col(source).alias("source")).distinct()
    return links.repartition(run.partitions, "source").cache()


def reach_counts(graph: SparkGraph, direction: str, *, step: int, bits: int, run: SparkRun) -> Any:
    """``id, n``: estimated number of other vertices within ``step`` hops (-1: unbounded)."""
    from pyspark.sql import functions as F

    start = run.keep(registers(dense_index(graph.vertices), bits), 0)
    state = spread(
        _reach_links(graph, direction, run),
        start,
        run,
        rounds=step if step > 0 else None,
        name=f"DegreeCentrality {direction}",
    )
    counts = estimates(state, bits)
    return counts.select("id", F.greatest(F.rint("est").cast("long") - 1, F.lit(0)).alias("n"))


def hyperanf(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """HyperANF: average distance between connected ordered pairs from N(t) = sum_v |B(v, t)|."""
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    bits = int(params["bits"])
    state = run.keep(registers(dense_index(g.vertices), bits), 0)

    def total(frame: Any) -> float:
        return float(estimates(frame, bits).agg(F.sum("est")).first()[0] or 0.0)

    neighbourhood = [total(state)]

    def record(t: int, frame: Any) -> None:
        neighbourhood.append(total(frame))
        run.progress("computing", None, f"step {t}: N(t) = {neighbourhood[-1]:.6g}")

    spread(_reach_links(g, "out", run), state, run, rounds=None, name="HyperANF", on_round=record)
    value = average_distance(neighbourhood)
    run.progress.log(f"neighbourhood function: {', '.join(f'{x:.6g}' for x in neighbourhood)}")
    run.progress.log(f"average distance {value:.6f} after {len(neighbourhood)} steps")
    return run.spark.createDataFrame([(value,)], "VALUE double")


def average_distance(neighbourhood: list[float]) -> float:
    """sum_t t (N(t) - N(t-1)) / (N(T) - N(0)), as the local engine computes it."""
    spread_total = neighbourhood[-1] - neighbourhood[0] if neighbourhood else 0.0
    if spread_total <= 0:
        return 0.0
    diffs = np.diff(np.asarray(neighbourhood))
    steps = np.arange(1, len(neighbourhood), dtype=np.float64)
    return float((steps * diffs).sum() / spread_total)
