"""Degree tables on Spark: DegreeWithTime, and DegreeCentrality's n-step (HyperLogLog) degrees."""

from __future__ import annotations

import math
from typing import Any

from graphmill.engine.edge_times import time_window
from graphmill.spark.algorithms.hll import reach_counts
from graphmill.spark.context import SparkRun
from graphmill.spark.graph import SparkGraph

Params = dict[str, Any]


def degree_table(vertices: Any, out: Any | None, inn: Any | None, kind: str) -> Any:
    """``VID`` and the degree columns ``kind`` asks for.

    ``out``/``inn`` are ``id, n`` frames; a vertex missing from one has 0 there, and a
    frame ``kind`` does not need may be None.
    """
    from pyspark.sql import functions as F

    table = vertices
    for frame, name in ((out, "OUT_DEGREE"), (inn, "IN_DEGREE")):
        if frame is None:
            table = table.withColumn(name, F.lit(0).cast("long"))
        else:
            table = table.join(frame, "id", "left").select(
                *table.columns, F.coalesce("n", F.lit(0)).cast("long").alias(name)
            )
    table = table.withColumnRenamed("id", "VID")
    if kind == "out":
        return table.select("VID", "OUT_DEGREE")
    if kind == "in":
        return table.select("VID", "IN_DEGREE")
    return table.select(
        "VID", (F.col("OUT_DEGREE") + F.col("IN_DEGREE")).alias("BOTH_DEGREE"), "OUT_DEGREE", "IN_DEGREE"
    )


def counted(edges: Any, end: str) -> Any:
    """``id, n``: how many of ``edges`` have each vertex at ``end`` (``src`` or ``dst``)."""
    from pyspark.sql import functions as F

    return edges.groupBy(F.col(end).alias("id")).agg(F.count(F.lit(1)).alias("n"))


def degree_with_time(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Degrees counting the edges whose time (the weight column, 1.0 when absent) is in the window."""
    from pyspark.sql import functions as F

    g = graph if params.get("is_directed", True) else graph.undirected()
    begin, end = time_window(params)
    inside = g.edges.filter(~F.isnan("w"))
    if not math.isinf(begin):
        inside = inside.filter(F.col("w") >= F.lit(begin))
    if not math.isinf(end):
        inside = inside.filter(F.col("w") <= F.lit(end))
    inside = inside.cache()
    kept, total = inside.count(), g.edges.count()
    run.progress("computing", 1.0, f"{kept} of {total} edges in range")
    run.progress.log(f"{kept} of {total} edges have a time in range [{begin}, {end}]")
    return degree_table(g.vertices, counted(inside, "src"), counted(inside, "dst"), str(params["type"]))


def nstep_degrees(graph: SparkGraph, params: Params, run: SparkRun) -> Any:
    """Estimated number of distinct other vertices within ``step`` hops out of / into each vertex."""
    g = graph if params.get("is_directed", True) else graph.undirected()
    kind, step, bits = str(params["type"]), int(params["step"]), int(params["bits"])
    run.progress.log(f"{step if step > 0 else 'unbounded'}-step degrees are HyperLogLog estimates")
    out = reach_counts(g, "out", step=step, bits=bits, run=run) if kind != "in" else None
    inn = None
    if kind != "out":
        # Taken undirected, a vertex's in-neighbours are its out-neighbours: count once.
        same = not g.directed and out is not None
        inn = out if same else reach_counts(g, "in", step=step, bits=bits, run=run)
    return degree_table(g.vertices, out, inn, kind)
