"""ClusteringCoefficient (local and average, and Graphalytics LCC): Explorer's Clustering group."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    VARIANT,
    is_graphalytics,
    make_table,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.algorithms.graph_feature.triangles import (
    REMOVED_DUPLICATION_EDGE,
    REMOVED_SELF_EDGE,
    triangle_counts,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["CLUSTERING_COEFFICIENT", "clustering"]

FloatArray = npt.NDArray[np.float64]


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
