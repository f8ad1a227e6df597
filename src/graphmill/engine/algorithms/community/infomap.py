"""InfoMap: two-level map-equation communities over PageRank flow."""

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
from graphmill.engine.algorithms.base import (
    MAX_COUNT,
    MAX_ITERATIONS,
    AlgorithmSpec,
    OutputColumn,
    Params,
    ParamSpec,
)
from graphmill.engine.algorithms.community.labels import (
    label_table,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["INFOMAP", "codelength", "infomap"]


# -- InfoMap -----------------------------------------------------------------------------------


def _plogp(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out = np.zeros_like(x)
    mask = x > 0
    out[mask] = x[mask] * np.log2(x[mask])
    return out


def _flow(
    graph: Graph, *, teleport: float, iterations: int, threshold: float, progress: Progress
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Node visit rates and per-edge flow (out-CSR order) of the random walk behind the map equation."""
    n = graph.n
    outdeg = graph.out_degree()
    if not graph.directed:
        total = float(graph.m)
        visit: npt.NDArray[np.float64] = outdeg / total
        return visit, np.full(graph.m, 1.0 / total)
    from graphmill.engine.algorithms.node_importance.pagerank_kernels import PlainPull

    in_ptr, in_src = graph.in_edges()
    inv = np.zeros(n, dtype=np.float64)
    np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
    step = PlainPull(in_ptr, in_src, inv, threads())
    rank = np.full(n, 1.0 / n)
    new = np.empty(n)
    sinks = outdeg == 0
    d = 1.0 - teleport
    for it in range(1, iterations + 1):
        base = teleport / n + d * float(rank[sinks].sum()) / n
        delta = step(rank, d, base, new)
        rank, new = new, rank
        progress("computing", None, f"flow: PageRank iteration {it}, L1 change {delta:.3g}")
        if delta < threshold:
            break
    edge_flow = d * (rank * inv)[graph.sources()]
    return rank, edge_flow


def codelength(
    p: npt.NDArray[np.float64], exit_flow: npt.NDArray[np.float64], module_p: npt.NDArray[np.float64]
) -> float:
    """Two-level map equation L = plogp(q) - 2 sum plogp(q_i) - sum plogp(p_a) + sum plogp(q_i + p_i)."""
    q = float(exit_flow.sum())
    value = (
        (q * np.log2(q) if q > 0 else 0.0)
        - 2.0 * float(_plogp(exit_flow).sum())
        - float(_plogp(p).sum())
        + float(_plogp(exit_flow + module_p).sum())
    )
    return value


def infomap(
    graph: Graph,
    *,
    pagerank_iter: int,
    pagerank_threshold: float,
    teleport_prob: float,
    inner_iter: int,
    outer_iter: int,
    seed: int,
    progress: Progress,
) -> tuple[npt.NDArray[np.int64], float]:
    """Greedy two-level InfoMap; returns (module per vertex, codelength in bits).

    Flow: PageRank with teleportation ``teleport_prob`` on a directed graph (edge flow
    (1-t) p_u / outdeg(u)), or degree/2m on an undirected one.  Flows are symmetrised
    (f(u,v) = (F_uv + F_vu) / 2) and the map equation is minimised by local moves
    (``inner_iter`` sweeps in a ``seed``-shuffled order) and aggregation, ``outer_iter`` times.
    """
    n = graph.n
    membership = np.arange(n, dtype=np.int64)
    if n == 0 or graph.m == 0:
        return membership, 0.0
    from graphmill.engine.algorithms.community.infomap_kernels import infomap_move
    from graphmill.engine.algorithms.community.louvain_kernels import aggregate

    p, edge_flow = _flow(
        graph,
        teleport=teleport_prob,
        iterations=pagerank_iter,
        threshold=pagerank_threshold,
        progress=progress,
    )
    view = undirected_view(graph, keep_self=True, edge_weights=edge_flow)
    ptr = view.ptr
    idx = view.idx.astype(np.int64)
    f = view.wsum / 2.0 if graph.directed else view.wsum.copy()
    node_p = p.copy()
    rng = np.random.default_rng(seed)

    def outflow(ptr_: Any, idx_: Any, f_: Any) -> npt.NDArray[np.float64]:
        rows = np.repeat(np.arange(ptr_.shape[0] - 1), np.diff(ptr_))
        off = rows != idx_
        flows = np.bincount(rows[off], weights=f_[off], minlength=ptr_.shape[0] - 1)
        return np.asarray(flows, dtype=np.float64)

    for level in range(1, outer_iter + 1):
        nodes = ptr.shape[0] - 1
        o = outflow(ptr, idx, f)
        order = rng.permutation(nodes).astype(np.int64)
        mod, sweeps, moves = infomap_move(ptr, idx, f, node_p, o, order, inner_iter)
        progress("computing", level / outer_iter, f"level {level}: {moves} moves in {sweeps} sweeps")
        if moves == 0:
            break
        _, dense = np.unique(mod, return_inverse=True)
        nmod = int(dense.max()) + 1
        membership = dense[membership]
        ptr, idx, f = aggregate(ptr, idx, f, dense.astype(np.int64), nmod, threads())
        node_p = np.bincount(dense, weights=node_p, minlength=nmod).astype(np.float64)
        progress.log(f"level {level}: {nmod} modules")
    # the last graph has one node per module of ``membership``
    module_p = np.bincount(membership, weights=p).astype(np.float64)
    exit_flow = outflow(ptr, idx, f).astype(np.float64)
    return membership, codelength(p, exit_flow, module_p)


def _run_infomap(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(f"InfoMap on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, "flow")
    membership, length = infomap(
        g,
        pagerank_iter=int(params["pagerank_iter"]),
        pagerank_threshold=float(params["pagerank_threshold"]),
        teleport_prob=float(params["teleport_prob"]),
        inner_iter=int(params["inner_iter"]),
        outer_iter=int(params["outer_iter"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    labels = smallest_member(membership, g.n)
    progress.log(f"codelength {length:.6f} bits")
    ids, sizes = np.unique(labels, return_counts=True)
    top = np.argsort(-sizes, kind="stable")[: int(params["comm_info_num"])]
    for rank, i in enumerate(top, start=1):
        progress.log(f"community {rank}: label {g.id_of(int(ids[i]))!r}, {int(sizes[i])} vertices")
    return label_table(g, labels, params, progress)


INFOMAP = AlgorithmSpec(
    type="analytics_infomap",
    name="InfoMap",
    group="communityDiscovery",
    params=(
        ParamSpec(
            "pagerank_iter",
            "int",
            10,
            minimum=1,
            maximum=MAX_ITERATIONS,
            doc="maximum iterations of the flow PageRank",
        ),
        ParamSpec(
            "pagerank_threshold",
            "float",
            0.0001,
            minimum=0.0,
            doc="flow PageRank stops once its L1 change is below this",
        ),
        ParamSpec(
            "teleport_prob",
            "float",
            0.15,
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
            doc="teleportation probability of the random walk",
        ),
        ParamSpec(
            "inner_iter", "int", 3, minimum=1, maximum=MAX_ITERATIONS, doc="local-moving sweeps per level"
        ),
        ParamSpec(
            "outer_iter", "int", 2, minimum=1, maximum=MAX_ITERATIONS, doc="levels (move + aggregate rounds)"
        ),
        ParamSpec(
            "comm_info_num",
            "int",
            100,
            minimum=0,
            maximum=MAX_COUNT,
            doc="largest communities described in the log",
        ),
        IS_DIRECTED,
        SEED,
    ),
    needs_weight=False,
    output_columns=lambda params: [OutputColumn("VID", "vid"), OutputColumn("LABEL", "vid")],
    run=_run_infomap,
    doc=(
        "InfoMap (two-level map equation, greedy moves and aggregation) over random-walk flow; LABEL is "
        "the smallest vertex id of the module; deterministic for a seed."
    ),
)
