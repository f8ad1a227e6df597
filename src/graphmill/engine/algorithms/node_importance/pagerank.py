"""PageRank (``analytics_pagerank``): Explorer's Node importance group."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    VARIANT,
    is_small,
    make_table,
    oriented,
    threads,
)
from graphmill.engine.algorithms.base import MAX_ITERATIONS, AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.algorithms.node_importance.pagerank_layout import (
    PullLayout,
    build_layout,
    present_layout,
    pull_layout,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["PAGERANK", "PRECISIONS", "pagerank", "warm_up"]

FloatArray = npt.NDArray[np.float64]

#: ``precision`` values: float64 everywhere (default), or float32 contributions (gathered per edge).
PRECISIONS = ("float64", "float32")

#: ``step(rank, damping, base, out) -> L1 change``: one PageRank iteration.
Step = Callable[[FloatArray, float, float, FloatArray], float]


def _scipy_step(graph: Graph, inv: FloatArray) -> Step:
    """A small graph's iteration: scipy, so no compiled kernel has to load."""
    # A is the out-adjacency with parallel edges as separate entries, so Aᵀ·x counts each of them.
    adjacency = sp.csr_array(
        (np.ones(graph.m, dtype=np.float64), graph.indices, graph.indptr), shape=(graph.n, graph.n)
    )
    pull_matrix = adjacency.T.tocsr()

    def scipy_step(rank: FloatArray, damping: float, base: float, out: FloatArray) -> float:
        np.multiply(pull_matrix @ (rank * inv), damping, out=out)
        out += base
        return float(np.abs(out - rank).sum())

    return scipy_step


def _sliced_step(layout: PullLayout, inv: FloatArray, precision: str) -> Step:
    """An iteration over the relabelled, sliced in-edges (vertices in ``layout.order``)."""
    from graphmill.engine.algorithms.node_importance import pagerank_kernels as k

    n = inv.shape[0]
    blocks = layout.slice_bounds(max(1, threads()))
    # one extra slot: padding points there, and it stays 0
    contrib = np.zeros(n + 1, dtype=_contrib_dtype(precision))
    deltas = np.zeros(blocks.shape[0] - 1, dtype=np.float64)
    offsets, sources = layout.offsets, layout.sources

    def sliced_step(rank: FloatArray, damping: float, base: float, out: FloatArray) -> float:
        return float(k.pull_step(offsets, sources, blocks, inv, rank, contrib, damping, base, out, deltas))

    return sliced_step


def _plain_step(graph: Graph, inv: FloatArray, precision: str) -> Step:
    """An iteration over the plain in-CSR, in the graph's own vertex order."""
    from graphmill.engine.algorithms.node_importance import pagerank_kernels as k

    in_ptr, in_src = graph.in_edges()
    step: Step = k.PlainPull(in_ptr, in_src, inv, threads(), _contrib_dtype(precision))
    return step


def _contrib_dtype(precision: str) -> type[np.floating[Any]]:
    return np.float32 if precision == "float32" else np.float64


def uses_layout(graph: Graph) -> bool:
    """Whether PageRank on ``graph`` (not small) iterates over the locality layout.

    Only when the layout is free (in memory or in the graph cache entry) or will be kept for
    the next job (a cache entry is attached).  Built for one run only, it never paid in
    measurement: it costs about twice the plain transpose (0.66 against 0.31 s CPU at 16.8 M
    edges) and its iteration was not faster than the plain pull with unsigned indices
    (bench/RESULTS.md, "PageRank: when the layout pays").
    """
    return present_layout(graph) is not None or graph.keeps_derived()


def _inverse(outdeg: npt.NDArray[np.int64]) -> FloatArray:
    inv = np.zeros(outdeg.shape[0], dtype=np.float64)
    np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
    return inv


