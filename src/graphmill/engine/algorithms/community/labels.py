"""What the community algorithms share: modularity, community statistics and the label table."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    is_graphalytics,
    make_table,
)
from graphmill.engine.algorithms.base import OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = [
    "IS_CALC_MODULARITY",
    "IS_OUTPUT_MODULARITY",
    "IS_STAT_COMMUNITY",
    "community_sizes",
    "community_stats",
    "label_columns",
    "label_table",
    "modularity",
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


def community_sizes(labels: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """The size of every community, for labels that are vertex indices (``0..n-1``).

    A count per index, O(n): ``np.unique`` sorts, which took 150-180 ms CPU at 646 K
    vertices, a quarter of a whole SCC task (bench/RESULTS.md, "BFS and SCC kernels").
    """
    counts = np.bincount(labels)
    sizes: npt.NDArray[np.int64] = counts[counts > 0]
    return sizes


def community_stats(labels: npt.NDArray[Any], top: int = 10) -> str:
    """One log line: community count and the largest sizes (labels are vertex indices)."""
    sizes = community_sizes(labels)
    biggest = np.sort(sizes)[::-1][:top]
    singletons = int(np.count_nonzero(sizes == 1))
    return (
        f"{sizes.shape[0]} communities; largest sizes {', '.join(str(int(s)) for s in biggest)}; "
        f"{singletons} single-vertex"
    )


def label_columns(params: Params) -> list[OutputColumn]:
    columns = [OutputColumn("VID", "vid"), OutputColumn("LABEL", "vid")]
    if params.get("is_output_modularity") and not is_graphalytics(params):
        columns.append(OutputColumn("MODULARITY", "double"))
    return columns


def label_table(
    graph: Graph,
    label_index: npt.NDArray[np.int64],
    params: Params,
    progress: Progress,
    weights: npt.NDArray[np.float64] | None = None,
) -> Any:
    """VID, LABEL (the id of a vertex) and, when asked, modularity; logs stats as asked."""
    progress.log(f"{community_sizes(label_index).shape[0]} communities")
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
    return make_table(graph, label_columns(params), values)
