"""TriangleCount (per vertex, total, or the list) and the triangle counts ClusteringCoefficient reads."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill import errors
from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    UndirectedView,
    make_table,
    threads,
    undirected_view,
)
from graphmill.engine.algorithms.base import AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = [
    "MAX_TRIANGLE_ROWS",
    "REMOVED_DUPLICATION_EDGE",
    "REMOVED_SELF_EDGE",
    "TRIANGLE_COUNT",
    "TriangleCounts",
    "triangle_counts",
]

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
    from graphmill.engine.algorithms.graph_feature import triangle_kernels as k
    from graphmill.engine.algorithms.view_kernels import orient

    view = undirected_view(graph)
    deg = view.degree()
    rank = np.empty(graph.n, dtype=np.int64)
    rank[np.lexsort((np.arange(graph.n), deg))] = np.arange(graph.n, dtype=np.int64)
    optr, oidx, ocode, omult = orient(view.ptr, view.idx, view.code, view.mult, rank)
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
    from graphmill.engine.algorithms.graph_feature import triangle_kernels as k

    rows = k.triangle_list(optr, oidx)
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