def pagerank(
    graph: Graph,
    *,
    iterations: int,
    damping: float,
    eps: float,
    variant: str,
    progress: Progress,
    precision: str = "float64",
) -> FloatArray:
    """PageRank of every vertex of ``graph`` (already oriented).

    ``variant="na"`` (NebulaGraph Analytics / Plato, unnormalised): every vertex starts at
    1.0 and ``PR(v) = (1-d) + d * sum_{u->v} PR(u)/outdeg(u)``; rank held by dangling
    vertices is dropped; parallel edges each count; weights are ignored.  Iteration stops
    after ``iterations`` rounds, or after the first round whose L1 change
    ``sum |PR_new - PR_old|`` is below ``eps``.  (Plato runs one more round after that;
    graphmill follows the written spec and stops.)

    ``variant="graphalytics"`` (LDBC): start at ``1/n``; ``PR(v) = (1-d)/n +
    d * sum_{u->v} PR(u)/outdeg(u) + d/n * (rank of all sinks)``; exactly ``iterations``
    rounds, no convergence test.

    From ``SMALL_GRAPH_EDGES`` edges on, the iterations run on PageRank's locality layout
    (vertices relabelled by in-degree; :mod:`.pagerank_layout`; the ranks are mapped back to
    the graph's own indices) when :func:`uses_layout` says it pays, else on the plain
    in-CSR.  ``precision="float32"`` keeps each vertex's per-iteration contribution
    ``PR(u)/outdeg(u)`` as float32 there (sums and ranks stay float64); small graphs always
    compute in float64.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    outdeg = graph.out_degree()
    order = None
    if is_small(graph):
        step = _scipy_step(graph, _inverse(outdeg))
    elif uses_layout(graph):
        layout = pull_layout(graph, threads())
        order = layout.order
        outdeg = outdeg[order]
        step = _sliced_step(layout, _inverse(outdeg), precision)
    else:
        step = _plain_step(graph, _inverse(outdeg), precision)
    rank = _iterate(
        step, outdeg == 0, iterations=iterations, damping=damping, eps=eps, variant=variant, progress=progress
    )
    if order is None:
        return rank
    result = np.empty(n, dtype=np.float64)
    result[order] = rank
    return result


def _iterate(
    step: Step,
    sinks: npt.NDArray[np.bool_],
    *,
    iterations: int,
    damping: float,
    eps: float,
    variant: str,
    progress: Progress,
) -> FloatArray:
    """Run ``step`` as the variant says; the ranks in the step's vertex order."""
    n = sinks.shape[0]
    new = np.empty(n, dtype=np.float64)
    if variant == "graphalytics":
        rank = np.full(n, 1.0 / n)
        for it in range(1, iterations + 1):
            sink_mass = float(rank[sinks].sum())
            base = (1.0 - damping) / n + damping * sink_mass / n
            step(rank, damping, base, new)
            rank, new = new, rank
            progress("computing", it / iterations, f"iteration {it} of {iterations}")
        return rank
    rank = np.ones(n, dtype=np.float64)
    delta = math.inf
    for it in range(1, iterations + 1):
        delta = step(rank, damping, 1.0 - damping, new)
        rank, new = new, rank
        progress("computing", it / iterations, f"iteration {it} of {iterations}, L1 change {delta:.6g}")
        if delta < eps:
            progress.log(f"converged after {it} iterations (L1 change {delta:.6g} < eps {eps:g})")
            break
    else:
        progress.log(f"stopped after {iterations} iterations (L1 change {delta:.6g}, eps {eps:g})")
    return rank


def warm_up(graph: Graph) -> None:
    """Load the compiled layout, transpose and iteration kernels (every precision) on a tiny ``graph``."""
    built = build_layout(graph, 2)
    inv = _inverse(graph.out_degree()[built["order"]])
    rank, out = np.ones(graph.n), np.empty(graph.n)
    for read_only in (False, True):  # built by this task, or memory-mapped from the cache
        arrays = {name: values.copy() for name, values in built.items()}
        for values in arrays.values():
            values.setflags(write=not read_only)
        layout = PullLayout(arrays["order"], arrays["offsets"], arrays["sources"])
        for precision in PRECISIONS:
            _sliced_step(layout, inv, precision)(rank, 0.85, 0.15, out)
    for precision in PRECISIONS:  # the plain in-CSR's iteration (no cache, a short run)
        _plain_step(graph, _inverse(graph.out_degree()), precision)(rank, 0.85, 0.15, out)


def _pagerank_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "double")]


def _run_pagerank(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(
        f"PageRank ({params['variant']}): iterations={params['iterations']} damping={params['damping']} "
        f"eps={params['eps']} precision={params['precision']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"iteration 0 of {params['iterations']}")
    rank = pagerank(
        g,
        iterations=int(params["iterations"]),
        damping=float(params["damping"]),
        eps=float(params["eps"]),
        variant=str(params["variant"]),
        progress=progress,
        precision=str(params["precision"]),
    )
    return make_table(g, _pagerank_columns(params), [g.id_array(), rank])


PAGERANK = AlgorithmSpec(
    type="analytics_pagerank",
    name="PageRank",
    group="nodeImportance",
    params=(
        ParamSpec(
            "iterations", "int", 10, minimum=1, maximum=MAX_ITERATIONS, doc="maximum number of iterations"
        ),
        IS_DIRECTED,
        ParamSpec(
            "eps",
            "float",
            0.0001,
            minimum=0.0,
            doc="stop once the L1 change of an iteration is below this; 0 runs every iteration",
        ),
        ParamSpec("damping", "float", 0.85, minimum=0.0, maximum=1.0, doc="damping factor"),
        VARIANT,
        ParamSpec(
            "precision",
            "string",
            "float64",
            choices=PRECISIONS,
            doc=(
                "graphmill extension: float32 keeps per-edge contributions in single precision on graphs "
                "of 200,000 edges or more (faster; ranks differ from float64 by about 1e-7 relative)"
            ),
        ),
    ),
    needs_weight=False,
    output_columns=_pagerank_columns,
    run=_run_pagerank,
    doc=(
        "PageRank as NebulaGraph Analytics computes it (unnormalised, start 1.0, dangling rank "
        "dropped, edge weights ignored), or the LDBC Graphalytics definition with variant=graphalytics."
    ),
)
