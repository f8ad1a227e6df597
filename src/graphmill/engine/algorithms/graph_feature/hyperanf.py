"""HyperANF: average distance from HyperLogLog neighbourhood functions."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphmill import errors
from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    make_table,
    oriented,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.algorithms.hyperloglog import HLL_MEMORY_LIMIT_BYTES, hll_estimate, hll_init, hll_step
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["HYPERANF", "average_distance"]


# -- HyperANF ----------------------------------------------------------------------------------------


def average_distance(graph: Graph, *, bits: int, progress: Progress) -> tuple[float, list[float]]:
    """HyperANF estimate of the average distance between connected ordered pairs.

    HyperLogLog counters (2**bits registers) of the balls B(v, t) along out-edges give the
    neighbourhood function N(t) = sum_v |B(v, t)|; the average distance is
    sum_t t (N(t) - N(t-1)) / (N(T) - N(0)), T the first t with no counter change.
    """
    n = graph.n
    if n == 0:
        return 0.0, []
    need = 2 * n * (1 << bits)
    if need > HLL_MEMORY_LIMIT_BYTES:
        raise errors.TaskFailed(
            f"HyperANF with bits={bits} needs {need / 2**30:.1f} GiB of counters for {n} vertices; use a smaller bits"
        )
    registers = hll_init(n, bits)
    neighbourhood = [float(hll_estimate(registers).sum())]
    t = 0
    while True:
        t += 1
        registers, changed = hll_step(registers, graph.indptr, graph.indices)
        if not changed:
            break
        neighbourhood.append(float(hll_estimate(registers).sum()))
        progress("computing", None, f"step {t}: N(t) = {neighbourhood[-1]:.6g}")
    total = neighbourhood[-1] - neighbourhood[0]
    if total <= 0:
        return 0.0, neighbourhood
    diffs = np.diff(np.asarray(neighbourhood))
    steps = np.arange(1, len(neighbourhood), dtype=np.float64)
    return float((steps * diffs).sum() / total), neighbourhood


def _run_hyperanf(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    bits = int(params["bits"])
    progress.log(f"HyperANF: bits={bits} on {g.n} vertices, {g.m} edges")
    progress("computing", None, "step 0")
    value, nf = average_distance(g, bits=bits, progress=progress)
    progress.log(f"neighbourhood function: {', '.join(f'{x:.6g}' for x in nf)}")
    progress.log(f"average distance {value:.6f} after {len(nf)} steps")
    return make_table(g, [OutputColumn("VALUE", "double")], [[value]])


HYPERANF = AlgorithmSpec(
    type="analytics_hyperanf",
    name="HyperANF",
    group="graphFeature",
    params=(
        ParamSpec("bits", "int", 6, minimum=6, maximum=16, doc="HyperLogLog register index width"),
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=lambda params: [OutputColumn("VALUE", "double")],
    run=_run_hyperanf,
    doc="HyperANF estimate of the average hop distance between connected ordered vertex pairs (one row).",
)
