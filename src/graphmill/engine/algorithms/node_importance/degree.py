"""Degrees: DegreeCentrality (``analytics_nstepdegrees``) and DegreeWithTime."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    make_table,
    oriented,
)
from graphmill.engine.algorithms.base import MAX_ITERATIONS, AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.algorithms.hyperloglog import hll_reach_counts
from graphmill.engine.base import Progress
from graphmill.engine.edge_times import parse_time, time_window
from graphmill.engine.graph import Graph

__all__ = ["DEGREE_CENTRALITY", "DEGREE_WITH_TIME", "degree_columns", "parse_time"]


def degree_columns(params: Params) -> list[OutputColumn]:
    """The output of DegreeCentrality and DegreeWithTime, by ``type`` (in / out / both)."""
    kind = params.get("type", "both")
    if kind == "out":
        return [OutputColumn("VID", "vid"), OutputColumn("OUT_DEGREE", "int64")]
    if kind == "in":
        return [OutputColumn("VID", "vid"), OutputColumn("IN_DEGREE", "int64")]
    return [
        OutputColumn("VID", "vid"),
        OutputColumn("BOTH_DEGREE", "int64"),
        OutputColumn("OUT_DEGREE", "int64"),
        OutputColumn("IN_DEGREE", "int64"),
    ]


def _run_degrees(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    kind = str(params["type"])
    step = int(params["step"])
    bits = int(params["bits"])
    progress.log(f"DegreeCentrality: type={kind} step={step} bits={bits} on {g.n} vertices, {g.m} edges")
    out_deg: npt.NDArray[np.int64] | None = None
    in_deg: npt.NDArray[np.int64] | None = None
    if step == 1:
        progress("computing", 0.0, "counting degrees")
        if kind in ("out", "both"):
            out_deg = g.out_degree()
        if kind in ("in", "both"):
            in_deg = g.in_degree()
        progress("computing", 1.0, "degrees counted")
    else:
        progress.log(f"{step if step > 0 else 'unbounded'}-step degrees are HyperLogLog estimates")
        if kind in ("out", "both"):
            out_deg = hll_reach_counts(
                g.indptr, g.indices, g.n, step=step, bits=bits, progress=progress, label="out"
            )
        if kind in ("in", "both"):
            inc = g.in_csr()
            in_deg = hll_reach_counts(
                inc.indptr, inc.indices, g.n, step=step, bits=bits, progress=progress, label="in"
            )
    columns = degree_columns(params)
    if kind == "out":
        values: list[Any] = [g.id_array(), out_deg]
    elif kind == "in":
        values = [g.id_array(), in_deg]
    else:
        assert out_deg is not None
        assert in_deg is not None
        values = [g.id_array(), out_deg + in_deg, out_deg, in_deg]
    return make_table(g, columns, values)


DEGREE_CENTRALITY = AlgorithmSpec(
    type="analytics_nstepdegrees",
    name="DegreeCentrality",
    group="nodeImportance",
    params=(
        IS_DIRECTED,
        ParamSpec(
            "step",
            "int",
            3,
            minimum=1,
            maximum=MAX_ITERATIONS,
            special=(-1,),
            doc="hops to count; -1 means unbounded; 1 gives exact degrees",
        ),
        ParamSpec("bits", "int", 6, minimum=4, maximum=16, doc="HyperLogLog register index width"),
        ParamSpec("type", "string", "both", choices=("in", "out", "both"), doc="which degrees to output"),
    ),
    needs_weight=False,
    output_columns=degree_columns,
    run=_run_degrees,
    doc=(
        "In/out degrees. step=1: exact counts (parallel edges and self-loops count); other steps: "
        "HyperLogLog estimate of the number of distinct vertices within `step` hops."
    ),
)


# -- DegreeWithTime -----------------------------------------------------------------------------


def _check_time(value: Any) -> None:
    parse_time(str(value))


def _run_degree_with_time(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    kind = str(params["type"])
    begin, end = time_window(params)
    progress.log(
        f"DegreeWithTime: type={kind}, edge times in [{begin}, {end}] ({params['time_unit']}) "
        f"on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, "counting edges in the time range")
    times = g.weights if g.weights is not None else np.ones(g.m, dtype=np.float64)
    inside = (times >= begin) & (times <= end)
    out_deg = np.bincount(g.sources()[inside], minlength=g.n).astype(np.int64)
    in_deg = np.bincount(g.indices[inside], minlength=g.n).astype(np.int64)
    progress("computing", 1.0, f"{int(inside.sum())} of {g.m} edges in range")
    progress.log(f"{int(inside.sum())} of {g.m} edges have a time in range")
    columns = degree_columns(params)
    if kind == "out":
        return make_table(g, columns, [g.id_array(), out_deg])
    if kind == "in":
        return make_table(g, columns, [g.id_array(), in_deg])
    return make_table(g, columns, [g.id_array(), out_deg + in_deg, out_deg, in_deg])


DEGREE_WITH_TIME = AlgorithmSpec(
    type="analytics_degree_with_time",
    name="DegreeWithTime",
    group="nodeImportance",
    params=(
        ParamSpec(
            "iterations",
            "int",
            10,
            minimum=1,
            maximum=MAX_ITERATIONS,
            doc="accepted for compatibility (EN docs); not used",
        ),
        IS_DIRECTED,
        ParamSpec("type", "string", "both", choices=("in", "out", "both"), doc="which degrees to output"),
        ParamSpec(
            "begin_time",
            "string",
            None,
            check=_check_time,
            doc="earliest edge time counted: 'yyyy-MM-dd HH:mm:ss.SSS' (UTC) or an epoch number; none = unbounded",
        ),
        ParamSpec(
            "end_time",
            "string",
            None,
            check=_check_time,
            doc="latest edge time counted (inclusive), same formats; none = unbounded",
        ),
        ParamSpec(
            "time_unit",
            "string",
            "s",
            choices=("s", "ms"),
            doc="unit of the edge times (ranks) when begin/end are given as dates: seconds or milliseconds",
        ),
    ),
    needs_weight=True,
    output_columns=degree_columns,
    run=_run_degree_with_time,
    doc=(
        "Degrees counting only edges whose time lies in [begin_time, end_time]. The edge time is the "
        "column the server loads as weight — for this algorithm the edge rank (needs_weight=True means "
        "'needs the time column'); edges without one have time 1.0. Parallel edges each count."
    ),
)
