"""Pieces shared by the algorithm families: common parameters and graph preparation."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from graphmill import errors
from graphmill.engine.algorithms.base import OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

IS_DIRECTED = ParamSpec(
    "is_directed",
    "bool",
    True,
    doc="treat edges as directed; false adds the reverse of every edge",
)
VARIANT = ParamSpec(
    "variant",
    "string",
    "na",
    choices=("na", "graphalytics"),
    doc="na: NebulaGraph Analytics semantics; graphalytics: the LDBC Graphalytics definition",
)
ROOT = ParamSpec("root", "vid", required=True, doc="id of the source vertex")
#: Keys older NA docs listed and saved canvases still carry: accepted, without effect.
OLD_WEIGHT = ParamSpec("weight", "float", None, doc="older NA docs: maximum edge weight; not used")
OLD_ITERATIONS = ParamSpec("iterations", "int", None, minimum=1, doc="older NA docs: iterations; not used")

#: Graphalytics' BFS depth of an unreachable vertex (2**63 - 1).
UNREACHABLE_DEPTH = 9223372036854775807


def is_graphalytics(params: Params) -> bool:
    return params.get("variant") == "graphalytics"


def oriented(graph: Graph, params: Params, progress: Progress) -> Graph:
    """The graph as ``is_directed`` asks: reverse edges added when it is false.

    A graph loaded undirected cannot serve ``is_directed=true``: that is a TaskFailed.
    """
    want_directed = bool(params.get("is_directed", True))
    if want_directed == graph.directed:
        return graph
    if not want_directed:
        progress.log("is_directed=false: adding reverse edges")
        return graph.to_undirected()
    raise errors.TaskFailed("the graph was loaded undirected (reverse edges added) but is_directed=true")


def resolve_root(graph: Graph, root: Any) -> int:
    """Dense index of the ``root`` parameter; a missing vertex fails the task."""
    try:
        return graph.lookup(root)
    except errors.ParamError as exc:
        raise errors.TaskFailed(f"root {exc.detail}") from exc


def arrow_type(graph: Graph, column: OutputColumn) -> Any:
    if column.dtype == "vid":
        return pa.int64() if graph.vid_type == "int64" else pa.large_string()
    return {"int64": pa.int64(), "double": pa.float64(), "string": pa.large_string()}[column.dtype]


def make_table(graph: Graph, columns: list[OutputColumn], values: list[Any]) -> Any:
    """A ``pyarrow.Table`` with the declared column names and types."""
    arrays = []
    for column, value in zip(columns, values, strict=True):
        target = arrow_type(graph, column)
        arr = value if isinstance(value, pa.Array | pa.ChunkedArray) else pa.array(value)
        if arr.type != target:
            arr = arr.cast(target)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=[c.name for c in columns])


SEED = ParamSpec(
    "seed",
    "int",
    0,
    minimum=0,
    maximum=2**63 - 1,
    doc="seed of every random choice (same seed, same graph: same result)",
)


def threads() -> int:
    """Threads the parallel kernels use (numba's setting, all cores by default)."""
    import numba

    return int(numba.get_num_threads())


class UndirectedView(NamedTuple):
    """Sorted, duplicate-free undirected adjacency of a graph (see ``view_kernels.undirected_view``)."""

    ptr: npt.NDArray[np.int64]
    idx: npt.NDArray[Any]
    code: npt.NDArray[np.uint8]
    mult: npt.NDArray[np.int64]
    wsum: npt.NDArray[np.float64]

    def degree(self) -> npt.NDArray[np.int64]:
        return np.diff(self.ptr)


def undirected_view(
    graph: Graph, *, keep_self: bool = False, edge_weights: npt.NDArray[np.float64] | None = None
) -> UndirectedView:
    """Every vertex's distinct neighbours ignoring direction (multiplicities and weights summed).

    For a graph loaded directed, ``mult``/``wsum`` of {u, v} add the stored u->v and v->u
    edges; for a graph loaded undirected (reverse edges added) they count each original
    edge once.  Self-loops are dropped unless ``keep_self``.  ``wsum`` sums
    ``edge_weights`` (per out-CSR edge) when given, else the graph's weights (1.0 when
    unweighted); only the default is cached on the graph.
    """
    cache_key = f"undirected_view:{keep_self}"
    if edge_weights is None:
        cached = graph._cache.get(cache_key)
        if cached is not None:
            result: UndirectedView = cached
            return result
        weights = graph.weights if graph.weights is not None else np.ones(graph.m, dtype=np.float64)
    else:
        weights = edge_weights
    from graphmill.engine.algorithms import view_kernels as k

    if graph.directed:
        inc = graph.in_csr()
        in_w = np.asarray(weights)[inc.edge_ids]
        view = k.undirected_view(
            graph.n, graph.indptr, graph.indices, weights, inc.indptr, inc.indices, in_w, True, keep_self
        )
    else:
        view = k.undirected_view(
            graph.n,
            graph.indptr,
            graph.indices,
            weights,
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=graph.indices.dtype),
            np.zeros(0, dtype=np.float64),
            False,
            keep_self,
        )
    result = UndirectedView(*view)
    if edge_weights is None:
        graph._cache[cache_key] = result
    return result


def smallest_member(labels: npt.NDArray[Any], n: int) -> npt.NDArray[np.int64]:
    """Relabel a partition so each vertex carries the smallest vertex index of its class."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse = np.unique(labels, return_inverse=True)
    from graphmill.engine.algorithms.view_kernels import min_member

    out: npt.NDArray[np.int64] = min_member(inverse.astype(np.int64), int(inverse.max()) + 1)
    return out


def major_component(graph: Graph) -> npt.NDArray[np.int64]:
    """Dense indices of the largest weakly connected component (ties: the one with the smallest vertex)."""
    from scipy.sparse import csgraph

    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    _, comp = csgraph.connected_components(graph.adjacency(), directed=True, connection="weak")
    sizes = np.bincount(comp)
    biggest = int(np.argmax(sizes))  # first maximum = component of the smallest vertex among equals
    members: npt.NDArray[np.int64] = np.flatnonzero(comp == biggest).astype(np.int64)
    return members


def resolve_vertex(graph: Graph, vid: Any, what: str) -> int:
    """Dense index of a vertex parameter; a missing vertex fails the task."""
    try:
        return graph.lookup(vid)
    except errors.ParamError as exc:
        raise errors.TaskFailed(f"{what} {exc.detail}") from exc


def resolve_many(graph: Graph, vids: list[Any], what: str) -> npt.NDArray[np.int64]:
    """Dense indices of a list parameter; any missing vertex fails the task (naming a few)."""
    index = graph.lookup_many(list(vids))
    missing = [vids[i] for i in np.flatnonzero(index < 0)[:5]]
    if missing:
        raise errors.TaskFailed(f"{what}: vertices not in the graph: {', '.join(map(str, missing))}")
    return index


def nonempty(value: Any) -> None:
    """ParamSpec check: a list must have at least one item."""
    if not value:
        raise ValueError("must list at least one vertex id")


#: Below this many edges, algorithms that have one take a numpy/scipy path instead of the
#: compiled kernels: a fresh worker pays 0.2–0.7 s to load compiled kernels from numba's
#: cache, far more than the whole computation on a graph this small.
SMALL_GRAPH_EDGES = 200_000


def is_small(graph: Graph) -> bool:
    return graph.m < SMALL_GRAPH_EDGES
