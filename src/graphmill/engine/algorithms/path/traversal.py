"""Path: BFS, SSSP, APSP (``analytics_apsp``) and pairwise ShortestPath (``analytics_shortest_path``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse import csgraph

from graphmill import errors
from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    OLD_WEIGHT,
    ROOT,
    SMALL_GRAPH_EDGES,
    UNREACHABLE_DEPTH,
    VARIANT,
    is_graphalytics,
    make_table,
    oriented,
    resolve_many,
    resolve_root,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph, IntArray

__all__ = [
    "APSP",
    "BFS",
    "SHORTEST_PATH",
    "SSSP",
    "all_pairs",
    "bfs_depths",
    "shortest_paths",
    "sssp_distances",
    "warm_up",
]


# -- BFS -----------------------------------------------------------------------------------


#: Below this many edges a BFS runs the plain queued kernel (``bfs_kernels.bfs_levels``, also
#: used by closeness and betweenness): the direction-optimising kernels' parallel steps take
#: seconds to compile on a machine's first use (43 s at load average 40), which a small
#: task would wait for, and a small search gains nothing from them.
DIRECTION_MIN_EDGES = SMALL_GRAPH_EDGES


def bfs_depths(graph: Graph, root: int, progress: Progress | None = None) -> npt.NDArray[np.int64]:
    """Hop depth of every vertex from ``root`` along out-edges; ``-1`` where unreachable.

    A compiled direction-optimising search (``depth_kernels``): top-down levels, split over
    the threads when the frontier is large, and bottom-up levels when the in-edges are at
    hand for free: an undirected graph's out-CSR is its in-CSR, and a directed graph's
    in-edges count only if an earlier task built them, on this graph or on the same graph
    cache entry (KCore and InfoMap keep them there).  Building the transpose
    just for this search never pays: at 16.8 M edges it took 0.21 s idle, more than twice the
    whole top-down search (bench/RESULTS.md, "BFS and SCC kernels").  Graphs under
    ``DIRECTION_MIN_EDGES`` edges run the plain queued search.
    """
    if graph.n == 0:
        return np.full(0, -1, dtype=np.int64)
    if graph.m < DIRECTION_MIN_EDGES:
        return _queued_depths(graph, root)
    in_ptr, in_idx = graph.indptr, graph.indices
    if graph.directed:
        present = graph.in_edges_if_present()
        if present is not None:
            in_ptr, in_idx = present
    bottom_up = not graph.directed or in_ptr is not graph.indptr
    depth, steps = _direction_optimising(graph, root, in_ptr, in_idx, bottom_up)
    if progress is not None:
        source = ("the out-CSR (undirected)" if not graph.directed else "the in-CSR") if bottom_up else ""
        progress.log(
            f"levels: {steps[0]} top-down queued, {steps[1]} top-down dense, {steps[2]} bottom-up"
            + (f" over {source}" if bottom_up else " (no in-CSR built: bottom-up not used)")
        )
    result: npt.NDArray[np.int64] = depth
    return result


def _direction_optimising(
    graph: Graph, root: int, in_ptr: IntArray, in_idx: IntArray, bottom_up: bool
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    import numba

    from graphmill.engine.algorithms.path import depth_kernels as k

    threads = int(numba.get_num_threads())
    depth, steps = k.bfs_depths(
        graph.indptr,
        graph.indices,
        in_ptr,
        in_idx,
        bottom_up,
        root,
        threads,
        k.ALPHA,
        k.BETA,
        k.PARALLEL_EDGES,
    )
    return depth, steps


def _queued_depths(graph: Graph, root: int) -> npt.NDArray[np.int64]:
    """Depths by the plain level-by-level kernel (every level top-down from a queue)."""
    from graphmill.engine.algorithms.bfs_kernels import bfs_levels

    n = graph.n
    queue = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    levels = bfs_levels(graph.indptr, graph.indices, root, np.zeros(n, dtype=np.uint8), queue, ends)
    bounds = ends[: int(levels)]
    sizes = np.diff(bounds, prepend=0)  # vertices per level; level 0 is the root
    depth = np.full(n, -1, dtype=np.int64)
    depth[queue[: bounds[-1]]] = np.repeat(np.arange(bounds.shape[0], dtype=np.int64), sizes)
    return depth


def _bfs_columns(params: Params) -> list[OutputColumn]:
    if is_graphalytics(params):
        return [OutputColumn("VID", "vid"), OutputColumn("DEPTH", "int64")]
    return [OutputColumn("ROOT", "vid"), OutputColumn("VISITED", "int64")]


def _run_bfs(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    root = resolve_root(g, params["root"])
    progress.log(f"BFS ({params['variant']}) from {g.id_of(root)!r} on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, "searching")
    columns = _bfs_columns(params)
    if is_graphalytics(params):
        depth = bfs_depths(g, root, progress)
        reached = int((depth >= 0).sum())
        depth[depth < 0] = UNREACHABLE_DEPTH
        progress("computing", 1.0, f"reached {reached} vertices")
        progress.log(f"visited {reached} vertices, max depth {int(depth[depth != UNREACHABLE_DEPTH].max())}")
        return make_table(g, columns, [g.id_array(), depth])
    visited = int((bfs_depths(g, root, progress) >= 0).sum())
    progress("computing", 1.0, f"reached {visited} vertices")
    progress.log(f"visited {visited} vertices (root included)")
    return make_table(g, columns, [g.id_array(np.array([root])), [visited]])


BFS = AlgorithmSpec(
    type="analytics_bfs",
    name="BFS",
    group="path",
    params=(IS_DIRECTED, ROOT, VARIANT, OLD_WEIGHT),
    needs_weight=False,
    output_columns=_bfs_columns,
    run=_run_bfs,
    doc=(
        "Breadth-first search from `root`. NA output: one row ROOT, VISITED (vertices reached, root "
        "included); variant=graphalytics: the depth of every vertex (unreachable = 2^63-1)."
    ),
)


# -- SSSP ----------------------------------------------------------------------------------


def _min_parallel(graph: Graph, weights: npt.NDArray[np.float64]) -> Any:
    """Adjacency with one entry per (u, v): the smallest weight of the parallel edges."""
    src = graph.sources()
    dst = graph.indices
    m = graph.m
    if m == 0:
        return graph.adjacency(weights)
    first = np.ones(m, dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    if first.all():
        return graph.adjacency(weights)
    starts = np.flatnonzero(first)
    w = np.minimum.reduceat(weights, starts)
    keep_src = src[starts]
    indptr = np.zeros(graph.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keep_src, minlength=graph.n), out=indptr[1:])
    return sp.csr_array((w, dst[starts], indptr), shape=(graph.n, graph.n))


def sssp_distances(graph: Graph, root: int) -> npt.NDArray[np.float64]:
    """Shortest-path length (sum of weights) from ``root``; ``inf`` where unreachable.

    Unweighted graphs use weight 1.0.  Parallel edges count with their smallest weight;
    zero weights are traversable.  Negative weights fail the task.  A compiled bucket-queue
    search on the CSR (no copy of the graph) with Dijkstra's exact result.
    """
    weights = graph.weights if graph.weights is not None else np.ones(graph.m, dtype=np.float64)
    if graph.m and float(np.min(weights)) < 0:
        raise errors.TaskFailed("SSSP needs non-negative edge weights; the graph has a negative weight")
    if graph.n == 0:
        return np.zeros(0, dtype=np.float64)

    from graphmill.engine.algorithms.path import kernels as k

    weights = np.asarray(weights, dtype=np.float64)
    delta, nbuckets = _bucket_width(*k.positive_range(weights))
    dist = k.bucket_sssp(graph.indptr, graph.indices, weights, root, delta, nbuckets)
    return np.asarray(dist, dtype=np.float64)


def warm_up(graph: Graph) -> None:
    """Load the compiled SSSP and BFS kernels on a tiny ``graph``, weighted as a task gets it.

    Both BFS kernels: the queued one small graphs take, and the direction-optimising one with
    the graph's own arrays (a directed graph without in-edges) and with its in-edges, built or
    read back from the graph cache.
    """
    weights = np.linspace(0.5, 1.5, graph.m)
    weights.setflags(write=graph.indices.flags.writeable)  # memory-mapped from the cache: read-only
    _queued_depths(graph, 0)
    _direction_optimising(graph, 0, graph.indptr, graph.indices, False)
    for in_ptr, in_src in _in_edges_as_tasks_get_them(graph):
        _direction_optimising(graph, 0, in_ptr, in_src, True)
    sssp_distances(Graph(graph.n, graph.ids, graph.vid_type, True, graph.indptr, graph.indices, weights), 0)


#: Most buckets the SSSP queue cycles through (bounds the scan past empty buckets).
MAX_BUCKETS = 1024


def _bucket_width(smallest: float, largest: float) -> tuple[float, int]:
    """Bucket width and count for ``bucket_sssp`` from the smallest and largest positive finite
    weights: the smallest (so no vertex is settled twice), widened when the largest would need
    more than ``MAX_BUCKETS`` buckets; ``(1.0, 1)`` when no weight is positive and finite."""
    if not largest > 0:
        return 1.0, 1
    delta = max(smallest, largest / (MAX_BUCKETS - 2))
    return delta, int(largest / delta) + 2


def _sssp_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn("VID", "vid"), OutputColumn("DISTANCE", "double")]


def _run_sssp(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    root = resolve_root(g, params["root"])
    weighted = "weighted" if g.weights is not None else "unweighted (weight 1.0)"
    progress.log(
        f"SSSP ({params['variant']}) from {g.id_of(root)!r}, {weighted}, on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, "searching")
    dist = sssp_distances(g, root)
    reachable = np.isfinite(dist)
    progress("computing", 1.0, f"reached {int(reachable.sum())} vertices")
    progress.log(f"reached {int(reachable.sum())} of {g.n} vertices")
    columns = _sssp_columns(params)
    if is_graphalytics(params):
        return make_table(g, columns, [g.id_array(), dist])
    index = np.flatnonzero(reachable)
    return make_table(g, columns, [g.id_array(index), dist[index]])


SSSP = AlgorithmSpec(
    type="analytics_sssp",
    name="SSSP",
    group="path",
    params=(IS_DIRECTED, ROOT, VARIANT, OLD_WEIGHT),
    needs_weight=True,
    output_columns=_sssp_columns,
    run=_run_sssp,
    doc=(
        "Single-source shortest paths (Dijkstra) from `root` over edge weights (1.0 where absent). "
        "NA output: reachable vertices only; variant=graphalytics: every vertex, unreachable = inf."
    ),
)


# -- APSP ----------------------------------------------------------------------------------

#: Most rows APSP writes (pairs); beyond this the task fails rather than exhaust memory.
APSP_MAX_ROWS = 400_000_000
_APSP_CELLS = 1 << 24


def all_pairs(
    graph: Graph, progress: Progress
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Every reachable ordered pair (u, v), u != v, with its shortest distance (Dijkstra per source)."""
    weights = graph.weights if graph.weights is not None else np.ones(graph.m, dtype=np.float64)
    if graph.m and float(np.min(weights)) < 0:
        raise errors.TaskFailed("APSP needs non-negative edge weights; the graph has a negative weight")
    n = graph.n
    empty_i = np.zeros(0, dtype=np.int64)
    if n == 0:
        return empty_i, empty_i, np.zeros(0, dtype=np.float64)
    matrix = _min_parallel(graph, np.asarray(weights, dtype=np.float64))
    rows = max(1, _APSP_CELLS // n)
    srcs: list[npt.NDArray[np.int64]] = []
    dsts: list[npt.NDArray[np.int64]] = []
    dists: list[npt.NDArray[np.float64]] = []
    total = 0
    for start in range(0, n, rows):
        block = np.arange(start, min(n, start + rows))
        dist = csgraph.dijkstra(matrix, directed=True, indices=block)
        dist[np.arange(block.shape[0]), block] = np.inf
        r, c = np.nonzero(np.isfinite(dist))
        total += r.shape[0]
        if total > APSP_MAX_ROWS:
            raise errors.TaskFailed(
                f"APSP would write more than {APSP_MAX_ROWS} rows; the graph is too large"
            )
        srcs.append((block[r]).astype(np.int64))
        dsts.append(c.astype(np.int64))
        dists.append(dist[r, c])
        done = min(n, start + rows)
        progress("computing", done / n, f"{done} of {n} sources")
    return np.concatenate(srcs), np.concatenate(dsts), np.concatenate(dists)


def _apsp_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn("VID1", "vid"), OutputColumn("VID2", "vid"), OutputColumn("DISTANCE", "double")]


