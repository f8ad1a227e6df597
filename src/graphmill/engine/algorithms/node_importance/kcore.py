"""KCore: core numbers of the undirected multigraph, and the k-core filter."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    OLD_ITERATIONS,
    make_table,
    threads,
    undirected_view,
)
from graphmill.engine.algorithms.base import MAX_COUNT, AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["KCORE", "core_numbers", "warm_up"]


def core_numbers(
    graph: Graph, *, blocks: int | None = None, min_parallel: int | None = None
) -> npt.NDArray[np.int64]:
    """Core number of every vertex of the undirected multigraph behind ``graph``.

    Direction is ignored; every input edge counts once for both endpoints (parallel edges
    each count; the reverse copies of a graph loaded with ``is_directed=false`` are not
    counted twice); self-loops are ignored.  ``blocks`` (default: the worker's threads) and
    ``min_parallel`` (default ``kcore_kernels.PARALLEL_EDGES``) set how peeling rounds are
    split over threads; tests force other splits.
    """
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    from graphmill.engine.algorithms.node_importance import kcore_kernels as k

    # int32 degrees halve the randomly accessed array when they fit
    deg = np.empty(graph.n, dtype=np.int32 if max(2 * graph.m, graph.n) < 2**31 else np.int64)
    # a directed graph's in-edges: the lean transpose, kept in the graph cache entry
    in_ptr, in_src = graph.in_edges() if graph.directed else (graph.indptr[:1], graph.indices[:0])
    # read-only views: one compiled signature whether an array was built by this task or
    # memory-mapped from the graph cache (each mix would load, or compile, its own)
    arrays = [_read_only(a) for a in (graph.indptr, graph.indices, in_ptr, in_src)]
    k.core_numbers_csr(
        *arrays,
        graph.directed,
        deg,
        threads() if blocks is None else blocks,
        k.PARALLEL_EDGES if min_parallel is None else min_parallel,
    )
    core: npt.NDArray[np.int64] = deg.astype(np.int64)
    return core


def _read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    view = array.view()
    view.setflags(write=False)
    return view


def warm_up(graph: Graph) -> None:
    """Load the compiled peeling (one signature, whatever the graph) on a tiny graph."""
    core_numbers(graph)


def _kcore_columns(params: Params) -> list[OutputColumn]:
    if params.get("type") == "subgraph":
        return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "vid")]
    return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "int64")]


def _run_kcore(graph: Graph, params: Params, progress: Progress) -> Any:
    kind = str(params["type"])
    progress.log(f"KCore: type={kind} on {graph.n} vertices, {graph.m} edges")
    progress("computing", 0.0, "peeling")
    core = core_numbers(graph)
    progress("computing", 1.0, f"max core number {int(core.max()) if graph.n else 0}")
    columns = _kcore_columns(params)
    if kind == "vertex":
        return make_table(graph, columns, [graph.id_array(), core])
    kmin, kmax = int(params["kmin"]), int(params["kmax"])
    view = undirected_view(graph)
    src = np.repeat(np.arange(graph.n, dtype=np.int64), view.degree())
    keep = (core[src] >= kmin) & (core[src] <= kmax)
    src = src[keep]
    dst = np.asarray(view.idx, dtype=np.int64)[keep]
    order = np.argsort(core[src], kind="stable")
    src, dst = src[order], dst[order]
    progress.log(f"{int(np.unique(src).shape[0])} vertices with core number in [{kmin}, {kmax}]")
    return make_table(graph, columns, [graph.id_array(src), graph.id_array(dst)])


KCORE = AlgorithmSpec(
    type="analytics_kcore",
    name="KCore",
    group="nodeImportance",
    params=(
        ParamSpec(
            "type",
            "string",
            "vertex",
            choices=("vertex", "subgraph"),
            doc="vertex: core number of every vertex; subgraph: neighbours of the vertices whose core number is in [kmin, kmax]",
        ),
        ParamSpec(
            "kmin", "int", 1, minimum=0, maximum=MAX_COUNT, doc="smallest core number kept (type=subgraph)"
        ),
        ParamSpec(
            "kmax",
            "int",
            1000000,
            minimum=0,
            maximum=MAX_COUNT,
            doc="largest core number kept (type=subgraph)",
        ),
        IS_DIRECTED,
        ParamSpec(
            "vertices", "int", None, minimum=0, doc="older NA docs: vertex count, 0 = counted; not used"
        ),
        ParamSpec("edges", "int", None, minimum=0, doc="older NA docs: edge count, 0 = counted; not used"),
        OLD_ITERATIONS,
    ),
    needs_weight=False,
    output_columns=_kcore_columns,
    run=_run_kcore,
    doc=(
        "k-core decomposition of the undirected multigraph (direction ignored, parallel edges count, "
        "self-loops ignored). type=vertex: VID, VALUE = core number; type=subgraph: one row per "
        "(vertex, distinct neighbour) for vertices whose core number lies in [kmin, kmax], ordered by core number."
    ),
)
