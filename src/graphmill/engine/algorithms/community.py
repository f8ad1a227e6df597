"""Community discovery: WCC, SCC, LPA (and CDLP), HANP, Louvain, InfoMap, and the shared modularity."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse import csgraph

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    SEED,
    VARIANT,
    is_graphalytics,
    is_small,
    kernels,
    make_table,
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
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = [
    "HANP",
    "INFOMAP",
    "LOUVAIN",
    "LPA",
    "SCC",
    "SPECS",
    "WCC",
    "community_stats",
    "infomap",
    "label_propagation",
    "louvain",
    "modularity",
    "weak_components",
]

IS_CALC_MODULARITY = ParamSpec("is_calc_modularity", "bool", False, doc="compute modularity and log it")
IS_OUTPUT_MODULARITY = ParamSpec(
    "is_output_modularity", "bool", False, doc="compute modularity and output it as a third column"
)
IS_STAT_COMMUNITY = ParamSpec(
    "is_stat_community", "bool", False, doc="log the number and sizes of communities"
)


def modularity(
    graph: Graph, labels: npt.NDArray[Any], weights: npt.NDArray[np.float64] | None = None
) -> float:
    """Newman modularity of a vertex partition on the undirected view of ``graph``.

    Every stored edge of a directed graph is one undirected edge (a graph loaded with
    ``directed=False`` already stores both directions, so each pair counts once).  With
    ``S`` the symmetric adjacency, ``2m = sum(S)`` and ``k`` its row sums (a self-loop adds 2):
    ``Q = sum_c [ S_in(c) / 2m - (K_c / 2m)^2 ]`` — networkx's definition.  Edge weights are
    used unless ``weights`` (per stored edge) are given: then every edge counts with its
    weight.  An edgeless (or zero-weight) graph has modularity 0.
    """
    if graph.m == 0:
        return 0.0
    _, comm = np.unique(labels, return_inverse=True)
    src = graph.sources()
    src_c = comm[src]
    dst_c = comm[graph.indices]
    w = np.ones(graph.m, dtype=np.float64) if weights is None else np.asarray(weights, dtype=np.float64)
    same = float(w[src_c == dst_c].sum())
    total = float(w.sum())
    if total == 0.0:
        return 0.0
    out_w = np.bincount(src, weights=w, minlength=graph.n)
    if graph.directed:
        two_m = 2.0 * total
        internal = 2.0 * same
        degree = out_w + np.bincount(graph.indices, weights=w, minlength=graph.n)
    else:
        two_m = total
        internal = same
        degree = out_w
    totals = np.bincount(comm, weights=degree)
    return float(internal / two_m - np.sum((totals / two_m) ** 2))


def community_stats(labels: npt.NDArray[Any], top: int = 10) -> str:
    """One log line: community count and the largest sizes."""
    _, sizes = np.unique(labels, return_counts=True)
    biggest = np.sort(sizes)[::-1][:top]
    singletons = int(np.count_nonzero(sizes == 1))
    return (
        f"{sizes.shape[0]} communities; largest sizes {', '.join(str(int(s)) for s in biggest)}; "
        f"{singletons} single-vertex"
    )


def weak_components(graph: Graph) -> npt.NDArray[np.int64]:
    """Per vertex, the dense index of the smallest vertex of its weakly connected component.

    Indices follow sorted vertex ids, so this is also the smallest vertex *id* (the GraphX
    convention; for string ids the byte-wise smallest).
    """
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    if is_small(graph):
        # scipy: no compiled-kernel load for a graph this small.
        adjacency = sp.csr_array(
            (np.ones(graph.m, dtype=np.int8), graph.indices, graph.indptr), shape=(graph.n, graph.n)
        )
        _, component = csgraph.connected_components(adjacency, directed=True, connection="weak")
        smallest = np.full(int(component.max()) + 1, graph.n, dtype=np.int64)
        np.minimum.at(smallest, component, np.arange(graph.n, dtype=np.int64))
        small_result: npt.NDArray[np.int64] = smallest[component]
        return small_result
    result: npt.NDArray[np.int64] = kernels().weak_min_labels(graph.indptr, graph.indices)
    return result


def _wcc_columns(params: Params) -> list[OutputColumn]:
    columns = [OutputColumn("VID", "vid"), OutputColumn("LABEL", "vid")]
    if params.get("is_output_modularity"):
        columns.append(OutputColumn("MODULARITY", "double"))
    return columns


def _run_wcc(graph: Graph, params: Params, progress: Progress) -> Any:
    # Components ignore direction, so the graph is used as loaded (no reverse edges needed).
    progress.log(f"WCC ({params['variant']}) on {graph.n} vertices, {graph.m} edges")
    progress("computing", 0.0, "finding components")
    label_index = weak_components(graph)
    progress("computing", 1.0, "components found")
    progress.log(f"{np.unique(label_index).shape[0]} components")
    if params.get("is_stat_community"):
        progress.log(community_stats(label_index))
    values: list[Any] = [graph.id_array(), graph.id_array(label_index)]
    if params.get("is_calc_modularity") or params.get("is_output_modularity"):
        q = modularity(graph, label_index)
        progress.log(f"modularity {q:.6f}")
        if params.get("is_output_modularity"):
            values.append(np.full(graph.n, q, dtype=np.float64))
    return make_table(graph, _wcc_columns(params), values)


WCC = AlgorithmSpec(
    type="analytics_wcc",
    name="WCC",
    group="communityDiscovery",
    params=(IS_DIRECTED, IS_CALC_MODULARITY, IS_OUTPUT_MODULARITY, IS_STAT_COMMUNITY, VARIANT),
    needs_weight=False,
    output_columns=_wcc_columns,
    run=_run_wcc,
    doc=(
        "Weakly connected components; LABEL is the smallest vertex id of the component. "
        "variant=graphalytics gives the same labels."
    ),
)

# -- shared output of the community algorithms ---------------------------------------------


def _label_columns(params: Params) -> list[OutputColumn]:
    columns = [OutputColumn("VID", "vid"), OutputColumn("LABEL", "vid")]
    if params.get("is_output_modularity") and not is_graphalytics(params):
        columns.append(OutputColumn("MODULARITY", "double"))
    return columns


def _label_table(
    graph: Graph,
    label_index: npt.NDArray[np.int64],
    params: Params,
    progress: Progress,
    weights: npt.NDArray[np.float64] | None = None,
) -> Any:
    """VID, LABEL (the id of a vertex) and, when asked, modularity; logs stats as asked."""
    progress.log(f"{np.unique(label_index).shape[0]} communities")
    if params.get("is_stat_community"):
        progress.log(community_stats(label_index))
    values: list[Any] = [graph.id_array(), graph.id_array(label_index)]
    if not is_graphalytics(params) and (
        params.get("is_calc_modularity") or params.get("is_output_modularity")
    ):
        q = modularity(graph, label_index, weights)
        progress.log(f"modularity {q:.6f}")
        if params.get("is_output_modularity"):
            values.append(np.full(graph.n, q, dtype=np.float64))
    return make_table(graph, _label_columns(params), values)


# -- SCC -----------------------------------------------------------------------------------


def strong_components(graph: Graph) -> npt.NDArray[np.int64]:
    """Per vertex, the dense index of the smallest vertex of its strongly connected component."""
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    result: npt.NDArray[np.int64] = kernels().strong_min_labels(graph.indptr, graph.indices)
    return result


def _run_scc(graph: Graph, params: Params, progress: Progress) -> Any:
    progress.log(f"SCC on {graph.n} vertices, {graph.m} edges")
    progress("computing", 0.0, "finding strongly connected components")
    label_index = strong_components(graph)
    progress("computing", 1.0, "components found")
    return _label_table(graph, label_index, params, progress)


SCC = AlgorithmSpec(
    type="analytics_scc",
    name="StronglyConnectedComponent",
    group="communityDiscovery",
    params=(IS_DIRECTED, IS_CALC_MODULARITY, IS_OUTPUT_MODULARITY, IS_STAT_COMMUNITY),
    needs_weight=False,
    output_columns=_label_columns,
    run=_run_scc,
    doc="Strongly connected components; LABEL is the smallest vertex id of the component.",
)

# -- LPA / CDLP ------------------------------------------------------------------------------


def _neighbour_arrays(graph: Graph, weighted: bool) -> tuple[Any, ...]:
    """(out ptr, out idx, out w, in ptr, in idx, in w, use_in) for the label kernels."""
    weights = (
        np.asarray(graph.weights)
        if weighted and graph.weights is not None
        else np.ones(graph.m, dtype=np.float64)
    )
    if graph.directed:
        inc = graph.in_csr()
        return graph.indptr, graph.indices, weights, inc.indptr, inc.indices, weights[inc.edge_ids], True
    return (
        graph.indptr,
        graph.indices,
        weights,
        np.zeros(1, dtype=np.int64),
        np.zeros(0, dtype=graph.indices.dtype),
        np.zeros(0, dtype=np.float64),
        False,
    )


def label_propagation(
    graph: Graph, *, iterations: int, graphalytics: bool, seed: int, progress: Progress
) -> npt.NDArray[np.int64]:
    """Synchronous label propagation; returns each vertex's label as a dense vertex index.

    Labels start as the vertices themselves.  Each round every vertex takes the label its
    neighbours (in and out; a reciprocal neighbour twice; parallel edges each) carry most.
    ``graphalytics``: unweighted counts, ties to the smallest label, exactly
    ``iterations`` rounds (LDBC CDLP).  Otherwise (NA): votes weighted by edge weight,
    ties broken by a hash of ``seed``, stop early when no label changes.
    """
    labels = np.arange(graph.n, dtype=np.int64)
    if graph.n == 0:
        return labels
    k = kernels()
    arrays = _neighbour_arrays(graph, weighted=not graphalytics)
    out = np.empty_like(labels)
    acc = np.zeros((threads(), graph.n), dtype=np.float64)
    seen = np.zeros((threads(), graph.n), dtype=np.bool_)
    for it in range(1, iterations + 1):
        changed = k.label_round(*arrays, labels, not graphalytics, seed, it, out, acc, seen)
        labels, out = out, labels
        progress("computing", it / iterations, f"iteration {it} of {iterations}, {changed} labels changed")
        if changed == 0 and not graphalytics:
            progress.log(f"labels stable after {it} iterations")
            break
    return labels


def _run_lpa(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    ga = is_graphalytics(params)
    progress.log(
        f"LPA ({params['variant']}): iterations={params['iterations']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"iteration 0 of {params['iterations']}")
    labels = label_propagation(
        g, iterations=int(params["iterations"]), graphalytics=ga, seed=int(params["seed"]), progress=progress
    )
    return _label_table(g, labels, params, progress, None if ga else g.weights)


LPA = AlgorithmSpec(
    type="analytics_lpa",
    name="LPA",
    group="communityDiscovery",
    params=(
        ParamSpec(
            "iterations", "int", 10, minimum=1, maximum=MAX_ITERATIONS, doc="maximum number of iterations"
        ),
        IS_DIRECTED,
        IS_CALC_MODULARITY,
        IS_OUTPUT_MODULARITY,
        IS_STAT_COMMUNITY,
        SEED,
        VARIANT,
    ),
    needs_weight=True,
    output_columns=_label_columns,
    run=_run_lpa,
    doc=(
        "Synchronous label propagation over in- and out-neighbours. NA: weighted votes, seeded random "
        "tie-breaking, stops when stable. variant=graphalytics: LDBC CDLP (counts, smallest label wins "
        "ties, exactly `iterations` rounds)."
    ),
)

# -- HANP ----------------------------------------------------------------------------------


def hanp(
    graph: Graph, *, iterations: int, preference: float, hop_att: float, seed: int, progress: Progress
) -> npt.NDArray[np.int64]:
    """Hop attenuation & node preference label propagation (Leung et al. 2009), synchronous.

    Every vertex starts with its own label and score 1.0.  A neighbour u votes for its
    label with ``score(u) * deg(u)**preference * w(u, v)`` (deg = in+out degree, parallel
    edges counted); the label with the largest total wins (ties: hash of ``seed``).  A
    vertex that changes label takes the largest score among the winning neighbours minus
    ``hop_att``.  Stops after ``iterations`` rounds or when no label changes.
    """
    labels = np.arange(graph.n, dtype=np.int64)
    if graph.n == 0:
        return labels
    k = kernels()
    arrays = _neighbour_arrays(graph, weighted=True)
    degree = graph.out_degree() + (graph.in_degree() if graph.directed else 0)
    degpow = np.power(np.maximum(degree, 1).astype(np.float64), preference)
    score = np.ones(graph.n, dtype=np.float64)
    out_l = np.empty_like(labels)
    out_s = np.empty_like(score)
    acc = np.zeros((threads(), graph.n), dtype=np.float64)
    seen = np.zeros((threads(), graph.n), dtype=np.bool_)
    for it in range(1, iterations + 1):
        changed = k.hanp_round(*arrays, labels, score, degpow, hop_att, seed, it, out_l, out_s, acc, seen)
        labels, out_l = out_l, labels
        score, out_s = out_s, score
        progress("computing", it / iterations, f"iteration {it} of {iterations}, {changed} labels changed")
        if changed == 0:
            progress.log(f"labels stable after {it} iterations")
            break
    return labels


def _run_hanp(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(
        f"HANP: iterations={params['iterations']} preference={params['preference']} "
        f"hop_att={params['hop_att']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"iteration 0 of {params['iterations']}")
    labels = hanp(
        g,
        iterations=int(params["iterations"]),
        preference=float(params["preference"]),
        hop_att=float(params["hop_att"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    return _label_table(g, labels, params, progress, g.weights)


HANP = AlgorithmSpec(
    type="analytics_hanp",
    name="HANP",
    group="communityDiscovery",
    params=(
        ParamSpec(
            "iterations", "int", 10, minimum=1, maximum=MAX_ITERATIONS, doc="maximum number of iterations"
        ),
        IS_DIRECTED,
        ParamSpec("preference", "float", 1.0, doc="node preference m: votes scale with degree**m"),
        ParamSpec("hop_att", "float", 0.1, minimum=0.0, maximum=1.0, doc="hop attenuation delta"),
        IS_OUTPUT_MODULARITY,
        IS_STAT_COMMUNITY,
        SEED,
    ),
    needs_weight=True,
    output_columns=_label_columns,
    run=_run_hanp,
    doc=(
        "Label propagation with hop attenuation and node preference (votes: score x degree^preference "
        "x weight); deterministic for a seed."
    ),
)

# -- Louvain ---------------------------------------------------------------------------------


def louvain(graph: Graph, *, outer: int, inner: int, seed: int, progress: Progress) -> npt.NDArray[np.int64]:
    """Louvain modularity optimisation on the undirected weighted view; community per vertex.

    Each level moves vertices (in a ``seed``-shuffled order, at most ``inner`` sweeps) to the
    neighbouring community of largest modularity gain, then aggregates communities into
    vertices; at most ``outer`` levels, fewer when a level moves nothing.
    """
    n = graph.n
    membership = np.arange(n, dtype=np.int64)
    if n == 0:
        return membership
    k = kernels()
    view = undirected_view(graph, keep_self=True)
    ptr = view.ptr
    idx = view.idx.astype(np.int64)
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
        comm, sweeps, moves = k.louvain_move(ptr, idx, w, strength, two_m, order, inner)
        progress("computing", level / outer, f"level {level}: {moves} moves in {sweeps} sweeps")
        if moves == 0:
            break
        _, dense = np.unique(comm, return_inverse=True)
        ncomm = int(dense.max()) + 1
        membership = dense[membership]
        ptr, idx, w = k.aggregate(ptr, idx, w, dense.astype(np.int64), ncomm)
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
    return _label_table(g, smallest_member(membership, g.n), params, progress, g.weights)


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
    output_columns=_label_columns,
    run=_run_louvain,
    doc=(
        "Louvain community detection on the undirected weighted view (direction ignored, parallel edge "
        "weights add); LABEL is the smallest vertex id of the community; deterministic for a seed."
    ),
)

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
    k = kernels()
    inc = graph.in_csr()
    inv = np.zeros(n, dtype=np.float64)
    np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
    rank = np.full(n, 1.0 / n)
    new = np.empty(n)
    contrib = np.empty(n)
    sinks = outdeg == 0
    d = 1.0 - teleport
    for it in range(1, iterations + 1):
        base = teleport / n + d * float(rank[sinks].sum()) / n
        delta = k.pagerank_step(inc.indptr, inc.indices, inv, rank, contrib, d, base, new)
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
    k = kernels()
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
        mod, sweeps, moves = k.infomap_move(ptr, idx, f, node_p, o, order, inner_iter)
        progress("computing", level / outer_iter, f"level {level}: {moves} moves in {sweeps} sweeps")
        if moves == 0:
            break
        _, dense = np.unique(mod, return_inverse=True)
        nmod = int(dense.max()) + 1
        membership = dense[membership]
        ptr, idx, f = k.aggregate(ptr, idx, f, dense.astype(np.int64), nmod)
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
    return _label_table(g, labels, params, progress)


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

SPECS = (WCC, SCC, LPA, HANP, LOUVAIN, INFOMAP)
