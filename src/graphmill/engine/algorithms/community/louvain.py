"""Louvain: modularity optimisation by local moving and aggregation."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    SEED,
    oriented,
    smallest_member,
    threads,
    undirected_view,
)
from graphmill.engine.algorithms.base import MAX_ITERATIONS, AlgorithmSpec, Params, ParamSpec
from graphmill.engine.algorithms.community.labels import (
    IS_CALC_MODULARITY,
    IS_OUTPUT_MODULARITY,
    IS_STAT_COMMUNITY,
    label_columns,
    label_table,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["LOUVAIN", "louvain"]


# -- Louvain ---------------------------------------------------------------------------------


def louvain(graph: Graph, *, outer: int, inner: int, seed: int, progress: Progress) -> npt.NDArray[np.int64]:
    """Louvain modularity optimisation on the undirected weighted view; community per vertex.

    Each level moves vertices (in a ``seed``-shuffled order, at most ``inner`` sweeps) to the
    neighbouring community of largest modularity gain, then aggregates communities into
    vertices; at most ``outer`` levels, fewer when a level moves nothing.  Large sweeps
    decide their moves in parallel, chunk by chunk (``louvain_kernels._sweep``); the result
    depends on the seed only, not on the thread count.
    """
    n = graph.n
    membership = np.arange(n, dtype=np.int64)
    if n == 0:
        return membership
    from graphmill.engine.algorithms.community import louvain_kernels as k

    view = undirected_view(graph, keep_self=True)
    ptr = view.ptr
    idx = view.idx
    w = view.wsum
    strength = np.add.reduceat(w, ptr[:-1]) if w.shape[0] else np.zeros(n)
    strength[np.diff(ptr) == 0] = 0.0
    two_m = float(strength.sum())
    if two_m <= 0.0:
        return membership
    rng = np.random.default_rng(seed)
    for level in range(1, outer + 1):
        nodes = ptr.shape[0] - 1
        order = rng.permutation(nodes).astype(np.int64)
        comm, sweeps, moves = k.louvain_move(ptr, idx, w, strength, two_m, order, inner, threads())
        progress("computing", level / outer, f"level {level}: {moves} moves in {sweeps} sweeps")
        if moves == 0:
            break
        _, dense = np.unique(comm, return_inverse=True)
        ncomm = int(dense.max()) + 1
        membership = dense[membership]
        ptr, idx, w = k.aggregate(ptr, idx, w, dense.astype(np.int64), ncomm, threads())
        strength = np.bincount(dense, weights=strength, minlength=ncomm)
        progress.log(f"level {level}: {ncomm} communities")
    return membership


def _run_louvain(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(
        f"Louvain: outer_iteration={params['outer_iteration']} inner_iteration={params['inner_iteration']} "
        f"on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, "level 0")
    membership = louvain(
        g,
        outer=int(params["outer_iteration"]),
        inner=int(params["inner_iteration"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    return label_table(g, smallest_member(membership, g.n), params, progress, g.weights)


LOUVAIN = AlgorithmSpec(
    type="analytics_louvain",
    name="Louvain",
    group="communityDiscovery",
    params=(
        IS_DIRECTED,
        ParamSpec(
            "outer_iteration",
            "int",
            20,
            minimum=1,
            maximum=MAX_ITERATIONS,
            doc="maximum levels (move + aggregate rounds)",
        ),
        ParamSpec(
            "inner_iteration",
            "int",
            10,
            minimum=1,
            maximum=MAX_ITERATIONS,
            doc="maximum local-moving sweeps per level",
        ),
        IS_CALC_MODULARITY,
        IS_OUTPUT_MODULARITY,
        IS_STAT_COMMUNITY,
        SEED,
    ),
    needs_weight=True,
    output_columns=label_columns,
    run=_run_louvain,
    doc=(
        "Louvain community detection on the undirected weighted view (direction ignored, parallel edge "
        "weights add); LABEL is the smallest vertex id of the community; deterministic for a seed."
    ),
)
