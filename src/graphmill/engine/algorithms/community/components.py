"""Connected components: WCC (``analytics_wcc``) and StronglyConnectedComponent."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse import csgraph

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    VARIANT,
    is_small,
    make_table,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params
from graphmill.engine.algorithms.community.labels import (
    IS_CALC_MODULARITY,
    IS_OUTPUT_MODULARITY,
    IS_STAT_COMMUNITY,
    community_sizes,
    community_stats,
    label_columns,
    label_table,
    modularity,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["SCC", "WCC", "strong_components", "weak_components"]


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
    from graphmill.engine.algorithms.community import components_kernels as k

    result: npt.NDArray[np.int64] = k.weak_min_labels(graph.indptr, graph.indices)
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
    progress.log(f"{community_sizes(label_index).shape[0]} components")
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


# -- SCC -----------------------------------------------------------------------------------


def strong_components(graph: Graph) -> npt.NDArray[np.int64]:
    """Per vertex, the dense index of the smallest vertex of its strongly connected component."""
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    from graphmill.engine.algorithms.community import components_kernels as k

    result: npt.NDArray[np.int64] = k.strong_min_labels(graph.indptr, graph.indices)
    return result


def _run_scc(graph: Graph, params: Params, progress: Progress) -> Any:
    progress.log(f"SCC on {graph.n} vertices, {graph.m} edges")
    progress("computing", 0.0, "finding strongly connected components")
    label_index = strong_components(graph)
    progress("computing", 1.0, "components found")
    return label_table(graph, label_index, params, progress)


SCC = AlgorithmSpec(
    type="analytics_scc",
    name="StronglyConnectedComponent",
    group="communityDiscovery",
    params=(IS_DIRECTED, IS_CALC_MODULARITY, IS_OUTPUT_MODULARITY, IS_STAT_COMMUNITY),
    needs_weight=False,
    output_columns=label_columns,
    run=_run_scc,
    doc="Strongly connected components; LABEL is the smallest vertex id of the component.",
)
