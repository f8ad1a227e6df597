"""Community discovery: WCC (``analytics_wcc``) and the modularity shared by the family."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csgraph

from graphmill.engine.algorithms._common import IS_DIRECTED, VARIANT, make_table
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["SPECS", "WCC", "community_stats", "modularity", "weak_components"]

IS_CALC_MODULARITY = ParamSpec("is_calc_modularity", "bool", False, doc="compute modularity and log it")
IS_OUTPUT_MODULARITY = ParamSpec(
    "is_output_modularity", "bool", False, doc="compute modularity and output it as a third column"
)
IS_STAT_COMMUNITY = ParamSpec(
    "is_stat_community", "bool", False, doc="log the number and sizes of communities"
)


def modularity(graph: Graph, labels: npt.NDArray[Any]) -> float:
    """Newman modularity of a vertex partition on the undirected view of ``graph``.

    Every stored edge of a directed graph is one undirected edge (a graph loaded with
    ``directed=False`` already stores both directions, so each pair counts once).  With
    ``S`` the symmetric adjacency, ``2m = sum(S)`` and ``k`` its row sums (a self-loop adds 2):
    ``Q = sum_c [ S_in(c) / 2m - (K_c / 2m)^2 ]`` — networkx's definition.  Edge weights are
    not used.  An edgeless graph has modularity 0.
    """
    if graph.m == 0:
        return 0.0
    _, comm = np.unique(labels, return_inverse=True)
    src_c = comm[graph.sources()]
    dst_c = comm[graph.indices]
    same = int(np.count_nonzero(src_c == dst_c))
    if graph.directed:
        two_m = 2.0 * graph.m
        internal = 2.0 * same
        degree = graph.out_degree() + graph.in_degree()
    else:
        two_m = float(graph.m)
        internal = float(same)
        degree = graph.out_degree()
    totals = np.bincount(comm, weights=degree.astype(np.float64))
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
    count, comp = csgraph.connected_components(graph.adjacency(), directed=True, connection="weak")
    smallest = np.full(count, graph.n, dtype=np.int64)
    np.minimum.at(smallest, comp, np.arange(graph.n, dtype=np.int64))
    result: npt.NDArray[np.int64] = smallest[comp]
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

SPECS = (WCC,)
