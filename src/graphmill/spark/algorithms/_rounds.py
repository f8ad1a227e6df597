"""The round loop WCC and SSSP share: values only go down, and only changed vertices send."""

from __future__ import annotations

from typing import Any

from graphmill.spark.context import SparkRun


def lower_until_stable(
    links: Any, state: Any, run: SparkRun, *, name: str, column: str, offer: Any, what: str
) -> Any:
    """``state`` (``id``, ``column``) after rounds of offers along ``links`` (``src``, ``dst``, …).

    Each round the vertices improved in the previous round (all of ``state`` at first) send
    ``offer`` (an expression over their value ``v`` and the link's columns) to their
    out-neighbours; a vertex takes the smallest offer below its value, or its first offer when
    it has none yet.  Stops when a round improves nothing.
    """
    from pyspark.sql import functions as F

    active = state
    rounds = 0
    while True:
        rounds += 1
        offers = (
            links.join(active.select(F.col("id").alias("src"), F.col(column).alias("v")), "src")
            .groupBy(F.col("dst").alias("id"))
            .agg(F.min(offer).alias("offer"))
        )
        better = offers.join(state, "id", "left").filter(
            F.col(column).isNull() | (F.col("offer") < F.col(column))
        )
        better = run.keep(better.select("id", F.col("offer").alias(column)), rounds)
        changed = better.count()
        run.iteration(name, rounds, None, f"{changed} {what}")
        if changed == 0:
            return state
        state = run.keep(state.join(better, "id", "left_anti").unionByName(better), rounds)
        active = better
