"""Graph features: TriangleCount, ClusteringCoefficient (and LCC), Node2Vec, Tree_stat, HyperANF, Jaccard."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from graphmill import errors
from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    SEED,
    VARIANT,
    UndirectedView,
    is_graphalytics,
    kernels,
    make_table,
    nonempty,
    oriented,
    resolve_many,
    resolve_root,
    threads,
    undirected_view,
)
from graphmill.engine.algorithms.base import (
    MAX_ITERATIONS,
    AlgorithmSpec,
    OutputColumn,
    Params,
    ParamSpec,
)
from graphmill.engine.algorithms.centrality import _hll_estimate, _hll_init, _hll_step
from graphmill.engine.algorithms.paths import bfs_depths
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = [
    "CLUSTERING_COEFFICIENT",
    "HYPERANF",
    "JACCARD",
    "NODE2VEC",
    "SPECS",
    "TREE_STAT",
    "TRIANGLE_COUNT",
    "TriangleCounts",
    "average_distance",
    "clustering",
    "jaccard",
    "node2vec_walks",
    "triangle_counts",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

REMOVED_DUPLICATION_EDGE = ParamSpec(
    "removed_duplication_edge",
    "bool",
    True,
    doc="treat parallel edges as one (false: a triangle counts once per combination of parallel edges)",
)
REMOVED_SELF_EDGE = ParamSpec("removed_self_edge", "bool", True, doc="drop self-loops")

#: Most triangles TriangleCount opt=3 lists before failing the task.
MAX_TRIANGLE_ROWS = 300_000_000

# -- triangles and clustering --------------------------------------------------------------


class TriangleCounts:
    """Per-vertex triangle counts on the undirected view, plus what clustering needs."""

    def __init__(self, view: UndirectedView, tri: IntArray, lcc_num: IntArray, oriented_csr: tuple[Any, ...]):
        self.view = view
        self.tri = tri
        self.lcc_num = lcc_num
        self.oriented = oriented_csr


def triangle_counts(graph: Graph, *, multiplicity: bool) -> TriangleCounts:
    """Triangles of the undirected view (direction ignored, self-loops never close one).

    ``multiplicity``: a triangle counts once per combination of its parallel edges;
    otherwise once.  Edges are oriented from lower to higher (degree, index) so each
    triangle is found once; the kernel runs in parallel over vertices.
    """
    k = kernels()
    view = undirected_view(graph)
    deg = view.degree()
    rank = np.empty(graph.n, dtype=np.int64)
    rank[np.lexsort((np.arange(graph.n), deg))] = np.arange(graph.n, dtype=np.int64)
    optr, oidx, ocode, omult = k.orient(view.ptr, view.idx, view.code, view.mult, rank)
    tri, lcc_num = k.triangles(optr, oidx, ocode, omult, multiplicity, threads())
    return TriangleCounts(view, tri, lcc_num, (optr, oidx))


def _triangle_columns(params: Params) -> list[OutputColumn]:
    opt = int(params.get("opt", 3))
    if opt == 1:
        return [OutputColumn("COUNT", "int64")]
    if opt == 2:
        return [OutputColumn("VID", "vid"), OutputColumn("COUNT", "int64")]
    return [OutputColumn("VID1", "vid"), OutputColumn("VID2", "vid"), OutputColumn("VID3", "vid")]


def _run_triangle_count(graph: Graph, params: Params, progress: Progress) -> Any:
    opt = int(params["opt"])
    multiplicity = not params["removed_duplication_edge"]
    progress.log(
        f"TriangleCount: opt={opt} removed_duplication_edge={params['removed_duplication_edge']} "
        f"removed_self_edge={params['removed_self_edge']} on {graph.n} vertices, {graph.m} edges"
    )
    progress("computing", 0.0, "counting triangles")
    counts = triangle_counts(graph, multiplicity=multiplicity)
    total = int(counts.tri.sum()) // 3
    progress("computing", 1.0, f"{total} triangles")
    progress.log(f"{total} triangles")
    columns = _triangle_columns(params)
    if opt == 1:
        return make_table(graph, columns, [[total]])
    if opt == 2:
        return make_table(graph, columns, [graph.id_array(), counts.tri])
    distinct = int(counts.tri.sum()) // 3 if not multiplicity else None
    if distinct is None:
        distinct = int(triangle_counts(graph, multiplicity=False).tri.sum()) // 3
    if distinct > MAX_TRIANGLE_ROWS:
        raise errors.TaskFailed(
            f"listing {distinct} triangles exceeds the limit of {MAX_TRIANGLE_ROWS} rows; use opt=1 or opt=2"
        )
    optr, oidx = counts.oriented
    rows = kernels().triangle_list(optr, oidx)
    order = np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))
    rows = rows[order]
    return make_table(graph, columns, [graph.id_array(rows[:, i]) for i in range(3)])


TRIANGLE_COUNT = AlgorithmSpec(
    type="analytics_triangle_count",
    name="TriangleCount",
    group="graphFeature",
    params=(
        ParamSpec(
            "opt",
            "int",
            3,
            choices=(1, 2, 3),
            doc="1: total count; 2: count per vertex; 3: list every triangle",
        ),
        REMOVED_DUPLICATION_EDGE,
        REMOVED_SELF_EDGE,
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=_triangle_columns,
    run=_run_triangle_count,
    doc=(
        "Triangles of the undirected view (direction ignored; self-loops never form a triangle). opt=1: "
        "COUNT; opt=2: VID, COUNT; opt=3: VID1, VID2, VID3 per distinct triangle (ids ascending)."
    ),
)


def clustering(graph: Graph, *, multiplicity: bool, graphalytics: bool) -> tuple[FloatArray, float]:
    """Local clustering coefficient of every vertex and the global (transitivity) value.

    NA: ``C(v) = T(v) / (d(d-1)/2)`` on the undirected view, d = distinct neighbours (or,
    with ``multiplicity``, edges counted with multiplicity); global = sum T / sum d(d-1)/2.
    ``graphalytics``: LDBC LCC — d = distinct neighbours ignoring direction, numerator =
    directed edges among the neighbours (a reciprocal pair counts twice), over d(d-1).
    """
    counts = triangle_counts(graph, multiplicity=multiplicity and not graphalytics)
    if graphalytics:
        d = counts.view.degree().astype(np.float64)
        pairs = d * (d - 1.0)
        numer = counts.lcc_num.astype(np.float64)
    else:
        if multiplicity:
            d = np.add.reduceat(counts.view.mult, counts.view.ptr[:-1]).astype(np.float64)
            d[np.diff(counts.view.ptr) == 0] = 0.0
        else:
            d = counts.view.degree().astype(np.float64)
        pairs = d * (d - 1.0) / 2.0
        numer = counts.tri.astype(np.float64)
    local = np.zeros(graph.n, dtype=np.float64)
    np.divide(numer, pairs, out=local, where=pairs > 0)
    total_pairs = float(pairs.sum())
    global_value = float(numer.sum()) / total_pairs if total_pairs > 0 else 0.0
    return local, global_value


def _cc_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "double")]


def _run_clustering(graph: Graph, params: Params, progress: Progress) -> Any:
    ga = is_graphalytics(params)
    kind = "local" if ga else str(params["type"])
    progress.log(
        f"ClusteringCoefficient ({params['variant']}): type={kind} on {graph.n} vertices, {graph.m} edges"
    )
    progress("computing", 0.0, "counting triangles")
    local, global_value = clustering(
        graph, multiplicity=not params["removed_duplication_edge"], graphalytics=ga
    )
    progress("computing", 1.0, "done")
    progress.log(
        f"global clustering coefficient {global_value:.6f}; average local {float(local.mean()) if graph.n else 0.0:.6f}"
    )
    columns = _cc_columns(params)
    if kind == "global":
        vid_type = pa.int64() if graph.vid_type == "int64" else pa.large_string()
        return make_table(graph, columns, [pa.nulls(1, type=vid_type), [global_value]])
    return make_table(graph, columns, [graph.id_array(), local])


CLUSTERING_COEFFICIENT = AlgorithmSpec(
    type="analytics_clustering_coefficient",
    name="ClusteringCoefficient",
    group="clustering",
    params=(
        ParamSpec(
            "type", "string", "local", choices=("local", "global"), doc="per vertex, or one graph value"
        ),
        REMOVED_DUPLICATION_EDGE,
        REMOVED_SELF_EDGE,
        IS_DIRECTED,
        VARIANT,
    ),
    needs_weight=False,
    output_columns=_cc_columns,
    run=_run_clustering,
    doc=(
        "Clustering coefficient on the undirected view: local T(v)/(d(d-1)/2) per vertex, or global "
        "sum T / sum d(d-1)/2 as one row (empty VID). variant=graphalytics: LDBC LCC (directed "
        "definition) for every vertex, full precision."
    ),
)

# -- Node2Vec --------------------------------------------------------------------------------------


def node2vec_walks(
    graph: Graph,
    *,
    p: float,
    q: float,
    epochs: int,
    length: int,
    weighted: bool,
    seed: int,
    progress: Progress,
) -> IntArray:
    """``epochs`` walks from every vertex, each ``length`` vertices (``-1`` after a dead end).

    First step: a uniform (or weight-proportional) out-neighbour; then node2vec's second-
    order bias — return to the previous vertex with weight 1/p, move to a neighbour of the
    previous vertex with weight 1, further with 1/q (rejection sampling).  Parallel edges
    raise a neighbour's chance.  Every random draw hashes (seed, walk, step, attempt).
    """
    k = kernels()
    weights = graph.weights if weighted and graph.weights is not None else None
    cumw = np.cumsum(weights) if weights is not None else np.zeros(1, dtype=np.float64)
    if weights is not None and graph.m and float(np.min(weights)) < 0:
        raise errors.TaskFailed("node2vec with is_weighted=true needs non-negative weights")
    starts = np.arange(graph.n, dtype=np.int64)
    walks = []
    for epoch in range(epochs):
        walks.append(
            k.node2vec_walks(
                graph.indptr, graph.indices, cumw, weights is not None, starts, length, p, q, seed, epoch
            )
        )
        progress("computing", (epoch + 1) / epochs, f"epoch {epoch + 1} of {epochs}")
    if not walks:
        return np.zeros((0, length), dtype=np.int64)
    return np.concatenate(walks)


def _node2vec_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn(f"VID{i}", "vid") for i in range(int(params.get("step", 10)) + 1)]


def _run_node2vec(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    length = int(params["step"]) + 1
    progress.log(
        f"Node2Vec: p={params['p']} q={params['q']} epoch={params['epoch']} step={params['step']} "
        f"is_weighted={params['is_weighted']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"epoch 0 of {params['epoch']}")
    walks = node2vec_walks(
        g,
        p=float(params["p"]),
        q=float(params["q"]),
        epochs=int(params["epoch"]),
        length=length,
        weighted=bool(params["is_weighted"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    progress.log(f"{walks.shape[0]} walks")
    columns = _node2vec_columns(params)
    values = []
    for i in range(length):
        col = walks[:, i]
        ids = g.id_array(np.maximum(col, 0))
        values.append(_with_nulls(ids, col < 0))
    return make_table(g, columns, values)


def _with_nulls(ids: Any, missing: npt.NDArray[np.bool_]) -> Any:
    if not missing.any():
        return ids
    import pyarrow.compute as pc

    return pc.if_else(pa.array(missing), pa.nulls(len(ids), type=ids.type), ids)


NODE2VEC = AlgorithmSpec(
    type="analytics_node2vec",
    name="Node2Vec",
    group="graphFeature",
    params=(
        ParamSpec("is_weighted", "bool", False, doc="weight-proportional (biased) steps"),
        ParamSpec("p", "float", 1.0, minimum=0.0, exclusive_minimum=True, doc="return parameter"),
        ParamSpec("q", "float", 0.5, minimum=0.0, exclusive_minimum=True, doc="in-out parameter"),
        ParamSpec(
            "epoch", "int", 1, minimum=1, maximum=MAX_ITERATIONS, doc="walks started from every vertex"
        ),
        ParamSpec(
            "step", "int", 10, minimum=1, maximum=1000, doc="steps of every walk (a walk has step+1 vertices)"
        ),
        ParamSpec(
            "rate",
            "float",
            0.02,
            minimum=0.0,
            maximum=1.0,
            doc="accepted for compatibility (Plato's walker batching); not used",
        ),
        IS_DIRECTED,
        SEED,
    ),
    needs_weight=True,
    output_columns=_node2vec_columns,
    run=_run_node2vec,
    doc=(
        "node2vec random walks: one row per walk (VID0 = start, ..., VIDstep), empty cells after a dead "
        "end; epoch walks per vertex; deterministic for a seed."
    ),
)

# -- Tree_stat -------------------------------------------------------------------------------------

_STATS = ("width", "depth")


def _check_stat(value: Any) -> None:
    items = [item.strip().lower() for item in str(value).split(",") if item.strip()]
    if not items:
        raise ValueError("must list at least one of width, depth")
    bad = [item for item in items if item not in _STATS]
    if bad:
        raise ValueError(f"unknown statistic {bad[0]!r}; allowed: width, depth")


def _run_tree_stat(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    root = resolve_root(g, params["root"])
    items = [item.strip().lower() for item in str(params["stat"]).split(",") if item.strip()]
    progress.log(f"Tree_stat from {g.id_of(root)!r}: {', '.join(items)} on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, "searching")
    depth = bfs_depths(g, root)
    reached = depth[depth >= 0]
    max_depth = int(reached.max())
    width = int(np.bincount(reached).max())
    progress("computing", 1.0, f"reached {reached.shape[0]} vertices")
    progress.log(f"BFS tree: {reached.shape[0]} vertices, width {width}, depth {max_depth}")
    value = ",".join(str(width if item == "width" else max_depth) for item in items)
    return make_table(g, [OutputColumn("VALUE", "string")], [[value]])


TREE_STAT = AlgorithmSpec(
    type="analytics_tree_stat",
    name="Tree_stat",
    group="graphFeature",
    params=(
        ParamSpec("root", "vid", "100", doc="id of the root vertex"),
        ParamSpec("stat", "string", "width,depth", check=_check_stat, doc="comma list of width, depth"),
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=lambda params: [OutputColumn("VALUE", "string")],
    run=_run_tree_stat,
    doc=(
        "Statistics of the breadth-first tree from `root`: width = most vertices on one level, depth = "
        "largest hop distance (root alone: 0). One row, VALUE = the values in `stat` order, comma-separated."
    ),
)

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
    from graphmill.engine.algorithms.centrality import HLL_MEMORY_LIMIT_BYTES

    if need > HLL_MEMORY_LIMIT_BYTES:
        raise errors.TaskFailed(
            f"HyperANF with bits={bits} needs {need / 2**30:.1f} GiB of counters for {n} vertices; use a smaller bits"
        )
    registers = _hll_init(n, bits)
    neighbourhood = [float(_hll_estimate(registers).sum())]
    t = 0
    while True:
        t += 1
        registers, changed = _hll_step(registers, graph.indptr, graph.indices)
        if not changed:
            break
        neighbourhood.append(float(_hll_estimate(registers).sum()))
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

# -- Jaccard -----------------------------------------------------------------------------------------


def jaccard(
    graph: Graph, sources: IntArray, targets: IntArray | None, *, keep_self: bool, progress: Progress
) -> tuple[IntArray, IntArray, FloatArray]:
    """Jaccard similarity of neighbour sets (undirected, distinct neighbours).

    Pairs: every (a, b) with a in ``sources``, b in ``targets``, b != a; with ``targets``
    ``None``, every b sharing at least one neighbour with a.  ``keep_self``: a self-loop
    makes a vertex its own neighbour.
    """
    k = kernels()
    view = undirected_view(graph, keep_self=keep_self)
    idx = view.idx.astype(np.int64)
    firsts: list[IntArray] = []
    seconds: list[IntArray] = []
    values: list[FloatArray] = []
    empty = np.zeros(0, dtype=np.int64)
    for i, a in enumerate(sources):
        a = int(a)
        if targets is None:
            b, val = k.jaccard_rows(view.ptr, idx, a, empty, True)
        else:
            tg = targets[targets != a]
            b, val = k.jaccard_rows(view.ptr, idx, a, tg, False)
        firsts.append(np.full(b.shape[0], a, dtype=np.int64))
        seconds.append(np.asarray(b, dtype=np.int64))
        values.append(val)
        progress("computing", (i + 1) / len(sources), f"{i + 1} of {len(sources)} vertices")
    if not firsts:
        return empty, empty, np.zeros(0, dtype=np.float64)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)


def _run_jaccard(graph: Graph, params: Params, progress: Progress) -> Any:
    ids1 = list(dict.fromkeys(params["ids1"]))
    ids2 = list(dict.fromkeys(params["ids2"] or []))
    sources = resolve_many(graph, ids1, "ids1")
    targets = resolve_many(graph, ids2, "ids2") if ids2 else None
    progress.log(
        f"Jaccard: {len(ids1)} x {len(ids2) if ids2 else 'all'} vertices on {graph.n} vertices, {graph.m} edges"
    )
    progress("computing", 0.0, "comparing neighbour sets")
    a, b, val = jaccard(graph, sources, targets, keep_self=not params["removed_self_edge"], progress=progress)
    columns = [OutputColumn("VID1", "vid"), OutputColumn("VID2", "vid"), OutputColumn("VALUE", "double")]
    return make_table(graph, columns, [graph.id_array(a), graph.id_array(b), val])


JACCARD = AlgorithmSpec(
    type="analytics_jaccard_similarity",
    name="Jaccard",
    group="similarity",
    params=(
        ParamSpec(
            "ids1", "vid_list", None, required=True, check=nonempty, doc="comma-separated vertex ids of set A"
        ),
        ParamSpec("ids2", "vid_list", None, doc="comma-separated vertex ids of set B; empty = all vertices"),
        REMOVED_SELF_EDGE,
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=lambda params: [
        OutputColumn("VID1", "vid"),
        OutputColumn("VID2", "vid"),
        OutputColumn("VALUE", "double"),
    ],
    run=_run_jaccard,
    doc=(
        "Jaccard similarity |N(a) & N(b)| / |N(a) | N(b)| of distinct neighbours ignoring direction, for "
        "every a in ids1 and b in ids2 (b != a); with ids2 empty, for every b sharing a neighbour with a."
    ),
)

SPECS = (TRIANGLE_COUNT, CLUSTERING_COEFFICIENT, NODE2VEC, TREE_STAT, HYPERANF, JACCARD)