def _run_apsp(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(f"APSP on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, f"0 of {g.n} sources")
    src, dst, dist = all_pairs(g, progress)
    progress.log(f"{src.shape[0]} reachable pairs")
    return make_table(g, _apsp_columns(params), [g.id_array(src), g.id_array(dst), dist])


APSP = AlgorithmSpec(
    type="analytics_apsp",
    name="APSP",
    group="path",
    params=(IS_DIRECTED, OLD_WEIGHT),
    needs_weight=True,
    output_columns=_apsp_columns,
    run=_run_apsp,
    doc=(
        "All-pairs shortest paths over edge weights (1.0 where absent): one row VID1, VID2, DISTANCE "
        "per ordered pair of distinct vertices with a path."
    ),
)


# -- ShortestPath (pairwise) ----------------------------------------------------------------


def shortest_paths(
    graph: Graph, sources: npt.NDArray[np.int64], targets: npt.NDArray[np.int64], progress: Progress
) -> list[tuple[int, int, list[int] | None]]:
    """One hop-shortest path per (source, target) pair, as dense indices (``None``: unreachable).

    Among several shortest paths the one found by a breadth-first search that scans
    neighbours in id order is returned (each vertex keeps its first discoverer).
    """
    adjacency = graph.adjacency()
    result: list[tuple[int, int, list[int] | None]] = []
    unique_sources = list(dict.fromkeys(int(s) for s in sources))
    for i, s in enumerate(unique_sources):
        _, pred = csgraph.breadth_first_order(adjacency, s, directed=True, return_predecessors=True)
        for t in targets:
            t = int(t)
            if t == s:
                result.append((s, t, [s]))
                continue
            if pred[t] < 0:
                result.append((s, t, None))
                continue
            path = [t]
            while path[-1] != s:
                path.append(int(pred[path[-1]]))
            result.append((s, t, path[::-1]))
        progress("computing", (i + 1) / len(unique_sources), f"{i + 1} of {len(unique_sources)} sources")
    order = {s: i for i, s in enumerate(int(x) for x in sources)}
    result.sort(key=lambda row: order[row[0]])
    return result


def _shortest_path_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn("VALUE", "string")]


def _run_shortest_path(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    src_ids = list(dict.fromkeys(params["src"]))
    dst_ids = list(dict.fromkeys(params["dst"]))
    sources = resolve_many(g, src_ids, "src")
    targets = resolve_many(g, dst_ids, "dst")
    progress.log(
        f"ShortestPath: {len(src_ids)} sources x {len(dst_ids)} targets on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, "searching")
    paths = shortest_paths(g, sources, targets, progress)
    values: list[str] = []
    missing = 0
    for _s, _t, path in paths:
        if path is None:
            missing += 1
            continue
        values.append(",".join(str(g.id_of(v)) for v in path))
    if missing:
        progress.log(f"{missing} pairs have no path (no row written)")
    return make_table(g, _shortest_path_columns(params), [values])


SHORTEST_PATH = AlgorithmSpec(
    type="analytics_shortest_path",
    name="ShortestPath",
    group="path",
    params=(
        ParamSpec("src", "vid_list", ["100"], doc="comma-separated source vertex ids"),
        ParamSpec("dst", "vid_list", ["200"], doc="comma-separated target vertex ids"),
        IS_DIRECTED,
    ),
    needs_weight=False,
    output_columns=_shortest_path_columns,
    run=_run_shortest_path,
    doc=(
        "Hop-shortest path for every (src, dst) pair (sources in the given order, then targets): one row "
        "VALUE = 'src,vid1,...,dst'; one path when several exist; pairs without a path write no row."
    ),
)


def _in_edges_as_tasks_get_them(graph: Graph) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[Any]]]:
    """For the warm-up: ``graph``'s in-edges as built by a task (writable) and, when the
    graph's own arrays are read-only (memory-mapped from the graph cache), also read-only, as a
    later task reads them back from the cache entry."""
    in_ptr, in_src = graph.in_edges()
    variants = [(in_ptr, in_src)]
    if not graph.indices.flags.writeable:
        read_only = (in_ptr.copy(), in_src.copy())
        for array in read_only:
            array.setflags(write=False)
        variants.append(read_only)
    return variants
